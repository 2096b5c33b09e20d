"""What decided a path, as entries of the template that can be looked for in the other version.

A walk's hops carry the entry the semantics layer named as deciding (a route, a security group
rule, a network ACL entry) and the subnet whose route table or ACL it was. An entry is known by
what it says, not by where it is written (so reordering or reformatting a template changes no
entry): a route by its table, destination and target; a rule by its group, direction, protocol,
ports and peer; an ACL entry by its ACL, number, direction, action, protocol, ports and block.
The association that gives a subnet its route table or ACL is an entry too.
"""

from __future__ import annotations

from typing import Any

from vpclint.model import (
    Network,
    NetworkAclEntry,
    Resource,
    Route,
    SecurityGroupRule,
    Subnet,
    protocol_label,
)
from vpclint.records import record
from vpclint.values import Unknown


@record(frozen=True)
class Entry:
    """An entry of one version: what identifies it, what it says, and where it is written."""

    identity: tuple[Any, ...]
    owner: str  # the logical ID of what holds it: a route table, a group, an ACL, a subnet
    text: str  # what it says: "0.0.0.0/0 → internet gateway InternetGateway"
    resource: str  # the resource that writes it (its key)
    path: str
    line: int


def entry_of(by: Any) -> Entry | None:
    """The entry behind a hop's deciding object; None for a default or what is not an entry."""
    if isinstance(by, Route):
        return _route(by)
    if isinstance(by, SecurityGroupRule):
        return _rule(by)
    entry = getattr(by, "entry", by)  # a KnownEntry wraps the ACL entry
    if isinstance(entry, NetworkAclEntry):
        return _acl_entry(entry)
    return None


def association(subnet: Subnet, kind: str) -> Entry:
    """Which route table (kind "route table") or network ACL ("network ACL") a subnet uses, and
    the association (or the VPC's main table or default ACL) that makes it so."""
    if kind == "route table":
        used: Any = subnet.route_table
        written = [a for a in subnet.associations if a.route_table is used]
        implicit = "the main route table"
    else:
        used = subnet.network_acl
        written = [a for a in subnet.acl_associations if a.acl is used]
        implicit = "the default network ACL"
    name = "?" if isinstance(used, Unknown) else used.logical_id
    if written:
        where: Resource = written[0]
        text = f"{kind} {name} (association {where.logical_id})"
    else:
        where = subnet
        text = f"{implicit} {name}" if not isinstance(used, Unknown) else f"an unknown {kind}"
    return Entry(
        ("association", kind, subnet.key, _key(used)),
        subnet.logical_id,
        text,
        where.key,
        _path(where),
        where.mark.line,
    )


def index(network: Network | None) -> set[tuple[Any, ...]]:
    """The identities of every entry of a network, to look an entry up in the other version."""
    found: set[tuple[Any, ...]] = set()
    if network is None:
        return found
    for route in network.routes:
        found.add(_route(route).identity)
    for group in network.all_security_groups:
        for rule in group.ingress + group.egress:
            found.add(_rule(rule).identity)
    for entry in network.network_acl_entries:
        found.add(_acl_entry(entry).identity)
    for subnet in network.subnets:
        found.add(association(subnet, "route table").identity)
        found.add(association(subnet, "network ACL").identity)
    return found


def _route(route: Route) -> Entry:
    table = route.route_table
    target = route.target
    aim = target.resource.key if target.resource is not None else _text(target.value)
    identity = ("route", _key(table), _text(route.destination), target.kind.value, aim)
    if target.resource is not None:
        text = f"{_text(route.destination)} → {target.kind.value} {target.resource.logical_id}"
    elif isinstance(target.value, str):
        text = f"{_text(route.destination)} → {target.kind.value} {target.value}"
    else:  # a target only AWS knows: an import, a parameter without default
        text = f"{_text(route.destination)} → a target vpclint cannot know"
    owner = table.logical_id if table is not None else "?"
    return Entry(identity, owner, text, route.key, _path(route), route.mark.line)


def _rule(rule: SecurityGroupRule) -> Entry:
    group = rule.group
    peer: Any = rule.peer if rule.peer is not None else rule.prefix_list
    identity = (
        "rule",
        group.key,
        rule.direction,
        _text(rule.protocol),
        _text(rule.from_port),
        _text(rule.to_port),
        _text(rule.cidr_ipv4),
        _text(rule.cidr_ipv6),
        _key(peer) if isinstance(peer, Resource) else _text(peer),
    )
    subject = rule.subject
    text = f"{rule.direction} {rule.summary()}"
    if not rule.group.explicit_egress and rule.direction == "egress":
        text += " (the default egress rule)"
    return Entry(identity, group.logical_id, text, subject.key, _path(subject), rule.mark.line)


def _acl_entry(entry: NetworkAclEntry) -> Entry:
    acl = entry.acl
    identity = (
        "acl entry",
        _key(acl),
        _text(entry.rule_number),
        _text(entry.egress),
        _text(entry.action),
        _text(entry.protocol),
        _text(entry.cidr_ipv4),
        _text(entry.cidr_ipv6),
        _text(entry.from_port),
        _text(entry.to_port),
        _text(entry.icmp),
    )
    direction = "outbound" if entry.egress is True else "inbound"
    ports = ""
    if entry.from_port is not None:
        low, high = entry.from_port, entry.to_port
        ports = f" {low}" if low == high else f" {low}-{high}"
    block = entry.cidr_ipv4 if entry.cidr_ipv4 is not None else entry.cidr_ipv6
    text = (
        f"{direction} rule {_text(entry.rule_number)} {_text(entry.action)} "
        f"{protocol_label(entry.protocol)}{ports} {'from' if direction == 'inbound' else 'to'} "
        f"{_text(block)}"
    )
    owner = acl.logical_id if acl is not None else "?"
    return Entry(identity, owner, text, entry.key, _path(entry), entry.mark.line)


def _key(value: Any) -> str:
    return value.key if isinstance(value, Resource) else _text(value)


def _text(value: Any) -> str:
    if isinstance(value, Unknown):
        return "?"
    if isinstance(value, Resource):
        return value.logical_id
    return str(value)


def _path(resource: Resource) -> str:
    return resource.origin.path if resource.origin is not None else ""
