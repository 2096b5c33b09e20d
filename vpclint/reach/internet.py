"""The internet in a walk: out through an internet gateway (attached to the VPC, carrying public
addresses only, for a sender with a public address), in from the internet through the gateway
and its edge route table to a workload and the route its replies take back out, and NAT
gateways, which forward from their own subnet under their own address.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vpclint.judge import routes
from vpclint.judge.addresses import host
from vpclint.judge.flows import ANY_CLIENT, NAT_GATEWAY_CLIENT
from vpclint.model import (
    GatewayAttachment,
    InternetGateway,
    NatGateway,
    RouteTable,
    Subnet,
    TargetKind,
    Vpc,
)
from vpclint.reach import answer as codes
from vpclint.reach.answer import Path, all_of, any_of, one_of
from vpclint.reach.walk import MAX_HOPS, Crossing, Sender, Target, Walk, is_public, unknown_path
from vpclint.values import Unknown

if TYPE_CHECKING:
    from vpclint.reach.places import End


def through_internet_gateway(path: Path, sender: Sender, route: Any, target: Target) -> None:
    gateway = route.target.resource
    table = route.route_table
    attached_elsewhere = (
        isinstance(gateway, InternetGateway)
        and table is not None
        and table.vpc is not None
        and not any(a.vpc is table.vpc for a in gateway.attachments)
    )
    if attached_elsewhere:
        path.block(
            codes.NOT_ATTACHED,
            gateway.logical_id,
            f"internet gateway {gateway.logical_id} is not attached to VPC {table.vpc.logical_id}",
            "attach it with an AWS::EC2::VPCGatewayAttachment",
        )

    if target.block is not None and not is_public(target.block):
        path.block(
            codes.PRIVATE_ADDRESS_TO_INTERNET,
            route.target.describe(),
            f"{target.block} is a private address, which an internet gateway does not carry",
            f"route {target.block} to where it lives (local, peering, transit gateway, VPN)",
        )
        return
    if sender.public_ip is not True:
        if isinstance(sender.public_ip, Unknown):
            path.unknown(sender.name, f"whether it has a public IP: {sender.public_ip.reason}")
        else:
            path.block(
                codes.NO_PUBLIC_IP,
                sender.name,
                f"{sender.name} has no public IP address, so the internet gateway cannot "
                "carry its traffic",
                "give it a public IP (AssociatePublicIpAddress or an Elastic IP) or route "
                "it through a NAT gateway",
            )
        return
    path.through(route.target.describe())


def from_internet(walk: Walk, destination: End) -> Path:
    """From some address of the internet to a workload, through its VPC's internet gateway."""
    if destination.service is not None:
        return unknown_path(destination.name, "AWS services are not reached from here")
    if destination.public_ip is not True:
        if isinstance(destination.public_ip, Unknown):
            return unknown_path(destination.name, destination.public_ip.reason)
        path = Path()
        path.block(
            codes.NO_PUBLIC_IP_INBOUND,
            destination.name,
            f"{destination.name} has no public address, so nothing on the internet can reach it",
            "give it a public address (or put an internet-facing load balancer in front)",
        )
        return path
    paths = []
    for where in destination.subnets:
        label = f"to subnet {where.logical_id}" if len(destination.subnets) > 1 else ""
        per_address = []
        for address in walk.internet_addresses():
            sender = Sender("the internet", host(address), None, True, ANY_CLIENT, None)
            target = Target(
                destination.name, where.block, where, destination.groups, destination.resource
            )
            path = Path(label=label, address=str(address))
            per_address.append(_inbound(walk, path, sender, target))
        paths.append(any_of(per_address))
    if destination.elsewhere is not None or not paths:
        reason = destination.elsewhere.reason if destination.elsewhere else "it sits nowhere"
        paths.append(unknown_path(destination.name, reason))
    return all_of(paths) if destination.spread else one_of(paths)


def _inbound(walk: Walk, path: Path, sender: Sender, target: Target) -> Path:
    assert target.subnet is not None
    vpc = target.vpc
    gateway = _internet_gateway_of(vpc)
    if gateway is None:
        name = vpc.logical_id if vpc else "?"
        path.block(
            codes.NO_ROUTE,
            name,
            f"VPC {name} has no internet gateway attached",
            "attach an internet gateway and route the subnet to it",
        )
        return path
    if isinstance(gateway, Unknown):
        path.unknown(target.name, gateway.reason)
        return path
    path.hop(gateway.logical_id, "internet gateway", f"to the public address of {target.name}")
    path.through(f"internet gateway {gateway.logical_id}")
    crossings: list[Crossing] = []
    edge = _edge_table(gateway)
    if isinstance(edge, Unknown):
        path.unknown(gateway.logical_id, edge.reason)
        return path
    if edge is not None:
        verdict = routes.route_for(edge, target.block, walk.network) if target.block else None
        if verdict is None or not verdict.passes:
            reason = verdict.why if verdict is not None else "the address is not known"
            path.unknown(edge.logical_id, reason)
            return path
        route = verdict.by
        path.hop(route.logical_id, "edge route", verdict.why)
        if route.target.kind is not TargetKind.LOCAL:
            # Imported here: an appliance between the gateway and the subnets is rare.
            from vpclint.reach.middleboxes import middlebox_subnet

            middlebox = middlebox_subnet(path, route)
            if middlebox is None:
                return path
            walk.acl(path, middlebox, False, sender.block, sender.client, crossings)
            walk.acl(path, middlebox, True, target.block, sender.client, crossings)
    walk.arrive(path, sender, target, crossings)
    _route_back_to_internet(walk, path, target, gateway)
    walk.replies(path, crossings)
    return path


def _route_back_to_internet(
    walk: Walk, path: Path, target: Target, gateway: InternetGateway
) -> None:
    """The replies leave by the target subnet's routes: they must reach the gateway."""
    assert target.subnet is not None
    table = target.subnet.route_table
    if isinstance(table, Unknown):
        path.unknown(target.subnet.logical_id, table.reason)
        return
    address = next(iter(walk.internet_addresses()))
    subnet = target.subnet
    for _ in range(MAX_HOPS):
        verdict = routes.route_for(table, host(address), walk.network)
        if verdict.blocks:
            path.block(
                codes.NO_ROUTE,
                table.logical_id,
                f"route table {table.logical_id} of subnet {target.subnet.logical_id} has no "
                "route to the internet, so the replies cannot leave",
                "route 0.0.0.0/0 to the internet gateway",
                None,
                subnet,
            )
            return
        if not verdict.passes:
            path.unknown(table.logical_id, verdict.why)
            return
        route = verdict.by
        kind = route.target.kind
        if kind is TargetKind.INTERNET_GATEWAY:
            path.silent(table.logical_id, "route back", verdict.why, route, subnet)
            return
        if kind is TargetKind.NAT_GATEWAY:
            path.block(
                codes.NO_ROUTE,
                table.logical_id,
                f"route table {table.logical_id} sends the replies through "
                f"{route.target.describe()}, which gives them another address",
                "route 0.0.0.0/0 of the subnet to the internet gateway",
                route,
                subnet,
            )
            return
        # Imported here: an appliance on the way back out is rare.
        from vpclint.reach.middleboxes import middlebox_subnet

        middlebox = middlebox_subnet(path, route)
        if middlebox is None:
            return
        next_table = middlebox.route_table
        if isinstance(next_table, Unknown):
            path.unknown(middlebox.logical_id, next_table.reason)
            return
        table, subnet = next_table, middlebox
    path.unknown(table.logical_id, "the routes go round in a loop")


def _internet_gateway_of(vpc: Vpc | None) -> InternetGateway | Unknown | None:
    if vpc is None:
        return Unknown("the VPC is not known")
    attached = [
        a.gateway
        for a in vpc.gateway_attachments
        if isinstance(a.gateway, InternetGateway) and a.certain
    ]
    if attached:
        return attached[0]
    if any(
        isinstance(a, GatewayAttachment) and "InternetGatewayId" in a.properties
        for a in vpc.gateway_attachments
    ):
        return Unknown("an internet gateway from outside the template may be attached")
    return None


def _edge_table(gateway: InternetGateway) -> RouteTable | Unknown | None:
    tables = [a for a in gateway.edge_associations if a.route_table is not None]
    if any(not a.certain for a in tables):
        return Unknown(f"the edge route table of {gateway.logical_id} is not certain")
    return tables[0].route_table if tables else None


# -- NAT ------------------------------------------------------------------------------------------


def through_nat_gateway(
    walk: Walk,
    path: Path,
    sender: Sender,
    subnet: Subnet,
    nat: NatGateway,
    target: Target,
    crossings: list[Crossing],
    depth: int,
) -> None:
    where = nat.subnet
    if where is None:
        path.unknown(nat.logical_id, "the NAT gateway's subnet is not known")
        return
    path.hop(nat.logical_id, "NAT gateway", f"in subnet {where.logical_id}")
    path.through(f"NAT gateway {nat.logical_id}")
    walk.acl(path, where, False, sender.block, sender.client, crossings)
    public = nat.connectivity_type
    translated = Sender(
        f"NAT gateway {nat.logical_id}",
        where.block,
        None,
        public if isinstance(public, Unknown) else public == "public",
        NAT_GATEWAY_CLIENT,
        where.vpc,
    )
    table = where.route_table
    if isinstance(table, RouteTable):
        back = walk.route(table, target)
        if back.passes and back.by.target.resource is nat:
            path.block(
                codes.NAT_NOT_PUBLIC,
                nat.logical_id,
                f"NAT gateway {nat.logical_id} sits in subnet {where.logical_id}, whose route "
                f"table {table.logical_id} sends the traffic back to the NAT gateway itself",
                "place the NAT gateway in a public subnet",
                back.by,
                where,
            )
            return
    before = len(path.blocks)
    walk.leave(path, translated, where, target, crossings, depth + 1)
    _explain_nat(path, nat, translated, where, before)


def _explain_nat(
    path: Path, nat: NatGateway, translated: Sender, where: Subnet, since: int
) -> None:
    """A NAT gateway whose own subnet does not reach the internet: say so in its words."""
    table = where.route_table
    for index in range(since, len(path.blocks)):
        blocked = path.blocks[index]
        if blocked.code == codes.NO_PUBLIC_IP and blocked.component == translated.name:
            why = f"NAT gateway {nat.logical_id} is private and reaches no internet"
            fix = "use a public NAT gateway (ConnectivityType: public, with an Elastic IP)"
        elif (
            blocked.code == codes.NO_ROUTE
            and isinstance(table, RouteTable)
            and blocked.component == table.logical_id
        ):
            why = (
                f"NAT gateway {nat.logical_id} sits in subnet {where.logical_id}, whose "
                f"route table {table.logical_id} has no route out ({blocked.explanation})"
            )
            fix = "place the NAT gateway in a public subnet"
        else:
            continue
        path.blocks[index] = codes.Block(codes.NAT_NOT_PUBLIC, nat.logical_id, why, fix)
