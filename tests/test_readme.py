"""The README's example output is what vpclint prints today."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from support import REPO

from vpclint.cli import cli


def test_readme_output_excerpt(monkeypatch: pytest.MonkeyPatch) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```text\n\$ vpclint check sample_templates/\n(.*?)```", readme, re.S)
    assert block, "the README lost its example output"
    monkeypatch.chdir(REPO)
    result = CliRunner().invoke(cli, ["check", "sample_templates/"])
    assert result.exit_code == 1
    assert result.output == block.group(1)


def test_readme_rule_table_lists_every_rule() -> None:
    from vpclint.engine import load_rules

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for rule in load_rules():
        assert f"| {rule.id} | {rule.name} | {rule.severity.value} |" in readme
