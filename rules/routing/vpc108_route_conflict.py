"""Two routes of one route table share a destination, or a route has no target or several.

## What it does
Reports an `AWS::EC2::Route` that cannot be created:

- it has the same destination as an earlier route (in file order) of the same route table.
  CIDR blocks are compared as networks, not as text (`2001:db8::/32` and
  `2001:0db8:0000::/32` are the same; host bits are ignored), IPv4 and IPv6 alike; prefix list
  IDs are compared as text, and a `!Ref` to a prefix list of the template by its logical ID;
- it names no target, or several, among `GatewayId`, `NatGatewayId`, `TransitGatewayId`,
  `VpcPeeringConnectionId`, `VpcEndpointId`, `NetworkInterfaceId`, `InstanceId`,
  `EgressOnlyInternetGatewayId`, `CarrierGatewayId`, `LocalGatewayId` and `CoreNetworkArn`.

Only routes that certainly exist are checked: a route under an undecided `Condition` is left
out. A destination that is not known (a parameter without default, an import, an undecided
`Fn::If`) is never a duplicate. A target behind an undecided `Fn::If` whose branch may be
`AWS::NoValue` counts as possibly absent: it neither makes a route target-less nor adds a
second target.

## Why it matters
A route table holds one route per destination: CloudFormation fails on the second route with
"the route identified by ... already exists" and rolls back. A route must name exactly one
target; with none or several the request is invalid. Both typically come from copy-paste
(a route duplicated for a second zone but left on the first zone's table, or a NAT route whose
`GatewayId` was kept).

## Example
```yaml
PrivateDefaultRoute:
  Type: AWS::EC2::Route
  Properties:
    RouteTableId: !Ref PrivateRouteTable
    DestinationCidrBlock: 0.0.0.0/0
    GatewayId: !Ref InternetGateway
    NatGatewayId: !Ref NatGateway
```

## Fix
Keep one route per destination in each route table (routes for another zone belong on that
zone's table), and give each route exactly one target property.
"""

import ipaddress
from collections.abc import Iterator
from typing import Any

from vpclint.findings import Problem
from vpclint.model import Network, Route
from vpclint.values import NO_VALUE, ResourceRef, Unknown, alternatives

ID = "VPC108"
NAME = "route-conflict"
SEVERITY = "error"

TARGET_KEYS = (
    "GatewayId",
    "NatGatewayId",
    "TransitGatewayId",
    "VpcPeeringConnectionId",
    "VpcEndpointId",
    "NetworkInterfaceId",
    "InstanceId",
    "EgressOnlyInternetGatewayId",
    "CarrierGatewayId",
    "LocalGatewayId",
    "CoreNetworkArn",
)


def check(network: Network) -> Iterator[Problem]:
    routes = sorted((r for r in network.routes if r.certain), key=lambda route: route.mark)
    seen: dict[tuple[int, Any], Route] = {}
    for route in routes:
        yield from _targets(route)
        table = route.route_table
        key = _destination_key(route.destination)
        if table is None or not table.certain or key is None:
            continue
        earlier = seen.setdefault((id(table), key), route)
        if earlier is not route:
            yield Problem(
                route,
                f"Route {route.logical_id} has the same destination {route.destination} as "
                f"route {earlier.logical_id} in route table {table.logical_id}, so it cannot "
                "be created; remove one of them or move it to the route table it was meant "
                "for.",
            )


def _targets(route: Route) -> Iterator[Problem]:
    props = route.properties
    if "RouteTableId" not in props:
        return  # the properties are not readable: nothing to judge
    certain = [key for key in TARGET_KEYS if key in props and _certainly_present(props[key])]
    possible = [key for key in TARGET_KEYS if key in props]
    if len(certain) > 1:
        yield Problem(
            route,
            f"Route {route.logical_id} names several targets ({', '.join(certain)}), so it "
            "cannot be created; keep exactly one target property.",
        )
    elif not possible:
        yield Problem(
            route,
            f"Route {route.logical_id} names no target, so it cannot be created; set one "
            "target such as GatewayId or NatGatewayId.",
        )


def _certainly_present(value: Any) -> bool:
    """False when an undecided Fn::If may remove the property (a branch is AWS::NoValue)."""
    return not isinstance(value, Unknown) or NO_VALUE not in alternatives(value)


def _destination_key(destination: Any) -> tuple[str, Any] | None:
    """A comparable form of a destination: a normalised network, or a prefix list ID."""
    if isinstance(destination, ResourceRef):
        return ("prefix-list", str(destination))  # an AWS::EC2::PrefixList of the template
    if not isinstance(destination, str):
        return None
    text = destination.strip()
    if text.startswith("pl-"):
        return ("prefix-list", text)
    try:
        return ("cidr", ipaddress.ip_network(text, strict=False))
    except ValueError:
        return None
