"""An interface endpoint is left without private DNS, so its VPC's workloads go around it.

## What it does
Reports an interface `AWS::EC2::VPCEndpoint` for an AWS service that does not set
`PrivateDnsEnabled` (CloudFormation's default is `false`; the console's is on) when the
workloads of its VPC (instances, Lambda functions, ECS tasks, Auto Scaling groups, EKS nodes)
reach the service another way, through a NAT gateway or an internet gateway, as
`vpclint reach` walks it: none of them is certainly cut off from the service, and at least one
certainly gets there.

When no workload gets there the other way, the path rules (VPC701, VPC705-VPC707) already
report the broken path and name the endpoint; this rule stays silent. It is also silent for
gateway endpoints; for `PrivateDnsEnabled: false` written out (a choice, not a default); for
services whose interface endpoints are used by their endpoint-specific names (S3, DynamoDB,
S3 on Outposts, API Gateway's `execute-api`) and for endpoint services that are not AWS's;
when another endpoint of the VPC answers for the service with private DNS; when a private
hosted zone, a Resolver rule or other DNS servers decide where the service's name leads in the
VPC; when a resource of the template reads the endpoint's `DnsEntries`; and when anything it
rests on is unknown or under an undecided `Condition`.

## Why it matters
Without private DNS, the service's usual name (`ssm.us-east-1.amazonaws.com`) keeps resolving to
its public addresses: SDKs and agents never use the endpoint. The traffic still leaves through
the NAT gateway (paying for it, and for the endpoint's hours), and what the endpoint was meant
for (keeping the traffic private, surviving without the NAT) silently does not hold
(AWS CloudFormation Template Reference, "AWS::EC2::VPCEndpoint", PrivateDnsEnabled,
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-vpcendpoint.html;
Amazon EC2 API Reference, "CreateVpcEndpoint",
https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpcEndpoint.html).

## Example
```yaml
SsmEndpoint:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcEndpointType: Interface
    ServiceName: !Sub com.amazonaws.${AWS::Region}.ssm
    VpcId: !Ref VPC
    SubnetIds: [!Ref PrivateSubnetA, !Ref PrivateSubnetB]
    SecurityGroupIds: [!Ref EndpointGroup]
    # PrivateDnsEnabled not set: false
```

## Fix
Set `PrivateDnsEnabled: true` (with `EnableDnsSupport` and `EnableDnsHostnames` on the VPC), or
remove the endpoint if the NAT path is what you want.
"""

from collections.abc import Iterator

from vpclint.findings import Problem
from vpclint.judge.names import decided_elsewhere, interface_endpoints_of, private_dns_works
from vpclint.model import (
    Network,
    Resource,
    Vpc,
    VpcEndpoint,
    Workload,
    placement_of,
)
from vpclint.reach import REACHABLE, UNREACHABLE, ReachError, reach

ID = "VPC312"
NAME = "interface-endpoint-private-dns-off"
SEVERITY = "warning"

# Services whose interface endpoints are used by their endpoint-specific names, by design.
BY_ENDPOINT_NAME = {"s3", "dynamodb", "s3-outposts", "execute-api"}


def check(network: Network) -> Iterator[Problem]:
    # Whether a VPC's workloads reach a service's public addresses is one answer for every
    # service that gets this far: none has a gateway endpoint, another endpoint or a DNS
    # setting of its own (all passed over above), and filters judge the public addresses of
    # every such service alike. Walked once per VPC, not once per endpoint.
    ways_around: dict[int, tuple[str, str] | None] = {}
    for endpoint in network.certain_interface_endpoints:
        vpc, service = endpoint.vpc, endpoint.service
        if not isinstance(vpc, Vpc) or service is None or not _left_at_default(endpoint):
            continue
        if not _aws_service(endpoint, network.region) or service in BY_ENDPOINT_NAME:
            continue
        if endpoint.dns_entries_read_by or _answered_by_another(network, endpoint):
            continue
        if decided_elsewhere(network, vpc, service) is not None:
            continue
        if id(vpc) not in ways_around:
            # The full name, so that reach takes a service it has no short name for.
            ways_around[id(vpc)] = _way_around(network, vpc, str(endpoint.service_name))
        around = ways_around[id(vpc)]
        if around is None:
            continue
        who, via = around
        yield Problem(
            endpoint,
            f"Interface endpoint {endpoint.logical_id} ({service}) leaves PrivateDnsEnabled at "
            f"CloudFormation's default (false), so {service}'s name resolves to its public "
            f"addresses and {who} it via {via} instead; set PrivateDnsEnabled: true (with DNS "
            "support and hostnames on the VPC), or remove the endpoint.",
        )


def _left_at_default(endpoint: VpcEndpoint) -> bool:
    return endpoint.private_dns is False and endpoint.properties.get("PrivateDnsEnabled") is None


def _aws_service(endpoint: VpcEndpoint, region: str) -> bool:
    """An AWS service of the template's region: com.amazonaws.<region>.<service>."""
    name = endpoint.service_name
    if not isinstance(name, str) or not name.startswith(f"com.amazonaws.{region}."):
        return False
    other_region = endpoint.properties.get("ServiceRegion")
    return other_region is None or other_region == region


def _answered_by_another(network: Network, endpoint: VpcEndpoint) -> bool:
    """Whether another interface endpoint of the VPC for the service may answer for its name
    (even one that may not be created)."""
    return any(
        other is not endpoint and private_dns_works(other) is not False
        for other in interface_endpoints_of(network, endpoint.vpc, endpoint.service)
    )


def _way_around(network: Network, vpc: Vpc, service: str) -> tuple[str, str] | None:
    """Who of the VPC's workloads reaches the service, and via what, when none of them is
    certainly cut off from it and one certainly gets there."""
    reached: list[tuple[Resource, str]] = []
    for workload in _workloads(network, vpc):
        try:
            answer = reach(network, workload.key, service, port=443)
        except ReachError:
            return None
        if answer.verdict == UNREACHABLE:
            return None  # the path rules say what breaks
        if answer.verdict == REACHABLE:
            reached.append((workload, answer.via))
    if not reached:
        return None
    first, via = reached[0]
    if len(reached) == 1:
        return f"{first.logical_id} reaches", via
    return f"the VPC's workloads (such as {first.logical_id}) reach", via


def _workloads(network: Network, vpc: Vpc) -> list[Resource]:
    """The VPC's certain workloads that open connections of their own."""
    found: list[Resource] = []
    candidates: list[Resource] = [*network.instances, *network.workloads]
    for resource in candidates:
        if not resource.certain or (isinstance(resource, Workload) and resource.answers_only):
            continue
        placement = placement_of(resource)
        if placement is None:
            continue
        if any(subnet.vpc is vpc for subnet in placement.subnets):
            found.append(resource)
    return found
