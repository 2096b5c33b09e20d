"""The network model built from templates: relations, defaults and CloudFormation semantics."""

from __future__ import annotations

import textwrap
from typing import Any

import pytest

from vpclint.builder import build_network
from vpclint.intent import subnet_intent, words
from vpclint.judge.flows import Flow
from vpclint.judge.security_groups import protocol_matches
from vpclint.loader import parse
from vpclint.model import (
    EndpointType,
    Network,
    RouteTable,
    SecurityGroup,
    TargetKind,
    Tier,
    normalize_protocol,
)
from vpclint.resolver import Resolver
from vpclint.values import Unknown

BASE = """\
Parameters:
  Unset: {Type: String}
  Flag: {Type: String, Default: "no"}
Conditions:
  Undecided: !Equals [!Ref Unset, "yes"]
  Off: !Equals [!Ref Flag, "yes"]
Resources:
  VPC:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.0.0.0/16}
  IGW:
    Type: AWS::EC2::InternetGateway
  Attachment:
    Type: AWS::EC2::VPCGatewayAttachment
    Properties: {VpcId: !Ref VPC, InternetGatewayId: !Ref IGW}
  PublicSubnet:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref VPC, CidrBlock: 10.0.0.0/24, MapPublicIpOnLaunch: "true"}
  PublicTable:
    Type: AWS::EC2::RouteTable
    Properties: {VpcId: !Ref VPC}
  PublicRoute:
    Type: AWS::EC2::Route
    DependsOn: Attachment
    Properties:
      {RouteTableId: !Ref PublicTable, DestinationCidrBlock: 0.0.0.0/0, GatewayId: !Ref IGW}
  PublicAssociation:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: {SubnetId: !Ref PublicSubnet, RouteTableId: !Ref PublicTable}
"""


def network(extra: str = "", base: str = BASE, **parameters: str) -> Network:
    text = base + textwrap.indent(textwrap.dedent(extra), "  ")
    return build_network(Resolver(parse(text), parameters=parameters))


def by_id(net: Network, logical_id: str) -> Any:
    return net.resources[logical_id]


# -- VPC ----------------------------------------------------------------------------------------


def test_vpc_defaults_and_secondary_blocks() -> None:
    net = network("""
        Secondary:
          Type: AWS::EC2::VPCCidrBlock
          Properties: {VpcId: !Ref VPC, CidrBlock: 100.64.0.0/16}
        Ipv6:
          Type: AWS::EC2::VPCCidrBlock
          Properties: {VpcId: !Ref VPC, AmazonProvidedIpv6CidrBlock: true}
        Other:
          Type: AWS::EC2::VPC
          Properties: {CidrBlock: 10.1.0.0/16, EnableDnsHostnames: true, EnableDnsSupport: false}
    """)
    vpc, other = by_id(net, "VPC"), by_id(net, "Other")
    assert vpc.cidr_blocks == ["10.0.0.0/16", "100.64.0.0/16"]
    assert [str(block) for block in vpc.networks] == ["10.0.0.0/16", "100.64.0.0/16"]
    assert (vpc.dns_support, vpc.dns_hostnames) == (True, False)
    assert (other.dns_support, other.dns_hostnames) == (False, True)
    assert vpc.main_route_table.is_main and vpc.main_route_table.routes == []
    assert [a.logical_id for a in vpc.gateway_attachments] == ["Attachment"]
    assert by_id(net, "IGW").attachments[0].vpc is vpc


def test_vpc_block_from_ipam_is_unknown() -> None:
    net = network("""
        IpamVpc:
          Type: AWS::EC2::VPC
          Properties: {Ipv4IpamPoolId: ipam-pool-1, Ipv4NetmaskLength: 20}
    """)
    vpc = by_id(net, "IpamVpc")
    assert isinstance(vpc.cidr_blocks[0], Unknown)
    assert vpc.networks is None


def test_default_acl_gets_the_ipv6_entries_once_and_ipam_ipv4_blocks_stay_ipv4() -> None:
    net = network("""
        Ipv6A:
          Type: AWS::EC2::VPCCidrBlock
          Properties: {VpcId: !Ref VPC, AmazonProvidedIpv6CidrBlock: true}
        Ipv6B:
          Type: AWS::EC2::VPCCidrBlock
          Properties: {VpcId: !Ref VPC, Ipv6IpamPoolId: ipam-pool-6, Ipv6NetmaskLength: 56}
        FromIpv4Pool:
          Type: AWS::EC2::VPCCidrBlock
          Properties: {VpcId: !Ref VPC, Ipv4IpamPoolId: ipam-pool-4, Ipv4NetmaskLength: 20}
    """)
    vpc = by_id(net, "VPC")
    entries = [
        (e.logical_id, e.rule_number, e.cidr_ipv4 or e.cidr_ipv6)
        for e in vpc.default_network_acl.entries
    ]
    assert entries == [
        ("VPC.DefaultNetworkAcl.Ingress100", 100, "0.0.0.0/0"),
        ("VPC.DefaultNetworkAcl.Egress100", 100, "0.0.0.0/0"),
        ("VPC.DefaultNetworkAcl.Ingress101", 101, "::/0"),
        ("VPC.DefaultNetworkAcl.Egress101", 101, "::/0"),
    ]
    assert len(vpc.ipv6_blocks) == 2
    assert vpc.cidr_blocks[0] == "10.0.0.0/16"
    assert isinstance(vpc.cidr_blocks[1], Unknown) and len(vpc.cidr_blocks) == 2


def test_cdk_placeholder_zones_are_unknown() -> None:
    net = network("""
        CdkSubnet:
          Type: AWS::EC2::Subnet
          Properties: {VpcId: !Ref VPC, CidrBlock: 10.0.5.0/24, AvailabilityZone: dummy1a}
        RealSubnet:
          Type: AWS::EC2::Subnet
          Properties: {VpcId: !Ref VPC, CidrBlock: 10.0.6.0/24, AvailabilityZone: us-east-1a}
    """)
    placeholder = by_id(net, "CdkSubnet")
    assert isinstance(placeholder.availability_zone, Unknown)
    assert "CDK placeholder zone dummy1a" in placeholder.availability_zone.reason
    assert placeholder.zone is None
    assert by_id(net, "RealSubnet").zone == ("name", "us-east-1a")


@pytest.mark.parametrize(
    ("extra", "tier"),
    [
        ("", Tier.PUBLIC),  # the flag alone, no default route: meant to be public
        (
            """
            Nat:
              Type: AWS::EC2::NatGateway
              Properties: {SubnetId: !Ref PublicSubnet, AllocationId: eipalloc-1}
            NatRoute:
              Type: AWS::EC2::Route
              Properties: {RouteTableId: !Ref Table, DestinationCidrBlock: 0.0.0.0/0,
                           NatGatewayId: !Ref Nat}
            """,
            Tier.UNKNOWN,
        ),
        (
            """
            Inspection:
              Type: AWS::EC2::VPCEndpoint
              Properties: {VpcId: !Ref VPC, VpcEndpointType: GatewayLoadBalancer,
                           ServiceName: com.amazonaws.vpce.us-east-1.vpce-svc-1,
                           SubnetIds: [!Ref Flagged]}
            """,
            Tier.UNKNOWN,
        ),
    ],
)
def test_map_public_ip_on_launch_is_a_weak_signal_of_intent(extra: str, tier: Tier) -> None:
    net = network(
        textwrap.dedent("""
        Flagged:
          Type: AWS::EC2::Subnet
          Properties: {VpcId: !Ref VPC, CidrBlock: 10.0.7.0/24, MapPublicIpOnLaunch: true}
        Table:
          Type: AWS::EC2::RouteTable
          Properties: {VpcId: !Ref VPC}
        Association:
          Type: AWS::EC2::SubnetRouteTableAssociation
          Properties: {SubnetId: !Ref Flagged, RouteTableId: !Ref Table}
        """)
        + textwrap.dedent(extra)
    )
    intent = by_id(net, "Flagged").intent
    assert intent.tier is tier
    assert intent.source == ("MapPublicIpOnLaunch is true" if tier is Tier.PUBLIC else "")


# -- subnets and routing ------------------------------------------------------------------------


def test_effective_route_table_and_public_reality() -> None:
    net = network("""
        PrivateSubnet:
          Type: AWS::EC2::Subnet
          Properties: {VpcId: !Ref VPC, CidrBlock: 10.0.1.0/24}
    """)
    public, private = by_id(net, "PublicSubnet"), by_id(net, "PrivateSubnet")
    assert public.route_table is by_id(net, "PublicTable")
    assert public.is_public is True
    assert public.map_public_ip_on_launch is True
    # No association: the VPC's main route table, which has only the local route.
    assert private.route_table is by_id(net, "VPC").main_route_table
    assert private.is_public is False
    assert private.vpc is by_id(net, "VPC")
    assert by_id(net, "VPC").subnets == [public, private]


def test_conditional_association_makes_the_route_table_unknown() -> None:
    net = network("""
        OtherSubnet:
          Type: AWS::EC2::Subnet
          Properties: {VpcId: !Ref VPC, CidrBlock: 10.0.1.0/24}
        MaybeAssociation:
          Type: AWS::EC2::SubnetRouteTableAssociation
          Condition: Undecided
          Properties: {SubnetId: !Ref OtherSubnet, RouteTableId: !Ref PublicTable}
        NeverAssociation:
          Type: AWS::EC2::SubnetRouteTableAssociation
          Condition: Off
          Properties: {SubnetId: !Ref PublicSubnet, RouteTableId: !Ref PublicTable}
    """)
    assert isinstance(by_id(net, "OtherSubnet").route_table, Unknown)
    assert isinstance(by_id(net, "OtherSubnet").is_public, Unknown)
    assert "NeverAssociation" not in net.resources
    assert by_id(net, "MaybeAssociation").certain is False


def test_default_route_through_undecided_gateway_is_unknown() -> None:
    net = network("""
        Table:
          Type: AWS::EC2::RouteTable
          Properties: {VpcId: !Ref VPC}
        Route:
          Type: AWS::EC2::Route
          Properties:
            RouteTableId: !Ref Table
            DestinationCidrBlock: 0.0.0.0/0
            GatewayId: !If [Undecided, !Ref IGW, !Ref AWS::NoValue]
    """)
    route = by_id(net, "Route")
    assert route.target.kind is TargetKind.UNKNOWN
    assert isinstance(by_id(net, "Table").default_route_to_internet_gateway(), Unknown)


@pytest.mark.parametrize(
    ("target", "kind"),
    [
        ("GatewayId: !Ref IGW", TargetKind.INTERNET_GATEWAY),
        ("GatewayId: !Ref VGW", TargetKind.VPN_GATEWAY),
        ("GatewayId: igw-0123456789abcdef0", TargetKind.INTERNET_GATEWAY),
        ("GatewayId: vgw-0123456789abcdef0", TargetKind.VPN_GATEWAY),
        ("GatewayId: local", TargetKind.LOCAL),
        ("NatGatewayId: !Ref NAT", TargetKind.NAT_GATEWAY),
        ("TransitGatewayId: tgw-1", TargetKind.TRANSIT_GATEWAY),
        ("VpcPeeringConnectionId: pcx-1", TargetKind.PEERING),
        ("VpcEndpointId: vpce-1", TargetKind.VPC_ENDPOINT),
        ("NetworkInterfaceId: eni-1", TargetKind.NETWORK_INTERFACE),
        ("InstanceId: i-1", TargetKind.INSTANCE),
        ("EgressOnlyInternetGatewayId: eigw-1", TargetKind.EGRESS_ONLY_INTERNET_GATEWAY),
        ("GatewayId: !Ref Unset", TargetKind.UNKNOWN),
        ("GatewayId: !Ref IGW, NatGatewayId: !Ref NAT", TargetKind.UNKNOWN),
    ],
)
def test_route_targets_are_typed(target: str, kind: TargetKind) -> None:
    net = network(f"""
        VGW:
          Type: AWS::EC2::VPNGateway
          Properties: {{Type: ipsec.1}}
        NAT:
          Type: AWS::EC2::NatGateway
          Properties: {{SubnetId: !Ref PublicSubnet, AllocationId: eipalloc-1}}
        Route:
          Type: AWS::EC2::Route
          Properties: {{RouteTableId: !Ref PublicTable, DestinationCidrBlock: 10.9.0.0/16,
                       {target}}}
    """)
    route = by_id(net, "Route")
    assert route.target.kind is kind
    assert route.route_table is by_id(net, "PublicTable")
    if "!Ref NAT" in target and kind is TargetKind.NAT_GATEWAY:
        assert route.target.resource is by_id(net, "NAT")


def test_route_keeps_depends_on() -> None:
    assert by_id(network(), "PublicRoute").depends_on == ("Attachment",)


def test_nat_gateway() -> None:
    net = network("""
        EIP:
          Type: AWS::EC2::EIP
          Properties: {Domain: vpc}
        NAT:
          Type: AWS::EC2::NatGateway
          Properties: {SubnetId: !Ref PublicSubnet, AllocationId: !GetAtt EIP.AllocationId}
        PrivateNAT:
          Type: AWS::EC2::NatGateway
          Properties: {SubnetId: !Ref PublicSubnet, ConnectivityType: private}
    """)
    nat, private = by_id(net, "NAT"), by_id(net, "PrivateNAT")
    assert nat.subnet is by_id(net, "PublicSubnet")
    assert nat.allocation_id.logical_id == "EIP"
    assert nat.connectivity_type == "public"
    assert (private.allocation_id, private.connectivity_type) == (None, "private")
    assert by_id(net, "PublicSubnet").workloads == [nat, private]


# -- intent -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("logical_id", "words_found"),
    [
        ("PrivateSubnet1A", ["private", "subnet", "1", "a"]),
        ("SubnetAPrivate", ["subnet", "a", "private"]),
        ("DMZSubnet", ["dmz", "subnet"]),
        ("private_subnet-b", ["private", "subnet", "b"]),
    ],
)
def test_words(logical_id: str, words_found: list[str]) -> None:
    assert words(logical_id) == words_found


@pytest.mark.parametrize(
    ("logical_id", "metadata", "name", "tier"),
    [
        ("PrivateSubnet1A", None, None, Tier.PRIVATE),
        ("IsolatedSubnet", None, None, Tier.PRIVATE),
        ("SubnetAPublic", None, None, Tier.PUBLIC),
        ("DmzA", None, None, Tier.PUBLIC),
        ("AppSubnet", None, None, Tier.UNKNOWN),
        ("PublicationSubnet", None, None, Tier.UNKNOWN),  # whole words only
        ("SubnetA", None, "prod-private-a", Tier.PRIVATE),
        ("PrivateSubnet", None, "public-a", Tier.UNKNOWN),  # conflicting signals
        ("PrivateSubnet", {"vpclint": {"tier": "public"}}, None, Tier.PUBLIC),
        ("SubnetA", {"vpclint": {"tier": "PRIVATE"}}, None, Tier.PRIVATE),
    ],
)
def test_intent(logical_id: str, metadata: dict | None, name: str | None, tier: Tier) -> None:
    tags = [{"Key": "Name", "Value": name}] if name else None
    assert subnet_intent(logical_id, metadata, tags).tier is tier


def test_intent_reads_the_known_parts_of_a_sub_name() -> None:
    net = network("""
        SubnetA:
          Type: AWS::EC2::Subnet
          Properties:
            VpcId: !Ref VPC
            CidrBlock: 10.0.1.0/24
            Tags: [{Key: Name, Value: !Sub "${AWS::StackName}-private-a"}]
    """)
    intent = by_id(net, "SubnetA").intent
    assert intent.tier is Tier.PRIVATE
    assert intent.source == "its Name tag '…-private-a'"


# -- security groups ----------------------------------------------------------------------------


SECURITY_GROUPS = """
    Clients:
      Type: AWS::EC2::SecurityGroup
      Properties: {GroupDescription: clients, VpcId: !Ref VPC}
    Server:
      Type: AWS::EC2::SecurityGroup
      Properties:
        GroupDescription: server
        VpcId: !Ref VPC
        SecurityGroupIngress:
          - {IpProtocol: TCP, FromPort: "443", ToPort: 443, CidrIp: 10.0.0.0/16}
          - !If [Undecided, {IpProtocol: udp, FromPort: 53, ToPort: 53, CidrIp: 0.0.0.0/0},
                 !Ref AWS::NoValue]
        SecurityGroupEgress:
          - {IpProtocol: "-1", CidrIp: 10.0.0.0/8}
    FromClients:
      Type: AWS::EC2::SecurityGroupIngress
      Properties:
        GroupId: !GetAtt Server.GroupId
        IpProtocol: 6
        FromPort: 8000
        ToPort: 8999
        SourceSecurityGroupId: !Ref Clients
    ToClients:
      Type: AWS::EC2::SecurityGroupEgress
      Properties:
        GroupId: !Ref Clients
        IpProtocol: tcp
        FromPort: 443
        ToPort: 443
        DestinationPrefixListId: pl-63a5400a
    IntoDefault:
      Type: AWS::EC2::SecurityGroupIngress
      Properties:
        GroupId: !GetAtt VPC.DefaultSecurityGroup
        IpProtocol: tcp
        FromPort: 22
        ToPort: 22
        CidrIp: 10.0.0.0/16
"""


def test_security_group_rules_inline_and_standalone() -> None:
    net = network(SECURITY_GROUPS)
    server, clients = by_id(net, "Server"), by_id(net, "Clients")
    assert isinstance(server, SecurityGroup) and server.vpc is by_id(net, "VPC")
    first, maybe, standalone = server.ingress
    assert (first.protocol, first.from_port, first.to_port, first.cidr_ipv4) == (
        "6",
        443,
        443,
        "10.0.0.0/16",
    )
    assert first.certain and first.source_id == "Server"
    assert (maybe.protocol, maybe.certain) == ("17", False)
    assert standalone.source_id == "FromClients" and standalone.peer is clients
    ports = (standalone.protocol, standalone.from_port, standalone.to_port)
    assert protocol_matches(*ports, Flow("6", 8443)) is True
    assert protocol_matches(*ports, Flow("6", 443)) is False
    assert protocol_matches(*ports, Flow("17", 8443)) is False
    # An explicit egress rule replaces the default allow-all; none leaves it in place.
    assert [(r.protocol, r.cidr_ipv4) for r in server.egress] == [("-1", "10.0.0.0/8")]
    assert [r.prefix_list for r in clients.egress] == ["pl-63a5400a"]
    assert [(r.protocol, r.cidr_ipv4) for r in by_id(net, "VPC").default_security_group.egress] == [
        ("-1", "0.0.0.0/0")
    ]


def test_rules_added_to_the_default_group() -> None:
    default = by_id(network(SECURITY_GROUPS), "VPC").default_security_group
    assert default.is_default and default.implicit
    self_rule, added = default.ingress
    assert self_rule.peer is default
    assert (added.source_id, added.from_port) == ("IntoDefault", 22)


def test_unreadable_rules_are_recorded() -> None:
    net = network("""
        Imported:
          Type: AWS::EC2::SecurityGroup
          Properties:
            GroupDescription: x
            VpcId: !Ref VPC
            SecurityGroupIngress: !Split [",", !ImportValue rules]
    """)
    assert len(by_id(net, "Imported").unreadable) == 1


@pytest.mark.parametrize(
    ("written", "normal"),
    [
        ("tcp", "6"),
        ("TCP", "6"),
        (6, "6"),
        ("6", "6"),
        ("udp", "17"),
        ("icmp", "1"),
        ("-1", "-1"),
        (-1, "-1"),
        ("all", "-1"),
        ("50", "50"),
    ],
)
def test_protocols_are_normalised(written: object, normal: str) -> None:
    assert normalize_protocol(written) == normal


def test_bad_protocol_is_unknown() -> None:
    assert isinstance(normalize_protocol("tcpp"), Unknown)


# -- endpoints and workloads --------------------------------------------------------------------


def test_endpoints() -> None:
    net = network("""
        Gateway:
          Type: AWS::EC2::VPCEndpoint
          Properties:
            VpcId: !Ref VPC
            ServiceName: !Sub com.amazonaws.${AWS::Region}.s3
            RouteTableIds: [!Ref PublicTable, rtb-123]
        Ecr:
          Type: AWS::EC2::VPCEndpoint
          Properties:
            VpcId: !Ref VPC
            VpcEndpointType: Interface
            ServiceName: !Sub com.amazonaws.${AWS::Region}.ecr.api
            SubnetIds: [!Ref PublicSubnet]
            SecurityGroupIds: []
            PrivateDnsEnabled: true
    """)
    gateway, ecr = by_id(net, "Gateway"), by_id(net, "Ecr")
    assert gateway.endpoint_type is EndpointType.GATEWAY and gateway.service == "s3"
    assert gateway.route_tables == [by_id(net, "PublicTable"), "rtb-123"]
    assert gateway.effective_security_groups == []
    assert ecr.endpoint_type is EndpointType.INTERFACE and ecr.service == "ecr.api"
    assert ecr.private_dns is True
    # An empty list leaves the endpoint in the VPC's default group.
    assert ecr.security_groups is None
    default = by_id(net, "VPC").default_security_group
    assert ecr.effective_security_groups == [default]
    assert default.members == [ecr]
    assert by_id(net, "PublicSubnet").workloads == [ecr]


def test_instances_and_network_interfaces() -> None:
    net = network(
        SECURITY_GROUPS
        + """
    Plain:
      Type: AWS::EC2::Instance
      Properties: {SubnetId: !Ref PublicSubnet, ImageId: ami-1}
    WithGroups:
      Type: AWS::EC2::Instance
      Properties: {SubnetId: !Ref PublicSubnet, ImageId: ami-1, SecurityGroupIds: [!Ref Clients]}
    WithInterfaces:
      Type: AWS::EC2::Instance
      Properties:
        ImageId: ami-1
        NetworkInterfaces:
          - {DeviceIndex: "0", SubnetId: !Ref PublicSubnet, GroupSet: [!Ref Server],
             AssociatePublicIpAddress: true}
    Eni:
      Type: AWS::EC2::NetworkInterface
      Properties: {SubnetId: !Ref PublicSubnet, GroupSet: [sg-0123]}
    """
    )
    plain, grouped, interfaces = (by_id(net, n) for n in ("Plain", "WithGroups", "WithInterfaces"))
    default = by_id(net, "VPC").default_security_group
    assert plain.subnet is by_id(net, "PublicSubnet") and plain.security_groups == [default]
    assert grouped.security_groups == [by_id(net, "Clients")]
    assert interfaces.subnet is by_id(net, "PublicSubnet")
    assert interfaces.security_groups == [by_id(net, "Server")]
    assert interfaces.associate_public_ip is True
    assert by_id(net, "Eni").security_groups == ["sg-0123"]
    assert default.members == [plain]
    assert by_id(net, "Server").members == [interfaces]


def test_instance_in_a_subnet_listed_later_still_gets_the_default_group() -> None:
    text = BASE.replace(
        "Resources:\n",
        textwrap.dedent("""\
        Resources:
          First:
            Type: AWS::EC2::Instance
            Properties: {SubnetId: !Ref PublicSubnet, ImageId: ami-1}
        """),
    )
    net = build_network(Resolver(parse(text)))
    assert by_id(net, "First").security_groups == [by_id(net, "VPC").default_security_group]


def test_conditions_leave_out_or_mark_resources() -> None:
    net = network("""
        Never:
          Type: AWS::EC2::RouteTable
          Condition: Off
          Properties: {VpcId: !Ref VPC}
        Maybe:
          Type: AWS::EC2::RouteTable
          Condition: Undecided
          Properties: {VpcId: !Ref VPC}
    """)
    assert "Never" not in net.resources
    maybe = by_id(net, "Maybe")
    assert isinstance(maybe, RouteTable) and maybe.certain is False
    # A parameter value decides the condition.
    decided = network(
        """
        Never:
          Type: AWS::EC2::RouteTable
          Condition: Off
          Properties: {VpcId: !Ref VPC}
    """,
        Flag="yes",
    )
    assert by_id(decided, "Never").certain is True


def test_unmodelled_workloads_may_sit_in_the_default_group() -> None:
    net = network("""
        Service:
          Type: AWS::ECS::Service
          Properties: {Cluster: c}
        Topic:
          Type: AWS::SNS::Topic
        Logs:
          Type: AWS::Logs::LogGroup
    """)
    default = by_id(net, "VPC").default_security_group
    assert [r.logical_id for r in default.possible_members] == ["Service"]


def test_dependencies_follow_every_resource_and_every_branch() -> None:
    net = network("""
        Waiter:
          Type: AWS::CloudFormation::WaitConditionHandle
          DependsOn: Attachment
        Custom:
          Type: Custom::Thing
          Properties: {ServiceToken: !Sub "arn:${AWS::Partition}:x:${Waiter}"}
        Table:
          Type: AWS::EC2::RouteTable
          Properties: {VpcId: !GetAtt VPC.VpcId, Tags: [{Key: x, Value: !Ref Custom}]}
        Route:
          Type: AWS::EC2::Route
          Properties: {RouteTableId: !Ref Table, DestinationCidrBlock: 0.0.0.0/0,
                       GatewayId: !Ref IGW}
        Maybe:
          Type: AWS::EC2::Route
          Properties:
            RouteTableId: !If [Undecided, !Ref PublicTable, !Ref Table]
            DestinationCidrBlock: 10.1.0.0/16
            GatewayId: !Ref IGW
    """)
    assert net.dependencies["Table"] == {"VPC", "Custom"}
    assert net.dependencies["Custom"] == {"Waiter"}
    route = by_id(net, "Route")
    # Route → Table → Custom → Waiter
    assert net.created_after(route, [by_id(net, "Attachment")])
    assert not net.created_after(by_id(net, "PublicRoute"), [by_id(net, "Table")])
    assert net.dependencies["Maybe"] == {"PublicTable", "Table", "IGW"}


def test_each_workload_area_builds_only_types_under_its_prefixes() -> None:
    import importlib

    from vpclint.builder import NETWORK_CONSTRUCTORS, WORKLOAD_AREAS, constructors_for

    every_prefix = tuple(prefix for prefixes in WORKLOAD_AREAS.values() for prefix in prefixes)
    for area, prefixes in WORKLOAD_AREAS.items():
        kinds = importlib.import_module(f"vpclint.builder.{area}").CONSTRUCTORS
        assert kinds, area
        assert [kind for kind in kinds if not kind.startswith(prefixes)] == [], area
        assert set(kinds) <= set(constructors_for(list(kinds)))
    # A network type never waits for a workload area to be imported.
    assert [kind for kind in NETWORK_CONSTRUCTORS if kind.startswith(every_prefix)] == []
    assert set(constructors_for(["AWS::EC2::Subnet"])) == set(NETWORK_CONSTRUCTORS)


# -- DNS settings -------------------------------------------------------------------------------


def test_resolver_rules_zones_and_records_are_wired() -> None:
    net = network("""
        Rule:
          Type: AWS::Route53Resolver::ResolverRule
          Properties: {RuleType: forward, DomainName: amazonaws.com, TargetIps: [{Ip: 10.9.0.2}]}
        RuleAssociation:
          Type: AWS::Route53Resolver::ResolverRuleAssociation
          Properties: {ResolverRuleId: !GetAtt Rule.ResolverRuleId, VPCId: !Ref VPC}
        Endpoint:
          Type: AWS::EC2::VPCEndpoint
          Properties:
            VpcEndpointType: Interface
            ServiceName: com.amazonaws.us-east-1.ssm
            VpcId: !Ref VPC
            SubnetIds: [!Ref PublicSubnet]
        Zone:
          Type: AWS::Route53::HostedZone
          Properties: {Name: ssm.us-east-1.amazonaws.com, VPCs: [{VPCId: !Ref VPC}, {VPCId: vpc-1}]}
        Records:
          Type: AWS::Route53::RecordSetGroup
          Properties:
            HostedZoneId: !Ref Zone
            RecordSets:
              - Name: ssm.us-east-1.amazonaws.com
                Type: A
                AliasTarget:
                  DNSName: !Select [1, !Split [":", !Select [0, !GetAtt Endpoint.DnsEntries]]]
                  HostedZoneId: Z1
              - {Name: other.example.com, Type: A, TTL: "60", ResourceRecords: [10.0.0.9]}
        Options:
          Type: AWS::EC2::DHCPOptions
          Properties: {DomainNameServers: [10.0.0.2, AmazonProvidedDNS]}
        OptionsAssociation:
          Type: AWS::EC2::VPCDHCPOptionsAssociation
          Properties: {VpcId: !Ref VPC, DhcpOptionsId: !Ref Options}
    """)
    vpc, endpoint = by_id(net, "VPC"), by_id(net, "Endpoint")
    association, zone, options = (
        by_id(net, "RuleAssociation"),
        by_id(net, "Zone"),
        by_id(net, "OptionsAssociation"),
    )
    assert net.dns_settings == [association, zone, options]
    assert association.vpc is vpc and association.rule is by_id(net, "Rule")
    assert (association.rule.rule_type, association.rule.domain) == ("FORWARD", "amazonaws.com")
    assert zone.vpcs == [vpc, "vpc-1"] and zone.records_unknown is None
    assert [(r.name, r.endpoint) for r in zone.records] == [
        ("ssm.us-east-1.amazonaws.com", endpoint),
        ("other.example.com", None),
    ]
    assert endpoint.dns_entries_read_by == ["Records"]
    assert options.options.name_servers == ["10.0.0.2", "AmazonProvidedDNS"]


def test_a_record_set_naming_its_zone_by_name_leaves_the_zone_open() -> None:
    net = network("""
        Zone:
          Type: AWS::Route53::HostedZone
          Properties: {Name: corp.example.com., VPCs: [{VPCId: !Ref VPC}]}
        Other:
          Type: AWS::Route53::HostedZone
          Properties: {Name: other.example.com, VPCs: [{VPCId: !Ref VPC}]}
        Record:
          Type: AWS::Route53::RecordSet
          Properties: {HostedZoneName: CORP.example.com., Name: a.corp.example.com, Type: A,
                       TTL: "60", ResourceRecords: [10.0.0.9]}
    """)
    assert by_id(net, "Zone").records_unknown == "Record may add records to it"
    assert by_id(net, "Other").records_unknown is None
