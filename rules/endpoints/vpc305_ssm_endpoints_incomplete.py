"""A VPC has some of the Systems Manager interface endpoints, but not all that SSM Agent needs.

## What it does
Looks at the interface endpoints of each VPC for `ssm`, `ssmmessages` and `ec2messages`. When
`ssmmessages` or `ec2messages` is there (the VPC is set up for SSM Agent: Session Manager, Run
Command, Patch Manager) but `ssm` or `ssmmessages` is missing, it reports once per VPC, on the
first of the endpoints present, and names the ones missing.

Two cases are deliberately left alone: an `ssm` endpoint on its own (commonly made only for
Parameter Store reads), and `ssm` with `ssmmessages` but no `ec2messages` (SSM Agent 3.3.40.0
and later sends its messages through `ssmmessages` and no longer needs `ec2messages`).
Endpoints of type Gateway do not count (VPC307 reports them).

The rule stays silent for a VPC when any of its endpoints has an unknown type or service (an
`ImportValue`, a parameter without default, an undecided `Fn::If`) or sits under an undecided
`Condition`, since that endpoint may be the missing one.

## Why it matters
An instance in a subnet without internet access reaches Systems Manager only through these
endpoints. Without `ssm` the agent cannot register, so the instance never shows as managed;
without `ssmmessages` Session Manager cannot open a session. The template deploys cleanly and
the failure shows up later as "instance not connected" with no hint of the missing endpoint.

## Example
```yaml
SsmEndpoint:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcEndpointType: Interface
    ServiceName: !Sub com.amazonaws.${AWS::Region}.ssm
    VpcId: !Ref VPC
    SubnetIds: [!Ref PrivateSubnet]
    SecurityGroupIds: [!Ref EndpointSecurityGroup]
    PrivateDnsEnabled: true
Ec2MessagesEndpoint:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcEndpointType: Interface
    ServiceName: !Sub com.amazonaws.${AWS::Region}.ec2messages
    VpcId: !Ref VPC
    SubnetIds: [!Ref PrivateSubnet]
    SecurityGroupIds: [!Ref EndpointSecurityGroup]
    PrivateDnsEnabled: true
# no ssmmessages endpoint: Session Manager cannot connect
```

## Fix
Add the missing interface endpoints in the same subnets and security groups, with private DNS
on: `ServiceName: !Sub com.amazonaws.${AWS::Region}.ssmmessages`.
"""

from collections.abc import Iterator

from vpclint.findings import Problem
from vpclint.model import EndpointType, Network, VpcEndpoint
from vpclint.values import Unknown

ID = "VPC305"
NAME = "ssm-endpoints-incomplete"
SEVERITY = "error"

SSM_SERVICES = ("ssm", "ssmmessages", "ec2messages")
REQUIRED = ("ssm", "ssmmessages")  # ec2messages only for SSM Agent before 3.3.40.0
AGENT_SIGNS = {"ssmmessages", "ec2messages"}


def check(network: Network) -> Iterator[Problem]:
    present: dict[int, dict[str, VpcEndpoint]] = {}
    undecided: set[int] = set()
    for endpoint in network.endpoints:
        if endpoint.vpc is None:
            continue
        key = id(endpoint.vpc)
        service = endpoint.service
        if isinstance(endpoint.endpoint_type, Unknown) or service is None:
            undecided.add(key)
            continue
        if service not in SSM_SERVICES or endpoint.endpoint_type is not EndpointType.INTERFACE:
            continue
        if not endpoint.certain:
            undecided.add(key)
            continue
        present.setdefault(key, {}).setdefault(service, endpoint)
    for key, found in present.items():
        if key in undecided or not AGENT_SIGNS & found.keys():
            continue
        missing = [service for service in REQUIRED if service not in found]
        if not missing:
            continue
        first = min(found.values(), key=network.endpoints.index)
        yield Problem(first, _message(first, found, missing))


def _message(first: VpcEndpoint, found: dict[str, VpcEndpoint], missing: list[str]) -> str:
    vpc = first.vpc.logical_id if first.vpc else "the VPC"
    have = " and ".join(f"{s} ({found[s].logical_id})" for s in SSM_SERVICES if s in found)
    lacks = " and ".join(missing)
    effect = (
        "SSM Agent cannot register instances without internet access"
        if "ssm" in missing
        else "Session Manager cannot open sessions to instances without internet access"
    )
    also = (
        " (and ec2messages for SSM Agent older than 3.3.40.0)" if "ec2messages" not in found else ""
    )
    return (
        f"VPC {vpc} has Systems Manager endpoints for {have} but none for {lacks}, so "
        f"{effect}; add {'an interface endpoint' if len(missing) == 1 else 'interface endpoints'} "
        f"for {lacks}{also}."
    )
