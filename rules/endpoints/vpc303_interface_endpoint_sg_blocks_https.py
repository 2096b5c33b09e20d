"""An interface VPC endpoint's security groups do not let HTTPS in from the VPC.

## What it does
Reports an interface `AWS::EC2::VPCEndpoint` none of whose security groups allows TCP port 443
in from the VPC: from a CIDR block that covers addresses of the VPC, or from a peer security
group. Rules written inline and as standalone `AWS::EC2::SecurityGroupIngress` resources both
count; protocol `tcp`, `6` or `-1` and any port range that includes 443 allow it. An endpoint
without `SecurityGroupIds` sits in the VPC's default security group, which admits only members
of that same group.

## Why it matters
AWS service APIs (SSM, Secrets Manager, ECR, CloudWatch Logs, STS, ...) are reached over HTTPS.
An interface endpoint that drops inbound 443 makes every call from the VPC time out, and with
private DNS on, there is no fallback path: Session Manager shows the instance as offline,
container image pulls fail, and the template deploys without complaint.

## Example
```yaml
EndpointSecurityGroup:
  Type: AWS::EC2::SecurityGroup
  Properties:
    VpcId: !Ref VPC
    GroupDescription: SSM endpoints
    SecurityGroupIngress:
      - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 10.0.0.0/16}
SsmEndpoint:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcEndpointType: Interface
    ServiceName: !Sub com.amazonaws.${AWS::Region}.ssm
    VpcId: !Ref VPC
    SubnetIds: [!Ref PrivateSubnet]
    SecurityGroupIds: [!Ref EndpointSecurityGroup]
```

## Fix
Allow HTTPS in from the clients: `{IpProtocol: tcp, FromPort: 443, ToPort: 443,
CidrIp: !GetAtt VPC.CidrBlock}`, or `SourceSecurityGroupId` of the clients' group.
"""

from collections.abc import Iterator

from vpclint.findings import Problem
from vpclint.judge.flows import Flow
from vpclint.judge.security_groups import admits_from_vpc
from vpclint.model import TCP, Network, SecurityGroup, VpcEndpoint
from vpclint.values import Unknown

ID = "VPC303"
NAME = "interface-endpoint-sg-blocks-https"
SEVERITY = "error"

HTTPS = Flow(TCP, 443)


def check(network: Network) -> Iterator[Problem]:
    for endpoint in network.certain_interface_endpoints:
        groups = endpoint.effective_security_groups
        if isinstance(groups, Unknown) or not groups:
            continue
        if not all(isinstance(group, SecurityGroup) for group in groups):
            continue  # a group from outside the template may allow it
        if admits_from_vpc(groups, HTTPS, endpoint.vpc) is False:  # type: ignore[arg-type]
            yield Problem(endpoint, _message(endpoint, groups))  # type: ignore[arg-type]


def _message(endpoint: VpcEndpoint, groups: list[SecurityGroup]) -> str:
    service = f" ({endpoint.service})" if endpoint.service else ""
    if endpoint.security_groups is None:
        return (
            f"Interface endpoint {endpoint.logical_id}{service} has no SecurityGroupIds, so it "
            "uses the VPC's default security group, which admits only its own members and no "
            "workload of the template is one; give the endpoint a security group that allows "
            "TCP 443 in from the VPC CIDR."
        )
    names = ", ".join(group.logical_id for group in groups)
    return (
        f"Interface endpoint {endpoint.logical_id}{service} accepts no HTTPS: none of its "
        f"security groups ({names}) allows TCP 443 in from the VPC; add an ingress rule for "
        "TCP 443 from the VPC CIDR or from the clients' security group."
    )
