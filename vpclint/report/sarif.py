"""`--format sarif`: SARIF 2.1.0, in the shape GitHub code scanning uploads.

One run. Its driver lists every rule (so code scanning can show a rule's help even for rules
that found nothing); each finding is a result pointing at its line and column. Files that could
not be linted, and rules that crashed, are not results (they say nothing about the template):
they become tool execution notifications of the run's one invocation, which then reports
`executionSuccessful: false`.

GitHub code scanning's upload limits
(https://docs.github.com/en/code-security/code-scanning/troubleshooting-sarif-uploads/results-exceed-limit
and .../file-too-large): at most 25,000 results per run (of which it keeps only 5,000), 1,000
locations per result, 20 tags per rule, 20 runs per file, 10 MB per (gzipped) file. vpclint writes
one run, one location per result and two tags per rule; it keeps at most MAX_RESULTS results,
the most severe first (GitHub's own cut is documented as by severity, but does not reliably keep
to it), and says in a warning notification of the run how many of each severity it left out. The
same happens when the document would pass MAX_BYTES uncompressed, a bound that holds whatever
gzip makes of it.
"""

from __future__ import annotations

import inspect
import json
import os
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
# What code scanning stores of a run, and a size that stays under its 10 MB upload limit.
MAX_RESULTS = 5_000
MAX_BYTES = 10_000_000


def render(results: list[FileResult]) -> str:
    rules = load_rules()
    index = {rule.id: position for position, rule in enumerate(rules)}
    findings = [(result.path, finding) for result in results for finding in result.findings]
    # The most severe first; within a severity, in the order of the files and findings.
    ranked = sorted(findings, key=lambda pair: -pair[1].severity.rank)
    keep = min(len(ranked), MAX_RESULTS)
    while True:
        kept = {id(finding) for _, finding in ranked[:keep]}
        document = _document(results, rules, index, findings, kept, ranked[keep:])
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
        size = len(text.encode("utf-8", "backslashreplace"))  # as it will be written
        if keep == 0 or size <= MAX_BYTES:
            return text
        keep = int(keep * MAX_BYTES / size * 0.9)  # results are most of the size


def _document(
    results: list[FileResult],
    rules: tuple[Rule, ...] | list[Rule],
    index: dict[str, int],
    findings: list[tuple[str, Finding]],
    kept: set[int],
    left_out: list[tuple[str, Finding]],
) -> dict:
    invocation = _invocation(results, index)
    if left_out:
        invocation["toolExecutionNotifications"].append(_left_out(left_out, len(findings)))
    run: dict = {
        "tool": {
            "driver": {
                "name": "vpclint",
                "version": __version__,
                "rules": [_rule(rule) for rule in rules],
            }
        },
        "invocations": [invocation],
        # ruamel counts columns in characters, not UTF-16 units (the SARIF default).
        "columnKind": "unicodeCodePoints",
        "results": [
            _result(path, finding, index) for path, finding in findings if id(finding) in kept
        ],
    }
    if left_out:
        run["properties"] = {"resultsLeftOut": len(left_out), "resultsFound": len(findings)}
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def _left_out(left_out: list[tuple[str, Finding]], total: int) -> dict:
    """A warning that says how many results, of which severities, the run does not hold."""
    counts = {severity: 0 for severity in Severity}
    for _, finding in left_out:
        counts[finding.severity] += 1
    parts = [f"{count:,} {severity.value}" for severity, count in counts.items() if count]
    kept = total - len(left_out)
    return {
        "level": "warning",
        "descriptor": {"id": "results-left-out"},
        "message": {
            "text": f"{len(left_out):,} of {total:,} results left out ({', '.join(parts)}): "
            f"GitHub code scanning takes at most {MAX_RESULTS:,} results of a run and "
            f"{MAX_BYTES // 1_000_000} MB per file; this run holds the {kept:,} most severe. "
            "Run vpclint with --format json, or on fewer files, for all of them."
        },
    }


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
    # segment is never taken for a scheme. The bytes of the name on disk are encoded: a name
    # that is not UTF-8 (an undecodable byte, read as a surrogate escape) stays that name.
    return {"uri": quote(os.fsencode(posix), safe="/"), "uriBaseId": SRCROOT}
