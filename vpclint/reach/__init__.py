"""Can A reach B? `reach` walks a flow through the network hop by hop, as AWS would.

The ends (vpclint.reach.places), the walk (vpclint.reach.walk and the modules it goes on in)
and what it finds (vpclint.reach.answer); the packet semantics it relies on live in
vpclint.judge. Importing this package loads only the answer: the ends and the walk are imported
by the first `reach`, since rules import it whether or not a template gives them anything to
walk.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vpclint.reach.answer import (
    REACHABLE,
    UNKNOWN,
    UNREACHABLE,
    Answer,
    Block,
    Hop,
    ReachError,
)

if TYPE_CHECKING:
    from vpclint.judge.flows import Flow
    from vpclint.model import Network

    # Re-exported for type checkers; __getattr__ imports them when first asked for.
    from vpclint.reach.places import INTERNET as INTERNET
    from vpclint.reach.places import end_of as end_of
    from vpclint.reach.walk import Walk as Walk

__all__ = [
    "INTERNET",
    "REACHABLE",
    "UNKNOWN",
    "UNREACHABLE",
    "Answer",
    "Block",
    "Hop",
    "ReachError",
    "flow_of",
    "reach",
]


def __getattr__(name: str) -> Any:
    """The names of the ends and the walk, imported when first asked for."""
    if name in ("INTERNET", "end_of"):
        from vpclint.reach import places

        return getattr(places, name)
    if name == "Walk":
        from vpclint.reach.walk import Walk

        return Walk
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def reach(
    network: Network, source: str, destination: str, port: int = 443, protocol: str = "tcp"
) -> Answer:
    """Whether `source` can open a connection to `destination` on `protocol`/`port`."""
    from vpclint.reach.places import end_of
    from vpclint.reach.walk import Walk

    flow = flow_of(protocol, port)
    start = end_of(network, source, as_source=True)
    end = end_of(network, destination, as_source=False)
    if start.resource is not None and start.resource is end.resource:
        raise ReachError(f"{source} is both the source and the destination")
    return Walk(network, flow).run(start, end)


def flow_of(protocol: str, port: int | None) -> Flow:
    """The flow a person asks about: TCP or UDP to a port, an ICMP echo, another protocol."""
    from vpclint.judge.flows import ICMP_ECHO_REQUEST, Flow
    from vpclint.model import ALL_PROTOCOLS, normalize_protocol
    from vpclint.values import Unknown

    number = normalize_protocol(protocol)
    if isinstance(number, Unknown):
        raise ReachError(f"{protocol!r} is not a protocol (tcp, udp, icmp or a number)")
    if number == ALL_PROTOCOLS:
        raise ReachError("a packet has one protocol: name tcp, udp, icmp or a number")
    if number in ICMP_ECHO_REQUEST:
        return Flow(number, icmp=(ICMP_ECHO_REQUEST[number], 0))
    if number in ("6", "17"):
        return Flow(number, port)
    return Flow(number)
