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
"""

from __future__ import annotations

from typing import Any

from vpclint.judge import network_acls, routes
from vpclint.judge import security_groups as sg
from vpclint.judge.addresses import host, internet_addresses, is_internet
from vpclint.judge.flows import ANY_CLIENT, NAT_GATEWAY_CLIENT, Ephemeral, Flow, Peer, Verdict
from vpclint.model import (
    EndpointType,
    Firewall,
    GatewayAttachment,
    Instance,
    InternetGateway,
    IPNetwork,
    NatGateway,
    Network,
    NetworkAcl,
    NetworkInterface,
    PeeringConnection,
    RouteTable,
    Subnet,
    TargetKind,
    TransitGateway,
    TransitGatewayAttachment,
    TransitGatewayRoute,
    Vpc,
    VpcEndpoint,
    protocol_label,
)
from vpclint.reach import answer as codes
from vpclint.reach.answer import Answer, Path, all_of, answer_of, any_of, one_of
from vpclint.reach.places import End
from vpclint.records import record
from vpclint.values import Unknown

GATEWAY_SERVICES = {"s3", "dynamodb"}
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
    def __init__(self, network: Network, flow: Flow) -> None:
        self.network = network
        self.flow = flow

    # -- the query ------------------------------------------------------------------------------

    def run(self, source: End, destination: End) -> Answer:
        if source.internet:
            if destination.internet or destination.block is not None:
                return answer_of(_unknown_path("the internet", "the internet to an address"))
            return answer_of(self._from_internet(destination))
        paths = []
        for subnet in source.subnets:
            paths.append(self._from_subnet(source, subnet, destination))
        if source.elsewhere is not None or not paths:
            reason = source.elsewhere.reason if source.elsewhere else "it sits in no subnet"
            paths.append(_unknown_path(source.name, f"where {source.name} sits: {reason}"))
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
            path = self._to_service(Path(label=label), sender, subnet, destination.service)
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
        for address in internet_addresses(self._cuts()):
            target = Target("the internet", host(address))
            paths.append(
                self._send(Path(label=label, address=str(address)), sender, subnet, target)
            )
        return any_of(paths)

    def _to_block(self, label: str, sender: Sender, subnet: Subnet, block: IPNetwork) -> Path:
        """To the addresses of a block: decided when every part of it is judged alike."""
        holder = self._subnet_holding(block)
        target = Target(str(block), block, holder)
        return self._send(Path(label=label), sender, subnet, target)

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
            paths.append(self._send(path, sender, subnet, target))
        if destination.elsewhere is not None or not paths:
            reason = destination.elsewhere.reason if destination.elsewhere else "it sits nowhere"
            paths.append(_unknown_path(destination.name, f"where it sits: {reason}"))
        return all_of(paths) if destination.spread else one_of(paths)

    # -- leaving a subnet -----------------------------------------------------------------------

    def _send(self, path: Path, sender: Sender, subnet: Subnet, target: Target) -> Path:
        """From a workload in `subnet`: its security groups, then its subnet's way out."""
        if sender.groups is not None:
            self._groups(path, sender.groups, "egress", sender.name, self._peer_of(target, sender))
        crossings: list[Crossing] = []
        self._leave(path, sender, subnet, target, crossings, 0)
        self._replies(path, crossings)
        return path

    def _leave(
        self,
        path: Path,
        sender: Sender,
        subnet: Subnet,
        target: Target,
        crossings: list[Crossing],
        depth: int,
    ) -> None:
        """Out of `subnet` (its ACL) and along its route table towards the target."""
        self._acl(path, subnet, True, target.block, sender.client, crossings)
        if depth > MAX_HOPS:
            path.unknown(subnet.logical_id, "the routes go round in a loop")
            return
        table = subnet.route_table
        if isinstance(table, Unknown):
            path.unknown(subnet.logical_id, table.reason)
            return
        verdict = self._route(table, target)
        if not verdict.passes:
            if verdict.blocks:
                self._no_route(path, table, target, verdict)
            else:
                path.unknown(table.logical_id, str(getattr(verdict.allowed, "reason", verdict.why)))
            return
        route = verdict.by
        component = table.logical_id if isinstance(route, routes.LocalRoute) else route.logical_id
        path.hop(component, "route", verdict.why)
        self._follow(path, sender, subnet, target, route, crossings, depth)

    def _route(self, table: RouteTable, target: Target) -> Verdict:
        if target.block is not None:
            return routes.route_for(table, target.block, self.network)
        # A service's public addresses: the route every internet address takes.
        verdicts = [
            routes.route_for(table, host(a), self.network) for a in internet_addresses(self._cuts())
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
        if kind is TargetKind.LOCAL:
            self._local(path, sender, subnet, target, route, crossings)
        elif kind is TargetKind.INTERNET_GATEWAY:
            self._internet_gateway(path, sender, route, target)
        elif kind is TargetKind.NAT_GATEWAY and isinstance(resource, NatGateway):
            self._nat_gateway(path, sender, subnet, resource, target, crossings, depth)
        elif kind in (TargetKind.INSTANCE, TargetKind.NETWORK_INTERFACE) and resource is not None:
            self._appliance(path, sender, subnet, resource, target, crossings, depth)
        elif kind is TargetKind.FIREWALL_ENDPOINT and isinstance(resource, Firewall):
            self._firewall(path, sender, resource, target, crossings, depth)
        elif (
            kind is TargetKind.VPC_ENDPOINT
            and isinstance(resource, VpcEndpoint)
            and resource.endpoint_type is EndpointType.GATEWAY_LOAD_BALANCER
        ):
            self._gateway_load_balancer(path, sender, resource, target, crossings, depth)
        elif kind is TargetKind.PEERING and isinstance(resource, PeeringConnection):
            self._peering(path, sender, subnet, resource, target, crossings)
        elif kind is TargetKind.TRANSIT_GATEWAY and isinstance(resource, TransitGateway):
            self._transit_gateway(path, sender, subnet, resource, target, crossings, depth)
        elif not route.certain:
            path.unknown(route.logical_id, f"route {route.logical_id} may not exist")
        else:
            what = route.target.describe()
            path.unknown(what, f"traffic beyond a {kind.value} is outside the template")

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
        self._arrive(path, sender, target, crossings)

    def _arrive(
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
            self._acl(path, target.subnet, False, sender.block, sender.client, crossings)
        if target.groups is not None:
            peer = Peer(
                sender.name, sender.block, self._visible_groups(sender, target), vpc=sender.vpc
            )
            self._groups(path, target.groups, "ingress", target.name, peer)

    # -- to and from the internet ---------------------------------------------------------------

    def _internet_gateway(self, path: Path, sender: Sender, route: Any, target: Target) -> None:
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
                f"internet gateway {gateway.logical_id} is not attached to VPC "
                f"{table.vpc.logical_id}",
                "attach it with an AWS::EC2::VPCGatewayAttachment",
            )

        if target.block is not None and not _is_public(target.block):
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

    def _from_internet(self, destination: End) -> Path:
        """From some address of the internet to a workload, through its VPC's internet gateway."""
        if destination.service is not None:
            return _unknown_path(destination.name, "AWS services are not reached from here")
        if destination.public_ip is not True:
            if isinstance(destination.public_ip, Unknown):
                return _unknown_path(destination.name, destination.public_ip.reason)
            path = Path()
            path.block(
                codes.NO_PUBLIC_IP_INBOUND,
                destination.name,
                f"{destination.name} has no public address, so nothing on the internet can "
                "reach it",
                "give it a public address (or put an internet-facing load balancer in front)",
            )
            return path
        paths = []
        for where in destination.subnets:
            label = f"to subnet {where.logical_id}" if len(destination.subnets) > 1 else ""
            per_address = []
            for address in internet_addresses(self._cuts()):
                sender = Sender("the internet", host(address), None, True, ANY_CLIENT, None)
                target = Target(
                    destination.name, where.block, where, destination.groups, destination.resource
                )
                path = Path(label=label, address=str(address))
                per_address.append(self._inbound(path, sender, target))
            paths.append(any_of(per_address))
        if destination.elsewhere is not None or not paths:
            reason = destination.elsewhere.reason if destination.elsewhere else "it sits nowhere"
            paths.append(_unknown_path(destination.name, reason))
        return all_of(paths) if destination.spread else one_of(paths)

    def _inbound(self, path: Path, sender: Sender, target: Target) -> Path:
        assert target.subnet is not None
        vpc = target.vpc
        gateway = self._internet_gateway_of(vpc)
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
        edge = self._edge_table(gateway)
        if isinstance(edge, Unknown):
            path.unknown(gateway.logical_id, edge.reason)
            return path
        if edge is not None:
            verdict = routes.route_for(edge, target.block, self.network) if target.block else None
            if verdict is None or not verdict.passes:
                reason = verdict.why if verdict is not None else "the address is not known"
                path.unknown(edge.logical_id, reason)
                return path
            route = verdict.by
            path.hop(route.logical_id, "edge route", verdict.why)
            if route.target.kind is not TargetKind.LOCAL:
                middlebox = self._middlebox_subnet(path, route)
                if middlebox is None:
                    return path
                self._acl(path, middlebox, False, sender.block, sender.client, crossings)
                self._acl(path, middlebox, True, target.block, sender.client, crossings)
        self._arrive(path, sender, target, crossings)
        self._route_back_to_internet(path, target, gateway)
        self._replies(path, crossings)
        return path

    def _route_back_to_internet(self, path: Path, target: Target, gateway: InternetGateway) -> None:
        """The replies leave by the target subnet's routes: they must reach the gateway."""
        assert target.subnet is not None
        table = target.subnet.route_table
        if isinstance(table, Unknown):
            path.unknown(target.subnet.logical_id, table.reason)
            return
        address = next(iter(internet_addresses(self._cuts())))
        for _ in range(MAX_HOPS):
            verdict = routes.route_for(table, host(address), self.network)
            if verdict.blocks:
                path.block(
                    codes.NO_ROUTE,
                    table.logical_id,
                    f"route table {table.logical_id} of subnet {target.subnet.logical_id} has no "
                    "route to the internet, so the replies cannot leave",
                    "route 0.0.0.0/0 to the internet gateway",
                )
                return
            if not verdict.passes:
                path.unknown(table.logical_id, verdict.why)
                return
            route = verdict.by
            kind = route.target.kind
            if kind is TargetKind.INTERNET_GATEWAY:
                return
            if kind is TargetKind.NAT_GATEWAY:
                path.block(
                    codes.NO_ROUTE,
                    table.logical_id,
                    f"route table {table.logical_id} sends the replies through "
                    f"{route.target.describe()}, which gives them another address",
                    "route 0.0.0.0/0 of the subnet to the internet gateway",
                )
                return
            middlebox = self._middlebox_subnet(path, route)
            if middlebox is None:
                return
            next_table = middlebox.route_table
            if isinstance(next_table, Unknown):
                path.unknown(middlebox.logical_id, next_table.reason)
                return
            table = next_table
        path.unknown(table.logical_id, "the routes go round in a loop")

    # -- NAT ----------------------------------------------------------------------------------

    def _nat_gateway(
        self,
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
        self._acl(path, where, False, sender.block, sender.client, crossings)
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
            back = self._route(table, target)
            if back.passes and back.by.target.resource is nat:
                path.block(
                    codes.NAT_NOT_PUBLIC,
                    nat.logical_id,
                    f"NAT gateway {nat.logical_id} sits in subnet {where.logical_id}, whose route "
                    f"table {table.logical_id} sends the traffic back to the NAT gateway itself",
                    "place the NAT gateway in a public subnet",
                )
                return
        before = len(path.blocks)
        self._leave(path, translated, where, target, crossings, depth + 1)
        self._explain_nat(path, nat, translated, where, before)

    def _explain_nat(
        self, path: Path, nat: NatGateway, translated: Sender, where: Subnet, since: int
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

    def _appliance(
        self,
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
        instance = (
            resource if isinstance(resource, Instance) else getattr(resource, "instance", None)
        )
        holder = instance or interface
        check = holder.source_dest_check if holder is not None else Unknown("unknown target")
        where = holder.subnet if holder is not None else None
        name = holder.logical_id if holder is not None else "?"
        if where is None:
            path.unknown(name, f"the subnet of {name} is not known")
            return
        path.hop(name, "appliance", f"in subnet {where.logical_id}")
        if check is not False:
            if isinstance(check, Unknown):
                path.unknown(name, f"whether {name} forwards traffic: {check.reason}")
            else:
                path.block(
                    codes.SOURCE_DEST_CHECK,
                    name,
                    f"{name} keeps its source/destination check on, so it drops traffic that "
                    "is not addressed to it and cannot forward it",
                    f"set SourceDestCheck: false on {name}",
                )
            return
        path.condition(f"{name} forwards the traffic (NAT or routing is configured on it)")
        path.through(f"NAT instance {name}")
        self._acl(path, where, False, sender.block, sender.client, crossings)
        groups = holder.security_groups
        peer = Peer(
            sender.name, sender.block, self._visible_groups_in(sender, where.vpc), vpc=sender.vpc
        )
        self._groups(path, groups, "ingress", name, peer)
        placement = holder.placement() if holder is not None else None
        forwarded = Sender(
            name,
            where.block,
            groups,
            placement.public_ip if placement is not None else Unknown("no placement"),
            ANY_CLIENT,
            where.vpc,
        )
        self._groups(path, groups, "egress", name, self._peer_of(target, forwarded))
        self._leave(path, forwarded, where, target, crossings, depth + 1)

    # -- inspection -----------------------------------------------------------------------------

    def _firewall(
        self,
        path: Path,
        sender: Sender,
        firewall: Firewall,
        target: Target,
        crossings: list[Crossing],
        depth: int,
    ) -> None:
        subnets = (
            [s for s in firewall.subnets if isinstance(s, Subnet)]
            if isinstance(firewall.subnets, list)
            else []
        )
        if not subnets or len(subnets) != len(firewall.subnets):  # type: ignore[arg-type]
            path.unknown(firewall.logical_id, "the subnets of the firewall are not known")
            return
        path.condition(f"the policy of firewall {firewall.logical_id} allows it")
        path.through(f"firewall {firewall.logical_id}")
        branches = []
        for where in subnets:
            branch = path.copy()
            branch_crossings = list(crossings)
            branch.hop(firewall.logical_id, "firewall", f"endpoint in subnet {where.logical_id}")
            self._through_middlebox(branch, sender, where, target, branch_crossings, depth)
            self._replies(branch, branch_crossings)
            branches.append(branch)
        _replace(path, one_of(branches))
        crossings.clear()  # each branch judged the replies of its own crossings

    def _gateway_load_balancer(
        self,
        path: Path,
        sender: Sender,
        endpoint: VpcEndpoint,
        target: Target,
        crossings: list[Crossing],
        depth: int,
    ) -> None:
        subnets = [s for s in endpoint.subnets or [] if isinstance(s, Subnet)]
        if len(subnets) != 1:
            path.unknown(endpoint.logical_id, "the subnet of the endpoint is not known")
            return
        path.hop(endpoint.logical_id, "GWLB endpoint", f"in subnet {subnets[0].logical_id}")
        path.condition(f"the appliances behind endpoint {endpoint.logical_id} pass it")
        path.through(f"GWLB endpoint {endpoint.logical_id}")
        self._through_middlebox(path, sender, subnets[0], target, crossings, depth)

    def _through_middlebox(
        self,
        path: Path,
        sender: Sender,
        where: Subnet,
        target: Target,
        crossings: list[Crossing],
        depth: int,
    ) -> None:
        """In through the middlebox's subnet, and on by that subnet's routes; the packet keeps
        its source."""
        self._acl(path, where, False, sender.block, sender.client, crossings)
        self._leave(path, sender, where, target, crossings, depth + 1)

    def _middlebox_subnet(self, path: Path, route: Any) -> Subnet | None:
        """The subnet of a firewall or GWLB endpoint a route leads to (when it is one)."""
        resource = route.target.resource
        if isinstance(resource, Firewall):
            subnets = (
                [s for s in resource.subnets if isinstance(s, Subnet)]
                if isinstance(resource.subnets, list)
                else []
            )
            if len(subnets) == 1:
                path.condition(f"the policy of firewall {resource.logical_id} allows it")
                path.through(f"firewall {resource.logical_id}")
                path.hop(
                    resource.logical_id, "firewall", f"endpoint in subnet {subnets[0].logical_id}"
                )
                return subnets[0]
        if isinstance(resource, VpcEndpoint) and isinstance(resource.subnets, list):
            subnets = [s for s in resource.subnets if isinstance(s, Subnet)]
            if len(subnets) == 1:
                path.condition(f"the appliances behind endpoint {resource.logical_id} pass it")
                path.through(f"GWLB endpoint {resource.logical_id}")
                path.hop(resource.logical_id, "GWLB endpoint", f"in subnet {subnets[0].logical_id}")
                return subnets[0]
        path.unknown(
            route.target.describe(), f"traffic through {route.target.describe()} is not followed"
        )
        return None

    # -- other VPCs -----------------------------------------------------------------------------

    def _peering(
        self,
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
        self._arrive(path, sender, target, crossings)
        self._route_back(path, target.subnet, sender, "peering", peering)

    def _transit_gateway(
        self,
        path: Path,
        sender: Sender,
        subnet: Subnet,
        gateway: TransitGateway,
        target: Target,
        crossings: list[Crossing],
        depth: int,
    ) -> None:
        attachment = self._attachment(gateway, subnet.vpc)
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
        zone_subnets = self._attachment_subnets(path, attachment, subnet)
        if zone_subnets is None:
            return
        for entry in zone_subnets:
            if entry is not subnet:
                # Into the transit gateway's interface: its subnet's ACL, inbound.
                self._acl(path, entry, False, sender.block, sender.client, crossings)
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
        verdict = routes.transit_route_for(table, target.block, self.network)
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
        entries = self._attachment_subnets(path, beyond, None)
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
                self._arrive(branch, sender, target, branch_crossings, acl=False)
            else:
                # Out of the transit gateway's interface: its subnet's ACL and routes.
                self._leave(branch, sender, entry, target, branch_crossings, depth + 1)
            if target.subnet is not None and len(branch.blocks) == before:
                self._route_back(branch, target.subnet, sender, "transit", gateway)
            self._replies(branch, branch_crossings)
            branches.append(branch)
        _replace(path, one_of(branches))
        crossings.clear()

    def _attachment(
        self, gateway: TransitGateway, vpc: Vpc | None
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
        self, path: Path, attachment: TransitGatewayAttachment, source: Subnet | None
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
        self, path: Path, subnet: Subnet, sender: Sender, how: str, connection: Any
    ) -> None:
        """The replies need a route from the target's subnet back to the sender."""
        table = subnet.route_table
        if isinstance(table, Unknown):
            path.unknown(subnet.logical_id, table.reason)
            return
        if sender.block is None:
            path.unknown(sender.name, "the source address is not known")
            return
        verdict = routes.route_for(table, sender.block, self.network)
        if verdict.blocks:
            path.block(
                codes.NO_ROUTE,
                table.logical_id,
                f"route table {table.logical_id} of subnet {subnet.logical_id} has no route back "
                f"to {sender.block}, so the replies are dropped",
                f"add a route to {sender.block} through {connection.logical_id} in "
                f"{table.logical_id}",
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

    # -- AWS services ---------------------------------------------------------------------------

    def _to_service(self, path: Path, sender: Sender, subnet: Subnet, service: str) -> Path:
        vpc = subnet.vpc
        table = subnet.route_table
        if isinstance(table, Unknown):
            path.unknown(subnet.logical_id, table.reason)
            return path
        if service in GATEWAY_SERVICES:
            served = self._gateway_endpoint(table, service, vpc)
            if isinstance(served, Unknown):
                path.unknown(table.logical_id, served.reason)
                return path
            if served is not None:
                return self._through_gateway_endpoint(path, sender, subnet, served, service)
            other = self._gateway_endpoint_in(vpc, service)
            if other is not None:
                why = (
                    f"gateway endpoint {other.logical_id} does not serve route table "
                    f"{table.logical_id}"
                )
                path.hop(other.logical_id, "route", f"{why}, so {service} goes the public way")
                unused = codes.Block(
                    codes.NO_ROUTE,
                    other.logical_id,
                    why,
                    f"add {table.logical_id} to the RouteTableIds of {other.logical_id}",
                )
                return self._public_service(path, sender, subnet, service, unused)
        interface = self._interface_endpoint(vpc, service)
        if interface is not None:
            endpoint, dns = interface
            if dns is True:
                path.hop(
                    endpoint.logical_id,
                    "private DNS",
                    f"{service} resolves to interface endpoint {endpoint.logical_id}",
                )
                subnets = [s for s in endpoint.subnets or [] if isinstance(s, Subnet)]
                if not subnets:
                    path.unknown(endpoint.logical_id, "the subnets of the endpoint are not known")
                    return path
                path.through(f"interface endpoint {endpoint.logical_id}")
                branches = []
                for where in subnets:
                    target = Target(
                        endpoint.logical_id,
                        where.block,
                        where,
                        endpoint.effective_security_groups,
                        endpoint,
                    )
                    branch = self._send(path.copy(), sender, subnet, target)
                    branches.append(branch)
                return all_of(branches)
            if isinstance(dns, Unknown):
                path.unknown(endpoint.logical_id, dns.reason)
                return path
            why = _why_no_private_dns(endpoint)
            path.hop(
                endpoint.logical_id,
                "private DNS",
                f"{why}, so {service} resolves to its public address",
            )
            unused = codes.Block(
                codes.PRIVATE_DNS_OFF,
                endpoint.logical_id,
                f"interface endpoint {endpoint.logical_id} is not used because {why}",
                "turn on EnableDnsSupport and EnableDnsHostnames on the VPC and "
                "PrivateDnsEnabled on the endpoint",
            )
            return self._public_service(path, sender, subnet, service, unused)
        return self._public_service(path, sender, subnet, service, None)

    def _public_service(
        self, path: Path, sender: Sender, subnet: Subnet, service: str, unused: Any
    ) -> Path:
        """To the service's public addresses, over the internet. When that fails and an
        endpoint was not used (`unused`: why, as a Block), the unused endpoint is the
        explanation, and the public path's first failure is told in it."""
        target = Target(f"the {service} service (public endpoint)", None, service=service)
        result = self._send(path, sender, subnet, target)
        if unused is not None and result.blocks:
            first = result.blocks[0]
            result.blocks[0] = codes.Block(
                unused.code,
                unused.component,
                f"{unused.explanation}, and the public path fails: {first.explanation}",
                unused.fix,
            )
        return result

    def _gateway_endpoint_in(self, vpc: Vpc | None, service: str) -> VpcEndpoint | None:
        """A certain gateway endpoint of the service in the VPC, whichever tables it serves."""
        for endpoint in self.network.endpoints:
            if (
                endpoint.endpoint_type is EndpointType.GATEWAY
                and endpoint.service == service
                and endpoint.vpc is vpc
                and endpoint.certain
            ):
                return endpoint
        return None

    def _through_gateway_endpoint(
        self, path: Path, sender: Sender, subnet: Subnet, endpoint: VpcEndpoint, service: str
    ) -> Path:
        peer = Peer(f"the {service} prefix list", None, None, service, prefix_list=True)
        if sender.groups is not None:
            self._groups(path, sender.groups, "egress", sender.name, peer)
        crossings: list[Crossing] = []
        self._acl(path, subnet, True, None, sender.client, crossings, service=service)
        path.hop(
            endpoint.logical_id,
            "route",
            f"the {service} prefix list to gateway endpoint {endpoint.logical_id}",
        )
        self._replies(path, crossings, service=service)
        path.through(f"gateway endpoint {endpoint.logical_id}")
        return path

    def _gateway_endpoint(
        self, table: RouteTable, service: str, vpc: Vpc | None
    ) -> VpcEndpoint | Unknown | None:
        """The gateway endpoint of the service that serves the table; Unknown when one of the
        VPC may, through a table it names from outside."""
        maybe: Unknown | None = None
        for endpoint in self.network.endpoints:
            if endpoint.endpoint_type is not EndpointType.GATEWAY or endpoint.service != service:
                continue
            if endpoint.vpc is not vpc and endpoint.vpc is not None:
                continue
            tables = endpoint.route_tables
            if isinstance(tables, list) and any(t is table for t in tables):
                if endpoint.certain:
                    return endpoint
                maybe = Unknown(f"gateway endpoint {endpoint.logical_id} may not exist")
            elif isinstance(tables, Unknown) or (
                isinstance(tables, list) and any(not isinstance(t, RouteTable) for t in tables)
            ):
                maybe = Unknown(f"gateway endpoint {endpoint.logical_id} may serve the table")
        return maybe

    def _interface_endpoint(self, vpc: Vpc | None, service: str) -> tuple[VpcEndpoint, Any] | None:
        for endpoint in self.network.endpoints:
            if (
                endpoint.endpoint_type is EndpointType.INTERFACE
                and endpoint.service == service
                and endpoint.vpc is vpc
                and endpoint.certain
            ):
                dns: Any = endpoint.private_dns
                if dns is True and vpc is not None:
                    for attribute in (vpc.dns_support, vpc.dns_hostnames):
                        if attribute is not True:
                            dns = attribute if isinstance(attribute, Unknown) else False
                return endpoint, dns
        return None

    # -- filters --------------------------------------------------------------------------------

    def _groups(self, path: Path, groups: Any, direction: str, owner: str, peer: Peer) -> None:
        verdict = sg.admits(groups, direction, self.flow, peer)
        if verdict.passes:
            rule = verdict.by
            path.hop(rule.group.logical_id, "security group", verdict.why)
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
        path.block(codes.SG_RULES, owner, explanation, fix)

    def _acl(
        self,
        path: Path,
        subnet: Subnet,
        egress: bool,
        peer: IPNetwork | None,
        client: Ephemeral,
        crossings: list[Crossing],
        service: str | None = None,
    ) -> None:
        """The forward leg through a subnet's ACL; its reply is judged later (_replies)."""
        crossings.append(Crossing(subnet, egress, peer, client))
        acl = subnet.network_acl
        if isinstance(acl, Unknown):
            path.unknown(subnet.logical_id, acl.reason)
            return
        verdict = network_acls.decide(acl, egress, self.flow, peer)
        self._acl_verdict(path, acl, subnet, egress, verdict, reply=False)

    def _replies(self, path: Path, crossings: list[Crossing], service: str | None = None) -> None:
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
                path.hop(acl.logical_id, "network ACL", f"{what}{direction}: {verdict.why}")
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
        )

    def _no_route(self, path: Path, table: RouteTable, target: Target, verdict: Verdict) -> None:
        where = (
            "the internet" if target.block is not None and _is_public(target.block) else target.name
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
        )

    # -- helpers --------------------------------------------------------------------------------

    def _peer_of(self, target: Target, sender: Sender) -> Peer:
        """The target as the sender's egress rules see it."""
        groups = target.groups if self._groups_visible(sender.vpc, target.vpc) else None
        return Peer(target.name, target.block, groups, target.service, target.vpc)

    def _visible_groups(self, sender: Sender, target: Target) -> Any:
        return self._visible_groups_in(sender, target.vpc)

    def _visible_groups_in(self, sender: Sender, vpc: Vpc | None) -> Any:
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

    def _internet_gateway_of(self, vpc: Vpc | None) -> InternetGateway | Unknown | None:
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

    def _edge_table(self, gateway: InternetGateway) -> RouteTable | Unknown | None:
        tables = [a for a in gateway.edge_associations if a.route_table is not None]
        if any(not a.certain for a in tables):
            return Unknown(f"the edge route table of {gateway.logical_id} is not certain")
        return tables[0].route_table if tables else None

    def _cuts(self) -> list[IPNetwork]:
        """Every block the network's filters and routes name: they cut the internet into the
        pieces each judged alike."""
        cached = getattr(self.network, "_reach_cuts", None)
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
        self.network.__dict__["_reach_cuts"] = cuts
        return cuts

    def _traffic(self) -> str:
        return self.flow.label()


def _replace(path: Path, result: Path) -> None:
    path.hops[:] = result.hops
    path.blocks[:] = result.blocks
    path.unknowns[:] = result.unknowns
    path.conditions[:] = result.conditions
    path.waypoints[:] = result.waypoints


def _unknown_path(component: str, reason: str) -> Path:
    path = Path()
    path.unknown(component, reason)
    return path


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


def _is_public(block: IPNetwork) -> bool:
    return is_internet(block.network_address) and is_internet(block.broadcast_address)


def _why_no_private_dns(endpoint: VpcEndpoint) -> str:
    if endpoint.private_dns is not True:
        return f"PrivateDnsEnabled is off on {endpoint.logical_id}"
    vpc = endpoint.vpc
    settings = (
        ("EnableDnsSupport", getattr(vpc, "dns_support", None)),
        ("EnableDnsHostnames", getattr(vpc, "dns_hostnames", None)),
    )
    off = " and ".join(name for name, value in settings if value is not True)
    return f"{off} of VPC {vpc.logical_id if vpc else '?'} is off"


def _name(group: Any) -> str:
    if isinstance(group, Unknown):
        return f"? ({group.reason})"
    return getattr(group, "logical_id", str(group))
