"""VPC endpoints: gateway endpoints in their route tables, interface (and Gateway Load
Balancer) endpoints in their subnets behind their security groups."""

from __future__ import annotations

from typing import Any

from vpclint.builder.core import Builder, Constructor, as_bool, known
from vpclint.model import EndpointType, Resource, RouteTable, Subnet, Vpc, VpcEndpoint
from vpclint.values import Unknown


def endpoint(b: Builder, base: Resource) -> None:
    props = base.properties
    kind = props.get("VpcEndpointType", "Gateway")
    endpoint_type: EndpointType | Unknown
    try:
        endpoint_type = kind if isinstance(kind, Unknown) else EndpointType(kind)
    except ValueError:
        endpoint_type = Unknown(f"{kind!r} is not an endpoint type")
    made = b.make(
        VpcEndpoint,
        base,
        service_name=props.get("ServiceName"),
        endpoint_type=endpoint_type,
        private_dns=as_bool(props.get("PrivateDnsEnabled"), False),
    )
    b.network.endpoints.append(made)

    def wire() -> None:
        made.vpc = b.lookup(props.get("VpcId"), Vpc)
        if "RouteTableIds" in props:
            made.route_tables = b.refer_all(props["RouteTableIds"], RouteTable)
        if "SubnetIds" in props:
            made.subnets = b.refer_all(props["SubnetIds"], Subnet)
            b.place(made, known(made.subnets, Subnet))
        # An empty list, like none at all, leaves the endpoint in the VPC's default group.
        if props.get("SecurityGroupIds", []) != []:
            made.security_groups = b.security_groups(props["SecurityGroupIds"])
        b.join_groups(made, made.effective_security_groups)

    b.wiring.append(wire)
    if endpoint_type is EndpointType.INTERFACE and made.private_dns is not True:
        # Only where its names may be what the workloads use.
        made.dns_entries_read_by = _dns_entries_readers(b, base)


def _dns_entries_readers(b: Builder, endpoint: Resource) -> list[str]:
    """The resources of the endpoint's stack that read its `DnsEntries` (to make records of
    them, or hand them to an application)."""
    key = ("DnsEntries readers", endpoint.stack)
    readers = b.memo.get(key)
    if readers is None:  # one pass over the stack for all its endpoints
        readers = b.memo[key] = _dns_entries_reads(b.resolver_of(endpoint).resources)
    return readers.get(endpoint.logical_id, [])


def _dns_entries_reads(resources: dict[str, Any]) -> dict[str, list[str]]:
    """For each resource whose `DnsEntries` a stack reads, the resources that read them."""
    readers: dict[str, list[str]] = {}
    for logical_id, body in resources.items():
        for target in sorted({str(read) for read, _ in dns_entries_read(body)} - {logical_id}):
            readers.setdefault(target, []).append(logical_id)
    return readers


def dns_entries_read(node: Any, index: int | None = None) -> Any:
    """(endpoint, index) for each `Fn::GetAtt [Endpoint, DnsEntries]` in a template value,
    with the index a `Fn::Select` around it takes (None when it is not selected from
    directly)."""
    if isinstance(node, dict):
        if len(node) == 1 and "Fn::GetAtt" in node:
            target = node["Fn::GetAtt"]
            if isinstance(target, str):
                target = target.split(".", 1)
            if isinstance(target, list) and len(target) == 2 and target[1] == "DnsEntries":
                yield target[0], index
                return
        if len(node) == 1 and "Fn::Select" in node:
            argument = node["Fn::Select"]
            if isinstance(argument, list) and len(argument) == 2:
                position = argument[0] if isinstance(argument[0], int) else None
                yield from dns_entries_read(argument[1], position)
                return
        for value in node.values():
            yield from dns_entries_read(value)
    elif isinstance(node, list):
        for item in node:
            yield from dns_entries_read(item)


CONSTRUCTORS: dict[str, Constructor] = {
    "AWS::EC2::VPCEndpoint": endpoint,
}
