"""Networks that span templates: loops, SAM, nested stacks, linked stacks and CDK apps, each
checked, shown and walked as one network, with findings still pointing at the file and line
the user wrote."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import REPO, line_of

from vpclint.cli import cli
from vpclint.expand.links import Unit
from vpclint.expand.stacks import Root
from vpclint.lint import LintOptions, build_unit, collect_files
from vpclint.model import Workload
from vpclint.reach import REACHABLE, UNREACHABLE, reach
from vpclint.show import render

STACKS = Path(__file__).parent / "fixtures" / "stacks"
CDK = Path(__file__).parent / "fixtures" / "cdk"


def network_of(*paths: Path, **options: object):  # type: ignore[no-untyped-def]
    roots = tuple(Root(str(p), p.stem if len(paths) > 1 else None) for p in paths)
    built = build_unit(Unit(roots), LintOptions(**options))  # type: ignore[arg-type]
    assert not built.errors, built.errors
    assert built.network is not None
    return built.network


def check(*paths: str | Path, cwd: Path | None = None) -> tuple[int, list[dict]]:
    """`vpclint check --format json` on the paths: the exit code and each file's findings."""
    runner = CliRunner()
    args = ["check", "--isolated", "--format", "json", *map(str, paths)]
    if cwd is None:
        result = runner.invoke(cli, args)
    else:
        previous = os.getcwd()
        os.chdir(cwd)
        try:
            result = runner.invoke(cli, args)
        finally:
            os.chdir(previous)
    return result.exit_code, json.loads(result.output)["files"]


def findings(files: list[dict], rule: str) -> list[tuple[str, str, int]]:
    return [
        (os.path.basename(f["path"]), finding["resource"], finding["line"])
        for f in files
        for finding in f["findings"]
        if finding["rule"] == rule
    ]


# -- Fn::ForEach ---------------------------------------------------------------------------------


def test_a_looped_vpc_is_the_vpc_written_out() -> None:
    looped = network_of(STACKS / "foreach" / "looped.yaml")
    written = network_of(STACKS / "foreach" / "written.yaml")
    # The same network, drawn the same way (the JSON also says on which line each is written).
    for output_format in ("tree", "mermaid", "dot"):
        assert render(looped, output_format) == render(written, output_format)
    assert reach(looped, "PrivateSubnetB", "internet").via == (
        "NAT gateway NatB → internet gateway Igw"
    )


def test_findings_in_a_loop_point_at_the_loop_body(tmp_path: Path) -> None:
    looped = (STACKS / "foreach" / "looped.yaml").read_text(encoding="utf-8")
    public = looped.replace('NatGatewayId: {Ref: !Sub "Nat${Zone}"}', "GatewayId: !Ref Igw")
    _, files = check_text(tmp_path, public)
    body = line_of_text(public, "PrivateRoute${Zone}:")
    assert findings(files, "VPC101") == [
        ("template.yaml", "PrivateRouteA", body),
        ("template.yaml", "PrivateRouteB", body),
    ]
    assert findings(files, "VPC103") == [
        ("template.yaml", "PrivateRouteA", body),
        ("template.yaml", "PrivateRouteB", body),
    ]


def test_a_loop_over_an_unknown_collection_is_reported(tmp_path: Path) -> None:
    text = (STACKS / "foreach" / "looped.yaml").read_text(encoding="utf-8")
    unknown = text.replace('    Default: "A,B"\n', "")
    exit_code, files = check_text(tmp_path, unknown)
    assert findings(files, "VPC005") == [
        ("template.yaml", "Fn::ForEach::PerZone", line_of_text(unknown, "Fn::ForEach::PerZone"))
    ]
    assert exit_code == 0  # information only


def check_text(folder: Path, text: str) -> tuple[int, list[dict]]:
    template = folder / "template.yaml"
    template.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["check", "--isolated", "--select", "VPC", "--format", "json", str(template)]
    )
    return result.exit_code, json.loads(result.output)["files"]


def line_of_text(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


# -- SAM ----------------------------------------------------------------------------------------


def test_sam_functions_take_their_vpc_from_globals() -> None:
    network = network_of(STACKS / "sam" / "app.yaml")
    functions = [w for w in network.workloads if isinstance(w, Workload)]
    assert [f.logical_id for f in functions] == ["ReadOrders", "WriteOrders"]
    for function in functions:
        assert [s.logical_id for s in function.subnets] == ["PrivateSubnet"]  # type: ignore[union-attr]
        assert [g.logical_id for g in function.security_groups] == ["FunctionGroup"]  # type: ignore[union-attr]
    answer = reach(network, "ReadOrders", "dynamodb")
    assert (answer.verdict, answer.via) == (REACHABLE, "gateway endpoint DynamoEndpoint")
    answer = reach(network, "WriteOrders", "sqs")
    assert answer.verdict == UNREACHABLE


# -- nested stacks ------------------------------------------------------------------------------


def test_a_parent_and_its_nested_stacks_are_one_network() -> None:
    main = STACKS / "nested" / "main.yaml"
    network = network_of(main)
    server = network.find("App/Server")
    assert server is not None and server.origin is not None
    assert server.origin.via == "main.yaml: App"
    # The subnet passed through Network's outputs is the child's subnet itself.
    assert server.subnet is network.find("Network/PrivateSubnet")  # type: ignore[attr-defined]
    assert str(server.subnet.cidr_block) == "10.20.0.0/24"  # type: ignore[attr-defined]
    answer = reach(network, "Server", "ssm")
    assert answer.verdict == UNREACHABLE


def test_a_finding_in_a_nested_stack_names_its_file_and_parent() -> None:
    main = STACKS / "nested" / "main.yaml"
    app = STACKS / "nested" / "app.yaml"
    exit_code, files = check(main)
    assert exit_code == 1
    assert [os.path.basename(f["path"]) for f in files] == ["main.yaml", "network.yaml", "app.yaml"]
    (finding,) = [f for f in files[2]["findings"] if f["rule"] == "VPC701"]
    assert (finding["resource"], finding["line"]) == ("Server", line_of(app, "  Server:"))
    assert finding["via"] == "main.yaml: App"
    assert finding["stack"] == "App"
    text = CliRunner().invoke(cli, ["check", "--isolated", str(main)]).output
    assert "(through main.yaml: App)" in text


def test_checking_a_folder_lints_children_through_their_parent() -> None:
    exit_code, files = check(STACKS / "nested")
    names = [os.path.basename(f["path"]) for f in files]
    assert sorted(names) == ["app.yaml", "main.yaml", "network.yaml"]
    assert findings(files, "VPC701") == [
        ("app.yaml", "Server", line_of(STACKS / "nested" / "app.yaml", "  Server:"))
    ]
    assert exit_code == 1


def test_a_remote_nested_stack_is_reported(tmp_path: Path) -> None:
    template = tmp_path / "parent.yaml"
    template.write_text(
        "Resources:\n"
        "  Network:\n"
        "    Type: AWS::CloudFormation::Stack\n"
        "    Properties:\n"
        "      TemplateURL: https://bucket.s3.amazonaws.com/network.yaml\n"
        "  Missing:\n"
        "    Type: AWS::CloudFormation::Stack\n"
        "    Properties: {TemplateURL: nowhere.yaml}\n",
        encoding="utf-8",
    )
    exit_code, files = check(template)
    assert findings(files, "VPC002") == [
        ("parent.yaml", "Network", 2),
        ("parent.yaml", "Missing", 6),
    ]
    assert exit_code == 0


# -- linked stacks -------------------------------------------------------------------------------


def test_a_defect_seen_only_when_the_stacks_are_linked() -> None:
    network, app = STACKS / "linked" / "network.yaml", STACKS / "linked" / "app.yaml"
    exit_code, files = check(network, app)
    assert exit_code == 1
    assert findings(files, "VPC701") == [("app.yaml", "Server", line_of(app, "  Server:"))]
    assert findings(files, "VPC004") == []
    # Alone, the app stack's network is unknown: it says so, and reports nothing else.
    exit_code, files = check(app)
    assert exit_code == 0
    assert findings(files, "VPC701") == []
    assert findings(files, "VPC004") == [
        ("app.yaml", "ServerGroup", line_of(app, 'VpcId: {"Fn::ImportValue"')),
        ("app.yaml", "Server", line_of(app, "SubnetId: !Select")),
    ]


def test_linked_stacks_resolve_through_join_and_split() -> None:
    network = network_of(STACKS / "linked" / "network.yaml", STACKS / "linked" / "app.yaml")
    server = network.find("Server")
    assert server.subnet is network.find("PrivateSubnetA")  # type: ignore[union-attr]
    group = network.find("ServerGroup")
    assert group.vpc is network.find("Vpc")  # type: ignore[union-attr]


def test_stack_names_from_the_command_line(tmp_path: Path) -> None:
    shutil.copy(STACKS / "linked" / "network.yaml", tmp_path / "net-prod.yaml")
    shutil.copy(STACKS / "linked" / "app.yaml", tmp_path / "app.yaml")
    _, files = check(tmp_path / "net-prod.yaml", tmp_path / "app.yaml")
    assert findings(files, "VPC701") == []  # exported as net-prod-..., imported as network-...
    runner = CliRunner()
    result = runner.invoke(
        cli,
        [
            "check",
            "--isolated",
            "--format",
            "json",
            "--stack-name",
            f"{tmp_path / 'net-prod.yaml'}=network",
            str(tmp_path / "net-prod.yaml"),
            str(tmp_path / "app.yaml"),
        ],
    )
    assert findings(json.loads(result.output)["files"], "VPC701") == [
        ("app.yaml", "Server", line_of(tmp_path / "app.yaml", "  Server:"))
    ]
    unlinked = runner.invoke(
        cli,
        ["check", "--isolated", "--format", "json", "--no-link", str(STACKS / "linked")],
    )
    assert findings(json.loads(unlinked.output)["files"], "VPC701") == []


def test_reach_and_show_take_several_templates() -> None:
    paths = [str(STACKS / "linked" / "network.yaml"), str(STACKS / "linked" / "app.yaml")]
    result = CliRunner().invoke(cli, ["reach", *paths, "--from", "Server", "--to", "ssm"])
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Server -> ssm (TCP 443): NOT reachable")
    shown = CliRunner().invoke(cli, ["show", *paths])
    assert shown.exit_code == 0 and "Server" in shown.output


# -- CDK ------------------------------------------------------------------------------------------


def test_a_cdk_app_is_checked_from_its_project_root() -> None:
    root = CDK / "two-stacks"
    exit_code, files = check(".", cwd=root)
    assert exit_code == 1
    assert [f["path"] for f in files] == [
        "cdk.out/NetworkStack.template.json",
        "cdk.out/AppStack.template.json",
    ]
    (finding,) = [f for f in files[1]["findings"] if f["rule"] == "VPC701"]
    assert finding["resource"] == "InstanceC1063A87"
    assert finding["construct"] == "AppStack/Instance/Resource"
    assert finding["stack"] == "AppStack"


def test_a_cdk_assembly_and_a_stage_with_a_nested_stack() -> None:
    exit_code, files = check(CDK / "two-stacks" / "cdk.out")
    assert findings(files, "VPC701") == [
        (
            "AppStack.template.json",
            "InstanceC1063A87",
            line_of(
                CDK / "two-stacks" / "cdk.out" / "AppStack.template.json", '"InstanceC1063A87": {'
            ),
        )
    ]
    network = network_of(
        CDK / "stage-nested" / "cdk.out" / "assembly-Prod" / "ProdNetwork2D2E7D69.template.json"
    )
    nested = [r for r in network.resources.values() if "/" in r.key]
    assert nested, "the nested stack's resources are in the network"
    assert exit_code == 1


def test_a_cdk_app_with_one_nat_gateway_gives_only_information() -> None:
    """natGateways: 1 is a cost decision: no error or warning, one VPC111 for the VPC."""
    exit_code, files = check(CDK / "single-nat")
    template = CDK / "single-nat" / "cdk.out" / "SingleNatStack.template.json"
    assert exit_code == 0
    assert [(f["rule"], f["severity"]) for f in files[0]["findings"]] == [("VPC111", "info")]
    assert findings(files, "VPC111") == [
        ("SingleNatStack.template.json", "Vpc8378EB38", line_of(template, '"Vpc8378EB38": {'))
    ]
    (finding,) = files[0]["findings"]
    assert finding["construct"] == "SingleNatStack/Vpc/Resource"
    assert "no NAT gateway in us-east-1b" in finding["message"]


def test_an_environment_agnostic_cdk_app_and_placeholder_zones_lint_clean() -> None:
    """Zones from Fn::GetAZs, and the CDK's placeholder zones (dummy1a) that are no zones at
    all: no finding, although the placeholder stack has one NAT gateway for three of them."""
    out = CDK / "env-agnostic" / "cdk.out"
    pending = (out / "PendingLookupStack.template.json").read_text(encoding="utf-8")
    assert '"AvailabilityZone": "dummy1a"' in pending
    assert pending.count('"Type": "AWS::EC2::NatGateway"') == 1
    assert '"Fn::GetAZs"' in (out / "AgnosticStack.template.json").read_text(encoding="utf-8")
    exit_code, files = check(CDK / "env-agnostic")
    assert exit_code == 0
    assert len(files) == 2
    assert [finding for f in files for finding in f["findings"]] == []
    network = network_of(out / "PendingLookupStack.template.json")
    assert {type(s.availability_zone).__name__ for s in network.subnets} == {"Unknown"}
    assert all(s.zone is None for s in network.subnets)


def test_collect_files_finds_a_cdk_app() -> None:
    found = collect_files([str(CDK / "two-stacks")])
    assert (str(CDK / "two-stacks" / "cdk.out"), True) in found


def test_summary_counts_modelled_resources() -> None:
    seed = REPO / "sample_templates" / "private-subnet-ssm-s3-endpoints.yaml"
    output = CliRunner().invoke(cli, ["check", "--isolated", str(seed)]).output
    assert output.splitlines()[-1].endswith("resources modelled, 0 not understood.")


@pytest.mark.parametrize("rule", ["VPC001", "VPC002", "VPC003", "VPC004", "VPC005"])
def test_the_rules_of_what_is_not_seen_are_on_by_default(rule: str) -> None:
    from vpclint.lint import default_rules

    assert rule in {r.id for r in default_rules()}
