"""The command line: exit codes, the JSON contract, skipping, errors without tracebacks."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import SAMPLES, line_of

from vpclint import __version__
from vpclint.cli import cli

CLEAN = SAMPLES / "two-az-public-private-nat.yaml"
BROKEN = SAMPLES / "broken-vpc101-private-subnet-routes-to-igw.yaml"

ENDPOINT_WITHOUT_ROUTES = """\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  VpcCidr: {Type: String}
Resources:
  VPC:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: !Ref VpcCidr}
  Endpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref VPC
      ServiceName: !Sub "com.amazonaws.${AWS::Region}.${Service}"
      VpcEndpointType: !Ref EndpointType
"""


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_exit_0_when_clean() -> None:
    assert run("check", str(CLEAN))[0] == 0


def test_exit_1_on_findings_at_or_above_fail_on() -> None:
    assert run("check", str(BROKEN))[0] == 1
    assert run("check", "--fail-on", "error", str(BROKEN))[0] == 1


def test_info_threshold_and_severity_below_it(tmp_path: Path) -> None:
    # VPC101 is an error: with --fail-on info it still fails; nothing lower exists yet to pass.
    assert run("check", "--fail-on", "info", str(BROKEN))[0] == 1


def test_exit_2_on_parse_error_and_other_files_still_linted(tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.yaml", "AWSTemplateFormatVersion: '2010-09-09'\nResources: [\n")
    code, output = run("check", "--format", "json", str(bad), str(BROKEN))
    assert code == 2
    document = json.loads(output)
    by_path = {f["path"]: f for f in document["files"]}
    assert by_path[str(bad)]["error"]["line"] == 3
    assert by_path[str(bad)]["error"]["message"].startswith("invalid YAML")
    assert [f["rule"] for f in by_path[str(BROKEN)]["findings"]] == ["VPC101"]


def test_missing_path_is_reported_and_exit_2(tmp_path: Path) -> None:
    code, output = run("check", str(tmp_path / "nope.yaml"), str(CLEAN))
    assert code == 2
    assert "no such file or folder" in output
    assert "1 file checked" in output


def test_non_template_yaml_is_skipped_quietly(tmp_path: Path) -> None:
    compose = write(tmp_path, "docker-compose.yaml", "services:\n  web:\n    image: nginx\n")
    helm = write(tmp_path, "deployment.yaml", "{{- if .Values.enabled }}\nkind: Deployment\n")
    code, output = run("check", str(compose), str(helm))
    assert code == 0
    assert "0 files checked" in output and "2 skipped" in output


def test_folder_is_searched_for_templates(tmp_path: Path) -> None:
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "vpc.template").write_text(BROKEN.read_text())
    (tmp_path / "README.md").write_text("AWSTemplateFormatVersion")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "x.yaml").write_text("{{ broken")
    code, output = run("check", "--format", "json", str(tmp_path))
    assert code == 1
    assert [f["path"] for f in json.loads(output)["files"]] == [
        str(tmp_path / "nested" / "vpc.template")
    ]


def test_json_contract() -> None:
    code, output = run("check", "--format", "json", str(BROKEN), str(CLEAN))
    assert code == 1
    document = json.loads(output)
    assert set(document) == {"version", "files", "summary"}
    assert document["version"] == __version__
    first = document["files"][0]
    assert first["path"] == str(BROKEN) and first["error"] is None
    (finding,) = first["findings"]
    assert finding == {
        "rule": "VPC101",
        "name": "private-subnet-routes-to-igw",
        "severity": "error",
        "message": finding["message"],
        "resource": "PublicDefaultRoute",
        "line": line_of(BROKEN, "  PublicDefaultRoute:"),
        "column": 3,
        "source": "vpclint",
    }
    assert "PrivateSubnetB" in finding["message"]
    assert document["summary"]["files"] == 2
    assert document["summary"]["error"] == 1


def test_parameter_overrides_decide_values(tmp_path: Path) -> None:
    template = write(tmp_path, "endpoint.yaml", ENDPOINT_WITHOUT_ROUTES)
    # Unknown endpoint type: silent.
    assert run("check", str(template))[0] == 0
    code, output = run(
        "check",
        "--format",
        "json",
        "-p",
        "EndpointType=Gateway",
        "-p",
        "Service=s3",
        str(template),
    )
    assert code == 1
    assert [f["rule"] for f in json.loads(output)["files"][0]["findings"]] == ["VPC301"]


def test_parameters_file_in_aws_cli_form(tmp_path: Path) -> None:
    template = write(tmp_path, "endpoint.yaml", ENDPOINT_WITHOUT_ROUTES)
    parameters = write(
        tmp_path,
        "params.json",
        json.dumps(
            [
                {"ParameterKey": "EndpointType", "ParameterValue": "Gateway"},
                {"ParameterKey": "Service", "ParameterValue": "dynamodb"},
            ]
        ),
    )
    assert run("check", "--parameters-file", str(parameters), str(template))[0] == 1
    # The command line wins over the file.
    assert (
        run(
            "check",
            "--parameters-file",
            str(parameters),
            "-p",
            "EndpointType=GatewayLoadBalancer",
            str(template),
        )[0]
        == 0
    )


def test_region_decides_conditions(tmp_path: Path) -> None:
    text = ENDPOINT_WITHOUT_ROUTES.replace("${Service}", "s3").replace(
        "  Endpoint:\n", "  Endpoint:\n    Condition: InIreland\n"
    )
    text += "Conditions:\n  InIreland: !Equals [!Ref AWS::Region, eu-west-1]\n"
    template = write(tmp_path, "endpoint.yaml", text)
    assert run("check", "-p", "EndpointType=Gateway", str(template))[0] == 0
    code, output = run(
        "check",
        "--format",
        "json",
        "--region",
        "eu-west-1",
        "-p",
        "EndpointType=Gateway",
        str(template),
    )
    assert code == 1
    (finding,) = json.loads(output)["files"][0]["findings"]
    assert finding["message"].startswith("Gateway endpoint Endpoint for s3 has no RouteTableIds")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "-p", "novalue", "x.yaml"], "is not KEY=VALUE"),
        (["check", "--format", "xml", "x.yaml"], "Invalid value for '--format'"),
        (["check"], "Missing argument"),
    ],
)
def test_usage_errors_exit_2(args: list[str], message: str) -> None:
    code, output = run(*args)
    assert code == 2
    assert message in output


def test_bad_parameters_file_is_a_usage_error(tmp_path: Path) -> None:
    parameters = write(tmp_path, "params.json", '{"a": ')
    code, output = run("check", "--parameters-file", str(parameters), str(CLEAN))
    assert code == 2
    assert "params.json:1:7: invalid JSON" in output


def test_text_report_shows_line_rule_and_summary() -> None:
    code, output = run("check", str(BROKEN))
    assert code == 1
    line = line_of(BROKEN, "  PublicDefaultRoute:")
    assert f"{line}:3  error  VPC101 Subnet PrivateSubnetB is meant to be private" in output
    assert f"{line} │   PublicDefaultRoute:" in output
    assert output.rstrip().endswith(
        "1 file checked, 1 error, 0 warnings, 0 info. 23 resources modelled, 0 not understood."
    )
    assert "\x1b[" not in output  # no colour when not a terminal


def test_rule_that_raises_is_reported_not_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    from vpclint import engine

    def explode(network: object) -> list:
        raise ValueError("boom")

    broken_rule = engine.Rule("VPC999", "explodes", engine.Severity.ERROR, "Explodes.", explode)
    real = engine.load_rules()
    monkeypatch.setattr(engine, "load_rules", lambda: (*real, broken_rule))
    code, output = run("check", str(BROKEN))
    assert code == 2
    assert "internal error in rule VPC999: ValueError: boom" in output
    assert "VPC101" in output  # the other rules still ran
    assert "Traceback" not in output


# The console script installed beside this Python.
VPCLINT = str(Path(sys.executable).parent / "vpclint")


def test_version_and_module_entry_point() -> None:
    for command in ([VPCLINT, "--version"], [sys.executable, "-m", "vpclint", "--version"]):
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        assert done.returncode == 0
        assert done.stdout.strip() == f"vpclint {__version__}"


def test_installed_command_reports_bad_input_in_one_line(tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.json", '{"AWSTemplateFormatVersion": "2010-09-09",\n "x": }\n')
    done = subprocess.run(
        [VPCLINT, "check", str(bad), str(CLEAN)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stdout + done.stderr
    assert "2:7  error  invalid JSON: Expecting value" in done.stdout


def test_colour_in_a_terminal_and_none_with_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("FORCE_COLOR", "1")  # as if stdout were a terminal
    assert "\x1b[" in run("check", str(BROKEN))[1]
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in run("check", str(BROKEN))[1]


def test_jobs_give_byte_identical_output(tmp_path: Path) -> None:
    for copy in range(5):
        for sample in SAMPLES.glob("*.yaml"):
            (tmp_path / f"{copy}-{sample.name}").write_text(sample.read_text(encoding="utf-8"))
    (tmp_path / "broken.yaml").write_text("AWSTemplateFormatVersion: x\nResources: [\n")
    # A linked pair, planned in the workers too: the app's defect shows only when linked.
    shutil.copytree(SAMPLES / "linked", tmp_path / "linked")
    outputs = {
        jobs: run("check", "--format", "json", "--jobs", jobs, str(tmp_path))
        for jobs in ("1", "2", "3")
    }
    assert outputs["1"][0] == 2
    assert outputs["1"] == outputs["2"] == outputs["3"]
    files = json.loads(outputs["1"][1])["files"]
    assert len(files) > 8
    app = next(file for file in files if file["path"].endswith("app.yaml"))
    assert [(f["rule"], f["resource"], f["line"]) for f in app["findings"]] == [
        ("VPC701", "Server", 23)
    ]
