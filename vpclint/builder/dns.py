"""What decides how names resolve in a VPC: Resolver rules and their associations, private hosted
zones, DHCP options and their associations, Route 53 Profile associations."""

from __future__ import annotations

from typing import Any

from vpclint.builder.core import Builder, Constructor
from vpclint.model import (
    DhcpOptions,
    DhcpOptionsAssociation,
    HostedZone,
    ProfileAssociation,
    ResolverRule,
    ResolverRuleAssociation,
    Resource,
    Vpc,
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
    "AWS::EC2::DHCPOptions": dhcp_options,
    "AWS::EC2::VPCDHCPOptionsAssociation": dhcp_association,
    "AWS::Route53Profiles::ProfileAssociation": profile_association,
}
