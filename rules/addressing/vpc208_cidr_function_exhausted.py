"""`Fn::Cidr` asks for more blocks than fit, or for blocks that cannot be cut from its input.

## What it does
Reports each `Fn::Cidr` whose inputs vpclint knows (after parameter defaults and mappings) and
that cannot be satisfied: more blocks than the input block holds at that size
(`!Cidr [10.0.0.0/24, 8, 6]` wants eight /26 blocks of a /24 that holds four), a count outside
1 to 256, or a number of host bits that makes the blocks larger than the input block or zero
bits wide. The finding points at the `Fn::Cidr` itself, in the resource that contains it. The
rule stays silent when an input is unknown (a parameter without default, `Fn::ImportValue`,
`!GetAtt` of a VPC whose block is unknown), when the `Fn::Cidr` sits in a branch of an
undecided `Fn::If`, and when its resource sits under an undecided `Condition`.

## Why it matters
CloudFormation evaluates `Fn::Cidr` when it processes the template and fails the whole stack
operation when the request cannot be met. It usually happens when a VPC block is narrowed (a
/16 became a /24) while the subnet layout was left as it was, or when the third argument is
read as a prefix length (24) rather than as the number of host bits (8).

## Example
```yaml
PublicSubnetA:
  Type: AWS::EC2::Subnet
  Properties:
    VpcId: !Ref VPC
    CidrBlock: !Select [0, !Cidr [!GetAtt VPC.CidrBlock, 6, 24]]  # 24 host bits: a /8
```

## Fix
The last argument is the number of host bits of each block (8 for /24 blocks in IPv4), and
count times 2^bits must fit in the input block: ask for fewer or smaller blocks, or cut them
from a larger block.
"""

from collections.abc import Iterator
from typing import Any

from vpclint.findings import Problem
from vpclint.model import Network
from vpclint.nodes import Mark
from vpclint.values import Unknown

ID = "VPC208"
NAME = "cidr-function-exhausted"
SEVERITY = "error"

CERTAIN, UNDECIDED = "certain", "undecided"


def check(network: Network) -> Iterator[Problem]:
    for mark, reason, holder in network.cidr_problems:
        resource = network.resources.get(holder) if holder else None
        if resource is None or not resource.certain:
            continue
        if _use(resource.properties, mark, reason) != CERTAIN:
            continue  # not in the resource's properties, or only in an undecided Fn::If branch
        yield Problem(
            resource,
            f"In {resource.logical_id}, {reason}, so the stack fails; ask for fewer or "
            "smaller blocks (the last argument is the number of host bits per block), or cut "
            "them from a larger block.",
            mark=mark,
        )


def _use(value: Any, mark: Mark, reason: str, undecided: bool = False) -> str | None:
    """How the failed Fn::Cidr's result is used in `value`: for certain, only in an undecided
    Fn::If branch, or not at all (its result kept the call's mark or its reason)."""
    found: str | None = None
    if isinstance(value, Unknown):
        if value.mark == mark or value.reason == reason:
            return UNDECIDED if undecided else CERTAIN
        children: Any = value.options
        undecided = True
    elif isinstance(value, dict):
        children = value.values()
    elif isinstance(value, list):
        children = value
    else:
        return None
    for child in children:
        use = _use(child, mark, reason, undecided)
        if use == CERTAIN:
            return CERTAIN
        found = found or use
    return found
