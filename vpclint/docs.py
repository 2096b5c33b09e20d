"""The rules as documentation: a table, JSON, or the full Markdown reference (docs/rules.md)."""

from __future__ import annotations

import json
from collections.abc import Iterable

from vpclint.engine import Rule

HEADER = """\
# vpclint rules

Generated from the rule docstrings by `vpclint rules --format markdown`; do not edit by hand.
Rules marked *opt-in* run only when selected (`--select VPC604`, or `select` in the
configuration).
"""


def area(rule: Rule) -> str:
    """The rule's area: the folder under rules/ (routing, endpoints, ...)."""
    parts = rule.check.__module__.split(".")
    return parts[-2] if len(parts) >= 2 else ""


def as_json(rules: Iterable[Rule]) -> str:
    return json.dumps(
        [
            {
                "id": rule.id,
                "name": rule.name,
                "severity": rule.severity.value,
                "area": area(rule),
                "default_enabled": rule.default_enabled,
                "summary": rule.summary,
                "documentation": rule.doc.strip(),
            }
            for rule in rules
        ],
        indent=2,
    )


def as_markdown(rules: Iterable[Rule]) -> str:
    rules = list(rules)
    lines = [HEADER, "| ID | name | severity | area | summary |", "|---|---|---|---|---|"]
    for rule in rules:
        opt_in = " (*opt-in*)" if not rule.default_enabled else ""
        lines.append(
            f"| [{rule.id}](#{rule.id.lower()}-{rule.name}) | {rule.name} | "
            f"{rule.severity.value}{opt_in} | {area(rule)} | {_cell(rule.summary)} |"
        )
    for rule in rules:
        body = rule.doc.strip().split("\n", 1)
        details = body[1].strip() if len(body) > 1 else ""
        # The rule's own headings sit one level below its title.
        details = details.replace("\n## ", "\n### ")
        if details.startswith("## "):
            details = "#" + details
        lines += [
            "",
            f"## {rule.id} {rule.name}",
            "",
            f"*{rule.severity.value}*{', opt-in' if not rule.default_enabled else ''}. "
            f"{rule.summary}",
            "",
            details,
        ]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")
