"""An interface VPC endpoint names two subnets in the same Availability Zone.

## What it does
Reports an interface `AWS::EC2::VPCEndpoint` whose `SubnetIds` hold two different subnets of
the template that sit in the same Availability Zone: the same known `AvailabilityZone` name
(written, or worked out from `!Select [n, !GetAZs ""]`), or the same `AvailabilityZoneId`.
One finding per extra subnet, on the endpoint.

The rule stays silent for subnets whose zone is unknown (a parameter without default, an
`ImportValue`, an undecided `Fn::If`) or not given (AWS picks one), for subnets outside the
template, and for endpoints or subnets under an undecided `Condition`.

## Why it matters
An interface endpoint places one network interface per Availability Zone, so it takes at most
one subnet per zone. EC2 rejects a second subnet in a zone it already covers, and the stack
fails and rolls back. Usually a copy-paste slip put two subnets on the same `!GetAZs` index, or
a public and a private subnet of one zone were both listed.

## Example
```yaml
SsmEndpoint:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcEndpointType: Interface
    ServiceName: !Sub com.amazonaws.${AWS::Region}.ssm
    VpcId: !Ref VPC
    SubnetIds: [!Ref PrivateSubnetA, !Ref PublicSubnetA]   # both in us-east-1a
```

## Fix
Name one subnet per Availability Zone, usually the private subnet of each zone.
"""

from collections.abc import Iterator

from vpclint.findings import Problem
from vpclint.model import Network, Subnet

ID = "VPC308"
NAME = "interface-endpoint-subnets-same-az"
SEVERITY = "error"


def check(network: Network) -> Iterator[Problem]:
    for endpoint in network.certain_interface_endpoints:
        if not isinstance(endpoint.subnets, list):
            continue
        seen: dict[tuple[str, str], Subnet] = {}
        for subnet in endpoint.subnets:
            if not isinstance(subnet, Subnet) or not subnet.certain:
                continue
            zone = subnet.zone
            if zone is None:
                continue
            first = seen.setdefault(zone, subnet)
            if first is subnet:
                continue
            yield Problem(
                endpoint,
                f"Interface endpoint {endpoint.logical_id} names subnets {first.logical_id} and "
                f"{subnet.logical_id}, both in Availability Zone {zone[1]}, but an endpoint "
                "takes one subnet per zone, so the deploy fails; keep one of them.",
            )
