"""A security group lets all traffic in from the whole internet.

## What it does
Reports each ingress rule of a security group that allows every protocol (`IpProtocol: -1`) or
every TCP or UDP port (`FromPort: 0`, `ToPort: 65535`) from a `/0` block: `0.0.0.0/0`, `::/0`,
or any other block whose prefix length is 0, such as `1.0.0.0/0`. Rules written inline and as
standalone `AWS::EC2::SecurityGroupIngress` resources both count. The finding points at the rule.

Such a rule is reported here only; VPC401 (admin ports) and VPC403 (database ports) leave it
alone. A rule under an undecided `Condition` (its group's or its own), a rule or value behind an
undecided `Fn::If`, and a rule whose protocol, ports or source is unknown (a parameter without
default, `Fn::ImportValue`) are not reported.

## Why it matters
A security group is the last filter in front of an instance. A rule that admits every port from
anywhere exposes every service the instance listens on, including ones nobody meant to publish
(databases, admin consoles, debug ports), to scanners that sweep the whole address space within
minutes of launch.

## Example
```yaml
WebSecurityGroup:
  Type: AWS::EC2::SecurityGroup
  Properties:
    VpcId: !Ref VPC
    GroupDescription: web servers
    SecurityGroupIngress:
      - {IpProtocol: -1, CidrIp: 0.0.0.0/0}
```

## Fix
Allow only the ports the service needs (`{IpProtocol: tcp, FromPort: 443, ToPort: 443,
CidrIp: 0.0.0.0/0}`), and admit everything else only from trusted blocks or security groups.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

from vpclint.findings import Problem
from vpclint.model import ALL_PROTOCOLS, Network, Resource, SecurityGroup, SecurityGroupRule

ID = "VPC402"
NAME = "all-traffic-open-to-world"
SEVERITY = "error"

TCP = "6"
UDP = "17"
PROTOCOL_NAMES = {TCP: "TCP", UDP: "UDP"}


def check(network: Network) -> Iterator[Problem]:
    for rule, world in world_ingress(network):
        if not is_all_traffic(rule):
            continue
        what = (
            "all traffic"
            if rule.protocol == ALL_PROTOCOLS
            else f"all {PROTOCOL_NAMES[rule.protocol]} ports"  # type: ignore[index]
        )
        yield Problem(
            rule_subject(network, rule),
            f"{describe_rule(rule, capital=True)} allows {what} in from the whole internet "
            f"({world}); allow only the ports the service needs, and other traffic only from "
            "trusted CIDR blocks or security groups.",
            mark=rule.mark,
        )


# -- shared with VPC401 and VPC403 --------------------------------------------------------------


def all_groups(network: Network) -> list[SecurityGroup]:
    """The template's security groups and the VPCs' default groups."""
    defaults = [vpc.default_security_group for vpc in network.vpcs]
    return network.security_groups + [group for group in defaults if group is not None]


def world_ingress(network: Network) -> Iterator[tuple[SecurityGroupRule, str]]:
    """Certain ingress rules from a /0 block, with the block as written."""
    for group in all_groups(network):
        if not group.certain:
            continue
        for rule in group.ingress:
            if not rule.certain:
                continue
            world = world_block(rule)
            if world is not None:
                yield rule, world


def world_block(rule: SecurityGroupRule) -> str | None:
    """The rule's source block when its prefix length is 0 (IPv4 or IPv6), else None."""
    for value in (rule.cidr_ipv4, rule.cidr_ipv6):
        if not isinstance(value, str):
            continue
        try:
            block = ipaddress.ip_network(value.strip(), strict=False)
        except ValueError:
            continue
        if block.prefixlen == 0:
            return str(value)
    return None


def exposed_tcp_ports(
    network: Network, named_ports: dict[int, str]
) -> Iterator[tuple[SecurityGroupRule, str, list[str]]]:
    """Ingress rules from the whole internet that open some of `named_ports` over TCP
    (all-traffic rules are VPC402's): each with the /0 block and the ports, as "SSH (TCP 22)"."""
    for rule, world in world_ingress(network):
        ports = port_range(rule)
        if rule.protocol != TCP or ports is None or is_all_traffic(rule):
            continue
        low, high = ports
        exposed = [
            f"{name} (TCP {port})" for port, name in named_ports.items() if low <= port <= high
        ]
        if exposed:
            yield rule, world, exposed


def port_range(rule: SecurityGroupRule) -> tuple[int, int] | None:
    """The rule's known, valid TCP/UDP port range, or None."""
    low, high = rule.from_port, rule.to_port
    if not isinstance(low, int) or not isinstance(high, int):
        return None
    if not 0 <= low <= high <= 65535:
        return None
    return low, high


def is_all_traffic(rule: SecurityGroupRule) -> bool:
    """All protocols, or all TCP or UDP ports; False when that is not known."""
    if rule.protocol == ALL_PROTOCOLS:
        return True
    return rule.protocol in (TCP, UDP) and port_range(rule) == (0, 65535)


def rule_subject(network: Network, rule: SecurityGroupRule) -> Resource:
    """The resource that wrote the rule: its group, or a standalone ingress/egress resource."""
    if rule.source_id == rule.group.logical_id:
        return rule.group
    return network.resources.get(rule.source_id, rule.group)


def describe_rule(rule: SecurityGroupRule, capital: bool = False) -> str:
    """ "security group Web", or "ingress rule WebSsh of security group Web"."""
    if rule.source_id == rule.group.logical_id:
        text = f"security group {rule.group.logical_id}"
    else:
        text = f"{rule.direction} rule {rule.source_id} of security group {rule.group.logical_id}"
    return text[0].upper() + text[1:] if capital else text
