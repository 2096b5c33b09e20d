"""Into another VPC in a walk: through a peering connection (to addresses of the peer VPC only:
peering is not transitive) or a transit gateway (its route table for the source's attachment,
then the destination's attachment and its subnet in the other VPC), and the route the replies
need back from the destination's subnet.
"""

from __future__ import annotations

from typing import Any

from vpclint.judge import routes
from vpclint.model import (
    IPNetwork,
    PeeringConnection,
    Subnet,
    TargetKind,
    TransitGateway,
    TransitGatewayAttachment,
    TransitGatewayRoute,
    Vpc,
)
from vpclint.reach import answer as codes
from vpclint.reach.answer import Path, one_of
from vpclint.reach.walk import Crossing, Sender, Target, Walk, replace
from vpclint.values import Unknown


def through_peering(
    walk: Walk,
    path: Path,
    sender: Sender,
    subnet: Subnet,
    peering: PeeringConnection,
    target: Target,
    crossings: list[Crossing],
) -> None:
    here = subnet.vpc
    other = peering.peer_vpc if peering.vpc is here else peering.vpc
    if peering.cross_account_or_region or not isinstance(other, Vpc):
        path.unknown(peering.logical_id, "the peer VPC is outside the template")
        return
    path.hop(peering.logical_id, "peering", f"to VPC {other.logical_id}")
    path.through(f"peering connection {peering.logical_id}")
    if target.subnet is None or target.vpc is not other:
        inside = _within(target.block, other)
        if inside is False:
            path.block(
                codes.PEERING_NOT_TRANSITIVE,
                peering.logical_id,
                f"peering connection {peering.logical_id} carries traffic only to addresses "
                f"of VPC {other.logical_id}, not to {target.name} (peering is not transitive)",
                "connect the VPCs directly, or use a transit gateway",
            )
        else:
            path.unknown(target.name, f"whether {target.name} is in VPC {other.logical_id}")
        return
    walk.arrive(path, sender, target, crossings)
    _route_back(walk, path, target.subnet, sender, "peering", peering)


def through_transit_gateway(
    walk: Walk,
    path: Path,
    sender: Sender,
    subnet: Subnet,
    gateway: TransitGateway,
    target: Target,
    crossings: list[Crossing],
    depth: int,
) -> None:
    attachment = _attachment(gateway, subnet.vpc)
    if isinstance(attachment, Unknown) or attachment is None:
        reason = (
            attachment.reason
            if attachment is not None
            else (
                f"VPC {subnet.vpc.logical_id if subnet.vpc else '?'} has no attachment to "
                f"transit gateway {gateway.logical_id}"
            )
        )
        if attachment is None:
            path.block(
                codes.NO_ROUTE,
                gateway.logical_id,
                reason,
                "attach the VPC to the transit gateway",
            )
        else:
            path.unknown(gateway.logical_id, reason)
        return
    zone_subnets = _attachment_subnets(path, attachment, subnet)
    if zone_subnets is None:
        return
    for entry in zone_subnets:
        if entry is not subnet:
            # Into the transit gateway's interface: its subnet's ACL, inbound.
            walk.acl(path, entry, False, sender.block, sender.client, crossings)
    table = attachment.route_table
    if isinstance(table, Unknown):
        path.unknown(attachment.logical_id, table.reason)
        return
    if table is None:
        path.block(
            codes.TGW_NO_ASSOCIATION,
            attachment.logical_id,
            f"attachment {attachment.logical_id} is associated with no transit gateway "
            "route table, so the transit gateway drops its traffic",
            "associate it with a route table (or turn DefaultRouteTableAssociation on)",
        )
        return
    if target.block is None:
        path.unknown(target.name, "the destination address is not known")
        return
    verdict = routes.transit_route_for(table, target.block, walk.network)
    if verdict.blocks:
        if isinstance(verdict.by, TransitGatewayRoute):
            path.block(
                codes.TGW_BLACKHOLE,
                table.logical_id,
                f"transit gateway route table {table.logical_id} drops {target.block} "
                f"({verdict.why})",
                "route the destination to its attachment instead of a blackhole",
            )
        else:
            path.block(
                codes.NO_ROUTE,
                table.logical_id,
                f"{verdict.why}",
                "add a static route or propagate the destination VPC's attachment into it",
            )
        return
    if not verdict.passes:
        path.unknown(table.logical_id, verdict.why)
        return
    route = verdict.by
    path.hop(
        gateway.logical_id, "transit gateway", f"route table {table.logical_id}: {verdict.why}"
    )
    path.through(f"transit gateway {gateway.logical_id}")
    beyond = route.attachment
    if not isinstance(beyond, TransitGatewayAttachment) or beyond.vpc is None:
        path.unknown(
            str(getattr(beyond, "logical_id", beyond)),
            "the attachment leads outside the template",
        )
        return
    entries = _attachment_subnets(path, beyond, None)
    if entries is None:
        return
    branches = []
    for entry in entries:
        branch = path.copy()
        branch_crossings = list(crossings)
        branch.hop(beyond.logical_id, "attachment", f"into subnet {entry.logical_id}")
        before = len(branch.blocks)
        if target.subnet is entry:
            # The transit gateway's interface sits in the target's subnet: no ACL between.
            walk.arrive(branch, sender, target, branch_crossings, acl=False)
        else:
            # Out of the transit gateway's interface: its subnet's ACL and routes.
            walk.leave(branch, sender, entry, target, branch_crossings, depth + 1)
        if target.subnet is not None and len(branch.blocks) == before:
            _route_back(walk, branch, target.subnet, sender, "transit", gateway)
        walk.replies(branch, branch_crossings)
        branches.append(branch)
    replace(path, one_of(branches))
    crossings.clear()


def _attachment(
    gateway: TransitGateway, vpc: Vpc | None
) -> TransitGatewayAttachment | Unknown | None:
    found = [a for a in gateway.attachments if a.vpc is vpc and vpc is not None]
    if len(found) == 1 and found[0].certain:
        return found[0]
    if found:
        return Unknown(f"the attachment of the VPC to {gateway.logical_id} may not exist")
    if any(a.vpc is None and a.vpn_connection is None for a in gateway.attachments):
        return Unknown("an attachment names a VPC outside the template")
    return None


def _attachment_subnets(
    path: Path, attachment: TransitGatewayAttachment, source: Subnet | None
) -> list[Subnet] | None:
    """The attachment's subnets traffic may use: the one in the source's zone when the
    source is in the VPC; None (and unknown) when they are not known."""
    subnets = attachment.subnets
    if not isinstance(subnets, list) or not all(isinstance(s, Subnet) for s in subnets):
        path.unknown(attachment.logical_id, "the subnets of the attachment are not known")
        return None
    known = [s for s in subnets if isinstance(s, Subnet)]
    if source is None:
        return known
    zone = source.zone
    zones = [s.zone for s in known]
    if zone is None or any(z is None for z in zones):
        return known
    same = [s for s in known if s.zone == zone]
    if not same:
        path.block(
            codes.TGW_ZONE,
            attachment.logical_id,
            f"attachment {attachment.logical_id} has no subnet in {zone[1]}, the zone of "
            f"subnet {source.logical_id}, so the transit gateway does not take its traffic",
            f"add a subnet in {zone[1]} to the attachment's SubnetIds",
        )
        return None
    return same


def _route_back(
    walk: Walk, path: Path, subnet: Subnet, sender: Sender, how: str, connection: Any
) -> None:
    """The replies need a route from the target's subnet back to the sender."""
    table = subnet.route_table
    if isinstance(table, Unknown):
        path.unknown(subnet.logical_id, table.reason)
        return
    if sender.block is None:
        path.unknown(sender.name, "the source address is not known")
        return
    verdict = routes.route_for(table, sender.block, walk.network)
    if verdict.blocks:
        path.block(
            codes.NO_ROUTE,
            table.logical_id,
            f"route table {table.logical_id} of subnet {subnet.logical_id} has no route back "
            f"to {sender.block}, so the replies are dropped",
            f"add a route to {sender.block} through {connection.logical_id} in {table.logical_id}",
        )
        return
    if not verdict.passes:
        path.unknown(table.logical_id, verdict.why)
        return
    back = verdict.by.target
    if back.resource is connection:
        return
    if how == "transit" and back.kind is TargetKind.TRANSIT_GATEWAY:
        return
    path.unknown(
        table.logical_id,
        f"the replies go back through {back.describe()}, not {connection.logical_id}",
    )


def _within(block: IPNetwork | None, vpc: Vpc) -> bool | None:
    if block is None:
        return None
    blocks = vpc.blocks_of(block.version)
    if isinstance(blocks, Unknown):
        return None
    if any(block.subnet_of(b) for b in blocks):  # type: ignore[arg-type]
        return True
    if any(block.overlaps(b) for b in blocks):  # type: ignore[arg-type]
        return None
    return False
