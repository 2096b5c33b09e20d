"""A VPC peering connection joins two VPCs whose IPv4 blocks overlap, or a VPC to itself.

## What it does
Reports an `AWS::EC2::VPCPeeringConnection` whose `VpcId` and `PeerVpcId` are the same VPC of
the template, or two VPCs of the template any of whose IPv4 blocks (primary `CidrBlock` and
secondary blocks from `AWS::EC2::VPCCidrBlock`) overlap. Peer VPCs outside the template are not
checked. The rule stays silent when the connection or either VPC sits under an undecided
`Condition`, and when any block of either VPC is unknown (a parameter without default,
`Fn::ImportValue`, IPAM) or chosen by an undecided `Fn::If`.

## Why it matters
AWS does not create a peering connection between VPCs with matching or overlapping IPv4 blocks
(any of their blocks, not only the primary ones), nor one from a VPC to itself; the stack fails.
Even where a connection could be made, a route cannot tell two copies of the same range apart.

## Example
```yaml
AppVpc:
  Type: AWS::EC2::VPC
  Properties: {CidrBlock: 10.0.0.0/16}
SharedServicesVpc:
  Type: AWS::EC2::VPC
  Properties: {CidrBlock: 10.0.0.0/16}
Peering:
  Type: AWS::EC2::VPCPeeringConnection
  Properties: {VpcId: !Ref AppVpc, PeerVpcId: !Ref SharedServicesVpc}
```

## Fix
Give the peered VPCs disjoint blocks (for example 10.0.0.0/16 and 10.1.0.0/16), and name two
different VPCs in `VpcId` and `PeerVpcId`.
"""

from collections.abc import Iterator

from vpclint.findings import Problem
from vpclint.model import IPv4Network, Network, Vpc

ID = "VPC207"
NAME = "peering-cidr-overlap"
SEVERITY = "error"


def check(network: Network) -> Iterator[Problem]:
    for peering in network.peering_connections:
        vpc, peer = peering.vpc, peering.peer_vpc
        if not peering.certain or not isinstance(vpc, Vpc) or not isinstance(peer, Vpc):
            continue
        if not vpc.certain or not peer.certain:
            continue
        if vpc is peer:
            yield Problem(
                peering,
                f"Peering connection {peering.logical_id} peers VPC {vpc.logical_id} with "
                "itself; set PeerVpcId to the other VPC.",
            )
            continue
        blocks, peer_blocks = vpc.networks, peer.networks
        if blocks is None or peer_blocks is None:
            continue
        clash = _first_overlap(blocks, peer_blocks)
        if clash is not None:
            yield Problem(
                peering,
                f"Peering connection {peering.logical_id} joins VPC {vpc.logical_id} "
                f"({clash[0]}) and VPC {peer.logical_id} ({clash[1]}), whose blocks overlap; "
                "give the two VPCs disjoint blocks.",
            )


def _first_overlap(
    left: list[IPv4Network], right: list[IPv4Network]
) -> tuple[IPv4Network, IPv4Network] | None:
    """The first overlapping pair of blocks, one from each side (a VPC has at most 5 blocks)."""
    for block in left:
        for other in right:
            if block.overlaps(other):
                return block, other
    return None
