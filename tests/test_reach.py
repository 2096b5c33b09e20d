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
from vpclint.reach import (
    ENDPOINT_SG,
    NACL_RETURN,
    NAT_NOT_PUBLIC,
    NO_PUBLIC_IP,
    NO_ROUTE,
    REACHABLE,
    SG_EGRESS,
    UNKNOWN,
    UNREACHABLE,
    ReachError,
    reach,
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
    assert "MyEC2SecurityGroupEgressAllowToSSM" in answer.hops[1].detail
    assert "MySSMSecurityGroupIngress" in answer.hops[3].detail


def test_seed_instance_reaches_s3_through_the_gateway_endpoint() -> None:
    answer = reach(seed(), "MyEC2Instance", "s3")
    assert (answer.verdict, answer.via) == (REACHABLE, "gateway endpoint S3VPCEndpoint")
    assert "prefix list pl-61a54008" in answer.hops[0].detail


def test_seed_instance_has_no_route_to_the_internet() -> None:
    answer = reach(seed(), "MyEC2Instance", "internet")
    assert (answer.verdict, answer.code) == (UNREACHABLE, NO_ROUTE)
    assert answer.codes == [NO_ROUTE, SG_EGRESS]  # its egress rules would stop it too
    assert "route table PrivateSubnetRouteTable has no route to 0.0.0.0/0" in answer.explanation


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
    assert (answer.verdict, answer.via) == (REACHABLE, "NAT gateway NAT")
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
    assert "NAT gateway NAT sits in subnet PrivateSubnet" in answer.explanation


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
    assert (answer.verdict, answer.code) == (UNREACHABLE, NACL_RETURN)
    assert "network ACL PrivateAcl of subnet PrivateSubnet drops the replies inbound" in (
        answer.explanation
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
    assert (answer.verdict, answer.code) == (UNREACHABLE, ENDPOINT_SG)
    assert "security groups (EndpointGroup)" in answer.explanation


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
    assert reach(net, "PrivateInstance", "Db", port=22).code == "SG_INGRESS"
    assert reach(net, "PrivateInstance", "10.0.0.0/24").via == "local route"
    assert reach(net, "PrivateInstance", "8.8.8.8").via == "NAT gateway NAT"


def test_bad_queries() -> None:
    with pytest.raises(ReachError, match="no resource 'Nope'"):
        reach(network(), "Nope", "internet")
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
    assert output.splitlines()[0] == "MyEC2Instance -> internet (TCP 443): NOT reachable [NO_ROUTE]"
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
