"""Blocks of addresses, cut into pieces every filter decides alike, and the internet's addresses.

A filter (a security group rule, an ACL entry, a route) decides by whether an address lies in
its block, so the blocks a network names cut the address space into pieces inside which every
filter decides the same way. Judging one address of each piece is judging them all: exact, and
cheap, since templates name few blocks.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from vpclint.model import IPNetwork

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Blocks that are never the address of a host on the internet (IANA special-purpose registries,
# RFC 6890 and RFC 5156, and multicast): where the internet's addresses are not. The
# documentation blocks (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32) stand for
# public addresses in templates, and count as the internet.
_NOT_INTERNET_V4 = [
    ipaddress.IPv4Network(block)
    for block in (
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.0.0.0/24",
        "192.88.99.0/24",
        "192.168.0.0/16",
        "198.18.0.0/15",
        "224.0.0.0/3",  # multicast and reserved, to the end of the space
    )
]
_INTERNET_V6 = ipaddress.IPv6Network("2000::/3")  # global unicast
_NOT_INTERNET_V6 = [ipaddress.IPv6Network("2002::/16")]
ALL_V4 = ipaddress.IPv4Network("0.0.0.0/0")
ALL_V6 = ipaddress.IPv6Network("::/0")


def host(address: IPAddress) -> IPNetwork:
    """The block of one address."""
    return ipaddress.ip_network(address)


def covers(outer: IPNetwork, inner: IPNetwork) -> bool | None:
    """Whether `outer` holds all of `inner` (True), none of it (False), or part (None)."""
    if outer.version != inner.version:
        return False
    if inner.subnet_of(outer):  # type: ignore[arg-type]
        return True
    return None if outer.overlaps(inner) else False  # type: ignore[arg-type]


def piece_starts(block: IPNetwork, cuts: Iterable[IPNetwork]) -> list[IPAddress]:
    """The first address of each piece that `cuts` divide `block` into."""
    start, end = int(block.network_address), int(block.broadcast_address)
    points = {start}
    for cut in cuts:
        if cut.version != block.version:
            continue
        low, high = int(cut.network_address), int(cut.broadcast_address)
        if start < low <= end:
            points.add(low)
        if start <= high < end:
            points.add(high + 1)
    make = ipaddress.IPv4Address if block.version == 4 else ipaddress.IPv6Address
    return [make(point) for point in sorted(points)]


def internet_addresses(cuts: Iterable[IPNetwork], version: int = 4) -> list[IPAddress]:
    """One internet address in each piece of the internet that `cuts` divide it into."""
    space = ALL_V4 if version == 4 else _INTERNET_V6
    excluded = sorted(
        _NOT_INTERNET_V4 if version == 4 else _NOT_INTERNET_V6,
        key=lambda block: int(block.network_address),
    )
    make = ipaddress.IPv4Address if version == 4 else ipaddress.IPv6Address
    starts = piece_starts(space, cuts)
    ends = [int(start) - 1 for start in starts[1:]] + [int(space.broadcast_address)]
    found = []
    for start, end in zip(starts, ends, strict=True):
        point = int(start)
        for block in excluded:  # in order: step over each that holds the point
            if int(block.network_address) <= point <= int(block.broadcast_address):
                point = int(block.broadcast_address) + 1
        if point <= end:
            found.append(make(point))
    return found


def is_internet(address: IPAddress) -> bool:
    if address.version == 4:
        return not any(address in block for block in _NOT_INTERNET_V4)
    return address in _INTERNET_V6 and not any(address in b for b in _NOT_INTERNET_V6)
