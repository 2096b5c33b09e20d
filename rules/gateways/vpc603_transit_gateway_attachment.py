"""A route uses a transit gateway its VPC is not attached to, or does not wait for the attachment.

## What it does
Reports, for an `AWS::EC2::TransitGateway` of the template:

- an `AWS::EC2::Route` whose `TransitGatewayId` names it, in a route table of a VPC that no
  `AWS::EC2::TransitGatewayAttachment` (or `TransitGatewayVpcAttachment`) attaches to it;
- such a route when the attachment exists but the route does not wait for it: it has no
  `DependsOn` on the attachment, directly or through the `DependsOn` and references of the
  resources it depends on;

and a transit gateway VPC attachment that names two subnets in the same Availability Zone
(by `AvailabilityZone` or `AvailabilityZoneId`).

Transit gateways, VPCs and subnets from outside the template are never judged. Resources under
an undecided `Condition` are not reported; an attachment under one, or one whose `VpcId` or
`TransitGatewayId` is an undecided `Fn::If` or an unknown value, counts as possibly attaching
the VPC, and a subnet whose zone is unknown or undecided is not compared, so the rule stays
silent. Dependencies are followed through every resource of the template (`DependsOn`, `Ref`,
`Fn::GetAtt`, `Fn::Sub`); one behind an undecided `Fn::If` counts.

## Why it matters
A VPC can send traffic to a transit gateway only through its attachment: a route to a transit
gateway the VPC is not attached to fails to create and the stack rolls back. CloudFormation
creates the route as soon as its route table and the transit gateway exist; unless the route
depends on the attachment, it races the attachment (which takes minutes to become available)
and the stack fails intermittently. An attachment takes at most one subnet per Availability
Zone; two in one zone are rejected (`DuplicateSubnetsInSameZone`).

## Example
```yaml
TransitGatewayAttachment:
  Type: AWS::EC2::TransitGatewayAttachment
  Properties:
    TransitGatewayId: !Ref TransitGateway
    VpcId: !Ref VPC
    SubnetIds: [!Ref PrivateSubnetA, !Ref PrivateSubnetB]
ToCorporateNetwork:
  Type: AWS::EC2::Route
  Properties:
    RouteTableId: !Ref PrivateRouteTable
    DestinationCidrBlock: 10.0.0.0/8
    TransitGatewayId: !Ref TransitGateway
```

## Fix
Attach the VPC to the transit gateway with one subnet per Availability Zone, and add
`DependsOn: <the attachment>` to every route that sends traffic to the transit gateway.
"""

from collections.abc import Iterator
from typing import Any

from vpclint.findings import Problem
from vpclint.model import (
    Network,
    Resource,
    Route,
    Subnet,
    TargetKind,
    TransitGateway,
    TransitGatewayAttachment,
    Vpc,
)
from vpclint.values import ResourceRef, Unknown

ID = "VPC603"
NAME = "transit-gateway-attachment"
SEVERITY = "error"


def check(network: Network) -> Iterator[Problem]:
    for route in network.routes:
        gateway = route.target.resource
        if not route.certain or route.target.kind is not TargetKind.TRANSIT_GATEWAY:
            continue
        table = route.route_table
        if not isinstance(gateway, TransitGateway) or table is None or not table.certain:
            continue
        vpc = table.vpc
        if vpc is None or not vpc.certain:
            continue
        problem = _check_route(network, route, gateway, vpc)
        if problem is not None:
            yield problem
    for attachment in network.transit_gateway_attachments:
        if attachment.certain:
            yield from _check_zones(attachment)


def _check_route(
    network: Network, route: Route, gateway: TransitGateway, vpc: Vpc
) -> Problem | None:
    attachments = [
        attachment
        for attachment in network.transit_gateway_attachments
        if _may_refer(attachment.properties.get("TransitGatewayId"), gateway)
        and _may_refer(attachment.properties.get("VpcId"), vpc)
    ]
    if not attachments:
        return Problem(
            route,
            f"Route {route.logical_id} sends traffic to transit gateway {gateway.logical_id}, "
            f"but VPC {vpc.logical_id} of its route table {route.route_table.logical_id} is not "  # type: ignore[union-attr]
            "attached to it, so the route cannot be created; add an "
            "AWS::EC2::TransitGatewayAttachment for the VPC and make the route depend on it.",
        )
    certain = [
        a for a in attachments if a.certain and a.vpc is vpc and a.transit_gateway is gateway
    ]
    if not certain:
        return None
    if network.created_after(route, attachments):
        return None
    return Problem(
        route,
        f"Route {route.logical_id} to transit gateway {gateway.logical_id} does not depend on "
        f"{certain[0].logical_id}, so the route can be created before the attachment is "
        "available and the stack fails intermittently; add "
        f"DependsOn: {certain[0].logical_id} to the route.",
    )


def _check_zones(attachment: TransitGatewayAttachment) -> Iterator[Problem]:
    if isinstance(attachment.subnets, Unknown):
        return
    by_zone: dict[tuple[str, str], list[Subnet]] = {}
    for subnet in attachment.subnets:
        if not isinstance(subnet, Subnet) or not subnet.certain:
            continue
        zone = subnet.zone
        if zone is not None and all(s is not subnet for s in by_zone.get(zone, [])):
            by_zone.setdefault(zone, []).append(subnet)
    for (_, name), subnets in by_zone.items():
        if len(subnets) > 1:
            names = " and ".join(subnet.logical_id for subnet in subnets[:2])
            yield Problem(
                attachment,
                f"Transit gateway attachment {attachment.logical_id} names subnets {names}, "
                f"both in Availability Zone {name}, but an attachment takes one subnet per "
                "zone and the deploy fails; keep one subnet for each zone.",
            )


def _may_refer(value: Any, resource: Resource) -> bool:
    """Whether a value is, or through an undecided Fn::If or unknown value may be, its ID."""
    if isinstance(value, Unknown):
        return not value.options or any(_may_refer(option, resource) for option in value.options)
    return isinstance(value, ResourceRef) and value.logical_id == resource.logical_id
