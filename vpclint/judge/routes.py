"""Which route carries traffic: VPC route tables (subnet and edge) and transit gateway tables.

The most specific route that matches the destination wins (IPv4 and IPv6 alike). Every VPC
route table has a local route for each of the VPC's blocks; a route more specific than a local
route may send VPC traffic to a middlebox, and a route whose destination is the VPC block
itself replaces the local target. A static route wins over a prefix-list route and over a
propagated route with the same destination; routes a virtual private gateway propagates come
from outside the template and may be more specific than anything written. Transit gateway
route tables hold static routes (to an attachment, or blackholes) and the routes attachments
propagate (a VPC attachment propagates its VPC's blocks); a static route wins over a propagated
one with the same destination. Sources: Amazon VPC User Guide, "Route priority" and "Route
tables: local routes" (https://docs.aws.amazon.com/vpc/latest/userguide/route-tables-priority.html),
Amazon VPC Transit Gateways, "Transit gateway route tables"
(https://docs.aws.amazon.com/vpc/latest/tgw/tgw-route-tables.html).
"""

from __future__ import annotations

from typing import Any

from vpclint.judge.addresses import IPAddress, piece_starts
from vpclint.judge.flows import Verdict
from vpclint.model import (
    Instance,
    InternetGateway,
    IPNetwork,
    Network,
    NetworkInterface,
    PrefixList,
    RoutePropagation,
    RouteTable,
    RouteTarget,
    Subnet,
    TargetKind,
    TransitGateway,
    TransitGatewayAttachment,
    TransitGatewayRoute,
    TransitGatewayRouteTable,
    Vpc,
    block_of,
)
from vpclint.records import record
from vpclint.values import Unknown

# How a route ranks against another of the same prefix length: higher wins.
_STATIC, _PREFIX_LIST, _LOCAL, _PROPAGATED = 3, 2, 1, 0


@record(frozen=True, eq=False)
class LocalRoute:
    """The route every VPC route table has for each block of its VPC."""

    vpc: Vpc
    block: IPNetwork
    certain: bool = True

    @property
    def logical_id(self) -> str:
        return f"{self.vpc.logical_id} local route"

    @property
    def destination(self) -> str:
        return str(self.block)

    @property
    def target(self) -> RouteTarget:
        return RouteTarget(TargetKind.LOCAL, self.vpc, "local")


@record(frozen=True, eq=False)
class PropagatedRoute:
    """A route a transit gateway attachment propagates into a transit gateway route table."""

    attachment: TransitGatewayAttachment
    block: IPNetwork
    certain: bool = True
    blackhole: bool = False

    @property
    def logical_id(self) -> str:
        return f"{self.attachment.logical_id} (propagated)"

    @property
    def destination(self) -> str:
        return str(self.block)


@record(frozen=True, eq=False)
class _Candidate:
    block: IPNetwork | None  # None: a destination that is not known
    rank: int
    route: Any
    certain: bool
    why_unknown: str = ""


# -- VPC route tables ---------------------------------------------------------------------------


def route_for(table: RouteTable, block: IPNetwork, network: Network) -> Verdict:
    """The route that carries traffic to every address of `block`.

    Allowed with the route (a Route, or a LocalRoute) when one route wins for all of it;
    blocked when no route matches; Unknown when a route that may win is not known, or when
    different routes win for different parts of the block.
    """
    if table.changed_by:
        reason = (
            f"custom resource {table.changed_by[0].logical_id} may change the routes of "
            f"{table.logical_id}"
        )
        return Verdict(Unknown(reason), why=reason)
    candidates = _vpc_candidates(table, network, block.version)
    if isinstance(candidates, Unknown):
        return Verdict(candidates, why=candidates.reason)
    return _longest_prefix(candidates, block, f"route table {table.logical_id}")


def _vpc_candidates(
    table: RouteTable, network: Network, version: int
) -> list[_Candidate] | Unknown:
    candidates: list[_Candidate] = []
    if table.vpc is not None:
        blocks = table.vpc.blocks_of(version)
        if isinstance(blocks, Unknown):
            return blocks
        candidates.extend(_Candidate(b, _LOCAL, LocalRoute(table.vpc, b), True) for b in blocks)
    for route in table.routes:
        destination = route.destination
        if isinstance(destination, PrefixList):
            blocks = destination.blocks
            if isinstance(blocks, Unknown):
                candidates.append(_Candidate(None, _PREFIX_LIST, route, False, blocks.reason))
                continue
            candidates.extend(_Candidate(b, _PREFIX_LIST, route, route.certain) for b in blocks)
            continue
        block = block_of(destination)
        if block is None:
            why = (
                destination.reason
                if isinstance(destination, Unknown)
                else f"the entries of prefix list {destination} are not known"
            )
            candidates.append(_Candidate(None, _STATIC, route, False, why))
            continue
        candidates.append(_Candidate(block, _STATIC, route, route.certain))
    for propagation in _propagations_into(table, network):
        gateway = propagation.vpn_gateway
        name = getattr(gateway, "logical_id", gateway)
        candidates.append(
            _Candidate(
                None,
                _PROPAGATED,
                propagation,
                False,
                f"route table {table.logical_id} takes routes that {name} propagates "
                "from outside the template",
            )
        )
    return candidates


def _propagations_into(table: RouteTable, network: Network) -> list[RoutePropagation]:
    found = []
    for propagation in network.route_propagations:
        tables = propagation.route_tables
        if isinstance(tables, Unknown) or any(t is table for t in tables):
            found.append(propagation)
        elif any(not isinstance(t, RouteTable) for t in tables):
            found.append(propagation)  # a table named from outside may be this one
    return found


# -- transit gateway route tables ---------------------------------------------------------------


def transit_route_for(
    table: TransitGatewayRouteTable, block: IPNetwork, network: Network
) -> Verdict:
    """The transit gateway route that carries traffic to every address of `block`:
    a TransitGatewayRoute (a blackhole is blocked) or a PropagatedRoute."""
    if not network.transit_routing_settled:
        reason = "a transit gateway association, propagation or route names something outside"
        return Verdict(Unknown(reason), why=reason)
    candidates: list[_Candidate] = []
    for route in table.routes:
        destination = block_of(route.destination)
        if destination is None:
            why = getattr(route.destination, "reason", f"destination {route.destination!r}")
            candidates.append(_Candidate(None, _STATIC, route, False, why))
        else:
            candidates.append(_Candidate(destination, _STATIC, route, route.certain))
    for attachment, certain in propagating_attachments(table, network):
        if attachment.vpc is None:
            why = f"what attachment {attachment.logical_id} propagates is not known"
            candidates.append(_Candidate(None, _PROPAGATED, attachment, False, why))
            continue
        blocks = attachment.vpc.blocks_of(block.version)
        if isinstance(blocks, Unknown):
            candidates.append(_Candidate(None, _PROPAGATED, attachment, False, blocks.reason))
            continue
        candidates.extend(
            _Candidate(b, _PROPAGATED, PropagatedRoute(attachment, b, certain), certain)
            for b in blocks
        )
    verdict = _longest_prefix(candidates, block, f"transit gateway route table {table.logical_id}")
    route = verdict.by
    if verdict.passes and isinstance(route, TransitGatewayRoute) and route.blackhole is not False:
        if isinstance(route.blackhole, Unknown):
            return Verdict(route.blackhole, route, route.blackhole.reason)
        return Verdict(False, route, f"blackhole route {route.logical_id} drops it")
    return verdict


def propagating_attachments(
    table: TransitGatewayRouteTable, network: Network
) -> list[tuple[TransitGatewayAttachment, bool]]:
    """The attachments that propagate routes into the table, and whether each surely does."""
    found: dict[int, tuple[TransitGatewayAttachment, bool]] = {}
    for propagation in table.propagations:
        if propagation.attachment is not None:
            found[id(propagation.attachment)] = (propagation.attachment, propagation.certain)
    gateway = table.transit_gateway
    if table.is_default and isinstance(gateway, TransitGateway):
        default = gateway.default_propagation
        for attachment in gateway.attachments:
            if id(attachment) not in found and default is not False:
                surely = default is True and attachment.certain
                found[id(attachment)] = (attachment, surely)
    return list(found.values())


# -- questions about subnets --------------------------------------------------------------------

# Default-route targets that certainly do not carry a public address's replies to the internet.
_NOT_INTERNET = {
    TargetKind.NAT_GATEWAY,
    TargetKind.VPN_GATEWAY,
    TargetKind.TRANSIT_GATEWAY,
    TargetKind.PEERING,
    TargetKind.LOCAL,
    TargetKind.EGRESS_ONLY_INTERNET_GATEWAY,
}


_APPLIANCES = {TargetKind.INSTANCE, TargetKind.NETWORK_INTERFACE}


def certainly_private(subnet: Subnet) -> bool:
    """True when the subnet's route table certainly sends nothing IPv4 to the internet: the
    replies of a public address in it never reach the internet as they left.

    A default route to an instance or network interface counts as private when the target
    drops what it should forward (its source/destination check is on), or forwards it (a NAT
    instance, which replaces the source address) while no ingress routing (an edge association
    of the VPC's internet gateway) brings inbound traffic through it; otherwise it may be an
    appliance in front of the internet gateway, and the answer is not known.
    """
    if subnet.is_public is not False:
        return False
    table = subnet.route_table
    if not isinstance(table, RouteTable):
        return False
    for route in table.routes:
        destination = route.destination
        kind = route.target.kind
        if kind is TargetKind.INTERNET_GATEWAY:
            if not (isinstance(destination, str) and ":" in destination):
                return False  # any IPv4 (or unknown) destination through the gateway
        elif not _may_be_default(destination) or kind in _NOT_INTERNET:
            continue
        elif kind not in _APPLIANCES or not _no_way_back(route.target.resource, subnet):
            return False  # a firewall endpoint, appliance or unknown target
    return True


def forwards(target: Instance | NetworkInterface) -> bool | Unknown:
    """Whether an instance or network interface that a route names forwards traffic addressed
    to others: only with its source/destination check off. An interface attached to an
    instance that turns the check off may be that instance's primary one (which the instance's
    setting governs)."""
    check = target.source_dest_check
    if isinstance(target, NetworkInterface) and target.instance is not None and check is True:
        owner = target.instance.source_dest_check
        if owner is not True:
            return Unknown(f"instance {target.instance.logical_id} may turn the check off")
    return check if isinstance(check, Unknown) else not check


def _no_way_back(target: object, subnet: Subnet) -> bool:
    """Whether replies sent to `target` certainly do not leave for the internet unchanged."""
    if not isinstance(target, (Instance, NetworkInterface)) or not target.certain:
        return False
    forwarding = forwards(target)
    if forwarding is False:
        return True  # dropped
    vpc = subnet.vpc
    if forwarding is not True or vpc is None:
        return False
    if any(table.gateway_associations for table in vpc.route_tables):
        return False
    gateways = [attachment.gateway for attachment in vpc.gateway_attachments]
    if not any(isinstance(g, InternetGateway) and g.certain for g in gateways):
        return False  # the internet gateway, and its ingress routing, may be elsewhere
    return all(g is not None and not g.edge_associations for g in gateways)


def _may_be_default(destination: object) -> bool:
    return destination == "0.0.0.0/0" or not isinstance(destination, str)


# -- longest prefix -----------------------------------------------------------------------------


def _longest_prefix(candidates: list[_Candidate], block: IPNetwork, where: str) -> Verdict:
    known = [c for c in candidates if c.block is not None and c.block.version == block.version]
    unknown = [c for c in candidates if c.block is None]
    winners = []
    for address in piece_starts(block, [c.block for c in known]):  # type: ignore[misc]
        winner = _winner(known, address)
        if isinstance(winner, Verdict):
            return winner
        if unknown and not (
            winner is not None and winner.rank == _LOCAL and _all_propagated(unknown)
        ):
            first = unknown[0]
            return Verdict(Unknown(first.why_unknown), first.route, first.why_unknown)
        winners.append(winner)
    routes = {id(w.route) if w else None for w in winners}
    if len(routes) > 1:
        reason = f"{where} sends different parts of {block} different ways"
        return Verdict(Unknown(reason), why=reason)
    chosen = winners[0]
    if chosen is None:
        return Verdict(False, None, f"{where} has no route to {block}")
    return Verdict(
        True, chosen.route, f"{chosen.route.destination} to {_target_text(chosen.route)}"
    )


def _winner(known: list[_Candidate], address: IPAddress) -> _Candidate | Verdict | None:
    matching = [c for c in known if address in c.block]  # type: ignore[operator]
    if not matching:
        return None
    best = max(matching, key=lambda c: (c.block.prefixlen, c.rank))  # type: ignore[union-attr]
    if not best.certain:
        reason = f"route {best.route.logical_id} may not exist"
        return Verdict(Unknown(reason), best.route, reason)
    rivals = [
        c
        for c in matching
        if not c.certain and (c.block.prefixlen, c.rank) > (best.block.prefixlen, best.rank)  # type: ignore[union-attr]
    ]
    if rivals:
        reason = f"route {rivals[0].route.logical_id} may exist and would win"
        return Verdict(Unknown(reason), rivals[0].route, reason)
    return best


def _all_propagated(unknown: list[_Candidate]) -> bool:
    """Routes propagated from a VPN never win over a local route."""
    return all(c.rank == _PROPAGATED for c in unknown)


def _target_text(route: Any) -> str:
    if isinstance(route, LocalRoute):
        return f"local (VPC {route.vpc.logical_id})"
    if isinstance(route, PropagatedRoute):
        return f"attachment {route.attachment.logical_id}"
    if isinstance(route, TransitGatewayRoute):
        attachment = route.attachment
        return f"attachment {getattr(attachment, 'logical_id', attachment)}"
    return route.target.describe()
