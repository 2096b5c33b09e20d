"""A subnet meant to be public has no default route to an internet gateway.

## What it does
Checks every subnet that is meant to be public (its `Metadata: {vpclint: {tier: public}}`, or a
logical ID or Name tag with a word such as *public*, *pub* or *dmz*, or else
`MapPublicIpOnLaunch: true`), and reports it when its effective route table (the one it is
associated with, or the VPC's main route table) has no `0.0.0.0/0` route to an internet gateway.

`MapPublicIpOnLaunch: true` is a weak signal: it does not make a subnet meant to be public when
the subnet holds a Gateway Load Balancer endpoint (an inspection subnet) or certainly sends
`0.0.0.0/0` to a NAT gateway, a transit gateway, a virtual private gateway, a peering connection
or a core network (a private design; VPC505 reports the useless flag there).

It stays silent when the default route goes to a VPC endpoint, a network interface or an
instance (a firewall or Gateway Load Balancer endpoint of an inspection design, or an
appliance), when the table has a `::/0` route to an internet gateway (an IPv6-only public
subnet), and whenever the answer is not certain: a subnet, association or route under an
undecided `Condition`, a route target or destination behind an undecided `Fn::If` or from a
parameter without default, a subnet whose route table is not known, and a subnet on the main
route table when the template has no route table or gateway attachment of its own for the VPC
(routing is left to another stack) or when some route or association of the template names a
table or subnet it cannot resolve (it may add the default route to that main table).

## Why it matters
A subnet is public exactly when its route table sends the default route to an internet
gateway. Without that route, instances launched with public addresses cannot reach or be
reached from the internet, internet-facing load balancers in the subnet do not answer, and a
NAT gateway placed there gives the private subnets no way out. The template deploys cleanly and
the failure shows up only as timeouts.

## Example
```yaml
PublicSubnetA:
  Type: AWS::EC2::Subnet
  Properties: {VpcId: !Ref VPC, CidrBlock: 10.0.0.0/24, MapPublicIpOnLaunch: true}
PublicSubnetARouteTableAssociation:
  Type: AWS::EC2::SubnetRouteTableAssociation
  Properties: {SubnetId: !Ref PublicSubnetA, RouteTableId: !Ref PrivateRouteTable}
```

## Fix
Associate the subnet with a route table that has `DestinationCidrBlock: 0.0.0.0/0` and
`GatewayId` set to the VPC's attached internet gateway. If the subnet is meant to be private,
say so (`Metadata: {vpclint: {tier: private}}`) and drop `MapPublicIpOnLaunch`.
"""

from collections.abc import Iterator

from vpclint.findings import Problem
from vpclint.model import (
    Network,
    RouteTable,
    Subnet,
    TargetKind,
    Tier,
)
from vpclint.values import Unknown

ID = "VPC102"
NAME = "public-subnet-without-igw-route"
SEVERITY = "warning"

# Default-route targets that may forward to an internet gateway: firewall and Gateway Load
# Balancer endpoints, appliance network interfaces and instances.
APPLIANCE_TARGETS = {TargetKind.VPC_ENDPOINT, TargetKind.NETWORK_INTERFACE, TargetKind.INSTANCE}
DEFAULT_ROUTES = {"0.0.0.0/0"}
IPV6_DEFAULT_ROUTES = {"::/0", "0:0:0:0:0:0:0:0/0"}


def check(network: Network) -> Iterator[Problem]:
    for subnet in network.subnets:
        if not subnet.certain:
            continue
        why = _why_public(subnet)
        if why is None:
            continue
        table = subnet.route_table
        if not isinstance(table, RouteTable) or not table.certain:
            continue
        if table.default_route_to_internet_gateway() is not False:
            continue
        if _may_reach_internet_otherwise(table):
            continue
        if subnet.associations:
            uses = f"its route table {table.logical_id}"
        else:
            vpc = table.vpc.logical_id if table.vpc else "its VPC"
            uses = f"it uses the main route table of {vpc}, which"
        yield Problem(
            subnet,
            f"Subnet {subnet.logical_id} is meant to be public ({why}) but {uses} has no "
            "0.0.0.0/0 route to an internet gateway; "
            "associate it with a route table whose default route goes to the VPC's attached "
            "internet gateway, or mark it private with Metadata vpclint.tier: private.",
        )


def _why_public(subnet: Subnet) -> str | None:
    """What says the subnet is meant to be public (the model weighs MapPublicIpOnLaunch), or
    None."""
    return subnet.intent.source if subnet.intent.tier is Tier.PUBLIC else None


def _may_reach_internet_otherwise(table: RouteTable) -> bool:
    """A default route to an appliance, or any IPv6 default route to an internet gateway."""
    for route in table.routes:
        destination = route.destination
        unknown = isinstance(destination, Unknown)
        if (unknown or destination in DEFAULT_ROUTES) and route.target.kind in APPLIANCE_TARGETS:
            return True
        if (unknown or _is_ipv6_default(destination)) and route.target.kind in (
            TargetKind.INTERNET_GATEWAY,
            TargetKind.UNKNOWN,
        ):
            return True
    return False


def _is_ipv6_default(destination: object) -> bool:
    return isinstance(destination, str) and destination.replace(" ", "") in IPV6_DEFAULT_ROUTES
