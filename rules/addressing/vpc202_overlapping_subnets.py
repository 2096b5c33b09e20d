"""Two subnets of one VPC have overlapping IPv4 blocks.

## What it does
Groups the subnets by VPC (a VPC of the template, or the same literal VPC ID) and reports each
subnet whose `CidrBlock` overlaps the block of a subnet of that VPC defined before it: the
finding points at the later subnet and names the first-defined one it overlaps, and how many
others it overlaps. Subnets are sorted by block and swept once, so even thousands of subnets
with one block stay fast (one finding each, not one per pair). Subnets under an undecided
`Condition`, and blocks that are unknown (a parameter without default, `Fn::ImportValue`) or
chosen by an undecided `Fn::If`, are left out: the rule stays silent about them.

## Why it matters
Within a VPC every subnet needs its own address range; AWS rejects a subnet whose block
conflicts with an existing one, so the stack fails. The usual cause is a copied subnet whose
`CidrBlock` (or `Fn::Select` index into `Fn::Cidr`) was not changed.

## Example
```yaml
PrivateSubnetA:
  Type: AWS::EC2::Subnet
  Properties: {VpcId: !Ref VPC, CidrBlock: 10.0.10.0/24}
PrivateSubnetB:
  Type: AWS::EC2::Subnet
  Properties: {VpcId: !Ref VPC, CidrBlock: 10.0.10.0/24}
```

## Fix
Give each subnet its own block, for example consecutive picks from one list:
`!Select [0, !Cidr [!GetAtt VPC.CidrBlock, 4, 8]]`, `!Select [1, ...]`.
"""

from collections import defaultdict
from collections.abc import Iterator

from vpclint.findings import Problem
from vpclint.model import IPv4Network, Network, Subnet, network_of

ID = "VPC202"
NAME = "overlapping-subnets"
SEVERITY = "error"


def check(network: Network) -> Iterator[Problem]:
    by_vpc: dict[object, list[tuple[IPv4Network, Subnet]]] = defaultdict(list)
    for subnet in network.subnets:
        block = network_of(subnet.cidr_block)
        if not subnet.certain or block is None:
            continue
        key = _vpc_key(subnet)
        if key is not None:
            by_vpc[key].append((block, subnet))
    for subnets in by_vpc.values():
        yield from _overlaps(subnets)


def _vpc_key(subnet: Subnet) -> object | None:
    """What identifies the subnet's VPC: the template's VPC, or a literal VPC ID."""
    if subnet.vpc is not None:
        return None if not subnet.vpc.certain else ("template", id(subnet.vpc))
    written = subnet.properties.get("VpcId")
    return ("id", str(written)) if isinstance(written, str) and written else None


# Sorts after every real position: "no subnet".
_NONE = (float("inf"),)


class _Open:
    """A subnet in the sweep, with the first-defined subnet it overlaps on either side."""

    __slots__ = ("block", "end", "first_above", "first_inside", "key", "overlaps", "subnet")

    def __init__(self, block: IPv4Network, subnet: Subnet, key: tuple, above: tuple, depth: int):
        self.block = block
        self.subnet = subnet
        self.key = key  # where it is defined: the order findings follow
        self.end = int(block.broadcast_address)
        self.first_above = above  # the first-defined of the blocks that hold it
        self.first_inside = _NONE  # the first-defined of the blocks it holds
        self.overlaps = depth  # how many blocks it overlaps: those above it, then inside it


def _overlaps(subnets: list[tuple[IPv4Network, Subnet]]) -> Iterator[Problem]:
    """One finding per subnet that overlaps a subnet defined before it, naming the first one
    defined and how many others it overlaps.

    IPv4 blocks either nest or are disjoint, so in (address, prefix) order the blocks a block
    overlaps are those still open on a stack of enclosing blocks (above it) and those that follow
    it before it closes (inside it; of two equal blocks, the first sorted holds the second). Each
    block learns the first-defined subnet above it when it opens and the first-defined inside it
    when it closes: one sort and one sweep, however many subnets overlap.
    """
    ordered = sorted(
        (
            (block, subnet, (*_position(subnet), index))
            for index, (block, subnet) in enumerate(subnets)
        ),
        key=lambda item: (int(item[0].network_address), item[0].prefixlen),
    )
    stack: list[_Open] = []
    swept: dict[tuple, _Open] = {}

    def close() -> None:
        done = stack.pop()
        if stack:  # what overlaps the closed block from inside overlaps its parent too
            parent = stack[-1]
            parent.overlaps += 1 + done.overlaps - len(stack)
            parent.first_inside = min(parent.first_inside, done.first_inside, done.key)

    for block, subnet, key in ordered:
        start = int(block.network_address)
        while stack and stack[-1].end < start:
            close()
        above = min(stack[-1].first_above, stack[-1].key) if stack else _NONE
        opened = _Open(block, subnet, key, above, len(stack))
        swept[key] = opened
        stack.append(opened)
    while stack:
        close()

    for key in sorted(swept):
        item = swept[key]
        first_key = min(item.first_above, item.first_inside)
        if first_key >= key:
            continue  # it overlaps nothing defined before it
        first = swept[first_key]
        others = item.overlaps - 1
        more = f" and {others:,} other subnet{'s' if others > 1 else ''}" if others else ""
        yield Problem(
            item.subnet,
            f"Subnet {item.subnet.logical_id} ({item.block}) overlaps subnet "
            f"{first.subnet.logical_id} ({first.block}){more} in the same VPC; give each subnet "
            "its own block, for example separate picks from one Fn::Cidr list.",
        )


def _position(subnet: Subnet) -> tuple[int, int]:
    return (subnet.mark.line, subnet.mark.column)
