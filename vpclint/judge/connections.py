"""The TCP and UDP connections a network's workloads start and accept, and the subnets they cross.

A network ACL judges every packet on its own, replies included, so what it lets through is told
by the connections that really happen: who starts them, who accepts them, on which ports, and
across which subnet boundaries. This module works them out from the model; whether an ACL lets
a leg and its replies through is `vpclint.judge.network_acls`'s question. It follows IPv4 in
the template's VPCs; a connection is derived only when everything it rests on is certain (its
workloads, subnets, security group rules and routes).

The facts it rests on:

- Security groups are stateful: a workload accepts what its ingress rules admit and starts what
  its egress rules allow; the rules of all its groups add up (Amazon VPC User Guide, "Security
  group rules", https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html).
- An instance talks with the internet through an internet gateway only with a public IPv4
  address (Amazon VPC User Guide, "Enable internet access for a VPC using an internet gateway",
  https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html).
- A public NAT gateway forwards what the subnets routed to it send to the internet from its own
  address, and translates the answers back; it cannot be reached from the internet (Amazon VPC
  User Guide, "NAT gateway basics",
  https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-basics.html). So a connection
  through it crosses its client's subnet, then the NAT gateway's subnet twice.
- The client picks the port replies go back to: NAT gateways, Elastic Load Balancing and Lambda
  functions from 1024-65535, operating systems from their own ranges (Amazon VPC User Guide,
  "Ephemeral ports", https://docs.aws.amazon.com/vpc/latest/userguide/nacl-ephemeral-ports.html;
  `vpclint.judge.flows`). A rule for every port (all traffic, or a range holding every port
  clients choose for themselves) says as much about replies as about services: of such a range
  only the well-known ports below 1024, which no client picks, count as connections.
- An internet-facing Application or Classic Load Balancer accepts connections from the
  internet, an internal one from the VPC (User Guide for Application Load Balancers,
  "Load balancer scheme",
  https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html),
  on its listener ports ("Listeners for your Application Load Balancers",
  https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-listeners.html);
  it connects to its targets, taken to be the workloads whose rules name its security group.
  A Network Load Balancer's listener protocols are not followed.
- An interface endpoint accepts HTTPS from its clients and starts nothing (AWS PrivateLink
  Guide, "Access an AWS service using an interface VPC endpoint",
  https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html); a Lambda
  function in a VPC only starts connections (AWS Lambda Developer Guide, "Giving Lambda
  functions access to resources in an Amazon VPC",
  https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html).
- Workloads use UDP mostly with the Amazon DNS server and the time service, whose traffic
  network ACLs do not filter (Amazon VPC User Guide, "Network ACL basics",
  https://docs.aws.amazon.com/vpc/latest/userguide/nacl-basics.html): a UDP connection counts
  only where a security group rule or a network ACL entry on its way names UDP, not just all
  traffic (`Connection.named`, `Connection.counts`).

Workloads of one subnet with the same role, security groups and kind of address are taken
together: they start and accept the same connections.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from vpclint.judge import routes
from vpclint.judge.addresses import covers, host, internet_addresses, piece_starts
from vpclint.judge.flows import (
    ANY_CLIENT,
    LAMBDA_CLIENT,
    LOAD_BALANCER_CLIENT,
    NAT_GATEWAY_CLIENT,
    PORTED,
    WELL_KNOWN_END,
    Ephemeral,
    Flow,
    Peer,
    Verdict,
)
from vpclint.judge.network_acls import decide, port_segments
from vpclint.judge.security_groups import rule_matches
from vpclint.model import (
    ALL_PROTOCOLS,
    TCP,
    UDP,
    Instance,
    InternetGateway,
    IPNetwork,
    KnownEntry,
    LoadBalancer,
    LoadBalancerKind,
    NatGateway,
    Network,
    NetworkAcl,
    NetworkInterface,
    PrefixList,
    Resource,
    RouteTable,
    SecurityGroup,
    SecurityGroupRule,
    Subnet,
    TargetKind,
    VpcEndpoint,
    Workload,
    block_of,
    placement_of,
)
from vpclint.records import record
from vpclint.values import Unknown

ALL_PORTS = (0, 65535)
INTERNET = "the internet"
WHOLE_INTERNET = "0.0.0.0/0"
# Route targets that carry traffic to networks outside the VPC other than the internet.
OUTSIDE_TARGETS = {TargetKind.VPN_GATEWAY, TargetKind.TRANSIT_GATEWAY, TargetKind.PEERING}


@record(frozen=True)
class Crossing:
    """A subnet boundary a connection crosses: the subnet's network ACL judges the packets
    going one way (out of the subnet when `egress`) to or from `peer`, and the replies coming
    back the other way to `client`'s ephemeral ports."""

    subnet: Subnet
    egress: bool
    peer: IPNetwork  # the far end as the ACL sees it: a block, or one address of a piece
    client: Ephemeral  # whose ports the replies go to: the starter's, or a NAT gateway's
    source: str  # who sends this leg: "instance Web", "NAT gateway Nat", "the internet"
    destination: str  # who receives it
    fix_block: str  # the block an allow for the replies names: "0.0.0.0/0", "10.0.1.0/24"
    judged: bool = True  # False: the leg must get through, its replies are judged elsewhere

    @property
    def acl(self) -> NetworkAcl | Unknown:
        return self.subnet.network_acl


@record(frozen=True)
class Connection:
    """TCP or UDP connections `starter` opens to `acceptor` on ports `low`-`high`, and the
    subnet boundaries they cross, in order."""

    starter: str  # "instance Web", "subnet App" (through a NAT gateway), "the internet", a block
    acceptor: str
    protocol: str  # TCP or UDP
    low: int
    high: int
    crossings: tuple[Crossing, ...]
    named: bool = False  # a security group rule on its way names the protocol

    def counts(self, verdicts: Sequence[Verdict]) -> bool:
        """Whether the connection counts, given the ACL verdicts that let it through: TCP
        always; UDP when a security group rule or a network ACL entry on its way names UDP."""
        if self.protocol != UDP or self.named:
            return True
        return any(isinstance(v.by, KnownEntry) and v.by.protocol == UDP for v in verdicts)


# A crossing, its subnet's network ACL, and that ACL's verdict on the connection's packets.
Leg = tuple[Crossing, NetworkAcl, Verdict]


def connections(network: Network) -> list[Connection]:
    """The connections the network's workloads certainly start and accept, each once: what
    NAT gateways forward to the internet; what workloads accept from the internet and from
    networks behind gateways, and start towards them; what they open to each other across
    subnets of a VPC."""
    places = _Places(network)
    parties = _parties(network)
    found: list[Connection] = [*_through_nat_gateways(network, places)]
    for party in parties:
        found.extend(_accepted_from_outside(party, places))
        found.extend(_started_to_outside(party, places))
    found.extend(_inside_vpc(parties, places))
    return list(dict.fromkeys(found))


def admitted(connection: Connection) -> Iterator[tuple[int, int, tuple[Leg, ...]]]:
    """The ranges of the connection's ports on which it certainly happens: every network ACL
    on its way lets them through, judging each range alike, and it counts (`counts`). Each
    range comes with its legs: each crossing, its subnet's ACL and that ACL's verdict. Nothing
    when the network ACL of a subnet on the way is not known."""
    crossings: list[tuple[Crossing, NetworkAcl]] = []
    for crossing in connection.crossings:
        acl = crossing.acl
        if not isinstance(acl, NetworkAcl):
            return
        crossings.append((crossing, acl))
    protocol, pieces = connection.protocol, [(connection.low, connection.high)]
    for crossing, acl in crossings:
        refined = []
        for low, high in pieces:
            segments = port_segments(acl, crossing.egress, protocol, crossing.peer, low, high)
            if isinstance(segments, Verdict):
                return
            refined.extend((a, b) for a, b, verdict in segments if verdict.passes)
        pieces = refined
    for low, high in pieces:
        flow = Flow(protocol, low)
        legs = tuple((c, acl, decide(acl, c.egress, flow, c.peer)) for c, acl in crossings)
        verdicts = [verdict for _, _, verdict in legs]
        if all(verdict.passes for verdict in verdicts) and connection.counts(verdicts):
            yield low, high, legs


# -- the workloads ------------------------------------------------------------------------------


@record(frozen=True, eq=False)
class _Role:
    """How a kind of workload takes part in connections."""

    client: Ephemeral  # the ports it picks for the connections it starts
    starts: str  # "any"; "named": only to those whose rules name its group; "none"
    accepts: tuple[tuple[str, ...], tuple[int, ...] | None] | None  # protocols, ports (None: any)
    from_internet: bool  # accepts connections from the internet (when it has a public address)
    from_vpc: bool  # accepts connections from the VPC and from networks behind gateways


_HOST = _Role(ANY_CLIENT, "any", (PORTED, None), True, True)
_FUNCTION = _Role(LAMBDA_CLIENT, "any", None, False, False)  # accepts no connection
_ENDPOINT = _Role(ANY_CLIENT, "none", ((TCP,), (443,)), False, True)


@record(frozen=True, eq=False)
class _Party:
    """Workloads of one subnet that take part in connections alike: the same role, the same
    security groups, the same kind of address. Judging one judges them all."""

    subnet: Subnet
    block: IPNetwork  # the subnet's block: where their addresses are
    names: tuple[str, ...]  # "instance Web", ...
    groups: list[Any]  # as placed: the template's groups, and IDs or Unknowns from outside
    public: bool
    role: _Role
    ingress: tuple[SecurityGroupRule, ...]  # their certain rules: each certainly lets what it
    egress: tuple[SecurityGroupRule, ...]  # covers through (the rules of all groups add up)

    @property
    def name(self) -> str:
        if len(self.names) <= 2:
            return " and ".join(self.names)
        return f"{self.names[0]} and {len(self.names) - 1} others like it"

    def rules(self, direction: str) -> tuple[SecurityGroupRule, ...]:
        return self.ingress if direction == "ingress" else self.egress

    def member_of(self, group: SecurityGroup) -> bool:
        return any(mine is group for mine in self.groups)

    def peer(self) -> Peer:
        return Peer(self.name, self.block, self.groups, vpc=self.subnet.vpc)


def _parties(network: Network) -> list[_Party]:
    """The template's certain workloads in its certain subnets, grouped by subnet, role,
    security groups and whether they have a public address."""
    resources: list[Resource] = [
        *network.instances,
        *network.network_interfaces,
        *network.load_balancers,
        *network.workloads,
        *network.certain_interface_endpoints,
    ]
    found: dict[tuple[Any, ...], tuple[Subnet, list[str], list[Any], bool, _Role]] = {}
    for resource in resources:
        kind = _role(resource)
        placement = placement_of(resource)
        if kind is None or not resource.certain or placement is None or not placement.spread:
            continue
        groups = placement.groups
        if not isinstance(groups, list):
            continue  # its groups are not known
        name, role = kind
        public = placement.public_ip is True
        for subnet in placement.subnets:
            if not subnet.certain or subnet.block is None or subnet.vpc is None:
                continue
            key = (id(subnet), frozenset(id(group) for group in groups), id(role), public)
            found.setdefault(key, (subnet, [], groups, public, role))[1].append(name)
    return [
        _Party(
            subnet,
            subnet.block,  # type: ignore[arg-type]
            tuple(names),
            groups,
            public,
            role,
            _certain_rules(groups, "ingress"),
            _certain_rules(groups, "egress"),
        )
        for subnet, names, groups, public, role in found.values()
    ]


def _certain_rules(groups: list[Any], direction: str) -> tuple[SecurityGroupRule, ...]:
    return tuple(
        rule
        for group in groups
        if isinstance(group, SecurityGroup) and group.certain
        for rule in group.rules(direction)
        if rule.certain
    )


def _role(resource: Resource) -> tuple[str, _Role] | None:
    if isinstance(resource, Instance):
        return f"instance {resource.logical_id}", _HOST
    if isinstance(resource, NetworkInterface):
        return f"network interface {resource.logical_id}", _HOST
    if isinstance(resource, VpcEndpoint):
        return f"interface endpoint {resource.logical_id}", _ENDPOINT
    if isinstance(resource, LoadBalancer):
        role = _load_balancer_role(resource)
        return (f"load balancer {resource.logical_id}", role) if role is not None else None
    if isinstance(resource, Workload):
        role = _FUNCTION if resource.kind == "Lambda function" else _HOST
        return f"{resource.kind} {resource.logical_id}", role
    return None


def _load_balancer_role(balancer: LoadBalancer) -> _Role | None:
    """An Application or Classic Load Balancer accepts TCP on its listener ports (any port its
    groups admit when the template has no listener); an internet-facing one from the internet,
    an internal one from the VPC. It starts connections only to those whose rules name its
    group (its targets)."""
    if balancer.kind not in (LoadBalancerKind.APPLICATION, LoadBalancerKind.CLASSIC):
        return None  # a Network Load Balancer's listener protocols are not known
    facing = balancer.internet_facing
    if isinstance(facing, Unknown):
        return None
    known = tuple(sorted({port for port in balancer.listener_ports if isinstance(port, int)}))
    accepts: tuple[tuple[str, ...], tuple[int, ...] | None] | None = ((TCP,), known or None)
    if balancer.listener_ports and not known:
        accepts = None  # listeners whose ports are not known
    return _Role(LOAD_BALANCER_CLIENT, "named", accepts, facing, not facing)


# -- where connections go -----------------------------------------------------------------------


class _Places:
    """The blocks that cut the address space into pieces every filter judges alike, one
    address of each piece of the internet (as a one-address block), the routes, and what the
    security group rules match (each asked once)."""

    def __init__(self, network: Network) -> None:
        self.network = network
        self.cuts = _cuts(network)
        self.internet = [host(address) for address in internet_addresses(self.cuts)]
        self.vpc_blocks: list[IPNetwork] | None = []
        for vpc in network.vpcs:
            blocks = vpc.networks
            if blocks is None:
                self.vpc_blocks = None
                break
            self.vpc_blocks.extend(blocks)
        self._routes: dict[tuple[int, IPNetwork], Any] = {}
        self._internet_in: dict[IPNetwork, list[IPNetwork]] = {}
        self._matches: dict[tuple[Any, ...], bool] = {}

    def matches(
        self, rule: SecurityGroupRule, protocol: str, port: int, peer: Peer | IPNetwork
    ) -> bool:
        """Whether the rule certainly covers the flow for every address of the peer (a
        workload, or a block of addresses outside the VPC)."""
        key = (rule, protocol, port, peer)  # rules and peers hash by identity, blocks by value
        if key not in self._matches:
            seen = peer if isinstance(peer, Peer) else Peer(str(peer), peer)
            self._matches[key] = rule_matches(rule, Flow(protocol, port), seen) is True
        return self._matches[key]

    def route(self, subnet: Subnet, block: IPNetwork) -> Any:
        """The route that certainly carries traffic from `subnet` to all of `block`, or None."""
        key = (id(subnet), block)
        if key not in self._routes:
            table = subnet.route_table
            found = None
            if isinstance(table, RouteTable):
                verdict = routes.route_for(table, block, self.network)
                found = verdict.by if verdict.passes else None
            self._routes[key] = found
        return self._routes[key]

    def local(self, subnet: Subnet, block: IPNetwork) -> bool:
        return isinstance(self.route(subnet, block), routes.LocalRoute)

    def _target(self, subnet: Subnet, block: IPNetwork) -> tuple[TargetKind, Any] | None:
        route = self.route(subnet, block)
        if route is None or isinstance(route, routes.LocalRoute):
            return None
        return route.target.kind, route.target.resource

    def to_internet_gateway(self, subnet: Subnet, block: IPNetwork) -> bool:
        """Whether the subnet certainly sends traffic for the block to an internet gateway
        attached to its VPC."""
        target = self._target(subnet, block)
        if target is None or target[0] is not TargetKind.INTERNET_GATEWAY:
            return False
        gateway = target[1]
        return isinstance(gateway, InternetGateway) and any(
            attachment.certain and attachment.vpc is subnet.vpc
            for attachment in gateway.attachments
        )

    def nat_gateway(self, subnet: Subnet, block: IPNetwork) -> NatGateway | None:
        """The public NAT gateway the subnet sends the block's traffic to, when that one
        reaches the internet from its own subnet."""
        target = self._target(subnet, block)
        if target is None or target[0] is not TargetKind.NAT_GATEWAY:
            return None
        nat = target[1]
        if not _usable_nat(nat) or nat.subnet is subnet:
            return None
        return nat if self.to_internet_gateway(nat.subnet, block) else None

    def outside(self, subnet: Subnet, block: IPNetwork) -> bool:
        """Whether the subnet certainly sends traffic for the block out of the VPC through a
        VPN, a transit gateway or a peering connection."""
        target = self._target(subnet, block)
        return target is not None and target[0] in OUTSIDE_TARGETS

    def internet_in(self, block: IPNetwork) -> list[IPNetwork]:
        """One address of each piece of the internet inside `block`."""
        if block not in self._internet_in:
            self._internet_in[block] = [
                piece for piece in self.internet if covers(block, piece) is True
            ]
        return self._internet_in[block]

    def outside_in(self, block: IPNetwork) -> list[IPNetwork]:
        """One address of each piece of `block` outside the internet and outside the
        template's VPCs (a network behind a VPN, say); none when `block` holds internet
        addresses, or when a VPC's block is not known."""
        if self.vpc_blocks is None or self.internet_in(block):
            return []
        found = []
        for address in piece_starts(block, self.cuts):
            if address.is_link_local or address.is_loopback or address.is_multicast:
                continue  # not a network behind a gateway
            if address.is_unspecified or address.is_reserved:
                continue
            piece = host(address)
            if any(covers(vpc, piece) is True for vpc in self.vpc_blocks):
                continue
            found.append(piece)
        return found


def _cuts(network: Network) -> list[IPNetwork]:
    """Every IPv4 block the network's filters, routes and subnets name."""
    values: list[Any] = []
    for group in network.all_security_groups:
        for rule in group.ingress + group.egress:
            values.append(rule.cidr_ipv4)
    for entry in network.network_acl_entries:
        values.append(entry.cidr_ipv4)
    for route in network.routes:
        values.append(route.destination)
    for prefix_list in network.prefix_lists:
        if isinstance(prefix_list.entries, list):
            values.extend(prefix_list.entries)
    for subnet in network.subnets:
        values.append(subnet.cidr_block)
    for vpc in network.vpcs:
        values.extend(vpc.cidr_blocks)
    blocks = {block_of(value) for value in values}
    return [block for block in blocks if block is not None and block.version == 4]


def _usable_nat(nat: Any) -> bool:
    return (
        isinstance(nat, NatGateway)
        and nat.certain
        and nat.connectivity_type == "public"
        and isinstance(nat.subnet, Subnet)
        and nat.subnet.certain
        and nat.subnet.block is not None
    )


# -- the connections ----------------------------------------------------------------------------


def _through_nat_gateways(network: Network, places: _Places) -> Iterator[Connection]:
    """What a NAT gateway forwards: whatever the subnets routed to it send to the internet."""
    for nat in network.nat_gateways:
        if not _usable_nat(nat):
            continue
        where = nat.subnet
        name = f"NAT gateway {nat.logical_id}"
        reached = [a for a in places.internet if places.to_internet_gateway(where, a)]
        for client in network.subnets:
            block = client.block
            if client is where or not client.certain or block is None:
                continue
            sender = f"subnet {client.logical_id}"
            for address in reached:
                if places.nat_gateway(client, address) is not nat:
                    continue
                crossings = (
                    _leaving(client, address, ANY_CLIENT, sender, judged=False),
                    Crossing(where, False, block, ANY_CLIENT, sender, name, str(block)),
                    _leaving(where, address, NAT_GATEWAY_CLIENT, name),
                )
                for protocol in PORTED:
                    # To any port: of those, the well-known ones (see _service_ports).
                    yield Connection(sender, INTERNET, protocol, 0, WELL_KNOWN_END, crossings)


def _accepted_from_outside(party: _Party, places: _Places) -> Iterator[Connection]:
    """Connections from the internet or from networks behind gateways that the party's
    security groups admit, when the replies can go back the way they came."""
    if party.role.accepts is None:
        return
    subnet = party.subnet
    for rule in party.rules("ingress"):
        for block in _rule_blocks(rule):
            sources: list[tuple[IPNetwork, str, str]] = []
            if party.role.from_internet and party.public:
                sources += [
                    (address, INTERNET, WHOLE_INTERNET)
                    for address in places.internet_in(block)
                    if places.to_internet_gateway(subnet, address)
                ]
            if party.role.from_vpc:
                sources += [
                    (address, str(block), str(block))
                    for address in places.outside_in(block)
                    if places.outside(subnet, address)
                ]
            for protocol, low, high in _accepted_ranges(rule, party):
                for address, name, fix in sources:
                    if places.matches(rule, protocol, low, address):
                        crossing = Crossing(
                            subnet, False, address, ANY_CLIENT, name, party.name, fix
                        )
                        named = rule.protocol == protocol
                        yield Connection(name, party.name, protocol, low, high, (crossing,), named)


def _started_to_outside(party: _Party, places: _Places) -> Iterator[Connection]:
    """Connections the party's egress rules allow to the internet (through an internet
    gateway with a public address, or a NAT gateway) or to networks behind gateways."""
    if party.role.starts != "any":
        return
    subnet, name = party.subnet, party.name
    for rule in party.rules("egress"):
        for block in _rule_blocks(rule):
            for protocol, low, high in _rule_ranges(rule):
                ports = _service_ports(low, high, _named(low, high))
                if ports is None:
                    continue
                named = rule.protocol == protocol
                for address in places.internet_in(block):
                    if places.matches(rule, protocol, ports[0], address):
                        for crossings in _to_internet(party, address, places):
                            yield Connection(name, INTERNET, protocol, *ports, crossings, named)
                for address in places.outside_in(block):
                    if not places.outside(subnet, address):
                        continue
                    if not places.matches(rule, protocol, ports[0], address):
                        continue
                    crossing = Crossing(
                        subnet, True, address, party.role.client, name, str(block), str(block)
                    )
                    yield Connection(name, str(block), protocol, *ports, (crossing,), named)


def _to_internet(
    party: _Party, address: IPNetwork, places: _Places
) -> Iterator[tuple[Crossing, ...]]:
    """The ACLs a connection from the party to an internet address crosses: its own subnet's,
    and the NAT gateway's subnet's (twice) when it goes through one."""
    subnet, client = party.subnet, party.role.client
    out = _leaving(subnet, address, client, party.name)
    if party.public and places.to_internet_gateway(subnet, address):
        yield (out,)
        return
    nat = places.nat_gateway(subnet, address)
    if nat is None:
        return
    name, block = f"NAT gateway {nat.logical_id}", party.block
    into = Crossing(nat.subnet, False, block, client, party.name, name, str(block))
    yield out, into, _leaving(nat.subnet, address, NAT_GATEWAY_CLIENT, name)


def _leaving(
    subnet: Subnet, address: IPNetwork, client: Ephemeral, source: str, judged: bool = True
) -> Crossing:
    """Out of `subnet` to an internet address."""
    return Crossing(subnet, True, address, client, source, INTERNET, WHOLE_INTERNET, judged)


def _inside_vpc(parties: list[_Party], places: _Places) -> Iterator[Connection]:
    """Connections between workloads in two subnets of one VPC: the acceptor's ingress rules
    admit the starter and the starter's egress rules allow the acceptor, over local routes."""
    seen: set[tuple[Any, ...]] = set()
    peers = {id(party): party.peer() for party in parties}
    for acceptor in parties:
        if acceptor.role.accepts is None or not acceptor.role.from_vpc:
            continue
        there = acceptor.subnet
        for rule in acceptor.rules("ingress"):
            group = rule.peer if isinstance(rule.peer, SecurityGroup) else None
            if rule.peer is not None and group is None:
                continue  # a group outside the template
            accepted = _accepted_ranges(rule, acceptor, service=False)
            for starter in parties:
                here = starter.subnet
                if here is there or here.vpc is not there.vpc or starter.role.starts == "none":
                    continue
                if group is not None and not starter.member_of(group):
                    continue
                if starter.role.starts == "named" and group is None:
                    continue
                if not places.local(here, acceptor.block) or not places.local(there, starter.block):
                    continue
                toward = peers[id(acceptor)]
                for protocol, low, high, named in _pair_ports(starter, accepted, toward, places):
                    key = (id(starter), id(acceptor), protocol, low, high, named)
                    if key in seen or not places.matches(rule, protocol, low, peers[id(starter)]):
                        continue
                    seen.add(key)
                    named = named or rule.protocol == protocol
                    yield _pair(starter, acceptor, protocol, low, high, named)


def _pair_ports(
    starter: _Party, accepted: list[tuple[str, int, int]], acceptor: Peer, places: _Places
) -> Iterator[tuple[str, int, int, bool]]:
    """The ports of the acceptor's range that the starter's egress rules allow to it, and
    whether the egress rule names the protocol."""
    for back in starter.rules("egress"):
        for protocol, back_low, back_high in _rule_ranges(back):
            for other, low, high in accepted:
                if other != protocol:
                    continue
                named = _named(low, high) or _named(back_low, back_high)
                ports = _service_ports(max(low, back_low), min(high, back_high), named)
                if ports is None:
                    continue
                if places.matches(back, protocol, ports[0], acceptor):
                    yield protocol, *ports, back.protocol == protocol


def _pair(
    starter: _Party, acceptor: _Party, protocol: str, low: int, high: int, named: bool
) -> Connection:
    source, destination, client = starter.name, acceptor.name, starter.role.client
    out = Crossing(
        starter.subnet, True, acceptor.block, client, source, destination, str(acceptor.block)
    )
    into = Crossing(
        acceptor.subnet, False, starter.block, client, source, destination, str(starter.block)
    )
    return Connection(source, destination, protocol, low, high, (out, into), named)


# -- ports --------------------------------------------------------------------------------------


def _rule_blocks(rule: SecurityGroupRule) -> list[IPNetwork]:
    """The IPv4 blocks a rule names (its CIDR, or the entries of a prefix list of the
    template); none for a rule that names a group."""
    if rule.peer is not None:
        return []
    if rule.prefix_list is not None:
        prefix_list = rule.prefix_list
        if isinstance(prefix_list, PrefixList) and isinstance(prefix_list.blocks, list):
            return [block for block in prefix_list.blocks if block.version == 4]
        return []
    block = block_of(rule.cidr_ipv4)
    return [block] if block is not None and block.version == 4 else []


def _rule_ranges(rule: SecurityGroupRule) -> list[tuple[str, int, int]]:
    """The TCP and UDP destination ports a rule covers, as (protocol, low, high)."""
    if rule.protocol == ALL_PROTOCOLS:
        return [(TCP, *ALL_PORTS), (UDP, *ALL_PORTS)]
    if rule.protocol not in PORTED:
        return []
    if rule.from_port in (None, -1) and rule.to_port in (None, -1):
        return [(rule.protocol, *ALL_PORTS)]  # type: ignore[list-item]
    ports = rule.port_range
    return [(rule.protocol, *ports)] if ports is not None else []  # type: ignore[list-item]


def _accepted_ranges(
    rule: SecurityGroupRule, party: _Party, service: bool = True
) -> list[tuple[str, int, int]]:
    """The ports of a rule on which the party accepts connections: its listener (or endpoint)
    ports, or the rule's range; with `service`, a range for every port is cut to the
    well-known ports (see _service_ports)."""
    assert party.role.accepts is not None
    protocols, ports = party.role.accepts
    found = []
    for protocol, low, high in _rule_ranges(rule):
        if protocol not in protocols:
            continue
        if ports is not None:
            found.extend((protocol, port, port) for port in ports if low <= port <= high)
            continue
        chosen = _service_ports(low, high, _named(low, high)) if service else (low, high)
        if chosen is not None:
            found.append((protocol, *chosen))
    return found


def _named(low: int, high: int) -> bool:
    """Whether a port range names the ports of services: it does not hold every port that
    clients pick for themselves (`ANY_CLIENT.surely`). A range that does (all ports,
    1024-65535) is as much a rule for the replies of other connections as one for services."""
    surely_low, surely_high = ANY_CLIENT.surely
    return not (low <= surely_low and surely_high <= high)


def _service_ports(low: int, high: int, named: bool) -> tuple[int, int] | None:
    """The ports connections certainly go to: a named range whole; of a range for every port,
    the well-known ports below 1024, which no client picks as its own."""
    if low > high:
        return None
    if named:
        return low, high
    if low > WELL_KNOWN_END:
        return None
    return low, min(high, WELL_KNOWN_END)
