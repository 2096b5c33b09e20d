"""vpclint and cfn-lint together, both ways round.

- `vpclint check --cfn-lint`: cfn-lint's own checks run in-process on the same files and their
  matches join vpclint's report and exit code (`run_cfn_lint`).
- `cfn-lint --append-rules vpclint.cfn_lint template.yaml`: vpclint's rules report through
  cfn-lint. Each vpclint rule becomes a cfn-lint rule whose ID keeps its number behind cfn-lint's
  severity letter and a 9: VPC101 (error) is E9101, VPC102 (warning) W9102, VPC604 (info) I9604.

This module imports cfn-lint, which costs about half a second: only these two paths load it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from cfnlint.api import ManualArgs, lint_file
from cfnlint.rules import CloudFormationLintRule, RuleMatch

from vpclint.engine import Rule, load_rules
from vpclint.findings import Finding, Severity
from vpclint.lint import FileResult, LintOptions
from vpclint.lint import lint_file as vpclint_lint_file

_LETTER = {Severity.ERROR: "E", Severity.WARNING: "W", Severity.INFO: "I"}
_SEVERITY = {"E": Severity.ERROR, "W": Severity.WARNING, "I": Severity.INFO}


def cfn_lint_id(rule: Rule) -> str:
    """The cfn-lint ID of a vpclint rule: VPC101 (error) → E9101."""
    return f"{_LETTER[rule.severity]}9{rule.id[3:]}"


# -- vpclint check --cfn-lint --------------------------------------------------------------------


def run_cfn_lint(result: FileResult, region: str) -> None:
    """Add cfn-lint's matches for a linted file to its result (marked source "cfn-lint")."""
    if result.error is not None or result.skipped:
        return
    matches = lint_file(Path(result.path), config=ManualArgs(regions=[region]))
    # A .cfnlintrc that appends vpclint's rules (the editor set-up) would report them twice.
    found = [_finding(match) for match in matches if not hasattr(match.rule, "vpclint_id")]
    result.findings = sorted(
        [*result.findings, *found], key=lambda f: (f.line, f.column, f.rule, f.message)
    )


def _finding(match: Any) -> Finding:
    rule_id = str(match.rule.id)
    severity = _SEVERITY.get(rule_id[:1], Severity.WARNING)
    path = getattr(match, "path", None) or []
    resource = path[1] if len(path) > 1 and path[0] == "Resources" else None
    return Finding(
        rule=rule_id,
        name=_slug(match.rule.shortdesc),
        severity=severity,
        message=str(match.message),
        resource=str(resource) if resource is not None else None,
        line=int(match.linenumber),
        column=int(match.columnnumber),
        source="cfn-lint",
    )


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")


# -- cfn-lint --append-rules vpclint.cfn_lint ------------------------------------------------------

# One vpclint run per template, shared by every rule class below.
_results: dict[tuple[str, float, str], FileResult] = {}


def _vpclint_result(filename: str, region: str) -> FileResult:
    path = Path(filename)
    key = (str(path.resolve()), path.stat().st_mtime, region)
    if key not in _results:
        _results.clear()
        _results[key] = vpclint_lint_file(filename, LintOptions(region=region), load_rules())
    return _results[key]


def _match(self: Any, cfn: Any) -> list[RuleMatch]:
    """Report one vpclint rule's findings on this template as cfn-lint matches."""
    if not cfn.filename or not Path(cfn.filename).is_file():
        return []  # vpclint reads templates from files, with their lines
    region = cfn.regions[0] if getattr(cfn, "regions", None) else "us-east-1"
    matches = []
    for finding in _vpclint_result(cfn.filename, region).findings:
        if finding.rule != self.vpclint_id:
            continue
        path = ["Resources", finding.resource] if finding.resource else []
        line, column = finding.line - 1, finding.column - 1
        matches.append(
            RuleMatch(
                path, f"{finding.message} [{finding.rule}]", location=(line, column, line, column)
            )
        )
    return matches


def _rule_class(rule: Rule) -> type[CloudFormationLintRule]:
    return type(
        f"Vpclint{rule.id}",
        (CloudFormationLintRule,),
        {
            "id": cfn_lint_id(rule),
            "shortdesc": f"{rule.id} {rule.name}",
            "description": rule.summary,
            "tags": ["vpclint", "network"],
            "vpclint_id": rule.id,
            "match": _match,
            "__module__": __name__,
        },
    )


# cfn-lint instantiates every CloudFormationLintRule subclass it finds in this module.
for _rule in load_rules():
    globals()[f"Vpclint{_rule.id}"] = _rule_class(_rule)
del _rule
