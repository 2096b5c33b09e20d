"""How a workload in a VPC resolves an AWS service's name: to an interface endpoint of the VPC
through private DNS, to the service's public addresses, or somewhere the template does not show.

The facts it rests on:

- Private DNS of an interface endpoint associates a private hosted zone with the VPC that
  answers the service's default name (`ssm.us-east-1.amazonaws.com`) with the endpoint's
  addresses, when the endpoint's `PrivateDnsEnabled` and the VPC's `enableDnsSupport` and
  `enableDnsHostnames` are all on; otherwise the name resolves to the service's public
  addresses (Amazon EC2 API Reference, "CreateVpcEndpoint", PrivateDnsEnabled,
  https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpcEndpoint.html).
- A Route 53 Resolver rule associated with a VPC applies to its domain and every subdomain, the
  most specific rule winning; a forwarding rule sends those queries to DNS servers of the
  author's choosing, and one for a domain Resolver would answer itself still takes it over; a
  system rule leaves them to Resolver (Route 53 Developer Guide, "How Resolver determines
  whether the domain name in a query matches any rules",
  https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver-overview-forward-vpc-to-network-domain-name-matches.html,
  and "Using rules to control which queries are forwarded to your network",
  https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver-overview-forward-vpc-to-network-using-rules.html).
  Forwarding the region's service names to a hub VPC whose endpoints serve them is how
  interface endpoints are shared over a transit gateway.
- A private hosted zone associated with a VPC answers its name and subdomains there, and a
  name it holds no record for gets NXDOMAIN, not the public answer (Route 53 Developer Guide,
  "Considerations when working with a private hosted zone",
  https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/hosted-zone-private-considerations.html).
- DHCP options other than `AmazonProvidedDNS` hand the VPC's workloads other DNS servers
  (Amazon EC2 API Reference, "CreateDhcpOptions",
  https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateDhcpOptions.html); a Route 53
  Profile associated with a VPC brings the private hosted zones and Resolver rules it holds
  (Route 53 Developer Guide, "Associate a Route 53 Profile to VPCs",
  https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/profile-associate-vpcs.html).

Where one of these decides (or may decide, because what it names is not known) where a
service's name leads, the answer is not known: the DNS servers beyond a Resolver rule or DHCP
options are not followed. One case shows the whole path: a private hosted zone of the VPC,
the only setting that decides, whose one record for the name answers with the regional DNS
name of an interface endpoint of the template (`!Select [0, !GetAtt Endpoint.DnsEntries]`,
the way endpoints of a hub VPC are shared with spokes): the name leads to that endpoint.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from vpclint.model import EndpointType, Network, Resource, Vpc, VpcEndpoint
from vpclint.records import record
from vpclint.resolver import url_suffix_of
from vpclint.values import Unknown

if TYPE_CHECKING:
    # Imported where a template has DNS settings (see decided_elsewhere).
    from vpclint.model.dns import ResolverRuleAssociation

AMAZON_DNS = "amazonprovideddns"


@record(frozen=True)
class Elsewhere:
    """What in the template decides, or may decide, where a service's name leads, and how."""

    setting: Resource
    reason: str
    # When the template shows where the name leads: the interface endpoint a record of a
    # private hosted zone answers with (the name then leads there, as private DNS would).
    endpoint: VpcEndpoint | None = None


def service_names(service: str, region: str) -> tuple[str, ...]:
    """The DNS names a service is called by in a region: `ssm.us-east-1.amazonaws.com`;
    `api.ecr.us-east-1.amazonaws.com` for ecr.api (the parts of the service turned round).
    Both orders are kept: a name too many only makes an answer unknown, never wrong."""
    suffix = url_suffix_of(region)
    parts = service.lower().split(".")
    names = [".".join(reversed(parts)), ".".join(parts)]
    return tuple(dict.fromkeys(f"{name}.{region}.{suffix}" for name in names))


def covers(domain: str, names: Iterable[str]) -> bool:
    """Whether queries for one of the names (or a name under one, such as a bucket's) fall
    under the domain: the domain is the name, a parent of it, or under it; "." covers all."""
    wanted = domain.strip().rstrip(".").lower()
    if not wanted:
        return True
    return any(
        name == wanted or name.endswith("." + wanted) or wanted.endswith("." + name)
        for name in names
    )


def decided_elsewhere(
    network: Network, vpc: Vpc | None, service: str | None = None
) -> Elsewhere | None:
    """The first setting of the template that decides, or may decide, where the VPC's
    workloads send the service's name (without a service: the name of some AWS service of
    the region): a Resolver rule (not a system rule), a private hosted zone, DHCP options
    with other DNS servers, a Route 53 Profile. Its `endpoint` is set when the template shows
    where the name leads (see _zone_answer). None when the VPC's own endpoints and the public
    answer are all there is."""
    if not network.dns_settings:
        return None
    if service is None:
        names: tuple[str, ...] = (f"{network.region}.{url_suffix_of(network.region)}",)
        shown = f"the names of AWS services (*.{names[0]})"
    else:
        names = service_names(service, network.region)
        shown = names[0]
    found: list[tuple[Resource, str, str]] = []
    for setting in network.dns_settings:
        where = _applies_to(setting, vpc)
        if where is None:
            continue
        reason = _decides(setting, names, shown, where)
        if reason is not None:
            found.append((setting, where, reason))
    if not found:
        return None
    setting, where, reason = found[0]
    if len(found) == 1 and service is not None and vpc is not None:
        shown_whole = _zone_answer(network, vpc, service, setting, where, names)
        if shown_whole is not None:
            return shown_whole
    return Elsewhere(setting, reason)


def _zone_answer(
    network: Network,
    vpc: Vpc,
    service: str,
    zone: Resource,
    where: str,
    names: tuple[str, ...],
) -> Elsewhere | None:
    """Where a private hosted zone, the only setting that decides, certainly sends the
    service's name: the interface endpoint its one record for the name answers with, when
    the zone and record are certainly created, the zone is certainly the VPC's, every record
    it may hold is in the template, and the VPC has no endpoint of its own whose private DNS
    may answer for the name too."""
    from vpclint.model.dns import HostedZone

    if not isinstance(zone, HostedZone) or not zone.certain or zone.records_unknown:
        return None
    if where != f"VPC {vpc.logical_id}" or vpc.dns_support is not True:
        return None  # a private hosted zone needs both DNS attributes of the VPC on
    if vpc.dns_hostnames is not True:
        return None
    own = interface_endpoint(network, vpc, service)
    if own is not None and own[1] is not False:
        return None
    relevant = [
        record
        for record in zone.records
        if not isinstance(record.name, str) or covers(record.name.lstrip("*."), names)
    ]
    if len(relevant) != 1:
        return None
    record = relevant[0]
    endpoint = record.endpoint
    if not isinstance(record.name, str) or record.name.rstrip(".").lower() != names[0]:
        return None
    if not record.source.certain or not isinstance(endpoint, VpcEndpoint):
        return None
    if endpoint.endpoint_type is not EndpointType.INTERFACE or not endpoint.certain:
        return None
    return Elsewhere(
        zone,
        f"private hosted zone {zone.logical_id} of {where} answers {names[0]} with record "
        f"{record.source.logical_id}: the regional name of interface endpoint "
        f"{endpoint.logical_id}",
        endpoint,
    )


def _applies_to(setting: Any, vpc: Vpc | None) -> str | None:
    """How the setting applies to the VPC ("VPC Spoke", "a VPC that may be VPC Spoke"), or
    None when it certainly does not."""
    from vpclint.model.dns import HostedZone

    label = f"VPC {vpc.logical_id}" if vpc is not None else "the subnet's VPC"
    if isinstance(setting, HostedZone):
        vpcs = setting.vpcs
        if isinstance(vpcs, Unknown):
            return f"VPCs that may include {label} ({vpcs.reason})"
        if any(item is vpc and vpc is not None for item in vpcs):
            return label
        if any(isinstance(item, Unknown) for item in vpcs):
            return f"a VPC that may be {label}"
        return None
    target = getattr(setting, "vpc", None)
    if target is vpc and vpc is not None:
        return label
    if isinstance(target, Unknown):
        return f"a VPC that may be {label} ({target.reason})"
    return None  # another VPC of the template, or one outside named by its ID


def _decides(setting: Resource, names: tuple[str, ...], shown: str, where: str) -> str | None:
    from vpclint.model.dns import (
        DhcpOptions,
        DhcpOptionsAssociation,
        HostedZone,
        ProfileAssociation,
        ResolverRuleAssociation,
    )

    maybe = "" if setting.certain else " (if it is created)"
    if isinstance(setting, ResolverRuleAssociation):
        return _rule_decides(setting, names, shown, where, maybe)
    if isinstance(setting, HostedZone):
        name = setting.name
        if isinstance(name, str) and not covers(name, names):
            return None
        zone = f"private hosted zone {setting.logical_id}"
        what = f"for {name}" if isinstance(name, str) else "whose name is not known"
        return (
            f"{zone} {what}, associated with {where}{maybe}, answers {shown} there, so where "
            "the name leads depends on its records"
        )
    if isinstance(setting, DhcpOptionsAssociation):
        options = setting.options
        servers = options.name_servers if isinstance(options, DhcpOptions) else None
        if isinstance(servers, list) and all(
            isinstance(s, str) and s.lower() == AMAZON_DNS for s in servers
        ):
            return None
        listed = ", ".join(str(s) for s in servers) if isinstance(servers, list) else "not known"
        return (
            f"DHCP options association {setting.logical_id} gives {where}{maybe} DNS servers "
            f"other than the Amazon DNS server ({listed}), so where {shown} leads is not known"
        )
    if isinstance(setting, ProfileAssociation):
        return (
            f"Route 53 Profile association {setting.logical_id} brings the Resolver rules and "
            f"private hosted zones of its profile to {where}{maybe}, so where {shown} leads "
            "is not known"
        )
    return None


def _rule_decides(
    association: ResolverRuleAssociation,
    names: tuple[str, ...],
    shown: str,
    where: str,
    maybe: str,
) -> str | None:
    from vpclint.model.dns import ResolverRule

    rule = association.rule
    if not isinstance(rule, ResolverRule):
        why = rule.reason if isinstance(rule, Unknown) else f"{rule} is outside the template"
        return (
            f"Resolver rule association {association.logical_id} applies a rule to {where}"
            f"{maybe} whose domain is not known ({why}), so it may send the queries for "
            f"{shown} elsewhere"
        )
    kind, domain = rule.rule_type, rule.domain
    if kind == "SYSTEM":
        return None  # Resolver answers these names itself
    if isinstance(domain, str) and not covers(domain, names):
        return None
    maybe = maybe if association.certain and rule.certain else " (if they are created)"
    kind_text = kind if isinstance(kind, str) else "of a type not known"
    domain_text = domain if isinstance(domain, str) else "a domain not known"
    return (
        f"Resolver rule {rule.logical_id} ({kind_text}, {domain_text}), associated with "
        f"{where} by {association.logical_id}{maybe}, sends the queries for {shown} to DNS "
        "servers whose answer the template does not show"
    )


# -- the VPC's own interface endpoints ------------------------------------------------------------


def interface_endpoint(
    network: Network, vpc: Vpc | None, service: str
) -> tuple[VpcEndpoint, bool | Unknown] | None:
    """The VPC's certain interface endpoint of the service that the service's name resolves
    to, and whether private DNS makes it so (its own setting and both DNS attributes of the
    VPC): of several, the one whose private DNS works, else one where that is not known."""
    found = [
        (endpoint, private_dns_works(endpoint))
        for endpoint in interface_endpoints_of(network, vpc, service)
        if endpoint.certain
    ]
    if not found:
        return None
    return min(found, key=lambda item: 0 if item[1] is True else isinstance(item[1], bool) + 1)


def interface_endpoints_of(
    network: Network, vpc: Vpc | None, service: str | None
) -> list[VpcEndpoint]:
    """The VPC's interface endpoints of the service, certain or not, indexed once per network:
    the walk asks for every service it meets."""
    count, index = network.memo.get("interface endpoints", (-1, {}))
    if count != len(network.endpoints):
        index = {}
        for endpoint in network.endpoints:
            if endpoint.endpoint_type is EndpointType.INTERFACE:
                index.setdefault((id(endpoint.vpc), endpoint.service), []).append(endpoint)
        network.memo["interface endpoints"] = (len(network.endpoints), index)
    found: list[VpcEndpoint] = index.get((id(vpc), service), [])
    return found


def private_dns_works(endpoint: VpcEndpoint) -> bool | Unknown:
    """Whether the endpoint's private DNS answers for the service in its VPC."""
    dns: bool | Unknown = endpoint.private_dns
    vpc = endpoint.vpc
    if dns is True and isinstance(vpc, Vpc):
        for attribute in (vpc.dns_support, vpc.dns_hostnames):
            if attribute is not True:
                dns = attribute if isinstance(attribute, Unknown) else False
    return dns


def why_no_private_dns(endpoint: VpcEndpoint) -> str:
    if endpoint.private_dns is not True:
        return f"PrivateDnsEnabled is off on {endpoint.logical_id}"
    vpc = endpoint.vpc
    settings = (
        ("EnableDnsSupport", getattr(vpc, "dns_support", None)),
        ("EnableDnsHostnames", getattr(vpc, "dns_hostnames", None)),
    )
    off = " and ".join(name for name, value in settings if value is not True)
    return f"{off} of VPC {vpc.logical_id if vpc else '?'} is off"
