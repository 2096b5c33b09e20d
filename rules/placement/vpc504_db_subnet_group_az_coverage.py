"""An RDS subnet group covers fewer than two Availability Zones.

## What it does
Reports an `AWS::RDS::DBSubnetGroup` whose subnets all lie in one Availability Zone. The zone of
a subnet is its `AvailabilityZone` (after resolving `!Select [i, !GetAZs ""]` and parameter
defaults) or its `AvailabilityZoneId`.

The rule needs every subnet of the group to be a subnet of the template with a known zone: a
subnet given as a parameter, an import or an undecided `Fn::If`, a zone that is a parameter
without default, a group or subnet under an undecided `Condition`, or names and zone IDs mixed
keep it silent. Subnets on an Outpost or in a Local Zone are not checked.

## Why it matters
RDS requires a DB subnet group to cover at least two Availability Zones, even for a single-AZ
instance, so that it can fail over or move the instance. A group in one zone fails to create
with `DBSubnetGroupDoesNotCoverEnoughAZs`, usually because two subnets were given the same zone
by a copy-paste slip, or only one subnet was listed.

## Example
```yaml
DatabaseSubnetGroup:
  Type: AWS::RDS::DBSubnetGroup
  Properties:
    DBSubnetGroupDescription: Database subnets
    SubnetIds: [!Ref PrivateSubnetA]
```

## Fix
List private subnets in at least two Availability Zones (`!Select [0, !GetAZs ""]` and
`!Select [1, !GetAZs ""]`).
"""

from collections.abc import Iterator

from vpclint.findings import Problem
from vpclint.model import Network, is_regular_zone, subnets_by_zone

ID = "VPC504"
NAME = "db-subnet-group-az-coverage"
SEVERITY = "error"


def check(network: Network) -> Iterator[Problem]:
    for group in network.subnet_groups:
        if group.service != "RDS" or not group.certain or not isinstance(group.subnets, list):
            continue
        by_zone = subnets_by_zone(group.subnets)
        if not by_zone or len(by_zone) >= 2:
            continue
        zone, subnets = next(iter(by_zone.items()))
        if not is_regular_zone(zone) or any("OutpostArn" in s.properties for s in subnets):
            continue
        names = ", ".join(s.logical_id for s in subnets)
        plural = "s" if len(subnets) > 1 else ""
        yield Problem(
            group,
            f"RDS subnet group {group.logical_id} covers only Availability Zone {zone} (subnet"
            f"{plural} {names}), and RDS needs subnets in at least two zones; add a private "
            "subnet in another zone.",
        )
