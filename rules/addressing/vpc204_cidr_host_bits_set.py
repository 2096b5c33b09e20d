"""A VPC or subnet IPv4 block is written with host bits set, such as 10.0.1.5/24.

## What it does
Reports a VPC whose primary `CidrBlock` or secondary block (`AWS::EC2::VPCCidrBlock`), or a
subnet whose `CidrBlock`, has bits set after the prefix: `10.0.1.5/24` instead of `10.0.1.0/24`.
Blocks are checked after vpclint has evaluated them (parameter defaults, mappings); blocks made
by `Fn::Cidr` are always clean. A secondary block is reported on its VPC. The rule stays silent
for resources under an undecided `Condition` and for blocks that are unknown (a parameter
without default, `Fn::ImportValue`) or chosen by an undecided `Fn::If`.

## Why it matters
A CIDR block names a network, whose address has every host bit clear. A block such as
`10.0.1.5/24` is ambiguous: the author may have meant the /24 around that address, or a
different prefix length altogether. EC2 may reject it or store the normalized network, and then
the template no longer says what was deployed, so drift checks and reviews go wrong. It is
often a sign that an address was pasted where a network was wanted.

## Example
```yaml
AppSubnet:
  Type: AWS::EC2::Subnet
  Properties: {VpcId: !Ref VPC, CidrBlock: 10.0.1.5/24}
```

## Fix
Write the network address of the block, `10.0.1.0/24`, or the prefix length that was meant.
"""

import ipaddress
from collections.abc import Iterator
from typing import Any

from vpclint.findings import Problem
from vpclint.model import IPv4Network, Network

ID = "VPC204"
NAME = "cidr-host-bits-set"
SEVERITY = "warning"


def check(network: Network) -> Iterator[Problem]:
    for vpc in network.vpcs:
        if not vpc.certain:
            continue
        for index, written in enumerate(vpc.cidr_blocks):
            meant = host_bits_set(written)
            if meant is None:
                continue
            which = "primary block" if index == 0 else "secondary block (AWS::EC2::VPCCidrBlock)"
            yield Problem(
                vpc,
                f"VPC {vpc.logical_id} has {which} {written} with host bits set; write the "
                f"network address, {meant}, or the prefix length that was meant.",
            )
    for subnet in network.subnets:
        meant = host_bits_set(subnet.cidr_block)
        if not subnet.certain or meant is None:
            continue
        yield Problem(
            subnet,
            f"Subnet {subnet.logical_id} has block {subnet.cidr_block} with host bits set; "
            f"write the network address, {meant}, or the prefix length that was meant.",
        )


def host_bits_set(written: Any) -> IPv4Network | None:
    """The network a block with host bits set stands for; None for clean or unreadable blocks."""
    if not isinstance(written, str):
        return None
    try:
        ipaddress.IPv4Network(written, strict=True)
    except ValueError:
        try:
            return ipaddress.IPv4Network(written, strict=False)
        except ValueError:
            return None
    return None
