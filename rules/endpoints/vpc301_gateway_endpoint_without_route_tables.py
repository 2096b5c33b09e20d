"""A gateway VPC endpoint is attached to no route table.

## What it does
Reports an `AWS::EC2::VPCEndpoint` of type Gateway (the type when `VpcEndpointType` is not
given) for S3, S3 Express One Zone or DynamoDB, the only services that offer gateway
endpoints, that names no route table in `RouteTableIds`.

## Why it matters
A gateway endpoint works only through route tables: AWS adds a route to the service's prefix
list in each table the endpoint names. With no route table, no subnet sends traffic through the
endpoint; instances in private subnets still cannot reach S3 or DynamoDB, and the endpoint
silently does nothing. An S3 endpoint of type Interface is a different thing and is not checked.

## Example
```yaml
S3Endpoint:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcId: !Ref VPC
    ServiceName: !Sub com.amazonaws.${AWS::Region}.s3
```

## Fix
List the route tables of the subnets that should reach the service:
`RouteTableIds: [!Ref PrivateRouteTable]`.
"""

from collections.abc import Iterator

from vpclint.findings import Problem
from vpclint.model import EndpointType, Network

ID = "VPC301"
NAME = "gateway-endpoint-without-route-tables"
SEVERITY = "error"

GATEWAY_SERVICES = {"s3", "s3express", "dynamodb"}


def check(network: Network) -> Iterator[Problem]:
    for endpoint in network.endpoints:
        if endpoint.endpoint_type is not EndpointType.GATEWAY or not endpoint.certain:
            continue
        if endpoint.service not in GATEWAY_SERVICES and endpoint.service is not None:
            continue  # no gateway endpoint exists for that service: a different mistake
        if endpoint.route_tables is None or endpoint.route_tables == []:
            service = endpoint.service or "its service"
            yield Problem(
                endpoint,
                f"Gateway endpoint {endpoint.logical_id} for {service} has no RouteTableIds, so "
                "no subnet routes through it; add the route tables of the subnets that should "
                "reach the service.",
            )
