"""Subnets of a VPC use a NAT gateway in another zone because theirs has none.

## What it does
Reports, once per VPC, the subnets whose effective route table sends `0.0.0.0/0` to a NAT
gateway of the VPC in another Availability Zone while their own zone has no public NAT gateway
of the VPC: a design with fewer NAT gateways than zones, such as one NAT gateway for the whole
VPC (CDK's `natGateways: 1`). The finding points at the VPC and names the zones that depend on
another zone's NAT gateway. A subnet routed to another zone's NAT gateway while its own zone
has one is a mistake, not a design: that is VPC106.

Zones are compared by name, as VPC106 does: an unknown zone (a parameter without default, an
undecided `Fn::If`, `AvailabilityZoneId`, a CDK placeholder zone such as `dummy1a`), zones of
two regions, and subnets, routes and NAT gateways under an undecided `Condition` keep the rule
silent.

## Why it matters
A NAT gateway lives in one zone: "if the NAT gateway's Availability Zone is down, resources in
the other Availability Zones lose internet access"
(https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-basics.html). Sharing one NAT
gateway saves its hourly charge and is often chosen on purpose, for development or cost; this is
information so that the trade-off is a known one, and traffic across zones also pays data
transfer.

## Example
```yaml
PrivateRouteTable:             # used by the private subnets of zones a and b
  Type: AWS::EC2::RouteTable
  Properties: {VpcId: !Ref VPC}
PrivateDefaultRoute:
  Type: AWS::EC2::Route
  Properties:
    RouteTableId: !Ref PrivateRouteTable
    DestinationCidrBlock: 0.0.0.0/0
    NatGatewayId: !Ref NatGateway   # the VPC's only NAT gateway, in zone a
```

## Fix
Where zone failures matter, add a NAT gateway in each zone's public subnet and give each zone a
private route table whose default route goes to that zone's NAT gateway (CDK: `natGateways`
equal to the number of zones). Otherwise nothing: the risk is accepted.
"""

from collections.abc import Iterator

from vpclint.findings import Problem
from vpclint.model import CrossZoneNatRoute, Network

ID = "VPC111"
NAME = "shared-nat-gateway"
SEVERITY = "info"


def check(network: Network) -> Iterator[Problem]:
    by_vpc: dict[int, list[CrossZoneNatRoute]] = {}
    for found in network.nat_routes_across_zones():
        if found.own_zone_nat is None:
            by_vpc.setdefault(id(found.subnet.vpc), []).append(found)
    for routes in by_vpc.values():
        vpc = routes[0].subnet.vpc
        subnets = sorted({found.subnet.logical_id for found in routes})
        zones = sorted({found.subnet.availability_zone for found in routes})
        nats = sorted(
            {f"{found.nat.logical_id} in {found.nat.subnet.availability_zone}" for found in routes}
        )
        one = len(subnets) == 1
        subject = f"subnet {subnets[0]} sends" if one else f"subnets {_listed(subnets)} send"
        gateways = "NAT gateway" if len(nats) == 1 else "NAT gateways"
        fails = "that zone fails" if len(nats) == 1 else "those zones fail"
        yield Problem(
            vpc,
            f"VPC {vpc.logical_id} has no NAT gateway in {_listed(zones)}: {subject} 0.0.0.0/0 "
            f"to {gateways} {_listed(nats)} and lose{'s' if one else ''} internet access when "
            f"{fails}; if that matters, give each zone a NAT gateway and route each zone's "
            "subnets to their own.",
        )


def _listed(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
