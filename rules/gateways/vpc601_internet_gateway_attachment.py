"""An internet gateway is attached to no VPC, to two VPCs, or shares a VPC with another one.

## What it does
Reports three mistakes with `AWS::EC2::VPCGatewayAttachment` and internet gateways:

- an `AWS::EC2::InternetGateway` that no gateway attachment names in `InternetGatewayId`;
- an internet gateway named by two attachments (to two VPCs, or twice to the same VPC);
- a VPC that two attachments give two different internet gateways (one of them may be an
  `igw-` ID from outside the template).

Attachments that name a virtual private gateway (`VpnGatewayId`) are not counted. A gateway,
VPC or attachment under an undecided `Condition` is never reported, and an attachment whose
`InternetGatewayId` or `VpcId` is an undecided `Fn::If`, an import or a parameter without
default may be the missing one, so the rule stays silent where it would count.

The rule has one severity, `warning`: an internet gateway attached to nothing deploys but does
nothing, which is very likely a slip. A gateway attached twice, or a VPC given two gateways, is
worse: the second `AttachInternetGateway` call fails and the stack rolls back; the message of
those findings says so.

## Why it matters
An internet gateway does nothing until it is attached to exactly one VPC, and a VPC can have
only one internet gateway. An unattached gateway usually means the attachment was forgotten (the
public routes then fail or point nowhere) or the gateway is left over from an earlier design. A
second attachment of the same gateway, or of a second gateway to the same VPC, makes the
deployment fail.

## Example
```yaml
InternetGateway:
  Type: AWS::EC2::InternetGateway
PublicRoute:
  Type: AWS::EC2::Route
  Properties:
    RouteTableId: !Ref PublicRouteTable
    DestinationCidrBlock: 0.0.0.0/0
    GatewayId: !Ref InternetGateway
```

## Fix
Attach each internet gateway to its VPC with one `AWS::EC2::VPCGatewayAttachment`
(`VpcId: !Ref VPC`, `InternetGatewayId: !Ref InternetGateway`), give each VPC one internet
gateway, and delete gateways that nothing uses.
"""

from collections.abc import Iterator
from typing import Any

from vpclint.findings import Problem
from vpclint.model import GatewayAttachment, InternetGateway, Network, Vpc
from vpclint.values import ResourceRef, Unknown

ID = "VPC601"
NAME = "internet-gateway-attachment"
SEVERITY = "warning"


def check(network: Network) -> Iterator[Problem]:
    named: dict[str, list[GatewayAttachment]] = {}  # IGW logical ID -> attachments naming it
    undecided = False  # some attachment may name any internet gateway
    for attachment in network.gateway_attachments:
        if "InternetGatewayId" not in attachment.properties:
            continue
        value = attachment.properties["InternetGatewayId"]
        for logical_id in _possible_refs(value):
            named.setdefault(logical_id, []).append(attachment)
        if _wildcard(value):
            undecided = True

    for gateway in network.internet_gateways:
        if not gateway.certain:
            continue
        attachments = named.get(gateway.logical_id, [])
        if not attachments and not undecided:
            yield Problem(
                gateway,
                f"Internet gateway {gateway.logical_id} is attached to no VPC, so nothing can "
                "use it; attach it with an AWS::EC2::VPCGatewayAttachment (VpcId and "
                "InternetGatewayId) or delete it.",
            )
        certain = [a for a in gateway.attachments if a.certain]
        if len(certain) > 1:
            yield Problem(gateway, _twice_message(gateway, certain))

    for vpc in network.vpcs:
        if vpc.certain:
            problem = _two_gateways(vpc)
            if problem is not None:
                yield problem


def _twice_message(gateway: InternetGateway, attachments: list[GatewayAttachment]) -> str:
    names = " and ".join(a.logical_id for a in attachments[:2])
    vpcs = [_vpc_name(a) for a in attachments[:2]]
    where = f"both to {vpcs[0]}" if vpcs[0] == vpcs[1] else f"to {vpcs[0]} and {vpcs[1]}"
    return (
        f"Internet gateway {gateway.logical_id} is attached by {names} ({where}), but an "
        "internet gateway attaches to one VPC only and the deploy fails on the second "
        "attachment; keep one attachment and give the other VPC its own internet gateway."
    )


def _two_gateways(vpc: Vpc) -> Problem | None:
    gateways: dict[str, GatewayAttachment] = {}
    for attachment in vpc.gateway_attachments:
        if not attachment.certain:
            continue
        if isinstance(attachment.gateway, InternetGateway):
            key = attachment.gateway.logical_id
        else:
            value = attachment.properties.get("InternetGatewayId")
            if not isinstance(value, str):
                continue  # a VPN gateway, or a gateway vpclint cannot name
            key = value
        gateways.setdefault(key, attachment)
    if len(gateways) < 2:
        return None
    names = list(gateways)[:2]
    return Problem(
        vpc,
        f"VPC {vpc.logical_id} is given two internet gateways, {names[0]} (by "
        f"{gateways[names[0]].logical_id}) and {names[1]} (by {gateways[names[1]].logical_id}), "
        "but a VPC can have only one and the deploy fails on the second attachment; attach a "
        "single internet gateway to the VPC.",
    )


def _vpc_name(attachment: GatewayAttachment) -> str:
    if attachment.vpc is not None:
        return f"VPC {attachment.vpc.logical_id}"
    value = attachment.properties.get("VpcId")
    return f"VPC {value}" if isinstance(value, str) else f"the VPC of {attachment.logical_id}"


def _possible_refs(value: Any) -> list[str]:
    """Logical IDs a value may refer to, through the branches of undecided `Fn::If`s."""
    if isinstance(value, Unknown):
        return [found for option in value.options for found in _possible_refs(option)]
    if isinstance(value, ResourceRef) and value.attribute is None:
        return [value.logical_id]
    return []


def _wildcard(value: Any) -> bool:
    """Whether a value may be any resource's ID (an Unknown with no known alternatives)."""
    if isinstance(value, Unknown):
        return not value.options or any(_wildcard(option) for option in value.options)
    return False
