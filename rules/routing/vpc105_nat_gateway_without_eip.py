"""A public NAT gateway has no Elastic IP allocation.

## What it does
Reports every public `AWS::EC2::NatGateway` (`ConnectivityType: public`, the default) in a
subnet (a zonal NAT gateway, the default `AvailabilityMode`) that has no `AllocationId`. A
private NAT gateway (`ConnectivityType: private`) takes no Elastic IP and is not checked, nor is
a regional NAT gateway (`AvailabilityMode: regional`), for which AWS can allocate addresses
itself.

It stays silent when the NAT gateway is under an undecided `Condition`, when `AllocationId` is
behind an undecided `Fn::If` (even one whose branch is `AWS::NoValue`) or comes from a parameter
or another stack, and when `ConnectivityType` or `AvailabilityMode` is not known.

## Why it matters
A public NAT gateway translates private addresses to its Elastic IP; AWS requires the
allocation ID of one when the gateway is created, so the stack fails on the NAT gateway and
rolls back everything created with it.

## Example
```yaml
NatGatewayA:
  Type: AWS::EC2::NatGateway
  Properties:
    SubnetId: !Ref PublicSubnetA
```

## Fix
Allocate an `AWS::EC2::EIP` with `Domain: vpc` and pass
`AllocationId: !GetAtt NatEipA.AllocationId`; or, if the gateway is only meant to reach other
networks, make it `ConnectivityType: private`.
"""

from collections.abc import Iterator

from vpclint.findings import Problem
from vpclint.model import Network

ID = "VPC105"
NAME = "nat-gateway-without-eip"
SEVERITY = "error"


def check(network: Network) -> Iterator[Problem]:
    for nat in network.nat_gateways:
        if not nat.certain or nat.connectivity_type != "public" or nat.allocation_id is not None:
            continue
        if nat.properties.get("AvailabilityMode", "zonal") != "zonal":
            continue
        yield Problem(
            nat,
            f"Public NAT gateway {nat.logical_id} has no AllocationId, so AWS cannot create it; "
            "add an AWS::EC2::EIP with Domain vpc and set AllocationId: !GetAtt "
            "<that EIP>.AllocationId, or set ConnectivityType to private.",
        )
