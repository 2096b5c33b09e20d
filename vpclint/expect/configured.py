"""The configuration's selectors that no template of a run matches: one VPC711 finding each,
at its line in the configuration file (units of a run are linted apart, so this is decided
once they are all done)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from vpclint.expect import Expectation, unmatched_message

if TYPE_CHECKING:
    from vpclint.engine import Rule
    from vpclint.lint import FileResult

_TABLE = re.compile(r"^\s*\[\[\s*(tool\.vpclint\.)?expect\s*\]\]")
_HEADER = re.compile(r"^\s*\[")


def unmatched_result(
    expectations: tuple[Expectation, ...], results: list[FileResult], rule: Rule
) -> FileResult | None:
    """A result for the configuration file with a finding per selector that matched nothing,
    or None. Silent when a template could not be read: the match may be in it."""
    from vpclint.findings import Finding
    from vpclint.lint import FileResult

    if not expectations or any(result.error is not None for result in results):
        return None
    if not any(not result.skipped for result in results):
        return None
    matched = set().union(*(result.matched_expectations for result in results))
    path = expectations[0].source
    lines = _lines(path)
    findings = []
    for index, expectation in enumerate(expectations):
        for side in expectation.sides:
            if side.key in matched:
                continue
            line = _line_of(lines, index, side.key.split(".")[1].split("[")[0])
            findings.append(
                Finding(
                    rule=rule.id,
                    name=rule.name,
                    severity=rule.severity,
                    message=unmatched_message(expectation, side),
                    resource=None,
                    line=line,
                    column=1,
                    path=path,
                )
            )
    if not findings:
        return None
    result = FileResult(path, findings=findings)
    result.source_lines = {f.line: lines[f.line - 1] for f in findings if 0 < f.line <= len(lines)}
    return result


def _lines(path: str) -> list[str]:
    try:
        with open(path, encoding="utf-8") as file:
            return file.read().splitlines()
    except (OSError, UnicodeDecodeError):
        return []


def _line_of(lines: list[str], index: int, key: str) -> int:
    """The line of `key` in the index-th [[expect]] table (that of the table when the key is
    not on a line of its own; 1 when expectations are written inline)."""
    tables = [number for number, line in enumerate(lines) if _TABLE.match(line)]
    if index >= len(tables):
        return 1
    start = tables[index]
    for number in range(start + 1, len(lines)):
        if _HEADER.match(lines[number]):
            break
        if re.match(rf"^\s*{key}\s*=", lines[number]):
            return number + 1
    return start + 1
