"""The network as boxes and arrows, for the Mermaid and DOT writers.

- Each VPC is a cluster; each of its subnets a cluster inside it, titled with one short line
  (Mermaid draws a title of several lines over the cluster's contents).
- Inside a subnet: one node for the subnet itself (usable addresses, AZ, reality and intent,
  and the route table it uses, with the reasons of what is unknown), which is where its routes
  start; and one node for each thing placed there (instances, NAT gateways, interface
  endpoints, load balancers, network interfaces, transit gateway attachments). An object in
  several subnets (an interface endpoint, a load balancer) has a node in each.
- Gateway endpoints sit in their VPC's cluster, outside the subnets.
- Internet, VPN, egress-only and transit gateways, peering connections, and targets outside
  the template or unknown are nodes outside every VPC.
- An edge goes from a subnet's node to each target of its routes (the local route
  is left out), labelled with the destinations it carries (`0.0.0.0/0`, `::/0`, ...). A NAT
  gateway as a target is its node in its own subnet, so the way out reads subnet → NAT → IGW.
- A transit gateway attachment's nodes link to the transit gateway; a VPN connection links its
  VPN or transit gateway to the customer gateway.
- What may not be created (an undecided Condition) is drawn dashed.

Node and cluster IDs are ASCII identifiers made from logical IDs, unique and stable; labels are
plain text lines for the writers to escape.
"""

from __future__ import annotations

import re

from vpclint.model import (
    EndpointType,
    InternetGateway,
    Network,
    PeeringConnection,
    Resource,
    Subnet,
    TargetKind,
    Tier,
    TransitGateway,
    TransitGatewayAttachment,
    Vpc,
    VpcEndpoint,
    VpnConnection,
    VpnGateway,
)
from vpclint.records import field, record
from vpclint.show import common
from vpclint.show.common import text
from vpclint.values import Unknown

# Shapes, named for what they stand for; each writer maps them to its own.
BOX, ROUTE_TABLE, GATEWAY, ENDPOINT, EXTERNAL = "box", "route_table", "gateway", "endpoint", "ext"


@record
class DiagramNode:
    id: str
    lines: list[str]
    shape: str = BOX
    dashed: bool = False


@record
class Cluster:
    id: str
    lines: list[str]
    kind: str  # "vpc", or the subnet's reality: "public", "private", "unknown"
    dashed: bool = False
    nodes: list[DiagramNode] = field(default_factory=list)
    clusters: list[Cluster] = field(default_factory=list)


@record
class Edge:
    source: str
    target: str
    label: str
    dashed: bool = False


@record
class Diagram:
    clusters: list[Cluster] = field(default_factory=list)
    nodes: list[DiagramNode] = field(default_factory=list)  # outside every cluster
    edges: list[Edge] = field(default_factory=list)


class _Ids:
    """Identifiers safe in Mermaid and DOT: a prefix, then the logical ID's letters and digits.

    Every other character becomes `_`; a clash gets a number, so each object keeps one ID.
    """

    def __init__(self) -> None:
        self._given: dict[str, str] = {}
        self._taken: set[str] = set()

    def __call__(self, prefix: str, key: str) -> str:
        whole = f"{prefix}:{key}"
        if whole in self._given:
            return self._given[whole]
        base = f"{prefix}_{re.sub(r'[^A-Za-z0-9]', '_', key)}".rstrip("_") or prefix
        made, number = base, 1
        while made in self._taken:
            number += 1
            made = f"{base}_{number}"
        self._taken.add(made)
        self._given[whole] = made
        return made


def build(network: Network) -> Diagram:
    return _Builder(network).build()


class _Builder:
    def __init__(self, network: Network) -> None:
        self.network = network
        self.diagram = Diagram()
        self.ids = _Ids()
        # Node of each placed object in the first subnet it sits in (a route's target), and
        # its nodes in every subnet.
        self.placed: dict[str, str] = {}
        self.placed_all: dict[str, list[str]] = {}
        self.outside: dict[str, DiagramNode] = {}  # nodes outside the VPCs, by target key

    def build(self) -> Diagram:
        network = self.network
        routed: list[tuple[Subnet, str]] = []
        for vpc in network.vpcs:
            blocks = ", ".join(_short(block) for block in vpc.cidr_blocks)
            cluster = Cluster(
                self.ids("vpc", vpc.logical_id),
                [f"VPC {vpc.logical_id} · {blocks}{_conditional(vpc)}"],
                "vpc",
                dashed=not vpc.certain,
            )
            self.diagram.clusters.append(cluster)
            unknown = [block for block in vpc.cidr_blocks if isinstance(block, Unknown)]
            if unknown:
                cluster.nodes.append(
                    DiagramNode(
                        self.ids("vpcinfo", vpc.logical_id),
                        [f"VPC block {text(block)}" for block in unknown],
                    )
                )
            for subnet in vpc.subnets:
                routed.append((subnet, self._subnet(cluster.clusters, subnet)))
            for endpoint in network.endpoints:
                if endpoint.vpc is vpc and endpoint.endpoint_type is EndpointType.GATEWAY:
                    cluster.nodes.append(self._gateway_endpoint(endpoint))
        for subnet in network.subnets:
            if subnet.vpc is None:
                routed.append((subnet, self._subnet(self.diagram.clusters, subnet)))
        for endpoint in network.endpoints:
            if endpoint.vpc is None and endpoint.endpoint_type is EndpointType.GATEWAY:
                self.diagram.nodes.append(self._gateway_endpoint(endpoint))
        # Gateways attached to a VPC are drawn even when no route uses them.
        for vpc in network.vpcs:
            for gateway in common.vpc_gateways(vpc):
                self._outside_node(f"res:{gateway.logical_id}", gateway)
        for subnet, table_node in routed:
            self._edges(subnet, table_node)
        for attachment in network.transit_gateway_attachments:
            sources = self.placed_all.get(attachment.logical_id, [])
            if sources and attachment.transit_gateway is not None:
                target = self._target_node(
                    self._key(attachment.transit_gateway, attachment.logical_id),
                    TargetKind.TRANSIT_GATEWAY,
                    attachment.transit_gateway,
                )
                for source in sources:
                    self.diagram.edges.append(
                        Edge(source, target, "attachment", dashed=not attachment.certain)
                    )
        for connection in network.vpn_connections:
            self._vpn(connection)
        return self.diagram

    def _vpn(self, connection: VpnConnection) -> None:
        """A VPN connection: an edge from its VPN or transit gateway to the customer gateway."""
        gateway = connection.vpn_gateway or connection.transit_gateway
        customer = connection.customer_gateway
        if gateway is None or customer is None:
            return
        kind = (
            TargetKind.VPN_GATEWAY
            if connection.vpn_gateway is not None
            else TargetKind.TRANSIT_GATEWAY
        )
        source = self._outside_node(self._key(gateway, connection.logical_id), gateway, kind)
        lines = ["customer gateway", common.reference(customer)]
        key = self._key(customer, f"{connection.logical_id}.customer")
        if key not in self.outside:
            node = DiagramNode(
                self.ids("customer_gateway", key.split(":", 1)[1]),
                lines,
                EXTERNAL,
                dashed=isinstance(customer, Resource) and not customer.certain,
            )
            self.outside[key] = node
            self.diagram.nodes.append(node)
        target = self.outside[key].id
        label = f"VPN {connection.logical_id}"
        self.diagram.edges.append(Edge(source, target, label, dashed=not connection.certain))

    # -- subnets ------------------------------------------------------------------------------

    def _subnet(self, parent: list[Cluster], subnet: Subnet) -> str:
        public = subnet.is_public
        reality = "unknown" if isinstance(public, Unknown) else ("public" if public else "private")
        intent = subnet.intent.tier
        said = "" if intent is Tier.UNKNOWN else f", meant {intent.value}"
        # Titles stay on one short line (Mermaid draws a title of several lines over the
        # subgraph's contents); the subnet's node carries the rest, reasons included.
        title = f"Subnet {subnet.logical_id} · {_short(subnet.cidr_block)}{_conditional(subnet)}"
        cluster = Cluster(
            self.ids("subnet", subnet.logical_id), [title], reality, not subnet.certain
        )
        parent.append(cluster)
        table = subnet.route_table
        lines = (
            [f"block {text(subnet.cidr_block)}"] if isinstance(subnet.cidr_block, Unknown) else []
        )
        if subnet.vpc is None:
            lines.append(f"in VPC {common.reference(subnet.properties.get('VpcId'))}")
        zone = text(subnet.availability_zone, "not set")
        lines += [
            f"{common.usable_text(subnet.cidr_block)} · AZ {zone}",
            f"{reality if reality != 'unknown' else 'reality ' + text(public)}{said}",
            f"route table {text(table) if isinstance(table, Unknown) else common.name(table)}",
        ]
        table_node = DiagramNode(
            self.ids("rt", subnet.logical_id), lines, ROUTE_TABLE, dashed=not subnet.certain
        )
        cluster.nodes.append(table_node)
        for resource in common.placed_in(subnet, self.network):
            node_id = self.ids("node", f"{subnet.logical_id}.{resource.logical_id}")
            self.placed.setdefault(resource.logical_id, node_id)
            self.placed_all.setdefault(resource.logical_id, []).append(node_id)
            details = common.details_of(resource)
            groups = common.security_groups_of(resource)
            lines = [f"{common.kind_of(resource)} {resource.logical_id}"]
            lines += [details] if details else []
            lines += [f"SG {common.references(groups)}"] if groups is not None else []
            cluster.nodes.append(
                DiagramNode(
                    node_id,
                    lines,
                    ENDPOINT if isinstance(resource, VpcEndpoint) else BOX,
                    not resource.certain,
                )
            )
        return table_node.id

    def _gateway_endpoint(self, endpoint: VpcEndpoint) -> DiagramNode:
        node = DiagramNode(
            self.ids("endpoint", endpoint.logical_id),
            [
                f"gateway endpoint {common.name(endpoint)}",
                f"service {endpoint.service or text(endpoint.service_name)}",
            ],
            ENDPOINT,
            dashed=not endpoint.certain,
        )
        self.placed[endpoint.logical_id] = node.id
        return node

    # -- routes -------------------------------------------------------------------------------

    def _edges(self, subnet: Subnet, table_node: str) -> None:
        table = subnet.route_table
        if isinstance(table, Unknown):
            return
        grouped: dict[str, list[common.ShownRoute]] = {}
        for route in common.routes_of(table, self.network):
            if route.kind is not TargetKind.LOCAL:
                grouped.setdefault(route.target_key, []).append(route)
        for key, routes in grouped.items():
            first = routes[0]
            target = self._target_node(key, first.kind, first.resource, first.target)
            label = ", ".join(dict.fromkeys(route.destination for route in routes))
            dashed = not subnet.certain or not all(route.certain for route in routes)
            self.diagram.edges.append(Edge(table_node, target, label, dashed))

    def _key(self, value: object, owner: str) -> str:
        if isinstance(value, Resource):
            return f"res:{value.logical_id}"
        if isinstance(value, str):
            return f"id:{value}"
        return f"unknown:{owner}"

    def _target_node(
        self, key: str, kind: TargetKind, resource: object, label: str | None = None
    ) -> str:
        if isinstance(resource, Resource) and resource.logical_id in self.placed:
            return self.placed[resource.logical_id]
        return self._outside_node(key, resource, kind, label)

    def _outside_node(
        self,
        key: str,
        resource: object,
        kind: TargetKind | None = None,
        label: str | None = None,
    ) -> str:
        if key in self.outside:
            return self.outside[key].id
        if isinstance(resource, InternetGateway):
            kind = TargetKind.INTERNET_GATEWAY
        elif isinstance(resource, VpnGateway):
            kind = TargetKind.VPN_GATEWAY
        elif isinstance(resource, TransitGateway):
            kind = TargetKind.TRANSIT_GATEWAY
        kind = kind or TargetKind.UNKNOWN
        if isinstance(resource, Resource):
            what = common.name(resource)
        else:
            what = label if label is not None else common.reference(resource)
        lines = [kind.value, what]
        if isinstance(resource, PeeringConnection):
            lines.append(f"to VPC {common.reference(resource.peer_vpc)}")
        if isinstance(resource, TransitGatewayAttachment):
            lines.append(f"transit gateway {common.reference(resource.transit_gateway)}")
        if isinstance(resource, Vpc):
            lines = ["VPC", common.name(resource)]
        shape = GATEWAY if isinstance(resource, Resource) or key.startswith("res:") else EXTERNAL
        node = DiagramNode(
            self.ids(kind.name.lower(), key.split(":", 1)[1] if ":" in key else key),
            lines,
            shape,
            dashed=isinstance(resource, Resource) and not resource.certain,
        )
        self.outside[key] = node
        self.diagram.nodes.append(node)
        return node.id


def _short(value: object) -> str:
    """A value for a title: `?` when unknown (the reason is shown in a node)."""
    return "?" if isinstance(value, Unknown) else text(value)


def _conditional(resource: Resource) -> str:
    return "" if resource.certain else " (conditional)"
