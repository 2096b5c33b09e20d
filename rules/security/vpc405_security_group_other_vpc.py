"""A security group is used in a VPC other than its own.

## What it does
Compares the VPC of each security group with the VPC of what uses it, and reports a mismatch:

- an instance or network interface: the VPC of its subnet (for an instance with
  `NetworkInterfaces`, each inline interface's subnet);
- an interface VPC endpoint: its `VpcId`;
- a load balancer: the VPC of its subnets in the template (all of them must agree);
- a security group rule naming a peer group (`SourceSecurityGroupId`,
  `DestinationSecurityGroupId`): the VPC of the rule's own group.

Both VPCs must be VPCs of this template; a group or subnet from outside it, or a `VpcId` that is
unknown (a parameter without default, `Fn::ImportValue`), makes the rule stay silent, as does any
resource involved under an undecided `Condition` or a value behind an undecided `Fn::If`. A peer
group in another VPC is allowed across a VPC peering connection or a transit gateway, so a peer
mismatch is reported only when the template peers neither VPC nor attaches it to a transit
gateway.

## Why it matters
A security group belongs to exactly one VPC and can only be attached to network interfaces in
that VPC. EC2 rejects the mismatch ("security group and subnet belong to different networks"),
so the stack fails and rolls back. It usually means a copy-paste slip between the resources of
two VPCs in one template.

## Example
```yaml
AppSecurityGroup:
  Type: AWS::EC2::SecurityGroup
  Properties: {VpcId: !Ref SharedVPC, GroupDescription: app}
AppInstance:
  Type: AWS::EC2::Instance
  Properties:
    ImageId: ami-12345678
    SubnetId: !Ref AppSubnet   # a subnet of AppVPC
    SecurityGroupIds: [!Ref AppSecurityGroup]
```

## Fix
Use a security group created in the same VPC as the subnet (or endpoint, or load balancer), or
move the resource into the group's VPC.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from vpclint.findings import Problem
from vpclint.model import (
    EndpointType,
    Network,
    SecurityGroup,
    Subnet,
    Vpc,
)

ID = "VPC405"
NAME = "security-group-other-vpc"
SEVERITY = "error"


def check(network: Network) -> Iterator[Problem]:
    for instance in network.instances:
        inline = [i for i in instance.network_interfaces if i.implicit]
        if instance.network_interfaces:
            placements = [(i.subnet, i.security_groups) for i in inline]
        else:
            placements = [(instance.subnet, instance.security_groups)]
        for subnet, groups in placements:
            if instance.certain and subnet is not None and subnet.certain:
                yield from _compare(
                    instance, "instance", subnet.vpc, groups, f" (subnet {subnet.logical_id})"
                )
    for interface in network.network_interfaces:
        subnet = interface.subnet
        if interface.certain and subnet is not None and subnet.certain:
            yield from _compare(
                interface,
                "network interface",
                subnet.vpc,
                interface.security_groups,
                f" (subnet {subnet.logical_id})",
            )
    for endpoint in network.endpoints:
        if endpoint.certain and endpoint.endpoint_type is EndpointType.INTERFACE:
            yield from _compare(
                endpoint, "interface endpoint", endpoint.vpc, endpoint.security_groups, ""
            )
    for balancer in network.load_balancers:
        if balancer.certain:
            yield from _compare(
                balancer,
                "load balancer",
                _vpc_of_subnets(balancer.subnets),
                balancer.security_groups,
                "",
            )
    yield from _peers(network)


def _vpc_of_subnets(subnets: Any) -> Vpc | None:
    """The one VPC of a load balancer's subnets in the template, or None."""
    if not isinstance(subnets, list):
        return None
    known = [s for s in subnets if isinstance(s, Subnet)]
    vpcs = {id(s.vpc): s.vpc for s in known}
    if not any(s.certain for s in known) or len(vpcs) != 1:
        return None
    return next(iter(vpcs.values()))


def _compare(member: Any, kind: str, vpc: Vpc | None, groups: Any, via: str) -> Iterator[Problem]:
    if not isinstance(vpc, Vpc) or not vpc.certain or not isinstance(groups, list):
        return
    for group in groups:
        if not isinstance(group, SecurityGroup) or not group.certain:
            continue
        other = group.vpc
        if isinstance(other, Vpc) and other.certain and other is not vpc:
            yield Problem(
                member,
                f"The {kind} {member.logical_id} is in VPC {vpc.logical_id}{via} but uses "
                f"security group {group.logical_id} of VPC {other.logical_id}; use a security "
                f"group of VPC {vpc.logical_id} instead.",
            )


def _peers(network: Network) -> Iterator[Problem]:
    linked, unknown_link = _linked_vpcs(network)
    if unknown_link:
        return
    for group in network.all_security_groups:
        if not group.certain:
            continue
        for rule in group.ingress + group.explicit_egress:
            peer, vpc = rule.peer, group.vpc
            if not rule.certain or not isinstance(peer, SecurityGroup) or not peer.certain:
                continue
            other = peer.vpc
            if not isinstance(vpc, Vpc) or not isinstance(other, Vpc) or vpc is other:
                continue
            if not vpc.certain or not other.certain or id(vpc) in linked or id(other) in linked:
                continue
            side = "source" if rule.direction == "ingress" else "destination"
            yield Problem(
                rule.subject,
                f"{rule.describe(capital=True)} in VPC {vpc.logical_id} names security "
                f"group {peer.logical_id} of VPC {other.logical_id} as its {side}, and the two "
                "VPCs are neither peered nor attached to a transit gateway; use a group of "
                f"VPC {vpc.logical_id} or a CIDR block.",
                mark=rule.mark,
            )


def _linked_vpcs(network: Network) -> tuple[set[int], bool]:
    """VPCs of the template that a peering or transit gateway attachment joins to another.

    The flag says some link names a VPC vpclint cannot tell apart (unknown or outside).
    """
    linked: set[int] = set()
    unknown = False
    ends: Iterable[Any] = [
        *(end for p in network.peering_connections for end in (p.vpc, p.peer_vpc)),
        *(a.vpc for a in network.transit_gateway_attachments),
    ]
    for end in ends:
        if isinstance(end, Vpc):
            linked.add(id(end))
        elif end is None or not isinstance(end, str):
            unknown = True  # an Unknown, or a VpcId that could be one of ours under another name
    return linked, unknown
