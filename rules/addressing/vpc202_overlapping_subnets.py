"""Two subnets of one VPC have overlapping IPv4 blocks.

## What it does
Groups the subnets by VPC (a VPC of the template, or the same literal VPC ID) and reports each
subnet whose `CidrBlock` overlaps the block of another subnet of that VPC. The finding points
at the subnet defined later in the template and names the one it collides with. Subnets are
sorted by block and swept once, so large templates stay fast. Subnets under an undecided
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


def _overlaps(subnets: list[tuple[IPv4Network, Subnet]]) -> Iterator[Problem]:
    """One finding per subnet that overlaps a subnet defined before it.

    IPv4 blocks either nest or are disjoint, so in (address, prefix) order a block overlaps
    exactly the blocks still open on a stack of enclosing ones: one sort, one sweep.
    """
    ordered = sorted(subnets, key=lambda item: (int(item[0].network_address), item[0].prefixlen))
    open_blocks: list[tuple[IPv4Network, Subnet]] = []
    clashes: dict[int, tuple[Subnet, list[tuple[IPv4Network, Subnet]]]] = {}
    blocks: dict[int, IPv4Network] = {}
    for block, subnet in ordered:
        start = int(block.network_address)
        while open_blocks and int(open_blocks[-1][0].broadcast_address) < start:
            open_blocks.pop()
        for other_block, other in open_blocks:
            later, earlier, earlier_block = (
                (subnet, other, other_block)
                if _position(subnet) >= _position(other)
                else (other, subnet, block)
            )
            blocks[id(later)] = block if later is subnet else other_block
            clashes.setdefault(id(later), (later, []))[1].append((earlier_block, earlier))
        open_blocks.append((block, subnet))
    for key, (subnet, others) in sorted(clashes.items(), key=lambda item: _position(item[1][0])):
        names = [f"{other.logical_id} ({block})" for block, other in others[:3]]
        if len(others) > 3:
            names.append(f"{len(others) - 3} more")
        named = (
            f"subnet {names[0]}"
            if len(names) == 1
            else f"subnets {', '.join(names[:-1])} and {names[-1]}"
        )
        yield Problem(
            subnet,
            f"Subnet {subnet.logical_id} ({blocks[key]}) overlaps {named} in the same "
            "VPC; give each subnet its own block, for example separate picks from one Fn::Cidr "
            "list.",
        )


def _position(subnet: Subnet) -> tuple[int, int]:
    return (subnet.mark.line, subnet.mark.column)
