"""Middleboxes in a walk: an instance or network interface that a route sends traffic to (a NAT
instance or an appliance, which forwards only with its source/destination check off), and
Network Firewall and Gateway Load Balancer endpoints, which pass the traffic on through their
own subnet's routes, the packet keeping its source.
"""

from __future__ import annotations

from typing import Any

from vpclint.judge.flows import ANY_CLIENT, Peer
from vpclint.judge.routes import forwards
from vpclint.model import Firewall, Instance, NetworkInterface, Subnet, VpcEndpoint, subnets_in
from vpclint.reach import answer as codes
from vpclint.reach.answer import Path, one_of
from vpclint.reach.walk import Crossing, Sender, Target, Walk, replace
from vpclint.values import Unknown


def through_appliance(
    walk: Walk,
    path: Path,
    sender: Sender,
    subnet: Subnet,
    resource: Any,
    target: Target,
    crossings: list[Crossing],
    depth: int,
) -> None:
    """An instance or network interface as a route target: a NAT instance or an
    appliance, which forwards only with its source/destination check off."""
    interface = resource if isinstance(resource, NetworkInterface) else None
    instance = resource if isinstance(resource, Instance) else getattr(resource, "instance", None)
    holder = instance or interface
    # Whether it forwards: the route's own target decides (an interface may be a secondary one).
    target_box = interface or instance
    forwarding = forwards(target_box) if target_box is not None else Unknown("unknown target")
    where = holder.subnet if holder is not None else None
    name = holder.logical_id if holder is not None else "?"
    if where is None:
        path.unknown(name, f"the subnet of {name} is not known")
        return
    path.hop(name, "appliance", f"in subnet {where.logical_id}")
    if forwarding is not True:
        if isinstance(forwarding, Unknown):
            path.unknown(name, f"whether {name} forwards traffic: {forwarding.reason}")
        else:
            path.block(
                codes.SOURCE_DEST_CHECK,
                name,
                f"{name} keeps its source/destination check on, so it drops traffic that "
                "is not addressed to it and cannot forward it",
                f"set SourceDestCheck: false on {target_box.logical_id if target_box else name}",
            )
        return
    path.condition(f"{name} forwards the traffic (NAT or routing is configured on it)")
    path.through(f"NAT instance {name}")
    walk.acl(path, where, False, sender.block, sender.client, crossings)
    groups = holder.security_groups
    peer = Peer(
        sender.name, sender.block, walk.visible_groups_in(sender, where.vpc), vpc=sender.vpc
    )
    walk.groups(path, groups, "ingress", name, peer)
    placement = holder.placement() if holder is not None else None
    forwarded = Sender(
        name,
        where.block,
        groups,
        placement.public_ip if placement is not None else Unknown("no placement"),
        ANY_CLIENT,
        where.vpc,
    )
    walk.groups(path, groups, "egress", name, walk.peer_of(target, forwarded))
    walk.leave(path, forwarded, where, target, crossings, depth + 1)


def through_firewall(
    walk: Walk,
    path: Path,
    sender: Sender,
    firewall: Firewall,
    target: Target,
    crossings: list[Crossing],
    depth: int,
) -> None:
    subnets, elsewhere = subnets_in(firewall.subnets)
    if not subnets or elsewhere is not None:
        reason = elsewhere.reason if elsewhere else "it names none"
        path.unknown(firewall.logical_id, f"the subnets of the firewall are not known: {reason}")
        return
    path.condition(f"the policy of firewall {firewall.logical_id} allows it")
    path.through(f"firewall {firewall.logical_id}")
    branches = []
    for where in subnets:
        branch = path.copy()
        branch_crossings = list(crossings)
        branch.hop(firewall.logical_id, "firewall", f"endpoint in subnet {where.logical_id}")
        _through_middlebox(walk, branch, sender, where, target, branch_crossings, depth)
        walk.replies(branch, branch_crossings)
        branches.append(branch)
    replace(path, one_of(branches))
    crossings.clear()  # each branch judged the replies of its own crossings


def through_gateway_load_balancer(
    walk: Walk,
    path: Path,
    sender: Sender,
    endpoint: VpcEndpoint,
    target: Target,
    crossings: list[Crossing],
    depth: int,
) -> None:
    subnets, elsewhere = subnets_in(endpoint.subnets or [])
    if len(subnets) != 1 or elsewhere is not None:
        path.unknown(endpoint.logical_id, "the subnet of the endpoint is not known")
        return
    path.hop(endpoint.logical_id, "GWLB endpoint", f"in subnet {subnets[0].logical_id}")
    path.condition(f"the appliances behind endpoint {endpoint.logical_id} pass it")
    path.through(f"GWLB endpoint {endpoint.logical_id}")
    _through_middlebox(walk, path, sender, subnets[0], target, crossings, depth)


def _through_middlebox(
    walk: Walk,
    path: Path,
    sender: Sender,
    where: Subnet,
    target: Target,
    crossings: list[Crossing],
    depth: int,
) -> None:
    """In through the middlebox's subnet, and on by that subnet's routes; the packet keeps
    its source."""
    walk.acl(path, where, False, sender.block, sender.client, crossings)
    walk.leave(path, sender, where, target, crossings, depth + 1)


def middlebox_subnet(path: Path, route: Any) -> Subnet | None:
    """The subnet of a firewall or GWLB endpoint a route leads to (when it is one)."""
    resource = route.target.resource
    if isinstance(resource, Firewall):
        subnets, elsewhere = subnets_in(resource.subnets)
        if len(subnets) == 1 and elsewhere is None:
            path.condition(f"the policy of firewall {resource.logical_id} allows it")
            path.through(f"firewall {resource.logical_id}")
            path.hop(resource.logical_id, "firewall", f"endpoint in subnet {subnets[0].logical_id}")
            return subnets[0]
    if isinstance(resource, VpcEndpoint):
        subnets, elsewhere = subnets_in(resource.subnets or [])
        if len(subnets) == 1 and elsewhere is None:
            path.condition(f"the appliances behind endpoint {resource.logical_id} pass it")
            path.through(f"GWLB endpoint {resource.logical_id}")
            path.hop(resource.logical_id, "GWLB endpoint", f"in subnet {subnets[0].logical_id}")
            return subnets[0]
    path.unknown(
        route.target.describe(), f"traffic through {route.target.describe()} is not followed"
    )
    return None
