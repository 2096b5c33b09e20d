"""A subnet meant to be private has a route to an internet gateway.

## What it does
Checks every subnet whose intent is private (its `Metadata: {vpclint: {tier: private}}`, or a
logical ID or Name tag with a word such as *private*, *priv*, *isolated* or *protected*) and
reports each route of its effective route table that goes to an internet gateway. The
effective route table is the one the subnet is associated with, or the VPC's main route table.

## Why it matters
A subnet is public exactly when its route table sends traffic to an internet gateway. Instances
in a "private" subnet with such a route can be reached from, and reach, the internet directly
whenever they have a public address, which is usually what the private tier was meant to prevent.
Often the private subnets were associated with the public route table by a copy-paste slip.

## Example
```yaml
PrivateSubnetA:
  Type: AWS::EC2::Subnet
  Properties: {VpcId: !Ref VPC, CidrBlock: 10.0.10.0/24}
PrivateSubnetARouteTableAssociation:
  Type: AWS::EC2::SubnetRouteTableAssociation
  Properties: {SubnetId: !Ref PrivateSubnetA, RouteTableId: !Ref PublicRouteTable}
```

## Fix
Associate the subnet with a route table whose default route goes to a NAT gateway (or has no
default route at all). If the subnet is meant to be public, say so:
`Metadata: {vpclint: {tier: public}}`.
"""

from collections.abc import Iterator

from vpclint.findings import Problem
from vpclint.model import Network, RouteTable, TargetKind, Tier

ID = "VPC101"
NAME = "private-subnet-routes-to-igw"
SEVERITY = "error"


def check(network: Network) -> Iterator[Problem]:
    for subnet in network.subnets:
        if subnet.intent.tier is not Tier.PRIVATE or not subnet.certain:
            continue
        table = subnet.route_table
        if not isinstance(table, RouteTable):
            continue
        how = (
            f"associated by {subnet.associations[0].logical_id}"
            if subnet.associations
            else "the VPC's main route table"
        )
        for route in table.routes:
            if route.certain and route.target.kind is TargetKind.INTERNET_GATEWAY:
                destination = route.destination if isinstance(route.destination, str) else "?"
                yield Problem(
                    route,
                    f"Subnet {subnet.logical_id} is meant to be private ({subnet.intent.source}) "
                    f"but its route table {table.logical_id} ({how}) sends {destination} to "
                    f"{route.target.describe()}; use a route table whose default route goes to "
                    "a NAT gateway, or mark the subnet public with Metadata vpclint.tier: public.",
                )
