"""`vpclint show`: the tree, Mermaid, DOT and JSON views of a template's network."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from support import CORPUS, SAMPLES

from vpclint.lint import LintOptions, build
from vpclint.loader import load
from vpclint.model import Network
from vpclint.show import FORMATS, dot, mermaid, render

SEED = SAMPLES / "private-subnet-ssm-s3-endpoints.yaml"
WIDDIX = "widdix__aws-cf-templates/vpc__vpc-2azs.yaml"
NAT = (
    "aws-cloudformation__aws-cloudformation-templates/"
    "VPC__VPC_With_Managed_NAT_And_Private_Subnet.yaml"
)
WIZARD = "aws-cloudformation__aws-cloudformation-samples/modules__VpcWizard__src__vpc.yml"

# Unknown values, an undecided condition, an implicit main route table and default group, and
# a block written to break a diagram's syntax.
UNKNOWNS = """\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  VpcCidr:
    Type: String
  UsePeering:
    Type: String
    AllowedValues: ["yes", "no"]
Conditions:
  Peer: !Equals [!Ref UsePeering, "yes"]
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: !Ref VpcCidr
  AppSubnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: !Select [0, !Cidr [!Ref VpcCidr, 4, 8]]
      AvailabilityZone: !ImportValue shared-az
  OddSubnet:
    Type: AWS::EC2::Subnet
    Metadata: {vpclint: {tier: public}}
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: '10.0.9.0/24"]; end #x <b>|`'
  AppTable:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref Vpc
  AppAssociation:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties:
      SubnetId: !Ref AppSubnet
      RouteTableId: !Ref AppTable
  ToTransit:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref AppTable
      DestinationCidrBlock: 0.0.0.0/0
      TransitGatewayId: !ImportValue shared-tgw
  ToPeer:
    Type: AWS::EC2::Route
    Condition: Peer
    Properties:
      RouteTableId: !Ref AppTable
      DestinationCidrBlock: 172.16.0.0/12
      VpcPeeringConnectionId: !Ref Peering
  Peering:
    Type: AWS::EC2::VPCPeeringConnection
    Condition: Peer
    Properties:
      VpcId: !Ref Vpc
      PeerVpcId: vpc-0123456789
  Server:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-12345678
      SubnetId: !Ref OddSubnet
"""

# A transit gateway with its attachment and VPN, a load balancer and a subnet group across two
# subnets, and what sits outside the template's VPCs.
HYBRID = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Hub:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.1.0.0/16
  AppA:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Hub
      CidrBlock: 10.1.0.0/28
      AvailabilityZone: us-east-1a
  AppB:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Hub
      CidrBlock: 10.1.1.0/24
      AvailabilityZone: us-east-1b
  Table:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref Hub
  AssocA:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: {SubnetId: !Ref AppA, RouteTableId: !Ref Table}
  AssocB:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: {SubnetId: !Ref AppB, RouteTableId: !Ref Table}
  Transit:
    Type: AWS::EC2::TransitGateway
  Attachment:
    Type: AWS::EC2::TransitGatewayAttachment
    Properties:
      VpcId: !Ref Hub
      TransitGatewayId: !Ref Transit
      SubnetIds: [!Ref AppA, !Ref AppB]
  ToCorp:
    Type: AWS::EC2::Route
    DependsOn: Attachment
    Properties:
      RouteTableId: !Ref Table
      DestinationCidrBlock: 10.0.0.0/8
      TransitGatewayId: !Ref Transit
  Office:
    Type: AWS::EC2::CustomerGateway
    Properties: {BgpAsn: 65000, IpAddress: 203.0.113.10, Type: ipsec.1}
  Vpn:
    Type: AWS::EC2::VPNConnection
    Properties:
      Type: ipsec.1
      CustomerGatewayId: !Ref Office
      TransitGatewayId: !Ref Transit
  Spare:
    Type: AWS::EC2::VPNGateway
    Properties: {Type: ipsec.1}
  Balancer:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Scheme: internal
      Subnets: [!Ref AppA, !Ref AppB]
  Databases:
    Type: AWS::RDS::DBSubnetGroup
    Properties:
      DBSubnetGroupDescription: db
      SubnetIds: [!Ref AppA, !Ref AppB]
  Elsewhere:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: vpc-0abc
      CidrBlock: 192.168.0.0/24
"""


def network_of(path: Path) -> Network:
    template = load(str(path))
    assert template is not None
    return build(template, LintOptions())


@pytest.fixture
def hybrid(tmp_path: Path) -> Network:
    path = tmp_path / "hybrid.yaml"
    path.write_text(HYBRID, encoding="utf-8")
    return network_of(path)


@pytest.fixture
def unknowns(tmp_path: Path) -> Network:
    path = tmp_path / "unknowns.yaml"
    path.write_text(UNKNOWNS, encoding="utf-8")
    return network_of(path)


def corpus_network(corpus: Path, name: str) -> Network:
    return network_of(corpus / name)


def block(text: str, first: str) -> str:
    """The lines of a tree from the line that starts (after the branches) with `first` to the
    end of that node's subtree."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.lstrip("│├└─ ").startswith(first))
    depth = len(lines[start]) - len(lines[start].lstrip("│├└─ "))
    end = start + 1
    while end < len(lines) and len(lines[end]) - len(lines[end].lstrip("│├└─ ")) > depth:
        end += 1
    return "\n".join(line[depth:] for line in lines[start:end])


# -- every format, every template ----------------------------------------------------------------


def all_networks(corpus_present: bool, tmp_path: Path) -> list[tuple[str, Network]]:
    found = [("seed", network_of(SEED))]
    if corpus_present:
        found += [(name, network_of(CORPUS / name)) for name in (WIDDIX, NAT, WIZARD)]
    for label, text in (("unknowns", UNKNOWNS), ("hybrid", HYBRID)):
        path = tmp_path / f"{label}.yaml"
        path.write_text(text, encoding="utf-8")
        found.append((label, network_of(path)))
    return found


@pytest.mark.parametrize("output_format", FORMATS)
def test_every_format_renders_every_template_the_same_twice(
    output_format: str, tmp_path: Path
) -> None:
    for label, network in all_networks(CORPUS.is_dir(), tmp_path):
        first = render(network, output_format)
        assert first.endswith("\n"), label
        assert render(network, output_format) == first, label
        # A model built again from the same file gives the same text.
        if label == "seed":
            assert render(network_of(SEED), output_format) == first


def test_render_refuses_an_unknown_format() -> None:
    with pytest.raises(ValueError, match="tree, mermaid, dot, json"):
        render(network_of(SEED), "svg")


# -- tree -----------------------------------------------------------------------------------------


def test_tree_of_the_seed_shows_the_private_subnet_and_its_endpoints() -> None:
    tree = render(network_of(SEED), "tree")
    assert tree.splitlines()[0] == "VPC MyVPC  10.0.0.0/16"
    assert "├── DNS support on, DNS hostnames on" in tree
    assert "├── attached gateways: none" in tree
    assert block(tree, "subnet PrivateSubnet") == (
        "subnet PrivateSubnet  10.0.1.0/24  AZ not set (AWS picks one)  251 usable addresses\n"
        "├── reality: private (no default route to an internet gateway)\n"
        "├── intent: private (from its logical ID PrivateSubnet)\n"
        "├── route table PrivateSubnetRouteTable\n"
        "│   ├── 10.0.0.0/16 → local (AWS-created)\n"
        "│   └── prefix list of s3 → VPC endpoint S3VPCEndpoint (added by the gateway endpoint)\n"
        "├── network ACL MyVPC.DefaultNetworkAcl (default, AWS-created)\n"
        "│   ├── #100 in allow all traffic from 0.0.0.0/0\n"
        "│   ├── #100 out allow all traffic to 0.0.0.0/0\n"
        "│   └── * deny all (the implicit final rule)\n"
        "└── placed here\n"
        "    ├── interface endpoint VPCEndpointSSM  service ssm, private DNS on"
        "  SG MySSMSecurityGroup\n"
        "    ├── interface endpoint VPCEndpointEC2Messages  service ec2messages, private DNS on"
        "  SG MySSMSecurityGroup\n"
        "    ├── interface endpoint VPCEndpointSSMMessage  service ssmmessages, private DNS on"
        "  SG MySSMSecurityGroup\n"
        "    └── instance MyEC2Instance  SG MyEC2SecurityGroup"
    )
    assert block(tree, "gateway endpoints") == (
        "gateway endpoints\n└── S3VPCEndpoint (s3) serves route tables PrivateSubnetRouteTable"
    )
    assert block(tree, "MySSMSecurityGroup") == (
        "MySSMSecurityGroup\n"
        "├── in: tcp 443 from SG MyEC2SecurityGroup (written by MySSMSecurityGroupIngress)\n"
        "├── out: all traffic to 0.0.0.0/0 (no egress rule: CloudFormation's default)\n"
        "└── used by VPCEndpointSSM, VPCEndpointEC2Messages, VPCEndpointSSMMessage"
    )


def test_tree_in_colour_is_the_plain_tree_with_ansi_codes() -> None:
    network = network_of(SEED)
    plain = render(network, "tree")
    coloured = render(network, "tree", color=True)
    assert "\x1b[" in coloured
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain
    assert "\x1b[" not in plain


def test_tree_of_widdix_shows_ipv6_egress_only_routes_and_acl_entries(corpus: Path) -> None:
    tree = render(corpus_network(corpus, WIDDIX), "tree")
    assert "├── IPv6 blocks: Amazon-provided (VPCCidrBlock)" in tree
    assert "├── attached gateways: internet gateway InternetGateway" in tree
    assert block(tree, "subnet SubnetAPrivate").startswith(
        "subnet SubnetAPrivate  10.0.16.0/20  AZ us-east-1a  4091 usable addresses\n"
        "├── IPv6 block ? (VPC.Ipv6CidrBlocks is known only after deployment)\n"
        "├── reality: private (no default route to an internet gateway)\n"
        "├── intent: private (from its logical ID SubnetAPrivate and its Name tag 'A private')\n"
        "├── route table RouteTablePrivate\n"
        "│   ├── 10.0.0.0/16 → local (AWS-created)\n"
        "│   └── ::/0 → egress-only internet gateway EgressOnlyInternetGateway\n"
        "├── network ACL NetworkAclPrivate\n"
        "│   ├── #98 in allow all traffic from ::/0\n"
        "│   ├── #99 in allow all traffic from 0.0.0.0/0\n"
        "│   ├── #98 out allow all traffic to ::/0\n"
        "│   ├── #99 out allow all traffic to 0.0.0.0/0\n"
    )
    assert "├── reality: public (default route to internet gateway InternetGateway)" in block(
        tree, "subnet SubnetBPublic"
    )


def test_tree_of_the_nat_template_places_the_nat_gateways(corpus: Path) -> None:
    tree = render(corpus_network(corpus, NAT), "tree")
    public = block(tree, "subnet PublicSubnet0")
    assert "└── NAT gateway (public) NATGateway0  Elastic IP ElasticIP0" in public
    private = block(tree, "subnet PrivateSubnet0")
    assert "│   └── 0.0.0.0/0 → NAT gateway NATGateway0" in private
    assert "├── network ACL VPC.DefaultNetworkAcl (default, AWS-created)" in private


def test_tree_of_the_vpc_wizard_shows_endpoints_in_each_isolated_subnet(corpus: Path) -> None:
    tree = render(corpus_network(corpus, WIZARD), "tree")
    for zone in "ABC":
        isolated = block(tree, f"subnet IsolatedSubnet{zone}")
        assert f"├── route table IsolatedRouteTable{zone}\n│   └── 10.0.0.0/16 → local" in isolated
        assert (
            "interface endpoint SsmEndpoint  service ssm, private DNS on  SG SsmSecurityGroup"
            in isolated
        )
        assert isolated.count("interface endpoint ") == 3
    assert block(tree, "SsmSecurityGroup").splitlines()[1] == "├── in: tcp 443 from 10.0.0.0/16"


def test_tree_shows_unknown_values_with_their_reasons(unknowns: Network) -> None:
    tree = render(unknowns, "tree")
    reason = "? (parameter VpcCidr has no default (pass --parameter VpcCidr=VALUE))"
    assert tree.splitlines()[0] == f"VPC Vpc  {reason}"
    app = block(tree, "subnet AppSubnet")
    assert app.splitlines()[0] == (
        f"subnet AppSubnet  {reason}  AZ ? (imported from another stack (shared-az))"
        "  ? usable addresses"
    )
    assert "├── reality: ? (route ToTransit may send traffic to the internet)" in app
    assert "├── intent: unknown (no name or Metadata says)" in app
    assert "│   ├── 0.0.0.0/0 → transit gateway ? (imported from another stack (shared-tgw))" in app
    assert "│   └── 172.16.0.0/12 → VPC peering connection Peering (conditional)" in app
    odd = block(tree, "subnet OddSubnet")
    assert '? (10.0.9.0/24"]; end #x <b>|` is not an IPv4 block) usable addresses' in odd
    assert "├── intent: public (from Metadata vpclint.tier)" in odd
    # Objects AWS creates are labelled so.
    assert "├── route table Vpc.MainRouteTable (main route table, AWS-created)" in odd
    assert "└── instance Server  SG Vpc.DefaultSecurityGroup (default, AWS-created)" in odd
    assert (
        "Peering (may not be created: its Condition is undecided) with VPC vpc-0123456789"
        " (outside the template)" in tree
    )


# -- mermaid --------------------------------------------------------------------------------------

_ID = r"[A-Za-z][A-Za-z0-9_]*"
_QUOTED = r'"[^"]*"'
_STATEMENTS = (
    "flowchart LR",
    rf"subgraph {_ID}\[{_QUOTED}\]",
    "end",
    rf"{_ID}(\[{_QUOTED}\]|\(\[{_QUOTED}\]\)|\{{\{{{_QUOTED}\}}\}}|\[\({_QUOTED}\)\]|\({_QUOTED}\))",
    rf"{_ID} (-->|-\.->)\|{_QUOTED}\| {_ID}",
    rf"style {_ID} [a-z:#0-9, -]+",
)
_MERMAID_LINE = re.compile("^(" + "|".join(_STATEMENTS) + ")$")


def check_mermaid(chart: str) -> list[str]:
    """Lines of a chart that are not one of the statements the writer emits, or whose IDs
    or labels are unsafe; subgraphs must balance."""
    bad = []
    depth = 0
    for line in chart.splitlines():
        statement = line.strip()
        if not _MERMAID_LINE.match(statement):
            bad.append(line)
        for label in re.findall(_QUOTED, statement):
            bare = re.sub(r"#(quot|lt|gt|amp|\d+);", "", label[1:-1].replace("<br/>", ""))
            if re.search(r"[;<>|`#]", bare):
                bad.append(line)
        unquoted = re.sub(_QUOTED, '""', statement)
        ids = re.findall(rf"(?:^|\s)({_ID})(?=[\[\({{ ]|$)", unquoted)
        if any(name in ("end", "graph", "subgraph", "style", "class") for name in ids[1:]):
            bad.append(line)
        depth += statement.startswith("subgraph ") - (statement == "end")
        if depth < 0:
            bad.append(line)
    if depth:
        bad.append(f"{depth} subgraphs left open")
    return bad


def subgraph_body(chart: str, name: str) -> str:
    lines = chart.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith(f"subgraph {name}["))
    depth, end = 0, start
    for end in range(start, len(lines)):
        depth += lines[end].strip().startswith("subgraph ") - (lines[end].strip() == "end")
        if depth == 0:
            break
    return "\n".join(lines[start : end + 1])


def test_mermaid_of_the_seed() -> None:
    chart = render(network_of(SEED), "mermaid")
    assert check_mermaid(chart) == []
    assert chart.splitlines()[0] == "flowchart LR"
    assert chart.count("subgraph ") == 2
    assert '  subgraph vpc_MyVPC["VPC MyVPC · 10.0.0.0/16"]' in chart
    subnet = subgraph_body(chart, "subnet_PrivateSubnet")
    assert subnet.splitlines()[0].strip() == (
        'subgraph subnet_PrivateSubnet["Subnet PrivateSubnet · 10.0.1.0/24"]'
    )
    assert (
        'rt_PrivateSubnet(["251 usable addresses · AZ not set<br/>private, meant private<br/>'
        'route table PrivateSubnetRouteTable"])' in subnet
    )
    for endpoint, service in (
        ("VPCEndpointSSM", "ssm"),
        ("VPCEndpointEC2Messages", "ec2messages"),
        ("VPCEndpointSSMMessage", "ssmmessages"),
    ):
        assert (
            f'node_PrivateSubnet_{endpoint}[("interface endpoint {endpoint}<br/>'
            f'service {service}, private DNS on<br/>SG MySSMSecurityGroup")]' in subnet
        )
    assert 'rt_PrivateSubnet -->|"prefix list of s3"| endpoint_S3VPCEndpoint' in chart
    assert "style subnet_PrivateSubnet fill:#e8f5e9,stroke:#2e7d32" in chart


def test_mermaid_of_the_nat_template_routes_private_subnets_to_their_nat(corpus: Path) -> None:
    chart = render(corpus_network(corpus, NAT), "mermaid")
    assert check_mermaid(chart) == []
    assert chart.count("subgraph ") == 5  # one VPC, four subnets
    for index in "01":
        assert (
            f'rt_PrivateSubnet{index} -->|"0.0.0.0/0"| node_PublicSubnet{index}_NATGateway{index}'
            in chart
        )
        assert f'rt_PublicSubnet{index} -->|"0.0.0.0/0"| internet_gateway_InternetGateway' in chart
        # The NAT gateway is drawn inside its own (public) subnet.
        assert f"node_PublicSubnet{index}_NATGateway{index}[" in subgraph_body(
            chart, f"subnet_PublicSubnet{index}"
        )
    assert 'internet_gateway_InternetGateway{{"internet gateway<br/>InternetGateway"}}' in chart


def test_mermaid_of_widdix_and_the_wizard(corpus: Path) -> None:
    widdix = render(corpus_network(corpus, WIDDIX), "mermaid")
    assert check_mermaid(widdix) == []
    assert widdix.count("subgraph ") == 5
    assert 'rt_SubnetAPublic -->|"0.0.0.0/0, ::/0"| internet_gateway_InternetGateway' in widdix
    assert (
        'rt_SubnetAPrivate -->|"::/0"| egress_only_internet_gateway_EgressOnlyInternetGateway'
        in widdix
    )
    wizard = render(corpus_network(corpus, WIZARD), "mermaid")
    assert check_mermaid(wizard) == []
    assert wizard.count("subgraph ") == 10  # one VPC, nine subnets
    assert 'rt_PrivateSubnetC -->|"0.0.0.0/0"| node_PublicSubnetC_NatGatewayC' in wizard
    assert wizard.count("-->|") == 3 + 3 + 3  # IGW, NAT and egress-only edges


def test_mermaid_escapes_what_would_break_a_chart(unknowns: Network) -> None:
    assert mermaid.escape('a"b#c;d<e>f|g`h') == "a#quot;b#35;c#59;d#lt;e#gt;f#124;g#96;h"
    chart = render(unknowns, "mermaid")
    assert check_mermaid(chart) == []
    assert (
        'subgraph subnet_OddSubnet["Subnet OddSubnet · 10.0.9.0/24#quot;]#59; end #35;x '
        '#lt;b#gt;#124;#96;"]' in chart
    )
    assert 'vpc_Vpc["VPC Vpc · ?"]' in chart
    assert (
        "VPC block ? (parameter VpcCidr has no default (pass --parameter VpcCidr=VALUE))" in chart
    )
    assert (
        'transit_gateway_ToTransit("transit gateway<br/>'
        '? (imported from another stack (shared-tgw))")' in chart
    )
    # A route that may not exist is dashed; so is the peering connection behind it.
    assert 'rt_AppSubnet -.->|"172.16.0.0/12"| peering_Peering' in chart
    assert "style peering_Peering stroke-dasharray:5 5" in chart


# -- dot ------------------------------------------------------------------------------------------


def test_dot_quotes_and_escapes() -> None:
    assert dot.quote('a"b\\c') == '"a\\"b\\\\c"'
    assert dot.label(["one", 'two "2"']) == '"one\\ntwo \\"2\\""'


def test_dot_of_the_nat_template(corpus: Path) -> None:
    graph = render(corpus_network(corpus, NAT), "dot")
    assert graph.startswith("digraph vpclint {\n")
    assert graph.count('subgraph "cluster_') == 5
    assert graph.count("{") == graph.count("}")
    assert '"rt_PrivateSubnet0" -> "node_PublicSubnet0_NATGateway0" [label="0.0.0.0/0"];' in graph
    assert 'graph [label="Subnet PrivateSubnet0 · 10.0.2.0/24", style="rounded,filled"' in graph


def test_dot_is_accepted_by_graphviz(tmp_path: Path) -> None:
    binary = shutil.which("dot")
    if binary is None:
        pytest.skip("Graphviz's dot is not installed (apt-get install graphviz)")
    for label, network in all_networks(CORPUS.is_dir(), tmp_path):
        done = subprocess.run(
            [binary, "-Tsvg"],
            input=render(network, "dot"),
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
        assert done.returncode == 0, f"{label}: {done.stderr}"
        assert "<svg" in done.stdout
        assert done.stderr == "", f"{label}: {done.stderr}"


# -- json -----------------------------------------------------------------------------------------


def test_json_of_the_seed() -> None:
    document = json.loads(render(network_of(SEED), "json"))
    assert document["schema"] == 1
    assert document["order"] == "template"
    counts = {key: len(value) for key, value in document.items() if isinstance(value, list)}
    assert counts == {
        "vpcs": 1,
        "subnets_outside_vpcs": 0,
        "route_tables": 2,  # PrivateSubnetRouteTable, then the main table AWS creates
        "gateways": 0,
        "endpoints": 4,
        "security_groups": 3,  # the template's two, then the VPC's default group
        "network_acls": 1,
        "load_balancers": 0,
        "instances": 1,
        "network_interfaces": 0,
        "subnet_groups": 0,
        "peering_connections": 0,
        "transit_gateway_attachments": 0,
        "vpn_connections": 0,
        "route_propagations": 0,
        "elastic_ips": 0,
    }
    (subnet,) = document["vpcs"][0]["subnets"]
    assert subnet["id"] == "PrivateSubnet"
    assert subnet["cidr_block"] == "10.0.1.0/24"
    assert subnet["usable_addresses"] == 251
    assert subnet["public"] is False
    assert subnet["intent"] == {"tier": "private", "source": "its logical ID PrivateSubnet"}
    assert subnet["route_table"] == "PrivateSubnetRouteTable"
    assert subnet["network_acl"] == "MyVPC.DefaultNetworkAcl"
    assert subnet["placed"] == [
        "VPCEndpointSSM",
        "VPCEndpointEC2Messages",
        "VPCEndpointSSMMessage",
        "MyEC2Instance",
    ]
    endpoints = {e["id"]: e for e in document["endpoints"]}
    assert endpoints["S3VPCEndpoint"]["route_tables"] == ["PrivateSubnetRouteTable"]
    assert endpoints["S3VPCEndpoint"]["security_groups"] == []
    assert endpoints["VPCEndpointSSM"]["security_groups"] == ["MySSMSecurityGroup"]
    assert endpoints["VPCEndpointSSM"]["service"] == "ssm"
    tables = {t["id"]: t for t in document["route_tables"]}
    assert tables["PrivateSubnetRouteTable"]["gateway_endpoints"] == ["S3VPCEndpoint"]
    assert tables["MyVPC.MainRouteTable"]["implicit"] is True
    groups = {g["id"]: g for g in document["security_groups"]}
    assert groups["MyEC2SecurityGroup"]["egress"][1]["prefix_list"] == "pl-61a54008"
    assert groups["MySSMSecurityGroup"]["ingress"][0]["group"] == "MyEC2SecurityGroup"
    assert groups["MySSMSecurityGroup"]["egress_is_default"] is True


def test_json_of_the_nat_template(corpus: Path) -> None:
    document = json.loads(render(corpus_network(corpus, NAT), "json"))
    kinds = [(g["id"], g["kind"]) for g in document["gateways"]]
    assert kinds == [
        ("InternetGateway", "internet_gateway"),
        ("NATGateway0", "nat_gateway"),
        ("NATGateway1", "nat_gateway"),
    ]
    assert document["gateways"][0]["attachments"] == [{"id": "GatewayToInternet", "vpc": "VPC"}]
    assert document["gateways"][1]["subnet"] == "PublicSubnet0"
    assert document["gateways"][1]["allocation_id"] == {"ref": "ElasticIP0"}
    tables = {t["id"]: t for t in document["route_tables"]}
    assert tables["PublicRouteTable"]["subnets"] == ["PublicSubnet0", "PublicSubnet1"]
    (route,) = tables["PrivateRouteTable0"]["routes"]
    assert route["destination"] == "0.0.0.0/0"
    assert route["target"] == {"kind": "nat_gateway", "to": "NATGateway0"}
    assert [len(v["subnets"]) for v in document["vpcs"]] == [4]


def test_json_of_widdix_names_the_egress_only_gateway(corpus: Path) -> None:
    document = json.loads(render(corpus_network(corpus, WIDDIX), "json"))
    tables = {t["id"]: t for t in document["route_tables"]}
    (route,) = tables["RouteTablePrivate"]["routes"]
    assert route["target"] == {
        "kind": "egress_only_internet_gateway",
        "to": "EgressOnlyInternetGateway",
    }
    assert document["vpcs"][0]["ipv6_blocks"] == [
        {"source": "VPCCidrBlock", "block": "Amazon-provided"}
    ]
    acls = {a["id"]: a for a in document["network_acls"]}
    assert [e["rule_number"] for e in acls["NetworkAclPublic"]["entries"]] == [98, 99, 98, 99]
    assert acls["NetworkAclPublic"]["subnets"] == ["SubnetAPublic", "SubnetBPublic"]


def test_json_writes_unknown_values_with_their_reasons(unknowns: Network) -> None:
    document = json.loads(render(unknowns, "json"))
    reason = "parameter VpcCidr has no default (pass --parameter VpcCidr=VALUE)"
    (vpc,) = document["vpcs"]
    assert vpc["cidr_blocks"] == [{"unknown": reason}]
    app, odd = vpc["subnets"]
    assert app["cidr_block"] == {"unknown": reason}
    assert app["usable_addresses"] == {"unknown": reason}
    assert app["availability_zone"] == {"unknown": "imported from another stack (shared-az)"}
    assert app["public"] == {"unknown": "route ToTransit may send traffic to the internet"}
    assert odd["route_table"] == "Vpc.MainRouteTable"
    tables = {t["id"]: t for t in document["route_tables"]}
    transit, peer = tables["AppTable"]["routes"]
    assert transit["target"] == {
        "kind": "unknown",
        "to": {"unknown": "imported from another stack (shared-tgw)"},
    }
    assert peer["certain"] is False
    assert peer["target"] == {"kind": "peering", "to": "Peering"}
    (peering,) = document["peering_connections"]
    assert peering["peer_vpc"] == {"external": "vpc-0123456789"}
    (server,) = document["instances"]
    assert server["security_groups"] == ["Vpc.DefaultSecurityGroup"]


# -- transit, VPN, placement, outside -------------------------------------------------------------


def test_hybrid_tree_places_the_attachment_balancer_and_subnet_group(hybrid: Network) -> None:
    tree = render(hybrid, "tree")
    app = block(tree, "subnet AppA")
    assert app.splitlines()[0] == "subnet AppA  10.1.0.0/28  AZ us-east-1a  11 usable addresses"
    assert "│   └── 10.0.0.0/8 → transit gateway Transit" in app
    assert block(app, "placed here") == (
        "placed here\n"
        "├── application load balancer (internal) Balancer"
        "  SG Hub.DefaultSecurityGroup (default, AWS-created)\n"
        "├── transit gateway attachment Attachment  to transit gateway Transit\n"
        "└── RDS subnet group Databases (includes this subnet)"
    )
    assert block(tree, "transit gateway attachments") == (
        "transit gateway attachments\n└── Attachment to Transit in subnets AppA, AppB"
    )
    assert block(tree, "outside the template's VPCs").splitlines()[:6] == [
        "outside the template's VPCs",
        "├── virtual private gateway Spare (not attached)",
        "├── transit gateway Transit",
        "├── customer gateway Office",
        "├── VPN connection Vpn from Office to Transit",
        "└── subnet Elsewhere  192.168.0.0/24  AZ not set (AWS picks one)  251 usable addresses",
    ]
    assert "    ├── in VPC vpc-0abc (outside the template)" in tree


def test_hybrid_diagrams_link_attachments_and_the_vpn(hybrid: Network) -> None:
    chart = render(hybrid, "mermaid")
    assert check_mermaid(chart) == []
    for subnet in ("AppA", "AppB"):
        assert f'rt_{subnet} -->|"10.0.0.0/8"| transit_gateway_Transit' in chart
        assert f'node_{subnet}_Attachment -->|"attachment"| transit_gateway_Transit' in chart
    assert 'transit_gateway_Transit -->|"VPN Vpn"| customer_gateway_Office' in chart
    graph = render(hybrid, "dot")
    assert '"transit_gateway_Transit" -> "customer_gateway_Office" [label="VPN Vpn"];' in graph


def test_hybrid_json(hybrid: Network) -> None:
    document = json.loads(render(hybrid, "json"))
    assert [(g["id"], g["kind"]) for g in document["gateways"]] == [
        ("Spare", "vpn_gateway"),
        ("Transit", "transit_gateway"),
        ("Office", "customer_gateway"),
    ]
    assert document["gateways"][1]["attachments"] == ["Attachment", "Vpn.Attachment"]
    (attachment,) = document["transit_gateway_attachments"]
    assert attachment["subnets"] == ["AppA", "AppB"]
    (balancer,) = document["load_balancers"]
    assert balancer["kind"] == "application"
    assert balancer["scheme"] == "internal"
    assert balancer["security_groups"] == ["Hub.DefaultSecurityGroup"]
    (outside,) = document["subnets_outside_vpcs"]
    assert outside["vpc"] == {"external": "vpc-0abc"}
    assert outside["route_table"] == {
        "unknown": "the VPC of subnet Elsewhere is not in the template"
    }
    (vpn,) = document["vpn_connections"]
    assert vpn == {
        "id": "Vpn",
        "type": "AWS::EC2::VPNConnection",
        "line": vpn["line"],
        "certain": True,
        "implicit": False,
        "customer_gateway": "Office",
        "vpn_gateway": None,
        "transit_gateway": "Transit",
    }


# -- the command --------------------------------------------------------------------------------


def test_show_command_every_format() -> None:
    from click.testing import CliRunner

    from vpclint.cli import cli

    seed = str(SAMPLES / "private-subnet-ssm-s3-endpoints.yaml")
    for output_format in ("tree", "mermaid", "dot", "json"):
        result = CliRunner().invoke(cli, ["show", seed, "--format", output_format])
        assert result.exit_code == 0, result.output
        assert "VPCEndpointSSM" in result.output
    tree = CliRunner().invoke(cli, ["show", seed]).output
    assert tree.startswith("VPC MyVPC  10.0.0.0/16\n")
    assert "\x1b[" not in tree  # plain outside a terminal


def test_markdown_report_with_diagram() -> None:
    from click.testing import CliRunner

    from vpclint.cli import cli

    broken = str(SAMPLES / "broken-vpc301-gateway-endpoint-without-route-tables.yaml")
    result = CliRunner().invoke(cli, ["check", "--format", "markdown", "--diagram", broken])
    assert result.exit_code == 1
    assert f"### Network of `{broken}`" in result.output
    assert "```mermaid\nflowchart" in result.output
    usage = CliRunner().invoke(cli, ["check", "--diagram", broken])
    assert usage.exit_code == 2 and "--diagram goes with --format markdown" in usage.output
