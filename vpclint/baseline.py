"""A baseline: today's findings, recorded so that only new ones are reported.

Findings are matched on file, rule and resource, never on line numbers, so that a baseline
survives edits elsewhere in the template. Where one resource has several findings of a rule,
their messages tell them apart; a finding whose message changed still matches by the rest.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

from vpclint.lint import FileResult
from vpclint.records import record

FORMAT = 1
# A baseline holds a line per finding: far more than a template, but still bounded.
MAX_BYTES = 50 * 1024 * 1024
Key = tuple[str, str, str]


class BaselineError(Exception):
    pass


def _key(path: str, rule: str, resource: str | None) -> Key:
    return (Path(path).as_posix(), rule, resource or "")


@record
class Baseline:
    messages: Counter[tuple[Key, str]]  # (key, message) → how many

    @property
    def keys(self) -> Counter[Key]:
        counts: Counter[Key] = Counter()
        for (key, _), count in self.messages.items():
            counts[key] += count
        return counts


def write(results: list[FileResult], path: str | os.PathLike[str]) -> int:
    """Record every finding of `results` in `path`; returns how many."""
    entries = sorted(
        (_key(result.path, finding.rule, finding.resource), finding.message)
        for result in results
        for finding in result.findings
    )
    document = {
        "vpclint_baseline": FORMAT,
        "findings": [
            {"path": file, "rule": rule, "resource": resource or None, "message": message}
            for (file, rule, resource), message in entries
        ],
    }
    Path(path).write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return len(entries)


def read(path: str | os.PathLike[str]) -> Baseline:
    from vpclint.jsonfile import JsonFileError, describe, read_json

    try:
        document = read_json(path, MAX_BYTES)
    except JsonFileError as error:
        raise BaselineError(str(error)) from None
    if not isinstance(document, dict) or document.get("vpclint_baseline") != FORMAT:
        raise BaselineError(f"{path}: not a vpclint baseline (write one with --write-baseline)")
    entries = document.get("findings", [])
    if not isinstance(entries, list):
        raise BaselineError(f'{path}: "findings" is {describe(entries)}, not an array')
    messages: Counter[tuple[Key, str]] = Counter()
    for number, entry in enumerate(entries, start=1):
        problem = _problem(entry)
        if problem:
            raise BaselineError(f"{path}: finding {number} of {len(entries)}: {problem}")
        key = _key(entry["path"], entry["rule"], entry.get("resource"))
        messages[(key, entry.get("message", ""))] += 1
    return Baseline(messages)


def _problem(entry: object) -> str | None:
    """What is wrong with one recorded finding, if anything."""
    from vpclint.jsonfile import describe

    if not isinstance(entry, dict):
        return f"{describe(entry)}, not an object"
    for name, optional, kinds in (
        ("path", False, (str,)),
        ("rule", False, (str,)),
        ("resource", True, (str, type(None))),
        ("message", True, (str,)),
    ):
        if name not in entry:
            if not optional:
                return f'no "{name}"'
        elif not isinstance(entry[name], kinds):
            wanted = "a string or null" if name == "resource" else "a string"
            return f'"{name}" is {describe(entry[name])}, not {wanted}'
    return None


def subtract(results: list[FileResult], baseline: Baseline) -> int:
    """Drop findings the baseline already holds; returns how many were dropped."""
    exact = Counter(baseline.messages)
    loose = baseline.keys
    matched: set[int] = set()
    pairs = [
        (id(finding), _key(result.path, finding.rule, finding.resource), finding.message)
        for result in results
        for finding in result.findings
    ]
    for finding_id, key, message in pairs:  # first the same message...
        if exact[(key, message)] > 0:
            exact[(key, message)] -= 1
            loose[key] -= 1
            matched.add(finding_id)
    for finding_id, key, _ in pairs:  # ...then whatever is left of the resource's count
        if finding_id not in matched and loose[key] > 0 and exact.total() > 0:
            leftover = next(m for m in exact if m[0] == key and exact[m] > 0)
            exact[leftover] -= 1
            loose[key] -= 1
            matched.add(finding_id)
    for result in results:
        result.findings = [f for f in result.findings if id(f) not in matched]
    return len(matched)
