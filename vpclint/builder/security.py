"""Security groups and their rules (inline and standalone), network ACLs with their entries and
associations, and prefix lists."""

from __future__ import annotations

from typing import Any

from vpclint.builder.core import Builder, Constructor, as_bool
from vpclint.model import (
    NetworkAcl,
    NetworkAclAssociation,
    NetworkAclEntry,
    PrefixList,
    Resource,
    SecurityGroup,
    SecurityGroupRule,
    Subnet,
    Vpc,
    normalize_port,
    normalize_protocol,
)
from vpclint.nodes import Mark
from vpclint.values import NO_VALUE, Unknown, alternatives


def security_group(b: Builder, base: Resource) -> None:
    group = b.make(SecurityGroup, base)
    b.network.security_groups.append(group)

    def wire() -> None:
        props = base.properties
        group.vpc = b.lookup(props.get("VpcId"), Vpc)
        for direction, key in (
            ("ingress", "SecurityGroupIngress"),
            ("egress", "SecurityGroupEgress"),
        ):
            if key in props:
                _inline_rules(b, group, direction, props[key], props.value_marks.get(key))

    b.wiring.append(wire)


def _inline_rules(
    b: Builder, group: SecurityGroup, direction: str, value: Any, mark: Mark | None
) -> None:
    mark = mark or group.mark
    if isinstance(value, Unknown) and not value.options:
        group.unreadable.append(value)
        return
    undecided = isinstance(value, Unknown)
    for option in alternatives(value):
        if option is NO_VALUE:
            continue
        if not isinstance(option, list):
            group.unreadable.append(Unknown(f"{direction} rules are not a list", mark))
            continue
        marks = getattr(option, "item_marks", [])
        for index, item in enumerate(option):
            item_mark = marks[index] if index < len(marks) else mark
            if isinstance(item, Unknown) and not alternatives(item):
                group.unreadable.append(item)
            for body in alternatives(item):
                if body is NO_VALUE:
                    continue
                certain = group.certain and not undecided and not isinstance(item, Unknown)
                _add_rule(b, group, direction, body, item_mark, None, certain)


def standalone_rule(b: Builder, base: Resource) -> None:
    direction = "ingress" if base.type.endswith("Ingress") else "egress"
    b.register(base)

    def wire() -> None:
        group = b.group_of(base.properties.get("GroupId"))
        if group is None:
            return
        _add_rule(b, group, direction, base.properties, base.mark, base, base.certain)

    b.wiring.append(wire)


def _add_rule(
    b: Builder,
    group: SecurityGroup,
    direction: str,
    body: Any,
    mark: Mark,
    writer: Resource | None,
    certain: bool,
) -> None:
    if not isinstance(body, dict):
        group.unreadable.append(Unknown(f"a {direction} rule that is not a mapping", mark))
        return
    prefix = "Source" if direction == "ingress" else "Destination"
    peer_value = body.get(f"{prefix}SecurityGroupId", body.get(f"{prefix}SecurityGroupName"))
    peer: SecurityGroup | Unknown | str | None = None
    if peer_value is not None:
        peer = b.group_of(peer_value) or (
            peer_value if isinstance(peer_value, (str, Unknown)) else Unknown("unknown peer")
        )
    prefix_list = body.get(f"{prefix}PrefixListId")
    rule = SecurityGroupRule(
        group=group,
        direction=direction,
        mark=mark,
        source_id=writer.logical_id if writer is not None else group.logical_id,
        protocol=normalize_protocol(body.get("IpProtocol")),
        from_port=normalize_port(body.get("FromPort")),
        to_port=normalize_port(body.get("ToPort")),
        cidr_ipv4=body.get("CidrIp"),
        cidr_ipv6=body.get("CidrIpv6"),
        prefix_list=None if prefix_list is None else b.refer(prefix_list, PrefixList),
        peer=peer,
        certain=certain,
        writer=writer,
    )
    (group.ingress if direction == "ingress" else group.explicit_egress).append(rule)


def prefix_list(b: Builder, base: Resource) -> None:
    entries = base.properties.get("Entries")
    if isinstance(entries, list):
        cidrs: list[Any] | Unknown = [
            entry.get("Cidr") if isinstance(entry, dict) else Unknown("an entry is not readable")
            for entry in entries
        ]
    elif entries is None:
        cidrs = []
    else:
        cidrs = entries if isinstance(entries, Unknown) else Unknown("the entries are not a list")
    b.network.prefix_lists.append(b.make(PrefixList, base, entries=cidrs))


# -- network ACLs -------------------------------------------------------------------------------


def network_acl(b: Builder, base: Resource) -> None:
    acl = b.make(NetworkAcl, base)
    b.network.network_acls.append(acl)

    def wire() -> None:
        acl.vpc = b.lookup(base.properties.get("VpcId"), Vpc)

    b.wiring.append(wire)


def network_acl_entry(b: Builder, base: Resource) -> None:
    props = base.properties
    ports = props.get("PortRange")
    ports = ports if isinstance(ports, dict) else {}
    action = props.get("RuleAction")
    entry = b.make(
        NetworkAclEntry,
        base,
        rule_number=_number(props.get("RuleNumber")),
        egress=as_bool(props.get("Egress"), False),
        action=action.lower() if isinstance(action, str) else Unknown("unknown action"),
        protocol=normalize_protocol(props.get("Protocol")),
        cidr_ipv4=props.get("CidrBlock"),
        cidr_ipv6=props.get("Ipv6CidrBlock"),
        from_port=normalize_port(ports.get("From")),
        to_port=normalize_port(ports.get("To")),
        icmp=props.get("Icmp"),
    )
    b.network.network_acl_entries.append(entry)

    def wire() -> None:
        entry.acl = b.acl_of(props.get("NetworkAclId"))
        if entry.acl is not None:
            entry.acl.entries.append(entry)

    b.wiring.append(wire)


def acl_association(b: Builder, base: Resource) -> None:
    association = b.make(NetworkAclAssociation, base)

    def wire() -> None:
        props = base.properties
        association.subnet = b.lookup(props.get("SubnetId"), Subnet)
        association.acl = b.acl_of(props.get("NetworkAclId"))
        if association.subnet:
            association.subnet.acl_associations.append(association)
        if association.acl:
            association.acl.associations.append(association)

    b.wiring.append(wire)


def _number(value: Any) -> int | Unknown:
    if isinstance(value, Unknown):
        return value
    try:
        return int(str(value))
    except ValueError:
        return Unknown(f"{value!r} is not a number")


CONSTRUCTORS: dict[str, Constructor] = {
    "AWS::EC2::SecurityGroup": security_group,
    "AWS::EC2::SecurityGroupIngress": standalone_rule,
    "AWS::EC2::SecurityGroupEgress": standalone_rule,
    "AWS::EC2::PrefixList": prefix_list,
    "AWS::EC2::NetworkAcl": network_acl,
    "AWS::EC2::NetworkAclEntry": network_acl_entry,
    "AWS::EC2::SubnetNetworkAclAssociation": acl_association,
}
