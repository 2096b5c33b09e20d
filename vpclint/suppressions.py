"""Suppressions written in the template: `Metadata: {vpclint: {ignore: [...], reason: ...}}`.

At the top of the template a suppression covers the whole file; on a resource, that resource
(and the objects AWS creates for it, such as `VPC.DefaultSecurityGroup`). Entries are rule IDs
or prefixes (`VPC4`). An entry that suppresses nothing is reported as VPC000.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from vpclint.engine import Rule
from vpclint.findings import Finding
from vpclint.nodes import Mark, mark_of
from vpclint.records import field, record


@record
class Suppression:
    rule: str  # an ID or a prefix
    resource: str | None  # None: the whole file
    reason: str | None
    mark: Mark
    used: bool = field(default=False, compare=False)

    def covers(self, finding: Finding) -> bool:
        if not finding.rule.startswith(self.rule):
            return False
        if self.resource is None:
            return True
        resource = finding.resource or ""
        return resource == self.resource or resource.startswith(self.resource + ".")


@record(frozen=True)
class Suppressed:
    finding: Finding
    reason: str | None
    resource: str | None  # where the suppression was written (None: the template's top)

    def as_json(self) -> dict[str, Any]:
        return {**self.finding.as_json(), "reason": self.reason, "suppressed_by": self.resource}


def read(template: Any) -> list[Suppression]:
    """Every suppression entry of a loaded template."""
    if not isinstance(template, dict):
        return []
    found = _entries(template.get("Metadata"), None)
    resources = template.get("Resources")
    if isinstance(resources, dict):
        for logical_id, body in resources.items():
            if isinstance(body, dict):
                found.extend(_entries(body.get("Metadata"), logical_id))
    return found


def _entries(metadata: Any, resource: str | None) -> list[Suppression]:
    settings = metadata.get("vpclint") if isinstance(metadata, dict) else None
    if not isinstance(settings, dict):
        return []
    rules = settings.get("ignore")
    reason = settings.get("reason")
    reason = str(reason) if isinstance(reason, (str, int, float)) else None
    if isinstance(rules, str):
        return [Suppression(rules.strip(), resource, reason, mark_of(rules))]
    if not isinstance(rules, list):
        return []
    marks = getattr(rules, "item_marks", [])
    return [
        Suppression(
            rule.strip(), resource, reason, marks[index] if index < len(marks) else Mark(0, 0)
        )
        for index, rule in enumerate(rules)
        if isinstance(rule, str)
    ]


def apply(
    findings: Iterable[Finding],
    suppressions: list[Suppression],
    unused_rule: Rule | None,
    enabled: Callable[[str], bool],
) -> tuple[list[Finding], list[Suppressed]]:
    """(findings kept, findings suppressed); unused entries become `unused_rule` findings."""
    kept: list[Finding] = []
    suppressed: list[Suppressed] = []

    def sort(finding: Finding) -> None:
        for suppression in suppressions:
            if suppression.covers(finding):
                suppression.used = True
                suppressed.append(Suppressed(finding, suppression.reason, suppression.resource))
                return
        kept.append(finding)

    for finding in findings:
        sort(finding)
    if unused_rule is not None:
        for suppression in suppressions:
            if not suppression.used and enabled(suppression.rule) and suppression.rule != "VPC000":
                where = f"on {suppression.resource}" if suppression.resource else "for the file"
                sort(
                    Finding(
                        rule=unused_rule.id,
                        name=unused_rule.name,
                        severity=unused_rule.severity,
                        message=(
                            f"The suppression of {suppression.rule} {where} suppresses nothing; "
                            "remove it from Metadata vpclint.ignore."
                        ),
                        resource=suppression.resource,
                        line=suppression.mark.line,
                        column=suppression.mark.column,
                    )
                )
    kept.sort(key=lambda f: (f.line, f.column, f.rule, f.message))
    return kept, suppressed
