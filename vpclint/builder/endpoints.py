"""VPC endpoints: gateway endpoints in their route tables, interface (and Gateway Load
Balancer) endpoints in their subnets behind their security groups."""

from __future__ import annotations

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


CONSTRUCTORS: dict[str, Constructor] = {
    "AWS::EC2::VPCEndpoint": endpoint,
}
