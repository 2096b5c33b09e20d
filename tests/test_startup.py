"""What `vpclint check` pays for at start-up, and its exit without interpreter teardown.

Timings live in benchmarks/run.py; these tests pin the causes: modules the check path must not
import, and the fast exit (vpclint.main) keeping every byte of output and the exit code.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from support import SAMPLES

SEED = SAMPLES / "private-subnet-ssm-s3-endpoints.yaml"
BROKEN = SAMPLES / "broken-vpc101-private-subnet-routes-to-igw.yaml"
VPCLINT = str(Path(sys.executable).parent / "vpclint")

# Each costs milliseconds on every run and is needed only off the common path: dataclasses
# (compiles methods per class; vpclint.records instead), pathlib, json (JSON templates and
# formats), pkgutil (rule discovery lists folders), rich (terminals only), cfnlint (--cfn-lint).
NOT_ON_THE_CHECK_PATH = ("dataclasses", "pathlib", "json", "pkgutil", "rich", "cfnlint")
# vpclint's own modules that the seed sample (one VPC, an instance reaching SSM through interface
# endpoints, no ACL of its own) does not need: the other commands, the loop and SAM expanders,
# the builders of other workloads, the model and builder of DNS settings (Resolver rules, hosted
# zones), the connections VPC406 works out for written ACLs, and the walk beyond one VPC. Each is
# imported where a template first needs it.
NOT_FOR_THE_SEED = (
    "vpclint.cli.reach",
    "vpclint.cli.show",
    "vpclint.cli.rules",
    "vpclint.cli.diff",
    "vpclint.diff",
    "vpclint.expect",
    "vpclint.cli.scopes",
    "vpclint.expand.foreach",
    "vpclint.expand.sam",
    "vpclint.expand.cdk",
    "vpclint.builder.balancers",
    "vpclint.builder.containers",
    "vpclint.builder.databases",
    "vpclint.builder.functions",
    "vpclint.builder.scaling",
    "vpclint.builder.dns",
    "vpclint.model.dns",
    "vpclint.judge.connections",
    "vpclint.reach.crossings",
    "vpclint.reach.internet",
    "vpclint.reach.middleboxes",
)


def test_check_of_a_yaml_template_imports_nothing_it_does_not_need(tmp_path: Path) -> None:
    unneeded = NOT_ON_THE_CHECK_PATH + NOT_FOR_THE_SEED
    code = (
        "import sys\n"
        "before = set(sys.modules)  # an editable install's finder brings pathlib, say\n"
        "from vpclint.cli import cli\n"
        "try:\n"
        f"    cli.main(['check', '--jobs', '1', {str(SEED)!r}], standalone_mode=False)\n"
        "except SystemExit as done:\n"
        "    assert done.code == 0, done.code\n"
        f"print(sorted(m for m in {unneeded!r} if m in set(sys.modules) - before))\n"
    )
    # Away from the source tree, which would shadow the installed package.
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    assert done.stdout.splitlines()[-1] == "[]"


def test_fast_exit_keeps_the_exit_code_and_all_output(tmp_path: Path) -> None:
    copies = []
    for index in range(40):  # more output than a pipe buffer holds
        copy = tmp_path / f"{index:02}-{BROKEN.name}"
        copy.write_text(BROKEN.read_text(encoding="utf-8"), encoding="utf-8")
        copies.append(str(copy))
    for command in ([VPCLINT], [sys.executable, "-m", "vpclint"]):
        done = subprocess.run(
            [*command, "check", "--jobs", "1", "--format", "json", *copies],
            capture_output=True,
            text=True,
            check=False,
            cwd=tmp_path,
        )
        assert done.returncode == 1, done.stderr
        assert len(json.loads(done.stdout)["files"]) == 40


def test_fast_exit_after_a_report_file_and_a_usage_error(tmp_path: Path) -> None:
    report = tmp_path / "report.sarif"
    done = subprocess.run(
        [VPCLINT, "check", "--format", "sarif", "-o", str(report), str(BROKEN)],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 1
    assert json.loads(report.read_text(encoding="utf-8"))["runs"][0]["results"]
    assert f"Report written to {report}." in done.stdout
    unknown = subprocess.run(
        [VPCLINT, "check", "--no-such-option", str(BROKEN)],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert unknown.returncode == 2
    # One line, as every usage error (issue 13): not click's usage block.
    assert unknown.stderr == (
        "vpclint: error: No such option '--no-such-option' (see 'vpclint check --help')\n"
    )
