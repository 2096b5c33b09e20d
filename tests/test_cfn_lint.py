"""vpclint with cfn-lint: --cfn-lint merges cfn-lint's matches; the cfn-lint plugin reports
vpclint's findings; cfn-lint is never imported on the plain path."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import SAMPLES, line_of

from vpclint.cli import cli
from vpclint.engine import load_rules

cfnlint_api = pytest.importorskip("cfnlint.api")

BROKEN = SAMPLES / "broken-vpc101-private-subnet-routes-to-igw.yaml"
SEED = SAMPLES / "private-subnet-ssm-s3-endpoints.yaml"


def test_cfn_lint_matches_join_the_report_and_exit_code() -> None:
    result = CliRunner().invoke(cli, ["check", "--cfn-lint", "--format", "json", str(SEED)])
    assert result.exit_code == 1
    findings = json.loads(result.output)["files"][0]["findings"]
    by_rule = {f["rule"]: f for f in findings}
    # The seed template keeps its resolve:ssm image ID, which cfn-lint rejects.
    assert by_rule["E1152"]["source"] == "cfn-lint"
    assert by_rule["E1152"]["severity"] == "error"
    assert by_rule["E1152"]["line"] == line_of(SEED, "ImageId: resolve:ssm")
    assert by_rule["E1152"]["resource"] == "MyEC2Instance"
    assert by_rule["W1020"]["severity"] == "warning"
    assert all(f["source"] == "cfn-lint" for f in findings)
    # Without the flag: vpclint alone, clean.
    assert CliRunner().invoke(cli, ["check", str(SEED)]).exit_code == 0


def test_plugin_reports_vpclint_findings_through_cfn_lint() -> None:
    matches = cfnlint_api.lint_file(
        BROKEN, config=cfnlint_api.ManualArgs(append_rules=["vpclint.cfn_lint"])
    )
    ours = [m for m in matches if m.rule.id.startswith(("E9", "W9", "I9"))]
    assert [(m.rule.id, m.linenumber, m.columnnumber) for m in ours] == [
        ("E9101", line_of(BROKEN, "  PublicDefaultRoute:"), 3)
    ]
    assert ours[0].message.startswith("Subnet PrivateSubnetB is meant to be private")
    assert ours[0].message.endswith("[VPC101]")


def test_plugin_ids_map_one_to_one() -> None:
    from vpclint.cfn_lint import cfn_lint_id

    ids = {rule.id: cfn_lint_id(rule) for rule in load_rules()}
    assert ids["VPC101"] == "E9101" and ids["VPC102"] == "W9102" and ids["VPC604"] == "I9604"
    assert len(set(ids.values())) == len(ids)


def test_plugin_from_the_cfn_lint_command() -> None:
    cfn_lint = Path(sys.executable).parent / "cfn-lint"
    done = subprocess.run(
        [str(cfn_lint), "--append-rules", "vpclint.cfn_lint", "--", str(BROKEN)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2  # cfn-lint's exit code for errors
    assert "E9101 Subnet PrivateSubnetB" in done.stdout
    assert f"{BROKEN}:{line_of(BROKEN, '  PublicDefaultRoute:')}:3" in done.stdout


def test_cfn_lint_is_not_imported_on_the_plain_path(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from vpclint.cli import cli\n"
        f"result = CliRunner().invoke(cli, ['check', '--format', 'sarif', {str(BROKEN)!r}])\n"
        "assert result.exit_code == 1, result.output\n"
        "print('cfnlint' in sys.modules)\n"
    )
    # Run away from the source tree, which would shadow the installed package.
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    assert done.stdout.strip() == "False"
