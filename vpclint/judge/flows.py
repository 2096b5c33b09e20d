"""Flows, the peers filters see, the ephemeral ports replies go to, and verdicts.

Ephemeral ports (Amazon VPC User Guide, "Ephemeral ports",
https://docs.aws.amazon.com/vpc/latest/userguide/nacl-ephemeral-ports.html): NAT gateways,
Elastic Load Balancing and AWS Lambda functions use 1024-65535; many Linux kernels (the Amazon
Linux kernel included) 32768-61000; Windows Server 2008 and later 49152-65535 (Windows through
Server 2003, long out of support, 1025-5000). A client of unknown kind surely uses 49152-60999
(both families pick from it: Linux's default `ip_local_port_range` ends at 60999, not 61000)
and possibly any port from 1024.
"""

from __future__ import annotations

from typing import Any

from vpclint.model import ICMP, ICMPV6, TCP, UDP, IPNetwork, protocol_label
from vpclint.records import record
from vpclint.values import Unknown

PORTED = (TCP, UDP)  # the protocols with ports
WELL_KNOWN_END = 1023  # ports below 1024: no client picks them as its own
ICMP_ECHO_REQUEST = {ICMP: 8, ICMPV6: 128}
ICMP_ECHO_REPLY = {ICMP: 0, ICMPV6: 129}


@record(frozen=True)
class Flow:
    """One direction of a connection: a protocol and its destination port (or ICMP type/code).

    A flow has one protocol: "6" (TCP), "17" (UDP), "1" (ICMP), "58" (ICMPv6) or another number.
    """

    protocol: str
    port: int | None = None  # the destination port of TCP and UDP
    icmp: tuple[int, int] | None = None  # the ICMP type and code

    @property
    def has_ports(self) -> bool:
        return self.protocol in (TCP, UDP)

    def label(self) -> str:
        """ "TCP 443", "ICMP echo", "protocol 47"."""
        name = protocol_label(self.protocol)
        if self.has_ports and self.port is not None:
            return f"{name} {self.port}"
        if self.icmp is not None:
            kind = self.icmp[0]
            if kind in ICMP_ECHO_REQUEST.values():
                return f"{name} echo"
            if kind in ICMP_ECHO_REPLY.values():
                return f"{name} echo reply"
            return f"{name} type {kind}"
        return name

    def reply(self, port: int | None) -> Flow | None:
        """The reply leg to the client's port; None when the protocol has no reply (ICMP
        messages other than echo requests)."""
        if self.has_ports:
            return Flow(self.protocol, port)
        if self.icmp is not None:
            reply = ICMP_ECHO_REPLY.get(self.protocol)
            if self.icmp[0] == ICMP_ECHO_REQUEST.get(self.protocol) and reply is not None:
                return Flow(self.protocol, icmp=(reply, 0))
            return None
        return Flow(self.protocol)


@record(frozen=True)
class Ephemeral:
    """The source ports a kind of client picks for its connections, where replies go back.

    `surely`: ports every client of this kind uses (replies dropped there fail for certain);
    `possibly`: ports some client of the kind may use.
    """

    who: str
    surely: tuple[int, int]
    possibly: tuple[int, int]


WHOLE_RANGE = (1024, 65535)
ANY_CLIENT = Ephemeral("clients", (49152, 60999), WHOLE_RANGE)
NAT_GATEWAY_CLIENT = Ephemeral("a NAT gateway", WHOLE_RANGE, WHOLE_RANGE)
LOAD_BALANCER_CLIENT = Ephemeral("a load balancer", WHOLE_RANGE, WHOLE_RANGE)
LAMBDA_CLIENT = Ephemeral("a Lambda function", WHOLE_RANGE, WHOLE_RANGE)


@record(frozen=True, eq=False)
class Peer:
    """The other end of a flow as a filter sees it.

    `block`: its addresses (a /32 for one address), None when not known. `groups`: its security
    groups when a group rule could match them (None: it has none, such as the internet or a NAT
    gateway). `service`: an AWS service, at its public addresses; `prefix_list` when it is
    reached through its gateway endpoint, whose routes hold the service's prefix list.
    """

    name: str
    block: IPNetwork | None = None
    groups: Any = None
    service: str | None = None
    vpc: Any = None  # the VPC it sits in, when it is in one
    prefix_list: bool = False


@record(frozen=True)
class Verdict:
    """Whether a filter or a table lets a flow through, and what decided.

    `by` is the security group rule, network ACL entry or route that decided, or None when a
    default decided (no rule matched; the final deny). `why` says it in words. `ports`, on a
    verdict about replies (`network_acls.decide_reply`), is the range of the client's ports
    where the replies are dropped (or may be, when the verdict is Unknown).
    """

    allowed: bool | Unknown
    by: Any = None
    why: str = ""
    ports: tuple[int, int] | None = None

    @property
    def passes(self) -> bool:
        return self.allowed is True

    @property
    def blocks(self) -> bool:
        return self.allowed is False
