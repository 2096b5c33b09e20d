"""An interface endpoint turns on private DNS in a VPC without DNS support and DNS hostnames.

## What it does
Reports an interface `AWS::EC2::VPCEndpoint` with `PrivateDnsEnabled: true` whose VPC, defined
in the same template, has `EnableDnsSupport` or `EnableDnsHostnames` off. CloudFormation's
defaults count: DNS support is on unless set to false, DNS hostnames are off unless set to true,
so a VPC that does not mention `EnableDnsHostnames` fails the check.

The rule stays silent when either attribute, or `PrivateDnsEnabled`, is unknown (a parameter
without default, an undecided `Fn::If`), when the VPC is outside the template, and for
endpoints under an undecided `Condition`.

## Why it matters
Private DNS makes the service's public name (`ssm.us-east-1.amazonaws.com`) resolve to the
endpoint's private addresses, through a private hosted zone that AWS can only attach when the
VPC resolves DNS and gives hostnames. EC2 refuses to create the endpoint otherwise, so the
stack fails and rolls back.

## Example
```yaml
VPC:
  Type: AWS::EC2::VPC
  Properties:
    CidrBlock: 10.0.0.0/16           # EnableDnsHostnames defaults to false
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
Turn both attributes on in the VPC: `EnableDnsSupport: true` and `EnableDnsHostnames: true`.
"""

from collections.abc import Iterator

from vpclint.findings import Problem
from vpclint.model import Network

ID = "VPC304"
NAME = "private-dns-needs-vpc-dns"
SEVERITY = "error"


def check(network: Network) -> Iterator[Problem]:
    for endpoint in network.certain_interface_endpoints:
        vpc = endpoint.vpc
        if endpoint.private_dns is not True or vpc is None:
            continue
        off = [
            name
            for name, value in (
                ("EnableDnsSupport", vpc.dns_support),
                ("EnableDnsHostnames", vpc.dns_hostnames),
            )
            if value is False
        ]
        if not off:
            continue
        service = f" ({endpoint.service})" if endpoint.service else ""
        attributes = " and ".join(off)
        verb = "is" if len(off) == 1 else "are"
        yield Problem(
            endpoint,
            f"Interface endpoint {endpoint.logical_id}{service} enables private DNS, but "
            f"{attributes} of VPC {vpc.logical_id} {verb} off, so the endpoint cannot be "
            f"created; set {attributes}: true on {vpc.logical_id}.",
        )
