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

from collections.abc import Iterator

from vpclint.findings import Problem
from vpclint.judge.security_groups import world_ingress
from vpclint.model import ALL_PROTOCOLS, TCP, UDP, Network

ID = "VPC402"
NAME = "all-traffic-open-to-world"
SEVERITY = "error"

PROTOCOL_NAMES = {TCP: "TCP", UDP: "UDP"}


def check(network: Network) -> Iterator[Problem]:
    for rule, world in world_ingress(network.all_security_groups):
        if not rule.is_all_traffic:
            continue
        what = (
            "all traffic"
            if rule.protocol == ALL_PROTOCOLS
            else f"all {PROTOCOL_NAMES[rule.protocol]} ports"  # type: ignore[index]
        )
        yield Problem(
            rule.subject,
            f"{rule.describe(capital=True)} allows {what} in from the whole internet "
            f"({world}); allow only the ports the service needs, and other traffic only from "
            "trusted CIDR blocks or security groups.",
            mark=rule.mark,
        )
