"""Security groups, network ACLs and prefix lists, with their rules as AWS reads them.

What these rules let through is judged in `vpclint.judge`; here are the rules themselves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vpclint.model.base import (
    ALL_PROTOCOLS,
    ICMP,
    ICMPV6,
    TCP,
    UDP,
    IPNetwork,
    Resource,
    block_of,
    protocol_label,
)
from vpclint.nodes import Mark
from vpclint.records import field, record
from vpclint.values import Unknown

if TYPE_CHECKING:
    from vpclint.model.vpc import Subnet, Vpc


# -- prefix lists -------------------------------------------------------------------------------


@record(eq=False, repr=False)
class PrefixList(Resource):
    """`AWS::EC2::PrefixList`: a customer-managed list of CIDR blocks."""

    entries: list[Any] | Unknown = field(default_factory=list)  # CIDR strings (or Unknown)

    @property
    def blocks(self) -> list[IPNetwork] | Unknown:
        if isinstance(self.entries, Unknown):
            return self.entries
        blocks = [block_of(entry) for entry in self.entries]
        if any(block is None for block in blocks):
            return Unknown(f"an entry of prefix list {self.logical_id} is not known", self.mark)
        return blocks  # type: ignore[return-value]


# -- security groups ----------------------------------------------------------------------------


@record(eq=False)
class SecurityGroupRule:
    """One ingress or egress rule, from inline properties or a standalone resource."""

    group: SecurityGroup
    direction: str  # "ingress" or "egress"
    mark: Mark
    source_id: str  # the resource that wrote it: the group, or a SecurityGroupIngress/Egress
    protocol: str | Unknown = ALL_PROTOCOLS
    from_port: int | Unknown | None = None
    to_port: int | Unknown | None = None
    cidr_ipv4: Any = None
    cidr_ipv6: Any = None
    # A prefix list: the template's PrefixList, or an ID from outside ("pl-..."), or Unknown.
    prefix_list: PrefixList | Unknown | str | None = None
    peer: SecurityGroup | Unknown | str | None = None  # another group (or an ID outside)
    certain: bool = True
    writer: Resource | None = field(default=None, repr=False, compare=False)

    @property
    def subject(self) -> Resource:
        """The resource that wrote the rule: its group, or a standalone ingress/egress."""
        return self.writer if self.writer is not None else self.group

    @property
    def port_range(self) -> tuple[int, int] | None:
        """The rule's known, valid TCP/UDP port range, or None."""
        low, high = self.from_port, self.to_port
        if not isinstance(low, int) or not isinstance(high, int):
            return None
        if not 0 <= low <= high <= 65535:
            return None
        return low, high

    @property
    def is_all_traffic(self) -> bool:
        """All protocols, or all TCP or UDP ports; False when that is not known."""
        if self.protocol == ALL_PROTOCOLS:
            return True
        return self.protocol in (TCP, UDP) and self.port_range == (0, 65535)

    @property
    def world_block(self) -> str | None:
        """The rule's CIDR as written when its prefix length is 0 (IPv4 or IPv6), else None."""
        for value in (self.cidr_ipv4, self.cidr_ipv6):
            block = block_of(value)
            if block is not None and block.prefixlen == 0:
                return str(value)
        return None

    def describe(self, capital: bool = False) -> str:
        """ "security group Web", or "ingress rule WebSsh of security group Web"."""
        if self.source_id == self.group.logical_id:
            text = f"security group {self.group.logical_id}"
        else:
            text = (
                f"{self.direction} rule {self.source_id} of security group {self.group.logical_id}"
            )
        return text[0].upper() + text[1:] if capital else text

    def summary(self) -> str:
        """ "tcp 443 10.0.0.0/16", "all group AppGroup": what it allows, as written."""
        if self.protocol == ALL_PROTOCOLS:
            what = "all traffic"
        else:
            ports = ""
            if self.protocol in (TCP, UDP):
                low, high = self.from_port, self.to_port
                ports = f" {low}" if low == high else f" {low}-{high}"
            what = protocol_label(self.protocol) + ports
        way = "from" if self.direction == "ingress" else "to"
        return f"{what} {way} {self.peer_text()}"

    def peer_text(self) -> str:
        if self.peer is not None:
            return f"group {_name(self.peer)}"
        if self.prefix_list is not None:
            return f"prefix list {_name(self.prefix_list)}"
        value = self.cidr_ipv4 if self.cidr_ipv4 is not None else self.cidr_ipv6
        return _name(value)


@record(eq=False, repr=False)
class SecurityGroup(Resource):
    vpc: Vpc | None = None
    ingress: list[SecurityGroupRule] = field(default_factory=list)
    explicit_egress: list[SecurityGroupRule] = field(default_factory=list)
    # Unknown when the inline rule lists cannot be read (an import, an undecided Fn::If).
    unreadable: list[Unknown] = field(default_factory=list)
    is_default: bool = False
    members: list[Resource] = field(default_factory=list)
    # Resources vpclint does not model that may sit in this group without naming it (only
    # for a default group: a resource given no security groups).
    possible_members: list[Resource] = field(default_factory=list)

    @property
    def egress(self) -> list[SecurityGroupRule]:
        """Outbound rules: all IPv4 traffic until any egress rule is added, then only those.

        The default rule is made once per group, so that it is the same object every time.
        """
        if self.explicit_egress:
            return self.explicit_egress
        default = self.__dict__.get("_default_egress")
        if default is None:
            rule = SecurityGroupRule(
                self, "egress", self.mark, self.logical_id, cidr_ipv4="0.0.0.0/0"
            )
            default = self.__dict__["_default_egress"] = [rule]
        return default

    def rules(self, direction: str) -> list[SecurityGroupRule]:
        return self.ingress if direction == "ingress" else self.egress


# -- network ACLs ------------------------------------------------------------------------------


@record(eq=False, repr=False)
class NetworkAclEntry(Resource):
    acl: NetworkAcl | None = None
    rule_number: int | Unknown = 0
    egress: bool | Unknown = False
    action: str | Unknown = "allow"  # "allow" or "deny"
    protocol: str | Unknown = ALL_PROTOCOLS
    cidr_ipv4: Any = None
    cidr_ipv6: Any = None
    from_port: int | Unknown | None = None
    to_port: int | Unknown | None = None
    icmp: Any = None

    @property
    def known(self) -> KnownEntry | None:
        """The entry's fields when every one that matters is known; None otherwise."""
        return known_entry(self)


@record(frozen=True)
class KnownEntry:
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

    def describe(self) -> str:
        """ "rule 100: allow TCP 443 from 0.0.0.0/0"."""
        if self.protocol == ALL_PROTOCOLS:
            what = "all traffic"
        elif self.protocol in (TCP, UDP):
            ports = str(self.low) if self.low == self.high else f"{self.low}-{self.high}"
            what = f"{protocol_label(self.protocol)} {ports}"
        else:
            what = protocol_label(self.protocol)
        way = "to" if self.egress else "from"
        action = "allow" if self.allow else "deny"
        return f"rule {self.number}: {action} {what} {way} {self.block}"

    @property
    def name(self) -> str:
        """ "entry InboundHttps", or "the default network ACL's rule 100"."""
        if self.entry.implicit:
            return f"the default network ACL's rule {self.number}"
        return f"entry {self.entry.logical_id}"


def known_entry(entry: NetworkAclEntry) -> KnownEntry | None:
    number, egress, action, protocol = entry.rule_number, entry.egress, entry.action, entry.protocol
    if not entry.certain or not _is_int(number) or not isinstance(egress, bool):
        return None
    if action not in ("allow", "deny") or not isinstance(protocol, str):
        return None
    blocks = [block_of(value) for value in (entry.cidr_ipv4, entry.cidr_ipv6) if value is not None]
    if len(blocks) != 1 or blocks[0] is None:
        return None
    low, high = 0, 65535
    if protocol in (TCP, UDP):
        if not _is_int(entry.from_port) or not _is_int(entry.to_port):
            return None
        low, high = entry.from_port, entry.to_port  # type: ignore[assignment]
        if not 0 <= low <= high <= 65535:
            return None  # VPC404's
    icmp = None
    if protocol in (ICMP, ICMPV6):
        icmp = _icmp(entry.icmp)
    return KnownEntry(
        entry,
        number,  # type: ignore[arg-type]
        egress,
        action == "allow",
        protocol,
        blocks[0],
        low,
        high,
        icmp,
    )


@record(eq=False, repr=False)
class NetworkAcl(Resource):
    vpc: Vpc | None = None
    entries: list[NetworkAclEntry] = field(default_factory=list)
    associations: list[NetworkAclAssociation] = field(default_factory=list)
    is_default: bool = False

    def entries_in(self, egress: bool) -> list[NetworkAclEntry]:
        """Entries of one direction in the order AWS evaluates them (lowest number first).

        Entries whose number or direction is unknown are left out; see `readable`.
        """
        chosen = [e for e in self.entries if e.egress is egress and isinstance(e.rule_number, int)]
        return sorted(chosen, key=lambda entry: entry.rule_number)  # type: ignore[arg-type,return-value]

    def ordered(self, egress: bool) -> tuple[KnownEntry | NetworkAclEntry, ...]:
        """`entries_in(egress)`, each as its `KnownEntry` when every field that matters is
        known (the entry itself otherwise): what `vpclint.judge.network_acls` evaluates.

        Made on first use and kept: the network does not change once it is built.
        """
        cache = self.__dict__.setdefault("_ordered", {})
        if egress not in cache:
            cache[egress] = tuple(entry.known or entry for entry in self.entries_in(egress))
        return cache[egress]  # type: ignore[no-any-return]

    @property
    def readable(self) -> bool:
        """Whether every entry is certain and has a known number and direction."""
        return all(
            entry.certain and isinstance(entry.rule_number, int) and isinstance(entry.egress, bool)
            for entry in self.entries
        )

    @property
    def subnets(self) -> list[Subnet]:
        """The template's subnets that use this ACL."""
        if self.is_default and self.vpc is not None:
            return [s for s in self.vpc.subnets if s.network_acl is self]
        return [a.subnet for a in self.associations if a.subnet is not None]


@record(eq=False, repr=False)
class NetworkAclAssociation(Resource):
    subnet: Subnet | None = None
    acl: NetworkAcl | None = None


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _icmp(value: Any) -> tuple[int, int] | None:
    if not isinstance(value, dict):
        return None
    try:
        kind, code = int(str(value.get("Type"))), int(str(value.get("Code")))
    except ValueError:
        return None
    return kind, code


def _name(value: Any) -> str:
    if isinstance(value, Resource):
        return value.logical_id
    if isinstance(value, Unknown):
        return f"? ({value.reason})"
    return str(value)
