"""Text for terminals: findings grouped by file, the offending line shown, a summary last."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, TextIO

from vpclint.findings import Finding, Severity
from vpclint.lint import FileResult
from vpclint.report import Summary

if TYPE_CHECKING:
    from rich.console import Console

_STYLES = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "blue"}


def render(results: list[FileResult], stream: TextIO | None = None) -> None:
    from rich.console import Console
    from rich.markup import escape

    # soft_wrap: a long message stays one line, so grep and editors can read the output.
    # NO_COLOR asks for plain text: no colour and no bold either.
    plain = bool(os.environ.get("NO_COLOR"))
    console = Console(
        file=stream, highlight=False, soft_wrap=True, color_system=None if plain else "auto"
    )
    for result in results:
        if result.skipped or (
            not result.findings and result.error is None and not result.internal_errors
        ):
            continue
        console.print(f"[bold]{escape(result.path)}[/bold]")
        if result.error is not None:
            error = result.error
            where = f"{error.line}:{error.column}" if error.line else "-"
            console.print(f"  {where}  [bold red]error[/]  {escape(error.message)}")
        for internal in result.internal_errors:
            console.print(
                f"  -  [bold red]internal error[/] in rule {internal.rule}: "
                f"{escape(internal.message)} (please report this)"
            )
        for finding in result.findings:
            _finding(console, finding, result.lines)
        console.print()
    console.print(_summary_line(Summary.of(results)))


def _finding(console: Console, finding: Finding, lines: list[str]) -> None:
    from rich.markup import escape

    style = _STYLES[finding.severity]
    console.print(
        f"  {finding.line}:{finding.column}  [{style}]{finding.severity.value}[/]  "
        f"[bold]{finding.rule}[/] {escape(finding.message)} [dim]\\[{finding.name}][/]"
    )
    if 0 < finding.line <= len(lines):
        console.print(f"[dim]  {finding.line:>5} │[/] {escape(lines[finding.line - 1])}")


def _summary_line(summary: Summary) -> str:
    counts = summary.by_severity
    parts = [
        f"{summary.files_checked} file{'s' if summary.files_checked != 1 else ''} checked",
        f"{counts['error']} error{'s' if counts['error'] != 1 else ''}",
        f"{counts['warning']} warning{'s' if counts['warning'] != 1 else ''}",
        f"{counts['info']} info",
    ]
    if summary.files_skipped:
        parts.append(f"{summary.files_skipped} skipped (not templates)")
    if summary.files_failed:
        parts.append(f"[bold red]{summary.files_failed} could not be checked[/]")
    return ", ".join(parts) + "."
