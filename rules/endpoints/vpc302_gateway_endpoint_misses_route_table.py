"""A gateway VPC endpoint serves some route tables, but not the one a private subnet uses.

## What it does
Reports a gateway `AWS::EC2::VPCEndpoint` (S3, S3 Express or DynamoDB) that names route tables
of its VPC in `RouteTableIds`, while a private subnet of the same VPC that holds workloads
(instances or network interfaces; endpoints, NAT gateways and load balancers do not count)
uses a route table that no gateway endpoint for that service serves. A subnet is private when
its effective route table sends no default route to an internet gateway, or when it is meant
to be private (Metadata `vpclint.tier`, or its logical ID or Name tag) and its route table is
not known to reach one. One finding per route table left out, on the endpoint.

The rule stays silent when any route table the endpoint (or another gateway endpoint for the
same service in the VPC) names is unknown or outside the template, when an endpoint's type or
service is unknown, and for endpoints, subnets, associations and workloads under an undecided
`Condition` or whose values hang on an undecided `Fn::If`.

## Why it matters
A gateway endpoint acts only through the route tables it names: AWS adds a route to the
service's prefix list to each of them. A private subnet on another route table sends its S3 or
DynamoDB traffic to its default route instead: through a NAT gateway (paying for every byte,
and bypassing endpoint policies and `aws:sourceVpce` bucket policies), or nowhere at all in an
isolated subnet, where package installs and S3 reads time out. This usually happens when a
second AZ's route table is added and the endpoint's list is not updated.

## Example
```yaml
S3Endpoint:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcId: !Ref VPC
    ServiceName: !Sub com.amazonaws.${AWS::Region}.s3
    RouteTableIds: [!Ref PrivateRouteTableA]   # PrivateSubnetB uses PrivateRouteTableB
```

## Fix
Add every private route table to the endpoint: `RouteTableIds: [!Ref PrivateRouteTableA,
!Ref PrivateRouteTableB]`.
"""

from collections.abc import Iterator

from vpclint.findings import Problem
from vpclint.model import (
    EndpointType,
    LoadBalancer,
    NatGateway,
    Network,
    Resource,
    RouteTable,
    Subnet,
    Tier,
    Vpc,
    VpcEndpoint,
)
from vpclint.values import Unknown

ID = "VPC302"
NAME = "gateway-endpoint-misses-route-table"
SEVERITY = "warning"

GATEWAY_SERVICES = {"s3", "s3express", "dynamodb"}
ANY_SERVICE = "*"


def check(network: Network) -> Iterator[Problem]:
    # Route tables that may be served, by (VPC, service); ANY_SERVICE for endpoints whose
    # service or type is not known. A key in `undecided` may serve tables nobody can name.
    served: dict[tuple[int, str], set[int]] = {}
    undecided: set[tuple[int, str]] = set()
    reporters: dict[tuple[int, str], VpcEndpoint] = {}
    for endpoint in network.endpoints:
        if endpoint.vpc is None:
            continue
        kind = endpoint.endpoint_type
        if kind is not EndpointType.GATEWAY and not isinstance(kind, Unknown):
            continue
        service = endpoint.service if isinstance(kind, EndpointType) else None
        key = (id(endpoint.vpc), service or ANY_SERVICE)
        tables = endpoint.route_tables
        if tables is None:
            continue
        if isinstance(tables, Unknown) or not all(isinstance(t, RouteTable) for t in tables):
            undecided.add(key)
            continue
        served.setdefault(key, set()).update(id(table) for table in tables)
        if endpoint.certain and service in GATEWAY_SERVICES and tables:
            reporters.setdefault(key, endpoint)

    for (vpc_key, service), endpoint in reporters.items():
        if (vpc_key, service) in undecided or (vpc_key, ANY_SERVICE) in undecided:
            continue
        vpc = endpoint.vpc
        if vpc is None:
            continue
        covered = served.get((vpc_key, service), set()) | served.get((vpc_key, ANY_SERVICE), set())
        missed: dict[int, tuple[RouteTable, list[Subnet], list[Resource]]] = {}
        for subnet in vpc.subnets:
            table = subnet.route_table
            if not isinstance(table, RouteTable) or id(table) in covered:
                continue
            workloads = _clients(subnet)
            if not workloads or not _is_private(subnet):
                continue
            entry = missed.setdefault(id(table), (table, [], []))
            entry[1].append(subnet)
            entry[2].extend(workloads)
        for table, subnets, workloads in missed.values():
            yield Problem(endpoint, _message(endpoint, service, vpc, table, subnets, workloads))


def _clients(subnet: Subnet) -> list[Resource]:
    """The certain workloads of a certain subnet that may call the service."""
    if not subnet.certain:
        return []
    return [
        workload
        for workload in subnet.workloads
        if workload.certain and not isinstance(workload, (VpcEndpoint, NatGateway, LoadBalancer))
    ]


def _is_private(subnet: Subnet) -> bool:
    public = subnet.is_public
    if public is False:
        return True
    return subnet.intent.tier is Tier.PRIVATE and isinstance(public, Unknown)


def _message(
    endpoint: VpcEndpoint,
    service: str,
    vpc: Vpc,
    table: RouteTable,
    subnets: list[Subnet],
    workloads: list[Resource],
) -> str:
    owners = ", ".join(subnet.logical_id for subnet in subnets)
    owners = f"private subnet{'s' if len(subnets) > 1 else ''} {owners}"
    names = ", ".join(workload.logical_id for workload in workloads[:3])
    names += ", ..." if len(workloads) > 3 else ""
    if table.implicit:
        return (
            f"Gateway endpoint {endpoint.logical_id} ({service}) does not serve the main route "
            f"table of {vpc.logical_id}, used by {owners} (holding {names}), so their {service} "
            "traffic bypasses the endpoint; associate the subnet with a route table listed in "
            "the endpoint's RouteTableIds."
        )
    return (
        f"Gateway endpoint {endpoint.logical_id} ({service}) does not serve route table "
        f"{table.logical_id}, used by {owners} (holding {names}), so their {service} traffic "
        f"bypasses the endpoint; add {table.logical_id} to the endpoint's RouteTableIds."
    )
