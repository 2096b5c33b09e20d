"""`--format markdown`: a pull-request comment (GitHub-flavoured markdown).

A heading, the summary, then one table row per finding; files that could not be linted are
listed after the table.
"""

from __future__ import annotations

from vpclint.lint import FileResult
from vpclint.report import Summary
from vpclint.report.text import summary_line

HEADER = "| Severity | Rule | File | Line | Resource | Message |"
_RULE = "| --- | --- | --- | ---: | --- | --- |"


def render(results: list[FileResult]) -> str:
    lines = ["## vpclint", "", summary_line(Summary.of(results)), ""]
    rows = [
        "| "
        + " | ".join(
            [
                finding.severity.value,
                f"{finding.rule} {finding.name}",
                _code(result.path),
                str(finding.line),
                _code(finding.resource) if finding.resource else "",
                _cell(finding.described),
            ]
        )
        + " |"
        for result in results
        for finding in result.findings
    ]
    if rows:
        lines.extend([HEADER, _RULE, *rows])
    else:
        lines.append("No findings.")
    problems = [
        f"- {_code(result.path)}{_at(result.error.line)}: {_cell(result.error.message)}"
        for result in results
        if result.error is not None
    ] + [
        f"- {_code(result.path)}: internal error in rule {internal.rule}: "
        f"{_cell(internal.message)} (please report this)"
        for result in results
        for internal in result.internal_errors
    ]
    if problems:
        lines.extend(["", "### Could not be checked", "", *problems])
    return "\n".join(lines) + "\n"


def _at(line: int | None) -> str:
    return f" (line {line})" if line else ""


def _cell(text: str) -> str:
    """Text that stays inside one table cell (or list item): no pipe, no line break."""
    return "<br>".join(text.replace("|", "\\|").splitlines())


def _code(text: str) -> str:
    # A backtick would end the code span early; such a name is shown as plain text.
    return _cell(text) if "`" in text else f"`{_cell(text)}`"
