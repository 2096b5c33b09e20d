"""An interface VPC endpoint names no security group and falls back to the VPC's default group.

## What it does
Reports an interface `AWS::EC2::VPCEndpoint` without `SecurityGroupIds` (or with an empty
list). Such an endpoint's network interfaces join the VPC's default security group. When
that group certainly lets no HTTPS in from the VPC, VPC303 reports the endpoint (an error)
and this rule does not repeat it.

The rule stays silent when `SecurityGroupIds` is unknown (an undecided `Fn::If` that may drop
it, an `ImportValue`), when the endpoint type is unknown, and for endpoints under an undecided
`Condition`. A `Fn::If` decided by a parameter default that removes the property counts as no
security group.

## Why it matters
The default group is shared by everything else that names no group, and its rules are not in
the template: out of the box it admits only its own members, so clients in other groups time
out on HTTPS, and anyone who later opens the
default group for one resource opens it for the endpoint too. Who may call the endpoint should
be a decision written next to it.

## Example
```yaml
SsmEndpoint:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcEndpointType: Interface
    ServiceName: !Sub com.amazonaws.${AWS::Region}.ssm
    VpcId: !Ref VPC
    SubnetIds: [!Ref PrivateSubnet]
    PrivateDnsEnabled: true
```

## Fix
Give the endpoint its own security group that allows TCP 443 in from its clients:
`SecurityGroupIds: [!Ref EndpointSecurityGroup]`.
"""

from collections.abc import Iterator

from vpclint.findings import Problem
from vpclint.judge.flows import Flow
from vpclint.judge.security_groups import admits_from_vpc
from vpclint.model import TCP, Network

ID = "VPC306"
NAME = "interface-endpoint-default-sg"
SEVERITY = "warning"


def check(network: Network) -> Iterator[Problem]:
    for endpoint in network.certain_interface_endpoints:
        if endpoint.security_groups is not None:
            continue
        vpc = endpoint.vpc
        default = vpc.default_security_group if vpc else None
        if default is not None and admits_from_vpc([default], Flow(TCP, 443), vpc) is False:
            continue  # the default group certainly blocks HTTPS: VPC303 reports it
        service = f" ({endpoint.service})" if endpoint.service else ""
        where = f"VPC {vpc.logical_id}" if vpc else "its VPC"
        yield Problem(
            endpoint,
            f"Interface endpoint {endpoint.logical_id}{service} has no SecurityGroupIds, so it "
            f"uses the default security group of {where}; give it a security group of its own "
            "that allows TCP 443 in from its clients.",
        )
