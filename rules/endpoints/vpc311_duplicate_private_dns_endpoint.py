"""Two interface endpoints for the same service in one VPC both turn on private DNS.

## What it does
Reports an interface `AWS::EC2::VPCEndpoint` with `PrivateDnsEnabled: true` when an earlier
interface endpoint of the template, in the same VPC and for the same fully known `ServiceName`
(and `ServiceRegion`), has private DNS on too. The finding is on the later endpoint and names
the earlier one.

The rule stays silent when a service name or `PrivateDnsEnabled` is unknown (a parameter
without default, an `ImportValue`, an undecided `Fn::If`), when the VPC is outside the
template, and for endpoints under an undecided `Condition` (typically one endpoint per branch
of a condition, only one of which is created).

## Why it matters
Private DNS attaches a private hosted zone for the service's name (`ssm.us-east-1.amazonaws.com`)
to the VPC. A VPC can hold only one such zone per name, so EC2 refuses the second endpoint with
a conflicting DNS domain error and the stack fails. Usually the endpoint was declared twice,
once per AZ, when one endpoint with a subnet in each AZ was meant.

## Example
```yaml
SsmEndpointA:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcEndpointType: Interface
    ServiceName: !Sub com.amazonaws.${AWS::Region}.ssm
    VpcId: !Ref VPC
    SubnetIds: [!Ref PrivateSubnetA]
    PrivateDnsEnabled: true
SsmEndpointB:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcEndpointType: Interface
    ServiceName: !Sub com.amazonaws.${AWS::Region}.ssm
    VpcId: !Ref VPC
    SubnetIds: [!Ref PrivateSubnetB]
    PrivateDnsEnabled: true
```

## Fix
Keep one endpoint per service and list a subnet of each AZ in its `SubnetIds`; if a second
endpoint is really needed, turn private DNS off on it.
"""

from collections.abc import Iterator

from vpclint.findings import Problem
from vpclint.model import Network, VpcEndpoint

ID = "VPC311"
NAME = "duplicate-private-dns-endpoint"
SEVERITY = "error"


def check(network: Network) -> Iterator[Problem]:
    first: dict[tuple[int, str, str], VpcEndpoint] = {}
    for endpoint in network.certain_interface_endpoints:
        name, vpc = endpoint.service_name, endpoint.vpc
        if endpoint.private_dns is not True or vpc is None or not isinstance(name, str):
            continue
        region = endpoint.properties.get("ServiceRegion")
        if region is not None and not isinstance(region, str):
            continue
        key = (id(vpc), name, region or "")
        earlier = first.setdefault(key, endpoint)
        if earlier is endpoint:
            continue
        yield Problem(
            endpoint,
            f"Interface endpoints {earlier.logical_id} and {endpoint.logical_id} both serve "
            f"{name} with private DNS in VPC {vpc.logical_id}, but a VPC takes only one private "
            f"DNS zone per service, so the deploy fails; keep one endpoint with a subnet in each "
            f"AZ, or set PrivateDnsEnabled: false on {endpoint.logical_id}.",
        )
