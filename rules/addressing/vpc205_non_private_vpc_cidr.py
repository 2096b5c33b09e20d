"""A VPC IPv4 block is outside the private ranges of RFC 1918 and RFC 6598.

## What it does
Reports a VPC whose primary `CidrBlock`, or a secondary block added with
`AWS::EC2::VPCCidrBlock`, is not inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 (RFC 1918)
or the shared address space 100.64.0.0/10 (RFC 6598). Blocks are checked after vpclint has
evaluated them (parameter defaults, mappings). A secondary block is reported on its VPC. The
rule stays silent for VPCs under an undecided `Condition` and for blocks that are unknown (a
parameter without default, `Fn::ImportValue`, IPAM) or chosen by an undecided `Fn::If`.

## Why it matters
AWS lets a VPC use publicly routable addresses, but they belong to someone else on the
internet: instances in the VPC can no longer reach the real owners of those addresses (the
local route wins), and traffic meant for them stays inside the VPC. A block like `172.0.0.0/16`
or `192.186.0.0/16` is nearly always a typo for a private range.

## Example
```yaml
VPC:
  Type: AWS::EC2::VPC
  Properties: {CidrBlock: 172.0.0.0/16}
```

## Fix
Use a private block, such as `10.0.0.0/16`, `172.16.0.0/16` or `192.168.0.0/16`, chosen so it
does not collide with networks you peer with or reach over VPN.
"""

from collections.abc import Iterator

from vpclint.findings import Problem
from vpclint.model import IPv4Network, Network, network_of

ID = "VPC205"
NAME = "non-private-vpc-cidr"
SEVERITY = "warning"

PRIVATE_RANGES = tuple(
    IPv4Network(block)
    for block in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10")
)


def check(network: Network) -> Iterator[Problem]:
    for vpc in network.vpcs:
        if not vpc.certain:
            continue
        for index, written in enumerate(vpc.cidr_blocks):
            block = network_of(written)
            if block is None or any(block.subnet_of(private) for private in PRIVATE_RANGES):
                continue
            which = "primary block" if index == 0 else "secondary block (AWS::EC2::VPCCidrBlock)"
            yield Problem(
                vpc,
                f"VPC {vpc.logical_id} has {which} {block}, which is outside the private "
                "ranges, so the VPC hides the hosts that really own those addresses; use a "
                "block inside 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or 100.64.0.0/10.",
            )
