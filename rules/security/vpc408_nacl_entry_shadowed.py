"""A network ACL entry can never match: an earlier entry takes all its traffic.

## What it does
Network ACLs evaluate the entries of a direction in rule-number order and stop at the first
match. This rule reports an entry when a single entry of the same ACL and direction with a lower
rule number covers all of its traffic: the same protocol or all protocols (`-1`), a port range
(or ICMP type and code) that includes its own, and a CIDR block that contains its own. Gaps
closed only by several earlier entries together are not looked for. The default network ACL's
rule 100, which allows everything, counts as an earlier entry for entries a template adds to it.

An entry under an undecided `Condition`, or with a value behind an undecided `Fn::If` or one that
is unknown (a parameter without default, `Fn::ImportValue`), is neither reported nor used to
shadow another.

## Why it matters
A shadowed entry is dead configuration. When its action differs from the entry that hides it,
the ACL does the opposite of what the author wrote: a `deny` for a hostile block placed after a
broad `allow` blocks nothing, and an `allow` after a broad `deny` never lets anything through.

## Example
```yaml
AllowAllInbound:
  Type: AWS::EC2::NetworkAclEntry
  Properties: {NetworkAclId: !Ref PublicAcl, RuleNumber: 100, Protocol: -1,
               RuleAction: allow, CidrBlock: 0.0.0.0/0}
DenyBadActors:
  Type: AWS::EC2::NetworkAclEntry
  Properties: {NetworkAclId: !Ref PublicAcl, RuleNumber: 200, Protocol: -1,
               RuleAction: deny, CidrBlock: 198.51.100.0/24}
```

## Fix
Give the narrower entry a lower rule number than the broad one (for example 90 for the deny
above), or remove it if it is not needed.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from typing import Any

from vpclint.findings import Problem
from vpclint.model import ALL_PROTOCOLS, Network, NetworkAcl, NetworkAclEntry
from vpclint.records import record

ID = "VPC408"
NAME = "nacl-entry-shadowed"
SEVERITY = "warning"

TCP = "6"
UDP = "17"
ICMP = "1"
ICMPV6 = "58"
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def check(network: Network) -> Iterator[Problem]:
    for acl in network.network_acls + _default_acls(network):
        for egress in (False, True):
            earlier: list[Known] = []
            for entry in acl.entries_in(egress):
                known = known_entry(entry)
                if known is None:
                    continue
                cover = next(
                    (e for e in earlier if e.number < known.number and covers(e, known)), None
                )
                if cover is not None and not entry.implicit:
                    yield Problem(
                        entry,
                        f"Network ACL entry {entry.logical_id} ({describe(known)}) can never "
                        f"match: {_name(cover)} ({describe(cover)}) comes first in "
                        f"{acl.logical_id} and covers all its traffic; give it a lower rule "
                        f"number than {cover.number} or remove it.",
                    )
                earlier.append(known)


def _default_acls(network: Network) -> list[NetworkAcl]:
    defaults = [vpc.default_network_acl for vpc in network.vpcs]
    return [acl for acl in defaults if acl is not None]


def _name(known: Known) -> str:
    entry = known.entry
    if entry.implicit:
        return f"the default network ACL's rule {known.number}"
    return f"entry {entry.logical_id}"


# -- shared with VPC406 -------------------------------------------------------------------------


@record(frozen=True)
class Known:
    """A network ACL entry whose every field that matters is known."""

    entry: NetworkAclEntry
    number: int
    egress: bool
    allow: bool
    protocol: str
    block: IPNetwork
    low: int  # the port range; 0-65535 where ports do not apply
    high: int
    icmp: tuple[int, int] | None  # (type, code) for ICMP; None when absent or unknown


def known_entry(entry: NetworkAclEntry) -> Known | None:
    """The entry's known fields, or None when the entry is uncertain or any field is unknown."""
    number, egress, action, protocol = entry.rule_number, entry.egress, entry.action, entry.protocol
    if not entry.certain or not _is_int(number) or not isinstance(egress, bool):
        return None
    if action not in ("allow", "deny") or not isinstance(protocol, str):
        return None
    blocks = [_block(value) for value in (entry.cidr_ipv4, entry.cidr_ipv6) if value is not None]
    if len(blocks) != 1 or blocks[0] is None:
        return None
    low, high = 0, 65535
    if protocol in (TCP, UDP):
        if not _is_int(entry.from_port) or not _is_int(entry.to_port):
            return None
        low, high = entry.from_port, entry.to_port  # type: ignore[assignment]
        if not 0 <= low <= high <= 65535:
            return None  # VPC404's
    return Known(
        entry,
        number,
        egress,
        action == "allow",
        protocol,
        blocks[0],
        low,
        high,  # type: ignore[arg-type]
        _icmp(entry.icmp),
    )


def covers(first: Known, later: Known) -> bool:
    """Whether every packet `later` matches is matched by `first`."""
    if first.block.version != later.block.version or not later.block.subnet_of(first.block):  # type: ignore[arg-type]
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


def describe(known: Known) -> str:
    """ "rule 100: allow TCP 443 from 0.0.0.0/0"."""
    names = {TCP: "TCP", UDP: "UDP", ICMP: "ICMP", ICMPV6: "ICMPv6"}
    if known.protocol == ALL_PROTOCOLS:
        what = "all traffic"
    elif known.protocol in (TCP, UDP):
        ports = str(known.low) if known.low == known.high else f"{known.low}-{known.high}"
        what = f"{names[known.protocol]} {ports}"
    else:
        what = names.get(known.protocol, f"protocol {known.protocol}")
    way = "to" if known.egress else "from"
    action = "allow" if known.allow else "deny"
    return f"rule {known.number}: {action} {what} {way} {known.block}"


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _block(value: Any) -> IPNetwork | None:
    if not isinstance(value, str):
        return None
    try:
        return ipaddress.ip_network(value.strip(), strict=False)
    except ValueError:
        return None


def _icmp(value: Any) -> tuple[int, int] | None:
    if not isinstance(value, dict):
        return None
    try:
        kind, code = int(str(value.get("Type"))), int(str(value.get("Code")))
    except ValueError:
        return None
    return kind, code
