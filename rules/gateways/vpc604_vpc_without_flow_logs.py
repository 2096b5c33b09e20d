"""A VPC has no flow log.

## What it does
Reports an `AWS::EC2::VPC` that no `AWS::EC2::FlowLog` of the template refers to in `ResourceId`
or `ResourceIds`. A VPC whose subnets or network interfaces have their own flow logs is not
reported: the author chose a narrower scope on purpose.

A VPC under an undecided `Condition` is not reported. A flow log under one still counts as a
flow log of the VPC, and a flow log whose resource is an undecided `Fn::If`, a parameter without
default or an import may be the VPC's, so the rule stays silent for every VPC of the template.
Flow logs made by other stacks or by organization-wide tooling are outside the template; where
that is the practice, turn this informational rule off.

## Why it matters
Without flow logs there is no record of the traffic that security groups and network ACLs
accepted or rejected: a connection that times out cannot be told apart from one that is
dropped, and there is nothing to look at after a security incident. Flow logs cannot capture
traffic retroactively, so they are best created with the VPC.

## Example
```yaml
VPC:
  Type: AWS::EC2::VPC
  Properties:
    CidrBlock: 10.0.0.0/16
```

## Fix
Add a flow log for the VPC:
```yaml
VPCFlowLog:
  Type: AWS::EC2::FlowLog
  Properties:
    ResourceType: VPC
    ResourceId: !Ref VPC
    TrafficType: ALL
    LogDestinationType: s3
    LogDestination: !GetAtt FlowLogBucket.Arn
```
"""

from collections.abc import Iterator
from typing import Any

from vpclint.findings import Problem
from vpclint.model import Network, NetworkInterface, Subnet
from vpclint.values import ResourceRef, Unknown

ID = "VPC604"
NAME = "vpc-without-flow-logs"
SEVERITY = "info"
# Off unless selected (--select VPC604): it fires on most templates.
DEFAULT_ENABLED = False


def check(network: Network) -> Iterator[Problem]:
    covered: set[str] = set()  # logical IDs of VPCs with a flow log on them or inside them
    for flow_log in network.flow_logs:
        props = flow_log.properties
        ids = props.get("ResourceIds")
        targets = ids if ids is not None else props.get("ResourceId")
        for target in _targets(targets):
            if target is None:
                return  # this flow log may be for any VPC
            covered.add(target)
            subnet = network.resources.get(target)
            if isinstance(subnet, NetworkInterface):
                subnet = subnet.subnet
            if isinstance(subnet, Subnet) and subnet.vpc is not None:
                covered.add(subnet.vpc.logical_id)
    for vpc in network.vpcs:
        if vpc.certain and not vpc.flow_logs and vpc.logical_id not in covered:
            yield Problem(
                vpc,
                f"VPC {vpc.logical_id} has no flow log, so the traffic its security groups and "
                "network ACLs accept or reject is not recorded; add an AWS::EC2::FlowLog with "
                f"ResourceType VPC and ResourceId !Ref {vpc.logical_id}.",
            )


def _targets(value: Any) -> Iterator[str | None]:
    """The logical IDs a flow log's resource IDs name; None for one that may be any."""
    if isinstance(value, Unknown):
        if not value.options:
            yield None
        for option in value.options:
            yield from _targets(option)
    elif isinstance(value, list):
        for item in value:
            yield from _targets(item)
    elif isinstance(value, ResourceRef):
        yield value.logical_id
