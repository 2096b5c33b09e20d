"""A subnet's default route goes to a NAT gateway in another Availability Zone.

## What it does
For every subnet, looks at the `0.0.0.0/0` routes of its effective route table (the one it is
associated with, or the VPC's main route table) and reports each one that goes to a NAT gateway
of the template whose own subnet is in a different Availability Zone than the subnet. The
finding points at the route, once for every subnet that uses it in the wrong zone.

Availability Zones are compared by name (`AvailabilityZone`, literal or from
`!Select [n, !GetAZs ""]`); the rule stays silent when either zone is not known (a parameter
without default, an undecided `Fn::If`, `AvailabilityZoneId` instead of a name), when the two
names are of different regions (a literal zone beside `Fn::GetAZs` of another region), when the
subnet, association, route or NAT gateway is under an undecided `Condition`, when the route's
`NatGatewayId` is behind an undecided `Fn::If`, and when the NAT gateway is in another VPC
(that is VPC109).

## Why it matters
A NAT gateway is a zonal resource. Subnets that send their internet traffic to a NAT gateway in
another zone lose their way out whenever that zone fails, which is exactly what running in
several zones was meant to survive, and every byte they send pays cross-zone data transfer on
top of the NAT processing charge. One NAT gateway shared by all zones is a deliberate cost
trade-off in some stacks, so this is a warning.

## Example
```yaml
PrivateRouteTableB:
  Type: AWS::EC2::RouteTable
  Properties: {VpcId: !Ref VPC}
PrivateDefaultRouteB:
  Type: AWS::EC2::Route
  Properties:
    RouteTableId: !Ref PrivateRouteTableB
    DestinationCidrBlock: 0.0.0.0/0
    NatGatewayId: !Ref NatGatewayA   # NatGatewayA is in PublicSubnetA, zone a
```

## Fix
Give each Availability Zone its own NAT gateway in that zone's public subnet, and one private
route table per zone whose default route goes to the NAT gateway of the same zone.
"""

from collections.abc import Iterator

from vpclint.findings import Problem
from vpclint.model import NatGateway, Network, RouteTable, Subnet

ID = "VPC106"
NAME = "cross-az-nat-route"
SEVERITY = "warning"


def check(network: Network) -> Iterator[Problem]:
    for subnet in network.subnets:
        if not subnet.certain or not isinstance(subnet.availability_zone, str):
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
            nat_subnet = nat.subnet
            if not isinstance(nat_subnet, Subnet) or not nat_subnet.certain:
                continue
            zone = nat_subnet.availability_zone
            if not isinstance(zone, str) or zone == subnet.availability_zone:
                continue
            if _region(zone) != _region(subnet.availability_zone):
                continue  # one of them came from Fn::GetAZs of the region vpclint assumed
            if nat_subnet.vpc is None or nat_subnet.vpc is not subnet.vpc:
                continue
            yield Problem(
                route,
                f"Subnet {subnet.logical_id} in {subnet.availability_zone} sends 0.0.0.0/0 "
                f"through route {route.logical_id} of {table.logical_id} to NAT gateway "
                f"{nat.logical_id} in {zone}, so it loses internet access when {zone} fails "
                "and pays cross-zone traffic; route it to a NAT gateway in "
                f"{subnet.availability_zone} with a route table for that zone.",
            )


def _region(zone: str) -> str:
    """The region of a zone name: us-east-1 for us-east-1a (us-west-2-lax-1 for a Local Zone)."""
    return zone.rstrip("abcdefghijklmnopqrstuvwxyz")
