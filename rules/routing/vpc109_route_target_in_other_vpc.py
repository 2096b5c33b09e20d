"""A route's target (NAT gateway, VPC endpoint, network interface, instance) is in another VPC.

## What it does
Reports an `AWS::EC2::Route` whose `NatGatewayId`, `VpcEndpointId`, `NetworkInterfaceId` or
`InstanceId` names a resource of the template that lives in a different VPC than the route's
table: a NAT gateway, network interface or instance by the VPC of its subnet, a VPC endpoint by
its `VpcId`.

It stays silent when either VPC is not known (a subnet or VPC from outside the template, a
parameter without default, an undecided `Fn::If`), when the route, route table or target is
under an undecided `Condition`, and for targets that may lie outside the VPC by design (transit
gateways, peering connections, internet and VPN gateways, which VPC103 checks).

## Why it matters
A route can only send traffic to a NAT gateway, endpoint, network interface or instance of its
own VPC; AWS rejects the route and the stack rolls back. It usually comes from a template with
two VPCs (an inspection or egress VPC and an application VPC) where a route was written
against the wrong one.

## Example
```yaml
AppPrivateDefaultRoute:
  Type: AWS::EC2::Route
  Properties:
    RouteTableId: !Ref AppPrivateRouteTable   # in AppVPC
    DestinationCidrBlock: 0.0.0.0/0
    NatGatewayId: !Ref EgressNatGateway       # in a subnet of EgressVPC
```

## Fix
Point the route at a target in the route table's own VPC; to reach another VPC, route to a
transit gateway or a peering connection instead.
"""

from collections.abc import Iterator

from vpclint.findings import Problem
from vpclint.model import (
    Instance,
    NatGateway,
    Network,
    NetworkInterface,
    Resource,
    RouteTable,
    Subnet,
    TargetKind,
    Vpc,
    VpcEndpoint,
)

ID = "VPC109"
NAME = "route-target-in-other-vpc"
SEVERITY = "error"

TARGET_TYPES: dict[TargetKind, type[Resource]] = {
    TargetKind.NAT_GATEWAY: NatGateway,
    TargetKind.VPC_ENDPOINT: VpcEndpoint,
    TargetKind.NETWORK_INTERFACE: NetworkInterface,
    TargetKind.INSTANCE: Instance,
}


def check(network: Network) -> Iterator[Problem]:
    for route in network.routes:
        table = route.route_table
        target = route.target.resource
        if not route.certain or not isinstance(table, RouteTable) or not table.certain:
            continue
        if table.vpc is None or target is None or not target.certain:
            continue
        if not isinstance(target, TARGET_TYPES.get(route.target.kind, ())):
            continue
        vpc = _vpc_of(target)
        if vpc is None or vpc is table.vpc:
            continue
        yield Problem(
            route,
            f"Route {route.logical_id} of route table {table.logical_id} in "
            f"{table.vpc.logical_id} sends traffic to {route.target.kind.value} "
            f"{target.logical_id} in {vpc.logical_id}, which AWS rejects; route to a target in "
            f"{table.vpc.logical_id}, or to a transit gateway or peering connection to reach "
            f"{vpc.logical_id}.",
        )


def _vpc_of(target: Resource) -> Vpc | None:
    """The VPC a route target lives in, when the template says."""
    if isinstance(target, VpcEndpoint):
        return target.vpc
    if isinstance(target, (NatGateway, NetworkInterface, Instance)):
        subnet = target.subnet
        return subnet.vpc if isinstance(subnet, Subnet) else None
    return None
