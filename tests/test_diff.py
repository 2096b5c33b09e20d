"""`vpclint diff`: each kind of change (a route, a security group rule, an ACL entry, a subnet
association) opens or closes exactly the paths it should, with the entry and line that made the
difference; a reformatted or reordered template changes nothing; --base reads git."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import REPO, line_of

from vpclint.cli import cli

DIFFS = REPO / "tests" / "fixtures" / "diff"
BASE = DIFFS / "base.yaml"
VPCLINT = str(Path(sys.executable).parent / "vpclint")


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["diff", *args])
    return result.exit_code, result.output


def changes(old: Path, new: Path, *options: str) -> tuple[int, dict]:
    code, output = run("--format", "json", *options, str(old), str(new))
    return code, json.loads(output)


def paths(document: dict) -> list[tuple]:
    """(change, from, to, port, [(cause, resource, path, line, version)]) per path changed."""
    return [
        (
            p["change"],
            p["from"],
            p["to"],
            p["port"],
            [(c["text"], c["resource"], c["path"], c["line"], c["version"]) for c in p["causes"]],
        )
        for p in document["paths"]
    ]


def test_a_route_removed_closes_the_paths_through_it_and_added_opens_them() -> None:
    new = DIFFS / "route.yaml"
    cause = (
        "PrivateRouteTable loses 0.0.0.0/0 → NAT gateway NatGateway",
        "PrivateDefaultRoute",
        str(BASE),
        line_of(BASE, "  PrivateDefaultRoute:"),
        "old",
    )
    code, document = changes(BASE, new)
    assert code == 0  # nothing opened from the internet
    assert paths(document) == [
        ("closed", "AppInstance", "internet", 443, [cause]),
        ("closed", "AppInstance", "internet", 8080, [cause]),
    ]
    assert [f["rule"] for f in document["findings"]["added"]] == ["VPC704"]
    assert document["findings"]["fixed"] == []
    # The other way round: the route is gained, at its line in the newer file.
    code, document = changes(new, BASE)
    gained = (
        "PrivateRouteTable gains 0.0.0.0/0 → NAT gateway NatGateway",
        "PrivateDefaultRoute",
        str(BASE),
        line_of(BASE, "  PrivateDefaultRoute:"),
        "new",
    )
    assert code == 0
    assert paths(document) == [
        ("opened", "AppInstance", "internet", 443, [gained]),
        ("opened", "AppInstance", "internet", 8080, [gained]),
    ]
    assert [f["rule"] for f in document["findings"]["fixed"]] == ["VPC704"]
    assert changes(new, BASE, "--fail-on", "opened")[0] == 1


def test_a_security_group_rule_opens_a_path_from_the_internet() -> None:
    new = DIFFS / "sg-rule.yaml"
    cause = (
        "WebGroup gains ingress TCP 22 from 0.0.0.0/0",
        "WebSshIngress",
        str(new),
        line_of(new, "  WebSshIngress:"),
        "new",
    )
    code, document = changes(BASE, new)
    assert code == 1  # opened from the internet
    assert paths(document) == [
        ("opened", "internet", "WebInstance", 22, [cause]),
        ("opened", "AppInstance", "WebInstance", 22, [cause]),
    ]
    assert document["paths"][0]["summary"] == (
        "WebInstance becomes reachable from the internet on TCP 22"
    )
    (added,) = document["findings"]["added"]
    assert (added["rule"], added["resource"], added["line"]) == (
        "VPC401",
        "WebSshIngress",
        line_of(new, "  WebSshIngress:"),
    )
    assert document["summary"]["opened_from_internet"] == 1
    assert changes(BASE, new, "--fail-on", "never")[0] == 0


def test_an_acl_entry_closes_https_in_the_subnet_and_through_its_nat_gateway() -> None:
    new = DIFFS / "acl-entry.yaml"
    cause = (
        "PublicAcl gains inbound rule 90 deny TCP 443 from 0.0.0.0/0",
        "PublicAclDenyHttps",
        str(new),
        line_of(new, "  PublicAclDenyHttps:"),
        "new",
    )
    code, document = changes(BASE, new)
    assert code == 0
    # The NAT gateway sits in the public subnet: its ACL now drops the private subnet's HTTPS.
    assert paths(document) == [
        ("closed", "internet", "WebInstance", 443, [cause]),
        ("closed", "AppInstance", "WebInstance", 443, [cause]),
        ("closed", "AppInstance", "internet", 443, [cause]),
    ]
    assert changes(BASE, new, "--fail-on", "any")[0] == 1


def test_a_subnet_association_moves_the_subnet_to_another_route_table() -> None:
    new = DIFFS / "association.yaml"
    cause = (
        "PrivateSubnet now uses route table IsolatedRouteTable (association PrivateAssociation) "
        "instead of route table PrivateRouteTable (association PrivateAssociation)",
        "PrivateAssociation",
        str(new),
        line_of(new, "  PrivateAssociation:"),
        "new",
    )
    code, document = changes(BASE, new)
    assert code == 0
    assert paths(document) == [
        ("closed", "AppInstance", "internet", 443, [cause]),
        ("closed", "AppInstance", "internet", 8080, [cause]),
    ]


def _reformatted(tmp_path: Path) -> list[Path]:
    """base.yaml as JSON with every mapping's keys reversed, and as YAML indented by four with
    the resources in reverse order."""
    from ruamel.yaml import YAML

    data = YAML(typ="safe").load(BASE.read_text(encoding="utf-8"))

    def reversed_keys(value: object) -> object:
        if isinstance(value, dict):
            return {k: reversed_keys(v) for k, v in reversed(list(value.items()))}
        if isinstance(value, list):
            return [reversed_keys(v) for v in value]
        return value

    as_json = tmp_path / "base.json"
    as_json.write_text(json.dumps(reversed_keys(data), indent=1), encoding="utf-8")
    as_yaml = tmp_path / "base-reordered.yaml"
    reordered = dict(data)
    reordered["Resources"] = dict(reversed(list(data["Resources"].items())))
    writer = YAML()
    writer.indent(mapping=4, sequence=6, offset=4)
    with as_yaml.open("w", encoding="utf-8") as file:
        writer.dump(reordered, file)
    return [as_json, as_yaml]


def test_a_reformatted_or_reordered_template_changes_nothing(tmp_path: Path) -> None:
    for other in _reformatted(tmp_path):
        assert other.read_text(encoding="utf-8") != BASE.read_text(encoding="utf-8")
        code, document = changes(BASE, other)
        assert code == 0
        assert document["paths"] == []
        assert document["findings"] == {"added": [], "fixed": []}
        code, output = run("--fail-on", "any", str(other), str(BASE))
        assert code == 0, output
        assert "No change to the network's paths or findings." in output


def test_text_and_markdown_name_the_change_and_draw_it() -> None:
    new = DIFFS / "sg-rule.yaml"
    code, output = run(str(BASE), str(new))
    assert code == 1
    line = line_of(new, "  WebSshIngress:")
    assert (
        "  WebInstance becomes reachable from the internet on TCP 22\n"
        f"    WebGroup gains ingress TCP 22 from 0.0.0.0/0  ({new}:{line})\n"
    ) in output
    code, markdown = run("--format", "markdown", str(BASE), str(new))
    assert code == 1
    assert "| 🟢 opened | internet → WebInstance | 22 |" in markdown
    assert f"(`{new}:{line}`)" in markdown
    chart = markdown.split("```mermaid\n")[1].split("```")[0]
    assert chart.startswith("flowchart LR\n")
    assert 'n0(("internet")) ' not in chart  # nodes on their own lines
    assert '  n0(("internet"))\n' in chart
    assert '  n0 ==>|"opened: TCP 22"| n1\n' in chart
    assert "  linkStyle 0 stroke:#2e7d32" in chart


def test_bad_input_exits_2(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text('AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  A: [\n', "utf-8")
    code, output = run(str(BASE), str(broken))
    assert code == 2
    assert f"{broken}:" in output and "Traceback" not in output
    assert run(str(BASE), str(tmp_path / "missing.yaml"))[0] == 2
    assert run(str(BASE))[0] == 2  # one path and no --base
    assert run("--ports", "http", str(BASE), str(BASE))[0] == 2


def _git(folder: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=folder,
        check=True,
        capture_output=True,
    )


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_base_reads_the_old_version_from_git(tmp_path: Path) -> None:
    repository = tmp_path / "repo"
    (repository / "network").mkdir(parents=True)
    vpc = repository / "network" / "vpc.yaml"
    shutil.copy(BASE, vpc)
    _git(repository, "init", "-q")
    _git(repository, "add", ".")
    _git(repository, "commit", "-q", "-m", "base")
    shutil.copy(DIFFS / "sg-rule.yaml", vpc)
    done = subprocess.run(
        [VPCLINT, "diff", "--base", "HEAD", "--format", "json", "network"],
        cwd=repository,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    document = json.loads(done.stdout)
    assert (document["old"], document["new"]) == ("HEAD", "network")
    line = line_of(vpc, "  WebSshIngress:")
    assert paths(document)[0] == (
        "opened",
        "internet",
        "WebInstance",
        22,
        [
            (
                "WebGroup gains ingress TCP 22 from 0.0.0.0/0",
                "WebSshIngress",
                str(Path("network") / "vpc.yaml"),
                line,
                "new",
            )
        ],
    )
    # The other way round, the lost rule is named at its line in the old version, as git has it.
    _git(repository, "commit", "-q", "-am", "ssh")
    shutil.copy(BASE, vpc)
    done = subprocess.run(
        [VPCLINT, "diff", "--base", "HEAD", "--format", "json", "network/vpc.yaml"],
        cwd=repository,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    first = json.loads(done.stdout)["paths"][0]
    assert (first["change"], first["causes"][0]["path"], first["causes"][0]["line"]) == (
        "closed",
        "HEAD:network/vpc.yaml",
        line_of(DIFFS / "sg-rule.yaml", "  WebSshIngress:"),
    )
    # A file the change adds has no old version: all its paths are new.
    shutil.copy(DIFFS / "sg-rule.yaml", repository / "network" / "added.yaml")
    done = subprocess.run(
        [VPCLINT, "diff", "--base", "HEAD", "network/added.yaml"],
        cwd=repository,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert "WebInstance is added" in done.stdout
    # A file the change deletes has no new version: all its paths are closed.
    _git(repository, "add", ".")
    _git(repository, "commit", "-q", "-m", "added")
    (repository / "network" / "added.yaml").unlink()
    done = subprocess.run(
        [VPCLINT, "diff", "--base", "HEAD", "--format", "json", "network/added.yaml"],
        cwd=repository,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    deleted = json.loads(done.stdout)
    assert deleted["paths"] and {p["change"] for p in deleted["paths"]} == {"closed"}
    assert "WebInstance is removed" in {c["text"] for p in deleted["paths"] for c in p["causes"]}
    missing = subprocess.run(
        [VPCLINT, "diff", "--base", "HEAD", "network/never.yaml"],
        cwd=repository,
        capture_output=True,
        text=True,
        check=False,
    )
    assert missing.returncode == 2
    assert "network/never.yaml: error: no such file or folder, here or at HEAD" in missing.stderr
    unknown = subprocess.run(
        [VPCLINT, "diff", "--base", "no-such-ref", "network"],
        cwd=repository,
        capture_output=True,
        text=True,
        check=False,
    )
    assert unknown.returncode == 2
    assert "unknown ref 'no-such-ref'" in unknown.stderr


def test_a_change_no_entry_explains_is_told_by_the_first_hop_that_differs(tmp_path: Path) -> None:
    text = BASE.read_text(encoding="utf-8")
    attachment = (
        "  InternetGatewayAttachment:\n    Type: AWS::EC2::VPCGatewayAttachment\n    Properties:\n"
        "      VpcId: {Ref: VPC}\n      InternetGatewayId: {Ref: InternetGateway}\n"
    )
    assert attachment in text
    detached = tmp_path / "detached.yaml"
    detached.write_text(
        text.replace(attachment, "").replace("    DependsOn: InternetGatewayAttachment\n", ""),
        encoding="utf-8",
    )
    code, document = changes(BASE, detached)
    assert code == 0
    first = paths(document)[0]
    assert first == (
        "closed",
        "internet",
        "WebInstance",
        443,
        [
            (
                "now: VPC VPC has no internet gateway attached",
                "VPC",
                str(detached),
                line_of(detached, "  VPC:"),
                "new",
            )
        ],
    )


def _variant(tmp_path: Path, name: str, old: str, new: str) -> Path:
    text = BASE.read_text(encoding="utf-8")
    assert old in text
    changed = tmp_path / name
    changed.write_text(text.replace(old, new), encoding="utf-8")
    return changed


PUBLIC_ROUTE = (
    "  PublicDefaultRoute:\n    Type: AWS::EC2::Route\n    DependsOn: InternetGatewayAttachment\n"
    "    Properties:\n      RouteTableId: {Ref: PublicRouteTable}\n"
    "      DestinationCidrBlock: 0.0.0.0/0\n      GatewayId: {Ref: InternetGateway}\n"
)


def test_a_route_to_the_internet_gateway_opens_the_workload_to_the_internet(
    tmp_path: Path,
) -> None:
    """The route the replies need back out decides too, though the walk shows no hop for it."""
    before = _variant(tmp_path, "no-public-route.yaml", PUBLIC_ROUTE, "")
    code, document = changes(before, BASE)
    assert code == 1
    cause = (
        "PublicRouteTable gains 0.0.0.0/0 → internet gateway InternetGateway",
        "PublicDefaultRoute",
        str(BASE),
        line_of(BASE, "  PublicDefaultRoute:"),
        "new",
    )
    assert paths(document) == [
        ("opened", "internet", "WebInstance", 443, [cause]),
        ("opened", "AppInstance", "internet", 443, [cause]),
        ("opened", "WebInstance", "internet", 443, [cause]),
        ("opened", "AppInstance", "internet", 8080, [cause]),
        ("opened", "WebInstance", "internet", 8080, [cause]),
    ]
    assert document["paths"][0]["summary"] == (
        "WebInstance becomes reachable from the internet on TCP 443"
    )
    fixed = [(f["rule"], f["resource"]) for f in document["findings"]["fixed"]]
    assert ("VPC104", "NatGateway") in fixed and ("VPC102", "PublicSubnet") in fixed


def test_a_route_to_what_only_aws_knows_makes_the_path_unknown(tmp_path: Path) -> None:
    imported = _variant(
        tmp_path,
        "imported.yaml",
        "      NatGatewayId: {Ref: NatGateway}",
        '      NatGatewayId: {"Fn::ImportValue": shared-nat}',
    )
    code, document = changes(BASE, imported, "--fail-on", "opened")
    assert code == 0
    cause = (
        "PrivateRouteTable changes 0.0.0.0/0 → NAT gateway NatGateway to "
        "0.0.0.0/0 → a target vpclint cannot know",
        "PrivateDefaultRoute",
        str(imported),
        line_of(imported, "  PrivateDefaultRoute:"),
        "new",
    )
    assert paths(document) == [
        ("unknown", "AppInstance", "internet", 443, [cause]),
        ("unknown", "AppInstance", "internet", 8080, [cause]),
    ]
    first = document["paths"][0]
    assert (first["before"], first["after"]) == ("reachable", "unknown")
    assert first["reason"].endswith("is outside the template")
    # And back: known again.
    code, document = changes(imported, BASE)
    assert [(p["change"], p["before"], p["after"]) for p in document["paths"]] == [
        ("known", "unknown", "reachable"),
        ("known", "unknown", "reachable"),
    ]


def test_linked_stacks_in_two_folders_are_matched_by_stack_and_logical_id(tmp_path: Path) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(REPO / "sample_templates" / "linked", old)
    shutil.copytree(old, new)
    network = new / "network.yaml"
    endpoint = (
        "  S3Endpoint:\n    Type: AWS::EC2::VPCEndpoint\n    Properties:\n"
        "      VpcId: !Ref Vpc\n"
        '      ServiceName: !Sub "com.amazonaws.${AWS::Region}.s3"\n'
        "      RouteTableIds: [!Ref PrivateTable]\n"
    )
    network.write_text(
        network.read_text(encoding="utf-8").replace("Outputs:\n", endpoint + "Outputs:\n"),
        encoding="utf-8",
    )
    code, document = changes(old, new)
    assert code == 0
    assert paths(document) == [
        (
            "opened",
            "app/Server",
            "s3",
            443,
            [
                (
                    "S3Endpoint is added (an endpoint for s3)",
                    "network/S3Endpoint",
                    str(network),
                    line_of(network, "  S3Endpoint:"),
                    "new",
                )
            ],
        )
    ]
    (fixed,) = document["findings"]["fixed"]
    assert (fixed["rule"], fixed["stack"]) == ("VPC704", "network")


def test_a_path_that_stays_open_but_goes_another_way_is_rerouted() -> None:
    old = REPO / "sample_templates" / "two-az-public-private-nat.yaml"
    new = REPO / "sample_templates" / "pull-request" / "two-az-public-private-nat.yaml"
    code, document = changes(old, new)
    assert code == 1
    rerouted = [p for p in document["paths"] if p["change"] == "rerouted"]
    assert [(p["from"], p["to"], p["port"]) for p in rerouted] == [
        ("AppInstance", "internet", 22),
        ("AppInstance", "internet", 443),
        ("AppInstance", "internet", 8080),
    ]
    assert rerouted[0]["via"] == {
        "before": "NAT gateway NatGatewayA → internet gateway InternetGateway",
        "after": "internet gateway InternetGateway",
    }
    line = line_of(new, "  AppInstance:")
    assert [(c["text"], c["line"]) for c in rerouted[0]["causes"]] == [
        ("AppInstance's subnets change from PrivateSubnetA to PublicSubnetA", line),
        ("AppInstance gets a public address", line),
    ]
    assert document["summary"]["rerouted"] == 3


# The mermaid npm package's node_modules folder: `npm install mermaid` in a scratch folder.
MERMAID_MODULES = os.environ.get("VPCLINT_MERMAID_MODULES", "")


@pytest.mark.skipif(
    not (MERMAID_MODULES and shutil.which("chromium")),
    reason="set VPCLINT_MERMAID_MODULES to a node_modules with mermaid, and install chromium",
)
def test_the_markdown_diagram_renders_in_chromium(tmp_path: Path) -> None:
    for old, new in (
        (BASE, DIFFS / "acl-entry.yaml"),
        (
            REPO / "sample_templates" / "two-az-public-private-nat.yaml",
            REPO / "sample_templates" / "pull-request" / "two-az-public-private-nat.yaml",
        ),
    ):
        _, markdown = run("--format", "markdown", str(old), str(new))
        chart = tmp_path / f"{new.stem}.mmd"
        chart.write_text(markdown.split("```mermaid\n")[1].split("```")[0], encoding="utf-8")
        done = subprocess.run(
            [
                sys.executable,
                str(REPO / "tools" / "render_mermaid.py"),
                str(chart),
                "--node-modules",
                MERMAID_MODULES,
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert "outcome:    rendered" in done.stdout


def test_a_change_that_breaks_an_expectation_fails_even_when_it_opens_nothing(
    tmp_path: Path,
) -> None:
    config = tmp_path / "expect.toml"
    config.write_text(
        "[[expect]]\n"
        'name = "the app reaches the internet for updates"\n'
        'from = "AppInstance"\n'
        'to = "internet"\n'
        "port = 443\n"
        "reachable = true\n",
        encoding="utf-8",
    )
    new = DIFFS / "route.yaml"  # drops the private subnets' route to the NAT gateway
    code, document = changes(BASE, new, "--config", str(config))
    assert code == 1
    added = [(f["rule"], f["resource"]) for f in document["findings"]["added"]]
    assert ("VPC710", "AppInstance") in added
    assert changes(BASE, new, "--config", str(config), "--fail-on", "never")[0] == 0
    assert changes(BASE, new)[0] == 0  # without the expectation, closing paths passes
    # Going back the other way mends the expectation: nothing breaks, nothing fails.
    assert changes(new, BASE, "--config", str(config))[0] == 0


def test_a_bad_configuration_is_one_line(tmp_path: Path) -> None:
    config = tmp_path / "expect.toml"
    config.write_text('[[expect]]\nname = "x"\nfrom = "tier:publik"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["diff", "--config", str(config), str(BASE), str(BASE)])
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith("vpclint: error: ") and "expect[0]" in line


def test_a_udp_rule_opens_a_udp_path_and_nothing_on_tcp(tmp_path: Path) -> None:
    new = tmp_path / "udp-rule.yaml"
    text = (DIFFS / "sg-rule.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "IpProtocol: tcp\n      FromPort: 22\n      ToPort: 22",
        "IpProtocol: udp\n      FromPort: 500\n      ToPort: 500",
    )
    new.write_text(text, encoding="utf-8")
    code, document = changes(BASE, new)
    assert code == 1  # a UDP path opened from the internet fails the check like a TCP one
    assert document["udp_ports"] == [500] and 500 not in document["ports"]
    cause = (
        "WebGroup gains ingress UDP 500 from 0.0.0.0/0",
        "WebSshIngress",
        str(new),
        line_of(new, "  WebSshIngress:"),
        "new",
    )
    assert paths(document) == [
        ("opened", "internet", "WebInstance", 500, [cause]),
        ("opened", "AppInstance", "WebInstance", 500, [cause]),
    ]
    assert [p["protocol"] for p in document["paths"]] == ["udp", "udp"]
    assert document["paths"][0]["summary"] == (
        "WebInstance becomes reachable from the internet on UDP 500"
    )
    code, markdown = run("--format", "markdown", str(BASE), str(new))
    assert "| 🟢 opened | internet → WebInstance | UDP 500 |" in markdown
    assert "opened: UDP 500" in markdown  # the diagram's edge
