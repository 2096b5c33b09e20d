"""A subnet's IPv4 block lies outside every block of its VPC.

## What it does
Reports an `AWS::EC2::Subnet` whose `CidrBlock` is not inside any IPv4 block of its VPC: the
VPC's primary `CidrBlock` or a secondary block added with `AWS::EC2::VPCCidrBlock`. The blocks
are compared after vpclint has evaluated them, so a block taken from a parameter's default, a
`Fn::FindInMap`, or `Fn::Select` over `Fn::Cidr` is checked like a literal one. The rule stays
silent when the subnet or its VPC sits under an undecided `Condition`, when any block of the
VPC is unknown (a parameter without default, `Fn::ImportValue`, IPAM, a secondary block under an
undecided `Condition`), when a block is chosen by an undecided `Fn::If`, and when the VPC is
outside the template.

## Why it matters
AWS refuses to create a subnet whose block is not within the VPC's address range, so the stack
fails and rolls back. It usually comes from a VPC block changed without its subnets (or the
other way round), or from a subnet in a secondary block that was never added to the VPC.

## Example
```yaml
VPC:
  Type: AWS::EC2::VPC
  Properties: {CidrBlock: 10.0.0.0/16}
PublicSubnetA:
  Type: AWS::EC2::Subnet
  Properties: {VpcId: !Ref VPC, CidrBlock: 10.1.0.0/24}
```

## Fix
Give the subnet a block inside the VPC's range (derive it with
`!Select [0, !Cidr [!GetAtt VPC.CidrBlock, 4, 8]]` so the two cannot drift apart), or add the
range to the VPC with an `AWS::EC2::VPCCidrBlock` and make the subnet `DependsOn` it.
"""

from collections.abc import Iterator

from vpclint.findings import Problem
from vpclint.model import Network, network_of

ID = "VPC201"
NAME = "subnet-outside-vpc-cidr"
SEVERITY = "error"


def check(network: Network) -> Iterator[Problem]:
    for subnet in network.subnets:
        vpc = subnet.vpc
        if not subnet.certain or vpc is None or not vpc.certain:
            continue
        block = network_of(subnet.cidr_block)
        vpc_blocks = vpc.networks
        if block is None or vpc_blocks is None:
            continue
        if any(block.subnet_of(vpc_block) for vpc_block in vpc_blocks):
            continue
        ranges = ", ".join(str(vpc_block) for vpc_block in vpc_blocks)
        yield Problem(
            subnet,
            f"Subnet {subnet.logical_id} has block {block}, which is not inside the blocks of "
            f"VPC {vpc.logical_id} ({ranges}); choose a subnet block within the VPC's range, or "
            "add that range to the VPC with an AWS::EC2::VPCCidrBlock the subnet DependsOn.",
        )
