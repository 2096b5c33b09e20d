"""A VPN gateway propagates into a VPC it is not attached to, or a VPN connection lacks an end.

## What it does
Reports, for a virtual private gateway (`AWS::EC2::VPNGateway`) of the template, an
`AWS::EC2::VPNGatewayRoutePropagation` that propagates its routes into a route table of a VPC
that no `AWS::EC2::VPCGatewayAttachment` attaches it to, or that does not wait for the
attachment (no `DependsOn` on the `VPCGatewayAttachment`, directly or through other resources'
`DependsOn` and references), which AWS documents as required; and an `AWS::EC2::VPNConnection`
without `CustomerGatewayId`, or with neither `VpnGatewayId` nor `TransitGatewayId`. Routes
(`AWS::EC2::Route`) to a VPN gateway that is not attached are VPC103's, which checks internet
and VPN gateways alike.

Gateways, VPCs, route tables and connections from outside the template (IDs, imports,
parameters) are never judged. Resources under an undecided `Condition` are not reported, and an
attachment under one, or one whose `VpcId` or `VpnGatewayId` is an undecided `Fn::If` or an
unknown value, counts as possibly attaching the gateway: the rule stays silent. Dependencies
are followed through every resource of the template (`DependsOn`, `Ref`, `Fn::GetAtt`,
`Fn::Sub`); one behind an undecided `Fn::If` counts.

## Why it matters
A virtual private gateway carries traffic only for the VPC it is attached to. A route to it from
another VPC's route table, or a propagation into such a table, fails to create ("belong to
different networks") and the stack rolls back; a propagation created before the attachment
completes fails the same way, intermittently. A VPN connection needs a customer gateway at one
end and a virtual private gateway or transit gateway at the other; without them CloudFormation
rejects it.

## Example
```yaml
VPNGateway:
  Type: AWS::EC2::VPNGateway
  Properties: {Type: ipsec.1}
OnPremisesRoutes:
  Type: AWS::EC2::VPNGatewayRoutePropagation
  Properties:
    RouteTableIds: [!Ref PrivateRouteTable]
    VpnGatewayId: !Ref VPNGateway
```

## Fix
Attach the gateway to the route table's VPC with an `AWS::EC2::VPCGatewayAttachment`
(`VpcId`, `VpnGatewayId`) and add `DependsOn: <that attachment>` to the routes and route
propagations that use it; give each VPN connection a `CustomerGatewayId` and one of
`VpnGatewayId` or `TransitGatewayId`.
"""

from collections.abc import Iterator
from typing import Any

from vpclint.findings import Problem
from vpclint.model import (
    GatewayAttachment,
    Network,
    Resource,
    RoutePropagation,
    RouteTable,
    Vpc,
    VpnGateway,
)
from vpclint.values import ResourceRef, Unknown

ID = "VPC602"
NAME = "vpn-gateway-attachment"
SEVERITY = "error"


def check(network: Network) -> Iterator[Problem]:
    for propagation in network.route_propagations:
        if propagation.certain and isinstance(propagation.vpn_gateway, VpnGateway):
            yield from _check_propagation(network, propagation, propagation.vpn_gateway)
    for connection in network.vpn_connections:
        if not connection.certain:
            continue
        if connection.customer_gateway is None:
            yield Problem(
                connection,
                f"VPN connection {connection.logical_id} has no CustomerGatewayId, so "
                "CloudFormation cannot create it; name the AWS::EC2::CustomerGateway of the "
                "on-premises device.",
            )
        if connection.vpn_gateway is None and connection.transit_gateway is None:
            yield Problem(
                connection,
                f"VPN connection {connection.logical_id} names neither a VpnGatewayId nor a "
                "TransitGatewayId, so it has no AWS end and CloudFormation cannot create it; "
                "set one of them to the gateway the tunnels should end on.",
            )


def _check_propagation(
    network: Network, propagation: RoutePropagation, gateway: VpnGateway
) -> Iterator[Problem]:
    tables = propagation.route_tables
    if isinstance(tables, Unknown):
        return
    used: list[GatewayAttachment] = []
    for table in tables:
        vpc = _vpc_of(table) if isinstance(table, RouteTable) else None
        if vpc is None:
            continue
        attachments = _attachments(network, gateway, vpc)
        if not attachments:
            yield Problem(
                propagation,
                f"Route propagation {propagation.logical_id} propagates VPN gateway "
                f"{gateway.logical_id} into route table {table.logical_id} of VPC "  # type: ignore[union-attr]
                f"{vpc.logical_id}, which the gateway is not attached to, so it cannot be "
                "created; attach the gateway to that VPC with an "
                "AWS::EC2::VPCGatewayAttachment and add DependsOn on it.",
            )
            return
        used.extend(attachments)
    certain = [a for a in used if a.certain]
    if certain and not network.created_after(propagation, used):
        yield Problem(
            propagation,
            f"Route propagation {propagation.logical_id} does not depend on "
            f"{certain[0].logical_id}, which attaches VPN gateway {gateway.logical_id}, so it "
            "can be created before the attachment is available and the stack fails "
            f"intermittently; add DependsOn: {certain[0].logical_id}.",
        )


def _vpc_of(table: RouteTable | None) -> Vpc | None:
    """The template VPC of a route table, when both are certainly created."""
    if table is None or not table.certain or table.vpc is None or not table.vpc.certain:
        return None
    return table.vpc


def _attachments(network: Network, gateway: VpnGateway, vpc: Vpc) -> list[GatewayAttachment]:
    """Attachments that attach (or may attach) the gateway to the VPC."""
    found = []
    for attachment in network.gateway_attachments:
        if "VpnGatewayId" not in attachment.properties:
            continue
        props = attachment.properties
        if _may_refer(props["VpnGatewayId"], gateway) and _may_refer(props.get("VpcId"), vpc):
            found.append(attachment)
    return found


def _may_refer(value: Any, resource: Resource) -> bool:
    """Whether a value is, or through an undecided Fn::If or unknown value may be, its ID."""
    if isinstance(value, Unknown):
        return not value.options or any(_may_refer(option, resource) for option in value.options)
    return isinstance(value, ResourceRef) and value.logical_id == resource.logical_id
