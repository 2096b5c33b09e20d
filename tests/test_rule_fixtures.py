"""Every fixture under tests/fixtures/rules/<ID>/ lints to exactly the findings it expects.

A comment `# expect: VPC101` on a line says a finding of that rule points at that line (several
IDs may be listed, comma-separated). A fixture is checked for its folder's rule and for every
rule its comments name; a fixture with no `expect` must give no finding of its folder's rule.
The sample templates and the corpus test check all rules together.
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
HEADLINE_RULES = {"VPC101", "VPC301", "VPC303"}
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
    result = lint_file(str(path), LintOptions(), load_rules())  # every rule, opt-in ones too
    assert result.error is None, result.error.message if result.error else ""
    assert not result.skipped, "fixture is not recognised as a template"
    assert not result.internal_errors
    expected = expected_findings(path)
    checked = {path.parent.name} | {rule for rule, _ in expected}
    findings = [finding for finding in result.findings if finding.rule in checked]
    found = Counter((finding.rule, finding.line) for finding in findings)
    assert found == expected, "\n".join(
        f"{f.line}:{f.column} {f.rule} {f.message}" for f in findings
    )
    # Each finding names the resource whose definition holds the line it points at.
    resources = load(path).data["Resources"]  # type: ignore[union-attr]
    starts = sorted((mark.line, name) for name, mark in resources.key_marks.items())
    for finding in findings:
        before = [name for line, name in starts if line <= finding.line]
        enclosing = before[-1] if before else None  # None: the template's top level
        assert finding.resource == enclosing, f"{finding.rule} at line {finding.line}"


def test_every_rule_has_passing_and_failing_fixtures() -> None:
    for rule in load_rules():
        expectations = {f: expected_findings(f) for f in (FIXTURES / rule.id).glob("*.y*ml")}
        failing = [f for f, found in expectations.items() if any(r == rule.id for r, _ in found)]
        passing = [f for f in expectations if f not in failing]
        least = 3 if rule.id in HEADLINE_RULES else 2
        assert len(failing) >= least, f"{rule.id} needs at least {least} failing fixtures"
        assert len(passing) >= least, f"{rule.id} needs at least {least} passing fixtures"
