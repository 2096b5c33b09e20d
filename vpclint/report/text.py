"""Text for people: findings grouped by file, the offending line shown, a summary last.

In a terminal the text goes through rich, in colour; anywhere else (pre-commit, CI logs, a pipe)
and with NO_COLOR it is written plain, without importing rich at all.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from typing import TextIO

from vpclint.findings import Finding, Severity
from vpclint.lint import FileResult
from vpclint.report import Summary

# A line is a list of (text, rich style or "") segments.
Segment = tuple[str, str]
_STYLES = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "blue"}


def render_to_string(results: list[FileResult], show_suppressed: bool = False) -> str:
    """The plain text report (for --output-file)."""
    lines = _lines(results, show_suppressed)
    return "".join("".join(text for text, _ in line) + "\n" for line in lines)


def render(
    results: list[FileResult], stream: TextIO | None = None, show_suppressed: bool = False
) -> None:
    stream = stream or sys.stdout
    lines = list(_lines(results, show_suppressed))
    if wants_colour(stream):
        from rich.console import Console
        from rich.text import Text

        # soft_wrap: a long message stays one line, so it can still be searched.
        console = Console(file=stream, highlight=False, soft_wrap=True)
        for line in lines:
            console.print(Text.assemble(*line))
    else:
        stream.write("".join("".join(text for text, _ in line) + "\n" for line in lines))


def wants_colour(stream: TextIO) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(stream, "isatty") and stream.isatty() and os.environ.get("TERM") != "dumb"


def _lines(results: list[FileResult], show_suppressed: bool) -> Iterator[list[Segment]]:
    for result in results:
        shown_suppressed = result.suppressed if show_suppressed else []
        if result.skipped or (
            not result.findings
            and result.error is None
            and not result.internal_errors
            and not shown_suppressed
        ):
            continue
        yield [(result.path, "bold")]
        if result.error is not None:
            error = result.error
            where = f"{error.line}:{error.column}" if error.line else "-"
            yield [(f"  {where}  ", ""), ("error", "bold red"), (f"  {error.message}", "")]
        for internal in result.internal_errors:
            yield [
                ("  -  ", ""),
                ("internal error", "bold red"),
                (f" in rule {internal.rule}: {internal.message} (please report this)", ""),
            ]
        for finding in result.findings:
            yield from _finding(finding, result.source_lines)
        for suppressed in shown_suppressed:
            finding = suppressed.finding
            why = f": {suppressed.reason}" if suppressed.reason else " (no reason given)"
            yield [
                (f"  {finding.line}:{finding.column}  ", ""),
                ("suppressed", "dim"),
                (f"  {finding.rule} {finding.message} [suppressed{why}]", "dim"),
            ]
        yield []
    yield [(summary_line(Summary.of(results)), "")]


def _finding(finding: Finding, source_lines: dict[int, str]) -> Iterator[list[Segment]]:
    yield [
        (f"  {finding.line}:{finding.column}  ", ""),
        (finding.severity.value, _STYLES[finding.severity]),
        ("  ", ""),
        (finding.rule, "bold"),
        (f" {finding.message} ", ""),
        *([(f"({finding.context}) ", "dim")] if finding.context else []),
        (f"[{finding.name}]", "dim"),
    ]
    if finding.line in source_lines:
        yield [(f"  {finding.line:>5} │", "dim"), (f" {source_lines[finding.line]}", "")]


def summary_line(summary: Summary) -> str:
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
        parts.append(f"{summary.files_failed} could not be checked")
    if summary.suppressed:
        parts.append(f"{summary.suppressed} suppressed")
    line = ", ".join(parts) + "."
    if summary.modelled or summary.not_understood:
        line += (
            f" {summary.modelled} resource{'s' if summary.modelled != 1 else ''} modelled, "
            f"{summary.not_understood} not understood."
        )
    return line
