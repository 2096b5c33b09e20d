"""Workloads sit in a private subnet with no path out and no VPC endpoints.

## What it does
Reports, once per subnet, a subnet that holds workloads that open connections of their own
(instances, network interfaces, Lambda functions, ECS tasks, Auto Scaling groups, EKS node
groups), has no route to the internet (no internet gateway, no working NAT gateway), and whose
VPC has no VPC endpoint at all. Databases, caches, EFS mount targets and an EKS cluster's
control-plane interfaces only answer connections and do not count. It is information, not an
error: an isolated design is sometimes the point, and this finding makes it visible. Silent
when the subnet's routing is unknown or under an undecided `Condition`, and when a Resolver
rule, a private hosted zone or other DNS servers decide where the VPC's workloads send the
names of AWS services (endpoints shared from another VPC, say).

## Why it matters
Such instances cannot install packages, reach AWS APIs (SSM, CloudWatch, S3) or be managed by
Session Manager. If that is intended, say so with a suppression; if not, the fix belongs in the
template, not in a ticket after deployment.

## Example
```yaml
IsolatedSubnet:
  Type: AWS::EC2::Subnet
  Properties: {VpcId: !Ref VPC, CidrBlock: 10.0.2.0/24}
Database:
  Type: AWS::EC2::Instance
  Properties: {SubnetId: !Ref IsolatedSubnet, ImageId: ami-0123456789abcdef0}
```

## Fix
Route the subnet through a NAT gateway, add the VPC endpoints the workloads need (S3, SSM,
...), or suppress this finding where isolation is intended:
`Metadata: {vpclint: {ignore: [VPC704], reason: isolated by design}}`.
"""

from collections.abc import Iterator

from vpclint.findings import Problem
from vpclint.judge.names import decided_elsewhere
from vpclint.model import Instance, Network, NetworkInterface, Resource, Workload
from vpclint.reach import UNREACHABLE, reach

ID = "VPC704"
NAME = "private-workload-no-egress"
SEVERITY = "info"


def check(network: Network) -> Iterator[Problem]:
    vpcs_with_endpoints = {id(endpoint.vpc) for endpoint in network.endpoints if endpoint.vpc}
    for subnet in network.subnets:
        if not subnet.certain or subnet.vpc is None or id(subnet.vpc) in vpcs_with_endpoints:
            continue
        workloads = [w for w in subnet.workloads if starts_connections(w) and w.certain]
        if not workloads or subnet.is_public is not False:
            continue
        if decided_elsewhere(network, subnet.vpc) is not None:
            continue  # DNS settings may send the services' names to endpoints elsewhere
        answer = reach(network, subnet.logical_id, "internet", port=443)
        if answer.verdict != UNREACHABLE:
            continue
        names = ", ".join(w.logical_id for w in workloads)
        yield Problem(
            subnet,
            f"Subnet {subnet.logical_id} holds {names} but has no path to the internet "
            f"[{answer.code}] and VPC {subnet.vpc.logical_id} has no VPC endpoint, so they "
            "reach neither package repositories nor AWS APIs; add a NAT gateway route or the "
            "endpoints they need, or suppress VPC704 if the isolation is intended.",
        )


def starts_connections(workload: Resource) -> bool:
    """Whether it opens connections of its own: what needs a way out."""
    if isinstance(workload, (Instance, NetworkInterface)):
        return True
    return isinstance(workload, Workload) and workload.starts_connections
