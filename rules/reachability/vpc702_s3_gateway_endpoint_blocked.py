"""A workload that can reach S3 only through a gateway endpoint cannot use it.

## What it does
In a VPC with an S3 gateway endpoint, finds the instances with no path to the internet and
walks HTTPS (TCP 443) from each to S3. Reports the instance when S3 is certainly unreachable:
its route table is not one of the endpoint's `RouteTableIds`, or its security groups' egress
rules allow neither the S3 prefix list nor 0.0.0.0/0 on 443 (adding any egress rule removes
the default allow-all), or a network ACL drops the traffic or its replies. Silent when an
unknown value decides, or for resources under an undecided `Condition`.

## Why it matters
Package updates (Amazon Linux repositories live in S3), artifacts and logs all go to S3. A
gateway endpoint that the instance's route table does not use, or an egress rule set that
forgets the S3 prefix list, leaves the instance with no way out and the template deploys fine.

## Example
```yaml
S3Endpoint:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcId: !Ref VPC
    ServiceName: !Sub com.amazonaws.${AWS::Region}.s3
    RouteTableIds: [!Ref OtherRouteTable]   # not the instance subnet's table
```

## Fix
Add the subnet's route table to the endpoint's `RouteTableIds`, and allow egress on TCP 443 to
the S3 prefix list (`DestinationPrefixListId`) in the instance's security group.
"""

from collections.abc import Iterator

from vpclint.findings import Problem
from vpclint.model import EndpointType, Network
from vpclint.reach import UNREACHABLE, reach

ID = "VPC702"
NAME = "s3-gateway-endpoint-blocked"
SEVERITY = "error"


def check(network: Network) -> Iterator[Problem]:
    vpcs_with_endpoint = {
        id(endpoint.vpc)
        for endpoint in network.endpoints
        if endpoint.endpoint_type is EndpointType.GATEWAY
        and endpoint.service == "s3"
        and endpoint.vpc is not None
        and endpoint.certain
    }
    for instance in network.instances:
        subnet = instance.subnet
        if not instance.certain or subnet is None or id(subnet.vpc) not in vpcs_with_endpoint:
            continue
        if reach(network, instance.logical_id, "internet").verdict != UNREACHABLE:
            continue  # it may reach S3 over the internet
        answer = reach(network, instance.logical_id, "s3", port=443)
        if answer.verdict == UNREACHABLE:
            yield Problem(
                instance,
                f"Instance {instance.logical_id} has no internet path, so it reaches S3 only "
                f"through the VPC's gateway endpoint, and that fails {answer.reasons}.",
            )
