"""Gateways and what joins networks: internet, egress-only, VPN and NAT gateways, Elastic IPs,
transit gateways with their route tables, peering connections, Network Firewalls, flow logs."""

from __future__ import annotations

from typing import Any

from vpclint.builder.core import Builder, Constructor, as_bool, known
from vpclint.model import (
    CustomerGateway,
    EgressOnlyInternetGateway,
    ElasticIp,
    Firewall,
    GatewayAttachment,
    Instance,
    InternetGateway,
    NatGateway,
    NetworkInterface,
    PeeringConnection,
    Resource,
    RoutePropagation,
    RouteTable,
    Subnet,
    TransitGateway,
    TransitGatewayAssociation,
    TransitGatewayAttachment,
    TransitGatewayPropagation,
    TransitGatewayRoute,
    TransitGatewayRouteTable,
    Vpc,
    VpnConnection,
    VpnGateway,
)
from vpclint.nodes import MapNode
from vpclint.values import ResourceRef, Unknown


def internet_gateway(b: Builder, base: Resource) -> None:
    b.network.internet_gateways.append(b.make(InternetGateway, base))


def egress_only_gateway(b: Builder, base: Resource) -> None:
    made = b.make(EgressOnlyInternetGateway, base)
    b.network.egress_only_gateways.append(made)

    def wire() -> None:
        made.vpc = b.lookup(base.properties.get("VpcId"), Vpc)
        if made.vpc is not None:
            made.vpc.egress_only_gateways.append(made)

    b.wiring.append(wire)


def vpn_gateway(b: Builder, base: Resource) -> None:
    b.network.vpn_gateways.append(b.make(VpnGateway, base))


def gateway_attachment(b: Builder, base: Resource) -> None:
    made = b.make(GatewayAttachment, base)
    b.network.gateway_attachments.append(made)

    def wire() -> None:
        props = base.properties
        made.vpc = b.lookup(props.get("VpcId"), Vpc)
        made.gateway = b.lookup(props.get("InternetGatewayId"), InternetGateway) or b.lookup(
            props.get("VpnGatewayId"), VpnGateway
        )
        if made.vpc:
            made.vpc.gateway_attachments.append(made)
        if made.gateway:
            made.gateway.attachments.append(made)

    b.wiring.append(wire)


def nat_gateway(b: Builder, base: Resource) -> None:
    props = base.properties
    made = b.make(
        NatGateway,
        base,
        allocation_id=props.get("AllocationId"),
        connectivity_type=props.get("ConnectivityType", "public"),
    )
    b.network.nat_gateways.append(made)

    def wire() -> None:
        made.subnet = b.lookup(props.get("SubnetId"), Subnet)
        if made.subnet:
            made.subnet.workloads.append(made)
        allocation = made.allocation_id  # !GetAtt EIP.AllocationId, or !Ref EIP
        if isinstance(allocation, ResourceRef):
            made.elastic_ip = b.lookup(
                ResourceRef(allocation.logical_id, stack=allocation.stack), ElasticIp
            )

    b.wiring.append(wire)


def elastic_ip(b: Builder, base: Resource) -> None:
    eip = b.make(ElasticIp, base, domain=base.properties.get("Domain"))
    b.network.elastic_ips.append(eip)

    def wire() -> None:
        _associate_eip(b, eip, base.properties)

    b.last.append(wire)  # after instances know their interfaces


def eip_association(b: Builder, base: Resource) -> None:
    b.register(base)

    def wire() -> None:
        props = base.properties
        eip = b.lookup(props.get("AllocationId"), ElasticIp) or b.lookup(
            props.get("EIP"), ElasticIp
        )
        if eip is None:
            # An address from outside the template (or unknown): the instance still has one.
            eip = ElasticIp(
                f"{base.logical_id}.ElasticIp",
                "AWS::EC2::EIP",
                base.mark,
                certain=base.certain,
                implicit=True,
                origin=base.origin,
            )
            b.network.elastic_ips.append(eip)
        elif not base.certain:
            eip = ElasticIp(
                eip.logical_id, eip.type, eip.mark, certain=False, implicit=True, origin=eip.origin
            )
            b.network.elastic_ips.append(eip)
        _associate_eip(b, eip, props)

    b.last.append(wire)


def _associate_eip(b: Builder, eip: ElasticIp, props: MapNode) -> None:
    instance = b.lookup(props.get("InstanceId"), Instance)
    interface = b.lookup(props.get("NetworkInterfaceId"), NetworkInterface)
    if instance is not None:
        eip.instance = instance
        instance.elastic_ips.append(eip)
    if interface is not None:
        eip.network_interface = interface
        if interface.instance is not None:
            interface.instance.elastic_ips.append(eip)


# -- hybrid ------------------------------------------------------------------------------------


def customer_gateway(b: Builder, base: Resource) -> None:
    b.network.customer_gateways.append(b.make(CustomerGateway, base))


def vpn_connection(b: Builder, base: Resource) -> None:
    made = b.make(VpnConnection, base)
    b.network.vpn_connections.append(made)

    def wire() -> None:
        props = base.properties
        made.customer_gateway = b.optional(props.get("CustomerGatewayId"), CustomerGateway)
        made.vpn_gateway = b.optional(props.get("VpnGatewayId"), VpnGateway)
        made.transit_gateway = b.optional(props.get("TransitGatewayId"), TransitGateway)
        if isinstance(made.transit_gateway, TransitGateway):
            # A VPN to a transit gateway comes with an attachment of its own.
            attachment = TransitGatewayAttachment(
                f"{made.logical_id}.Attachment",
                "AWS::EC2::TransitGatewayAttachment",
                made.mark,
                certain=made.certain,
                implicit=True,
                origin=made.origin,
                transit_gateway=made.transit_gateway,
                vpn_connection=made,
            )
            made.transit_gateway.attachments.append(attachment)

    b.first.append(wire)


def route_propagation(b: Builder, base: Resource) -> None:
    made = b.make(RoutePropagation, base)
    b.network.route_propagations.append(made)

    def wire() -> None:
        props = base.properties
        made.vpn_gateway = b.optional(props.get("VpnGatewayId"), VpnGateway)
        made.route_tables = b.refer_all(props.get("RouteTableIds"), RouteTable)

    b.wiring.append(wire)


# -- transit gateways ---------------------------------------------------------------------------


def transit_gateway(b: Builder, base: Resource) -> None:
    props = base.properties
    made = b.make(
        TransitGateway,
        base,
        default_association=_enabled(props.get("DefaultRouteTableAssociation")),
        default_propagation=_enabled(props.get("DefaultRouteTablePropagation")),
    )
    b.network.transit_gateways.append(made)
    if made.default_association is not False or made.default_propagation is not False:
        table = TransitGatewayRouteTable(
            f"{made.logical_id}.DefaultRouteTable",
            "AWS::EC2::TransitGatewayRouteTable",
            made.mark,
            certain=made.certain,
            implicit=True,
            origin=made.origin,
            transit_gateway=made,
            is_default=True,
        )
        made.default_route_table = table
        made.route_tables.append(table)
        b.network.transit_gateway_route_tables.append(table)
    for key in ("AssociationDefaultRouteTableId", "PropagationDefaultRouteTableId"):
        if key in props:
            # A default table AWS did not create: which one it is stays outside the model.
            b.network.transit_routing_settled = False


def _enabled(value: Any) -> bool | Unknown:
    """DefaultRouteTableAssociation/Propagation: "enable" (the default) or "disable"."""
    if value is None:
        return True
    if isinstance(value, Unknown):
        return value
    if isinstance(value, str) and value.lower() in ("enable", "disable"):
        return value.lower() == "enable"
    return Unknown(f"{value!r} is neither enable nor disable")


def transit_gateway_attachment(b: Builder, base: Resource) -> None:
    made = b.make(TransitGatewayAttachment, base)
    b.network.transit_gateway_attachments.append(made)

    def wire() -> None:
        props = base.properties
        made.vpc = b.lookup(props.get("VpcId"), Vpc)
        made.transit_gateway = b.optional(props.get("TransitGatewayId"), TransitGateway)
        made.subnets = b.refer_all(props.get("SubnetIds"), Subnet)
        if isinstance(made.transit_gateway, TransitGateway):
            made.transit_gateway.attachments.append(made)

    b.first.append(wire)


def transit_gateway_route_table(b: Builder, base: Resource) -> None:
    made = b.make(TransitGatewayRouteTable, base)
    b.network.transit_gateway_route_tables.append(made)

    def wire() -> None:
        made.transit_gateway = b.optional(base.properties.get("TransitGatewayId"), TransitGateway)
        if isinstance(made.transit_gateway, TransitGateway):
            made.transit_gateway.route_tables.append(made)

    b.first.append(wire)


def transit_gateway_route(b: Builder, base: Resource) -> None:
    props = base.properties
    made = b.make(
        TransitGatewayRoute,
        base,
        destination=props.get("DestinationCidrBlock"),
        blackhole=as_bool(props.get("Blackhole"), False),
    )
    b.network.transit_gateway_routes.append(made)

    def wire() -> None:
        made.route_table = b.lookup(
            props.get("TransitGatewayRouteTableId"), TransitGatewayRouteTable
        )
        made.attachment = b.optional(
            props.get("TransitGatewayAttachmentId"), TransitGatewayAttachment
        )
        if made.route_table is not None:
            made.route_table.routes.append(made)
        else:
            b.network.transit_routing_settled = False

    b.wiring.append(wire)


def transit_gateway_association(b: Builder, base: Resource) -> None:
    _transit_link(b, base, TransitGatewayAssociation)


def transit_gateway_propagation(b: Builder, base: Resource) -> None:
    _transit_link(b, base, TransitGatewayPropagation)


def _transit_link(b: Builder, base: Resource, cls: Any) -> None:
    made = b.make(cls, base)

    def wire() -> None:
        props = base.properties
        made.attachment = b.lookup(
            props.get("TransitGatewayAttachmentId"), TransitGatewayAttachment
        )
        made.route_table = b.lookup(
            props.get("TransitGatewayRouteTableId"), TransitGatewayRouteTable
        )
        if made.attachment is None or made.route_table is None:
            b.network.transit_routing_settled = False
            return
        if cls is TransitGatewayAssociation:
            made.attachment.associations.append(made)
            made.route_table.associations.append(made)
        else:
            made.attachment.propagations.append(made)
            made.route_table.propagations.append(made)

    b.wiring.append(wire)


# -- peering, inspection, flow logs -------------------------------------------------------------


def peering_connection(b: Builder, base: Resource) -> None:
    props = base.properties
    made = b.make(
        PeeringConnection,
        base,
        cross_account_or_region="PeerOwnerId" in props or "PeerRegion" in props,
    )
    b.network.peering_connections.append(made)

    def wire() -> None:
        made.vpc = b.lookup(props.get("VpcId"), Vpc)
        made.peer_vpc = b.optional(props.get("PeerVpcId"), Vpc)

    b.wiring.append(wire)


def firewall(b: Builder, base: Resource) -> None:
    made = b.make(Firewall, base)
    b.network.firewalls.append(made)

    def wire() -> None:
        props = base.properties
        made.vpc = b.lookup(props.get("VpcId"), Vpc)
        mappings = props.get("SubnetMappings")
        if isinstance(mappings, list):
            ids = [m.get("SubnetId") if isinstance(m, dict) else m for m in mappings]
            made.subnets = b.refer_all(ids, Subnet)
        else:
            made.subnets = Unknown(f"the subnets of firewall {made.logical_id} are not known")
        b.place(made, known(made.subnets, Subnet))

    b.wiring.append(wire)


def flow_log(b: Builder, base: Resource) -> None:
    b.network.flow_logs.append(b.register(base))

    def wire() -> None:
        props = base.properties
        ids = props.get("ResourceIds")
        targets = ids if isinstance(ids, list) else [props.get("ResourceId")]
        for target in targets:
            found = b.lookup(target, Vpc)
            if found is not None:
                found.flow_logs.append(base)

    b.wiring.append(wire)


CONSTRUCTORS: dict[str, Constructor] = {
    "AWS::EC2::InternetGateway": internet_gateway,
    "AWS::EC2::EgressOnlyInternetGateway": egress_only_gateway,
    "AWS::EC2::VPNGateway": vpn_gateway,
    "AWS::EC2::VPCGatewayAttachment": gateway_attachment,
    "AWS::EC2::NatGateway": nat_gateway,
    "AWS::EC2::EIP": elastic_ip,
    "AWS::EC2::EIPAssociation": eip_association,
    "AWS::EC2::CustomerGateway": customer_gateway,
    "AWS::EC2::VPNConnection": vpn_connection,
    "AWS::EC2::VPNGatewayRoutePropagation": route_propagation,
    "AWS::EC2::TransitGateway": transit_gateway,
    "AWS::EC2::TransitGatewayAttachment": transit_gateway_attachment,
    "AWS::EC2::TransitGatewayVpcAttachment": transit_gateway_attachment,
    "AWS::EC2::TransitGatewayRouteTable": transit_gateway_route_table,
    "AWS::EC2::TransitGatewayRoute": transit_gateway_route,
    "AWS::EC2::TransitGatewayRouteTableAssociation": transit_gateway_association,
    "AWS::EC2::TransitGatewayRouteTablePropagation": transit_gateway_propagation,
    "AWS::EC2::VPCPeeringConnection": peering_connection,
    "AWS::NetworkFirewall::Firewall": firewall,
    "AWS::EC2::FlowLog": flow_log,
}
