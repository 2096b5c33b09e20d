"""A subnet's default route goes to a NAT gateway in another Availability Zone.

## What it does
For every subnet, looks at the `0.0.0.0/0` routes of its effective route table (the one it is
associated with, or the VPC's main route table) and reports each one that goes to a NAT gateway
of the template whose own subnet is in a different Availability Zone than the subnet, while the
subnet's own zone has a public NAT gateway of the same VPC: the route names the wrong one (a
copied route table, a shared table). The finding points at the route, once for every subnet
that uses it in the wrong zone. A design with fewer NAT gateways than zones (one NAT gateway
for the VPC, CDK's `natGateways: 1`) is a cost decision, reported once per VPC as information
by VPC111.

Availability Zones are compared by name (`AvailabilityZone`, literal or from
`!Select [n, !GetAZs ""]`); the rule stays silent when either zone is not known (a parameter
without default, an undecided `Fn::If`, `AvailabilityZoneId` instead of a name, a CDK
placeholder zone such as `dummy1a`), when the two names are of different regions (a literal
zone beside `Fn::GetAZs` of another region), when the subnet, association, route or NAT
gateway is under an undecided `Condition`, when the route's `NatGatewayId` is behind an
undecided `Fn::If`, and when the NAT gateway is in another VPC (that is VPC109).

## Why it matters
A NAT gateway is a zonal resource: "if the NAT gateway's Availability Zone is down, resources in
the other Availability Zones lose internet access"; AWS advises a NAT gateway per zone and
routing "to ensure that resources use the NAT gateway in the same Availability Zone"
(https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-basics.html). When the subnet's
zone already has a NAT gateway, sending its traffic to another zone's buys nothing: it loses
its way out whenever that other zone fails, and every byte pays cross-zone data transfer on top
of the NAT processing charge.

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
    NatGatewayId: !Ref NatGatewayA   # zone a's; PrivateSubnetB and NatGatewayB are in zone b
```

## Fix
Give each zone one private route table whose default route goes to the NAT gateway of the same
zone, and associate each private subnet with the table of its zone.
"""

from collections.abc import Iterator

from vpclint.findings import Problem
from vpclint.model import Network

ID = "VPC106"
NAME = "cross-az-nat-route"
SEVERITY = "warning"


def check(network: Network) -> Iterator[Problem]:
    for found in network.nat_routes_across_zones():
        own = found.own_zone_nat
        if own is None:
            continue  # fewer NAT gateways than zones, on purpose: VPC111
        subnet, route, nat = found.subnet, found.route, found.nat
        zone, other = subnet.availability_zone, nat.subnet.availability_zone
        yield Problem(
            route,
            f"Subnet {subnet.logical_id} in {zone} sends 0.0.0.0/0 through route "
            f"{route.logical_id} of {found.table.logical_id} to NAT gateway {nat.logical_id} "
            f"in {other}, though NAT gateway {own.logical_id} is in {zone}: it loses internet "
            f"access when {other} fails and pays cross-zone traffic; route it to "
            f"{own.logical_id} with a route table for {zone}.",
        )
