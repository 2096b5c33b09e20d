"""A route to an internet or VPN gateway that is not attached to the route table's VPC.

## What it does
Checks every `AWS::EC2::Route` whose `GatewayId` names an internet gateway or a virtual private
(VPN) gateway of the template, and reports it in two cases:

- no `AWS::EC2::VPCGatewayAttachment` attaches that gateway to the VPC of the route's table
  (the stack fails to create the route);
- the gateway is attached, but the route does not depend on the attachment, neither by its own
  `DependsOn` nor through the resources it depends on or refers to (their `DependsOn`, `Ref`
  and `Fn::GetAtt`, followed transitively). CloudFormation may then create the route before the
  attachment, and the stack fails intermittently.

A rule has one severity, so both cases are findings of this rule at `error`: the first always
fails, the second fails often enough on real deployments that it has to be fixed as well, and
the message says which case it is.

The rule stays silent when the answer is not certain: a route, gateway or attachment under an
undecided `Condition` (an attachment that may exist counts as attached, and the dependency check
needs an attachment that certainly exists), a gateway or route table behind an undecided
`Fn::If` or from outside the template (an imported ID, a literal `igw-...`), an attachment whose
gateway or VPC is not known. Dependencies are followed through every resource of the template
(`DependsOn`, `Ref`, `Fn::GetAtt`, `Fn::Sub`), modelled or not; one behind an undecided
`Fn::If` counts.

## Why it matters
A route to a gateway needs the gateway attached to the same VPC. Without the attachment the
route cannot be created and the stack rolls back. With the attachment but no dependency on it,
CloudFormation creates the attachment and the route in parallel; whenever the route comes
first it fails with "route table rtb-... and network gateway igw-... belong to different
networks", and the same template deploys on one try and not on the next.

## Example
```yaml
InternetGateway:
  Type: AWS::EC2::InternetGateway
GatewayAttachment:
  Type: AWS::EC2::VPCGatewayAttachment
  Properties: {VpcId: !Ref VPC, InternetGatewayId: !Ref InternetGateway}
PublicDefaultRoute:
  Type: AWS::EC2::Route
  Properties:
    RouteTableId: !Ref PublicRouteTable
    DestinationCidrBlock: 0.0.0.0/0
    GatewayId: !Ref InternetGateway
```

## Fix
Attach the gateway to the route table's VPC with an `AWS::EC2::VPCGatewayAttachment`, and add
`DependsOn: GatewayAttachment` (its logical ID) to the route.
"""

from collections.abc import Iterator

from vpclint.findings import Problem
from vpclint.model import (
    GatewayAttachment,
    InternetGateway,
    Network,
    Route,
    RouteTable,
    TargetKind,
    Vpc,
    VpnGateway,
)

ID = "VPC103"
NAME = "igw-route-without-attachment"
SEVERITY = "error"


def check(network: Network) -> Iterator[Problem]:
    for route in network.routes:
        target = route.target.resource
        if route.target.kind not in (TargetKind.INTERNET_GATEWAY, TargetKind.VPN_GATEWAY):
            continue
        if not isinstance(target, (InternetGateway, VpnGateway)) or not target.certain:
            continue
        table = route.route_table
        if not route.certain or not isinstance(table, RouteTable) or not table.certain:
            continue
        vpc = table.vpc
        if vpc is None:
            continue
        attachments = _attachments_to(network, target, vpc)
        if attachments is None:
            continue
        if not attachments:
            yield Problem(route, _not_attached(route, target, table, vpc))
            continue
        if not any(attachment.certain for attachment in attachments):
            continue
        if not network.created_after(route, attachments):
            yield Problem(route, _no_dependency(route, target, vpc, attachments))


def _attachments_to(
    network: Network, gateway: InternetGateway | VpnGateway, vpc: Vpc
) -> list[GatewayAttachment] | None:
    """The attachments of `gateway` to `vpc`; None when another one might attach it there."""
    for attachment in network.gateway_attachments:
        props = attachment.properties
        if attachment.gateway is None and attachment.vpc in (vpc, None):
            named = props.get("InternetGatewayId", props.get("VpnGatewayId"))
            if not isinstance(named, str):
                return None  # its gateway is not known (a literal ID is another gateway)
        if (
            attachment.gateway is gateway
            and attachment.vpc is None
            and not isinstance(props.get("VpcId"), str)
        ):
            return None  # its VPC is not known (a literal ID is another VPC)
    return [a for a in gateway.attachments if a.vpc is vpc]


def _kind(gateway: InternetGateway | VpnGateway) -> str:
    return "internet gateway" if isinstance(gateway, InternetGateway) else "virtual private gateway"


def _destination(route: Route) -> str:
    return route.destination if isinstance(route.destination, str) else "traffic"


def _not_attached(
    route: Route, gateway: InternetGateway | VpnGateway, table: RouteTable, vpc: Vpc
) -> str:
    return (
        f"Route {route.logical_id} sends {_destination(route)} to {_kind(gateway)} "
        f"{gateway.logical_id}, which no VPCGatewayAttachment attaches to {vpc.logical_id} (the "
        f"VPC of route table {table.logical_id}), so the route cannot be created; attach the "
        f"gateway to {vpc.logical_id} with an AWS::EC2::VPCGatewayAttachment and add DependsOn "
        "on that attachment to the route."
    )


def _no_dependency(
    route: Route,
    gateway: InternetGateway | VpnGateway,
    vpc: Vpc,
    attachments: list[GatewayAttachment],
) -> str:
    attachment = attachments[0].logical_id
    return (
        f"Route {route.logical_id} sends {_destination(route)} to {_kind(gateway)} "
        f"{gateway.logical_id} but does not depend on {attachment}, which attaches it to "
        f'{vpc.logical_id}, so the stack fails intermittently with "route table ... and '
        f'network gateway ... belong to different networks"; add DependsOn: {attachment} to '
        "the route."
    )
