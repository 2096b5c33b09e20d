"""A network ACL lets TCP connections through one way but drops the replies the other way.

## What it does
Network ACLs are stateless: the replies to a connection are judged by the entries of the other
direction, and they go to the client's ephemeral port (1024-65535). For each network ACL that a
subnet of the template uses, this rule evaluates the entries as AWS does (by rule number, first
match wins, implicit deny at the end) and reports a direction in which an entry allows TCP
connections (or all traffic) from or to a CIDR block while the other direction has no entry that
lets TCP 1024-65535 back to that block, before a deny that covers it.

To stay certain, an entry is taken as the start of connections only when it cannot itself be a
reply rule: its ports lie below 1024, or the other direction allows nothing for its block. Any
reply entry that overlaps the block and the range 1024-65535 counts as letting replies through,
unless a single earlier deny covers that overlap. The rule is silent for an ACL with an entry
under an undecided `Condition`, behind an undecided `Fn::If`, or with an unknown value (a
parameter without default, `Fn::ImportValue`), and for subnets whose ACL is undecided. A VPC's
default network ACL, which allows all traffic both ways, is not checked.

## Why it matters
Security groups track connections and let replies out on their own; network ACLs do not. An ACL
that allows HTTPS in but nothing out to the ephemeral ports accepts every request and drops every
response: clients time out, health checks fail, and nothing in the console says why, since each
rule looks right on its own.

## Example
```yaml
InboundHttps:
  Type: AWS::EC2::NetworkAclEntry
  Properties: {NetworkAclId: !Ref PublicAcl, RuleNumber: 100, Protocol: 6, RuleAction: allow,
               CidrBlock: 0.0.0.0/0, PortRange: {From: 443, To: 443}}
OutboundHttps:
  Type: AWS::EC2::NetworkAclEntry
  Properties: {NetworkAclId: !Ref PublicAcl, RuleNumber: 100, Egress: true, Protocol: 6,
               RuleAction: allow, CidrBlock: 0.0.0.0/0, PortRange: {From: 443, To: 443}}
```

## Fix
Add an entry in the other direction that allows TCP 1024-65535 to (or from) the same block,
numbered before any deny that would cover it:
`{RuleNumber: 200, Egress: true, Protocol: 6, RuleAction: allow, CidrBlock: 0.0.0.0/0,
PortRange: {From: 1024, To: 65535}}`.
"""

from __future__ import annotations

from collections.abc import Iterator

from vpclint.findings import Problem
from vpclint.model import ALL_PROTOCOLS, TCP, IPNetwork, Network, NetworkAcl
from vpclint.model import KnownEntry as Known

ID = "VPC406"
NAME = "nacl-blocks-return-traffic"
SEVERITY = "error"

EPHEMERAL = (1024, 65535)


def check(network: Network) -> Iterator[Problem]:
    used: dict[int, NetworkAcl] = {}
    for subnet in network.subnets:
        acl = subnet.network_acl
        if subnet.certain and isinstance(acl, NetworkAcl):
            used[id(acl)] = acl
    for acl in used.values():
        if acl.implicit or not acl.certain or not acl.readable:
            continue  # the default ACL allows everything both ways (IPv6 too, as rule 101)
        entries = [entry.known for entry in acl.entries]
        if any(known is None for known in entries):
            continue
        numbers = {(k.egress, k.number) for k in entries if k is not None}
        if len(numbers) != len(entries):
            continue  # duplicate rule numbers (VPC407): AWS refuses the ACL
        inbound = [k for k in entries if k is not None and not k.egress]
        outbound = [k for k in entries if k is not None and k.egress]
        inbound.sort(key=lambda k: k.number)
        outbound.sort(key=lambda k: k.number)
        for forward, back in ((inbound, outbound), (outbound, inbound)):
            dropped = [k for k in forward if _starts_connections(k, forward, back)]
            dropped = [k for k in dropped if not _replies_allowed(k, back)]
            if dropped:
                yield Problem(acl, _message(acl, dropped))


def _tcp_ports(known: Known) -> tuple[int, int] | None:
    """The TCP ports the entry matches, or None when it does not match TCP."""
    if known.protocol == ALL_PROTOCOLS:
        return 0, 65535
    if known.protocol == TCP:
        return known.low, known.high
    return None


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> tuple[int, int] | None:
    low, high = max(a[0], b[0]), min(a[1], b[1])
    return (low, high) if low <= high else None


def _same_family_overlap(a: Known, b: Known) -> bool:
    return a.block.version == b.block.version and a.block.overlaps(b.block)  # type: ignore[arg-type]


def _starts_connections(known: Known, same: list[Known], other: list[Known]) -> bool:
    """An allow that admits TCP connections and cannot be a rule for replies itself."""
    ports = _tcp_ports(known)
    if not known.allow or ports is None:
        return False
    if any(_hides(deny, known, ports, known.block) for deny in same):
        return False  # never matches TCP: an earlier deny takes it all
    if _overlap(ports, EPHEMERAL) is None:
        return True
    # It admits ephemeral ports: it may be the reply rule for traffic the other way.
    return not any(k.allow and _same_family_overlap(k, known) for k in other)


def _replies_allowed(known: Known, back: list[Known]) -> bool:
    """Whether some entry the other way may let TCP replies reach the ephemeral ports."""
    for reply in back:
        ports = _tcp_ports(reply)
        if not reply.allow or ports is None or not _same_family_overlap(reply, known):
            continue
        wanted = _overlap(ports, EPHEMERAL)
        if wanted is None:
            continue
        block = reply.block if reply.block.prefixlen >= known.block.prefixlen else known.block
        if not any(_hides(deny, reply, wanted, block) for deny in back):
            return True
    return False


def _hides(deny: Known, entry: Known, ports: tuple[int, int], block: IPNetwork) -> bool:
    """Whether an earlier deny matches all of `entry`'s TCP `ports` towards `block`."""
    if deny.allow or deny.number >= entry.number:
        return False
    deny_ports = _tcp_ports(deny)
    if deny_ports is None or not deny_ports[0] <= ports[0] <= ports[1] <= deny_ports[1]:
        return False
    return deny.block.version == block.version and block.subnet_of(deny.block)  # type: ignore[arg-type]


def _message(acl: NetworkAcl, dropped: list[Known]) -> str:
    inbound = not dropped[0].egress
    way, back, towards = (
        ("inbound", "outbound", "to") if inbound else ("outbound", "inbound", "from")
    )
    shown = ", ".join(f"{k.entry.logical_id} ({k.describe()})" for k in dropped[:3])
    more = f" and {len(dropped) - 3} more" if len(dropped) > 3 else ""
    blocks = sorted({str(k.block) for k in dropped})
    return (
        f"Network ACL {acl.logical_id} allows {way} TCP connections with {shown}{more}, but no "
        f"{back} entry allows the replies (TCP 1024-65535 {towards} {', '.join(blocks)}), so "
        f"they are dropped; add an {back} allow for TCP 1024-65535 {towards} "
        f"{', '.join(blocks)} numbered before any deny that covers it."
    )
