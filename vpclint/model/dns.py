"""What decides how names resolve in a VPC besides its endpoints' private DNS: Route 53
Resolver rules associated with it, private hosted zones associated with it, DHCP options that
hand its workloads other DNS servers, and Route 53 Profiles that bring rules and zones along.

A relation to something outside the template is a string (an ID) or Unknown; what the relation
means for a name is `vpclint.judge.names`'s question.
"""

from __future__ import annotations

from typing import Any

from vpclint.model.base import Resource
from vpclint.records import field, record
from vpclint.values import Unknown


@record(eq=False, repr=False)
class ResolverRule(Resource):
    """AWS::Route53Resolver::ResolverRule: queries for `domain` and its subdomains go where
    the rule says (FORWARD, DELEGATE), or are answered by Resolver itself (SYSTEM)."""

    domain: str | Unknown | None = None  # DomainName, or a DELEGATE rule's DelegationRecord
    rule_type: str | Unknown = "FORWARD"
    target_ips: Any = None  # as written: a list of {Ip, Port}, or Unknown


@record(eq=False, repr=False)
class ResolverRuleAssociation(Resource):
    """AWS::Route53Resolver::ResolverRuleAssociation: a rule applied to a VPC."""

    rule: ResolverRule | Unknown | str | None = None
    vpc: Any = None  # Vpc, or an ID or Unknown from outside


@record(frozen=True, eq=False)
class ZoneRecord:
    """A record of a hosted zone written in the template (AWS::Route53::RecordSet, or one of
    an AWS::Route53::RecordSetGroup): its name, and the interface endpoint whose regional DNS
    name (`!Select [0, !GetAtt Endpoint.DnsEntries]`) it answers with, when it does."""

    source: Resource
    name: str | Unknown
    endpoint: Any = None  # VpcEndpoint, or None: it answers with something else (or unknown)


@record(eq=False, repr=False)
class HostedZone(Resource):
    """AWS::Route53::HostedZone: a private zone when it names VPCs, answering for `name` and
    its subdomains in those VPCs, from its records."""

    name: str | Unknown | None = None
    vpcs: list[Any] | Unknown = field(default_factory=list)  # [] for a public zone
    records: list[ZoneRecord] = field(default_factory=list)  # those the template writes
    # Why records the template writes may belong to it unseen (a record naming its zone by
    # name, or by an ID vpclint cannot know); None when every record's zone is known.
    records_unknown: str | None = None


@record(eq=False, repr=False)
class DhcpOptions(Resource):
    """AWS::EC2::DHCPOptions: the DNS servers it hands out ("AmazonProvidedDNS" by default)."""

    name_servers: list[Any] | Unknown = field(default_factory=lambda: ["AmazonProvidedDNS"])


@record(eq=False, repr=False)
class DhcpOptionsAssociation(Resource):
    """AWS::EC2::VPCDHCPOptionsAssociation: a VPC's DHCP options."""

    options: DhcpOptions | Unknown | str | None = None
    vpc: Any = None


@record(eq=False, repr=False)
class ProfileAssociation(Resource):
    """AWS::Route53Profiles::ProfileAssociation: a Route 53 Profile (with the Resolver rules and
    private hosted zones it holds, which the template need not show) applied to a VPC."""

    vpc: Any = None
