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
from vpclint.model import (
    Network,
    SecurityGroup,
    SecurityGroupRule,
    Vpc,
    VpcEndpoint,
    network_of,
)
from vpclint.values import Unknown

ID = "VPC303"
NAME = "interface-endpoint-sg-blocks-https"
SEVERITY = "error"

TCP = "6"
HTTPS = 443


def check(network: Network) -> Iterator[Problem]:
    for endpoint in network.certain_interface_endpoints:
        groups = endpoint.effective_security_groups
        if isinstance(groups, Unknown) or not groups:
            continue
        if not all(isinstance(group, SecurityGroup) for group in groups):
            continue  # a group from outside the template may allow it
        verdicts = [admits_https_from_vpc(group, endpoint.vpc) for group in groups]  # type: ignore[arg-type]
        if all(verdict is False for verdict in verdicts):
            yield Problem(endpoint, _message(endpoint, groups))  # type: ignore[arg-type]


def admits_https_from_vpc(group: SecurityGroup, vpc: Vpc | None) -> bool | Unknown:
    """True when a certain rule lets TCP 443 in from the VPC; Unknown when one might."""
    undecided: Unknown | None = group.unreadable[0] if group.unreadable else None
    for rule in group.ingress:
        port = rule.allows_port(TCP, HTTPS)
        source = _from_vpc(rule, vpc)
        if port is False or source is False:
            continue
        if port is True and source is True and rule.certain:
            return True
        undecided = Unknown(f"rule of {rule.source_id} may allow HTTPS", rule.mark)
    return undecided if undecided is not None else False


def _from_vpc(rule: SecurityGroupRule, vpc: Vpc | None) -> bool | Unknown:
    if rule.peer is not None:
        if rule.peer is rule.group and rule.group.is_default:
            # The default group admits its own members: does anything but an endpoint join it?
            if any(not isinstance(member, VpcEndpoint) for member in rule.group.members):
                return True
            if rule.group.possible_members:
                names = ", ".join(m.logical_id for m in rule.group.possible_members[:3])
                return Unknown(f"{names} may sit in the default security group")
            return False
        return True
    if rule.cidr_ipv4 is not None:
        block = network_of(rule.cidr_ipv4)
        if block is None:
            return rule.cidr_ipv4 if isinstance(rule.cidr_ipv4, Unknown) else False
        if block.prefixlen == 0:
            return True
        vpc_blocks = vpc.networks if vpc else None
        if vpc_blocks is None:
            return Unknown("the VPC's blocks are not known")
        return any(block.overlaps(vpc_block) for vpc_block in vpc_blocks)
    if rule.cidr_ipv6 is not None:
        return True  # IPv6 clients in a dual-stack VPC can use the endpoint
    if rule.prefix_list is not None:
        return Unknown("a prefix list's entries are not known")
    return False


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
