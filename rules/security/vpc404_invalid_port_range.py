"""A security group rule or network ACL entry has a port range AWS rejects.

## What it does
Checks the ports of every security group rule (ingress and egress, inline and standalone) and
every network ACL entry, and reports:

- TCP or UDP: `FromPort` above `ToPort` (network ACLs: `PortRange.From` above `PortRange.To`),
  or a port outside 0-65535;
- ICMP or ICMPv6 in a security group, where `FromPort` is the ICMP type and `ToPort` the code:
  a type or code outside -1..255, or a code other than -1 with type -1 (all types).

Ports on other protocols (`-1`, or a protocol number such as 50) are not reported: AWS ignores
them and allows all ports of that protocol. A port of -1 on TCP or UDP is not reported either.
A rule or entry under an undecided `Condition`, or behind an undecided `Fn::If`, and a port that
is unknown (a parameter without default, `Fn::ImportValue`) are not reported.

## Why it matters
EC2 refuses such a rule, so the stack fails to create or update and rolls back, often after
many minutes of building everything else. An ICMP rule with its type and code swapped, or a port
range written backwards, is an easy slip that only deployment finds.

## Example
```yaml
WebSecurityGroup:
  Type: AWS::EC2::SecurityGroup
  Properties:
    VpcId: !Ref VPC
    GroupDescription: web
    SecurityGroupIngress:
      - {IpProtocol: tcp, FromPort: 8443, ToPort: 443, CidrIp: 10.0.0.0/16}
      - {IpProtocol: icmp, FromPort: -1, ToPort: 0, CidrIp: 10.0.0.0/16}
```

## Fix
Write the lower port in `FromPort` and the higher in `ToPort`. For ICMP put the type in
`FromPort` and the code in `ToPort`, and use -1 for both to allow all ICMP.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from vpclint.findings import Problem
from vpclint.model import Network, NetworkAclEntry, SecurityGroupRule

ID = "VPC404"
NAME = "invalid-port-range"
SEVERITY = "error"

PORTS = {"6": "TCP", "17": "UDP"}
ICMP = {"1": "ICMP", "58": "ICMPv6"}


def check(network: Network) -> Iterator[Problem]:
    for group in network.all_security_groups:
        if not group.certain:
            continue
        for rule in group.ingress + group.explicit_egress:
            if rule.certain:
                yield from _rule_problems(network, rule)
    for entry in network.network_acl_entries:
        if entry.certain and not entry.implicit:
            yield from _entry_problems(entry)


def _rule_problems(network: Network, rule: SecurityGroupRule) -> Iterator[Problem]:
    low, high = rule.from_port, rule.to_port
    if not isinstance(rule.protocol, str) or not _ints(low, high):
        return
    where = (
        f"Security group {rule.group.logical_id} has an {rule.direction} rule"
        if rule.source_id == rule.group.logical_id
        else f"{rule.describe(capital=True)} is"
    )
    if rule.protocol in PORTS:
        why = _port_problem(low, high)
        if why:
            name = PORTS[rule.protocol]
            yield Problem(
                rule.subject,
                f"{where} for {name} ports {low}-{high}: {why}.",
                mark=rule.mark,
            )
    elif rule.protocol in ICMP:
        why = _icmp_problem(low, high)
        if why:
            name = ICMP[rule.protocol]
            yield Problem(
                rule.subject,
                f"{where} for {name} type {low} code {high}: {why}.",
                mark=rule.mark,
            )


def _entry_problems(entry: NetworkAclEntry) -> Iterator[Problem]:
    low, high = entry.from_port, entry.to_port
    if entry.protocol not in PORTS or not _ints(low, high):
        return
    why = _port_problem(low, high)
    if why:
        acl = f" of network ACL {entry.acl.logical_id}" if entry.acl else ""
        yield Problem(
            entry,
            f"Network ACL entry {entry.logical_id}{acl} has PortRange {low}-{high} for "
            f"{PORTS[entry.protocol]}: {why.replace('FromPort', 'From').replace('ToPort', 'To')}.",
        )


def _ints(*values: Any) -> bool:
    return all(isinstance(value, int) and not isinstance(value, bool) for value in values)


def _port_problem(low: int, high: int) -> str | None:
    if -1 in (low, high):
        return None  # not a range AWS documents for TCP/UDP; left alone
    outside = [port for port in (low, high) if not 0 <= port <= 65535]
    if outside:
        return f"port {outside[0]} is outside 0-65535; use ports from 0 to 65535"
    if low > high:
        return f"FromPort is above ToPort; write it as {high}-{low}"
    return None


def _icmp_problem(kind: int, code: int) -> str | None:
    for name, value in (("type", kind), ("code", code)):
        if not -1 <= value <= 255:
            return (
                f"the ICMP {name} {value} is outside -1..255; put the type in FromPort and the "
                "code in ToPort, -1 for all"
            )
    if kind == -1 and code != -1:
        return (
            "with type -1 (all types) the code must be -1 too; set ToPort to -1 or name the "
            "type in FromPort"
        )
    return None
