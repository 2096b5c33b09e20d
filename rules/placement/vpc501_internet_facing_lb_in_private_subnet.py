"""An internet-facing load balancer sits in a subnet the internet cannot reach.

## What it does
Reports an internet-facing load balancer (`Scheme: internet-facing`, the default, of an
Application, Network or Classic Load Balancer) placed in a subnet whose route table has no route
to an internet gateway, or in a VPC to which no internet gateway is attached. A subnet counts as
unreachable only when its effective route table (its association, or the VPC's main route table)
certainly has no IPv4 route to an internet gateway and its default route, if any, goes to a NAT
gateway, a virtual private gateway, a transit gateway or a peering connection. A default route
to a firewall or Gateway Load Balancer endpoint, a network interface or an instance (an
inspection appliance) keeps the rule silent, and so does a load balancer whose
`IpAddressType` is `dualstack-without-public-ipv4`. A subnet without an association is taken to
use the main route table only when the template routes its VPC (a route table or a gateway
attachment of its own) and no route or association names a table or subnet vpclint cannot know.

Load balancers, subnets, routes and associations under an undecided `Condition`, and scheme,
type, subnets or route targets behind an undecided `Fn::If` or from outside the template (a
parameter without default, `Fn::ImportValue`), keep the rule silent.

## Why it matters
The nodes of an internet-facing load balancer get public addresses, but their replies leave
through the route table of their subnet. Without a route to an internet gateway, clients on the
internet reach the node and never hear back: the listener times out while the targets are
healthy. A VPC without an attached internet gateway cannot hold an internet-facing load balancer
at all, and the stack fails to create it. Usually the private subnets were passed where the
public ones were meant.

## Example
```yaml
WebLoadBalancer:
  Type: AWS::ElasticLoadBalancingV2::LoadBalancer
  Properties:
    Subnets: [!Ref PrivateSubnetA, !Ref PrivateSubnetB]  # routed to NAT gateways
    SecurityGroups: [!Ref WebSecurityGroup]
```

## Fix
Place the load balancer in the public subnets (those whose route table sends `0.0.0.0/0` to an
attached internet gateway), or make it `Scheme: internal` if it should serve only the VPC.
"""

from collections.abc import Iterator

from vpclint.findings import Problem
from vpclint.judge.routes import certainly_private
from vpclint.model import LoadBalancer, LoadBalancerKind, Network, Subnet, Vpc

ID = "VPC501"
NAME = "internet-facing-lb-in-private-subnet"
SEVERITY = "error"

_PUBLIC_IPV4_TYPES = (None, "ipv4", "dualstack")


def check(network: Network) -> Iterator[Problem]:
    for balancer in network.load_balancers:
        if not _internet_facing(balancer) or not isinstance(balancer.subnets, list):
            continue
        subnets = [s for s in balancer.subnets if isinstance(s, Subnet) and s.certain]
        vpcs = {id(s.vpc): s.vpc for s in subnets if s.vpc is not None}
        closed = [vpc for vpc in vpcs.values() if _without_internet_gateway(vpc, network)]
        if closed:
            names = ", ".join(vpc.logical_id for vpc in closed)
            yield Problem(
                balancer,
                f"Internet-facing load balancer {balancer.logical_id} is in VPC {names}, which "
                "has no internet gateway attached; attach one and route its subnets to it, or "
                "make the load balancer Scheme: internal.",
            )
            continue
        private = [s for s in subnets if s.certain and certainly_private(s)]
        if private:
            names = ", ".join(s.logical_id for s in private)
            plural = "s" if len(private) > 1 else ""
            yield Problem(
                balancer,
                f"Internet-facing load balancer {balancer.logical_id} is placed in subnet{plural} "
                f"{names} with no route to an internet gateway, so clients on the internet get "
                "no reply; place it in public subnets or make it Scheme: internal.",
            )


def _internet_facing(balancer: LoadBalancer) -> bool:
    if not balancer.certain or balancer.scheme != "internet-facing":
        return False
    if not isinstance(balancer.kind, LoadBalancerKind) or balancer.kind is LoadBalancerKind.GATEWAY:
        return False  # a Gateway Load Balancer (or maybe one) has no scheme
    return balancer.properties.get("IpAddressType") in _PUBLIC_IPV4_TYPES


def _without_internet_gateway(vpc: Vpc, network: Network) -> bool:
    """True when no internet gateway is, or may be, attached to the VPC."""
    if not vpc.certain or vpc.implicit:
        return False
    for attachment in vpc.gateway_attachments:
        if "InternetGatewayId" in attachment.properties:
            return False
    for attachment in network.gateway_attachments:
        if (
            attachment.vpc is None
            and not isinstance(attachment.properties.get("VpcId"), str)
            and "InternetGatewayId" in attachment.properties
        ):
            return False  # attached to a VPC we cannot name: maybe this one
    return True
