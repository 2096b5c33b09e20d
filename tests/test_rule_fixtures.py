"""Every fixture under tests/fixtures/rules/<ID>/ lints to exactly the findings it expects.

A comment `# expect: VPC101` on a line says a finding of that rule points at that line (several
IDs may be listed, comma-separated); a fixture with no `expect` must lint clean of every rule.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from vpclint.engine import load_rules
from vpclint.lint import LintOptions, lint_file
from vpclint.loader import load

FIXTURES = Path(__file__).parent / "fixtures" / "rules"
_EXPECT = re.compile(r"#\s*expect:\s*(VPC\d{3}(?:\s*,\s*VPC\d{3})*)")


def fixture_files() -> list[Path]:
    return sorted(FIXTURES.glob("VPC*/*.y*ml"))


def expected_findings(path: Path) -> Counter[tuple[str, int]]:
    expected: Counter[tuple[str, int]] = Counter()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = _EXPECT.search(line)
        if match:
            for rule in re.split(r"\s*,\s*", match.group(1)):
                expected[(rule, number)] += 1
    return expected


@pytest.mark.parametrize("path", fixture_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture(path: Path) -> None:
    result = lint_file(str(path), LintOptions())
    assert result.error is None, result.error.message if result.error else ""
    assert not result.skipped, "fixture is not recognised as a template"
    assert not result.internal_errors
    found = Counter((finding.rule, finding.line) for finding in result.findings)
    assert found == expected_findings(path), "\n".join(
        f"{f.line}:{f.column} {f.rule} {f.message}" for f in result.findings
    )
    # Each finding names the resource whose definition holds the line it points at.
    resources = load(path).data["Resources"]  # type: ignore[union-attr]
    starts = sorted((mark.line, name) for name, mark in resources.key_marks.items())
    for finding in result.findings:
        enclosing = [name for line, name in starts if line <= finding.line][-1]
        assert finding.resource == enclosing, f"{finding.rule} at line {finding.line}"


def test_every_rule_has_passing_and_failing_fixtures() -> None:
    for rule in load_rules():
        expectations = {f: expected_findings(f) for f in (FIXTURES / rule.id).glob("*.y*ml")}
        failing = [f for f, found in expectations.items() if any(r == rule.id for r, _ in found)]
        passing = [f for f in expectations if f not in failing]
        assert len(failing) >= 3, f"{rule.id} needs at least three failing fixtures"
        assert len(passing) >= 3, f"{rule.id} needs at least three passing fixtures"
