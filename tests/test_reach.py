"""`vpclint reach`: a connection walked hop by hop, as AWS would, with codes for what blocks it."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import SAMPLES

from vpclint.builder import build_network
from vpclint.cli import cli
from vpclint.loader import parse
from vpclint.model import Network
from vpclint.reach import REACHABLE, UNKNOWN, UNREACHABLE, ReachError, reach
from vpclint.reach.answer import (
    ACL,
    NAT_NOT_PUBLIC,
    NO_PUBLIC_IP,
    NO_PUBLIC_IP_INBOUND,
    NO_ROUTE,
    PEERING_NOT_TRANSITIVE,
    SG_RULES,
    SOURCE_DEST_CHECK,
    TGW_BLACKHOLE,
)
from vpclint.resolver import Resolver

SEED = SAMPLES / "private-subnet-ssm-s3-endpoints.yaml"

BASE = """\
Parameters:
  Unset: {Type: String}
Resources:
  VPC:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.0.0.0/16, EnableDnsSupport: true, EnableDnsHostnames: true}
  IGW:
    Type: AWS::EC2::InternetGateway
  Attachment:
    Type: AWS::EC2::VPCGatewayAttachment
    Properties: {VpcId: !Ref VPC, InternetGatewayId: !Ref IGW}
  PublicSubnet:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref VPC, CidrBlock: 10.0.0.0/24}
  PublicTable:
    Type: AWS::EC2::RouteTable
    Properties: {VpcId: !Ref VPC}
  PublicRoute:
    Type: AWS::EC2::Route
    DependsOn: Attachment
    Properties: {RouteTableId: !Ref PublicTable, DestinationCidrBlock: 0.0.0.0/0,
                 GatewayId: !Ref IGW}
  PublicAssociation:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: {SubnetId: !Ref PublicSubnet, RouteTableId: !Ref PublicTable}
  PrivateSubnet:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref VPC, CidrBlock: 10.0.1.0/24}
  PrivateTable:
    Type: AWS::EC2::RouteTable
    Properties: {VpcId: !Ref VPC}
  PrivateAssociation:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: {SubnetId: !Ref PrivateSubnet, RouteTableId: !Ref PrivateTable}
  Eip:
    Type: AWS::EC2::EIP
    Properties: {Domain: vpc}
  NAT:
    Type: AWS::EC2::NatGateway
    Properties: {SubnetId: !Ref PublicSubnet, AllocationId: !GetAtt Eip.AllocationId}
  PrivateRoute:
    Type: AWS::EC2::Route
    Properties: {RouteTableId: !Ref PrivateTable, DestinationCidrBlock: 0.0.0.0/0,
                 NatGatewayId: !Ref NAT}
  AppGroup:
    Type: AWS::EC2::SecurityGroup
    Properties: {GroupDescription: app, VpcId: !Ref VPC}
  PrivateInstance:
    Type: AWS::EC2::Instance
    Properties: {ImageId: ami-1, SubnetId: !Ref PrivateSubnet, SecurityGroupIds: [!Ref AppGroup]}
"""


def network(extra: str = "", replace: tuple[str, str] | None = None) -> Network:
    text = BASE if replace is None else BASE.replace(*replace)
    assert replace is None or replace[0] in BASE
    text += textwrap.indent(textwrap.dedent(extra), "  ")
    return build_network(Resolver(parse(text)))


def seed() -> Network:
    from vpclint.lint import LintOptions, build
    from vpclint.loader import load

    return build(load(SEED), LintOptions())  # type: ignore[arg-type]


# -- the seed-003 sample ------------------------------------------------------------------------


@pytest.mark.parametrize("service", ["ssm", "ssmmessages", "ec2messages"])
def test_seed_instance_reaches_session_manager_through_its_endpoints(service: str) -> None:
    answer = reach(seed(), "MyEC2Instance", service)
    assert answer.verdict == REACHABLE
    endpoint = {
        "ssm": "VPCEndpointSSM",
        "ssmmessages": "VPCEndpointSSMMessage",
        "ec2messages": "VPCEndpointEC2Messages",
    }[service]
    assert answer.via == f"interface endpoint {endpoint}"
    assert [(hop.component, hop.kind) for hop in answer.hops] == [
        (endpoint, "private DNS"),
        ("MyEC2SecurityGroup", "security group"),
        ("PrivateSubnetRouteTable", "route"),
        ("MySSMSecurityGroup", "security group"),
    ]
    assert answer.hops[2].detail == "10.0.0.0/16 to local (VPC MyVPC)"
    assert "MyEC2SecurityGroupEgressAllowToSSM" in answer.hops[1].detail
    assert "MySSMSecurityGroupIngress" in answer.hops[3].detail


def test_seed_instance_reaches_s3_through_the_gateway_endpoint() -> None:
    answer = reach(seed(), "MyEC2Instance", "s3")
    assert (answer.verdict, answer.via) == (REACHABLE, "gateway endpoint S3VPCEndpoint")
    assert "prefix list pl-61a54008" in answer.hops[0].detail


def test_seed_instance_has_no_route_to_the_internet() -> None:
    answer = reach(seed(), "MyEC2Instance", "internet")
    assert (answer.verdict, answer.code) == (UNREACHABLE, NO_ROUTE)
    assert answer.codes == [NO_ROUTE]
    assert answer.explanation == (
        "route table PrivateSubnetRouteTable has no route to the internet (0.0.0.0/0)"
    )
    # Whether the S3 prefix list (named by its ID) holds an internet address is not known.
    assert [hop.detail for hop in answer.unknowns] == [
        "a rule of MyEC2SecurityGroupEgressAllowToS3 may allow it: the entries of prefix list "
        "pl-61a54008 are not known"
    ]


# -- the internet -------------------------------------------------------------------------------


PUBLIC_INSTANCE = """
    PublicInstance:
      Type: AWS::EC2::Instance
      Properties:
        ImageId: ami-1
        NetworkInterfaces:
          - {DeviceIndex: "0", SubnetId: !Ref PublicSubnet, AssociatePublicIpAddress: PUBLIC}
"""


def test_public_instance_with_and_without_a_public_ip() -> None:
    with_ip = reach(
        network(PUBLIC_INSTANCE.replace("PUBLIC", "true")), "PublicInstance", "internet"
    )
    assert (with_ip.verdict, with_ip.via) == (REACHABLE, "internet gateway IGW")
    assert with_ip.scope == ""  # every address of the internet
    without = reach(
        network(PUBLIC_INSTANCE.replace("PUBLIC", "false")), "PublicInstance", "internet"
    )
    assert (without.verdict, without.code) == (UNREACHABLE, NO_PUBLIC_IP)
    assert "PublicInstance has no public IP address" in without.explanation
    unknown = reach(
        network(PUBLIC_INSTANCE.replace("PUBLIC", "!Ref Unset")), "PublicInstance", "internet"
    )
    assert unknown.verdict == UNKNOWN
    assert "parameter Unset has no default" in unknown.explanation


def test_private_instance_through_a_nat_gateway_in_a_public_subnet() -> None:
    answer = reach(network(), "PrivateInstance", "internet")
    assert (answer.verdict, answer.via) == (REACHABLE, "NAT gateway NAT → internet gateway IGW")
    assert [hop.component for hop in answer.hops] == [
        "AppGroup",
        "PrivateRoute",
        "NAT",
        "PublicRoute",
    ]


def test_private_instance_through_a_nat_gateway_in_a_private_subnet() -> None:
    net = network(
        replace=(
            "Properties: {SubnetId: !Ref PublicSubnet, AllocationId",
            "Properties: {SubnetId: !Ref PrivateSubnet, AllocationId",
        )
    )
    answer = reach(net, "PrivateInstance", "internet")
    assert (answer.verdict, answer.code) == (UNREACHABLE, NAT_NOT_PUBLIC)
    assert answer.explanation == (
        "NAT gateway NAT sits in subnet PrivateSubnet, whose route table PrivateTable sends the "
        "traffic back to the NAT gateway itself"
    )
    # A NAT gateway in a subnet with no route out at all.
    isolated = network(
        """
        IsolatedSubnet:
          Type: AWS::EC2::Subnet
          Properties: {VpcId: !Ref VPC, CidrBlock: 10.0.9.0/24}
        IsolatedTable:
          Type: AWS::EC2::RouteTable
          Properties: {VpcId: !Ref VPC}
        IsolatedAssociation:
          Type: AWS::EC2::SubnetRouteTableAssociation
          Properties: {SubnetId: !Ref IsolatedSubnet, RouteTableId: !Ref IsolatedTable}
        """,
        replace=(
            "Properties: {SubnetId: !Ref PublicSubnet, AllocationId",
            "Properties: {SubnetId: !Ref IsolatedSubnet, AllocationId",
        ),
    )
    answer = reach(isolated, "PrivateInstance", "internet")
    assert (answer.verdict, answer.code) == (UNREACHABLE, NAT_NOT_PUBLIC)
    assert answer.explanation == (
        "NAT gateway NAT sits in subnet IsolatedSubnet, whose route table IsolatedTable has no "
        "route out (route table IsolatedTable has no route to the internet (0.0.0.0/0))"
    )


def test_network_acl_that_drops_the_return_traffic() -> None:
    net = network("""
        PrivateAcl:
          Type: AWS::EC2::NetworkAcl
          Properties: {VpcId: !Ref VPC}
        AclAssociation:
          Type: AWS::EC2::SubnetNetworkAclAssociation
          Properties: {SubnetId: !Ref PrivateSubnet, NetworkAclId: !Ref PrivateAcl}
        OutHttps:
          Type: AWS::EC2::NetworkAclEntry
          Properties: {NetworkAclId: !Ref PrivateAcl, RuleNumber: 100, Protocol: 6,
                       RuleAction: allow, Egress: true, CidrBlock: 0.0.0.0/0,
                       PortRange: {From: 443, To: 443}}
        InOnlyFromVpc:
          Type: AWS::EC2::NetworkAclEntry
          Properties: {NetworkAclId: !Ref PrivateAcl, RuleNumber: 100, Protocol: -1,
                       RuleAction: allow, Egress: false, CidrBlock: 10.0.0.0/16}
    """)
    answer = reach(net, "PrivateInstance", "internet")
    assert (answer.verdict, answer.code) == (UNREACHABLE, ACL)
    assert answer.explanation == (
        "network ACL PrivateAcl of subnet PrivateSubnet drops the replies inbound (the final "
        "deny (*), for replies to ports 49152-60999)"
    )
    assert "1024-65535" in answer.fix


def test_security_group_that_blocks_the_endpoint() -> None:
    net = network("""
        EndpointGroup:
          Type: AWS::EC2::SecurityGroup
          Properties:
            GroupDescription: endpoints
            VpcId: !Ref VPC
            SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 22, ToPort: 22,
                                    CidrIp: 10.0.0.0/16}]
        SsmEndpoint:
          Type: AWS::EC2::VPCEndpoint
          Properties:
            VpcId: !Ref VPC
            VpcEndpointType: Interface
            ServiceName: !Sub com.amazonaws.${AWS::Region}.ssm
            PrivateDnsEnabled: true
            SubnetIds: [!Ref PrivateSubnet]
            SecurityGroupIds: [!Ref EndpointGroup]
    """)
    answer = reach(net, "PrivateInstance", "ssm")
    assert (answer.verdict, answer.code) == (UNREACHABLE, SG_RULES)
    assert answer.explanation == (
        "no ingress rule of SsmEndpoint's security groups (EndpointGroup) allows TCP 443 from "
        "PrivateInstance"
    )


def test_between_instances_and_to_cidrs() -> None:
    net = network("""
        DbGroup:
          Type: AWS::EC2::SecurityGroup
          Properties:
            GroupDescription: db
            VpcId: !Ref VPC
            SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 5432, ToPort: 5432,
                                    SourceSecurityGroupId: !Ref AppGroup}]
        Db:
          Type: AWS::EC2::Instance
          Properties:
            {ImageId: ami-1, SubnetId: !Ref PrivateSubnet, SecurityGroupIds: [!Ref DbGroup]}
    """)
    assert reach(net, "PrivateInstance", "Db", port=5432).verdict == REACHABLE
    assert reach(net, "PrivateInstance", "Db", port=22).code == SG_RULES
    assert reach(net, "PrivateInstance", "10.0.0.0/24").via == "local route"
    assert reach(net, "PrivateInstance", "8.8.8.8").via == "NAT gateway NAT → internet gateway IGW"
    # An address of the VPC that no subnet holds: nothing is known to answer there.
    assert reach(net, "PrivateInstance", "10.0.200.1").verdict == UNKNOWN


def test_bad_queries() -> None:
    with pytest.raises(ReachError, match="no resource 'Nope'"):
        reach(network(), "Nope", "internet")
    with pytest.raises(ReachError, match="did you mean 'PrivateInstance'"):
        reach(network(), "PrivateInstanse", "internet")
    with pytest.raises(ReachError, match=r"'ssmm' is not a resource .* did you mean 'ssm'"):
        reach(network(), "PrivateInstance", "ssmm")
    with pytest.raises(ReachError, match=r"'999\.1\.1\.1' is not a valid IP address"):
        reach(network(), "PrivateInstance", "999.1.1.1")
    with pytest.raises(ReachError, match="a packet has one protocol"):
        reach(network(), "PrivateInstance", "internet", protocol="-1")
    with pytest.raises(ReachError, match="holds no address"):
        reach(network(), "AppGroup", "internet")
    with pytest.raises(ReachError, match="not a protocol"):
        reach(network(), "PrivateInstance", "internet", protocol="tcpx")


# -- the command --------------------------------------------------------------------------------


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_command_exit_codes_and_text() -> None:
    code, output = run("reach", str(SEED), "--from", "MyEC2Instance", "--to", "ssm")
    assert code == 0
    assert output.splitlines()[0] == (
        "MyEC2Instance -> ssm (TCP 443): reachable via interface endpoint VPCEndpointSSM"
    )
    code, output = run("reach", str(SEED), "--from", "MyEC2Instance", "--to", "internet")
    assert code == 1
    assert output.splitlines()[0] == (
        "MyEC2Instance -> internet (TCP 443): NOT reachable [NO_ROUTE_TO_DESTINATION]"
    )
    assert "  fix: add a route" in output


def test_command_json_and_errors(tmp_path: Path) -> None:
    code, output = run(
        "reach", str(SEED), "--from", "MyEC2Instance", "--to", "s3", "--format", "json"
    )
    document = json.loads(output)
    assert code == 0 and document["verdict"] == "reachable"
    assert document["via"] == "gateway endpoint S3VPCEndpoint"
    assert document["hops"][0]["component"] == "MyEC2SecurityGroup"
    code, output = run("reach", str(SEED), "--from", "Nope", "--to", "s3")
    assert code == 2 and "there is no resource 'Nope'" in output
    bad = tmp_path / "bad.yaml"
    bad.write_text("AWSTemplateFormatVersion: x\nResources: [\n")
    result = CliRunner().invoke(cli, ["reach", str(bad), "--from", "A", "--to", "internet"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


# -- from the internet ---------------------------------------------------------------------------

FIXTURES = Path(__file__).parent / "fixtures" / "reach"


def fixture(name: str, *replacements: tuple[str, str]) -> Network:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    return build_network(Resolver(parse(text)))


def test_from_the_internet_to_a_public_instance_a_private_one_and_a_load_balancer() -> None:
    net = fixture("internet.yaml")
    web = reach(net, "internet", "WebServer", port=443)
    assert (web.verdict, web.via, web.scope) == (REACHABLE, "internet gateway Igw", "")
    assert [(hop.component, hop.detail) for hop in web.hops] == [
        ("Igw", "to the public address of WebServer"),
        ("WebGroup", "ingress rule of WebGroup: TCP 443 from 0.0.0.0/0"),
    ]
    database = reach(net, "internet", "Database", port=5432)
    assert (database.verdict, database.code) == (UNREACHABLE, NO_PUBLIC_IP_INBOUND)
    assert database.explanation == (
        "Database has no public address, so nothing on the internet can reach it"
    )
    balancer = reach(net, "internet", "Balancer", port=443)
    assert (balancer.verdict, balancer.via) == (REACHABLE, "internet gateway Igw")
    closed = reach(net, "internet", "WebServer", port=80)
    assert (closed.verdict, closed.code) == (UNREACHABLE, SG_RULES)
    assert closed.explanation == (
        "no ingress rule of WebServer's security groups (WebGroup) allows TCP 80 from the internet"
    )
    # SSH is open to one block of the internet: reachable, from some addresses only.
    ssh = reach(net, "internet", "WebServer", port=22)
    assert (ssh.verdict, ssh.scope) == (REACHABLE, "only some addresses, such as 203.0.113.0")


def test_from_the_internet_needs_a_route_back_to_the_internet_gateway() -> None:
    net = fixture(
        "internet.yaml",
        (
            "SubnetId: !Ref PublicSubnetB, RouteTableId: !Ref PublicTable",
            "SubnetId: !Ref PublicSubnetB, RouteTableId: !Ref PrivateTable",
        ),
    )
    answer = reach(net, "internet", "Balancer", port=443)
    assert (answer.verdict, answer.code, answer.scope) == (
        UNREACHABLE,
        NO_ROUTE,
        "to subnet PublicSubnetB",
    )
    assert answer.explanation == (
        "route table PrivateTable of subnet PublicSubnetB has no route to the internet, so the "
        "replies cannot leave"
    )


# -- several VPCs --------------------------------------------------------------------------------


def test_two_peered_vpcs() -> None:
    answer = reach(fixture("peering.yaml"), "AppServer", "DbServer", port=5432)
    assert (answer.verdict, answer.via) == (REACHABLE, "peering connection Peering")
    # The database's group names the app's group across the peering connection.
    assert answer.hops[-1].detail == "ingress rule of DbGroup: TCP 5432 from group AppGroup"
    one_way = fixture(
        "peering.yaml",
        ("DestinationCidrBlock: 10.1.0.0/16", "DestinationCidrBlock: 10.9.0.0/16"),
    )
    answer = reach(one_way, "AppServer", "DbServer", port=5432)
    assert (answer.verdict, answer.code) == (UNREACHABLE, NO_ROUTE)
    assert answer.explanation == (
        "route table DataTable of subnet DataSubnet has no route back to 10.1.1.0/24, so the "
        "replies are dropped"
    )
    no_route = fixture(
        "peering.yaml",
        ("DestinationCidrBlock: 10.2.0.0/16", "DestinationCidrBlock: 10.8.0.0/16"),
    )
    answer = reach(no_route, "AppServer", "DbServer", port=5432)
    assert (answer.codes, answer.explanation) == (
        [NO_ROUTE],
        "route table AppTable has no route to DbServer (10.2.1.0/24)",
    )


def test_peering_is_not_transitive() -> None:
    net = fixture(
        "peering.yaml",
        ("DestinationCidrBlock: 10.2.0.0/16", "DestinationCidrBlock: 0.0.0.0/0"),
    )
    answer = reach(net, "AppServer", "8.8.8.8")
    assert (answer.verdict, answer.code) == (UNREACHABLE, PEERING_NOT_TRANSITIVE)


def test_transit_gateway_with_its_default_route_table() -> None:
    answer = reach(fixture("transit.yaml"), "AppServer", "DbServer", port=5432)
    assert (answer.verdict, answer.via) == (REACHABLE, "transit gateway Transit")
    assert answer.hops[2].detail == (
        "route table Transit.DefaultRouteTable: 10.2.0.0/16 to attachment DataAttachment"
    )


def test_transit_gateway_without_propagation_or_route() -> None:
    net = fixture(
        "transit.yaml",
        ("DefaultRouteTablePropagation: enable", "DefaultRouteTablePropagation: disable"),
    )
    answer = reach(net, "AppServer", "DbServer", port=5432)
    assert (answer.verdict, answer.code) == (UNREACHABLE, NO_ROUTE)
    assert answer.explanation == (
        "transit gateway route table Transit.DefaultRouteTable has no route to 10.2.1.0/24"
    )


def test_transit_gateway_blackhole() -> None:
    net = fixture(
        "transit.yaml",
        ("DefaultRouteTableAssociation: enable\n", "DefaultRouteTableAssociation: disable\n"),
        (
            "  AppVpc:\n",
            """  Table:
    Type: AWS::EC2::TransitGatewayRouteTable
    Properties: {TransitGatewayId: !Ref Transit}
  AppToTable:
    Type: AWS::EC2::TransitGatewayRouteTableAssociation
    Properties: {TransitGatewayAttachmentId: !Ref AppAttachment,
                 TransitGatewayRouteTableId: !Ref Table}
  Blackhole:
    Type: AWS::EC2::TransitGatewayRoute
    Properties: {TransitGatewayRouteTableId: !Ref Table, DestinationCidrBlock: 10.2.0.0/16,
                 Blackhole: true}
  AppVpc:
""",
        ),
    )
    answer = reach(net, "AppServer", "DbServer", port=5432)
    assert (answer.verdict, answer.code) == (UNREACHABLE, TGW_BLACKHOLE)
    assert answer.explanation == (
        "transit gateway route table Table drops 10.2.1.0/24 (blackhole route Blackhole drops it)"
    )


def test_centralized_firewall_and_nat_in_an_egress_vpc() -> None:
    answer = reach(fixture("centralized-firewall.yaml"), "AppServer", "internet")
    assert answer.verdict == REACHABLE
    assert answer.via == (
        "transit gateway Transit → firewall Inspection → NAT gateway Nat → internet gateway Igw"
    )
    assert answer.conditions == ["the policy of firewall Inspection allows it"]


def test_nat_instance_forwards_only_without_the_source_destination_check() -> None:
    answer = reach(fixture("nat-instance.yaml"), "AppServer", "internet")
    assert (answer.verdict, answer.via) == (
        REACHABLE,
        "NAT instance NatInstance → internet gateway Igw",
    )
    assert answer.conditions == [
        "NatInstance forwards the traffic (NAT or routing is configured on it)"
    ]
    checked = fixture("nat-instance.yaml", ("      SourceDestCheck: false\n", ""))
    answer = reach(checked, "AppServer", "internet")
    assert (answer.verdict, answer.code) == (UNREACHABLE, SOURCE_DEST_CHECK)
    assert answer.fix == "set SourceDestCheck: false on NatInstance"


def test_a_nat_instance_that_turns_its_check_off_at_boot_may_forward() -> None:
    user_data = (
        "      UserData:\n"
        "        Fn::Base64: aws ec2 modify-instance-attribute --no-source-dest-check\n"
    )
    booted = fixture("nat-instance.yaml", ("      SourceDestCheck: false\n", user_data))
    answer = reach(booted, "AppServer", "internet")
    assert answer.verdict == UNKNOWN
    assert "NatInstance may turn its source/destination check off at boot" in answer.explanation


def test_a_nat_instance_whose_primary_interface_is_the_templates() -> None:
    # The instance's SourceDestCheck applies to its primary interface, which sets none itself.
    interface = (
        "      NetworkInterfaces: [{NetworkInterfaceId: !Ref NatInterface, DeviceIndex: '0'}]\n"
        "  NatInterface:\n"
        "    Type: AWS::EC2::NetworkInterface\n"
        "    Properties: {SubnetId: !Ref PublicSubnet, GroupSet: [!Ref NatGroup]}\n"
    )
    attached = fixture(
        "nat-instance.yaml",
        ("      SubnetId: !Ref PublicSubnet\n      SecurityGroupIds: [!Ref NatGroup]\n", ""),
        ("      SourceDestCheck: false\n", "      SourceDestCheck: false\n" + interface),
    )
    answer = reach(attached, "AppServer", "internet")
    assert answer.verdict == UNKNOWN  # the two settings disagree: which wins is not known
    assert "set SourceDestCheck differently" in answer.explanation


# -- services ------------------------------------------------------------------------------------


def test_a_service_named_in_full() -> None:
    answer = reach(seed(), "MyEC2Instance", "com.amazonaws.us-east-1.ecr.api")
    assert (answer.verdict, answer.code) == (UNREACHABLE, NO_ROUTE)
    assert answer.explanation == (
        "route table PrivateSubnetRouteTable has no route to the public addresses of ecr.api"
    )
    net = network("""
        EcrEndpoint:
          Type: AWS::EC2::VPCEndpoint
          Properties:
            VpcId: !Ref VPC
            VpcEndpointType: Interface
            ServiceName: com.amazonaws.us-east-1.ecr.api
            PrivateDnsEnabled: true
            SubnetIds: [!Ref PrivateSubnet]
            SecurityGroupIds: [!Ref EndpointGroup]
        EndpointGroup:
          Type: AWS::EC2::SecurityGroup
          Properties:
            GroupDescription: endpoints
            VpcId: !Ref VPC
            SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 443, ToPort: 443,
                                    CidrIp: 10.0.0.0/16}]
    """)
    answer = reach(net, "PrivateInstance", "com.amazonaws.us-east-1.ecr.api")
    assert (answer.verdict, answer.via) == (REACHABLE, "interface endpoint EcrEndpoint")


def test_command_rejects_names_that_are_nothing() -> None:
    for name in ("MyEC2Instanse", "999.1.1.1", "ssmm"):
        code, output = run("reach", str(SEED), "--from", "MyEC2Instance", "--to", name)
        assert code == 2, name
        assert output.startswith(f"vpclint: error: '{name}' is not")


def test_vpc703_names_every_gap_not_only_the_first() -> None:
    from vpclint.engine import load_rules
    from vpclint.lint import LintOptions, lint_file

    fixture = Path(__file__).parent / "fixtures" / "rules" / "VPC703"
    result = lint_file(
        str(fixture / "fail_egress_and_ingress_gaps.yaml"), LintOptions(), load_rules()
    )
    (finding,) = [f for f in result.findings if f.rule == "VPC703"]
    assert finding.message == (
        "Load balancer LoadBalancer cannot reach target App of AppTargets on TCP 8080 "
        "[ENI_SG_RULES_MISMATCH]: no egress rule of LoadBalancer's security groups "
        "(LoadBalancerGroup) allows TCP 8080 to App; add an egress rule for TCP 8080 to App; and "
        "[ENI_SG_RULES_MISMATCH]: no ingress rule of App's security groups (AppGroup) allows "
        "TCP 8080 from LoadBalancer; allow TCP 8080 in from LoadBalancer's security group or "
        "subnet."
    )


PREFIX_LIST_ENDPOINT = """
    Clients:
      Type: AWS::EC2::PrefixList
      Properties:
        PrefixListName: clients
        AddressFamily: IPv4
        MaxEntries: 2
        Entries: [{Cidr: BLOCK}]
    EndpointGroup:
      Type: AWS::EC2::SecurityGroup
      Properties:
        GroupDescription: endpoints
        VpcId: !Ref VPC
        SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 443, ToPort: 443,
                                SourcePrefixListId: !Ref Clients}]
    SsmEndpoint:
      Type: AWS::EC2::VPCEndpoint
      Properties:
        VpcId: !Ref VPC
        VpcEndpointType: Interface
        ServiceName: !Sub com.amazonaws.${AWS::Region}.ssm
        PrivateDnsEnabled: true
        SubnetIds: [!Ref PrivateSubnet]
        SecurityGroupIds: [!Ref EndpointGroup]
"""


def test_a_customer_prefix_list_as_a_peer() -> None:
    holding = network(PREFIX_LIST_ENDPOINT.replace("BLOCK", "10.0.0.0/16"))
    answer = reach(holding, "PrivateInstance", "ssm")
    assert (answer.verdict, answer.via) == (REACHABLE, "interface endpoint SsmEndpoint")
    assert (
        answer.hops[-1].detail == "ingress rule of EndpointGroup: TCP 443 from prefix list Clients"
    )
    elsewhere = network(PREFIX_LIST_ENDPOINT.replace("BLOCK", "192.168.0.0/16"))
    assert reach(elsewhere, "PrivateInstance", "ssm").code == SG_RULES
    part = network(PREFIX_LIST_ENDPOINT.replace("BLOCK", "10.0.1.0/25"))
    assert reach(part, "PrivateInstance", "ssm").verdict == UNKNOWN  # half the subnet


def test_an_aws_managed_prefix_list_beside_its_gateway_endpoint() -> None:
    net = network("""
        S3Endpoint:
          Type: AWS::EC2::VPCEndpoint
          Properties:
            VpcId: !Ref VPC
            ServiceName: !Sub com.amazonaws.${AWS::Region}.s3
            RouteTableIds: [!Ref PrivateTable]
        ToS3:
          Type: AWS::EC2::SecurityGroupEgress
          Properties: {GroupId: !Ref AppGroup, IpProtocol: tcp, FromPort: 443, ToPort: 443,
                       DestinationPrefixListId: pl-63a5400a}
    """)
    answer = reach(net, "PrivateInstance", "s3")
    assert (answer.verdict, answer.via) == (REACHABLE, "gateway endpoint S3Endpoint")
    assert answer.hops[0].detail == "egress rule of ToS3: TCP 443 to prefix list pl-63a5400a"
    # The same list says nothing certain about an address elsewhere: not a definite no.
    assert reach(net, "PrivateInstance", "10.0.0.0/24").verdict == UNKNOWN


# -- the matrix ----------------------------------------------------------------------------------


def test_matrix_of_workloads_the_internet_and_services() -> None:
    from vpclint.reach.matrix import as_json, as_text, matrix

    result = matrix(fixture("internet.yaml"), [443, 5432])
    assert result.sources == ["WebServer", "Database", "Balancer", "internet"]
    assert result.destinations == ["WebServer", "Database", "Balancer", "internet"]
    verdicts = {(row["from"], row["to"], row["port"]): row["verdict"] for row in as_json(result)}
    assert verdicts[("internet", "WebServer", 443)] == REACHABLE
    assert verdicts[("internet", "Database", 5432)] == UNREACHABLE
    assert verdicts[("WebServer", "Database", 5432)] == REACHABLE
    assert verdicts[("Database", "internet", 443)] == UNREACHABLE
    assert ("WebServer", "WebServer", 443) not in verdicts
    assert as_text(result).splitlines()[:6] == [
        "TCP 443",
        "from \\ to  WebServer  Database  Balancer  internet",
        "WebServer  -          no        yes       yes",
        "Database   yes        -         yes       no",
        "Balancer   yes        no        -         yes",
        "internet   yes        no        yes       -",
    ]


def test_matrix_services_and_conditions() -> None:
    from vpclint.reach.matrix import as_text, matrix

    result = matrix(fixture("centralized-firewall.yaml"), [443])
    assert result.cell("AppServer", "internet", 443).answer.conditions == [  # type: ignore[union-attr]
        "the policy of firewall Inspection allows it"
    ]
    assert "yes*" in as_text(result)
    seeded = matrix(seed(), [443])
    assert seeded.destinations[-4:] == ["ec2messages", "s3", "ssm", "ssmmessages"]
    assert seeded.cell("MyEC2Instance", "ssm", 443).answer.verdict == REACHABLE  # type: ignore[union-attr]


def test_command_matrix_and_internet_source() -> None:
    internet = str(FIXTURES / "internet.yaml")
    code, output = run("reach", internet, "--matrix", "--ports", "443", "--format", "markdown")
    assert code == 0 and output.startswith("### TCP 443\n\n| from \\ to | WebServer |")
    code, output = run(
        "reach", internet, "--from", "internet", "--to", "Database", "--port", "5432"
    )
    assert code == 1
    assert output.splitlines()[0] == (
        "internet -> Database (TCP 5432): NOT reachable [IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS]"
    )
    code, output = run("reach", internet, "--matrix", "--from", "WebServer")
    assert code == 2 and "give --from and --to, or --matrix" in output
    code, output = run("reach", internet, "--matrix", "--ports", "22,http")
    assert code == 2 and "'http' is not a port" in output


# -- service names that DNS settings decide ------------------------------------------------------

SPOKE = (Path(__file__).parent / "fixtures" / "rules" / "VPC701").joinpath(
    "fail_spoke_without_dns_forwarding.yaml"
)


def spoke(extra: str = "") -> Network:
    """A spoke VPC routed to a hub (10.0.0.0/8) over a transit gateway, with no endpoint of its
    own and no way to the internet, and `extra` resources."""
    text = SPOKE.read_text(encoding="utf-8").rstrip("\n") + "\n"
    return build_network(Resolver(parse(text + textwrap.indent(textwrap.dedent(extra), "  "))))


def forward_rule(domain: str, kind: str = "FORWARD", condition: str = "") -> str:
    return f"""
        ServiceNamesRule:
          Type: AWS::Route53Resolver::ResolverRule
          {condition}
          Properties:
            RuleType: {kind}
            DomainName: "{domain}"
            TargetIps: [{{Ip: 10.0.0.10}}]
        ServiceNamesAssociation:
          Type: AWS::Route53Resolver::ResolverRuleAssociation
          Properties:
            ResolverRuleId: !Ref ServiceNamesRule
            VPCId: !Ref VPC
    """


def test_spoke_without_forwarding_cannot_reach_ssm() -> None:
    answer = reach(spoke(), "Instance", "ssm")
    assert (answer.verdict, answer.code) == (UNREACHABLE, NO_ROUTE)


@pytest.mark.parametrize(
    "domain",
    ["amazonaws.com", "us-east-1.amazonaws.com", "ssm.us-east-1.amazonaws.com", ".", "COM."],
)
def test_service_names_forwarded_to_a_hub_are_unknown(domain: str) -> None:
    answer = reach(spoke(forward_rule(domain)), "Instance", "ssm")
    assert (answer.verdict, answer.code) == (UNKNOWN, "UNKNOWN")
    assert [(hop.component, hop.kind) for hop in answer.hops] == [
        ("ServiceNamesAssociation", "unknown")
    ]
    assert answer.unknowns[0].detail == (
        f"Resolver rule ServiceNamesRule (FORWARD, {domain}), associated with VPC VPC by "
        "ServiceNamesAssociation, sends the queries for ssm.us-east-1.amazonaws.com to DNS "
        "servers whose answer the template does not show"
    )


def test_forwarding_one_service_name_leaves_the_others_public() -> None:
    net = spoke(forward_rule("ssm.us-east-1.amazonaws.com"))
    assert reach(net, "Instance", "ssm").verdict == UNKNOWN
    assert reach(net, "Instance", "ssmmessages").code == NO_ROUTE
    # The parts of ecr.api's name are the other way round: api.ecr.us-east-1.amazonaws.com.
    net = spoke(forward_rule("ecr.us-east-1.amazonaws.com"))
    assert reach(net, "Instance", "ecr.api").verdict == UNKNOWN
    assert reach(net, "Instance", "logs").code == NO_ROUTE


@pytest.mark.parametrize(
    ("domain", "kind"),
    [("corp.example.com", "FORWARD"), ("amazonaws.com", "SYSTEM"), ("s3.amazonaws.com", "FORWARD")],
)
def test_rules_that_leave_the_service_name_alone(domain: str, kind: str) -> None:
    answer = reach(spoke(forward_rule(domain, kind)), "Instance", "ssm")
    assert (answer.verdict, answer.code) == (UNREACHABLE, NO_ROUTE)


def test_a_rule_from_outside_or_maybe_created_may_decide() -> None:
    net = spoke("""
        Shared:
          Type: AWS::Route53Resolver::ResolverRuleAssociation
          Properties: {ResolverRuleId: !ImportValue hub-ServiceNamesRule, VPCId: !Ref VPC}
    """)
    answer = reach(net, "Instance", "ssm")
    assert answer.verdict == UNKNOWN
    assert answer.unknowns[0].component == "Shared"
    assert "whose domain is not known" in answer.unknowns[0].detail
    text = "Conditions:\n  Forward: !Equals [!Ref TransitGatewayId, tgw-1]\n"
    net = build_network(
        Resolver(
            parse(
                SPOKE.read_text(encoding="utf-8").replace("Resources:\n", text + "Resources:\n")
                + textwrap.indent(
                    textwrap.dedent(forward_rule(".", condition="Condition: Forward")), "  "
                )
            )
        )
    )
    answer = reach(net, "Instance", "ssm")
    assert answer.verdict == UNKNOWN
    assert "ServiceNamesAssociation (if they are created)" in answer.unknowns[0].detail


def test_a_rule_of_another_vpc_does_not_apply() -> None:
    net = spoke("""
        Hub:
          Type: AWS::EC2::VPC
          Properties: {CidrBlock: 10.0.0.0/16}
        Forward:
          Type: AWS::Route53Resolver::ResolverRule
          Properties: {RuleType: FORWARD, DomainName: amazonaws.com, TargetIps: [{Ip: 10.9.0.2}]}
        ForwardAssociation:
          Type: AWS::Route53Resolver::ResolverRuleAssociation
          Properties: {ResolverRuleId: !GetAtt Forward.ResolverRuleId, VPCId: !Ref Hub}
    """)
    assert reach(net, "Instance", "ssm").code == NO_ROUTE


def test_a_forward_rule_outranks_the_vpcs_own_endpoint_as_far_as_vpclint_knows() -> None:
    endpoint = """
        EndpointGroup:
          Type: AWS::EC2::SecurityGroup
          Properties: {GroupDescription: endpoints, VpcId: !Ref VPC}
        SsmEndpoint:
          Type: AWS::EC2::VPCEndpoint
          Properties:
            VpcId: !Ref VPC
            VpcEndpointType: Interface
            ServiceName: !Sub com.amazonaws.${AWS::Region}.ssm
            PrivateDnsEnabled: true
            SubnetIds: [!Ref PrivateSubnet]
            SecurityGroupIds: [!Ref EndpointGroup]
    """
    # The endpoint's group admits nothing: without the rule, a definite no.
    assert reach(spoke(endpoint), "Instance", "ssm").code == SG_RULES
    assert reach(spoke(forward_rule(".") + endpoint), "Instance", "ssm").verdict == UNKNOWN


@pytest.mark.parametrize(
    ("extra", "component"),
    [
        (
            """
            Zone:
              Type: AWS::Route53::HostedZone
              Properties: {Name: ssm.us-east-1.amazonaws.com, VPCs: [{VPCId: !Ref VPC,
                           VPCRegion: us-east-1}]}
            """,
            "Zone",
        ),
        (
            """
            Options:
              Type: AWS::EC2::DHCPOptions
              Properties: {DomainNameServers: [10.0.0.2]}
            OptionsAssociation:
              Type: AWS::EC2::VPCDHCPOptionsAssociation
              Properties: {VpcId: !Ref VPC, DhcpOptionsId: !Ref Options}
            """,
            "OptionsAssociation",
        ),
        (
            """
            ProfileAssociation:
              Type: AWS::Route53Profiles::ProfileAssociation
              Properties: {Name: dns, ProfileId: rp-0123456789abcdef, ResourceId: !Ref VPC}
            """,
            "ProfileAssociation",
        ),
    ],
)
def test_private_zones_dhcp_options_and_profiles_decide_too(extra: str, component: str) -> None:
    answer = reach(spoke(extra), "Instance", "ssm")
    assert answer.verdict == UNKNOWN
    assert answer.unknowns[0].component == component


@pytest.mark.parametrize(
    "extra",
    [
        """
        Zone:
          Type: AWS::Route53::HostedZone
          Properties: {Name: corp.example.com, VPCs: [{VPCId: !Ref VPC, VPCRegion: us-east-1}]}
        PublicZone:
          Type: AWS::Route53::HostedZone
          Properties: {Name: amazonaws.com}
        """,
        """
        Options:
          Type: AWS::EC2::DHCPOptions
          Properties: {DomainName: ec2.internal, DomainNameServers: [AmazonProvidedDNS]}
        OptionsAssociation:
          Type: AWS::EC2::VPCDHCPOptionsAssociation
          Properties: {VpcId: !Ref VPC, DhcpOptionsId: !Ref Options}
        """,
    ],
)
def test_settings_that_leave_the_service_name_alone(extra: str) -> None:
    assert reach(spoke(extra), "Instance", "ssm").code == NO_ROUTE


def test_command_says_unknown_and_why_for_forwarded_names() -> None:
    forwarded = SPOKE.parent / "pass_dns_forwarded_to_hub_amazonaws_com.yaml"
    code, output = run("reach", str(forwarded), "--from", "Instance", "--to", "ssm")
    assert code == 3
    lines = output.splitlines()
    assert lines[0] == "Instance -> ssm (TCP 443): UNKNOWN [UNKNOWN]"
    assert lines[-1] == (
        "  unknown: Resolver rule ServiceNamesRule (FORWARD, amazonaws.com), associated with VPC "
        "VPC by ServiceNamesAssociation, sends the queries for ssm.us-east-1.amazonaws.com to "
        "DNS servers whose answer the template does not show"
    )


def test_service_names_and_domains() -> None:
    from vpclint.judge.names import covers, service_names

    assert service_names("ssm", "us-east-1") == ("ssm.us-east-1.amazonaws.com",)
    assert service_names("ecr.dkr", "cn-north-1") == (
        "dkr.ecr.cn-north-1.amazonaws.com.cn",
        "ecr.dkr.cn-north-1.amazonaws.com.cn",
    )
    names = service_names("s3", "us-east-1")
    assert covers("AmazonAWS.com.", names) and covers(".", names)
    assert covers("bucket.s3.us-east-1.amazonaws.com", names)  # a name under the service's
    assert not covers("s3.us-west-2.amazonaws.com", names)
    assert not covers("3.us-east-1.amazonaws.com", names)


HUB = SPOKE.parent / "pass_hub_endpoints_through_private_hosted_zones.yaml"


def hub(replace: tuple[str, str] | None = None, extra: str = "") -> Network:
    """Hub and spoke over a transit gateway; private hosted zones for ssm and ssmmessages,
    associated with both, answer with the hub's endpoints."""
    text = HUB.read_text(encoding="utf-8")
    if replace is not None:
        assert replace[0] in text
        text = text.replace(*replace)
    text = text.rstrip("\n") + "\n" + textwrap.indent(textwrap.dedent(extra), "  ")
    return build_network(Resolver(parse(text)))


def test_a_private_zone_record_for_a_hub_endpoint_shows_the_whole_path() -> None:
    answer = reach(hub(), "Instance", "ssm")
    assert (answer.verdict, answer.via) == (
        REACHABLE,
        "interface endpoint SsmEndpoint → transit gateway TransitGateway",
    )
    assert answer.hops[0].component == "SsmZone"
    assert answer.hops[0].detail == (
        "private hosted zone SsmZone of VPC Spoke answers ssm.us-east-1.amazonaws.com with "
        "record SsmRecord: the regional name of interface endpoint SsmEndpoint"
    )
    blocked = hub(("CidrIp: 10.1.0.0/16", "CidrIp: 10.2.0.0/16"))
    answer = reach(blocked, "Instance", "ssmmessages")
    assert (answer.verdict, answer.code) == (UNREACHABLE, SG_RULES)
    assert answer.blocks[0].component == "SsmMessagesEndpoint"


@pytest.mark.parametrize(
    ("replace", "extra"),
    [
        # The record may not be created.
        (("  SsmRecord:\n", "  SsmRecord:\n    Condition: Maybe\n"), "Conditions: {}"),
        # A second record for the name: which answer is not known.
        (
            None,
            """
            SecondRecord:
              Type: AWS::Route53::RecordSet
              Properties: {HostedZoneId: !Ref SsmZone, Name: ssm.us-east-1.amazonaws.com.,
                           Type: A, TTL: "60", ResourceRecords: [10.9.9.9]}
            """,
        ),
        # A record set that names its zone by name may add records to it.
        (
            None,
            """
            ByName:
              Type: AWS::Route53::RecordSet
              Properties: {HostedZoneName: ssm.us-east-1.amazonaws.com., Name: x.example.com,
                           Type: A, TTL: "60", ResourceRecords: [10.9.9.9]}
            """,
        ),
        # The zonal name of the endpoint: one zone's interface, which one is not followed.
        (
            (
                'DNSName: !Select [1, !Split [":", !Select [0, !GetAtt SsmEndpoint.',
                'DNSName: !Select [1, !Split [":", !Select [1, !GetAtt SsmEndpoint.',
            ),
            "",
        ),
        # The spoke's association with the zone is not known.
        (("- {VPCId: !Ref Spoke,", "- {VPCId: !ImportValue spoke-vpc,"), ""),
    ],
)
def test_a_private_zone_that_does_not_show_the_whole_path_is_unknown(
    replace: tuple[str, str] | None, extra: str
) -> None:
    if extra.startswith("Conditions"):
        text = HUB.read_text(encoding="utf-8").replace(*replace)  # type: ignore[misc]
        text = text.replace(
            "Resources:\n",
            "Parameters:\n  Flag: {Type: String}\nConditions:\n"
            "  Maybe: !Equals [!Ref Flag, yes]\nResources:\n",
        )
        net = build_network(Resolver(parse(text)))
    else:
        net = hub(replace, extra)
    answer = reach(net, "Instance", "ssm")
    assert answer.verdict == UNKNOWN
    assert answer.unknowns[0].component == "SsmZone"


# -- an interface endpoint whose subnets are not known ------------------------------------------

VPC701 = Path(__file__).parent / "fixtures" / "rules" / "VPC701"


@pytest.mark.parametrize(
    ("fixture", "reason"),
    [
        (
            "pass_endpoint_subnets_from_parameter.yaml",
            "parameter EndpointSubnets has no default (pass --parameter EndpointSubnets=VALUE)",
        ),
        (
            "pass_endpoint_subnets_imported.yaml",
            "imported from another stack (network-PrivateSubnets)",
        ),
        (
            "pass_endpoint_subnets_not_a_list.yaml",
            "expected a list, found a reference to PrivateSubnet",
        ),
    ],
)
def test_endpoint_whose_subnets_are_unknown_is_an_unknown_answer(fixture: str, reason: str) -> None:
    code, output = run("reach", str(VPC701 / fixture), "--from", "PrivateInstance", "--to", "ssm")
    assert code == 3, output
    assert output.splitlines()[0] == "PrivateInstance -> ssm (TCP 443): UNKNOWN [UNKNOWN]"
    assert output.splitlines()[-1] == f"  unknown: where the endpoint sits: {reason}"
    # The other endpoints still decide: ssmmessages is reached through its own endpoint.
    code, output = run(
        "reach", str(VPC701 / fixture), "--from", "PrivateInstance", "--to", "ssmmessages"
    )
    assert code == 0, output
    code, output = run("reach", str(VPC701 / fixture), "--from", "SsmEndpoint", "--to", "internet")
    assert code == 3, output
    assert output.splitlines()[-1] == f"  unknown: where SsmEndpoint sits: {reason}"


def test_endpoint_partly_in_unknown_subnets_is_unknown_unless_a_known_one_blocks() -> None:
    text = (VPC701 / "pass_endpoints_with_vpc_dns.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "SubnetIds: [!Ref PrivateSubnet]",
        "SubnetIds: [!Ref PrivateSubnet, !ImportValue network-OtherSubnet]",
        1,
    )
    network = build_network(Resolver(parse(text)))
    answer = reach(network, "PrivateInstance", "ssm")
    assert answer.verdict == UNKNOWN
    assert answer.unknowns[-1].detail == (
        "where the endpoint also sits: imported from another stack (network-OtherSubnet)"
    )
    blocked = text.replace("FromPort: 443, ToPort: 443", "FromPort: 22, ToPort: 22")
    network = build_network(Resolver(parse(blocked)))
    assert reach(network, "PrivateInstance", "ssm").verdict == UNREACHABLE


def test_corpus_endpoint_with_imported_subnets(corpus: Path) -> None:
    path = corpus / "widdix__aws-cf-templates" / "vpc__vpc-endpoint.yaml"
    code, output = run("reach", str(path), "--from", "Endpoint", "--to", "internet")
    assert code == 3, output
    assert output.splitlines()[0] == "Endpoint -> internet (TCP 443): UNKNOWN [UNKNOWN]"
    assert "where Endpoint sits: imported from another stack" in output.splitlines()[-1]
