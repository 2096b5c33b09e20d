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
    readers = []
    for logical_id, body in b.resolver_of(endpoint).resources.items():
        if logical_id != endpoint.logical_id and _reads(body, endpoint.logical_id):
            readers.append(logical_id)
    return readers


def _reads(node: Any, logical_id: str) -> bool:
    if isinstance(node, dict):
        target = node.get("Fn::GetAtt") if len(node) == 1 else None
        if target is not None:
            if isinstance(target, str):
                target = target.split(".", 1)
            if isinstance(target, list) and target[:2] == [logical_id, "DnsEntries"]:
                return True
        return any(_reads(value, logical_id) for value in node.values())
    if isinstance(node, list):
        return any(_reads(item, logical_id) for item in node)
    return False


CONSTRUCTORS: dict[str, Constructor] = {
    "AWS::EC2::VPCEndpoint": endpoint,
}
