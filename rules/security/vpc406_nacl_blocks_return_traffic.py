"""A network ACL lets a connection through one way but drops its replies the other way.

## What it does
Network ACLs are stateless. Each packet, replies included, is judged on its own by the entries
of its direction in rule-number order: the first entry that matches decides, and a packet no
entry matches meets the final `*` deny (Amazon VPC User Guide, "Network ACL rules"). Replies go
back to the port the client chose for the connection, its ephemeral port: NAT gateways, Elastic
Load Balancing and Lambda functions choose from 1024-65535, Linux from 32768 up, Windows Server
2008 and later from 49152-65535 (Amazon VPC User Guide, "Ephemeral ports").

The rule works out the TCP and UDP connections the template's workloads start and accept, and
asks `vpclint.judge` about every network ACL each one crosses:

- a public NAT gateway forwards whatever the subnets routed to it send to the internet: the
  packets enter its subnet from theirs and leave it for the internet from the NAT gateway's
  own address, and the internet answers to the NAT gateway's ports 1024-65535, which it then
  translates back to the clients (Amazon VPC User Guide, "NAT gateway basics");
- an internet-facing Application or Classic Load Balancer accepts TCP from the internet on its
  listener ports (or, with no listener in the template, on the ports its security groups admit
  from the internet); an internal one accepts them from the VPC;
- instances, network interfaces and other workloads accept what their security groups admit:
  from the internet when they have a public address and a route to an internet gateway, from
  networks their route table reaches through a VPN, transit gateway or peering connection, and
  from workloads in other subnets of the VPC whose egress rules let them start it. They start
  what their egress rules allow towards what their route table reaches (the internet through an
  internet gateway, with a public address, or through a NAT gateway). Interface endpoints
  accept HTTPS from their clients; Lambda functions only start connections.

A connection through a NAT gateway is judged in its own subnet and in the NAT gateway's. A
rule for every port (all traffic, or a range holding every port clients choose for themselves)
says as much about replies as about services: of such a range only the well-known ports below
1024 count as connections. UDP counts only where a security group rule or a network ACL entry
on the way names UDP, not just all traffic: workloads use it mostly with the Amazon DNS server
and time service, whose traffic network ACLs do not filter (Amazon VPC User Guide, "Network
ACL basics"). Workloads of one subnet with the same role and security groups are judged
together.

It reports a network ACL that lets one leg of such a connection through, naming the entry,
while it certainly drops its replies (on ports every client of that kind uses), naming the
deny entry or the final deny. One finding per ACL names up to three connections. A subnet that
holds no workload is judged by its entries alone: an allow for TCP or UDP ports below 1024
(TCP for an allow of all traffic) whose replies no entry of the other direction lets back; an
allow that reaches the ephemeral ports may be the reply rule for the other direction, and
counts only when that direction lets nothing back.

The rule stays silent on whatever it cannot be sure of: a connection that some ACL on its way
drops or may drop, an entry, rule or workload under an undecided `Condition` or with an unknown
value, a subnet whose network ACL or route table is not known, a block an entry covers only in
part, replies dropped only on ports some clients never use, and paths it does not follow (IPv6,
other VPCs of the template, Network Load Balancers, whose listener protocols it does not know).
A VPC's default network ACL, which allows all traffic both ways, is never reported.

## Why it matters
Security groups track connections and let the replies back on their own; network ACLs do not.
An ACL that lets a request through but not its answer breaks the connection silently: clients
time out, load balancer health checks fail, package updates through the NAT gateway hang, DNS
lookups to your own resolver go unanswered. Each entry looks right on its own, so nothing in
the console shows the fault.

## Example
```yaml
PrivateDefaultRoute:               # the private subnets reach the internet through Nat
  Type: AWS::EC2::Route
  Properties: {RouteTableId: !Ref PrivateRoutes, DestinationCidrBlock: 0.0.0.0/0,
               NatGatewayId: !Ref Nat}
PublicInboundFromVpc:              # Nat's subnet lets in only what comes from the VPC
  Type: AWS::EC2::NetworkAclEntry
  Properties: {NetworkAclId: !Ref PublicAcl, RuleNumber: 100, Protocol: -1,
               RuleAction: allow, CidrBlock: 10.0.0.0/16}
PublicOutboundAll:
  Type: AWS::EC2::NetworkAclEntry
  Properties: {NetworkAclId: !Ref PublicAcl, RuleNumber: 100, Egress: true, Protocol: -1,
               RuleAction: allow, CidrBlock: 0.0.0.0/0}
```
The NAT gateway's connections leave for the internet, and the answers to its ports 1024-65535
meet the final deny: every private subnet loses the internet.

## Fix
Allow the replies in the other direction, to the ports the clients use (1024-65535 covers every
kind), from or to the peer's block, with a rule number below any deny that would match them
first. Here: `{RuleNumber: 200, Protocol: 6, RuleAction: allow, CidrBlock: 0.0.0.0/0,
PortRange: {From: 1024, To: 65535}}`, and the same for UDP (`Protocol: 17`) where workloads use
UDP (DNS to your own resolvers, NTP to public servers).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, NamedTuple

from vpclint.findings import Problem
from vpclint.judge.addresses import host, piece_starts
from vpclint.judge.flows import ANY_CLIENT, PORTED, WELL_KNOWN_END, Ephemeral, Flow, Verdict
from vpclint.judge.network_acls import decide, decide_reply, port_segments
from vpclint.model import (
    ALL_PROTOCOLS,
    TCP,
    IPNetwork,
    KnownEntry,
    Network,
    NetworkAcl,
    protocol_label,
)

if TYPE_CHECKING:
    from vpclint.judge.connections import Connection

ID = "VPC406"
NAME = "nacl-blocks-return-traffic"
SEVERITY = "error"


class _Dropped(NamedTuple):
    """A leg the ACL lets through whose replies it drops."""

    label: str
    admitted_by: KnownEntry
    reply: Verdict
    fix: str


def check(network: Network) -> Iterator[Problem]:
    judged: dict[int, NetworkAcl] = {}
    without_workloads: dict[int, NetworkAcl] = {}
    for subnet in network.subnets:
        acl = subnet.network_acl
        if subnet.certain and isinstance(acl, NetworkAcl) and _judged(acl):
            judged[id(acl)] = acl
            if not subnet.workloads:
                without_workloads[id(acl)] = acl
    if not judged:
        return
    # Imported here: only templates that write their own ACLs need the connections worked out.
    from vpclint.judge.connections import connections

    dropped: dict[int, dict[str, _Dropped]] = {}
    for connection in connections(network):
        for acl, item in _dropped_replies(connection):
            if id(acl) in judged:
                dropped.setdefault(id(acl), {}).setdefault(item.label, item)
    for acl in without_workloads.values():
        for item in _entry_drops(acl):
            dropped.setdefault(id(acl), {}).setdefault(item.label, item)
    for key, acl in judged.items():
        items = list(dropped.get(key, {}).values())
        if items:
            yield Problem(acl, _message(acl, items))


def _judged(acl: NetworkAcl) -> bool:
    """A network ACL the template writes, every entry of which is certain and readable; the
    default ACL allows everything both ways. Duplicate rule numbers (VPC407) fail to deploy."""
    if acl.implicit or not acl.certain or not acl.readable:
        return False
    numbers = [(entry.egress, entry.rule_number) for entry in acl.entries]
    return len(set(numbers)) == len(numbers)


def _dropped_replies(connection: Connection) -> Iterator[tuple[NetworkAcl, _Dropped]]:
    """The legs of a connection that certainly happens which an ACL lets through by an entry
    while it drops their replies."""
    from vpclint.judge.connections import admitted

    protocol = connection.protocol
    for low, high, legs in admitted(connection):
        flow = Flow(protocol, low)
        for crossing, acl, verdict in legs:
            if not crossing.judged or not isinstance(verdict.by, KnownEntry):
                continue
            reply = decide_reply(acl, not crossing.egress, flow, crossing.peer, crossing.client)
            if reply.blocks:
                way = "outbound" if crossing.egress else "inbound"
                label = (
                    f"{way} {protocol_label(protocol)} {_ports(low, high)} from "
                    f"{crossing.source} to {crossing.destination}"
                )
                back = not crossing.egress
                fix = _fix(back, protocol, crossing.client, crossing.fix_block, reply)
                yield acl, _Dropped(label, verdict.by, reply, fix)


# -- subnets without workloads: the entries alone -----------------------------------------------


def _entry_drops(acl: NetworkAcl) -> Iterator[_Dropped]:
    """Connections an allow entry admits to ports below 1024 whose replies the other direction
    drops. An entry whose ports reach the ephemeral range may itself let replies through, so
    it counts only when the other direction lets nothing back to its block."""
    blocks = [known.block for known in (entry.known for entry in acl.entries) if known]
    for egress in (False, True):
        for entry in acl.entries_in(egress):
            start = entry.known
            if start is None or not start.allow or start.low > WELL_KNOWN_END:
                continue
            if start.protocol not in (*PORTED, ALL_PROTOCOLS):
                continue
            pieces = [host(address) for address in piece_starts(start.block, blocks)]
            if start.high > WELL_KNOWN_END and _answers(acl, not egress, pieces):
                continue
            yield from _entry_flows(acl, egress, start, pieces)


def _answers(acl: NetworkAcl, egress: bool, pieces: list[IPNetwork]) -> bool:
    """Whether the direction may let some TCP or UDP packet through to or from the pieces."""
    for peer in pieces:
        for protocol in PORTED:
            segments = port_segments(acl, egress, protocol, peer, 0, 65535)
            if isinstance(segments, Verdict) or any(not v.blocks for _, _, v in segments):
                return True
    return False


def _entry_flows(
    acl: NetworkAcl, egress: bool, start: KnownEntry, pieces: list[IPNetwork]
) -> Iterator[_Dropped]:
    # An entry for all traffic names no protocol: TCP only (see Connection.counts).
    protocol = TCP if start.protocol == ALL_PROTOCOLS else start.protocol
    way, towards = ("outbound", "to") if egress else ("inbound", "from")
    high = min(start.high, WELL_KNOWN_END)
    for peer in pieces:
        segments = port_segments(acl, egress, protocol, peer, start.low, high)
        if isinstance(segments, Verdict):
            continue
        for low, _, verdict in segments:
            if not verdict.passes:
                continue
            flow = Flow(protocol, low)
            admitted_by = decide(acl, egress, flow, peer).by
            if not isinstance(admitted_by, KnownEntry) or admitted_by.entry is not start.entry:
                continue
            reply = decide_reply(acl, not egress, flow, peer, ANY_CLIENT)
            if reply.blocks:
                ports = _ports(start.low, high)
                label = f"{way} {protocol_label(protocol)} {ports} {towards} {start.block}"
                fix = _fix(not egress, protocol, ANY_CLIENT, str(start.block), reply)
                yield _Dropped(label, start, reply, fix)
                break


# -- the message --------------------------------------------------------------------------------


def _ports(low: int, high: int) -> str:
    return str(low) if low == high else f"{low}-{high}"


def _fix(egress: bool, protocol: str, client: Ephemeral, block: str, reply: Verdict) -> str:
    """An allow for the replies: `egress` is the direction the replies go."""
    way, towards = ("outbound", "to") if egress else ("inbound", "from")
    low, high = client.possibly
    text = f"an {way} allow for {protocol_label(protocol)} {low}-{high} {towards} {block}"
    if isinstance(reply.by, KnownEntry):
        text += f" numbered below {reply.by.number}"
    return text


def _dropper(reply: Verdict) -> str:
    """ "entry InboundDeny (rule 90: deny all traffic from 0.0.0.0/0) drops its replies to
    ports 49152-60999"."""
    by = reply.by
    who = f"{by.name} ({by.describe()})" if isinstance(by, KnownEntry) else "the final deny (*)"
    where = f" to ports {reply.ports[0]}-{reply.ports[1]}" if reply.ports else ""
    return f"{who} drops its replies{where}"


def _message(acl: NetworkAcl, dropped: list[_Dropped]) -> str:
    shown = [
        f"{item.label}: {item.admitted_by.name} ({item.admitted_by.describe()}) lets it "
        f"through, {_dropper(item.reply)}"
        for item in dropped[:3]
    ]
    if len(dropped) > 3:
        shown.append(f"and {len(dropped) - 3} more")
    fixes = list(dict.fromkeys(item.fix for item in dropped))
    if len(fixes) > 3:
        fixes = [*fixes[:3], f"{len(fixes) - 3} more"]
    return (
        f"Network ACL {acl.logical_id} lets connections through but drops their replies: "
        f"{'; '.join(shown)}. Add {_and(fixes)}."
    )


def _and(items: list[str]) -> str:
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"
