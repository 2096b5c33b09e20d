"""The network a template builds: typed objects with their relations already wired.

Relations to things outside the template, or not knowable before deployment, are None (or
Unknown where the reason matters). Objects whose `Condition` is undecided are kept with
`certain=False`: a rule may count them as possibly present, never report on them.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from enum import Enum
from typing import Any

from vpclint.nodes import MapNode, Mark
from vpclint.records import field, record
from vpclint.values import UNKNOWN_PART, Unknown

IPv4Network = ipaddress.IPv4Network
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")


class Tier(Enum):
    PUBLIC = "public"
    PRIVATE = "private"
    UNKNOWN = "unknown"


@record(frozen=True)
class Intent:
    """What the author meant a subnet to be, and what says so."""

    tier: Tier
    source: str = ""


@record(eq=False)
class Resource:
    """A resource of the template (or one AWS creates implicitly, `implicit=True`)."""

    logical_id: str
    type: str
    mark: Mark
    properties: MapNode = field(default_factory=MapNode, repr=False)
    certain: bool = True
    implicit: bool = False
    depends_on: tuple[str, ...] = ()

    def mark_of(self, property_name: str) -> Mark:
        """Where a property's value is written, or the resource itself when it is not."""
        return self.properties.value_marks.get(property_name, self.mark)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.logical_id})"


def network_of(value: Any) -> IPv4Network | None:
    """An IPv4 block from a CIDR string, or None when it is not one (or Unknown)."""
    if not isinstance(value, str):
        return None
    try:
        return ipaddress.IPv4Network(value, strict=False)
    except ValueError:
        return None


# -- VPC and subnets ----------------------------------------------------------------------------


@record(eq=False, repr=False)
class Vpc(Resource):
    cidr_blocks: list[Any] = field(default_factory=list)  # str or Unknown; primary first
    # Who wrote each block: the VPC itself, then its AWS::EC2::VPCCidrBlock resources.
    block_sources: list[Resource] = field(default_factory=list)
    dns_support: bool | Unknown = True
    dns_hostnames: bool | Unknown = False
    subnets: list[Subnet] = field(default_factory=list)
    route_tables: list[RouteTable] = field(default_factory=list)
    gateway_attachments: list[GatewayAttachment] = field(default_factory=list)
    main_route_table: RouteTable | None = None
    # Whether a subnet without an association certainly uses the main route table as written:
    # the template routes this VPC, and no association or route names something unknowable
    # (another stack, or a custom resource, may associate subnets or add routes to it).
    main_route_table_settled: bool = False
    default_security_group: SecurityGroup | None = None
    default_network_acl: NetworkAcl | None = None
    flow_logs: list[Resource] = field(default_factory=list)

    @property
    def networks(self) -> list[IPv4Network] | None:
        """The VPC's IPv4 blocks, or None when any of them is unknown."""
        blocks = [network_of(block) for block in self.cidr_blocks]
        if not blocks or any(block is None for block in blocks):
            return None
        return blocks  # type: ignore[return-value]


@record(eq=False, repr=False)
class Subnet(Resource):
    vpc: Vpc | None = None
    cidr_block: Any = None
    availability_zone: Any = None
    map_public_ip_on_launch: bool | Unknown = False
    intent: Intent = Intent(Tier.UNKNOWN)
    associations: list[RouteTableAssociation] = field(default_factory=list)
    acl_associations: list[NetworkAclAssociation] = field(default_factory=list)
    workloads: list[Resource] = field(default_factory=list)

    @property
    def zone(self) -> tuple[str, str] | None:
        """("name", "us-east-1a") or ("id", "use1-az1") when the subnet's zone is written and
        known (`AvailabilityZone`, or else `AvailabilityZoneId`); None otherwise."""
        if self.availability_zone is None:
            zone_id = self.properties.get("AvailabilityZoneId")
            return ("id", zone_id) if isinstance(zone_id, str) and zone_id else None
        zone = self.availability_zone
        return ("name", zone) if isinstance(zone, str) and zone else None

    @property
    def network_acl(self) -> NetworkAcl | Unknown:
        """The network ACL the subnet uses: its association, or the VPC's default ACL."""
        if any(not a.certain or a.acl is None for a in self.acl_associations):
            return Unknown(f"the network ACL of subnet {self.logical_id} is not known", self.mark)
        acls = {id(a.acl): a.acl for a in self.acl_associations}
        if len(acls) > 1:
            return Unknown(f"subnet {self.logical_id} has several network ACLs", self.mark)
        if acls:
            return next(iter(acls.values()))  # type: ignore[return-value]
        if self.vpc is None or self.vpc.default_network_acl is None:
            return Unknown(f"the VPC of subnet {self.logical_id} is not in the template", self.mark)
        return self.vpc.default_network_acl

    @property
    def route_table(self) -> RouteTable | Unknown:
        """The route table the subnet uses: its one association, or the VPC's main table."""
        if any(not a.certain or a.route_table is None for a in self.associations):
            return Unknown(f"the route table of subnet {self.logical_id} is not known", self.mark)
        tables = {id(a.route_table): a.route_table for a in self.associations}
        if len(tables) > 1:
            return Unknown(f"subnet {self.logical_id} has several route tables", self.mark)
        if tables:
            return next(iter(tables.values()))  # type: ignore[return-value]
        if self.vpc is None or self.vpc.main_route_table is None:
            return Unknown(f"the VPC of subnet {self.logical_id} is not in the template", self.mark)
        if not self.vpc.main_route_table_settled:
            return Unknown(
                f"subnet {self.logical_id} may be routed outside the template", self.mark
            )
        return self.vpc.main_route_table

    @property
    def is_public(self) -> bool | Unknown:
        """Whether the subnet's route table sends the default route to an internet gateway."""
        table = self.route_table
        if isinstance(table, Unknown):
            return table
        return table.default_route_to_internet_gateway()


# -- routing ------------------------------------------------------------------------------------


class TargetKind(Enum):
    INTERNET_GATEWAY = "internet gateway"
    EGRESS_ONLY_INTERNET_GATEWAY = "egress-only internet gateway"
    NAT_GATEWAY = "NAT gateway"
    VPN_GATEWAY = "virtual private gateway"
    TRANSIT_GATEWAY = "transit gateway"
    PEERING = "VPC peering connection"
    VPC_ENDPOINT = "VPC endpoint"
    NETWORK_INTERFACE = "network interface"
    INSTANCE = "instance"
    CARRIER_GATEWAY = "carrier gateway"
    LOCAL_GATEWAY = "local gateway"
    CORE_NETWORK = "core network"
    LOCAL = "local"
    UNKNOWN = "unknown target"


@record(frozen=True, eq=False)
class RouteTarget:
    kind: TargetKind
    resource: Resource | None = None  # the template's resource, when the target is one
    value: Any = None  # what the route names (an ID, a ResourceRef or Unknown)

    def describe(self) -> str:
        name = self.resource.logical_id if self.resource else self.value
        return f"{self.kind.value} {name}" if isinstance(name, str) else self.kind.value


@record(eq=False, repr=False)
class RouteTable(Resource):
    vpc: Vpc | None = None
    routes: list[Route] = field(default_factory=list)
    associations: list[RouteTableAssociation] = field(default_factory=list)
    is_main: bool = False

    def default_route_to_internet_gateway(self) -> bool | Unknown:
        """True when 0.0.0.0/0 goes to an internet gateway; Unknown when that is undecided."""
        undecided = None
        for route in self.routes:
            if route.destination == "0.0.0.0/0" or isinstance(route.destination, Unknown):
                if route.target.kind is TargetKind.INTERNET_GATEWAY:
                    if route.certain and route.destination == "0.0.0.0/0":
                        return True
                    undecided = route
                elif route.target.kind is TargetKind.UNKNOWN:
                    undecided = route
        if undecided is not None:
            return Unknown(f"route {undecided.logical_id} may send traffic to the internet")
        return False


@record(eq=False, repr=False)
class Route(Resource):
    route_table: RouteTable | None = None
    destination: Any = None  # CIDR string, prefix list ID or Unknown
    target: RouteTarget = RouteTarget(TargetKind.UNKNOWN)


@record(eq=False, repr=False)
class RouteTableAssociation(Resource):
    subnet: Subnet | None = None
    route_table: RouteTable | None = None


# -- gateways -----------------------------------------------------------------------------------


@record(eq=False, repr=False)
class InternetGateway(Resource):
    attachments: list[GatewayAttachment] = field(default_factory=list)


@record(eq=False, repr=False)
class VpnGateway(Resource):
    attachments: list[GatewayAttachment] = field(default_factory=list)


@record(eq=False, repr=False)
class GatewayAttachment(Resource):
    vpc: Vpc | None = None
    gateway: InternetGateway | VpnGateway | None = None


@record(eq=False, repr=False)
class NatGateway(Resource):
    subnet: Subnet | None = None
    allocation_id: Any = None  # None when the property is absent
    connectivity_type: Any = "public"


@record(eq=False, repr=False)
class ElasticIp(Resource):
    domain: Any = None
    instance: Instance | None = None
    network_interface: NetworkInterface | None = None


@record(eq=False, repr=False)
class CustomerGateway(Resource):
    pass


@record(eq=False, repr=False)
class TransitGateway(Resource):
    attachments: list[TransitGatewayAttachment] = field(default_factory=list)


@record(eq=False, repr=False)
class TransitGatewayAttachment(Resource):
    vpc: Vpc | None = None
    transit_gateway: TransitGateway | Unknown | str | None = None
    subnets: list[Subnet | Unknown | str] | Unknown = field(default_factory=list)


@record(eq=False, repr=False)
class VpnConnection(Resource):
    customer_gateway: CustomerGateway | Unknown | str | None = None
    vpn_gateway: VpnGateway | Unknown | str | None = None
    transit_gateway: TransitGateway | Unknown | str | None = None


@record(eq=False, repr=False)
class RoutePropagation(Resource):
    """`AWS::EC2::VPNGatewayRoutePropagation`: a VPN gateway's routes into route tables."""

    vpn_gateway: VpnGateway | Unknown | str | None = None
    route_tables: list[RouteTable | Unknown | str] | Unknown = field(default_factory=list)


@record(eq=False, repr=False)
class PeeringConnection(Resource):
    vpc: Vpc | None = None
    peer_vpc: Vpc | Unknown | str | None = None
    # True when the peer is named in another account or region (it cannot be this template's).
    cross_account_or_region: bool = False


# -- security groups ----------------------------------------------------------------------------

ALL_PROTOCOLS = "-1"
_PROTOCOL_NAMES = {"tcp": "6", "udp": "17", "icmp": "1", "icmpv6": "58", "all": ALL_PROTOCOLS}


def normalize_protocol(value: Any) -> str | Unknown:
    """An IP protocol as its number in text ("6"), "-1" for all; names in any case."""
    if isinstance(value, Unknown):
        return value
    if isinstance(value, bool) or value is None:
        return Unknown(f"IpProtocol {value!r} is not a protocol")
    text = str(value).strip().lower()
    if text in _PROTOCOL_NAMES:
        return _PROTOCOL_NAMES[text]
    try:
        number = int(text)
    except ValueError:
        return Unknown(f"IpProtocol {value!r} is not a protocol")
    return ALL_PROTOCOLS if number == -1 else str(number)


def normalize_port(value: Any) -> int | Unknown | None:
    if value is None or isinstance(value, Unknown):
        return value
    try:
        return int(str(value))
    except ValueError:
        return Unknown(f"port {value!r} is not a number")


@record(eq=False)
class SecurityGroupRule:
    """One ingress or egress rule, from inline properties or a standalone resource."""

    group: SecurityGroup
    direction: str  # "ingress" or "egress"
    mark: Mark
    source_id: str  # the resource that wrote it: the group, or a SecurityGroupIngress/Egress
    protocol: str | Unknown = ALL_PROTOCOLS
    from_port: int | Unknown | None = None
    to_port: int | Unknown | None = None
    cidr_ipv4: Any = None
    cidr_ipv6: Any = None
    prefix_list: Any = None
    peer: SecurityGroup | Unknown | str | None = None  # another group (or an ID outside)
    certain: bool = True

    def allows_port(self, protocol: str, port: int) -> bool | Unknown:
        """Whether the rule lets `protocol` (a number in text) through on `port`."""
        return _matches(self.protocol, self.from_port, self.to_port, protocol, port)


def _matches(
    rule_protocol: str | Unknown, low: Any, high: Any, protocol: str, port: int
) -> bool | Unknown:
    """Whether a rule of `rule_protocol` and ports low..high covers `protocol` on `port`."""
    if isinstance(rule_protocol, Unknown):
        return rule_protocol
    if rule_protocol == ALL_PROTOCOLS:
        return True
    if rule_protocol != protocol:
        return False
    for bound in (low, high):
        if isinstance(bound, Unknown):
            return bound
    if low in (None, -1) and high in (None, -1):
        return True
    low = low if low not in (None, -1) else high
    high = high if high not in (None, -1) else low
    return low <= port <= high  # type: ignore[operator]


@record(eq=False, repr=False)
class SecurityGroup(Resource):
    vpc: Vpc | None = None
    ingress: list[SecurityGroupRule] = field(default_factory=list)
    explicit_egress: list[SecurityGroupRule] = field(default_factory=list)
    # Unknown when the inline rule lists cannot be read (an import, an undecided Fn::If).
    unreadable: list[Unknown] = field(default_factory=list)
    is_default: bool = False
    members: list[Resource] = field(default_factory=list)
    # Resources vpclint does not model that may sit in this group without naming it (only
    # for a default group: an ECS service or Auto Scaling group given no security groups).
    possible_members: list[Resource] = field(default_factory=list)

    @property
    def egress(self) -> list[SecurityGroupRule]:
        """Outbound rules: all traffic until any egress rule is added, then only those."""
        if self.explicit_egress:
            return self.explicit_egress
        return [
            SecurityGroupRule(self, "egress", self.mark, self.logical_id, cidr_ipv4="0.0.0.0/0")
        ]


# -- network ACLs ------------------------------------------------------------------------------


@record(eq=False, repr=False)
class NetworkAclEntry(Resource):
    acl: NetworkAcl | None = None
    rule_number: int | Unknown = 0
    egress: bool | Unknown = False
    action: str | Unknown = "allow"  # "allow" or "deny"
    protocol: str | Unknown = ALL_PROTOCOLS
    cidr_ipv4: Any = None
    cidr_ipv6: Any = None
    from_port: int | Unknown | None = None
    to_port: int | Unknown | None = None
    icmp: Any = None

    def allows_port(self, protocol: str, port: int) -> bool | Unknown:
        """Whether the entry matches `protocol` (a number in text) on `port`."""
        return _matches(self.protocol, self.from_port, self.to_port, protocol, port)


@record(eq=False, repr=False)
class NetworkAcl(Resource):
    vpc: Vpc | None = None
    entries: list[NetworkAclEntry] = field(default_factory=list)
    associations: list[NetworkAclAssociation] = field(default_factory=list)
    is_default: bool = False

    def entries_in(self, egress: bool) -> list[NetworkAclEntry]:
        """Entries of one direction in the order AWS evaluates them (lowest number first).

        Entries whose number or direction is unknown are left out; see `readable`.
        """
        chosen = [e for e in self.entries if e.egress is egress and isinstance(e.rule_number, int)]
        return sorted(chosen, key=lambda entry: entry.rule_number)  # type: ignore[arg-type,return-value]

    @property
    def readable(self) -> bool:
        """Whether every entry is certain and has a known number and direction."""
        return all(
            entry.certain and isinstance(entry.rule_number, int) and isinstance(entry.egress, bool)
            for entry in self.entries
        )


@record(eq=False, repr=False)
class NetworkAclAssociation(Resource):
    subnet: Subnet | None = None
    acl: NetworkAcl | None = None


# -- endpoints and workloads --------------------------------------------------------------------


class EndpointType(Enum):
    GATEWAY = "Gateway"
    INTERFACE = "Interface"
    GATEWAY_LOAD_BALANCER = "GatewayLoadBalancer"


@record(eq=False, repr=False)
class VpcEndpoint(Resource):
    vpc: Vpc | None = None
    service_name: Any = None
    endpoint_type: EndpointType | Unknown = EndpointType.GATEWAY
    route_tables: list[RouteTable | Unknown | str] | Unknown | None = None  # None: not set
    subnets: list[Subnet | Unknown | str] | Unknown | None = None
    # The groups it sits behind; None when none is named and the VPC's default group applies.
    security_groups: list[SecurityGroup | Unknown | str] | Unknown | None = None
    private_dns: bool | Unknown = False

    @property
    def service(self) -> str | None:
        """The service after the region: "s3" for com.amazonaws.us-east-1.s3, "ecr.api"."""
        name = self.service_name
        if not isinstance(name, str):
            name = getattr(name, "text", None)  # the known parts of a partly known name
            if not name:
                return None
        parts = name.split(".")
        after_region = next(
            (parts[i + 1 :] for i, part in enumerate(parts) if _REGION.match(part)), parts[-1:]
        )
        service = ".".join(after_region)
        return service if service and UNKNOWN_PART not in service else None

    @property
    def effective_security_groups(self) -> list[SecurityGroup | Unknown | str] | Unknown:
        """The groups it sits behind; a gateway endpoint has none."""
        if self.endpoint_type is EndpointType.GATEWAY:
            return []
        if self.security_groups is not None:
            return self.security_groups
        if self.vpc is None or self.vpc.default_security_group is None:
            return Unknown(f"endpoint {self.logical_id} uses the default group of a VPC outside")
        return [self.vpc.default_security_group]


@record(eq=False, repr=False)
class NetworkInterface(Resource):
    subnet: Subnet | None = None
    security_groups: list[SecurityGroup | Unknown | str] | Unknown = field(default_factory=list)
    associate_public_ip: bool | Unknown | None = None


@record(eq=False, repr=False)
class Instance(Resource):
    subnet: Subnet | None = None
    security_groups: list[SecurityGroup | Unknown | str] | Unknown = field(default_factory=list)
    network_interfaces: list[NetworkInterface] = field(default_factory=list)
    associate_public_ip: bool | Unknown | None = None
    elastic_ips: list[ElasticIp] = field(default_factory=list)
    # What its instance profile's roles may do: managed policy ARNs and inline actions, or
    # Unknown when the profile, a role or a policy comes from outside the template.
    iam_policies: list[str] | Unknown = field(default_factory=list)
    iam_actions: list[str] | Unknown = field(default_factory=list)


class LoadBalancerKind(Enum):
    APPLICATION = "application"
    NETWORK = "network"
    GATEWAY = "gateway"
    CLASSIC = "classic"


# Addresses a load balancer takes in each of its subnets: AWS asks for at least eight free
# addresses per subnet for an Application or Classic Load Balancer, one node for the others.
LOAD_BALANCER_ADDRESSES = {
    LoadBalancerKind.APPLICATION: 8,
    LoadBalancerKind.CLASSIC: 8,
    LoadBalancerKind.NETWORK: 1,
    LoadBalancerKind.GATEWAY: 1,
}


@record(eq=False, repr=False)
class LoadBalancer(Resource):
    kind: LoadBalancerKind | Unknown = LoadBalancerKind.APPLICATION
    scheme: str | Unknown = "internet-facing"
    subnets: list[Subnet | Unknown | str] | Unknown = field(default_factory=list)
    security_groups: list[SecurityGroup | Unknown | str] | Unknown | None = None


@record(eq=False, repr=False)
class TargetGroup(Resource):
    """An ELBv2 target group (or a Classic Load Balancer's instance list) and what sends to it."""

    port: int | Unknown | None = None
    protocol: Any = None
    target_type: Any = "instance"
    targets: list[tuple[Resource | Unknown | str, int | Unknown | None]] = field(
        default_factory=list
    )
    load_balancers: list[LoadBalancer] = field(default_factory=list)


@record(eq=False, repr=False)
class SubnetGroup(Resource):
    """A database or cache subnet group (RDS, ElastiCache, Redshift, DocumentDB, Neptune)."""

    service: str = "RDS"
    subnets: list[Subnet | Unknown | str] | Unknown = field(default_factory=list)


# -- the whole network --------------------------------------------------------------------------


@record
class Network:
    region: str = "us-east-1"  # the region the template was resolved for (AWS::Region)
    vpcs: list[Vpc] = field(default_factory=list)
    subnets: list[Subnet] = field(default_factory=list)
    route_tables: list[RouteTable] = field(default_factory=list)
    routes: list[Route] = field(default_factory=list)
    internet_gateways: list[InternetGateway] = field(default_factory=list)
    vpn_gateways: list[VpnGateway] = field(default_factory=list)
    gateway_attachments: list[GatewayAttachment] = field(default_factory=list)
    nat_gateways: list[NatGateway] = field(default_factory=list)
    elastic_ips: list[ElasticIp] = field(default_factory=list)
    security_groups: list[SecurityGroup] = field(default_factory=list)
    endpoints: list[VpcEndpoint] = field(default_factory=list)
    instances: list[Instance] = field(default_factory=list)
    network_interfaces: list[NetworkInterface] = field(default_factory=list)
    network_acls: list[NetworkAcl] = field(default_factory=list)
    network_acl_entries: list[NetworkAclEntry] = field(default_factory=list)
    load_balancers: list[LoadBalancer] = field(default_factory=list)
    target_groups: list[TargetGroup] = field(default_factory=list)
    subnet_groups: list[SubnetGroup] = field(default_factory=list)
    customer_gateways: list[CustomerGateway] = field(default_factory=list)
    vpn_connections: list[VpnConnection] = field(default_factory=list)
    route_propagations: list[RoutePropagation] = field(default_factory=list)
    transit_gateways: list[TransitGateway] = field(default_factory=list)
    transit_gateway_attachments: list[TransitGatewayAttachment] = field(default_factory=list)
    peering_connections: list[PeeringConnection] = field(default_factory=list)
    flow_logs: list[Resource] = field(default_factory=list)
    # Fn::Cidr calls that cannot be satisfied: (where, why, the resource that holds the call).
    cidr_problems: list[tuple[Mark, str, str | None]] = field(default_factory=list)
    # For every resource that is (or may be) created, modelled or not: the resources it waits
    # for, through DependsOn and through Ref, Fn::GetAtt and Fn::Sub (in every Fn::If branch).
    dependencies: dict[str, frozenset[str]] = field(default_factory=dict)

    def created_after(self, resource: Resource, others: Iterable[str]) -> bool:
        """Whether CloudFormation creates `resource` only after one of `others` exists.

        A dependency behind an undecided Fn::If counts: a rule that warns about a missing
        dependency stays silent when one might exist.
        """
        wanted = set(others)
        seen = {resource.logical_id}
        pending = [resource.logical_id]
        while pending:
            for name in self.dependencies.get(pending.pop(), ()):
                if name in wanted:
                    return True
                if name not in seen:
                    seen.add(name)
                    pending.append(name)
        return False

    @property
    def certain_interface_endpoints(self) -> list[VpcEndpoint]:
        """Interface endpoints that are certainly created: the ones an endpoint rule reports on."""
        return [
            endpoint
            for endpoint in self.endpoints
            if endpoint.endpoint_type is EndpointType.INTERFACE and endpoint.certain
        ]

    resources: dict[str, Resource] = field(default_factory=dict)  # by logical ID
