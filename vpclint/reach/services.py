"""AWS services in a walk: through a gateway endpoint (S3, DynamoDB) that serves the subnet's
route table, through an interface endpoint that private DNS resolves the service's name to, or
else to the service's public addresses. When the public way fails and an endpoint went unused,
the unused endpoint is the explanation. Where the service's name leads is
`vpclint.judge.names`'s question: when a Resolver rule, a private hosted zone or other DNS
servers decide it, the answer is not known, unless a private hosted zone's record shows the
interface endpoint (of this VPC or another) that the name leads to.
"""

from __future__ import annotations

from typing import Any

from vpclint.judge import names
from vpclint.judge.flows import Peer
from vpclint.model import EndpointType, RouteTable, Subnet, Vpc, VpcEndpoint, subnets_in
from vpclint.reach import answer as codes
from vpclint.reach.answer import Path, all_of
from vpclint.reach.walk import Crossing, Sender, Target, Walk
from vpclint.values import Unknown

GATEWAY_SERVICES = {"s3", "dynamodb"}


def to_service(walk: Walk, path: Path, sender: Sender, subnet: Subnet, service: str) -> Path:
    vpc = subnet.vpc
    elsewhere = names.decided_elsewhere(walk.network, vpc, service)
    if elsewhere is not None and elsewhere.endpoint is not None:
        path.hop(elsewhere.setting.logical_id, "private DNS", elsewhere.reason)
        return _to_interface_endpoint(walk, path, sender, subnet, elsewhere.endpoint)
    if elsewhere is not None:
        path.unknown(elsewhere.setting.logical_id, elsewhere.reason)
        return path
    table = subnet.route_table
    if isinstance(table, Unknown):
        path.unknown(subnet.logical_id, table.reason)
        return path
    if service in GATEWAY_SERVICES:
        served = _gateway_endpoint(walk, table, service, vpc)
        if isinstance(served, Unknown):
            path.unknown(table.logical_id, served.reason)
            return path
        if served is not None:
            return _through_gateway_endpoint(walk, path, sender, subnet, served, service)
        other = _gateway_endpoint_in(walk, vpc, service)
        if other is not None:
            why = (
                f"gateway endpoint {other.logical_id} does not serve route table {table.logical_id}"
            )
            path.hop(other.logical_id, "route", f"{why}, so {service} goes the public way")
            unused = codes.Block(
                codes.NO_ROUTE,
                other.logical_id,
                why,
                f"add {table.logical_id} to the RouteTableIds of {other.logical_id}",
            )
            return _public_service(walk, path, sender, subnet, service, unused)
    interface = names.interface_endpoint(walk.network, vpc, service)
    if interface is not None:
        endpoint, dns = interface
        if dns is True:
            path.hop(
                endpoint.logical_id,
                "private DNS",
                f"{service} resolves to interface endpoint {endpoint.logical_id}",
            )
            return _to_interface_endpoint(walk, path, sender, subnet, endpoint)
        if isinstance(dns, Unknown):
            path.unknown(endpoint.logical_id, dns.reason)
            return path
        why = names.why_no_private_dns(endpoint)
        path.hop(
            endpoint.logical_id,
            "private DNS",
            f"{why}, so {service} resolves to its public address",
        )
        unused = codes.Block(
            codes.PRIVATE_DNS_OFF,
            endpoint.logical_id,
            f"interface endpoint {endpoint.logical_id} is not used because {why}",
            "turn on EnableDnsSupport and EnableDnsHostnames on the VPC and "
            "PrivateDnsEnabled on the endpoint",
        )
        return _public_service(walk, path, sender, subnet, service, unused)
    return _public_service(walk, path, sender, subnet, service, None)


def _to_interface_endpoint(
    walk: Walk, path: Path, sender: Sender, subnet: Subnet, endpoint: VpcEndpoint
) -> Path:
    """To the endpoint's network interfaces: the service's name answers with those of every
    subnet of the endpoint, so each must let the traffic in."""
    # Its subnets may be unknown, in part or whole (a parameter, an import): the interfaces
    # there are a branch whose answer is not known.
    subnets, elsewhere = subnets_in(endpoint.subnets or [])
    if not subnets:
        reason = elsewhere.reason if elsewhere else "it names none"
        path.unknown(endpoint.logical_id, f"where the endpoint sits: {reason}")
        return path
    path.through(f"interface endpoint {endpoint.logical_id}")
    branches = []
    for where in subnets:
        target = Target(
            endpoint.logical_id, where.block, where, endpoint.effective_security_groups, endpoint
        )
        branches.append(walk.send(path.copy(), sender, subnet, target))
    if elsewhere is not None:
        branch = path.copy()
        branch.unknown(endpoint.logical_id, f"where the endpoint also sits: {elsewhere.reason}")
        branches.append(branch)
    return all_of(branches)


def _public_service(
    walk: Walk, path: Path, sender: Sender, subnet: Subnet, service: str, unused: Any
) -> Path:
    """To the service's public addresses, over the internet. When that fails and an
    endpoint was not used (`unused`: why, as a Block), the unused endpoint is the
    explanation, and the public path's first failure is told in it."""
    target = Target(f"the {service} service (public endpoint)", None, service=service)
    result = walk.send(path, sender, subnet, target)
    if unused is not None and result.blocks:
        first = result.blocks[0]
        result.blocks[0] = codes.Block(
            unused.code,
            unused.component,
            f"{unused.explanation}, and the public path fails: {first.explanation}",
            unused.fix,
        )
    return result


def _gateway_endpoint_in(walk: Walk, vpc: Vpc | None, service: str) -> VpcEndpoint | None:
    """A certain gateway endpoint of the service in the VPC, whichever tables it serves."""
    for endpoint in walk.network.endpoints:
        if (
            endpoint.endpoint_type is EndpointType.GATEWAY
            and endpoint.service == service
            and endpoint.vpc is vpc
            and endpoint.certain
        ):
            return endpoint
    return None


def _through_gateway_endpoint(
    walk: Walk, path: Path, sender: Sender, subnet: Subnet, endpoint: VpcEndpoint, service: str
) -> Path:
    peer = Peer(f"the {service} prefix list", None, None, service, prefix_list=True)
    if sender.groups is not None:
        walk.groups(path, sender.groups, "egress", sender.name, peer)
    crossings: list[Crossing] = []
    walk.acl(path, subnet, True, None, sender.client, crossings, service=service)
    path.hop(
        endpoint.logical_id,
        "route",
        f"the {service} prefix list to gateway endpoint {endpoint.logical_id}",
    )
    walk.replies(path, crossings, service=service)
    path.through(f"gateway endpoint {endpoint.logical_id}")
    return path


def _gateway_endpoint(
    walk: Walk, table: RouteTable, service: str, vpc: Vpc | None
) -> VpcEndpoint | Unknown | None:
    """The gateway endpoint of the service that serves the table; Unknown when one of the
    VPC may, through a table it names from outside."""
    maybe: Unknown | None = None
    for endpoint in walk.network.endpoints:
        if endpoint.endpoint_type is not EndpointType.GATEWAY or endpoint.service != service:
            continue
        if endpoint.vpc is not vpc and endpoint.vpc is not None:
            continue
        tables = endpoint.route_tables
        if isinstance(tables, list) and any(t is table for t in tables):
            if endpoint.certain:
                return endpoint
            maybe = Unknown(f"gateway endpoint {endpoint.logical_id} may not exist")
        elif isinstance(tables, Unknown) or (
            isinstance(tables, list) and any(not isinstance(t, RouteTable) for t in tables)
        ):
            maybe = Unknown(f"gateway endpoint {endpoint.logical_id} may serve the table")
    return maybe
