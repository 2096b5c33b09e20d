"""A VPC endpoint's ServiceName hard-codes a region other than the stack's.

## What it does
Reports an `AWS::EC2::VPCEndpoint` whose resolved `ServiceName` names a region
(`com.amazonaws.eu-west-1.s3`, `com.amazonaws.vpce.eu-west-1.vpce-svc-...`) other than the
region the template is linted for (`--region`, us-east-1 by default). A name built with
`${AWS::Region}` always matches, so only a region written into the template (literally, in a
parameter default or in a mapping) can differ. Endpoints with `ServiceRegion` (cross-region
endpoints) are left alone.

The rule stays silent when the service name is not fully known (a parameter without default,
an `ImportValue`, an undecided `Fn::If`, even one choosing between two literal names) and for
endpoints under an undecided `Condition`.

## Why it matters
Endpoint services are regional: a stack in us-east-1 cannot create an endpoint for
`com.amazonaws.eu-west-1.ssm`, so the deploy fails, and a template copied from another region
keeps failing until every name is fixed. A name written with `${AWS::Region}` works in every
region.

## Example
```yaml
S3Endpoint:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcId: !Ref VPC
    ServiceName: com.amazonaws.eu-west-1.s3
    RouteTableIds: [!Ref PrivateRouteTable]
```

## Fix
Build the name from the stack's region: `ServiceName: !Sub com.amazonaws.${AWS::Region}.s3`.
For an endpoint service (`vpce-svc-...`) use the service of the stack's region, or set
`ServiceRegion` for a cross-region endpoint. If the template really is for one region only,
lint it with `--region` set to that region.
"""

from collections.abc import Iterator

from vpclint.findings import Problem
from vpclint.model import Network, is_region

ID = "VPC310"
NAME = "endpoint-service-region-mismatch"
SEVERITY = "warning"


def check(network: Network) -> Iterator[Problem]:
    stack_region = getattr(network, "region", None)
    if not isinstance(stack_region, str) or not is_region(stack_region):
        return
    for endpoint in network.endpoints:
        name = endpoint.service_name
        if not endpoint.certain or not isinstance(name, str):
            continue
        if endpoint.properties.get("ServiceRegion") is not None:
            continue  # a cross-region endpoint names the service's own region
        written = next((part for part in name.split(".") if is_region(part)), None)
        if written is None or written == stack_region:
            continue
        if any(part.startswith("vpce-svc-") for part in name.split(".")):
            fix = (
                f"use the endpoint service's name in {stack_region}, or set ServiceRegion: "
                f"{written} for a cross-region endpoint"
            )
        else:
            fix = "write ServiceName: !Sub " + name.replace(f".{written}.", ".${AWS::Region}.", 1)
        yield Problem(
            endpoint,
            f"Endpoint {endpoint.logical_id} names service {name}, hard-coded to {written}, but "
            f"the stack's region is {stack_region} (--region), where that name does not exist "
            f"and the deploy fails; {fix}.",
        )
