"""A VPC or subnet IPv4 block is larger than /16 or smaller than /28.

## What it does
Reports a VPC whose primary `CidrBlock`, or a secondary block added with
`AWS::EC2::VPCCidrBlock`, has a prefix outside /16 to /28, and a subnet whose `CidrBlock` does.
Blocks are checked after vpclint has evaluated them (parameter defaults, mappings, `Fn::Cidr`).
A secondary block is reported on its VPC, since that is where it belongs. The rule stays silent
for resources under an undecided `Condition` and for blocks that are unknown (a parameter
without default, `Fn::ImportValue`, IPAM) or chosen by an undecided `Fn::If`.

## Why it matters
AWS accepts IPv4 blocks from /16 (65,536 addresses) to /28 (16 addresses) for VPCs and subnets
alike; anything else is rejected and the stack fails. A /8 VPC or a /29 subnet is usually a typo
or a `Fn::Cidr` with the wrong number of host bits.

## Example
```yaml
VPC:
  Type: AWS::EC2::VPC
  Properties: {CidrBlock: 10.0.0.0/8}
TransitSubnet:
  Type: AWS::EC2::Subnet
  Properties: {VpcId: !Ref VPC, CidrBlock: 10.0.0.0/29}
```

## Fix
Use a block between /16 and /28: `10.0.0.0/16` for the VPC and at least a /28 (`10.0.0.0/28`)
for each subnet. With `Fn::Cidr`, the last argument is the number of host bits: 8 gives /24
blocks, 4 gives /28.
"""

from collections.abc import Iterator

from vpclint.findings import Problem
from vpclint.model import IPv4Network, Network, network_of

ID = "VPC203"
NAME = "invalid-cidr-size"
SEVERITY = "error"

LARGEST = 16
SMALLEST = 28


def check(network: Network) -> Iterator[Problem]:
    for vpc in network.vpcs:
        if not vpc.certain:
            continue
        for index, written in enumerate(vpc.cidr_blocks):
            block = network_of(written)
            if block is None or LARGEST <= block.prefixlen <= SMALLEST:
                continue
            which = "primary block" if index == 0 else "secondary block (AWS::EC2::VPCCidrBlock)"
            yield Problem(
                vpc,
                f"VPC {vpc.logical_id} has {which} {block}, but AWS accepts VPC blocks from "
                f"/{LARGEST} to /{SMALLEST} only; use a block in that range, such as "
                f"{_resized(block)}.",
            )
    for subnet in network.subnets:
        block = network_of(subnet.cidr_block)
        if not subnet.certain or block is None or LARGEST <= block.prefixlen <= SMALLEST:
            continue
        yield Problem(
            subnet,
            f"Subnet {subnet.logical_id} has block {block}, but AWS accepts subnet blocks from "
            f"/{LARGEST} to /{SMALLEST} only; use a block in that range, such as "
            f"{_resized(block)}.",
        )


def _resized(block: IPv4Network) -> IPv4Network:
    """The nearest allowed block at the same address."""
    prefix = min(max(block.prefixlen, LARGEST), SMALLEST)
    return IPv4Network(f"{block.network_address}/{prefix}", strict=False)
