"""Route tables, routes (with what each one targets), and subnet and edge associations."""

from __future__ import annotations

from vpclint.builder.core import Builder, Constructor
from vpclint.model import (
    Firewall,
    GatewayRouteTableAssociation,
    InternetGateway,
    PrefixList,
    Resource,
    Route,
    RouteTable,
    RouteTableAssociation,
    RouteTarget,
    Subnet,
    TargetKind,
    Vpc,
    VpnGateway,
)
from vpclint.nodes import MapNode
from vpclint.values import ResourceRef, Unknown

# Route properties that name the target, and the kind each one names.
ROUTE_TARGETS = {
    "NatGatewayId": TargetKind.NAT_GATEWAY,
    "TransitGatewayId": TargetKind.TRANSIT_GATEWAY,
    "VpcPeeringConnectionId": TargetKind.PEERING,
    "VpcEndpointId": TargetKind.VPC_ENDPOINT,
    "NetworkInterfaceId": TargetKind.NETWORK_INTERFACE,
    "InstanceId": TargetKind.INSTANCE,
    "EgressOnlyInternetGatewayId": TargetKind.EGRESS_ONLY_INTERNET_GATEWAY,
    "CarrierGatewayId": TargetKind.CARRIER_GATEWAY,
    "LocalGatewayId": TargetKind.LOCAL_GATEWAY,
    "CoreNetworkArn": TargetKind.CORE_NETWORK,
}
_GATEWAY_ID_PREFIXES = {"igw-": TargetKind.INTERNET_GATEWAY, "vgw-": TargetKind.VPN_GATEWAY}
_DESTINATIONS = ("DestinationCidrBlock", "DestinationIpv6CidrBlock", "DestinationPrefixListId")


def route_table(b: Builder, base: Resource) -> None:
    table = b.make(RouteTable, base)
    b.network.route_tables.append(table)

    def wire() -> None:
        table.vpc = b.lookup(base.properties.get("VpcId"), Vpc)
        if table.vpc:
            table.vpc.route_tables.append(table)

    b.wiring.append(wire)


def route(b: Builder, base: Resource) -> None:
    props = base.properties
    destination = next((props[key] for key in _DESTINATIONS if key in props), None)
    made = b.make(Route, base, destination=destination)
    b.network.routes.append(made)

    def wire() -> None:
        made.target = route_target(b, props)
        made.destination = b.lookup(destination, PrefixList) or destination
        made.route_table = b.lookup(props.get("RouteTableId"), RouteTable)
        if made.route_table:
            made.route_table.routes.append(made)

    b.wiring.append(wire)


def route_target(b: Builder, props: MapNode) -> RouteTarget:
    named = [key for key in ("GatewayId", *ROUTE_TARGETS) if key in props]
    if len(named) != 1:
        return RouteTarget(TargetKind.UNKNOWN)
    key = named[0]
    value = props[key]
    if isinstance(value, Unknown):
        return RouteTarget(TargetKind.UNKNOWN, value=value)
    if key == "VpcEndpointId" and isinstance(value, ResourceRef) and value.attribute:
        # Fn::GetAtt Firewall.EndpointIds, split: the endpoint of a Network Firewall.
        firewall = b.lookup(ResourceRef(value.logical_id, stack=value.stack), Firewall)
        if firewall is not None and value.attribute == "EndpointId":
            return RouteTarget(TargetKind.FIREWALL_ENDPOINT, firewall, value)
        return RouteTarget(TargetKind.UNKNOWN, value=value)
    if key != "GatewayId":
        target = value if isinstance(value, ResourceRef) else None
        resource = b.network.resources.get(target.key) if target else None
        return RouteTarget(ROUTE_TARGETS[key], resource, value)
    if value == "local":
        return RouteTarget(TargetKind.LOCAL, value=value)
    gateway = b.lookup(value, InternetGateway) or b.lookup(value, VpnGateway)
    if isinstance(gateway, InternetGateway):
        return RouteTarget(TargetKind.INTERNET_GATEWAY, gateway, value)
    if isinstance(gateway, VpnGateway):
        return RouteTarget(TargetKind.VPN_GATEWAY, gateway, value)
    if isinstance(value, str):
        for prefix, kind in _GATEWAY_ID_PREFIXES.items():
            if value.startswith(prefix):
                return RouteTarget(kind, value=value)
    return RouteTarget(TargetKind.UNKNOWN, value=value)


def association(b: Builder, base: Resource) -> None:
    made = b.make(RouteTableAssociation, base)

    def wire() -> None:
        props = base.properties
        made.subnet = b.lookup(props.get("SubnetId"), Subnet)
        made.route_table = b.lookup(props.get("RouteTableId"), RouteTable)
        if made.subnet:
            made.subnet.associations.append(made)
        if made.route_table:
            made.route_table.associations.append(made)

    b.wiring.append(wire)


def gateway_association(b: Builder, base: Resource) -> None:
    made = b.make(GatewayRouteTableAssociation, base)

    def wire() -> None:
        props = base.properties
        value = props.get("GatewayId")
        gateway = b.lookup(value, InternetGateway) or b.lookup(value, VpnGateway)
        made.gateway = gateway if gateway is not None else b.refer(value, InternetGateway)
        made.route_table = b.lookup(props.get("RouteTableId"), RouteTable)
        if made.route_table is not None:
            made.route_table.gateway_associations.append(made)
        if isinstance(gateway, (InternetGateway, VpnGateway)):
            gateway.edge_associations.append(made)

    b.wiring.append(wire)


CONSTRUCTORS: dict[str, Constructor] = {
    "AWS::EC2::RouteTable": route_table,
    "AWS::EC2::Route": route,
    "AWS::EC2::SubnetRouteTableAssociation": association,
    "AWS::EC2::GatewayRouteTableAssociation": gateway_association,
}
