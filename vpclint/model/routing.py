"""Route tables, their routes and what each route sends traffic to."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Any

from vpclint.model.base import Resource
from vpclint.records import field, record
from vpclint.values import Unknown

if TYPE_CHECKING:
    from vpclint.model.gateways import InternetGateway, VpnGateway
    from vpclint.model.vpc import Subnet, Vpc


class TargetKind(Enum):
    INTERNET_GATEWAY = "internet gateway"
    EGRESS_ONLY_INTERNET_GATEWAY = "egress-only internet gateway"
    NAT_GATEWAY = "NAT gateway"
    VPN_GATEWAY = "virtual private gateway"
    TRANSIT_GATEWAY = "transit gateway"
    PEERING = "VPC peering connection"
    VPC_ENDPOINT = "VPC endpoint"
    FIREWALL_ENDPOINT = "Network Firewall endpoint"
    NETWORK_INTERFACE = "network interface"
    INSTANCE = "instance"
    CARRIER_GATEWAY = "carrier gateway"
    LOCAL_GATEWAY = "local gateway"
    CORE_NETWORK = "core network"
    LOCAL = "local"
    UNKNOWN = "unknown target"


@record(frozen=True, eq=False)
class RouteTarget:
    kind: TargetKind
    resource: Resource | None = None  # the template's resource, when the target is one
    value: Any = None  # what the route names (an ID, a ResourceRef or Unknown)

    def describe(self) -> str:
        name = self.resource.logical_id if self.resource else self.value
        return f"{self.kind.value} {name}" if isinstance(name, str) else self.kind.value


@record(eq=False, repr=False)
class RouteTable(Resource):
    vpc: Vpc | None = None
    routes: list[Route] = field(default_factory=list)
    associations: list[RouteTableAssociation] = field(default_factory=list)
    # The internet or virtual private gateways whose inbound traffic this table routes (an
    # edge association, AWS::EC2::GatewayRouteTableAssociation).
    gateway_associations: list[GatewayRouteTableAssociation] = field(default_factory=list)
    is_main: bool = False
    # Custom resources handed this table: they may add or replace routes the template hides.
    changed_by: list[Resource] = field(default_factory=list)

    def default_route_to_internet_gateway(self) -> bool | Unknown:
        """True when 0.0.0.0/0 goes to an internet gateway; Unknown when that is undecided."""
        undecided = None
        for route in self.routes:
            if route.destination == "0.0.0.0/0" or isinstance(route.destination, Unknown):
                if route.target.kind is TargetKind.INTERNET_GATEWAY:
                    if route.certain and route.destination == "0.0.0.0/0":
                        return True
                    undecided = route
                elif route.target.kind is TargetKind.UNKNOWN:
                    undecided = route
        if undecided is not None:
            return Unknown(f"route {undecided.logical_id} may send traffic to the internet")
        return False


@record(eq=False, repr=False)
class Route(Resource):
    route_table: RouteTable | None = None
    destination: Any = None  # CIDR string, prefix list ID or reference, or Unknown
    target: RouteTarget = RouteTarget(TargetKind.UNKNOWN)


@record(eq=False, repr=False)
class RouteTableAssociation(Resource):
    subnet: Subnet | None = None
    route_table: RouteTable | None = None


@record(eq=False, repr=False)
class GatewayRouteTableAssociation(Resource):
    """An edge association: the table routes traffic that enters the VPC through the gateway."""

    gateway: InternetGateway | VpnGateway | Unknown | str | None = None
    route_table: RouteTable | None = None


@record(frozen=True, eq=False)
class CrossZoneNatRoute:
    """A subnet whose default route goes to a NAT gateway of its VPC in another zone.

    `own_zone_nat` is a certain public NAT gateway of the same VPC in the subnet's own zone,
    when there is one: the route then looks like a slip, not a design with fewer NAT gateways.
    """

    subnet: Subnet
    table: RouteTable
    route: Route
    nat: Any  # NatGateway
    own_zone_nat: Any = None  # NatGateway | None


def nat_routes_across_zones(
    subnets: list[Subnet], nat_gateways: list[Any]
) -> list[CrossZoneNatRoute]:
    """Every certain 0.0.0.0/0 route of a certain subnet's table to a certain NAT gateway of its
    VPC whose subnet is in another known zone of the same region, once per subnet and route.

    Zones are compared by name; an unknown zone (a parameter without default, a CDK
    placeholder) or zones of two regions decide nothing.
    """
    from vpclint.model.gateways import NatGateway
    from vpclint.model.vpc import Subnet

    # The first certain public NAT gateway of each VPC and zone: where a subnet's own zone has one.
    own_zone: dict[tuple[int, str], Any] = {}
    for candidate in nat_gateways:
        home = candidate.subnet
        if (
            candidate.certain
            and candidate.connectivity_type == "public"
            and isinstance(home, Subnet)
            and home.certain
            and isinstance(home.availability_zone, str)
        ):
            own_zone.setdefault((id(home.vpc), home.availability_zone), candidate)
    found: list[CrossZoneNatRoute] = []
    for subnet in subnets:
        zone = subnet.availability_zone
        if not subnet.certain or not isinstance(zone, str) or subnet.vpc is None:
            continue
        table = subnet.route_table
        if not isinstance(table, RouteTable) or not table.certain:
            continue
        for route in table.routes:
            nat = route.target.resource
            if not route.certain or route.destination != "0.0.0.0/0":
                continue
            if not isinstance(nat, NatGateway) or not nat.certain:
                continue
            home = nat.subnet
            if not isinstance(home, Subnet) or not home.certain or home.vpc is not subnet.vpc:
                continue
            other = home.availability_zone
            if not isinstance(other, str) or other == zone or _region(other) != _region(zone):
                continue  # the same zone, or one from Fn::GetAZs of the region vpclint assumed
            own = own_zone.get((id(subnet.vpc), zone))
            found.append(CrossZoneNatRoute(subnet, table, route, nat, own))
    return found


def _region(zone: str) -> str:
    """The region of a zone name: us-east-1 for us-east-1a (us-west-2-lax-1 for a Local Zone)."""
    return zone.rstrip("abcdefghijklmnopqrstuvwxyz")
