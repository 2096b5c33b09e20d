"""vpclint over the shared corpus of real templates: no crash, clean errors, no false alarms.

Every finding on the corpus must be listed in corpus_findings.tsv with the reason it is a real
defect; anything else is a bug in vpclint.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from vpclint.engine import load_rules
from vpclint.lint import LintOptions, collect_files, lint_file

# Files that are broken on purpose: (line, column, start of the message).
PARSE_ERRORS = {
    "cfn-lint-fixtures/bad__duplicate.json": (17, 3, "duplicate key 'MySNSTopic'"),
    "cfn-lint-fixtures/bad__json_parse.json": (5, 11, "invalid JSON: Expecting ':' delimiter"),
    "cfn-lint-fixtures/bad__template.yaml": (12, 9, "invalid YAML: expected <block end>"),
}
# Findings checked by hand: file, rule, resource and why each is a real defect.
FINDINGS_FILE = Path(__file__).parent / "corpus_findings.tsv"


def recorded_findings() -> list[tuple[str, str, str]]:
    rows = []
    for line in FINDINGS_FILE.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        name, rule, resource, reason = line.split("\t")
        assert reason.strip(), f"{name} {rule} {resource} needs a reason"
        rows.append((name, rule, resource))
    return rows


def corpus_files(corpus: Path) -> list[Path]:
    return [Path(path) for path, _ in collect_files([str(corpus)])]


def test_whole_corpus(corpus: Path) -> None:
    files = corpus_files(corpus)
    assert len(files) >= 150
    errors: dict[str, tuple[int | None, int | None, str]] = {}
    findings: list[tuple[str, str, str]] = []
    for path in files:
        result = lint_file(str(path), LintOptions(), load_rules())  # opt-in rules too
        name = path.relative_to(corpus).as_posix()
        assert not result.internal_errors, (name, result.internal_errors)
        if result.error is not None:
            errors[name] = (result.error.line, result.error.column, result.error.message)
        findings.extend((name, f.rule, f.resource or "-") for f in result.findings)
    assert {
        name: (line, column, message[: len(PARSE_ERRORS.get(name, (0, 0, ""))[2])])
        for name, (line, column, message) in errors.items()
    } == PARSE_ERRORS
    assert sorted(findings) == sorted(recorded_findings())


@pytest.mark.parametrize("region", ["cn-north-1"])
def test_corpus_in_other_regions_never_crashes(corpus: Path, region: str) -> None:
    for path in corpus_files(corpus):
        result = lint_file(str(path), LintOptions(region=region))
        assert not result.internal_errors
        assert result.error is None or not result.error.message.startswith("internal error")
