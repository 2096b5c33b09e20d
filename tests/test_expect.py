"""Expectations ([[expect]] and Metadata vpclint.expect), `vpclint scopes`, and vpclint's rules
in cfn-lint through a .cfnlintrc (the editor set-up)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import REPO, SAMPLES, line_of

from vpclint.cli import cli
from vpclint.expect import ExpectationError, parse_list
from vpclint.expect.selectors import parse

BIN = Path(sys.executable).parent
TWO_AZ = SAMPLES / "two-az-public-private-nat.yaml"
EXPECTATIONS = SAMPLES / "expectations.toml"
LINKED = REPO / "tests" / "fixtures" / "stacks" / "linked"

LINKED_CONFIG = """\
[[expect]]
name = "server reaches Session Manager"
from = "Server"
to = ["ssm", "ssmmessages"]
port = 443
reachable = true

[[expect]]
name = "private subnets closed to the internet"
from = "internet"
to = "subnet:PrivateSubnetA"
port = 22
reachable = false

[[expect]]
name = "no SSH from the server into the other subnet"
from = "type:AWS::EC2::Instance"
to = "10.30.2.0/24"
port = 22
reachable = false
"""


def findings(args: list[str]) -> list[tuple[str, str, int, str | None, str]]:
    result = CliRunner().invoke(cli, ["check", "--jobs", "1", "--format", "json", *args])
    assert result.exit_code in (0, 1), result.output
    return [
        (Path(file["path"]).name, f["rule"], f["line"], f["resource"], f["message"])
        for file in json.loads(result.output)["files"]
        for f in file["findings"]
        if f["rule"] in ("VPC710", "VPC711", "VPC712")
    ]


def test_sample_expectations_hold_and_break() -> None:
    found = findings(["--config", str(EXPECTATIONS), str(TWO_AZ)])
    app = line_of(TWO_AZ, "  AppInstance:")
    assert [(name, rule, line, resource) for name, rule, line, resource, _ in found] == [
        ("two-az-public-private-nat.yaml", "VPC710", app, "AppInstance"),
        ("expectations.toml", "VPC711", 3, None),
    ]
    broken, unmatched = found[0][4], found[1][4]
    # The path that must not exist, hop by hop.
    assert broken.startswith(
        'Expectation "only HTTPS leaves the app" is broken: AppInstance reaches the internet '
        "on TCP 25 via NAT gateway NatGatewayA → internet gateway InternetGateway: "
        "1. AppSecurityGroup (security group)"
    )
    assert "3. NatGatewayA (NAT gateway)" in broken and "4. PublicDefaultRoute (route)" in broken
    assert "expect[0].from[1] = 'tier:public' matches nothing" in unmatched
    # "the app is closed to the internet" (from the internet) and "the app reaches the
    # internet and Session Manager" hold: nothing about them.
    assert not any("Session Manager" in message for *_, message in found)


def test_linked_pair_expectations(tmp_path: Path) -> None:
    config = tmp_path / "expect.toml"
    config.write_text(LINKED_CONFIG, encoding="utf-8")
    found = findings(["--config", str(config), str(LINKED)])
    server = line_of(LINKED / "app.yaml", "  Server:")
    assert (
        sorted((name, rule, line) for name, rule, line, *_ in found)
        == [("app.yaml", "VPC710", server)] * 3
    )
    messages = sorted(message for *_, message in found)
    # Must not reach: the path that exists.
    assert messages[0].startswith(
        'Expectation "no SSH from the server into the other subnet" is broken: Server reaches '
        "10.30.2.0/24 on TCP 22 via local route: 1. ServerGroup (security group)"
    )
    # Must reach: every hop that blocks, for each service.
    assert messages[1].startswith(
        'Expectation "server reaches Session Manager" is broken: Server cannot reach the ssm '
        "service on TCP 443 [NO_ROUTE_TO_DESTINATION]: route table PrivateTable has no route"
    )
    assert "the ssmmessages service" in messages[2]


def test_app_alone_cannot_decide_and_names_what_it_lacks(tmp_path: Path) -> None:
    config = tmp_path / "expect.toml"
    config.write_text(LINKED_CONFIG, encoding="utf-8")
    found = findings(["--config", str(config), str(LINKED / "app.yaml")])
    rules = sorted((name, rule, line) for name, rule, line, *_ in found)
    server = line_of(LINKED / "app.yaml", "  Server:")
    assert rules == [
        ("app.yaml", "VPC712", server),
        ("app.yaml", "VPC712", server),
        ("app.yaml", "VPC712", server),
        ("expect.toml", "VPC711", 11),  # subnet:PrivateSubnetA is in the network stack
    ]
    undecided = [message for _, rule, _, _, message in found if rule == "VPC712"]
    assert all(m.endswith("where Server sits: its subnet is not known.") for m in undecided)


DB_SAMPLE = SAMPLES / "broken-placement-alb-private-subnets-db-one-az.yaml"
DB_CONFIG = """\
[[expect]]
name = "database never from the internet"
from = "internet"
to = "type:AWS::RDS::DBInstance"
port = 5432
reachable = false

[[expect]]
name = "database only from the app tier"
from = "WebLoadBalancer"
to = "Database"
port = 5432
reachable = false

[[expect]]
name = "the app reaches the database"
from = "type:AWS::EC2::Instance"
to = "Database"
port = 5432
reachable = true

[[expect]]
name = "databases get out"
from = "type:AWS::RDS::DBInstance"
to = "internet"
port = 443
reachable = true
"""


def test_database_sample_undecided_held_and_answers_only(tmp_path: Path) -> None:
    config = tmp_path / "expect.toml"
    config.write_text(DB_CONFIG, encoding="utf-8")
    found = findings(["--config", str(config), str(DB_SAMPLE)])
    database = line_of(DB_SAMPLE, "  Database:")
    assert [(name, rule, line, resource) for name, rule, line, resource, _ in found] == [
        (DB_SAMPLE.name, "VPC712", database, "Database"),
        ("expect.toml", "VPC711", 24, None),
    ]
    undecided, answers_only = found[0][4], found[1][4]
    assert undecided == (
        'Expectation "database never from the internet" cannot be decided: whether the '
        "internet reaches Database on TCP 5432 depends on what the templates do not say: "
        "PubliclyAccessible is not set in a VPC with an internet gateway."
    )
    # A database only answers connections: as a source, its type stands for nothing.
    assert "expect[3].from = 'type:AWS::RDS::DBInstance' matches nothing that starts" in (
        answers_only
    )


def test_a_selector_matched_in_another_unit_is_no_warning(tmp_path: Path) -> None:
    config = tmp_path / "expect.toml"
    # Built apart, the network stack has the subnet and the app stack the server.
    config.write_text(
        '[[expect]]\nname = "closed"\nfrom = "internet"\nto = ["PrivateSubnetA", "Server"]\n'
        "port = 22\nreachable = false\n",
        encoding="utf-8",
    )
    found = findings(["--config", str(config), "--no-link", str(LINKED)])
    assert not [f for f in found if f[1] == "VPC711"]
    # Linked or not, a name no template declares is reported.
    config.write_text(config.read_text().replace('"Server"', '"Sever"'), encoding="utf-8")
    found = findings(["--config", str(config), "--no-link", str(LINKED)])
    assert [(name, rule, line) for name, rule, line, *_ in found if rule == "VPC711"] == [
        ("expect.toml", "VPC711", 4)
    ]


@pytest.mark.parametrize(
    ("table", "key", "why"),
    [
        ('from = ["internet", "tier:publik"]', "expect[0].from[1]", "a tier is 'public'"),
        ('from = "tag:Role"', "expect[0].from", "tag:Key=Value"),
        ('from = "10.0.0.0/8"', "expect[0].from", "cannot start a connection"),
        ('from = "internet"\ncolour = "red"', "expect[0].colour", "unknown key"),
        ('from = "type:RDS"', "expect[0].from", "type:AWS::RDS::DBInstance"),
    ],
)
def test_bad_expectation_is_a_configuration_error(
    tmp_path: Path, table: str, key: str, why: str
) -> None:
    config = tmp_path / ".vpclint.toml"
    config.write_text(
        f'[[expect]]\nname = "x"\n{table}\nto = "AppInstance"\nport = 22\nreachable = false\n',
        encoding="utf-8",
    )
    done = subprocess.run(
        [str(BIN / "vpclint"), "check", str(TWO_AZ)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    (error,) = done.stderr.splitlines()  # one line
    assert (
        error.startswith("vpclint: error: ")
        and f"key {key!r}" in error
        and why in error
        and "Traceback" not in done.stderr
    )


def test_bad_port_in_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.vpclint]\n[[tool.vpclint.expect]]\nname = "y"\nfrom = "AppInstance"\n'
        'to = "internet"\nport = 70000\nreachable = true\n',
        encoding="utf-8",
    )
    done = subprocess.run(
        [str(BIN / "vpclint"), "check", str(TWO_AZ)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "key 'expect[0].port': 70000 is not a port (0-65535)" in done.stderr


def test_selectors_parse() -> None:
    assert parse("tier:private").kind == "tier"
    assert parse("network/Database").kind == "resource"
    assert parse("com.amazonaws.eu-west-1.ssm").value == "ssm"
    assert parse("ecr.api").kind == "service"
    assert parse("10.0.0.5").value == "10.0.0.5/32"
    assert parse("tag:Role = app").value == "Role=app"
    for bad in ("", "tier:dmz", "subnet:", "no such thing!", "10.0.0.0/33"):
        with pytest.raises(ValueError):
            parse(bad)


def test_expectation_shape() -> None:
    (one,) = parse_list(
        [{"name": "n", "from": "A", "to": ["ssm", "internet"], "port": [1, 1], "reachable": True}]
    )
    assert one.ports == (1,) and one.protocol == "tcp"
    assert [side.key for side in one.sides] == [
        "expect[0].from",
        "expect[0].to[0]",
        "expect[0].to[1]",
    ]
    with pytest.raises(ExpectationError) as error:
        parse_list(
            [
                {
                    "name": "n",
                    "from": "A",
                    "to": "B",
                    "protocol": "icmp",
                    "port": 1,
                    "reachable": False,
                }
            ]
        )
    assert error.value.key == "expect[0].port"


@pytest.mark.parametrize("output_format", ["yaml", "json"])
def test_scopes_pass_cfn_lint(tmp_path: Path, output_format: str) -> None:
    if not (BIN / "cfn-lint").exists():
        pytest.skip("cfn-lint is not installed")
    result = CliRunner().invoke(
        cli, ["scopes", "--config", str(EXPECTATIONS), "--format", output_format, str(TWO_AZ)]
    )
    assert result.exit_code == 0, result.output
    output = tmp_path / f"scopes.{output_format}"
    output.write_text(result.stdout, encoding="utf-8")
    done = subprocess.run(
        [str(BIN / "cfn-lint"), str(output)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    template = json.loads(result.stdout) if output_format == "json" else None
    if template is not None:
        scopes = template["Resources"]
        assert sorted(scopes) == ["OnlyHTTPSLeavesTheAppScope", "TheAppIsClosedToTheInternetScope"]
        (path,) = scopes["TheAppIsClosedToTheInternetScope"]["Properties"]["MatchPaths"]
        assert path == {
            "Source": {"ResourceStatement": {"ResourceTypes": ["AWS::EC2::InternetGateway"]}},
            "Destination": {
                "ResourceStatement": {"Resources": [{"Ref": "AppInstanceId"}]},
                "PacketHeaderStatement": {"DestinationPorts": ["22", "8080"], "Protocols": ["tcp"]},
            },
        }
        assert template["Parameters"]["AppInstanceId"]["Type"] == "AWS::EC2::Instance::Id"


def test_scopes_of_a_database_name_its_security_groups(tmp_path: Path) -> None:
    config = tmp_path / "expect.toml"
    config.write_text(
        '[[expect]]\nname = "db closed"\nfrom = "internet"\nto = "type:AWS::RDS::DBInstance"\n'
        "port = 5432\nreachable = false\n",
        encoding="utf-8",
    )
    sample = SAMPLES / "broken-placement-alb-private-subnets-db-one-az.yaml"
    result = CliRunner().invoke(
        cli, ["scopes", "--config", str(config), "--format", "json", str(sample)]
    )
    assert result.exit_code == 0, result.output
    template = json.loads(result.stdout)
    (scope,) = template["Resources"].values()
    (path,) = scope["Properties"]["MatchPaths"]
    (reference,) = path["Destination"]["ResourceStatement"]["Resources"]
    assert template["Parameters"][reference["Ref"]]["Type"] == "AWS::EC2::SecurityGroup::Id"


def test_scopes_exclude_the_paths_other_expectations_require(tmp_path: Path) -> None:
    if not (BIN / "cfn-lint").exists():
        pytest.skip("cfn-lint is not installed")
    config = tmp_path / "expect.toml"
    config.write_text(
        '[[expect]]\nname = "not from the balancer"\nfrom = "WebLoadBalancer"\n'
        'to = "Database"\nport = 5432\nreachable = false\n\n'
        '[[expect]]\nname = "the app reaches the database"\nfrom = "AppInstanceA"\n'
        'to = "Database"\nport = [5432, 443]\nreachable = true\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["scopes", "--config", str(config), str(DB_SAMPLE)])
    assert result.exit_code == 0, result.output
    output = tmp_path / "scopes.yaml"
    output.write_text(result.stdout, encoding="utf-8")
    done = subprocess.run(
        [str(BIN / "cfn-lint"), str(output)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout
    from vpclint.loader import load

    template = load(output).data  # type: ignore[union-attr]
    (scope,) = template["Resources"].values()
    database = {"Resources": [{"Ref": "DatabaseSecurityGroupId"}]}
    header = {"DestinationPorts": ["5432"], "Protocols": ["tcp"]}
    assert scope["Properties"]["MatchPaths"] == [
        {
            "Source": {
                "ResourceStatement": {"Resources": [{"Ref": "LoadBalancerSecurityGroupId"}]}
            },
            "Destination": {"ResourceStatement": database, "PacketHeaderStatement": header},
        }
    ]
    assert scope["Properties"]["ExcludePaths"] == [
        {
            "Source": {"ResourceStatement": {"Resources": [{"Ref": "AppInstanceAId"}]}},
            "Destination": {"ResourceStatement": database, "PacketHeaderStatement": header},
        }
    ]


def test_scopes_with_nothing_to_do_exit_2() -> None:
    result = CliRunner().invoke(cli, ["scopes", "--isolated", str(TWO_AZ)])
    assert result.exit_code == 2


def test_cfnlintrc_brings_vpclint_rules_into_cfn_lint(tmp_path: Path) -> None:
    if not (BIN / "cfn-lint").exists():
        pytest.skip("cfn-lint is not installed")
    shutil.copy(REPO / "docs" / "editor" / ".cfnlintrc", tmp_path / ".cfnlintrc")
    broken = SAMPLES / "broken-vpc101-private-subnet-routes-to-igw.yaml"
    shutil.copy(broken, tmp_path / "template.yaml")
    done = subprocess.run(
        [str(BIN / "cfn-lint"), "template.yaml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": str(BIN), "HOME": str(tmp_path)},  # no user-level .cfnlintrc
    )
    assert "Traceback" not in done.stdout + done.stderr
    rule_lines = [line for line in done.stdout.splitlines() if line[:2] in ("E9", "W9")]
    assert rule_lines and rule_lines[0].startswith("E9101 Subnet PrivateSubnetB is meant to be")
    line = line_of(broken, "  PublicDefaultRoute:")
    assert f"template.yaml:{line}:3" in done.stdout
    # Without it, cfn-lint knows nothing of vpclint.
    (tmp_path / ".cfnlintrc").unlink()
    plain = subprocess.run(
        [str(BIN / "cfn-lint"), "template.yaml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": str(BIN), "HOME": str(tmp_path)},
    )
    assert "E9101" not in plain.stdout


def test_metadata_expectations_reach_the_editor(tmp_path: Path) -> None:
    if not (BIN / "cfn-lint").exists():
        pytest.skip("cfn-lint is not installed")
    shutil.copy(REPO / "docs" / "editor" / ".cfnlintrc", tmp_path / ".cfnlintrc")
    fixture = (
        REPO / "tests" / "fixtures" / "rules" / "VPC710" / "fail_must_not_reach_path_exists.yaml"
    )
    shutil.copy(fixture, tmp_path / "template.yaml")
    done = subprocess.run(
        [str(BIN / "cfn-lint"), "template.yaml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": str(BIN), "HOME": str(tmp_path)},
    )
    line = line_of(fixture, "expect: VPC710")
    assert 'E9710 Expectation "no SSH from the internet" is broken' in done.stdout
    assert f"template.yaml:{line}:" in done.stdout


def test_scopes_from_metadata() -> None:
    fixture = (
        REPO / "tests" / "fixtures" / "rules" / "VPC710" / "fail_must_not_reach_path_exists.yaml"
    )
    result = CliRunner().invoke(cli, ["scopes", "--isolated", "--format", "json", str(fixture)])
    assert result.exit_code == 0, result.output
    (name,) = json.loads(result.stdout)["Resources"]
    assert name == "NoSSHFromTheInternetScope"


def test_check_with_cfn_lint_does_not_report_vpclint_twice(tmp_path: Path) -> None:
    pytest.importorskip("cfnlint")
    shutil.copy(REPO / "docs" / "editor" / ".cfnlintrc", tmp_path / ".cfnlintrc")
    broken = SAMPLES / "broken-vpc101-private-subnet-routes-to-igw.yaml"
    done = subprocess.run(
        [
            str(BIN / "vpclint"),
            "check",
            "--isolated",
            "--cfn-lint",
            "--format",
            "json",
            str(broken),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    rules = [f["rule"] for f in json.loads(done.stdout)["files"][0]["findings"]]
    assert "VPC101" in rules and "E9101" not in rules
