"""What network ACLs let through, one direction at a time.

A network ACL is stateless: each packet is judged on its own, the replies of a connection
included, by the entries of its direction in rule-number order; the first entry that matches
decides, and a packet no entry matches is denied (the final `*` rule). IPv4 entries judge IPv4
packets and IPv6 entries IPv6 ones. Ports apply to TCP and UDP, type and code to ICMP. Source:
Amazon VPC User Guide, "Network ACL rules" and "Ephemeral ports"
(https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html).

Traffic to and from the Amazon DNS server, the instance metadata service, Amazon Time Sync and
the VPC router is not filtered by network ACLs (Amazon VPC User Guide, "Network ACL basics").
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from vpclint.judge.addresses import IPAddress, covers, piece_starts
from vpclint.judge.flows import Ephemeral, Flow, Verdict
from vpclint.model import (
    ALL_PROTOCOLS,
    ICMP,
    ICMPV6,
    TCP,
    UDP,
    IPNetwork,
    KnownEntry,
    NetworkAcl,
    NetworkAclEntry,
)
from vpclint.values import Unknown

FINAL_DENY = "the final deny (*)"


def decide(acl: NetworkAcl, egress: bool, flow: Flow, block: IPNetwork | None) -> Verdict:
    """Whether the ACL lets `flow` out to (`egress`) or in from every address of `block`.

    Unknown when an entry that comes first is not known, or when the addresses of the block are
    not all judged alike (an entry covers only part of it).
    """
    entries = _ordered(acl, egress)
    if isinstance(entries, Unknown):
        return Verdict(entries, why=entries.reason)
    if block is None:
        return _whole_space(entries, flow, acl)
    verdicts = [_first_match(entries, flow, address) for address in _pieces(block, entries)]
    return _alike(verdicts, acl, block)


def decide_at(acl: NetworkAcl, egress: bool, flow: Flow, address: IPAddress) -> Verdict:
    """The verdict for one packet to or from one address."""
    entries = _ordered(acl, egress)
    if isinstance(entries, Unknown):
        return Verdict(entries, why=entries.reason)
    return _first_match(entries, flow, address)


def decide_reply(
    acl: NetworkAcl, egress: bool, flow: Flow, block: IPNetwork | None, client: Ephemeral
) -> Verdict:
    """Whether the ACL lets the replies of `flow` reach `client`'s ephemeral ports.

    `flow` is the request; its replies go the other way, to the client's ports. Dropped when
    they are dropped on some port every such client uses (some of its connections fail for
    certain); allowed when every port it may use is allowed; Unknown in between.
    """
    if not flow.has_ports:
        reply = flow.reply(None)
        if reply is None:
            return Verdict(True, why="no reply is expected")
        return decide(acl, egress, reply, block)
    low, high = client.possibly
    segments = port_segments(acl, egress, flow.protocol, block, low, high)
    if isinstance(segments, Verdict):
        return segments
    surely_low, surely_high = client.surely
    dropped = [
        (a, b, v) for a, b, v in segments if v.blocks and a <= surely_high and b >= surely_low
    ]
    if dropped:
        a, b, verdict = dropped[0]
        ports = (max(a, surely_low), min(b, surely_high))
        why = f"{verdict.why}, for replies to ports {ports[0]}-{ports[1]}"
        return Verdict(False, verdict.by, why, ports)
    undecided = next((v for _, _, v in segments if isinstance(v.allowed, Unknown)), None)
    if undecided is not None:
        return undecided
    blocked = next(((a, b, v) for a, b, v in segments if v.blocks), None)
    if blocked is not None:
        a, b, verdict = blocked
        return Verdict(
            Unknown(
                f"{verdict.why} for replies to ports {a}-{b}, which {client.who} may use: "
                "connections from those ports fail"
            ),
            verdict.by,
            verdict.why,
            (a, b),
        )
    first = segments[0][2]
    return Verdict(True, first.by, first.why)


def port_segments(
    acl: NetworkAcl, egress: bool, protocol: str, block: IPNetwork | None, low: int, high: int
) -> list[tuple[int, int, Verdict]] | Verdict:
    """The ports low..high cut into ranges the ACL decides alike, each with its verdict for
    every address of `block`; a single Verdict when the ACL cannot be read."""
    entries = _ordered(acl, egress)
    if isinstance(entries, Unknown):
        return Verdict(entries, why=entries.reason)
    cuts = {low}
    for entry in entries:
        if isinstance(entry, KnownEntry) and entry.protocol in (TCP, UDP):
            if low < entry.low <= high:
                cuts.add(entry.low)
            if low <= entry.high < high:
                cuts.add(entry.high + 1)
    starts = sorted(cuts)
    segments = []
    for index, start in enumerate(starts):
        end = starts[index + 1] - 1 if index + 1 < len(starts) else high
        flow = Flow(protocol, start)
        if block is None:
            verdict = _whole_space(entries, flow, acl)
        else:
            verdict = _alike(
                [_first_match(entries, flow, a) for a in _pieces(block, entries)], acl, block
            )
        if segments and _same(segments[-1][2], verdict):
            segments[-1] = (segments[-1][0], end, segments[-1][2])
        else:
            segments.append((start, end, verdict))
    return segments


def entry_matches(entry: KnownEntry, flow: Flow, address: IPAddress) -> bool:
    """Whether a known entry matches a packet to or from `address`."""
    if address.version != entry.block.version or address not in entry.block:
        return False
    return protocol_covers(entry, flow)


def protocol_covers(entry: KnownEntry, flow: Flow) -> bool:
    if entry.protocol == ALL_PROTOCOLS:
        return True
    if entry.protocol != flow.protocol:
        return False
    if entry.protocol in (TCP, UDP):
        return flow.port is not None and entry.low <= flow.port <= entry.high
    if entry.protocol in (ICMP, ICMPV6):
        if entry.icmp is None:
            return False  # AWS asks for a type and code; without them the entry matches nothing
        kind, code = entry.icmp
        if kind == -1:
            return True
        if flow.icmp is None:
            return False
        return kind == flow.icmp[0] and code in (-1, flow.icmp[1])
    return True  # other protocols carry no ports


def shadows(first: KnownEntry, later: KnownEntry) -> bool:
    """Whether every packet `later` matches is matched by `first`."""
    if covers(first.block, later.block) is not True:
        return False
    if first.protocol == ALL_PROTOCOLS:
        return True
    if first.protocol != later.protocol:
        return False
    if first.protocol in (TCP, UDP):
        return first.low <= later.low and later.high <= first.high
    if first.protocol == ICMP or (first.protocol == ICMPV6 and first.block.version == 6):
        if first.icmp is None:
            return False
        kind, code = first.icmp
        if kind == -1:
            return True
        return later.icmp is not None and later.icmp[0] == kind and code in (-1, later.icmp[1])
    return True  # AWS ignores ports on every other protocol


# -- evaluation ---------------------------------------------------------------------------------


def _ordered(acl: NetworkAcl, egress: bool) -> Sequence[KnownEntry | NetworkAclEntry] | Unknown:
    """The entries of one direction in order; an entry with unknown fields stays itself."""
    if not acl.readable:
        return Unknown(f"an entry of network ACL {acl.logical_id} is not known", acl.mark)
    return acl.ordered(egress)


def _first_match(entries: Sequence[Any], flow: Flow, address: IPAddress) -> Verdict:
    for entry in entries:
        if not isinstance(entry, KnownEntry):
            if _may_match(entry, flow, address):
                return Verdict(
                    Unknown(f"entry {entry.logical_id} ({entry.rule_number}) is not known"),
                    entry,
                    f"entry {entry.rule_number} may match",
                )
            continue
        if entry_matches(entry, flow, address):
            action = "allows" if entry.allow else "denies"
            return Verdict(entry.allow, entry, f"rule {entry.number} {action} it")
    return Verdict(False, None, FINAL_DENY)


def _may_match(entry: NetworkAclEntry, flow: Flow, address: IPAddress) -> bool:
    """Whether an entry with unknown fields might match: its known fields do not exclude it."""
    families = [v for v in (entry.cidr_ipv4, entry.cidr_ipv6) if v is not None]
    if families and all(isinstance(v, str) for v in families):
        from vpclint.model import block_of

        blocks = [block_of(v) for v in families]
        if all(
            b is not None and (b.version != address.version or address not in b) for b in blocks
        ):
            return False
    protocol = entry.protocol
    return isinstance(protocol, Unknown) or protocol in (ALL_PROTOCOLS, flow.protocol)


def _pieces(block: IPNetwork, entries: Sequence[Any]) -> list[IPAddress]:
    return piece_starts(block, [e.block for e in entries if isinstance(e, KnownEntry)])


def _whole_space(entries: Sequence[Any], flow: Flow, acl: NetworkAcl) -> Verdict:
    """The verdict when the peer's addresses are not known: decided only when every address
    is judged alike (an allow or deny of a /0 comes first)."""
    from vpclint.judge.addresses import ALL_V4

    verdicts = [_first_match(entries, flow, a) for a in _pieces(ALL_V4, entries)]
    verdict = _alike(verdicts, acl, ALL_V4)
    if isinstance(verdict.allowed, Unknown):
        reason = f"network ACL {acl.logical_id} decides by address, and the address is not known"
        return Verdict(Unknown(reason), why=reason)
    return verdict


def _alike(verdicts: list[Verdict], acl: NetworkAcl, block: IPNetwork) -> Verdict:
    first = verdicts[0]
    if all(_same(v, first) for v in verdicts[1:]):
        return first
    unknown = next((v for v in verdicts if isinstance(v.allowed, Unknown)), None)
    if unknown is not None:
        return unknown
    allowing = next(v for v in verdicts if v.passes)
    denying = next(v for v in verdicts if v.blocks)
    reason = (
        f"network ACL {acl.logical_id} allows part of {block} ({allowing.why}) and drops "
        f"the rest ({denying.why})"
    )
    return Verdict(Unknown(reason), denying.by, reason)


def _same(a: Verdict, b: Verdict) -> bool:
    if isinstance(a.allowed, Unknown) or isinstance(b.allowed, Unknown):
        return False
    return a.allowed == b.allowed
