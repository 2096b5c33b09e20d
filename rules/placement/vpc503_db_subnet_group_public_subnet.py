"""A database or cache subnet group includes a public subnet.

## What it does
Reports an `AWS::RDS::DBSubnetGroup`, `AWS::ElastiCache::SubnetGroup`,
`AWS::Redshift::ClusterSubnetGroup`, `AWS::DocDB::DBSubnetGroup` or `AWS::Neptune::DBSubnetGroup`
that lists a public subnet: one whose effective route table (its association, or the VPC's main
route table) certainly sends `0.0.0.0/0` to an internet gateway.

A subnet group or subnet under an undecided `Condition`, and a subnet whose route table or
default route sits behind an undecided `Fn::If` or comes from outside the template (a parameter
without default, `Fn::ImportValue`), are not reported.

## Why it matters
A database or cache placed in a public subnet is one setting away from the whole internet:
`PubliclyAccessible: true` (or a later console change) gives it a public address that the
subnet's route table makes reachable at once. Data stores belong in private subnets, reached only
from the application tier inside the VPC; a public subnet usually slips in when all the subnets
of the VPC are listed.

## Example
```yaml
DatabaseSubnetGroup:
  Type: AWS::RDS::DBSubnetGroup
  Properties:
    DBSubnetGroupDescription: Database subnets
    SubnetIds: [!Ref PublicSubnetA, !Ref PrivateSubnetB]  # PublicSubnetA routes to the IGW
```

## Fix
List only private subnets (without a route to an internet gateway), one in each of at least two
Availability Zones.
"""

from collections.abc import Iterator

from vpclint.findings import Problem
from vpclint.model import Network, Subnet

ID = "VPC503"
NAME = "db-subnet-group-public-subnet"
SEVERITY = "warning"


def check(network: Network) -> Iterator[Problem]:
    for group in network.subnet_groups:
        if not group.certain or not isinstance(group.subnets, list):
            continue
        public: list[Subnet] = []
        for subnet in group.subnets:
            if (
                isinstance(subnet, Subnet)
                and subnet.certain
                and subnet.is_public is True
                and subnet not in public
            ):
                public.append(subnet)
        if public:
            names = ", ".join(s.logical_id for s in public)
            plural = "s" if len(public) > 1 else ""
            yield Problem(
                group,
                f"{group.service} subnet group {group.logical_id} includes public subnet{plural} "
                f"{names}, routed to an internet gateway; list only private subnets.",
            )
