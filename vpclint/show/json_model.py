"""`vpclint show --format json`: the network model as one JSON document.

Order: every list keeps the template's order (the order its resources are written in); objects
AWS creates implicitly (a VPC's main route table, default security group and default network
ACL) come after the template's objects of their kind, in the order of their VPCs. The same
template always gives the same document, byte for byte.

Encodings used below:

- Value (a property as resolved: a CIDR, an AZ, a flag): a JSON scalar; or `{"unknown": why}`
  when it cannot be known before deployment; or `{"ref": "LogicalId[.Attribute]"}` for a
  resource's ID or attribute used as a value.
- Reference (a relation to another object):
  `"LogicalId"` — an object of this document;
  `{"ref": "LogicalId"}` — a resource of the template vpclint does not model (an
  `AWS::EC2::EgressOnlyInternetGateway`, say); `{"external": "sg-0123"}` — an ID written
  literally, so an object outside the template; `{"unknown": why}`; or null when absent.
- A list of references may itself be `{"unknown": why}` (an undecided `Fn::If`, an import).
- Every object has `id` (logical ID; AWS-created objects are named `Vpc.MainRouteTable`,
  `Vpc.DefaultSecurityGroup`, `Vpc.DefaultNetworkAcl`), `type` (CloudFormation type), `line`
  (1-based line of the resource; for AWS-created objects the line of what implies them),
  `certain` (false when its Condition is undecided) and `implicit` (true when AWS creates it).

The document (schema 1):

    {
      "version": str,               # vpclint's version
      "schema": 1,                  # this layout; raised when a field changes meaning
      "region": str,                # the region the template was resolved for
      "order": "template",
      "vpcs": [{..., "cidr_blocks": [Value], "ipv6_blocks": [{"source": id, "block": Value}],
                "dns_support": Value, "dns_hostnames": Value, "gateways": [id],
                "main_route_table": id, "default_security_group": id,
                "default_network_acl": id, "flow_logs": [id],
                "subnets": [{..., "vpc": id, "cidr_block": Value, "ipv6_cidr_block": Value,
                             "availability_zone": Value, "usable_addresses": int | unknown,
                             "map_public_ip_on_launch": Value,
                             "public": bool | unknown,   # a default route to an IGW
                             "intent": {"tier": "public|private|unknown", "source": str},
                             "route_table": Reference,   # the one it uses (maybe the main)
                             "network_acl": Reference,   # the one it uses (maybe the default)
                             "placed": [id],             # workloads holding addresses in it
                             "subnet_groups": [id]}]}],
      "subnets_outside_vpcs": [Subnet],   # subnets whose VPC is not in the template
      "route_tables": [{..., "vpc": Reference, "main": bool,
                        "subnets": [id],                # subnets that use it
                        "routes": [{"id": id, "destination": Value, "certain": bool,
                                    "target": {"kind": str, "to": Reference}}],
                        "gateway_endpoints": [id],      # gateway endpoints adding routes to it
                        "propagations": [id]}],         # VPN route propagations into it
      "gateways": [{..., "kind": "internet_gateway|vpn_gateway|nat_gateway|transit_gateway|
                                  customer_gateway", ...}],
                   # internet and VPN: "attachments": [{"id": id, "vpc": Reference}];
                   # NAT: "subnet", "connectivity_type", "allocation_id";
                   # transit: "attachments": [id]
      "endpoints": [{..., "vpc": Reference, "endpoint_type": "Gateway|Interface|
                     GatewayLoadBalancer" | unknown, "service_name": Value, "service": str|null,
                     "route_tables": [Reference] | unknown | null,
                     "subnets": [Reference] | unknown | null,
                     "security_groups": [Reference] | unknown,   # in effect ([] for Gateway)
                     "private_dns": Value}],
      "security_groups": [{..., "vpc": Reference, "default": bool,
                           "ingress": [Rule], "egress": [Rule],  # egress in effect
                           "egress_is_default": bool,   # no egress rule: all traffic allowed
                           "members": [id], "unreadable": [str]}],
            # Rule: {"written_by": id, "protocol": "6" | "-1" | ... | unknown,
            #        "from_port": int|null|unknown, "to_port": ..., "cidr_ipv4": Value,
            #        "cidr_ipv6": Value, "prefix_list": Value, "group": Reference,
            #        "certain": bool}
      "network_acls": [{..., "vpc": Reference, "default": bool, "subnets": [id],
                        "entries": [{..., "rule_number": int|unknown,
                                     "direction": "ingress|egress"|unknown,
                                     "action": "allow|deny"|unknown, "protocol": ...,
                                     "cidr_ipv4": Value, "cidr_ipv6": Value,
                                     "from_port": ..., "to_port": ...}]}],
            # entries in evaluation order: inbound by number, outbound by number, then the rest
      "load_balancers": [{..., "kind": "application|network|gateway|classic"|unknown,
                          "scheme": Value, "subnets": [Reference]|unknown,
                          "security_groups": [Reference]|unknown|null}],
      "instances": [{..., "subnet": Reference, "security_groups": [Reference]|unknown,
                     "network_interfaces": [id], "associate_public_ip": Value,
                     "elastic_ips": [id]}],
      "network_interfaces": [{..., "subnet": Reference,
                              "security_groups": [Reference]|unknown,
                              "associate_public_ip": Value}],  # with instances' inline ones
      "subnet_groups": [{..., "service": str, "subnets": [Reference]|unknown}],
      "peering_connections": [{..., "vpc": Reference, "peer_vpc": Reference,
                               "cross_account_or_region": bool}],
      "transit_gateway_attachments": [{..., "vpc": Reference, "transit_gateway": Reference,
                                       "subnets": [Reference]|unknown}],
      "vpn_connections": [{..., "customer_gateway": Reference, "vpn_gateway": Reference,
                           "transit_gateway": Reference}],
      "route_propagations": [{..., "vpn_gateway": Reference, "route_tables": [Reference]}],
      "elastic_ips": [{..., "domain": Value, "instance": Reference,
                       "network_interface": Reference}]
    }
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from enum import Enum
from typing import Any

from vpclint import __version__
from vpclint.model import (
    CustomerGateway,
    ElasticIp,
    EndpointType,
    Instance,
    InternetGateway,
    LoadBalancer,
    NatGateway,
    Network,
    NetworkAcl,
    NetworkAclEntry,
    NetworkInterface,
    PeeringConnection,
    Resource,
    Route,
    RoutePropagation,
    RouteTable,
    SecurityGroup,
    SecurityGroupRule,
    Subnet,
    SubnetGroup,
    TransitGateway,
    TransitGatewayAttachment,
    Vpc,
    VpcEndpoint,
    VpnConnection,
    VpnGateway,
)
from vpclint.show import common
from vpclint.values import NO_VALUE, ResourceRef, Unknown

SCHEMA = 1


def render(network: Network) -> str:
    return json.dumps(document(network), indent=2, ensure_ascii=False) + "\n"


def document(network: Network) -> dict[str, Any]:
    """The document as Python data (see the module docstring)."""
    vpcs = network.vpcs
    implicit_tables = [v.main_route_table for v in vpcs if v.main_route_table is not None]
    default_groups = [v.default_security_group for v in vpcs if v.default_security_group]
    default_acls = [v.default_network_acl for v in vpcs if v.default_network_acl is not None]
    inline_interfaces = [
        interface
        for instance in network.instances
        for interface in instance.network_interfaces
        if interface.implicit
    ]
    return {
        "version": __version__,
        "schema": SCHEMA,
        "region": network.region,
        "order": "template",
        "vpcs": [_vpc(vpc, network) for vpc in vpcs],
        "subnets_outside_vpcs": [_subnet(s, network) for s in network.subnets if s.vpc is None],
        "route_tables": [
            _route_table(t, network) for t in [*network.route_tables, *implicit_tables]
        ],
        "gateways": [
            *(_attached_gateway(g, "internet_gateway") for g in network.internet_gateways),
            *(_attached_gateway(g, "vpn_gateway") for g in network.vpn_gateways),
            *(_nat_gateway(g) for g in network.nat_gateways),
            *(_transit_gateway(g) for g in network.transit_gateways),
            *(_customer_gateway(g) for g in network.customer_gateways),
        ],
        "endpoints": [_endpoint(e) for e in network.endpoints],
        "security_groups": [
            _security_group(g) for g in [*network.security_groups, *default_groups]
        ],
        "network_acls": [_network_acl(a, network) for a in [*network.network_acls, *default_acls]],
        "load_balancers": [_load_balancer(b) for b in network.load_balancers],
        "instances": [_instance(i) for i in network.instances],
        "network_interfaces": [
            _network_interface(i) for i in [*network.network_interfaces, *inline_interfaces]
        ],
        "subnet_groups": [_subnet_group(g) for g in network.subnet_groups],
        "peering_connections": [_peering(p) for p in network.peering_connections],
        "transit_gateway_attachments": [
            _tgw_attachment(a) for a in network.transit_gateway_attachments
        ],
        "vpn_connections": [_vpn_connection(c) for c in network.vpn_connections],
        "route_propagations": [_propagation(p) for p in network.route_propagations],
        "elastic_ips": [_elastic_ip(e) for e in network.elastic_ips],
    }


# -- encodings ----------------------------------------------------------------------------------


def value(item: Any) -> Any:
    """A resolved property value as JSON."""
    if isinstance(item, Unknown):
        return {"unknown": common.one_line(item.reason)}
    if isinstance(item, ResourceRef):
        return {"ref": str(item)}
    if isinstance(item, Resource):
        return item.logical_id
    if item is None or item is NO_VALUE:
        return None
    if isinstance(item, (bool, int, float)):
        return item
    if isinstance(item, str):
        return str(item)  # a plain str, not the loader's StrNode
    if isinstance(item, Mapping):
        return {str(key): value(inner) for key, inner in item.items()}
    if isinstance(item, (list, tuple)):
        return [value(inner) for inner in item]
    if isinstance(item, Enum):
        return item.value
    return str(item)


def ref(item: Any) -> Any:
    """A relation to another object as JSON."""
    if item is None:
        return None
    if isinstance(item, Resource):
        return item.logical_id
    if isinstance(item, ResourceRef):
        return {"ref": str(item)}
    if isinstance(item, Unknown):
        return {"unknown": common.one_line(item.reason)}
    if isinstance(item, str):
        return {"external": str(item)}
    return {"unknown": f"{item!r} is not a reference"}


def refs(items: Any) -> Any:
    """A list of relations, or what stands in for an unreadable list (Unknown, None)."""
    if isinstance(items, list):
        return [ref(item) for item in items]
    return ref(items) if isinstance(items, Unknown) else None


def _related(found: Resource | None, owner: Resource, prop: str) -> Any:
    """A relation the model wires only inside the template: outside, what the property says."""
    return ref(found) if found is not None else ref(owner.properties.get(prop))


def ids(items: list[Any]) -> list[str]:
    return [item.logical_id for item in items]


def _base(resource: Resource) -> dict[str, Any]:
    return {
        "id": resource.logical_id,
        "type": resource.type,
        "line": resource.mark.line,
        "certain": resource.certain,
        "implicit": resource.implicit,
    }


# -- objects ------------------------------------------------------------------------------------


def _vpc(vpc: Vpc, network: Network) -> dict[str, Any]:
    return {
        **_base(vpc),
        "cidr_blocks": [value(block) for block in vpc.cidr_blocks],
        "ipv6_blocks": [
            {"source": source.logical_id, "block": value(block)}
            for source, block in common.ipv6_blocks(vpc, network)
        ],
        "dns_support": value(vpc.dns_support),
        "dns_hostnames": value(vpc.dns_hostnames),
        "gateways": ids(common.vpc_gateways(vpc)),
        "main_route_table": ref(vpc.main_route_table),
        "default_security_group": ref(vpc.default_security_group),
        "default_network_acl": ref(vpc.default_network_acl),
        "flow_logs": ids(vpc.flow_logs),
        "subnets": [_subnet(subnet, network) for subnet in vpc.subnets],
    }


def _subnet(subnet: Subnet, network: Network) -> dict[str, Any]:
    usable = common.usable_addresses(subnet.cidr_block)
    return {
        **_base(subnet),
        "vpc": _related(subnet.vpc, subnet, "VpcId"),
        "cidr_block": value(subnet.cidr_block),
        "ipv6_cidr_block": value(subnet.properties.get("Ipv6CidrBlock")),
        "availability_zone": value(subnet.availability_zone),
        "usable_addresses": value(usable),
        "map_public_ip_on_launch": value(subnet.map_public_ip_on_launch),
        "public": value(subnet.is_public),
        "intent": {"tier": subnet.intent.tier.value, "source": subnet.intent.source},
        "route_table": ref(subnet.route_table),
        "network_acl": ref(subnet.network_acl),
        "placed": ids(common.placed_in(subnet, network)),
        "subnet_groups": ids(common.subnet_groups_of(subnet, network)),
    }


def _route_table(table: RouteTable, network: Network) -> dict[str, Any]:
    served_by = [
        e
        for e in network.endpoints
        if isinstance(e.route_tables, list) and any(t is table for t in e.route_tables)
    ]
    propagations = [
        p
        for p in network.route_propagations
        if isinstance(p.route_tables, list) and any(t is table for t in p.route_tables)
    ]
    return {
        **_base(table),
        "vpc": _related(table.vpc, table, "VpcId"),
        "main": table.is_main,
        "subnets": [s.logical_id for s in network.subnets if s.route_table is table],
        "routes": [_route(route) for route in table.routes],
        "gateway_endpoints": ids(served_by),
        "propagations": ids(propagations),
    }


def _route(route: Route) -> dict[str, Any]:
    target = route.target
    to = target.resource if target.resource is not None else target.value
    return {
        "id": route.logical_id,
        "line": route.mark.line,
        "destination": value(route.destination),
        "certain": route.certain,
        "target": {"kind": target.kind.name.lower(), "to": None if to == "local" else ref(to)},
    }


def _attached_gateway(gateway: InternetGateway | VpnGateway, kind: str) -> dict[str, Any]:
    return {
        **_base(gateway),
        "kind": kind,
        "attachments": [{"id": a.logical_id, "vpc": ref(a.vpc)} for a in gateway.attachments],
    }


def _nat_gateway(nat: NatGateway) -> dict[str, Any]:
    return {
        **_base(nat),
        "kind": "nat_gateway",
        "subnet": _related(nat.subnet, nat, "SubnetId"),
        "connectivity_type": value(nat.connectivity_type),
        "allocation_id": value(nat.allocation_id),
    }


def _transit_gateway(gateway: TransitGateway) -> dict[str, Any]:
    return {**_base(gateway), "kind": "transit_gateway", "attachments": ids(gateway.attachments)}


def _customer_gateway(gateway: CustomerGateway) -> dict[str, Any]:
    return {**_base(gateway), "kind": "customer_gateway"}


def _endpoint(endpoint: VpcEndpoint) -> dict[str, Any]:
    kind = endpoint.endpoint_type
    return {
        **_base(endpoint),
        "vpc": _related(endpoint.vpc, endpoint, "VpcId"),
        "endpoint_type": value(kind.value if isinstance(kind, EndpointType) else kind),
        "service_name": value(endpoint.service_name),
        "service": endpoint.service,
        "route_tables": refs(endpoint.route_tables),
        "subnets": refs(endpoint.subnets),
        "security_groups": refs(endpoint.effective_security_groups),
        "private_dns": value(endpoint.private_dns),
    }


def _security_group(group: SecurityGroup) -> dict[str, Any]:
    return {
        **_base(group),
        "vpc": _related(group.vpc, group, "VpcId"),
        "default": group.is_default,
        "ingress": [_rule(rule) for rule in group.ingress],
        "egress": [_rule(rule) for rule in group.egress],
        "egress_is_default": not group.explicit_egress,
        "members": ids(group.members),
        "unreadable": [common.one_line(u.reason) for u in group.unreadable],
    }


def _rule(rule: SecurityGroupRule) -> dict[str, Any]:
    return {
        "written_by": rule.source_id,
        "line": rule.mark.line,
        "protocol": value(rule.protocol),
        "from_port": value(rule.from_port),
        "to_port": value(rule.to_port),
        "cidr_ipv4": value(rule.cidr_ipv4),
        "cidr_ipv6": value(rule.cidr_ipv6),
        "prefix_list": value(rule.prefix_list),
        "group": ref(rule.peer),
        "certain": rule.certain,
    }


def _network_acl(acl: NetworkAcl, network: Network) -> dict[str, Any]:
    return {
        **_base(acl),
        "vpc": _related(acl.vpc, acl, "VpcId"),
        "default": acl.is_default,
        "subnets": [s.logical_id for s in network.subnets if s.network_acl is acl],
        "entries": [_entry(entry) for entry in common.ordered_entries(acl)],
    }


def _entry(entry: NetworkAclEntry) -> dict[str, Any]:
    egress = entry.egress
    return {
        **_base(entry),
        "rule_number": value(entry.rule_number),
        "direction": value(egress)
        if isinstance(egress, Unknown)
        else ("egress" if egress else "ingress"),
        "action": value(entry.action),
        "protocol": value(entry.protocol),
        "cidr_ipv4": value(entry.cidr_ipv4),
        "cidr_ipv6": value(entry.cidr_ipv6),
        "from_port": value(entry.from_port),
        "to_port": value(entry.to_port),
    }


def _load_balancer(balancer: LoadBalancer) -> dict[str, Any]:
    return {
        **_base(balancer),
        "kind": value(balancer.kind),
        "scheme": value(balancer.scheme),
        "subnets": refs(balancer.subnets),
        "security_groups": refs(balancer.security_groups),
    }


def _instance(instance: Instance) -> dict[str, Any]:
    return {
        **_base(instance),
        "subnet": _related(instance.subnet, instance, "SubnetId"),
        "security_groups": refs(instance.security_groups),
        "network_interfaces": ids(instance.network_interfaces),
        "associate_public_ip": value(instance.associate_public_ip),
        "elastic_ips": ids(instance.elastic_ips),
    }


def _network_interface(interface: NetworkInterface) -> dict[str, Any]:
    return {
        **_base(interface),
        "subnet": _related(interface.subnet, interface, "SubnetId"),
        "security_groups": refs(interface.security_groups),
        "associate_public_ip": value(interface.associate_public_ip),
    }


def _subnet_group(group: SubnetGroup) -> dict[str, Any]:
    return {**_base(group), "service": group.service, "subnets": refs(group.subnets)}


def _peering(peering: PeeringConnection) -> dict[str, Any]:
    return {
        **_base(peering),
        "vpc": _related(peering.vpc, peering, "VpcId"),
        "peer_vpc": ref(peering.peer_vpc),
        "cross_account_or_region": peering.cross_account_or_region,
    }


def _tgw_attachment(attachment: TransitGatewayAttachment) -> dict[str, Any]:
    return {
        **_base(attachment),
        "vpc": _related(attachment.vpc, attachment, "VpcId"),
        "transit_gateway": ref(attachment.transit_gateway),
        "subnets": refs(attachment.subnets),
    }


def _vpn_connection(connection: VpnConnection) -> dict[str, Any]:
    return {
        **_base(connection),
        "customer_gateway": ref(connection.customer_gateway),
        "vpn_gateway": ref(connection.vpn_gateway),
        "transit_gateway": ref(connection.transit_gateway),
    }


def _propagation(propagation: RoutePropagation) -> dict[str, Any]:
    return {
        **_base(propagation),
        "vpn_gateway": ref(propagation.vpn_gateway),
        "route_tables": refs(propagation.route_tables),
    }


def _elastic_ip(eip: ElasticIp) -> dict[str, Any]:
    return {
        **_base(eip),
        "domain": value(eip.domain),
        "instance": ref(eip.instance),
        "network_interface": ref(eip.network_interface),
    }
