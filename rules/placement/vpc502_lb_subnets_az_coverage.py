"""A load balancer's subnets do not cover the Availability Zones it needs.

## What it does
Reports an Application Load Balancer whose subnets lie in fewer than two Availability Zones, and
any load balancer (Application, Network, Gateway or Classic) given two subnets in the same
Availability Zone. The zone of a subnet is its `AvailabilityZone` (after resolving
`!Select [i, !GetAZs ""]` and parameter defaults) or its `AvailabilityZoneId`.

The rule needs every subnet of the load balancer to be a subnet of the template with a known
zone: a subnet given as a parameter, an import or an undecided `Fn::If`, a zone that is a
parameter without default, a load balancer or subnet under an undecided `Condition`, or names
and zone IDs mixed keep it silent. Subnets on an Outpost or in a Local Zone, where one subnet is
allowed, are not checked for the two-zone minimum.

Load balancers that a Kubernetes controller creates at run time for an `AWS::EKS::Cluster` are
not in the template and are not checked, nor are the subnet tags they are found by. The AWS
Load Balancer Controller takes the subnets tagged `kubernetes.io/role/elb` (internet-facing) or
`kubernetes.io/role/internal-elb` (internal) when any subnet has that tag, and from v2.12.1 on,
when none has it, the subnets whose reachability (public or private) matches the scheme
(https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/deploy/subnet_discovery/).
Untagged subnets are therefore not a certain failure, and which scheme and controller version a
cluster will use is not in the template.

## Why it matters
AWS rejects both: an Application Load Balancer must have subnets in at least two Availability
Zones, and a load balancer takes at most one subnet per zone. The stack fails when it creates
the load balancer, usually because both "A" and "B" subnets were given the same zone by a
copy-paste slip (`!Select [0, !GetAZs ""]` twice).

## Example
```yaml
PublicSubnetA:
  Type: AWS::EC2::Subnet
  Properties: {VpcId: !Ref VPC, CidrBlock: 10.0.0.0/24, AvailabilityZone: !Select [0, !GetAZs ""]}
PublicSubnetB:
  Type: AWS::EC2::Subnet
  Properties: {VpcId: !Ref VPC, CidrBlock: 10.0.1.0/24, AvailabilityZone: !Select [0, !GetAZs ""]}
WebLoadBalancer:
  Type: AWS::ElasticLoadBalancingV2::LoadBalancer
  Properties:
    Subnets: [!Ref PublicSubnetA, !Ref PublicSubnetB]
```

## Fix
Give the load balancer one subnet in each of at least two Availability Zones, and put each
subnet in its own zone (`!Select [0, !GetAZs ""]`, `!Select [1, !GetAZs ""]`).
"""

from collections.abc import Iterator

from vpclint.findings import Problem
from vpclint.model import LoadBalancerKind, Network, is_regular_zone, subnets_by_zone

ID = "VPC502"
NAME = "lb-subnets-az-coverage"
SEVERITY = "error"


def check(network: Network) -> Iterator[Problem]:
    for balancer in network.load_balancers:
        if not balancer.certain or not isinstance(balancer.subnets, list):
            continue
        by_zone = subnets_by_zone(balancer.subnets)
        if not by_zone:
            continue
        shared = {zone: group for zone, group in by_zone.items() if len(group) > 1}
        if shared:
            zone, group = next(iter(shared.items()))
            names = " and ".join(s.logical_id for s in group)
            yield Problem(
                balancer,
                f"Load balancer {balancer.logical_id} has subnets {names} in the same "
                f"Availability Zone {zone}, and a load balancer takes one subnet per zone; "
                "put each subnet in its own zone or drop the extra subnet.",
            )
        elif (
            balancer.kind is LoadBalancerKind.APPLICATION
            and len(by_zone) < 2
            and all(is_regular_zone(zone) for zone in by_zone)
            and not any("OutpostArn" in s.properties for group in by_zone.values() for s in group)
        ):
            zone = next(iter(by_zone))
            yield Problem(
                balancer,
                f"Application Load Balancer {balancer.logical_id} has subnets only in "
                f"Availability Zone {zone}, and it needs subnets in at least two zones; add a "
                "subnet in another zone.",
            )
