"""What every part of the network shares: resources, where they come from, addresses, protocols."""

from __future__ import annotations

import ipaddress
import re
from enum import Enum
from typing import Any

from vpclint.nodes import MapNode, Mark
from vpclint.records import field, record
from vpclint.values import Unknown

IPv4Network = ipaddress.IPv4Network
IPv6Network = ipaddress.IPv6Network
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class Tier(Enum):
    PUBLIC = "public"
    PRIVATE = "private"
    UNKNOWN = "unknown"


@record(frozen=True)
class Intent:
    """What the author meant a subnet to be, and what says so."""

    tier: Tier
    source: str = ""


@record(frozen=True)
class Origin:
    """Where a resource is declared when the network spans several templates.

    `stack` is the stack's key ("" for a lone template, "network", "Parent/Child" for a nested
    stack), `via` how a nested stack was reached ("main.yaml: NetworkStack"), `construct` the
    CDK construct path (`aws:cdk:path`) when the template was synthesized by the CDK.
    """

    path: str
    stack: str = ""
    via: str = ""
    construct: str | None = None


def qualified(stack: str, logical_id: str) -> str:
    """A resource's key in a network of several stacks: "network/VPC"; "VPC" alone."""
    return f"{stack}/{logical_id}" if stack else logical_id


@record(eq=False)
class Resource:
    """A resource of the template (or one AWS creates implicitly, `implicit=True`)."""

    logical_id: str
    type: str
    mark: Mark
    properties: MapNode = field(default_factory=MapNode, repr=False)
    certain: bool = True
    implicit: bool = False
    depends_on: tuple[str, ...] = ()
    origin: Origin | None = field(default=None, repr=False)

    @property
    def stack(self) -> str:
        return self.origin.stack if self.origin is not None else ""

    @property
    def key(self) -> str:
        """Unique in the network: the logical ID, after the stack's key when there are several."""
        return qualified(self.stack, self.logical_id)

    def mark_of(self, property_name: str) -> Mark:
        """Where a property's value is written, or the resource itself when it is not."""
        return self.properties.value_marks.get(property_name, self.mark)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.key})"


# Parsed blocks by their text: rules ask for the same subnets' blocks again and again, and
# parsing one costs far more than a look-up. Blocks are immutable, so sharing them is safe.
_NETWORKS: dict[str, IPv4Network | None] = {}
_BLOCKS: dict[str, IPNetwork | None] = {}
_CACHED = 65_536  # texts kept at most: a bound on the memory a huge template can make it hold


def network_of(value: Any) -> IPv4Network | None:
    """An IPv4 block from a CIDR string, or None when it is not one (or Unknown)."""
    if not isinstance(value, str):
        return None
    try:
        return _NETWORKS[value]
    except KeyError:
        pass
    try:
        found: IPv4Network | None = ipaddress.IPv4Network(value, strict=False)
    except ValueError:
        found = None
    if len(_NETWORKS) < _CACHED:
        _NETWORKS[value] = found
    return found


def block_of(value: Any) -> IPNetwork | None:
    """An IPv4 or IPv6 block from a CIDR string, or None when it is not one (or Unknown)."""
    if not isinstance(value, str):
        return None
    try:
        return _BLOCKS[value]
    except KeyError:
        pass
    try:
        found: IPNetwork | None = ipaddress.ip_network(value.strip(), strict=False)
    except ValueError:
        found = None
    if len(_BLOCKS) < _CACHED:
        _BLOCKS[value] = found
    return found


# -- protocols and ports ------------------------------------------------------------------------

ALL_PROTOCOLS = "-1"
TCP, UDP, ICMP, ICMPV6 = "6", "17", "1", "58"
_PROTOCOL_NAMES = {"tcp": TCP, "udp": UDP, "icmp": ICMP, "icmpv6": ICMPV6, "all": ALL_PROTOCOLS}
PROTOCOL_LABELS = {TCP: "TCP", UDP: "UDP", ICMP: "ICMP", ICMPV6: "ICMPv6", ALL_PROTOCOLS: "all"}


def normalize_protocol(value: Any) -> str | Unknown:
    """An IP protocol as its number in text ("6"), "-1" for all; names in any case."""
    if isinstance(value, Unknown):
        return value
    if isinstance(value, bool) or value is None:
        return Unknown(f"IpProtocol {value!r} is not a protocol")
    text = str(value).strip().lower()
    if text in _PROTOCOL_NAMES:
        return _PROTOCOL_NAMES[text]
    try:
        number = int(text)
    except ValueError:
        return Unknown(f"IpProtocol {value!r} is not a protocol")
    return ALL_PROTOCOLS if number == -1 else str(number)


def normalize_port(value: Any) -> int | Unknown | None:
    if value is None or isinstance(value, Unknown):
        return value
    try:
        return int(str(value))
    except ValueError:
        return Unknown(f"port {value!r} is not a number")


def protocol_label(protocol: str | Unknown) -> str:
    """ "TCP", "UDP", "all", "protocol 47"."""
    if isinstance(protocol, Unknown):
        return "an unknown protocol"
    return PROTOCOL_LABELS.get(protocol, f"protocol {protocol}")


_REGION = r"^[a-z]{2}(-[a-z]+)+-\d+$"  # compiled when first used (re caches it)


def is_region(text: str) -> bool:
    """Whether a text is a region's name (us-east-1, us-gov-west-1, cn-north-1)."""
    return re.match(_REGION, text) is not None
