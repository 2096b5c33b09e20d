"""`--format sarif`: SARIF 2.1.0, in the shape GitHub code scanning uploads.

One run. Its driver lists every rule (so code scanning can show a rule's help even for rules
that found nothing); each finding is a result pointing at its line and column. Files that could
not be linted, and rules that crashed, are not results (they say nothing about the template):
they become tool execution notifications of the run's one invocation, which then reports
`executionSuccessful: false`.
"""

from __future__ import annotations

import inspect
import json
import re
from pathlib import Path, PurePath
from urllib.parse import quote

from vpclint import __version__
from vpclint.engine import Rule, load_rules
from vpclint.findings import Finding, Severity
from vpclint.lint import FileResult

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
# Relative paths are relative to the checkout; GitHub resolves this base ID to it.
SRCROOT = "%SRCROOT%"
_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_HEADING = re.compile(r"^##\s+(.+?)\s*$", re.MULTILINE)


def render(results: list[FileResult]) -> str:
    rules = load_rules()
    index = {rule.id: position for position, rule in enumerate(rules)}
    run: dict = {
        "tool": {
            "driver": {
                "name": "vpclint",
                "version": __version__,
                "rules": [_rule(rule) for rule in rules],
            }
        },
        "invocations": [_invocation(results, index)],
        # ruamel counts columns in characters, not UTF-16 units (the SARIF default).
        "columnKind": "unicodeCodePoints",
        "results": [
            _result(result.path, finding, index)
            for result in results
            for finding in result.findings
        ],
    }
    document = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _rule(rule: Rule) -> dict:
    doc = inspect.cleandoc(rule.doc)
    what = _sections(doc).get("what it does", "")
    descriptor: dict = {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        # One paragraph: the fuller sentence code scanning shows under the title.
        "fullDescription": {"text": " ".join(what.split()) or rule.summary},
        # The doc is written in markdown and reads well as plain text too.
        "help": {"text": doc, "markdown": doc},
        "defaultConfiguration": {"level": _LEVELS[rule.severity]},
        "properties": {"tags": ["network", *_area(rule)]},
    }
    return descriptor


def _sections(doc: str) -> dict[str, str]:
    """The doc's `## Heading` sections by lower-cased heading."""
    parts = _HEADING.split(doc)
    # parts = [preamble, heading, body, heading, body, ...]
    return {
        heading.strip().lower(): body.strip()
        for heading, body in zip(parts[1::2], parts[2::2], strict=True)
    }


def _area(rule: Rule) -> list[str]:
    """The rule's area, from its module path: vpclint.rules.<area>.<module>."""
    parts = getattr(rule.check, "__module__", "").split(".")
    if len(parts) >= 4 and parts[:2] == ["vpclint", "rules"]:
        return [parts[2]]
    return []


def _result(path: str, finding: Finding, index: dict[str, int]) -> dict:
    result: dict = {"ruleId": finding.rule}
    if finding.rule in index:
        result["ruleIndex"] = index[finding.rule]
    result["level"] = _LEVELS[finding.severity]
    result["message"] = {"text": finding.message}
    location = _location(path, finding.line, finding.column)
    if finding.resource is not None:
        logical = {"name": finding.resource, "kind": "resource"}
        if finding.construct:
            logical["fullyQualifiedName"] = finding.construct
        location["logicalLocations"] = [logical]
    result["locations"] = [location]
    if finding.via:
        result["properties"] = {"via": finding.via}
    return result


def _invocation(results: list[FileResult], index: dict[str, int]) -> dict:
    notifications: list[dict] = []
    for result in results:
        if result.error is not None:
            notifications.append(
                {
                    "level": "error",
                    "message": {"text": f"cannot lint this file: {result.error.message}"},
                    "locations": [_location(result.path, result.error.line, result.error.column)],
                }
            )
        for internal in result.internal_errors:
            notification: dict = {
                "level": "error",
                "message": {
                    "text": f"internal error in rule {internal.rule}: {internal.message}"
                    " (please report this)"
                },
                "locations": [_location(result.path, None, None)],
            }
            if internal.rule in index:
                notification["associatedRule"] = {
                    "id": internal.rule,
                    "index": index[internal.rule],
                }
            else:
                notification["associatedRule"] = {"id": internal.rule}
            notifications.append(notification)
    failed = any(result.error is not None or result.internal_errors for result in results)
    return {"executionSuccessful": not failed, "toolExecutionNotifications": notifications}


def _location(path: str, line: int | None, column: int | None) -> dict:
    physical: dict = {"artifactLocation": _artifact(path)}
    # SARIF lines and columns start at 1; an unknown or zero position is left out.
    if line is not None and line >= 1:
        region = {"startLine": line}
        if column is not None and column >= 1:
            region["startColumn"] = column
        physical["region"] = region
    return {"physicalLocation": physical}


def _artifact(path: str) -> dict:
    if Path(path).is_absolute():
        # An absolute path is only a URI as file:///…; there is no base to resolve it against.
        return {"uri": Path(path).as_uri()}
    posix = PurePath(path).as_posix()  # also drops "./" segments
    # Percent-encode what a URI cannot hold (spaces, %, #, ?), and ':' so that the first
    # segment is never taken for a scheme.
    return {"uri": quote(posix, safe="/"), "uriBaseId": SRCROOT}
