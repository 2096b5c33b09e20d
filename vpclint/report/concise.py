"""`--format concise`: one line per finding, `path:line:col: VPC101 [error] message`.

The shape compilers use, so editors and grep-driven tools jump to the line. A file that could
not be linted is `path:line:col: error: message` (`path: error: message` when the place is not
known). The last line is the summary the text report prints.
"""

from __future__ import annotations

from vpclint.lint import FileResult
from vpclint.report import Summary
from vpclint.report.text import summary_line


def render(results: list[FileResult]) -> str:
    lines: list[str] = []
    for result in results:
        if result.error is not None:
            error = result.error
            lines.append(f"{_where(result.path, error.line, error.column)}: error: {error.message}")
        lines.extend(
            f"{result.path}: error: internal error in rule {internal.rule}: {internal.message}"
            " (please report this)"
            for internal in result.internal_errors
        )
        lines.extend(
            f"{result.path}:{finding.line}:{finding.column}: {finding.rule} "
            f"[{finding.severity.value}] {finding.described}"
            for finding in result.findings
        )
    lines.append(summary_line(Summary.of(results)))
    # One line per entry, whatever a message holds.
    return "\n".join(" ".join(line.splitlines()) for line in lines) + "\n"


def _where(path: str, line: int | None, column: int | None) -> str:
    if line is None or line < 1:
        return path
    if column is None or column < 1:
        return f"{path}:{line}"
    return f"{path}:{line}:{column}"
