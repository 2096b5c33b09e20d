"""A route, NAT gateway or Elastic IP lacks the gateway attachment it needs or does not wait for it.

## What it does
Checks every `AWS::EC2::Route` whose `GatewayId` names an internet gateway or a virtual private
(VPN) gateway of the template, and reports it in two cases:

- no `AWS::EC2::VPCGatewayAttachment` attaches that gateway to the VPC of the route's table
  (the stack fails to create the route);
- the gateway is attached, but the route does not depend on the attachment, neither by its own
  `DependsOn` nor through the resources it depends on or refers to (their `DependsOn`, `Ref`
  and `Fn::GetAtt`, followed transitively). CloudFormation may then create the route before the
  attachment, and the stack fails intermittently.

It also reports, for a VPC that an internet gateway of the template certainly attaches, what
cannot be created before that attachment and does not depend on it (transitively, as above):

- a public `AWS::EC2::NatGateway` in one of the VPC's subnets: AWS fails it with
  `Gateway.NotAttached` ("Network vpc-... has no Internet gateway attached");
- an `AWS::EC2::EIP` that the template uses in the VPC, either by its own `InstanceId` (the
  association needs the gateway) or as the `AllocationId` of such a NAT gateway that does not
  wait either. CloudFormation's `DependsOn` documentation requires an Elastic IP associated
  with a VPC of the same template to depend on the gateway attachment; the finding is then on
  the Elastic IP, the NAT gateway (which waits for its address) is not reported again. An
  Elastic IP that nothing in the template uses is not reported: allocating it needs no
  gateway.

A rule has one severity, so all cases are findings of this rule at `error`: the first always
fails, the second fails often enough on real deployments that it has to be fixed as well, and
the message says which case it is.

The rule stays silent when the answer is not certain: a route, gateway or attachment under an
undecided `Condition` (an attachment that may exist counts as attached, and the dependency check
needs an attachment that certainly exists), a gateway or route table behind an undecided
`Fn::If` or from outside the template (an imported ID, a literal `igw-...`), an attachment whose
gateway or VPC is not known. Dependencies are followed through every resource of the template
(`DependsOn`, `Ref`, `Fn::GetAtt`, `Fn::Sub`), modelled or not; one behind an undecided
`Fn::If` counts.

Sources: CloudFormation, "DependsOn attribute: When a DependsOn attribute is required"
(https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-dependson.html#gatewayattachment),
and the EC2 API reference for NatGateway's `failureCode` `Gateway.NotAttached`
(https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_NatGateway.html).

## Why it matters
A route to a gateway needs the gateway attached to the same VPC. Without the attachment the
route cannot be created and the stack rolls back. With the attachment but no dependency on it,
CloudFormation creates the attachment and the route in parallel; whenever the route comes
first it fails with "route table rtb-... and network gateway igw-... belong to different
networks", and the same template deploys on one try and not on the next. A NAT gateway or an
Elastic IP association created before the attachment fails the same way.

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
`DependsOn: GatewayAttachment` (its logical ID) to the route, and to each Elastic IP (or the
NAT gateway) of the VPC.
"""

from collections.abc import Iterator

from vpclint.findings import Problem
from vpclint.model import (
    ElasticIp,
    GatewayAttachment,
    InternetGateway,
    NatGateway,
    Network,
    Resource,
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
    yield from _not_waiting(network)


def _not_waiting(network: Network) -> Iterator[Problem]:
    """NAT gateways and Elastic IPs of a VPC created without waiting for its internet gateway."""
    late_nats: dict[str, tuple[NatGateway, list[GatewayAttachment]]] = {}
    for nat in network.nat_gateways:
        if not nat.certain or nat.connectivity_type != "public" or nat.subnet is None:
            continue
        attachments = _internet_attachments(nat.subnet.vpc)
        if attachments and not network.created_after(nat, attachments):
            late_nats[nat.key] = (nat, attachments)
    reported: set[str] = set()
    for eip in network.elastic_ips:
        if not eip.certain or eip.implicit:
            continue
        used_by: list[Resource] = []
        vpc = None
        if eip.instance is not None and "InstanceId" in eip.properties:
            vpc = eip.instance.subnet.vpc if eip.instance.subnet is not None else None
            used_by.append(eip.instance)
        for nat, _ in late_nats.values():
            if nat.elastic_ip is eip and nat.subnet is not None:
                vpc = vpc or nat.subnet.vpc
                used_by.append(nat)
        attachments = _internet_attachments(vpc)
        if not used_by or not attachments or network.created_after(eip, attachments):
            continue
        reported.update(user.key for user in used_by)
        yield Problem(eip, _eip_message(eip, used_by, attachments))
    for key, (nat, attachments) in late_nats.items():
        if key not in reported:
            yield Problem(nat, _nat_message(nat, attachments))


def _internet_attachments(vpc: Vpc | None) -> list[GatewayAttachment]:
    """The attachments of internet gateways to `vpc`; none unless one certainly exists."""
    if vpc is None or not vpc.certain:
        return []
    found = [a for a in vpc.gateway_attachments if isinstance(a.gateway, InternetGateway)]
    if not any(a.certain and a.gateway is not None and a.gateway.certain for a in found):
        return []
    return found


def _wait_for(subject: Resource, attachment: GatewayAttachment) -> str:
    """What `subject` can name in DependsOn to wait for the attachment: the attachment, or the
    nested stack of its own template that holds it."""
    inner, outer = attachment.stack, subject.stack
    if inner == outer:
        return attachment.logical_id
    if not outer or inner.startswith(outer + "/"):
        return inner[len(outer) + 1 if outer else 0 :].split("/", 1)[0]
    return f"{attachment.logical_id} (stack {inner})"


def _nat_message(nat: NatGateway, attachments: list[GatewayAttachment]) -> str:
    attachment = _wait_for(nat, attachments[0])
    return (
        f"Public NAT gateway {nat.logical_id} does not depend on {attachment}, which attaches the "
        "internet gateway to its VPC, so CloudFormation may create it first and it fails with "
        f"Gateway.NotAttached; add DependsOn: {attachment} to the NAT gateway (or to its Elastic "
        "IP)."
    )


def _eip_message(
    eip: ElasticIp, used_by: list[Resource], attachments: list[GatewayAttachment]
) -> str:
    attachment = _wait_for(eip, attachments[0])
    user = used_by[0]
    if isinstance(user, NatGateway):
        what = (
            f"NAT gateway {user.logical_id}, which waits only for the address, fails with "
            "Gateway.NotAttached when CloudFormation creates it before the attachment"
        )
    else:
        what = (
            f"its association with instance {user.logical_id} fails when CloudFormation "
            "makes it before the attachment"
        )
    return (
        f"Elastic IP {eip.logical_id} is used in a VPC of this template but does not depend on "
        f"{attachment}, which attaches the VPC's internet gateway: {what}; add DependsOn: "
        f"{attachment} to the Elastic IP."
    )


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
    attachment = _wait_for(route, attachments[0])
    return (
        f"Route {route.logical_id} sends {_destination(route)} to {_kind(gateway)} "
        f"{gateway.logical_id} but does not depend on {attachment}, which attaches it to "
        f'{vpc.logical_id}, so the stack fails intermittently with "route table ... and '
        f'network gateway ... belong to different networks"; add DependsOn: {attachment} to '
        "the route."
    )
