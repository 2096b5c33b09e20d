"""A gateway VPC endpoint for a service without gateway endpoints, or with interface settings.

## What it does
Reports an `AWS::EC2::VPCEndpoint` of type Gateway (the type when `VpcEndpointType` is not
given) when its `ServiceName` is known and names a service other than S3, S3 Express One Zone
(`s3express`) or DynamoDB, the only services that offer gateway endpoints. It also reports a
gateway endpoint given interface-only settings: a non-empty `SubnetIds` or `SecurityGroupIds`,
or `PrivateDnsEnabled: true`.

The rule stays silent when the type or service name is unknown (a parameter without default,
an `ImportValue`, an undecided `Fn::If`), when one of those settings hangs on an undecided
`Fn::If`, and for endpoints under an undecided `Condition`.

## Why it matters
A gateway endpoint is a route-table target, and AWS offers it for S3 and DynamoDB only; asking
for one for SSM, ECR or an endpoint service (`com.amazonaws.vpce...`) fails the deploy. The
usual cause is a forgotten `VpcEndpointType: Interface`, since Gateway is the default. Subnets,
security groups and private DNS belong to interface endpoints; EC2 rejects them on a gateway
endpoint, which again means a failed, rolled-back stack.

## Example
```yaml
SsmEndpoint:
  Type: AWS::EC2::VPCEndpoint
  Properties:                      # no VpcEndpointType: a gateway endpoint
    ServiceName: !Sub com.amazonaws.${AWS::Region}.ssm
    VpcId: !Ref VPC
    SubnetIds: [!Ref PrivateSubnet]
```

## Fix
For any service but S3 and DynamoDB, set `VpcEndpointType: Interface`. For an S3 or DynamoDB
gateway endpoint, drop `SubnetIds`, `SecurityGroupIds` and `PrivateDnsEnabled` and name the
route tables in `RouteTableIds`.
"""

from collections.abc import Iterator
from typing import Any

from vpclint.findings import Problem
from vpclint.model import EndpointType, Network
from vpclint.values import Unknown

ID = "VPC307"
NAME = "gateway-endpoint-unsupported"
SEVERITY = "error"

GATEWAY_SERVICES = {"s3", "s3express", "dynamodb"}
INTERFACE_SETTINGS = ("SubnetIds", "SecurityGroupIds", "PrivateDnsEnabled")


def check(network: Network) -> Iterator[Problem]:
    for endpoint in network.endpoints:
        if endpoint.endpoint_type is not EndpointType.GATEWAY or not endpoint.certain:
            continue
        service = endpoint.service
        type_note = (
            "" if "VpcEndpointType" in endpoint.properties else " (Gateway is the default type)"
        )
        if isinstance(endpoint.service_name, str) and service and service not in GATEWAY_SERVICES:
            yield Problem(
                endpoint,
                f"Endpoint {endpoint.logical_id} is a gateway endpoint{type_note} for {service}, "
                "but gateway endpoints exist only for S3 and DynamoDB, so the deploy fails; set "
                "VpcEndpointType: Interface.",
            )
            continue
        given = [
            name for name in INTERFACE_SETTINGS if _is_set(name, endpoint.properties.get(name))
        ]
        if given:
            names = ", ".join(given[:-1]) + " and " + given[-1] if len(given) > 1 else given[0]
            yield Problem(
                endpoint,
                f"Gateway endpoint {endpoint.logical_id}{type_note} sets {names}, which only "
                "interface endpoints take, so the deploy fails; remove "
                f"{'it' if len(given) == 1 else 'them'}, or set VpcEndpointType: Interface if "
                "an interface endpoint was meant.",
            )


def _is_set(name: str, value: Any) -> bool:
    """Whether an interface-only property is certainly given a value that matters."""
    if value is None or isinstance(value, Unknown):
        return False
    if name == "PrivateDnsEnabled":
        return value is True or (isinstance(value, str) and value.lower() == "true")
    return isinstance(value, list) and len(value) > 0
