"""What every `vpclint show` format needs: values as text, names, routes as a subnet sees them.

Order is the template's everywhere: the model keeps its objects in the order the template writes
them, and the formats never re-sort, so the same file always gives the same output.
"""

from __future__ import annotations

from typing import Any

from vpclint.builder.routing import ROUTE_TARGETS
from vpclint.model import (
    EndpointType,
    Instance,
    LoadBalancer,
    NatGateway,
    Network,
    NetworkAcl,
    NetworkAclEntry,
    NetworkInterface,
    Resource,
    Route,
    RouteTable,
    SecurityGroup,
    SecurityGroupRule,
    Subnet,
    SubnetGroup,
    TargetKind,
    TransitGatewayAttachment,
    Vpc,
    VpcEndpoint,
    VpnGateway,
    network_of,
)
from vpclint.records import record
from vpclint.values import ResourceRef, Unknown

# Addresses AWS keeps in every subnet: the network address, the VPC router, DNS, one reserved
# for future use, and the broadcast address.
RESERVED_ADDRESSES = 5

PROTOCOL_NAMES = {"-1": "all traffic", "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6"}


def one_line(text: str) -> str:
    return " ".join(text.split())


def unknown_text(value: Unknown) -> str:
    """An unknown value as shown to people: `? (why)`."""
    return f"? ({one_line(value.reason)})"


def text(value: Any, absent: str = "not set") -> str:
    """A model value as text: Unknown as `? (why)`, a resource by its logical ID."""
    if isinstance(value, Unknown):
        return unknown_text(value)
    if value is None:
        return absent
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, Resource):
        return value.logical_id
    if isinstance(value, ResourceRef):
        return str(value)
    if isinstance(value, list):
        return ", ".join(text(item) for item in value) or "none"
    return one_line(str(value))


def usable_addresses(cidr: Any) -> int | Unknown:
    """Addresses left for workloads in a subnet block: 2^(32-prefix) - 5."""
    if isinstance(cidr, Unknown):
        return cidr
    block = network_of(cidr)
    if block is None:
        return Unknown(f"{text(cidr)} is not an IPv4 block")
    return max(block.num_addresses - RESERVED_ADDRESSES, 0)


def implicit_note(resource: Resource) -> str:
    """Why an object that no resource of the template writes exists, or ""."""
    if not resource.implicit:
        return ""
    if isinstance(resource, RouteTable) and resource.is_main:
        return "main route table, AWS-created"
    if isinstance(resource, (SecurityGroup, NetworkAcl)) and resource.is_default:
        return "default, AWS-created"
    return "AWS-created"


def name(resource: Resource) -> str:
    """A logical ID, with a note for AWS-created objects and undecided conditions."""
    notes = [note for note in (implicit_note(resource), conditional_note(resource)) if note]
    return resource.logical_id + (f" ({'; '.join(notes)})" if notes else "")


def conditional_note(resource: Resource) -> str:
    return "" if resource.certain else "may not be created: its Condition is undecided"


def reference(value: Any) -> str:
    """One item of a reference list: a template object, an ID from outside, or Unknown."""
    if isinstance(value, Resource):
        return name(value)
    if isinstance(value, str):
        return f"{value} (outside the template)"
    return text(value)


def references(values: Any, none: str = "none") -> str:
    if values is None or isinstance(values, Unknown):
        return text(values, none)
    return ", ".join(reference(item) for item in values) or none


# -- routes as a subnet sees them ---------------------------------------------------------------


@record(frozen=True)
class ShownRoute:
    """One line of a route table, written by the template or added by AWS."""

    destination: str
    kind: TargetKind
    target: str  # the target's name: a logical ID, an ID from outside, or `? (why)`
    target_key: str  # identifies the target across tables (the same gateway, the same node)
    resource: Resource | None  # the template's object the route goes to
    certain: bool = True
    origin: str = ""  # "" for a route of the template; otherwise who adds it

    @property
    def description(self) -> str:
        target = "local" if self.kind is TargetKind.LOCAL else f"{self.kind.value} {self.target}"
        notes = [note for note in (self.origin, "" if self.certain else "conditional") if note]
        return f"{self.destination} → {target}" + (f" ({'; '.join(notes)})" if notes else "")


def routes_of(table: RouteTable, network: Network) -> list[ShownRoute]:
    """The routes of a table: the local route of each VPC block, the template's routes, the
    prefix-list routes of the gateway endpoints that serve it, and VPN propagation."""
    shown: list[ShownRoute] = []
    if table.vpc is not None:
        for block in table.vpc.cidr_blocks:
            shown.append(
                ShownRoute(
                    text(block), TargetKind.LOCAL, "local", "local", None, origin="AWS-created"
                )
            )
    shown.extend(_route(route) for route in table.routes)
    for endpoint in network.endpoints:
        if isinstance(endpoint.route_tables, list) and any(
            served is table for served in endpoint.route_tables
        ):
            service = endpoint.service or text(endpoint.service_name)
            shown.append(
                ShownRoute(
                    f"prefix list of {service}",
                    TargetKind.VPC_ENDPOINT,
                    endpoint.logical_id,
                    f"res:{endpoint.logical_id}",
                    endpoint,
                    certain=endpoint.certain,
                    origin="added by the gateway endpoint",
                )
            )
    for propagation in network.route_propagations:
        if isinstance(propagation.route_tables, list) and any(
            served is table for served in propagation.route_tables
        ):
            gateway = propagation.vpn_gateway
            shown.append(
                ShownRoute(
                    "routes learned over VPN",
                    TargetKind.VPN_GATEWAY,
                    reference(gateway) if gateway is not None else "? (no gateway named)",
                    _key(gateway, propagation.logical_id),
                    gateway if isinstance(gateway, VpnGateway) else None,
                    certain=propagation.certain,
                    origin=f"propagated by {propagation.logical_id}",
                )
            )
    return shown


def _route(route: Route) -> ShownRoute:
    target = route.target
    kind = target.kind
    if kind is TargetKind.UNKNOWN:
        # The model keeps no kind for a target it cannot resolve; the property still says it.
        named = [_TARGET_KEYS[key] for key in _TARGET_KEYS if key in route.properties]
        kind = named[0] if len(named) == 1 else kind
    if target.resource is not None:
        label = target.resource.logical_id
    elif isinstance(target.value, Unknown):
        label = unknown_text(target.value)
    elif target.value is None:
        label = "? (the route names no single target)"
    elif isinstance(target.value, ResourceRef):
        label = str(target.value)
    else:
        label = text(target.value)
    destination = (
        text(route.destination)
        if route.destination is not None
        else "? (the route names no destination)"
    )
    return ShownRoute(
        destination,
        kind,
        label,
        _key(target.resource or target.value, route.logical_id),
        target.resource,
        certain=route.certain,
    )


# Route properties that name a target of one kind (GatewayId may name several kinds).
_TARGET_KEYS = {"GatewayId": TargetKind.UNKNOWN, **ROUTE_TARGETS}


def usable_text(cidr: Any) -> str:
    """`251 usable addresses`; `? usable addresses` when the block itself is unknown (its
    reason is shown with the block)."""
    usable = usable_addresses(cidr)
    if isinstance(cidr, Unknown):
        return "? usable addresses"
    return f"{text(usable)} usable addresses"


def _key(target: Any, owner: str) -> str:
    """A name for a route target that is the same wherever the same target is named."""
    if isinstance(target, Resource):
        return f"res:{target.logical_id}"
    if isinstance(target, ResourceRef):
        return f"res:{target}"
    if isinstance(target, str):
        return f"id:{target}"
    return f"unknown:{owner}"  # an unknown target is its own


# -- what sits in a subnet ----------------------------------------------------------------------


def placed_in(subnet: Subnet, network: Network) -> list[Resource]:
    """What holds addresses in a subnet: its workloads, then transit gateway attachments."""
    placed = list(subnet.workloads)
    for attachment in network.transit_gateway_attachments:
        if isinstance(attachment.subnets, list) and any(s is subnet for s in attachment.subnets):
            placed.append(attachment)
    return placed


def subnet_groups_of(subnet: Subnet, network: Network) -> list[SubnetGroup]:
    return [
        group
        for group in network.subnet_groups
        if isinstance(group.subnets, list) and any(s is subnet for s in group.subnets)
    ]


def kind_of(resource: Resource) -> str:
    """What a placed object is, in a few words."""
    if isinstance(resource, Instance):
        return "instance"
    if isinstance(resource, NatGateway):
        return f"NAT gateway ({text(resource.connectivity_type)})"
    if isinstance(resource, VpcEndpoint):
        kind = {
            EndpointType.INTERFACE: "interface endpoint",
            EndpointType.GATEWAY_LOAD_BALANCER: "Gateway Load Balancer endpoint",
            EndpointType.GATEWAY: "gateway endpoint",
        }.get(resource.endpoint_type, "endpoint")  # type: ignore[arg-type]
        return kind
    if isinstance(resource, LoadBalancer):
        kind = text(
            resource.kind.value if not isinstance(resource.kind, Unknown) else resource.kind
        )
        return f"{kind} load balancer ({text(resource.scheme)})"
    if isinstance(resource, NetworkInterface):
        return "network interface"
    if isinstance(resource, TransitGatewayAttachment):
        return "transit gateway attachment"
    if isinstance(resource, SubnetGroup):
        return f"{resource.service} subnet group"
    return resource.type


def security_groups_of(resource: Resource) -> list[SecurityGroup | Unknown | str] | Unknown | None:
    """The groups a placed object sits behind; None when it has none (a NAT gateway)."""
    if isinstance(resource, VpcEndpoint):
        return resource.effective_security_groups
    if isinstance(resource, (Instance, NetworkInterface, LoadBalancer)):
        return resource.security_groups
    return None


def details_of(resource: Resource) -> str:
    """A few facts about a placed object beyond its kind, or ""."""
    if isinstance(resource, NatGateway):
        if resource.allocation_id is None:
            return "no Elastic IP"
        return f"Elastic IP {text(resource.allocation_id)}"
    if isinstance(resource, VpcEndpoint):
        service = f"service {resource.service or text(resource.service_name)}"
        if resource.endpoint_type is EndpointType.INTERFACE:
            return f"{service}, private DNS {text(resource.private_dns)}"
        return service
    if isinstance(resource, Instance):
        facts = []
        if resource.associate_public_ip not in (None, False):
            facts.append(f"public IP {text(resource.associate_public_ip)}")
        if resource.elastic_ips:
            facts.append("Elastic IP " + ", ".join(e.logical_id for e in resource.elastic_ips))
        return ", ".join(facts)
    if isinstance(resource, TransitGatewayAttachment):
        return f"to transit gateway {reference(resource.transit_gateway)}"
    return ""


# -- rules ------------------------------------------------------------------------------------


def protocol_text(protocol: Any) -> str:
    if isinstance(protocol, Unknown):
        return unknown_text(protocol)
    return PROTOCOL_NAMES.get(str(protocol), f"protocol {protocol}")


def ports_text(protocol: Any, low: Any, high: Any) -> str:
    """`443`, `1024-65535`, or "" for every port (or a protocol without ports)."""
    if isinstance(low, Unknown) or isinstance(high, Unknown):
        return text(low if isinstance(low, Unknown) else high)
    if str(protocol) not in ("6", "17") or (low in (None, -1) and high in (None, -1)):
        return ""
    low = high if low in (None, -1) else low
    high = low if high in (None, -1) else high
    if low == 0 and high == 65535:
        return "all ports"
    return str(low) if low == high else f"{low}-{high}"


def traffic_text(protocol: Any, low: Any, high: Any) -> str:
    ports = ports_text(protocol, low, high)
    return protocol_text(protocol) + (f" {ports}" if ports else "")


def rule_peer(rule: SecurityGroupRule) -> str:
    peers = []
    if rule.cidr_ipv4 is not None:
        peers.append(text(rule.cidr_ipv4))
    if rule.cidr_ipv6 is not None:
        peers.append(text(rule.cidr_ipv6))
    if rule.prefix_list is not None:
        peers.append(f"prefix list {text(rule.prefix_list)}")
    if rule.peer is not None:
        peers.append(f"SG {reference(rule.peer)}")
    return ", ".join(peers) or "? (no source or destination)"


def rule_text(rule: SecurityGroupRule, default_egress: bool = False) -> str:
    direction = "from" if rule.direction == "ingress" else "to"
    notes = []
    if default_egress:
        notes.append("no egress rule: CloudFormation's default")
    if not rule.certain:
        notes.append("conditional")
    if rule.source_id != rule.group.logical_id:
        notes.append(f"written by {rule.source_id}")
    suffix = f" ({'; '.join(notes)})" if notes else ""
    traffic = traffic_text(rule.protocol, rule.from_port, rule.to_port)
    return f"{traffic} {direction} {rule_peer(rule)}{suffix}"


def entry_text(entry: NetworkAclEntry) -> str:
    number = text(entry.rule_number)
    direction = (
        text(entry.egress)
        if isinstance(entry.egress, Unknown)
        else ("out" if entry.egress else "in")
    )
    peer = text(entry.cidr_ipv4) if entry.cidr_ipv4 is not None else text(entry.cidr_ipv6)
    way = "to" if entry.egress is True else "from"
    created = "AWS-created" if entry.implicit and not (entry.acl and entry.acl.implicit) else ""
    notes = [note for note in (created, conditional_note(entry)) if note]
    suffix = f" ({'; '.join(notes)})" if notes else ""
    traffic = traffic_text(entry.protocol, entry.from_port, entry.to_port)
    return f"#{number} {direction} {text(entry.action)} {traffic} {way} {peer}{suffix}"


def ordered_entries(acl: NetworkAcl) -> list[NetworkAclEntry]:
    """Inbound entries by number, outbound by number, then those whose order is unknown."""
    known = acl.entries_in(False) + acl.entries_in(True)
    return known + [entry for entry in acl.entries if entry not in known]


def ipv6_blocks(vpc: Vpc, network: Network) -> list[tuple[Resource, Any]]:
    """The VPC's IPv6 blocks and the AWS::EC2::VPCCidrBlock resources that add them (the model
    keeps IPv4 blocks only): a block, "Amazon-provided", or "from a pool"."""
    found: list[tuple[Resource, Any]] = []
    for resource in network.resources.values():
        props = resource.properties
        if resource.type != "AWS::EC2::VPCCidrBlock" or "CidrBlock" in props:
            continue
        owner = props.get("VpcId")
        if not (isinstance(owner, ResourceRef) and owner.logical_id == vpc.logical_id):
            continue
        if "Ipv6CidrBlock" in props:
            found.append((resource, props["Ipv6CidrBlock"]))
        elif props.get("AmazonProvidedIpv6CidrBlock") not in (None, False, "false"):
            found.append((resource, "Amazon-provided"))
        elif "Ipv6Pool" in props or "Ipv6IpamPoolId" in props:
            found.append((resource, "from a pool"))
    return found


def internet_route(subnet: Subnet) -> str:
    """The internet gateway a public subnet's default route goes to."""
    table = subnet.route_table
    if isinstance(table, RouteTable):
        for route in table.routes:
            if (
                route.destination == "0.0.0.0/0"
                and route.target.kind is TargetKind.INTERNET_GATEWAY
            ):
                return _route(route).target
    return "?"


def vpc_gateways(vpc: Vpc) -> list[Resource]:
    """The gateways attached to a VPC, in the order of their attachments."""
    return [a.gateway for a in vpc.gateway_attachments if a.gateway is not None]
