"""What security groups let in and out.

Security groups are stateful: a connection they allow one way is allowed back. The rules of all
the groups on an interface add up, and traffic no rule allows is dropped. A rule names a
protocol (`-1` for all; ports apply to TCP and UDP, type and code to ICMP, nothing to other
protocols) and one peer: an IPv4 or IPv6 block, a prefix list, or a security group (matching
the interfaces in that group, by their private addresses). A group with no egress rule allows
all outbound IPv4 traffic. Source: Amazon VPC User Guide, "Security group rules"
(https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html).
"""

from __future__ import annotations

from typing import Any

from vpclint.judge.addresses import ALL_V4, covers
from vpclint.judge.flows import Flow, Peer, Verdict
from vpclint.model import (
    ALL_PROTOCOLS,
    ICMP,
    ICMPV6,
    TCP,
    UDP,
    PrefixList,
    Resource,
    SecurityGroup,
    SecurityGroupRule,
    Vpc,
    VpcEndpoint,
    block_of,
)
from vpclint.values import Unknown


def admits(groups: Any, direction: str, flow: Flow, peer: Peer) -> Verdict:
    """Whether the groups let `flow` in from `peer` ("ingress") or out to it ("egress").

    Allowed when a certain rule of one of the groups allows it for every address of the peer;
    Unknown when no rule surely does but one may (an unknown value, an undecided condition, a
    group outside the template, a rule covering part of the peer's addresses).
    """
    if isinstance(groups, Unknown):
        return Verdict(groups, why=groups.reason)
    undecided: Unknown | None = None
    for group in groups:
        if not isinstance(group, SecurityGroup):
            undecided = undecided or Unknown(
                f"security group {_name(group)} is outside the template"
            )
            continue
        if group.unreadable:
            undecided = undecided or group.unreadable[0]
        if direction == "egress" and not group.explicit_egress and _ipv6(peer):
            # The rule AWS adds to a new group is documented for IPv4 only.
            undecided = undecided or Unknown(f"whether {group.logical_id} allows IPv6 out")
        for rule in group.rules(direction):
            matched = rule_matches(rule, flow, peer)
            if matched is True and rule.certain:
                return Verdict(
                    True, rule, f"{direction} rule of {rule.source_id}: {rule.summary()}"
                )
            if matched is not False:
                reason = matched.reason if isinstance(matched, Unknown) else "it may not exist"
                undecided = undecided or Unknown(
                    f"a rule of {rule.source_id} may allow it: {reason}"
                )
    if undecided is not None:
        return Verdict(undecided, why=undecided.reason)
    names = ", ".join(_name(group) for group in groups) or "none"
    return Verdict(False, why=f"no {direction} rule of its security groups ({names}) allows it")


def _ipv6(peer: Peer) -> bool:
    return peer.block is not None and peer.block.version == 6


def rule_matches(rule: SecurityGroupRule, flow: Flow, peer: Peer) -> bool | Unknown:
    """Whether one rule covers the flow, for every address of the peer."""
    protocol = protocol_matches(rule.protocol, rule.from_port, rule.to_port, flow)
    if protocol is not True:
        return protocol
    return _peer_matches(rule, peer)


def protocol_matches(protocol: Any, low: Any, high: Any, flow: Flow) -> bool | Unknown:
    """Whether a rule's protocol and port range (or ICMP type and code) cover the flow."""
    if isinstance(protocol, Unknown):
        return protocol
    if protocol == ALL_PROTOCOLS:
        return True
    if protocol != flow.protocol:
        return False
    for bound in (low, high):
        if isinstance(bound, Unknown):
            return bound
    if protocol in (TCP, UDP):
        if flow.port is None:
            return Unknown("the port is not known")
        if low in (None, -1) and high in (None, -1):
            return True
        low = high if low in (None, -1) else low
        high = low if high in (None, -1) else high
        return low <= flow.port <= high
    if protocol in (ICMP, ICMPV6):
        if flow.icmp is None:
            return low in (None, -1)
        kind, code = flow.icmp
        return low in (None, -1, kind) and (high in (None, -1, code) or low in (None, -1))
    return True  # ports mean nothing to other protocols


def _peer_matches(rule: SecurityGroupRule, peer: Peer) -> bool | Unknown:
    if rule.peer is not None:
        return _group_matches(rule.peer, peer)
    if rule.prefix_list is not None:
        return _prefix_list_matches(rule.prefix_list, peer)
    for value in (rule.cidr_ipv4, rule.cidr_ipv6):
        if value is None:
            continue
        if isinstance(value, Unknown):
            return value
        block = block_of(value)
        if block is None:
            return False  # not a CIDR: AWS refuses the rule
        return block_matches(block, peer)
    return False


def block_matches(block: Any, peer: Peer) -> bool | Unknown:
    """Whether a rule's block holds every address of the peer."""
    if peer.service is not None:
        # The service's public addresses: a /0 holds them, a private block none of them.
        if block.prefixlen == 0:
            return block.version == 4
        return False if block.is_private else Unknown(f"{block} may hold {peer.service} addresses")
    if peer.block is None:
        if block == ALL_V4:
            return True
        return Unknown(f"the addresses of {peer.name} are not known")
    covered = covers(block, peer.block)
    if covered is None:
        return Unknown(f"{block} holds only part of the addresses of {peer.name} ({peer.block})")
    return covered


def _group_matches(group: Any, peer: Peer) -> bool | Unknown:
    if peer.groups is None:
        return False  # the peer has no security group: no group rule names it
    if isinstance(peer.groups, Unknown):
        return peer.groups
    if isinstance(group, SecurityGroup):
        if any(member is group for member in peer.groups):
            return True
        if any(not isinstance(member, SecurityGroup) for member in peer.groups):
            return Unknown(f"a security group of {peer.name} is outside the template")
        return False
    return Unknown(f"security group {_name(group)} is outside the template")


def _prefix_list_matches(prefix_list: Any, peer: Peer) -> bool | Unknown:
    if isinstance(prefix_list, PrefixList):
        blocks = prefix_list.blocks
        if isinstance(blocks, Unknown):
            return blocks
        if peer.service is not None:
            return Unknown(f"prefix list {prefix_list.logical_id} may hold {peer.service}")
        if peer.block is None:
            return Unknown(f"the addresses of {peer.name} are not known")
        found = [covers(block, peer.block) for block in blocks]
        if any(found):
            return True
        if all(result is False for result in found):
            return False
        return Unknown(f"prefix list {prefix_list.logical_id} holds part of {peer.name}")
    if peer.prefix_list and isinstance(prefix_list, str):
        # An AWS-managed list named by its ID next to a gateway endpoint: taken as the list of
        # the service the endpoint serves (the ID of each region's list is not in the template).
        return True
    if isinstance(prefix_list, Unknown):
        return prefix_list
    return Unknown(f"the entries of prefix list {prefix_list} are not known")


# -- questions about whole groups ---------------------------------------------------------------


def admits_from_vpc(groups: list[SecurityGroup], flow: Flow, vpc: Vpc | None) -> bool | Unknown:
    """Whether some certain rule lets `flow` in from somewhere in the VPC: any workload of the
    VPC, not one in particular (what an interface endpoint needs from its clients)."""
    undecided: Unknown | None = None
    for group in groups:
        if group.unreadable:
            undecided = undecided or group.unreadable[0]
        for rule in group.ingress:
            port = protocol_matches(rule.protocol, rule.from_port, rule.to_port, flow)
            source = _from_vpc(rule, vpc)
            if port is False or source is False:
                continue
            if port is True and source is True and rule.certain:
                return True
            undecided = undecided or Unknown(f"a rule of {rule.source_id} may allow it", rule.mark)
    return undecided if undecided is not None else False


def _from_vpc(rule: SecurityGroupRule, vpc: Vpc | None) -> bool | Unknown:
    if rule.peer is not None:
        if rule.peer is rule.group and rule.group.is_default:
            # The default group admits its own members: does anything but an endpoint join it?
            if any(not isinstance(member, VpcEndpoint) for member in rule.group.members):
                return True
            if rule.group.possible_members:
                names = ", ".join(m.logical_id for m in rule.group.possible_members[:3])
                return Unknown(f"{names} may sit in the default security group")
            return False
        return True
    vpc_blocks = vpc.networks if vpc else None
    if rule.prefix_list is not None:
        if not isinstance(rule.prefix_list, PrefixList):
            return Unknown("a prefix list's entries are not known")
        blocks = rule.prefix_list.blocks
        if isinstance(blocks, Unknown):
            return blocks
        return _overlaps_vpc(blocks, vpc_blocks)
    if rule.cidr_ipv4 is not None:
        block = block_of(rule.cidr_ipv4)
        if block is None:
            return rule.cidr_ipv4 if isinstance(rule.cidr_ipv4, Unknown) else False
        return _overlaps_vpc([block], vpc_blocks)
    # IPv6 clients in a dual-stack VPC can use it.
    return rule.cidr_ipv6 is not None


def _overlaps_vpc(blocks: list[Any], vpc_blocks: Any) -> bool | Unknown:
    if any(block.prefixlen == 0 for block in blocks):
        return True
    if vpc_blocks is None:
        return Unknown("the VPC's blocks are not known")
    return any(
        block.version == 4 and block.overlaps(vpc_block)
        for block in blocks
        for vpc_block in vpc_blocks
    )


def world_ingress(groups: list[SecurityGroup]) -> list[tuple[SecurityGroupRule, str]]:
    """Certain ingress rules of certain groups from a /0 block, with the block as written."""
    found = []
    for group in groups:
        if not group.certain:
            continue
        for rule in group.ingress:
            world = rule.world_block if rule.certain else None
            if world is not None:
                found.append((rule, world))
    return found


def world_exposed_tcp_ports(
    groups: list[SecurityGroup], named_ports: dict[int, str]
) -> list[tuple[SecurityGroupRule, str, list[str]]]:
    """Ingress rules from the whole internet that open some of `named_ports` over TCP (not
    all-traffic rules): each with the /0 block and the ports, as "SSH (TCP 22)"."""
    found = []
    for rule, world in world_ingress(groups):
        ports = rule.port_range
        if rule.protocol != TCP or ports is None or rule.is_all_traffic:
            continue
        low, high = ports
        exposed = [
            f"{name} (TCP {port})" for port, name in named_ports.items() if low <= port <= high
        ]
        if exposed:
            found.append((rule, world, exposed))
    return found


def _name(group: Any) -> str:
    if isinstance(group, Resource):
        return group.logical_id
    if isinstance(group, Unknown):
        return f"? ({group.reason})"
    return str(group)
