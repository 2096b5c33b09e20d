"""What decides how names resolve in a VPC: Resolver rules and their associations, private hosted
zones, DHCP options and their associations, Route 53 Profile associations."""

from __future__ import annotations

from typing import Any

from vpclint.builder.core import Builder, Constructor
from vpclint.builder.endpoints import dns_entries_read
from vpclint.model import Resource, Vpc, VpcEndpoint, qualified
from vpclint.model.dns import (
    DhcpOptions,
    DhcpOptionsAssociation,
    HostedZone,
    ProfileAssociation,
    ResolverRule,
    ResolverRuleAssociation,
    ZoneRecord,
)
from vpclint.values import Unknown


def _text(value: Any) -> str | Unknown | None:
    if value is None or isinstance(value, (str, Unknown)):
        return value
    return Unknown(f"{value!r} is not a name")


def resolver_rule(b: Builder, base: Resource) -> None:
    props = base.properties
    rule_type = props.get("RuleType", "FORWARD")
    domain = props.get("DomainName")
    if domain is None:
        domain = props.get("DelegationRecord")
    b.make(
        ResolverRule,
        base,
        domain=_text(domain),
        rule_type=rule_type.upper() if isinstance(rule_type, str) else _text(rule_type),
        target_ips=props.get("TargetIps"),
    )


def rule_association(b: Builder, base: Resource) -> None:
    props = base.properties
    made = b.make(ResolverRuleAssociation, base)
    b.network.dns_settings.append(made)

    def wire() -> None:
        made.rule = b.refer(props.get("ResolverRuleId"), ResolverRule)
        made.vpc = b.refer(props.get("VPCId"), Vpc)

    b.wiring.append(wire)


def hosted_zone(b: Builder, base: Resource) -> None:
    props = base.properties
    made = b.make(HostedZone, base, name=_text(props.get("Name")))
    b.network.dns_settings.append(made)
    vpcs = props.get("VPCs")

    def wire() -> None:
        if vpcs is None:
            return  # a public zone
        if not isinstance(vpcs, list):
            made.vpcs = vpcs if isinstance(vpcs, Unknown) else Unknown("the VPCs are not known")
            return
        found: list[Any] = []
        for item in vpcs:
            value = item.get("VPCId") if isinstance(item, dict) else item
            found.append(b.refer(value, Vpc))
        made.vpcs = found

    b.wiring.append(wire)


def record_set(b: Builder, base: Resource) -> None:
    """A record (AWS::Route53::RecordSet) or records (AWS::Route53::RecordSetGroup), kept on
    the template's zone they go into."""
    props = base.properties
    b.register(base)

    def wire() -> None:
        pairs: list[tuple[Any, Any]] | None = [(b.body_of(base).get("Properties"), props)]
        if base.type == "AWS::Route53::RecordSetGroup":
            written, resolved = b.raw(base, "RecordSets"), props.get("RecordSets")
            pairs = None  # an Fn::If that drops a record set leaves the two unmatched
            matched = isinstance(written, list) and isinstance(resolved, list)
            if matched and len(written) == len(resolved):
                pairs = list(zip(written, resolved, strict=True))
        zone = b.lookup(props.get("HostedZoneId"), HostedZone)
        if zone is None:
            _zones_may_hold(b, base, props)
            return
        if pairs is None:
            zone.records_unknown = f"the records of {base.logical_id} are not known"
            return
        for raw, values in pairs:
            name = _text(values.get("Name")) if isinstance(values, dict) else None
            zone.records.append(
                ZoneRecord(base, name or Unknown("no name"), _regional_name_of(b, base, raw))
            )

    b.wiring.append(wire)


def _zones_may_hold(b: Builder, base: Resource, props: Any) -> None:
    """A record whose zone is not one vpclint can point at: every zone of the template it may
    go into (by the name it gives, or any) no longer shows all its records."""
    wanted = props.get("HostedZoneName")
    for setting in b.network.dns_settings:
        if not isinstance(setting, HostedZone):
            continue
        if isinstance(wanted, str) and isinstance(setting.name, str):
            if wanted.rstrip(".").lower() != setting.name.rstrip(".").lower():
                continue
        elif isinstance(props.get("HostedZoneId"), str):
            continue  # a zone outside the template, named by its ID
        setting.records_unknown = f"{base.logical_id} may add records to it"


def _regional_name_of(b: Builder, base: Resource, raw: Any) -> VpcEndpoint | None:
    """The interface endpoint whose regional DNS name (the first of its `DnsEntries`) the
    record answers with, when that is the only endpoint name it reads."""
    read = list(dns_entries_read(raw))
    if len(read) < 1 or any(pair != read[0] for pair in read):
        return None
    logical_id, index = read[0]
    found = b.network.resources.get(qualified(base.stack, logical_id))
    return found if isinstance(found, VpcEndpoint) and index == 0 else None


def dhcp_options(b: Builder, base: Resource) -> None:
    servers = base.properties.get("DomainNameServers", ["AmazonProvidedDNS"])
    if not isinstance(servers, (list, Unknown)):
        servers = Unknown(f"{servers!r} is not a list of servers")
    b.make(DhcpOptions, base, name_servers=servers)


def dhcp_association(b: Builder, base: Resource) -> None:
    props = base.properties
    made = b.make(DhcpOptionsAssociation, base)
    b.network.dns_settings.append(made)

    def wire() -> None:
        made.options = b.refer(props.get("DhcpOptionsId"), DhcpOptions)
        made.vpc = b.refer(props.get("VpcId"), Vpc)

    b.wiring.append(wire)


def profile_association(b: Builder, base: Resource) -> None:
    made = b.make(ProfileAssociation, base)
    b.network.dns_settings.append(made)

    def wire() -> None:
        made.vpc = b.refer(base.properties.get("ResourceId"), Vpc)

    b.wiring.append(wire)


CONSTRUCTORS: dict[str, Constructor] = {
    "AWS::Route53Resolver::ResolverRule": resolver_rule,
    "AWS::Route53Resolver::ResolverRuleAssociation": rule_association,
    "AWS::Route53::HostedZone": hosted_zone,
    "AWS::Route53::RecordSet": record_set,
    "AWS::Route53::RecordSetGroup": record_set,
    "AWS::EC2::DHCPOptions": dhcp_options,
    "AWS::EC2::VPCDHCPOptionsAssociation": dhcp_association,
    "AWS::Route53Profiles::ProfileAssociation": profile_association,
}
