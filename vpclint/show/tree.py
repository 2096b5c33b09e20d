"""`vpclint show --format tree`: the network as an indented tree, for people.

Each VPC, then its subnets with their addresses, reality and intent, route table and routes,
network ACL and what is placed in them; then the VPC's gateways, gateway endpoints, peering,
transit gateway attachments, security groups and unused route tables; last, what belongs to no
VPC of the template. Plain text by default; `color=True` styles the same lines through rich.
"""

from __future__ import annotations

from vpclint.model import (
    EndpointType,
    InternetGateway,
    Network,
    NetworkAcl,
    Resource,
    RouteTable,
    SecurityGroup,
    Subnet,
    Tier,
    Vpc,
    VpcEndpoint,
)
from vpclint.records import field, record
from vpclint.show import common
from vpclint.show.common import name, text
from vpclint.values import Unknown

# A line is a list of (text, rich style or "") segments, as in vpclint.report.text.
Segment = tuple[str, str]

_ID = "bold"
_DIM = "dim"
_UNKNOWN = "magenta"
_PUBLIC = "yellow"
_PRIVATE = "green"


@record
class Node:
    line: list[Segment]
    children: list[Node] = field(default_factory=list)

    def add(self, *segments: Segment | str) -> Node:
        child = Node([s if isinstance(s, tuple) else (s, "") for s in segments])
        self.children.append(child)
        return child


def render(network: Network, color: bool = False) -> str:
    """The tree as text; with `color`, as ANSI-styled text rendered by rich."""
    lines = list(_lines(build(network)))
    if not color:
        return "".join("".join(part for part, _ in line) + "\n" for line in lines)
    from io import StringIO

    from rich.console import Console
    from rich.text import Text

    buffer = StringIO()
    console = Console(
        file=buffer, force_terminal=True, color_system="standard", highlight=False, soft_wrap=True
    )
    for line in lines:
        console.print(Text.assemble(*line))
    return buffer.getvalue()


def _lines(roots: list[Node]) -> list[list[Segment]]:
    out: list[list[Segment]] = []

    def walk(node: Node, prefix: str, last: bool, top: bool) -> None:
        if top:
            out.append(node.line)
            child_prefix = ""
        else:
            out.append([(prefix + ("└── " if last else "├── "), _DIM), *node.line])
            child_prefix = prefix + ("    " if last else "│   ")
        for index, child in enumerate(node.children):
            walk(child, child_prefix, index == len(node.children) - 1, False)

    for index, root in enumerate(roots):
        if index:
            out.append([])
        walk(root, "", True, True)
    return out


# -- building the tree --------------------------------------------------------------------------


def value(value: object, absent: str = "not set") -> Segment:
    """A value's segment: unknown values stand out."""
    return (text(value, absent), _UNKNOWN if isinstance(value, Unknown) else "")


def build(network: Network) -> list[Node]:
    roots = [_vpc(vpc, network) for vpc in network.vpcs]
    outside = _outside(network)
    if outside.children:
        roots.append(outside)
    if not roots:
        roots.append(Node([("The template builds no VPC and no network object.", _DIM)]))
    return roots


def _vpc(vpc: Vpc, network: Network) -> Node:
    blocks = [value(block) for block in vpc.cidr_blocks]
    joined: list[Segment] = []
    for index, block in enumerate(blocks):
        joined.extend([(", ", "")] if index else [])
        joined.append(block)
    node = Node([("VPC ", ""), (name(vpc), _ID), ("  ", ""), *joined])
    ipv6 = common.ipv6_blocks(vpc, network)
    if ipv6:
        node.add("IPv6 blocks: ", ", ".join(f"{text(block)} ({name(r)})" for r, block in ipv6))
    node.add("DNS support ", value(vpc.dns_support), ", DNS hostnames ", value(vpc.dns_hostnames))
    if vpc.flow_logs:
        node.add("flow logs: ", ", ".join(name(log) for log in vpc.flow_logs))
    gateways = common.vpc_gateways(vpc)
    node.add(
        "attached gateways: ",
        ", ".join(f"{_gateway_kind(g)} {name(g)}" for g in gateways) or "none",
    )
    for subnet in vpc.subnets:
        _subnet(node, subnet, network)
    _vpc_sections(node, vpc, network)
    return node


def _gateway_kind(gateway: Resource) -> str:
    return "internet gateway" if isinstance(gateway, InternetGateway) else "virtual private gateway"


def _subnet(parent: Node, subnet: Subnet, network: Network) -> None:
    usable = common.usable_addresses(subnet.cidr_block)
    node = parent.add(
        "subnet ",
        (name(subnet), _ID),
        "  ",
        value(subnet.cidr_block),
        "  AZ ",
        value(subnet.availability_zone, "not set (AWS picks one)"),
        "  ",
        (common.usable_text(subnet.cidr_block), _UNKNOWN if isinstance(usable, Unknown) else ""),
    )
    if subnet.vpc is None:
        node.add("in VPC ", _vpc_named(subnet))
    if "Ipv6CidrBlock" in subnet.properties:
        node.add("IPv6 block ", value(subnet.properties["Ipv6CidrBlock"]))
    public = subnet.is_public
    if isinstance(public, Unknown):
        node.add("reality: ", value(public))
    elif public:
        gateway = common.internet_route(subnet)
        node.add(
            "reality: ", ("public", _PUBLIC), f" (default route to internet gateway {gateway})"
        )
    else:
        node.add("reality: ", ("private", _PRIVATE), " (no default route to an internet gateway)")
    intent = subnet.intent
    if intent.tier is Tier.UNKNOWN:
        node.add("intent: ", ("unknown", _DIM), " (no name or Metadata says)")
    else:
        style = _PUBLIC if intent.tier is Tier.PUBLIC else _PRIVATE
        node.add("intent: ", (intent.tier.value, style), f" (from {intent.source})")
    if subnet.map_public_ip_on_launch is not False:
        node.add("MapPublicIpOnLaunch ", value(subnet.map_public_ip_on_launch))
    table = subnet.route_table
    if isinstance(table, Unknown):
        node.add("route table ", value(table))
    else:
        _route_table(node, table, network)
    acl = subnet.network_acl
    if isinstance(acl, Unknown):
        node.add("network ACL ", value(acl))
    else:
        _network_acl(node, acl)
    placed = common.placed_in(subnet, network)
    groups = common.subnet_groups_of(subnet, network)
    if placed or groups:
        here = node.add("placed here")
        for resource in placed:
            _placed(here, resource)
        for group in groups:
            here.add(common.kind_of(group), " ", (name(group), _ID), " (includes this subnet)")
    else:
        node.add(("nothing placed here", _DIM))


def _route_table(parent: Node, table: RouteTable, network: Network) -> None:
    node = parent.add("route table ", (name(table), _ID))
    for route in common.routes_of(table, network):
        node.add(route.description)


def _network_acl(parent: Node, acl: NetworkAcl) -> None:
    node = parent.add("network ACL ", (name(acl), _ID))
    entries = common.ordered_entries(acl)
    for entry in entries:
        node.add(common.entry_text(entry))
    node.add(("* deny all (the implicit final rule)", _DIM))


def _placed(
    parent: Node, resource: Resource, where: Segment | None = None, what: str = "subnet"
) -> None:
    segments: list[Segment | str] = [common.kind_of(resource), " ", (name(resource), _ID)]
    if where is not None:
        segments.extend([f" in {what} ", where])
    details = common.details_of(resource)
    if details:
        segments.append(f"  {details}")
    groups = common.security_groups_of(resource)
    if groups is not None:
        segments.extend(
            ["  SG ", (common.references(groups), _UNKNOWN if isinstance(groups, Unknown) else "")]
        )
    parent.add(*segments)


def _vpc_sections(node: Node, vpc: Vpc, network: Network) -> None:
    endpoints = [
        e for e in network.endpoints if e.vpc is vpc and e.endpoint_type is EndpointType.GATEWAY
    ]
    if endpoints:
        section = node.add("gateway endpoints")
        for endpoint in endpoints:
            _gateway_endpoint(section, endpoint)
    peerings = [p for p in network.peering_connections if vpc in (p.vpc, p.peer_vpc)]
    if peerings:
        section = node.add("peering connections")
        for peering in peerings:
            other = peering.peer_vpc if peering.vpc is vpc else peering.vpc
            where = " (another account or region)" if peering.cross_account_or_region else ""
            section.add((name(peering), _ID), " with VPC ", common.reference(other) + where)
    attachments = [a for a in network.transit_gateway_attachments if a.vpc is vpc]
    if attachments:
        section = node.add("transit gateway attachments")
        for attachment in attachments:
            section.add(
                (name(attachment), _ID),
                f" to {common.reference(attachment.transit_gateway)}",
                f" in subnets {common.references(attachment.subnets)}",
            )
    groups = [g for g in network.security_groups if g.vpc is vpc]
    default = vpc.default_security_group
    if default is not None and (default.members or default.possible_members):
        groups.insert(0, default)
    if groups:
        section = node.add("security groups")
        for group in groups:
            _security_group(section, group)
    used = {id(s.route_table) for s in vpc.subnets}
    unused = [t for t in vpc.route_tables if id(t) not in used]
    if unused:
        section = node.add("route tables no subnet of the template uses")
        for table in unused:
            _route_table(section, table, network)


def _gateway_endpoint(parent: Node, endpoint: VpcEndpoint) -> None:
    service = endpoint.service or text(endpoint.service_name)
    tables = endpoint.route_tables
    parent.add(
        (name(endpoint), _ID),
        f" ({service}) serves route tables ",
        (common.references(tables), _UNKNOWN if isinstance(tables, Unknown) else ""),
    )


def _security_group(parent: Node, group: SecurityGroup) -> Node:
    node = parent.add((name(group), _ID))
    for rule in group.ingress:
        node.add("in: ", common.rule_text(rule))
    for rule in group.egress:
        node.add("out: ", common.rule_text(rule, default_egress=not group.explicit_egress))
    for unreadable in group.unreadable:
        node.add("rules ", value(unreadable))
    if group.members:
        node.add("used by ", ", ".join(member.logical_id for member in group.members))
    return node
    return node


def _outside(network: Network) -> Node:
    """What is in the template but in none of its VPCs (or in a VPC that cannot be known)."""
    node = Node([("outside the template's VPCs", _ID)])
    for gateway in [*network.internet_gateways, *network.vpn_gateways]:
        if not gateway.attachments:
            node.add(_gateway_kind(gateway), " ", (name(gateway), _ID), " (not attached)")
    for transit in network.transit_gateways:
        node.add("transit gateway ", (name(transit), _ID))
    for customer in network.customer_gateways:
        node.add("customer gateway ", (name(customer), _ID))
    for connection in network.vpn_connections:
        via = (
            connection.vpn_gateway
            if connection.vpn_gateway is not None
            else (connection.transit_gateway)
        )
        node.add(
            "VPN connection ",
            (name(connection), _ID),
            f" from {common.reference(connection.customer_gateway)} to {common.reference(via)}",
        )
    for subnet in network.subnets:
        if subnet.vpc is None:
            _subnet(node, subnet, network)
    for table in network.route_tables:
        if table.vpc is None:
            _route_table(node, table, network)
    for endpoint in network.endpoints:
        if endpoint.vpc is None:
            kind = common.kind_of(endpoint)
            node.add(kind, " ", (name(endpoint), _ID), " in VPC ", _vpc_named(endpoint))
    for peering in network.peering_connections:
        if peering.vpc is None and not isinstance(peering.peer_vpc, Vpc):
            node.add(
                "peering connection ",
                (name(peering), _ID),
                " from VPC ",
                _vpc_named(peering),
                f" to VPC {common.reference(peering.peer_vpc)}",
            )
    for attachment in network.transit_gateway_attachments:
        if attachment.vpc is None:
            node.add(
                "transit gateway attachment ",
                (name(attachment), _ID),
                " in VPC ",
                _vpc_named(attachment),
                f" to {common.reference(attachment.transit_gateway)}",
            )
    for group in network.security_groups:
        if group.vpc is None:
            _security_group(node, group).add("in VPC ", _vpc_named(group))
    for balancer in network.load_balancers:
        if not _in_a_subnet(balancer.subnets):
            subnets = balancer.subnets
            where = (common.references(subnets), _UNKNOWN if isinstance(subnets, Unknown) else "")
            _placed(node, balancer, where, "subnets")
    for placed in [*network.instances, *network.network_interfaces, *network.nat_gateways]:
        if placed.subnet is None:  # type: ignore[attr-defined]
            _placed(node, placed, _subnet_named(placed))
    for group in network.subnet_groups:
        if _in_a_subnet(group.subnets):
            continue
        node.add(
            common.kind_of(group),
            " ",
            (name(group), _ID),
            f" in subnets {common.references(group.subnets)}",
        )
    return node


def _in_a_subnet(subnets: object) -> bool:
    """Whether a list of subnet references names a subnet of the template."""
    return isinstance(subnets, list) and any(isinstance(s, Subnet) for s in subnets)


def _vpc_named(resource: Resource) -> Segment:
    """The VPC a resource outside the template's VPCs names: an ID, an import, or nothing."""
    written = resource.properties.get("VpcId")
    if written is None:
        return ("not named (the default VPC)", "")
    if isinstance(written, Unknown):
        return value(written)
    return (common.reference(written), "")


def _subnet_named(resource: Resource) -> Segment:
    written = resource.properties.get("SubnetId")
    if written is None:
        return ("not named", "")
    if isinstance(written, Unknown):
        return value(written)
    return (common.reference(written), "")
