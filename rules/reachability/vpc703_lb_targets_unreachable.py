"""A load balancer cannot reach its registered targets on the target port.

## What it does
For each Application or Classic Load Balancer that forwards to a target group of the template
(through a listener), walks TCP from the load balancer to every instance registered in the
group, on the target's port: the load balancer's security groups (egress), the network ACLs of
both subnets, the route (the targets must be in the load balancer's VPC), and the target's
security groups (ingress). Reports the target group when a target is certainly unreachable.
Network Load Balancers are not checked (with instance targets they keep the client's address,
so the target's rules are about clients, not the load balancer). Silent on unknown values and
on resources under an undecided `Condition`.

## Why it matters
Unreachable targets fail their health checks: the load balancer answers 502 or 503, and the
template deployed without a complaint. The classic cause is a target security group that
allows the port from the VPC's old CIDR, or from the wrong group, instead of from the load
balancer's security group.

## Example
```yaml
AppGroup:
  Type: AWS::EC2::SecurityGroup
  Properties:
    GroupDescription: app
    VpcId: !Ref VPC
    SecurityGroupIngress:
      - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 10.0.0.0/16}   # no 8080
```

## Fix
Allow the target port in the targets' security group from the load balancer's security group
(`SourceSecurityGroupId`), and keep targets in the load balancer's VPC.
"""

from collections.abc import Iterator

from vpclint.findings import Problem
from vpclint.model import Instance, LoadBalancerKind, Network
from vpclint.reach import UNREACHABLE, reach

ID = "VPC703"
NAME = "lb-targets-unreachable"
SEVERITY = "warning"


def check(network: Network) -> Iterator[Problem]:
    for group in network.target_groups:
        if not group.certain:
            continue
        for balancer in group.load_balancers:
            if not balancer.certain or balancer.kind not in (
                LoadBalancerKind.APPLICATION,
                LoadBalancerKind.CLASSIC,
            ):
                continue
            for target, port in group.targets:
                if not isinstance(target, Instance) or not isinstance(port, int):
                    continue
                if not target.certain:
                    continue
                answer = reach(network, balancer.logical_id, target.logical_id, port=port)
                if answer.verdict == UNREACHABLE:
                    yield Problem(
                        group,
                        f"Load balancer {balancer.logical_id} cannot reach target "
                        f"{target.logical_id} of {group.logical_id} on TCP {port} "
                        f"{answer.reasons}.",
                    )
