"""`vpclint rules`, `vpclint explain`, and docs/rules.md kept in step with the rule docstrings."""

from __future__ import annotations

import json

from click.testing import CliRunner
from support import REPO

from vpclint.cli import cli
from vpclint.engine import load_rules


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_docs_rules_md_is_current() -> None:
    code, output = run("rules", "--format", "markdown")
    assert code == 0
    current = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    assert current == output, (
        "docs/rules.md is stale: vpclint rules --format markdown > docs/rules.md"
    )


def test_rules_table_lists_every_rule() -> None:
    code, output = run("rules")
    assert code == 0
    lines = output.splitlines()
    for rule in load_rules():
        (line,) = [line for line in lines if line.startswith(rule.id + " ")]
        assert rule.name in line and rule.summary in line
    assert any(line.startswith("VPC604 ") and "info*" in line for line in lines)


def test_rules_as_json() -> None:
    code, output = run("rules", "--format", "json")
    assert code == 0
    document = json.loads(output)
    by_id = {rule["id"]: rule for rule in document}
    assert set(by_id) == {rule.id for rule in load_rules()}
    assert by_id["VPC101"]["area"] == "routing"
    assert by_id["VPC604"]["default_enabled"] is False
    assert "## What it does" in by_id["VPC303"]["documentation"]


def test_explain_by_id_or_name() -> None:
    code, output = run("explain", "vpc303")
    assert code == 0
    assert output.startswith("# VPC303 interface-endpoint-sg-blocks-https (error)\n")
    assert "## Fix" in output
    assert run("explain", "private-subnet-routes-to-igw")[1].startswith("# VPC101 ")
    code, output = run("explain", "VPC999")
    assert code == 2 and "there is no rule 'VPC999'" in output
