"""A baseline: today's findings, recorded so that only new ones are reported.

Findings are matched on (file, rule, resource), counted, never on line numbers, so that a
baseline survives edits elsewhere in the template.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from vpclint.lint import FileResult

FORMAT = 1
Key = tuple[str, str, str]


class BaselineError(Exception):
    pass


def _key(path: str, rule: str, resource: str | None) -> Key:
    return (Path(path).as_posix(), rule, resource or "")


def write(results: list[FileResult], path: Path) -> int:
    """Record every finding of `results` in `path`; returns how many."""
    counts = Counter(
        _key(result.path, finding.rule, finding.resource)
        for result in results
        for finding in result.findings
    )
    entries = [
        {"path": file, "rule": rule, "resource": resource or None, "count": count}
        for (file, rule, resource), count in sorted(counts.items())
    ]
    document = {"vpclint_baseline": FORMAT, "findings": entries}
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return sum(counts.values())


def read(path: Path) -> Counter[Key]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise BaselineError(f"{path}: cannot read: {error}") from None
    except json.JSONDecodeError as error:
        raise BaselineError(
            f"{path}:{error.lineno}:{error.colno}: invalid JSON: {error.msg}"
        ) from None
    if not isinstance(document, dict) or document.get("vpclint_baseline") != FORMAT:
        raise BaselineError(f"{path}: not a vpclint baseline (write one with --write-baseline)")
    counts: Counter[Key] = Counter()
    for entry in document.get("findings", []):
        try:
            counts[_key(entry["path"], entry["rule"], entry.get("resource"))] += int(entry["count"])
        except (KeyError, TypeError, ValueError):
            raise BaselineError(f"{path}: malformed entry {entry!r}") from None
    return counts


def subtract(results: list[FileResult], baseline: Counter[Key]) -> int:
    """Drop findings the baseline already holds; returns how many were dropped."""
    remaining = Counter(baseline)
    dropped = 0
    for result in results:
        kept = []
        for finding in result.findings:
            key = _key(result.path, finding.rule, finding.resource)
            if remaining[key] > 0:
                remaining[key] -= 1
                dropped += 1
            else:
                kept.append(finding)
        result.findings = kept
    return dropped
