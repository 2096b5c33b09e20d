"""Walk a packet through the network as AWS would, before anything is deployed.

Outbound from a workload: its security groups (egress), its subnet's network ACL, the subnet's
route table, then wherever the route leads: the local route to a workload of the VPC (its
subnet's ACL and its security groups), an internet gateway (which needs a public address), a
NAT gateway or NAT instance (which forwards from its own subnet, under its own address), a
Network Firewall or Gateway Load Balancer endpoint (which passes the traffic on through its own
subnet's routes, if the appliance's policy allows it), a peering connection (to addresses of
the peer VPC only, with a route back), a transit gateway (its route table for the attachment,
then the attachment's subnet in the other VPC, and a route back), a gateway endpoint or an
interface endpoint found through private DNS. Inbound from the internet: the internet gateway,
its edge route table, then the workload's subnet and security groups, and a route back out.

Every network ACL crossed on the way is crossed again by the replies, the other way, towards
the ports the client picked (see vpclint.judge.flows.Ephemeral). Filters that drop the packet
are recorded and the walk goes on, so every blocking component is named, not only the first.
What the template cannot tell (an unknown value, a gateway to another account, a VPN) makes
the answer unknown, never a definite no. The questions themselves (does this group, this ACL,
this route table let it through?) are answered by vpclint.judge.

This module holds the walk inside a VPC: the route tables, the local route, security groups,
network ACLs and their replies. Where a route leads further, the walk goes on in
vpclint.reach.services (AWS services), .internet (internet and NAT gateways), .middleboxes
(appliances, firewalls, GWLB endpoints) and .crossings (peering, transit gateways).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vpclint.judge import network_acls, routes
from vpclint.judge import security_groups as sg
from vpclint.judge.addresses import IPAddress, host, internet_addresses, is_internet
from vpclint.judge.flows import Ephemeral, Flow, Peer, Verdict
from vpclint.model import (
    EndpointType,
    Firewall,
    IPNetwork,
    NatGateway,
    Network,
    NetworkAcl,
    PeeringConnection,
    RouteTable,
    Subnet,
    TargetKind,
    TransitGateway,
    Vpc,
    VpcEndpoint,
    protocol_label,
)
from vpclint.reach import answer as codes
from vpclint.reach.answer import Answer, Path, all_of, answer_of, any_of, one_of
from vpclint.records import record
from vpclint.values import Unknown

if TYPE_CHECKING:
    from vpclint.reach.places import End

MAX_HOPS = 12  # gateways and appliances passed; more is a routing loop


@record(frozen=True, eq=False)
class Sender:
    """What sends the packet at this point of the path, as the next filters see it: the
    source itself, or a NAT in front of it."""

    name: str
    block: IPNetwork | None  # the source address (or addresses) in the packet
    groups: Any  # its security groups; None when it has none (a NAT gateway, the internet)
    public_ip: bool | Unknown
    client: Ephemeral  # the ports the replies go back to
    vpc: Vpc | None


@record(frozen=True, eq=False)
class Target:
    """Where the packet goes: a workload in a subnet of the template, or an address."""

    name: str
    block: IPNetwork | None
    subnet: Subnet | None = None
    groups: Any = None  # None: no security group is judged (an address, a NAT gateway)
    resource: Any = None
    service: str | None = None  # the AWS service behind an address

    @property
    def vpc(self) -> Vpc | None:
        return self.subnet.vpc if self.subnet is not None else None


@record(frozen=True, eq=False)
class Crossing:
    """A network ACL crossed on the way: the replies cross it back."""

    subnet: Subnet
    egress: bool
    peer: IPNetwork | None  # the address on the other side, as the packet carries it
    client: Ephemeral  # whose ports the replies go to


class Walk:
    """A flow walked through a network. The public methods are the steps that the walk's other
    modules (services, internet, middleboxes, crossings) build on."""

    def __init__(self, network: Network, flow: Flow) -> None:
        self.network = network
        self.flow = flow

    # -- the query ------------------------------------------------------------------------------

    def run(self, source: End, destination: End) -> Answer:
        if source.internet:
            if destination.internet or destination.block is not None:
                return answer_of(unknown_path("the internet", "the internet to an address"))
            # Imported here: most walks start in a subnet, and start-up counts.
            from vpclint.reach.internet import from_internet

            return answer_of(from_internet(self, destination))
        paths = []
        for subnet in source.subnets:
            paths.append(self._from_subnet(source, subnet, destination))
        if source.elsewhere is not None or not paths:
            reason = source.elsewhere.reason if source.elsewhere else "it sits in no subnet"
            paths.append(unknown_path(source.name, f"where {source.name} sits: {reason}"))
        combined = all_of(paths) if source.spread else one_of(paths)
        return answer_of(combined)

    def _from_subnet(self, source: End, subnet: Subnet, destination: End) -> Path:
        sender = Sender(
            source.name,
            subnet.block,
            source.groups,
            source.public_ip,
            source.client,
            subnet.vpc,
        )
        label = f"from subnet {subnet.logical_id}" if len(source.subnets) > 1 else ""
        if destination.service is not None:
            # Imported here, not at the top: services imports this module for Sender and Target.
            from vpclint.reach.services import to_service

            path = to_service(self, Path(label=label), sender, subnet, destination.service)
        elif destination.internet:
            path = self._to_internet(label, sender, subnet)
        elif destination.block is not None:
            path = self._to_block(label, sender, subnet, destination.block)
        else:
            path = self._to_workload(label, sender, subnet, destination)
        return path

    def _to_internet(self, label: str, sender: Sender, subnet: Subnet) -> Path:
        """To some address of the internet: reachable when any address is."""
        paths = []
        for address in self.internet_addresses():
            target = Target("the internet", host(address))
            paths.append(self.send(Path(label=label, address=str(address)), sender, subnet, target))
        return any_of(paths)

    def _to_block(self, label: str, sender: Sender, subnet: Subnet, block: IPNetwork) -> Path:
        """To the addresses of a block: decided when every part of it is judged alike."""
        holder = self._subnet_holding(block)
        target = Target(str(block), block, holder)
        return self.send(Path(label=label), sender, subnet, target)

    def _to_workload(self, label: str, sender: Sender, subnet: Subnet, destination: End) -> Path:
        paths = []
        for where in destination.subnets:
            target = Target(
                destination.name, where.block, where, destination.groups, destination.resource
            )
            path = Path(
                label=label
                or (f"to subnet {where.logical_id}" if len(destination.subnets) > 1 else "")
            )
            paths.append(self.send(path, sender, subnet, target))
        if destination.elsewhere is not None or not paths:
            reason = destination.elsewhere.reason if destination.elsewhere else "it sits nowhere"
            paths.append(unknown_path(destination.name, f"where it sits: {reason}"))
        return all_of(paths) if destination.spread else one_of(paths)

    # -- leaving a subnet -----------------------------------------------------------------------

    def send(self, path: Path, sender: Sender, subnet: Subnet, target: Target) -> Path:
        """From a workload in `subnet`: its security groups, then its subnet's way out."""
        if sender.groups is not None:
            self.groups(path, sender.groups, "egress", sender.name, self.peer_of(target, sender))
        crossings: list[Crossing] = []
        self.leave(path, sender, subnet, target, crossings, 0)
        self.replies(path, crossings)
        return path

    def leave(
        self,
        path: Path,
        sender: Sender,
        subnet: Subnet,
        target: Target,
        crossings: list[Crossing],
        depth: int,
    ) -> None:
        """Out of `subnet` (its ACL) and along its route table towards the target."""
        self.acl(path, subnet, True, target.block, sender.client, crossings)
        if depth > MAX_HOPS:
            path.unknown(subnet.logical_id, "the routes go round in a loop")
            return
        table = subnet.route_table
        if isinstance(table, Unknown):
            path.unknown(subnet.logical_id, table.reason)
            return
        verdict = self.route(table, target)
        if not verdict.passes:
            if verdict.blocks:
                self._no_route(path, table, target, verdict, subnet)
            else:
                path.unknown(table.logical_id, str(getattr(verdict.allowed, "reason", verdict.why)))
            return
        route = verdict.by
        component = table.logical_id if isinstance(route, routes.LocalRoute) else route.logical_id
        path.hop(component, "route", verdict.why, route, subnet)
        self._follow(path, sender, subnet, target, route, crossings, depth)

    def route(self, table: RouteTable, target: Target) -> Verdict:
        if target.block is not None:
            return routes.route_for(table, target.block, self.network)
        # A service's public addresses: the route every internet address takes.
        verdicts = [
            routes.route_for(table, host(a), self.network) for a in self.internet_addresses()
        ]
        first = verdicts[0]
        if all(v.passes and v.by is first.by for v in verdicts) or all(v.blocks for v in verdicts):
            return first
        reason = f"route table {table.logical_id} sends parts of the internet different ways"
        return Verdict(Unknown(reason), why=reason)

    def _follow(
        self,
        path: Path,
        sender: Sender,
        subnet: Subnet,
        target: Target,
        route: Any,
        crossings: list[Crossing],
        depth: int,
    ) -> None:
        kind = route.target.kind
        resource = route.target.resource
        # Past the local route, each kind of target's module is imported when a route first
        # leads to it: most templates never cross a VPC boundary or a firewall, and start-up
        # counts.
        if kind is TargetKind.LOCAL:
            self._local(path, sender, subnet, target, route, crossings)
        elif kind is TargetKind.INTERNET_GATEWAY:
            from vpclint.reach.internet import through_internet_gateway

            through_internet_gateway(path, sender, route, target)
        elif kind is TargetKind.NAT_GATEWAY and isinstance(resource, NatGateway):
            from vpclint.reach.internet import through_nat_gateway

            through_nat_gateway(self, path, sender, subnet, resource, target, crossings, depth)
        elif kind in (TargetKind.INSTANCE, TargetKind.NETWORK_INTERFACE) and resource is not None:
            from vpclint.reach.middleboxes import through_appliance

            through_appliance(self, path, sender, subnet, resource, target, crossings, depth)
        elif kind is TargetKind.FIREWALL_ENDPOINT and isinstance(resource, Firewall):
            from vpclint.reach.middleboxes import through_firewall

            through_firewall(self, path, sender, resource, target, crossings, depth)
        elif (
            kind is TargetKind.VPC_ENDPOINT
            and isinstance(resource, VpcEndpoint)
            and resource.endpoint_type is EndpointType.GATEWAY_LOAD_BALANCER
        ):
            from vpclint.reach.middleboxes import through_gateway_load_balancer

            through_gateway_load_balancer(self, path, sender, resource, target, crossings, depth)
        elif kind is TargetKind.PEERING and isinstance(resource, PeeringConnection):
            from vpclint.reach.crossings import through_peering

            through_peering(self, path, sender, subnet, resource, target, crossings)
        elif kind is TargetKind.TRANSIT_GATEWAY and isinstance(resource, TransitGateway):
            from vpclint.reach.crossings import through_transit_gateway

            through_transit_gateway(self, path, sender, subnet, resource, target, crossings, depth)
        elif not route.certain:
            path.unknown(route.logical_id, f"route {route.logical_id} may not exist")
        else:
            what = route.target.describe()
            path.unknown(what, f"traffic beyond the {kind.value} is outside the template")

    # -- inside the VPC -------------------------------------------------------------------------

    def _local(
        self,
        path: Path,
        sender: Sender,
        subnet: Subnet,
        target: Target,
        route: Any,
        crossings: list[Crossing],
    ) -> None:
        if target.subnet is None:
            if target.block is not None and target.service is None:
                # An address of the VPC that no subnet of the template holds.
                path.unknown(target.name, f"no subnet of the template holds {target.block}")
            return
        if target.vpc is not subnet.vpc:
            path.unknown(target.name, "the local route leads into another VPC")
            return
        self.arrive(path, sender, target, crossings)

    def arrive(
        self,
        path: Path,
        sender: Sender,
        target: Target,
        crossings: list[Crossing],
        acl: bool = True,
    ) -> None:
        """Into the target's subnet (its ACL) and through its security groups."""
        assert target.subnet is not None
        if acl:
            self.acl(path, target.subnet, False, sender.block, sender.client, crossings)
        if target.groups is not None:
            peer = Peer(
                sender.name, sender.block, self._visible_groups(sender, target), vpc=sender.vpc
            )
            self.groups(path, target.groups, "ingress", target.name, peer)

    # -- filters --------------------------------------------------------------------------------

    def groups(self, path: Path, groups: Any, direction: str, owner: str, peer: Peer) -> None:
        verdict = sg.admits(groups, direction, self.flow, peer)
        if verdict.passes:
            rule = verdict.by
            path.hop(rule.group.logical_id, "security group", verdict.why, rule)
            return
        if isinstance(verdict.allowed, Unknown):
            path.unknown(owner, verdict.allowed.reason)
            return
        names = ", ".join(_name(g) for g in groups) if isinstance(groups, list) else "?"
        traffic = self._traffic()
        if direction == "egress":
            explanation = (
                f"no egress rule of {owner}'s security groups ({names}) allows {traffic} to "
                f"{peer.name}"
            )
            fix = f"add an egress rule for {traffic} to {peer.name}"
        else:
            explanation = (
                f"no ingress rule of {owner}'s security groups ({names}) allows {traffic} from "
                f"{peer.name}"
            )
            if peer.groups is not None:
                fix = f"allow {traffic} in from {peer.name}'s security group or subnet"
            else:
                fix = f"allow {traffic} in from the addresses of {peer.name} (a CidrIp rule)"
        path.block(codes.SG_RULES, owner, explanation, fix, groups)

    def acl(
        self,
        path: Path,
        subnet: Subnet,
        egress: bool,
        peer: IPNetwork | None,
        client: Ephemeral,
        crossings: list[Crossing],
        service: str | None = None,
    ) -> None:
        """The forward leg through a subnet's ACL; its reply is judged later (replies)."""
        crossings.append(Crossing(subnet, egress, peer, client))
        acl = subnet.network_acl
        if isinstance(acl, Unknown):
            path.unknown(subnet.logical_id, acl.reason)
            return
        verdict = network_acls.decide(acl, egress, self.flow, peer)
        self._acl_verdict(path, acl, subnet, egress, verdict, reply=False)

    def replies(self, path: Path, crossings: list[Crossing], service: str | None = None) -> None:
        """Every ACL crossed, crossed back by the replies, towards the client's ports."""
        for crossing in reversed(crossings):
            acl = crossing.subnet.network_acl
            if isinstance(acl, Unknown):
                continue  # already unknown on the way there
            verdict = network_acls.decide_reply(
                acl, not crossing.egress, self.flow, crossing.peer, crossing.client
            )
            self._acl_verdict(path, acl, crossing.subnet, not crossing.egress, verdict, reply=True)
        crossings.clear()

    def _acl_verdict(
        self,
        path: Path,
        acl: NetworkAcl,
        subnet: Subnet,
        egress: bool,
        verdict: Verdict,
        reply: bool,
    ) -> None:
        direction = "outbound" if egress else "inbound"
        if verdict.passes:
            if not acl.implicit:
                what = "replies " if reply else ""
                path.hop(
                    acl.logical_id,
                    "network ACL",
                    f"{what}{direction}: {verdict.why}",
                    verdict.by,
                    subnet,
                )
            return
        if isinstance(verdict.allowed, Unknown):
            path.unknown(acl.logical_id, verdict.allowed.reason)
            return
        what = "the replies" if reply else self._traffic()
        ports = " (the ephemeral ports 1024-65535)" if reply else ""
        path.block(
            codes.ACL,
            acl.logical_id,
            f"network ACL {acl.logical_id} of subnet {subnet.logical_id} drops {what} "
            f"{direction} ({verdict.why})",
            f"allow {direction} {protocol_label(self.flow.protocol)}"
            + (f" port {self.flow.port}" if not reply and self.flow.port is not None else "")
            + f"{ports} in {acl.logical_id} before any deny that covers it",
            verdict.by,
            subnet,
        )

    def _no_route(
        self, path: Path, table: RouteTable, target: Target, verdict: Verdict, subnet: Subnet
    ) -> None:
        where = (
            "the internet" if target.block is not None and is_public(target.block) else target.name
        )
        if target.service is not None:
            where = f"the public addresses of {target.service}"
        block = (
            f" ({target.block})" if target.block is not None and where != str(target.block) else ""
        )
        if where == "the internet":
            block = " (0.0.0.0/0)"
        path.block(
            codes.NO_ROUTE,
            table.logical_id,
            f"route table {table.logical_id} has no route to {where}{block}",
            "add a route (to a NAT gateway for private subnets, to an internet gateway for "
            "public ones, to the peering connection or transit gateway for other VPCs), or an "
            "endpoint for the service",
            verdict.by,
            subnet,
        )

    # -- helpers --------------------------------------------------------------------------------

    def peer_of(self, target: Target, sender: Sender) -> Peer:
        """The target as the sender's egress rules see it."""
        groups = target.groups if self._groups_visible(sender.vpc, target.vpc) else None
        return Peer(target.name, target.block, groups, target.service, target.vpc)

    def _visible_groups(self, sender: Sender, target: Target) -> Any:
        return self.visible_groups_in(sender, target.vpc)

    def visible_groups_in(self, sender: Sender, vpc: Vpc | None) -> Any:
        """The sender's security groups as a rule in `vpc` sees them."""
        return sender.groups if self._groups_visible(sender.vpc, vpc) else None

    def _groups_visible(self, one: Vpc | None, other: Vpc | None) -> bool:
        """Whether a group rule in one VPC can name members in the other: the same VPC, or
        peered VPCs; across a transit gateway the group travels with no packet."""
        if one is None or other is None or one is other:
            return True
        return any(
            {id(p.vpc), id(p.peer_vpc)} == {id(one), id(other)}
            for p in self.network.peering_connections
        )

    def _subnet_holding(self, block: IPNetwork) -> Subnet | None:
        for subnet in self.network.subnets:
            own = subnet.block
            if own is not None and block.version == 4 and block.subnet_of(own):  # type: ignore[arg-type]
                return subnet
        return None

    def cuts(self) -> list[IPNetwork]:
        """Every block the network's filters and routes name: they cut the internet into the
        pieces each judged alike."""
        cached = self.network.memo.get("cuts")
        if cached is not None:
            return cached
        from vpclint.model import block_of

        cuts = []
        values = []
        for group in self.network.all_security_groups:
            for rule in group.ingress + group.egress:
                values += [rule.cidr_ipv4, rule.cidr_ipv6]
        for entry in self.network.network_acl_entries:
            values += [entry.cidr_ipv4, entry.cidr_ipv6]
        for route in self.network.routes:
            values.append(route.destination)
        for prefix_list in self.network.prefix_lists:
            if isinstance(prefix_list.entries, list):
                values += prefix_list.entries
        for value in values:
            block = block_of(value)
            if block is not None and block.version == 4:
                cuts.append(block)
        self.network.memo["cuts"] = cuts
        return cuts

    def internet_addresses(self) -> list[IPAddress]:
        """One address of each piece of the internet the network's blocks cut it into (each
        judged alike by every filter and route)."""
        cached = self.network.memo.get("internet addresses")
        if cached is None:
            cached = self.network.memo["internet addresses"] = internet_addresses(self.cuts())
        return cached

    def _traffic(self) -> str:
        return self.flow.label()


def replace(path: Path, result: Path) -> None:
    """Make `path` the `result` of its branches."""
    path.hops[:] = result.hops
    path.blocks[:] = result.blocks
    path.unknowns[:] = result.unknowns
    path.conditions[:] = result.conditions
    path.waypoints[:] = result.waypoints
    path.evidence[:] = result.evidence


def unknown_path(component: str, reason: str) -> Path:
    path = Path()
    path.unknown(component, reason)
    return path


def is_public(block: IPNetwork) -> bool:
    return is_internet(block.network_address) and is_internet(block.broadcast_address)


def _name(group: Any) -> str:
    if isinstance(group, Unknown):
        return f"? ({group.reason})"
    return getattr(group, "logical_id", str(group))
