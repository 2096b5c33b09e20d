"""A route sends traffic to an instance or interface that keeps its source/destination check on.

## What it does
Reports an `AWS::EC2::Route` whose `InstanceId` or `NetworkInterfaceId` names an instance or a
network interface of the template (a NAT instance, a firewall or VPN appliance) that certainly
keeps its source/destination check on: `SourceDestCheck` is absent (it defaults to true) or
true. An instance whose primary interface is an interface of the template has that interface's
setting; a network interface named by the route counts only when the instance it is attached
to (if any) keeps the check on too (the instance's `SourceDestCheck` sets its primary one).

It stays silent when the route or its target is under an undecided `Condition`, when
`SourceDestCheck` is behind an undecided `Fn::If` or a parameter without default, when the
target comes from outside the template, and when the instance may turn the check off itself:
its `UserData` or `Metadata` (cfn-init), or those of its launch template, mention the source or
destination check (`aws ec2 modify-instance-attribute --no-source-dest-check`), or its launch
template is outside the template.

## Why it matters
Every EC2 network interface checks by default that it is the source or the destination of each
packet it sends or receives. Traffic a route hands to an instance is addressed to somewhere
else, so the instance drops all of it: the subnets whose route table holds the route have no
path to that destination at all (no egress, for a NAT instance's default route), although the
template looks complete. AWS documents that a NAT instance must have the check disabled.
Sources: Amazon VPC User Guide, "NAT instances: Disable source/destination checks"
(https://docs.aws.amazon.com/vpc/latest/userguide/work-with-nat-instances.html), and the EC2
API reference for `ModifyInstanceAttribute` `SourceDestCheck` ("You must disable
source/destination checks if the instance runs services such as network address translation,
routing, or firewalls",
https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyInstanceAttribute.html).

## Example
```yaml
NatInstance:
  Type: AWS::EC2::Instance
  Properties:
    ImageId: !Ref NatAmi
    SubnetId: !Ref PublicSubnet
PrivateDefaultRoute:
  Type: AWS::EC2::Route
  Properties:
    RouteTableId: !Ref PrivateRouteTable
    DestinationCidrBlock: 0.0.0.0/0
    InstanceId: !Ref NatInstance
```

## Fix
Set `SourceDestCheck: false` on the instance (or on the network interface the route names).
"""

from collections.abc import Iterator

from vpclint.findings import Problem
from vpclint.judge.routes import forwards
from vpclint.model import Instance, Network, NetworkInterface, Route, TargetKind

ID = "VPC110"
NAME = "route-to-instance-with-source-dest-check"
SEVERITY = "error"


def check(network: Network) -> Iterator[Problem]:
    for route in network.routes:
        if route.target.kind not in (TargetKind.INSTANCE, TargetKind.NETWORK_INTERFACE):
            continue
        target = route.target.resource
        if not route.certain or not isinstance(target, (Instance, NetworkInterface)):
            continue
        if target.certain and forwards(target) is False:
            yield Problem(route, _message(route, target))


def _message(route: Route, target: Instance | NetworkInterface) -> str:
    kind = "instance" if isinstance(target, Instance) else "network interface"
    destination = route.destination if isinstance(route.destination, str) else "traffic"
    table = route.route_table
    subnets = sorted(
        {
            association.subnet.logical_id
            for association in (table.associations if table is not None else [])
            if association.subnet is not None
        }
    )
    behind = f" (subnets {', '.join(subnets)} have no path there)" if subnets else ""
    return (
        f"Route {route.logical_id} sends {destination} to {kind} {target.logical_id}, which "
        "keeps its source/destination check on (SourceDestCheck defaults to true), so it drops "
        f"every packet it should forward{behind}; set SourceDestCheck: false on "
        f"{target.logical_id}."
    )
