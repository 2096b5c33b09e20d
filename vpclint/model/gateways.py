"""Gateways and what joins networks: internet, NAT, VPN, transit gateways, peering, firewalls."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vpclint.model.base import Resource
from vpclint.model.workloads import Placement, subnets_in
from vpclint.records import field, record
from vpclint.values import Unknown

if TYPE_CHECKING:
    from vpclint.model.routing import GatewayRouteTableAssociation
    from vpclint.model.vpc import Subnet, Vpc
    from vpclint.model.workloads import Instance, NetworkInterface


@record(eq=False, repr=False)
class InternetGateway(Resource):
    attachments: list[GatewayAttachment] = field(default_factory=list)
    edge_associations: list[GatewayRouteTableAssociation] = field(default_factory=list)


@record(eq=False, repr=False)
class EgressOnlyInternetGateway(Resource):
    vpc: Vpc | None = None


@record(eq=False, repr=False)
class VpnGateway(Resource):
    attachments: list[GatewayAttachment] = field(default_factory=list)
    edge_associations: list[GatewayRouteTableAssociation] = field(default_factory=list)


@record(eq=False, repr=False)
class GatewayAttachment(Resource):
    vpc: Vpc | None = None
    gateway: InternetGateway | VpnGateway | None = None


@record(eq=False, repr=False)
class NatGateway(Resource):
    subnet: Subnet | None = None
    allocation_id: Any = None  # None when the property is absent
    connectivity_type: Any = "public"
    elastic_ip: ElasticIp | None = None  # the template's Elastic IP its AllocationId names

    def placement(self) -> Placement | None:
        subnets = [self.subnet] if self.subnet is not None else []
        public = (
            self.connectivity_type
            if isinstance(self.connectivity_type, Unknown)
            else self.connectivity_type == "public"
        )
        elsewhere = None if self.subnet is not None else Unknown("its subnet is not known")
        return Placement(subnets, None, public, True, elsewhere)


@record(eq=False, repr=False)
class ElasticIp(Resource):
    domain: Any = None
    instance: Instance | None = None
    network_interface: NetworkInterface | None = None


@record(eq=False, repr=False)
class CustomerGateway(Resource):
    pass


@record(eq=False, repr=False)
class VpnConnection(Resource):
    customer_gateway: CustomerGateway | Unknown | str | None = None
    vpn_gateway: VpnGateway | Unknown | str | None = None
    transit_gateway: TransitGateway | Unknown | str | None = None


@record(eq=False, repr=False)
class RoutePropagation(Resource):
    """`AWS::EC2::VPNGatewayRoutePropagation`: a VPN gateway's routes into route tables."""

    vpn_gateway: VpnGateway | Unknown | str | None = None
    route_tables: list[Any] | Unknown = field(default_factory=list)


@record(eq=False, repr=False)
class PeeringConnection(Resource):
    vpc: Vpc | None = None
    peer_vpc: Vpc | Unknown | str | None = None
    # True when the peer is named in another account or region (it cannot be this template's).
    cross_account_or_region: bool = False


# -- transit gateways ---------------------------------------------------------------------------


@record(eq=False, repr=False)
class TransitGateway(Resource):
    attachments: list[TransitGatewayAttachment] = field(default_factory=list)
    # DefaultRouteTableAssociation / DefaultRouteTablePropagation: "enable" unless disabled.
    default_association: bool | Unknown = True
    default_propagation: bool | Unknown = True
    # The table AWS creates for the defaults; None when both defaults are off.
    default_route_table: TransitGatewayRouteTable | None = None
    route_tables: list[TransitGatewayRouteTable] = field(default_factory=list)


@record(eq=False, repr=False)
class TransitGatewayAttachment(Resource):
    """A VPC attachment (its ENIs sit in `subnets`), or the attachment of a VPN connection."""

    vpc: Vpc | None = None
    transit_gateway: TransitGateway | Unknown | str | None = None
    subnets: list[Subnet | Unknown | str] | Unknown = field(default_factory=list)
    associations: list[TransitGatewayAssociation] = field(default_factory=list)
    propagations: list[TransitGatewayPropagation] = field(default_factory=list)
    vpn_connection: VpnConnection | None = None  # set for the attachment a VPN creates

    @property
    def route_table(self) -> TransitGatewayRouteTable | Unknown | None:
        """The transit gateway route table that routes this attachment's traffic; None when
        it has none (the transit gateway drops its traffic)."""
        if any(not a.certain or a.route_table is None for a in self.associations):
            return Unknown(f"the association of attachment {self.logical_id} is not known")
        tables = {id(a.route_table): a.route_table for a in self.associations}
        if len(tables) > 1:
            return Unknown(f"attachment {self.logical_id} has several associations")
        if tables:
            return next(iter(tables.values()))
        gateway = self.transit_gateway
        if not isinstance(gateway, TransitGateway):
            return Unknown(f"the transit gateway of {self.logical_id} is outside the template")
        if isinstance(gateway.default_association, Unknown):
            return gateway.default_association
        return gateway.default_route_table if gateway.default_association else None


@record(eq=False, repr=False)
class TransitGatewayRouteTable(Resource):
    transit_gateway: TransitGateway | Unknown | str | None = None
    routes: list[TransitGatewayRoute] = field(default_factory=list)
    associations: list[TransitGatewayAssociation] = field(default_factory=list)
    propagations: list[TransitGatewayPropagation] = field(default_factory=list)
    is_default: bool = False


@record(eq=False, repr=False)
class TransitGatewayRoute(Resource):
    route_table: TransitGatewayRouteTable | None = None
    destination: Any = None  # CIDR string or Unknown
    attachment: TransitGatewayAttachment | Unknown | str | None = None  # None for a blackhole
    blackhole: bool | Unknown = False


@record(eq=False, repr=False)
class TransitGatewayAssociation(Resource):
    attachment: TransitGatewayAttachment | None = None
    route_table: TransitGatewayRouteTable | None = None


@record(eq=False, repr=False)
class TransitGatewayPropagation(Resource):
    attachment: TransitGatewayAttachment | None = None
    route_table: TransitGatewayRouteTable | None = None


# -- inspection ---------------------------------------------------------------------------------


@record(eq=False, repr=False)
class Firewall(Resource):
    """An AWS Network Firewall: one endpoint in each of its subnets. Its rules live in a policy
    that routing cannot see, so paths through it are reachable only if the policy allows."""

    vpc: Vpc | None = None
    subnets: list[Subnet | Unknown | str] | Unknown = field(default_factory=list)

    def placement(self) -> Placement | None:
        subnets, elsewhere = subnets_in(self.subnets)
        return Placement(subnets, None, False, True, elsewhere)
