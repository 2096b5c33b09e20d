"""A public NAT gateway sits in a subnet without a default route to an internet gateway.

## What it does
Checks every public `AWS::EC2::NatGateway` (`ConnectivityType: public`, the default) and
reports it when its own subnet is not public: the subnet's effective route table (the one it is
associated with, or the VPC's main route table) has no `0.0.0.0/0` route to an internet
gateway.

It stays silent when the subnet's default route goes to a VPC endpoint, a network interface or
an instance (a firewall or Gateway Load Balancer endpoint of an inspection design, which
forwards to the internet gateway), and whenever the answer is not certain: a NAT gateway,
association or route under an undecided `Condition`, a route target, destination or
`ConnectivityType` behind an undecided `Fn::If` or from a parameter without default, a subnet
from outside the template, a regional NAT gateway (it has no subnet), and a subnet on the
main route table when the template has no route table or gateway attachment of its own for the
VPC (routing is left to another stack) or when some route or association of the template
names a table or subnet it cannot resolve (it may add the default route to that main table).

## Why it matters
A NAT gateway only forwards traffic; a public one reaches the internet through the internet
gateway its own subnet routes to. Placed in a private subnet, its default route points back to
itself or nowhere, so every private subnet that routes through it has no way out: package
installs, API calls and Session Manager time out, and nothing in the deployment fails.

## Example
```yaml
NatGatewayA:
  Type: AWS::EC2::NatGateway
  Properties:
    AllocationId: !GetAtt NatEipA.AllocationId
    SubnetId: !Ref PrivateSubnetA
```

## Fix
Place the NAT gateway in a public subnet (one whose route table sends `0.0.0.0/0` to the
internet gateway), and route the private subnets' default route to it.
"""

from collections.abc import Iterator

from vpclint.findings import Problem
from vpclint.model import Network, RouteTable, Subnet, TargetKind
from vpclint.values import Unknown

ID = "VPC104"
NAME = "nat-gateway-in-private-subnet"
SEVERITY = "error"

# Default-route targets that may forward to an internet gateway: firewall and Gateway Load
# Balancer endpoints, appliance network interfaces and instances.
APPLIANCE_TARGETS = {TargetKind.VPC_ENDPOINT, TargetKind.NETWORK_INTERFACE, TargetKind.INSTANCE}


def check(network: Network) -> Iterator[Problem]:
    for nat in network.nat_gateways:
        if not nat.certain or nat.connectivity_type != "public":
            continue
        subnet = nat.subnet
        if not isinstance(subnet, Subnet) or not subnet.certain:
            continue
        table = subnet.route_table
        if not isinstance(table, RouteTable) or not table.certain:
            continue
        if subnet.is_public is not False or _default_route_to_appliance(table):
            continue
        if subnet.associations:
            uses = f"its route table {table.logical_id} has"
        else:
            vpc = table.vpc.logical_id if table.vpc else "its VPC"
            uses = f"it uses the main route table of {vpc}, which has"
        yield Problem(
            nat,
            f"Public NAT gateway {nat.logical_id} is in subnet {subnet.logical_id}, but {uses} "
            "no 0.0.0.0/0 route to an internet gateway, so nothing routed through the NAT "
            "gateway reaches the internet; place it in a public subnet.",
        )


def _default_route_to_appliance(table: RouteTable) -> bool:
    return any(
        (isinstance(route.destination, Unknown) or route.destination == "0.0.0.0/0")
        and route.target.kind in APPLIANCE_TARGETS
        for route in table.routes
    )
