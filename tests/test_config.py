"""Configuration files and command-line switches; suppressions; baselines; --output-file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import SAMPLES

from vpclint.cli import cli
from vpclint.config import Config, ConfigError, find_config, load_config
from vpclint.engine import load_rules
from vpclint.findings import Severity

BROKEN = SAMPLES / "broken-vpc101-private-subnet-routes-to-igw.yaml"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def rules_found(output: str) -> list[str]:
    return [f["rule"] for file in json.loads(output)["files"] for f in file["findings"]]


# -- files --------------------------------------------------------------------------------------


def test_nearest_file_wins_and_dotfile_before_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.vpclint]\nregion = "eu-west-1"\n')
    inner = tmp_path / "stacks" / "network"
    inner.mkdir(parents=True)
    assert find_config(inner) == str(tmp_path / "pyproject.toml")
    (tmp_path / "stacks" / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    assert find_config(inner) == str(tmp_path / "pyproject.toml")  # no [tool.vpclint] there
    (tmp_path / "stacks" / ".vpclint.toml").write_text('region = "ap-northeast-1"\n')
    (inner / "pyproject.toml").write_text('[tool.vpclint]\nregion = "us-west-2"\n')
    (inner / ".vpclint.toml").write_text('region = "eu-central-1"\n')
    assert find_config(inner) == str(inner / ".vpclint.toml")
    assert load_config(inner / ".vpclint.toml").region == "eu-central-1"


def test_every_key(tmp_path: Path) -> None:
    path = tmp_path / ".vpclint.toml"
    path.write_text(
        'select = ["VPC1", "VPC3"]\nignore = ["VPC102"]\nfail-on = "error"\n'
        'region = "eu-west-1"\nexclude = ["legacy/", "*.test.yaml"]\n'
        'private-words = ["internal"]\npublic-words = ["edge"]\n'
        '[severity]\nVPC101 = "warning"\n[parameters]\nVpcCidr = "10.1.0.0/16"\nCount = 3\n'
    )
    config = load_config(path)
    assert config.select == ("VPC1", "VPC3") and config.ignore == ("VPC102",)
    assert config.fail_on is Severity.ERROR and config.region == "eu-west-1"
    assert config.severity == {"VPC101": Severity.WARNING}
    assert config.parameters == {"VpcCidr": "10.1.0.0/16", "Count": "3"}
    assert config.private_words == ("internal",) and config.public_words == ("edge",)
    assert config.excludes("stacks/legacy/vpc.yaml") and config.excludes("a/b.test.yaml")
    assert not config.excludes("stacks/vpc.yaml")
    ids = [rule.id for rule in config.rules(load_rules())]
    assert "VPC101" in ids and "VPC301" in ids
    assert "VPC102" not in ids and "VPC401" not in ids
    assert next(r for r in config.rules(load_rules()) if r.id == "VPC101").severity is (
        Severity.WARNING
    )


def test_exclude_globs_match_paths_as_written_in_any_spelling() -> None:
    config = Config(exclude=("stacks/legacy/*", "*.test.yaml", "vendor/"))
    for path in ("./stacks/legacy/vpc.yaml", "stacks//legacy/vpc.yaml", "x/b.test.yaml"):
        assert config.excludes(path), path
    assert config.excludes("/repo/vendor/vpc.yaml")
    assert not config.excludes("./stacks/vpc.yaml")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('colour = "red"\n', "unknown key 'colour'"),
        ('select = ["ABC1"]\n', "key 'select': 'ABC1' is not a rule ID or prefix"),
        ('fail-on = "fatal"\n', "key 'fail-on': 'fatal' is not one of error, warning, info"),
        ('region = "mars"\n', "key 'region': 'mars' is not a region"),
        ("[severity]\nVPC101 = 3\n", "key 'severity': 3 is not one of"),
        ("select = [\n", "invalid TOML"),
    ],
)
def test_bad_configuration_names_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / ".vpclint.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value).startswith(str(path))
    assert message in str(caught.value)


def test_bad_configuration_is_exit_2_with_one_line(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text('ignore = ["VPC999"]\n')
    code, output = run("check", "--config", str(config), str(BROKEN))
    assert code == 2
    assert f"{config}: no rule matches 'VPC999'" in output
    assert "Traceback" not in output


def test_configuration_found_from_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.vpclint]\nignore = ["VPC101"]\n')
    monkeypatch.chdir(tmp_path)
    assert run("check", str(BROKEN))[0] == 0
    # --isolated ignores it; the command line wins over it.
    assert run("check", "--isolated", str(BROKEN))[0] == 1
    assert run("check", "--ignore", "VPC3", str(BROKEN))[0] == 1


# -- selection, severities, fail-on, exclude ----------------------------------------------------


def test_most_specific_selector_wins() -> None:
    config = Config(select=("VPC1",), ignore=("VPC10",))
    assert not config.selects("VPC101") and config.selects("VPC110")
    config = Config(select=("VPC101",), ignore=("VPC1",))
    assert config.selects("VPC101") and not config.selects("VPC102")


def test_opt_in_rules_run_only_when_selected() -> None:
    assert not Config().selects("VPC604", default_enabled=False)
    assert Config(select=("VPC6",)).selects("VPC604", default_enabled=False)
    assert "VPC604" not in [rule.id for rule in Config().rules(load_rules())]


def test_select_ignore_and_severity_on_the_command_line() -> None:
    code, output = run("check", "--format", "json", "--select", "VPC6", str(BROKEN))
    assert (code, rules_found(output)) == (0, ["VPC604"])  # info does not fail
    code, output = run(
        "check",
        "--format",
        "json",
        "--select",
        "VPC101,VPC604",
        "--severity",
        "VPC604=error",
        str(BROKEN),
    )
    assert code == 1
    document = json.loads(output)
    assert sorted((f["rule"], f["severity"]) for f in document["files"][0]["findings"]) == [
        ("VPC101", "error"),
        ("VPC604", "error"),
    ]
    code, output = run("check", "--severity", "VPC101=warning", "--fail-on", "error", str(BROKEN))
    assert code == 0


def test_exclude_skips_files_named_on_the_command_line_too() -> None:
    code, output = run("check", "--exclude", "broken-*", str(BROKEN))
    assert code == 0
    assert "0 files checked" in output


# -- suppressions -------------------------------------------------------------------------------


def test_suppressed_findings_are_listed_with_their_reason(tmp_path: Path) -> None:
    text = BROKEN.read_text().replace(
        "  PublicDefaultRoute:\n",
        "  PublicDefaultRoute:\n    Metadata:\n      vpclint:\n        ignore: [VPC101]\n"
        "        reason: subnet B moves to the NAT table in the next change\n",
    )
    template = tmp_path / "suppressed.yaml"
    template.write_text(text)
    code, output = run("check", str(template))
    assert code == 0
    assert "1 suppressed" in output and "VPC101" not in output
    code, output = run("check", "--show-suppressed", str(template))
    assert "suppressed  VPC101 Subnet PrivateSubnetB" in output
    assert "[suppressed: subnet B moves to the NAT table in the next change]" in output
    document = json.loads(run("check", "--format", "json", str(template))[1])
    (suppressed,) = document["files"][0]["suppressed"]
    assert suppressed["rule"] == "VPC101"
    assert suppressed["reason"] == "subnet B moves to the NAT table in the next change"
    assert suppressed["suppressed_by"] == "PublicDefaultRoute"


# -- baseline -----------------------------------------------------------------------------------


def test_baseline_reports_only_new_findings_and_survives_edits(tmp_path: Path) -> None:
    template = tmp_path / "vpc.yaml"
    template.write_text(BROKEN.read_text())
    baseline = tmp_path / "baseline.json"
    code, _ = run("check", "--write-baseline", str(baseline), str(template))
    assert code == 1
    recorded = json.loads(baseline.read_text())
    (entry,) = recorded["findings"]
    assert (entry["path"], entry["rule"], entry["resource"]) == (
        template.as_posix(),
        "VPC101",
        "PublicDefaultRoute",
    )
    assert entry["message"].startswith("Subnet PrivateSubnetB is meant to be private")
    assert run("check", "--baseline", str(baseline), str(template))[0] == 0
    # Lines move: still matched. A new finding elsewhere: reported.
    moved = "# a comment\n# another\n" + template.read_text()
    template.write_text(
        moved.replace(
            "PrivateSubnetARouteTableAssociation:\n    Type: "
            "AWS::EC2::SubnetRouteTableAssociation\n    Properties:\n"
            "      SubnetId: !Ref PrivateSubnetA\n"
            "      RouteTableId: !Ref PrivateRouteTableA",
            "PrivateSubnetARouteTableAssociation:\n    Type: "
            "AWS::EC2::SubnetRouteTableAssociation\n    Properties:\n"
            "      SubnetId: !Ref PrivateSubnetA\n"
            "      RouteTableId: !Ref PublicRouteTable",
        )
    )
    code, output = run(
        "check", "--format", "json", "--select", "VPC1", "--baseline", str(baseline), str(template)
    )
    assert code == 1
    assert [f["message"].split(" ")[1] for f in json.loads(output)["files"][0]["findings"]] == [
        "PrivateSubnetA"
    ]


def test_bad_baseline_is_a_usage_error(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    baseline.write_text("{}")
    code, output = run("check", "--baseline", str(baseline), str(BROKEN))
    assert code == 2 and "not a vpclint baseline" in output


# -- output file and formats --------------------------------------------------------------------


@pytest.mark.parametrize(
    "output_format", ["json", "sarif", "github", "junit", "concise", "markdown", "text"]
)
def test_output_file_gets_the_report_and_the_terminal_the_summary(
    tmp_path: Path, output_format: str
) -> None:
    target = tmp_path / "report.out"
    code, output = run(
        "check", "--format", output_format, "--output-file", str(target), str(BROKEN)
    )
    assert code == 1
    assert output == (
        "1 file checked, 1 error, 0 warnings, 0 info. 23 resources modelled, 0 not understood. "
        f"Report written to {target}.\n"
    )
    assert "VPC101" in target.read_text()
