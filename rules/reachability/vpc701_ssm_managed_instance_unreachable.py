"""An instance managed by Systems Manager cannot reach the Session Manager services.

## What it does
For every instance whose instance profile grants Systems Manager
(`AmazonSSMManagedInstanceCore`, the older `AmazonEC2RoleforSSM`, or an inline policy allowing
`ssm:UpdateInstanceInformation`), walks HTTPS (TCP 443) from the instance to the `ssm` and
`ssmmessages` services as `vpclint reach` does: through the internet (a NAT gateway, or a
public IP and an internet gateway) or through interface endpoints found by private DNS, past
security groups and network ACLs both ways. Reports the instance when either service is
certainly unreachable, naming the component that blocks it. (`ec2messages` is not required:
SSM Agent 3.3.40.0 and later no longer uses it.) When an unknown value decides, or the instance
or its role is under an undecided `Condition`, the rule is silent. So it is when a Route 53
Resolver rule, a private hosted zone, DHCP options or a Route 53 Profile decides where a
service's name leads in the VPC (endpoints shared from a hub VPC over a transit gateway),
unless a private hosted zone's record shows the endpoint the name leads to: then that path is
walked.

The same holds for the instances of an Auto Scaling group (their launch template's or launch
configuration's instance profile; they may start in any of the group's subnets, so each must
get through) and of an EKS managed node group (its node role).

## Why it matters
Session Manager shows such an instance as offline and there is no way in: no SSH keys, no
bastion. The usual culprits are invisible in the console: a missing `ssmmessages` endpoint, an
endpoint security group without 443 from the VPC, private DNS that cannot work because the VPC's
`EnableDnsHostnames` is off (CloudFormation's default), a NAT gateway in the wrong subnet.

## Example
```yaml
VPC:
  Type: AWS::EC2::VPC
  Properties: {CidrBlock: 10.0.0.0/16}   # EnableDnsHostnames defaults to false
SsmEndpoint:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcEndpointType: Interface
    ServiceName: !Sub com.amazonaws.${AWS::Region}.ssm
    PrivateDnsEnabled: true
    ...
```

## Fix
What the message names: turn on the VPC's DNS attributes, add the missing endpoint, allow
TCP 443 into the endpoints' security group from the instances, or route the subnet through a
NAT gateway in a public subnet.
"""

from collections.abc import Iterator

from vpclint.findings import Problem
from vpclint.model import Instance, Network, Workload
from vpclint.reach import UNREACHABLE, reach
from vpclint.values import Unknown

ID = "VPC701"
NAME = "ssm-managed-instance-unreachable"
SEVERITY = "error"

SSM_POLICIES = ("AmazonSSMManagedInstanceCore", "AmazonEC2RoleforSSM")
SSM_ACTIONS = {"ssm:UpdateInstanceInformation", "ssm:*", "*"}
SERVICES = ("ssm", "ssmmessages")
# Workloads made of EC2 instances, whose instance profile or node role SSM Agent uses.
INSTANCE_GROUPS = ("Auto Scaling group", "EKS node group")


def check(network: Network) -> Iterator[Problem]:
    groups = [w for w in network.workloads if w.kind in INSTANCE_GROUPS]
    for instance in [*network.instances, *groups]:
        if not instance.certain or managed_by_ssm(instance) is not True:
            continue
        if isinstance(instance, Instance):
            who = f"Instance {instance.logical_id} is"
        else:
            who = f"The instances of {instance.kind} {instance.logical_id} are"
        for service in SERVICES:
            answer = reach(network, instance.key, service, port=443)
            if answer.verdict != UNREACHABLE:
                continue
            yield Problem(
                instance,
                f"{who} managed by Systems Manager but cannot reach {service} on TCP 443 "
                f"{answer.reasons}.",
            )
            break  # one finding per instance: the first service that fails


def managed_by_ssm(instance: Instance | Workload) -> bool | Unknown:
    if isinstance(instance.iam_policies, Unknown):
        return instance.iam_policies
    if any(arn.rsplit("/", 1)[-1] in SSM_POLICIES for arn in instance.iam_policies):
        return True
    actions = instance.iam_actions
    if isinstance(actions, Unknown):
        return actions
    return any(action in SSM_ACTIONS for action in actions)
