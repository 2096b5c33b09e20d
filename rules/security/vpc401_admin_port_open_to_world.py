"""A security group lets SSH or RDP in from the whole internet.

## What it does
Reports each TCP ingress rule of a security group whose port range includes 22 (SSH) or 3389
(RDP) and whose source is a `/0` block: `0.0.0.0/0`, `::/0`, or any other block whose prefix
length is 0, such as `1.0.0.0/0` (addresses are compared, not strings). Rules written inline and
as standalone `AWS::EC2::SecurityGroupIngress` resources both count; the finding points at the
rule.

A rule that allows all traffic (`IpProtocol: -1`, or TCP ports 0-65535) is VPC402's and is not
reported here. Each rule reports its own ports: a rule for TCP 0-10000 from `0.0.0.0/0` gets a
VPC401 finding for 22 and 3389 and a VPC403 finding for the database ports it covers. A rule
under an undecided `Condition` (its group's or its own), a rule or value behind an undecided
`Fn::If`, and a rule whose ports or source are unknown (a parameter without default,
`Fn::ImportValue`) are not reported.

## Why it matters
SSH and RDP on the open internet are scanned and brute-forced continuously; one weak password,
leaked key or unpatched daemon turns into a shell on the instance. Administrative access should
come from known addresses, a bastion, or Session Manager, which needs no inbound port at all.

## Example
```yaml
BastionSecurityGroup:
  Type: AWS::EC2::SecurityGroup
  Properties:
    VpcId: !Ref VPC
    GroupDescription: bastion
    SecurityGroupIngress:
      - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}
```

## Fix
Take the source from a parameter holding your office or VPN block
(`CidrIp: !Ref AdminCidr`), admit the bastion's security group instead
(`SourceSecurityGroupId: !Ref BastionSecurityGroup`), or drop the rule and use Session Manager.
"""

from __future__ import annotations

from collections.abc import Iterator

from vpclint.findings import Problem
from vpclint.judge.security_groups import world_exposed_tcp_ports
from vpclint.model import Network

ID = "VPC401"
NAME = "admin-port-open-to-world"
SEVERITY = "error"

ADMIN_PORTS = {22: "SSH", 3389: "RDP"}


def check(network: Network) -> Iterator[Problem]:
    for rule, world, exposed in world_exposed_tcp_ports(network.all_security_groups, ADMIN_PORTS):
        yield Problem(
            rule.subject,
            f"{rule.describe(capital=True)} lets {' and '.join(exposed)} in from the whole "
            f"internet ({world}); allow it only from a trusted CIDR block or a bastion's security "
            "group, or use Session Manager instead.",
            mark=rule.mark,
        )
