"""`--format github`: GitHub Actions workflow commands, one annotation per finding.

Each line is `::error|warning|notice file=…,line=…,col=…,title=…::message`, which the runner
turns into an annotation on the pull request's diff. Values are escaped the way
@actions/core escapes them, so a message with a newline or a path with a comma stays one
command. The last line is the summary, printed as plain log text (not an annotation).
"""

from __future__ import annotations

from vpclint.findings import Severity
from vpclint.lint import FileResult
from vpclint.report import Summary
from vpclint.report.text import summary_line

_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def render(results: list[FileResult]) -> str:
    lines: list[str] = []
    for result in results:
        if result.error is not None:
            error = result.error
            lines.append(
                _command(
                    "error",
                    _properties(result.path, error.line, error.column, "vpclint parse error"),
                    error.message,
                )
            )
        for internal in result.internal_errors:
            lines.append(
                _command(
                    "error",
                    _properties(result.path, None, None, "vpclint internal error"),
                    f"rule {internal.rule} failed: {internal.message} (please report this)",
                )
            )
        for finding in result.findings:
            title = f"{finding.rule} {finding.name}"
            lines.append(
                _command(
                    _COMMANDS[finding.severity],
                    _properties(result.path, finding.line, finding.column, title),
                    finding.described,
                )
            )
    lines.append(f"vpclint: {summary_line(Summary.of(results))}")
    return "\n".join(lines) + "\n"


def _properties(path: str, line: int | None, column: int | None, title: str) -> list[str]:
    properties = [f"file={escape_property(path)}"]
    # Without a line GitHub annotates the whole file; a column only counts with a line.
    if line is not None and line >= 1:
        properties.append(f"line={line}")
        if column is not None and column >= 1:
            properties.append(f"col={column}")
    properties.append(f"title={escape_property(title)}")
    return properties


def _command(command: str, properties: list[str], message: str) -> str:
    return f"::{command} {','.join(properties)}::{escape_data(message)}"


def escape_data(text: str) -> str:
    """Escape a command's message (after `::`), as @actions/core's escapeData does."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value, as @actions/core's escapeProperty does: also `:` and `,`."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")
