"""Can A reach B? Walk a packet through the network as AWS would, before anything is deployed.

The walk: the source's security groups (egress, stateful) → the source subnet's network ACL
(outbound) → the route table (longest prefix: local, a gateway endpoint's prefix list, an
internet gateway that needs a public address, a NAT gateway and then its own subnet's routes,
an interface endpoint found through private DNS, ...) → the destination subnet's network ACL
(inbound) → the destination's security groups (ingress); then the replies back through both
ACLs, which are stateless, on the ephemeral ports.

Each hop says which rule or route let the packet through; the first hop that stops it carries an
explanation code and the fix. When an unknown value decides the answer, the answer is "unknown"
and names that value. Network ACL replies are checked at port 50000, inside the ephemeral ranges
of Linux (32768-60999) and Windows (49152-65535).
"""

from __future__ import annotations

import ipaddress
from typing import Any

from vpclint.model import (
    ALL_PROTOCOLS,
    EndpointType,
    Instance,
    LoadBalancer,
    NatGateway,
    Network,
    NetworkAcl,
    NetworkInterface,
    Resource,
    RouteTable,
    SecurityGroup,
    SecurityGroupRule,
    Subnet,
    TargetKind,
    VpcEndpoint,
    network_of,
    normalize_protocol,
)
from vpclint.records import field, record
from vpclint.values import Unknown

REACHABLE, UNREACHABLE, UNKNOWN = "reachable", "unreachable", "unknown"
EPHEMERAL_PORT = 50000
INTERNET = ipaddress.IPv4Network("0.0.0.0/0")
GATEWAY_SERVICES = {"s3", "dynamodb", "s3express"}

# Explanation codes, in the spirit of VPC Reachability Analyzer's.
NO_ROUTE = "NO_ROUTE"
SG_EGRESS = "SG_EGRESS"
SG_INGRESS = "SG_INGRESS"
ENDPOINT_SG = "ENDPOINT_SG"
NACL_OUTBOUND = "NACL_OUTBOUND"
NACL_INBOUND = "NACL_INBOUND"
NACL_RETURN = "NACL_RETURN"
NO_PUBLIC_IP = "NO_PUBLIC_IP"
GATEWAY_NOT_ATTACHED = "GATEWAY_NOT_ATTACHED"
NAT_NOT_PUBLIC = "NAT_NOT_PUBLIC"
PRIVATE_DNS_OFF = "PRIVATE_DNS_OFF"
NOT_IN_VPC = "NOT_IN_VPC"


class ReachError(Exception):
    """A query vpclint cannot answer as asked: an unknown source or destination name."""


@record(frozen=True)
class Hop:
    component: str  # the resource the packet passes (or stops at)
    kind: str  # "security group", "network ACL", "route", ...
    detail: str  # the rule or route that let it through, or why it stopped


@record
class Answer:
    verdict: str
    hops: list[Hop] = field(default_factory=list)
    code: str | None = None  # why it is unreachable (or unknown): the most fundamental reason
    explanation: str = ""
    fix: str = ""
    via: str = ""  # how it gets there: "local route", "internet gateway X", "gateway endpoint Y"
    codes: list[str] = field(default_factory=list)  # every blocking component's code

    def as_json(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "via": self.via or None,
            "code": self.code,
            "codes": self.codes,
            "explanation": self.explanation or None,
            "fix": self.fix or None,
            "hops": [hop.__dict__ for hop in self.hops],
        }


@record
class Place:
    """One end of a path: where it is and which security groups it has."""

    name: str
    subnet: Subnet | None = None
    groups: list[SecurityGroup | Unknown | str] | None = None  # None: no security group
    block: ipaddress.IPv4Network | None = None  # its addresses (the subnet's, or a CIDR)
    resource: Resource | None = None
    public_ip: bool | Unknown | None = None
    service: str | None = None  # an AWS service ("s3", "ssm"), or None
    internet: bool = False


class _Stop(Exception):
    """The walk ends here with this answer."""

    def __init__(self, answer: Answer) -> None:
        super().__init__(answer.code)
        self.answer = answer


# -- the query ----------------------------------------------------------------------------------


def reach(
    network: Network, source: str, destination: str, port: int = 443, protocol: str = "tcp"
) -> Answer:
    """Whether `source` can open a connection to `destination` on `protocol`/`port`."""
    number = normalize_protocol(protocol)
    if isinstance(number, Unknown):
        raise ReachError(f"{protocol!r} is not a protocol (tcp, udp, icmp or a number)")
    walk = _Walk(network, number, port)
    start, end = source_place(network, source), destination_place(network, destination)
    try:
        answer = walk.run(start, end)
    except _Stop as stop:
        answer = stop.answer
    return walk.conclude(answer)


def source_place(network: Network, name: str) -> Place:
    resource = network.resources.get(name)
    if resource is None:
        raise ReachError(f"there is no resource {name!r} in the template")
    return _place_of(network, resource)


def destination_place(network: Network, name: str) -> Place:
    if name == "internet":
        return Place("the internet", block=INTERNET, internet=True)
    if name in network.resources:
        return _place_of(network, network.resources[name])
    block = network_of(name) if "/" in name else None
    if block is None and _looks_like_address(name):
        block = ipaddress.IPv4Network(f"{name}/32")
    if block is not None:
        return Place(str(block), block=block, internet=not block.is_private)
    service = name.rsplit(".", 1)[-1] if name.startswith(("com.amazonaws.", "aws.")) else name
    if service.replace("-", "").replace(".", "").isalnum():
        return Place(f"the {service} service", service=service)
    raise ReachError(f"{name!r} is not a resource, a CIDR, a service or 'internet'")


def _looks_like_address(text: str) -> bool:
    try:
        ipaddress.IPv4Address(text)
    except ValueError:
        return False
    return True


def _place_of(network: Network, resource: Resource) -> Place:
    name = resource.logical_id
    if isinstance(resource, Subnet):
        return Place(
            name,
            resource,
            None,
            network_of(resource.cidr_block),
            resource,
            public_ip=resource.map_public_ip_on_launch,
        )
    if isinstance(resource, (Instance, NetworkInterface)):
        public = resource.associate_public_ip
        if isinstance(resource, Instance) and resource.elastic_ips:
            public = True
        elif public is None and resource.subnet is not None:
            public = resource.subnet.map_public_ip_on_launch
        return _in_subnet(name, resource, resource.subnet, resource.security_groups, public)
    if isinstance(resource, VpcEndpoint) and resource.endpoint_type is EndpointType.INTERFACE:
        subnets = [s for s in resource.subnets or [] if isinstance(s, Subnet)]
        return _in_subnet(
            name,
            resource,
            subnets[0] if subnets else None,
            resource.effective_security_groups,
            False,
        )
    if isinstance(resource, NatGateway):
        return _in_subnet(name, resource, resource.subnet, None, True)
    if isinstance(resource, LoadBalancer):
        subnets = (
            [s for s in resource.subnets if isinstance(s, Subnet)]
            if isinstance(resource.subnets, list)
            else []
        )
        return _in_subnet(
            name,
            resource,
            subnets[0] if subnets else None,
            resource.security_groups,
            resource.scheme == "internet-facing",
        )
    config = resource.properties.get("VpcConfig")  # Lambda functions and the like
    if isinstance(config, dict) and isinstance(config.get("SubnetIds"), list):
        subnet_ids = config["SubnetIds"]
        subnet = next(
            (network.resources.get(getattr(s, "logical_id", "")) for s in subnet_ids), None
        )
        groups = [
            network.resources.get(getattr(g, "logical_id", ""), g)
            for g in config.get("SecurityGroupIds", [])
        ]
        return _in_subnet(
            name, resource, subnet if isinstance(subnet, Subnet) else None, groups, False
        )  # type: ignore[arg-type]
    raise ReachError(f"{name} ({resource.type}) holds no address vpclint can place")


def _in_subnet(
    name: str, resource: Resource, subnet: Subnet | None, groups: Any, public: Any
) -> Place:
    block = network_of(subnet.cidr_block) if subnet is not None else None
    return Place(name, subnet, groups, block, resource, public_ip=public)


# -- the walk -----------------------------------------------------------------------------------


class _Walk:
    def __init__(self, network: Network, protocol: str, port: int) -> None:
        self.network = network
        self.protocol = protocol
        self.port = port
        self.hops: list[Hop] = []
        # Security groups and network ACLs that drop the packet: recorded, and the walk goes on,
        # so that a missing route is still found and named first.
        self.blocked: list[Answer] = []
        self.unknowns: list[Answer] = []

    def conclude(self, answer: Answer) -> Answer:
        """The final answer: a stop on the route wins, then what the filters dropped."""
        if answer.verdict == UNREACHABLE and answer.codes:
            return answer
        if answer.verdict == UNREACHABLE:
            first = answer
        elif self.blocked:
            first = self.blocked[0]
        elif self.unknowns and answer.verdict == REACHABLE:
            return self.unknowns[0]
        else:
            return answer
        codes = [first.code] + [b.code for b in self.blocked if b.code != first.code]
        return Answer(
            UNREACHABLE,
            self.hops,
            first.code,
            first.explanation,
            first.fix,
            codes=[c for c in codes if c],
        )

    def run(self, source: Place, destination: Place) -> Answer:
        if source.subnet is None:
            return self._unknown(source.name, f"the subnet of {source.name} is not known")
        if destination.service is not None:
            return self._to_service(source, destination)
        return self._to_address(source, destination)

    # -- toward an address or a workload --------------------------------------------------------

    def _to_address(self, source: Place, destination: Place, via_endpoint: bool = False) -> Answer:
        assert source.subnet is not None
        self._security_egress(source, destination)
        self._acl(
            source.subnet, egress=True, peer=destination.block, port=self.port, code=NACL_OUTBOUND
        )
        table = self._route_table(source.subnet)
        vpc = source.subnet.vpc
        inside = (
            vpc is not None and destination.subnet is not None and destination.subnet.vpc is vpc
        )
        if destination.block is not None and vpc is not None and vpc.networks and not inside:
            inside = any(destination.block.subnet_of(block) for block in vpc.networks)
        if inside:
            self._hop(table.logical_id, "route", f"local route of VPC {vpc.logical_id}")  # type: ignore[union-attr]
            return self._arrive(source, destination, "local route")
        if destination.subnet is not None and destination.subnet.vpc is not vpc:
            raise self._stop(
                NOT_IN_VPC,
                destination.name,
                f"{destination.name} is in another VPC and no local route reaches it",
                "connect the VPCs (peering or a transit gateway) and route to them",
            )
        return self._leave_vpc(source, destination, table)

    def _leave_vpc(self, source: Place, destination: Place, table: RouteTable) -> Answer:
        route = self._longest_prefix(table, destination.block or INTERNET)
        kind = route.target.kind
        target = route.target.describe()
        if kind is TargetKind.INTERNET_GATEWAY:
            self._hop(route.logical_id, "route", f"{route.destination} to {target}")
            if not self._attached(route):
                raise self._stop(
                    GATEWAY_NOT_ATTACHED,
                    route.target.describe(),
                    f"{target} is not attached to the VPC",
                    "attach it with an AWS::EC2::VPCGatewayAttachment",
                )
            if source.public_ip is not True:
                if isinstance(source.public_ip, Unknown):
                    return self._unknown(source.name, source.public_ip.reason)
                raise self._stop(
                    NO_PUBLIC_IP,
                    source.name,
                    f"{source.name} has no public IP address, so the internet "
                    "gateway cannot carry its traffic",
                    "give it a public IP (AssociatePublicIpAddress or an Elastic IP) "
                    "or route it through a NAT gateway",
                )
            self._acl(
                source.subnet,
                egress=False,
                peer=destination.block,
                port=EPHEMERAL_PORT,  # type: ignore[arg-type]
                code=NACL_RETURN,
            )
            return self._done(target)
        if kind is TargetKind.NAT_GATEWAY and isinstance(route.target.resource, NatGateway):
            self._hop(route.logical_id, "route", f"{route.destination} to {target}")
            self._acl(
                source.subnet,
                egress=False,
                peer=destination.block,
                port=EPHEMERAL_PORT,  # type: ignore[arg-type]
                code=NACL_RETURN,
            )
            return self._through_nat(route.target.resource, destination)
        if kind is TargetKind.UNKNOWN:
            value = route.target.value
            reason = value.reason if isinstance(value, Unknown) else f"{value}"
            return self._unknown(route.logical_id, f"the target of the route is unknown: {reason}")
        if route.certain is False:
            return self._unknown(route.logical_id, f"route {route.logical_id} may not exist")
        self._hop(route.logical_id, "route", f"{route.destination} to {target}")
        return self._unknown(target, f"vpclint does not follow traffic beyond a {kind.value}")

    def _through_nat(self, nat: NatGateway, destination: Place) -> Answer:
        subnet = nat.subnet
        if subnet is None:
            return self._unknown(nat.logical_id, "the NAT gateway's subnet is not known")
        if nat.connectivity_type != "public":
            raise self._stop(
                NAT_NOT_PUBLIC,
                nat.logical_id,
                f"NAT gateway {nat.logical_id} is private and reaches no internet",
                "use a public NAT gateway",
            )
        self._hop(nat.logical_id, "NAT gateway", f"in subnet {subnet.logical_id}")
        self._acl(subnet, egress=True, peer=destination.block, port=self.port, code=NACL_OUTBOUND)
        table = self._route_table(subnet)
        route = self._longest_prefix(table, destination.block or INTERNET, required=False)
        if route is None:
            raise self._stop(
                NAT_NOT_PUBLIC,
                nat.logical_id,
                f"NAT gateway {nat.logical_id} sits in subnet {subnet.logical_id}, whose route "
                f"table {table.logical_id} has no route out",
                "place the NAT gateway in a public subnet",
            )
        if route.target.kind is not TargetKind.INTERNET_GATEWAY:
            if route.target.kind is TargetKind.UNKNOWN or not route.certain:
                return self._unknown(route.logical_id, "the NAT subnet's default route is unknown")
            raise self._stop(
                NAT_NOT_PUBLIC,
                nat.logical_id,
                f"NAT gateway {nat.logical_id} sits in subnet {subnet.logical_id}, "
                f"whose route table {table.logical_id} does not send "
                f"{route.destination} to an internet gateway",
                "place the NAT gateway in a public subnet",
            )
        self._hop(route.logical_id, "route", f"{route.destination} to {route.target.describe()}")
        if not self._attached(route):
            raise self._stop(
                GATEWAY_NOT_ATTACHED,
                route.target.describe(),
                f"{route.target.describe()} is not attached to the VPC",
                "attach it with an AWS::EC2::VPCGatewayAttachment",
            )
        self._acl(
            subnet, egress=False, peer=destination.block, port=EPHEMERAL_PORT, code=NACL_RETURN
        )
        return self._done(f"NAT gateway {nat.logical_id}")

    # -- toward an AWS service -------------------------------------------------------------------

    def _to_service(self, source: Place, destination: Place) -> Answer:
        assert source.subnet is not None and destination.service is not None
        service = destination.service
        vpc = source.subnet.vpc
        table = self._route_table(source.subnet)
        if service in GATEWAY_SERVICES:
            gateway = self._gateway_endpoint(table, service)
            elsewhere = self._gateway_endpoint_in(vpc, service)
            if gateway is None and elsewhere is not None:
                tables = elsewhere.route_tables
                if isinstance(tables, Unknown) or any(
                    not isinstance(t, RouteTable) for t in tables or []
                ):
                    reason = (
                        tables.reason
                        if isinstance(tables, Unknown)
                        else ("a route table it serves is outside the template")
                    )
                    return self._unknown(elsewhere.logical_id, reason)
            if gateway is None and elsewhere is not None:
                why = (
                    f"gateway endpoint {elsewhere.logical_id} does not serve route table "
                    f"{table.logical_id}"
                )
                self._hop(elsewhere.logical_id, "route", f"{why}, so {service} goes the public way")
                return self._public_instead(
                    source,
                    service,
                    why,
                    NO_ROUTE,
                    f"add {table.logical_id} to the RouteTableIds of {elsewhere.logical_id}",
                )
            if gateway is not None:
                self._security_egress(source, destination, prefix_list=True)
                self._acl(
                    source.subnet, egress=True, peer=INTERNET, port=self.port, code=NACL_OUTBOUND
                )
                self._hop(
                    gateway.logical_id,
                    "route",
                    f"the {service} prefix list to gateway endpoint {gateway.logical_id}",
                )
                self._acl(
                    source.subnet,
                    egress=False,
                    peer=INTERNET,
                    port=EPHEMERAL_PORT,
                    code=NACL_RETURN,
                )
                return self._done(f"gateway endpoint {gateway.logical_id}")
        interface = self._interface_endpoint(vpc, service)
        if interface is not None:
            endpoint, dns = interface
            if dns is True:
                self._hop(
                    endpoint.logical_id,
                    "private DNS",
                    f"{service} resolves to interface endpoint {endpoint.logical_id}",
                )
                place = _place_of(self.network, endpoint)
                place.name = endpoint.logical_id
                return self._to_address(source, place, via_endpoint=True)
            if isinstance(dns, Unknown):
                return self._unknown(endpoint.logical_id, dns.reason)
            why = _why_no_private_dns(endpoint)
            self._hop(
                endpoint.logical_id,
                "private DNS",
                f"{why}, so {service} resolves to its public address",
            )
            return self._public_instead(
                source,
                service,
                f"interface endpoint {endpoint.logical_id} is not used because {why}",
                PRIVATE_DNS_OFF,
                "turn on EnableDnsSupport and EnableDnsHostnames on "
                "the VPC and PrivateDnsEnabled on the endpoint",
            )
        # No endpoint: the service's public addresses, over the internet.
        public = Place(f"the {service} service (public endpoint)", block=INTERNET, internet=True)
        return self._to_address(source, public)

    def _public_instead(self, source: Place, service: str, why: str, code: str, fix: str) -> Answer:
        """The public path, taken because the service's endpoint is not used; when it fails,
        the unused endpoint is the explanation."""
        public = Place(f"the {service} service (public endpoint)", block=INTERNET, internet=True)
        try:
            answer = self._to_address(source, public)
        except _Stop as stop:
            answer = stop.answer
        if answer.verdict != UNREACHABLE and not self.blocked:
            return answer
        first = answer if answer.verdict == UNREACHABLE else self.blocked[0]
        codes = [code] + ([first.code] if first.code and first.code != code else [])
        raise _Stop(
            Answer(
                UNREACHABLE,
                self.hops,
                code,
                f"{why}, and the public path fails: {first.explanation}",
                fix,
                codes=codes,
            )
        )

    def _gateway_endpoint_in(self, vpc: Any, service: str) -> VpcEndpoint | None:
        for endpoint in self.network.endpoints:
            if (
                endpoint.endpoint_type is EndpointType.GATEWAY
                and endpoint.service == service
                and endpoint.vpc is vpc
                and endpoint.certain
            ):
                return endpoint
        return None

    def _gateway_endpoint(self, table: RouteTable, service: str) -> VpcEndpoint | None:
        for endpoint in self.network.endpoints:
            if (
                endpoint.endpoint_type is EndpointType.GATEWAY
                and endpoint.service == service
                and endpoint.certain
                and isinstance(endpoint.route_tables, list)
                and any(rt is table for rt in endpoint.route_tables)
            ):
                return endpoint
        return None

    def _interface_endpoint(self, vpc: Any, service: str) -> tuple[VpcEndpoint, Any] | None:
        for endpoint in self.network.endpoints:
            if (
                endpoint.endpoint_type is EndpointType.INTERFACE
                and endpoint.service == service
                and endpoint.vpc is vpc
                and endpoint.certain
            ):
                dns: Any = endpoint.private_dns
                if dns is True and vpc is not None:
                    for attribute in (vpc.dns_support, vpc.dns_hostnames):
                        if attribute is not True:
                            dns = attribute if isinstance(attribute, Unknown) else False
                return endpoint, dns
        return None

    # -- arriving -------------------------------------------------------------------------------

    def _arrive(self, source: Place, destination: Place, via: str) -> Answer:
        assert source.subnet is not None
        if destination.subnet is not None:
            self._acl(
                destination.subnet,
                egress=False,
                peer=source.block,
                port=self.port,
                code=NACL_INBOUND,
            )
            if destination.groups is not None:
                code = ENDPOINT_SG if isinstance(destination.resource, VpcEndpoint) else SG_INGRESS
                self._security_ingress(source, destination, code)
            self._acl(
                destination.subnet,
                egress=True,
                peer=source.block,
                port=EPHEMERAL_PORT,
                code=NACL_RETURN,
            )
        self._acl(
            source.subnet,
            egress=False,
            peer=destination.block,
            port=EPHEMERAL_PORT,
            code=NACL_RETURN,
        )
        return self._done(
            via
            if not isinstance(destination.resource, VpcEndpoint)
            else f"interface endpoint {destination.resource.logical_id}"
        )

    def _done(self, via: str) -> Answer:
        return Answer(REACHABLE, self.hops, via=via)

    # -- security groups ------------------------------------------------------------------------

    def _security_egress(
        self, source: Place, destination: Place, prefix_list: bool = False
    ) -> None:
        if source.groups is None:
            return
        decision = self._groups_allow(source.groups, "egress", destination, prefix_list)
        if decision is True:
            return
        if isinstance(decision, Unknown):
            self.unknowns.append(self._unknown(source.name, decision.reason))
            return
        names = ", ".join(_name(g) for g in source.groups)
        self._soft(
            SG_EGRESS,
            source.name,
            f"no egress rule of {source.name}'s security groups ({names}) allows "
            f"{self._traffic()} to {destination.name}",
            f"add an egress rule for {self._traffic()} to {destination.name}",
        )

    def _security_ingress(self, source: Place, destination: Place, code: str) -> None:
        assert destination.groups is not None
        decision = self._groups_allow(destination.groups, "ingress", source, False)
        if decision is True:
            return
        if isinstance(decision, Unknown):
            self.unknowns.append(self._unknown(destination.name, decision.reason))
            return
        names = ", ".join(_name(g) for g in destination.groups)
        self._soft(
            code,
            destination.name,
            f"no ingress rule of {destination.name}'s security groups ({names}) "
            f"allows {self._traffic()} from {source.name}",
            f"allow {self._traffic()} in from {source.name}'s security group or subnet",
        )

    def _groups_allow(
        self, groups: list[Any] | Unknown, direction: str, other: Place, prefix_list: bool
    ) -> bool | Unknown:
        if isinstance(groups, Unknown):
            return groups
        undecided: Unknown | None = None
        for group in groups:
            if not isinstance(group, SecurityGroup):
                undecided = Unknown(f"security group {_name(group)} is outside the template")
                continue
            if group.unreadable:
                undecided = group.unreadable[0]
            rules = group.ingress if direction == "ingress" else group.egress
            for rule in rules:
                verdict = self._rule_allows(rule, other, prefix_list)
                if verdict is True and rule.certain:
                    where = "egress" if direction == "egress" else "ingress"
                    self._hop(
                        group.logical_id,
                        "security group",
                        f"{where} rule of {rule.source_id}: {_describe(rule)}",
                    )
                    return True
                if verdict is not False:
                    undecided = Unknown(f"rule of {rule.source_id} may allow it")
        return undecided if undecided is not None else False

    def _rule_allows(
        self, rule: SecurityGroupRule, other: Place, prefix_list: bool
    ) -> bool | Unknown:
        port = rule.allows_port(self.protocol, self.port)
        if port is not True:
            return port
        if rule.peer is not None:
            if isinstance(rule.peer, SecurityGroup):
                groups = other.groups if isinstance(other.groups, list) else []
                return any(group is rule.peer for group in groups)
            return Unknown(f"peer group {_name(rule.peer)} is outside the template")
        if rule.prefix_list is not None:
            if (
                prefix_list
                and isinstance(rule.prefix_list, str)
                and rule.prefix_list.startswith("pl-")
            ):
                return True  # a literal AWS-managed list beside a gateway endpoint: the service's
            return False if not prefix_list else Unknown("the prefix list's entries are unknown")
        if rule.cidr_ipv4 is not None:
            block = network_of(rule.cidr_ipv4)
            if block is None:
                return rule.cidr_ipv4 if isinstance(rule.cidr_ipv4, Unknown) else False
            if block.prefixlen == 0:
                return True
            if other.internet or prefix_list or other.block is None:
                return False if other.internet or prefix_list else Unknown("the address is unknown")
            if other.block.subnet_of(block):
                return True
            return (
                Unknown("the rule covers part of the addresses")
                if other.block.overlaps(block)
                else False
            )
        return False

    # -- network ACLs ---------------------------------------------------------------------------

    def _acl(self, subnet: Subnet | None, egress: bool, peer: Any, port: int, code: str) -> None:
        if subnet is None:
            return
        acl = subnet.network_acl
        if isinstance(acl, Unknown):
            self.unknowns.append(self._unknown(subnet.logical_id, acl.reason))
            return
        decision = self._acl_decides(acl, egress, peer, port)
        if isinstance(decision, Unknown):
            self.unknowns.append(self._unknown(acl.logical_id, decision.reason))
            return
        direction = "outbound" if egress else "inbound"
        entry_text, allowed = decision
        if allowed:
            if not acl.implicit:
                self._hop(acl.logical_id, "network ACL", f"{direction} {entry_text}")
            return
        what = "the replies" if code == NACL_RETURN else self._traffic()
        self._soft(
            code,
            acl.logical_id,
            f"network ACL {acl.logical_id} of subnet {subnet.logical_id} drops "
            f"{what} {direction} ({entry_text})",
            f"allow {direction} {self.protocol_name()} port {port}"
            + (" (the ephemeral range 1024-65535)" if code == NACL_RETURN else "")
            + f" in {acl.logical_id} before any deny that covers it",
        )

    def _acl_decides(
        self, acl: NetworkAcl, egress: bool, peer: Any, port: int
    ) -> tuple[str, bool] | Unknown:
        if not acl.readable:
            return Unknown(f"an entry of network ACL {acl.logical_id} is not known")
        for entry in acl.entries_in(egress):
            if entry.cidr_ipv4 is None:
                continue  # an IPv6 entry
            matches = entry.allows_port(self.protocol, port)
            if isinstance(matches, Unknown):
                return matches
            if not matches:
                continue
            block = network_of(entry.cidr_ipv4)
            if block is None:
                return Unknown(f"the block of entry {entry.rule_number} is not known")
            covered = _covers(block, peer)
            if covered is None:
                return Unknown(
                    f"entry {entry.rule_number} of {acl.logical_id} covers part of the addresses"
                )
            if covered:
                action = entry.action
                if isinstance(action, Unknown):
                    return action
                return f"rule {entry.rule_number} {action}s it", action == "allow"
        return "the final deny (*)", False

    # -- helpers --------------------------------------------------------------------------------

    def _route_table(self, subnet: Subnet) -> RouteTable:
        table = subnet.route_table
        if isinstance(table, Unknown):
            raise _Stop(self._unknown(subnet.logical_id, table.reason))
        return table

    def _longest_prefix(
        self, table: RouteTable, block: ipaddress.IPv4Network, required: bool = True
    ) -> Any:
        best = None
        for route in table.routes:
            destination = route.destination
            if isinstance(destination, Unknown):
                raise _Stop(self._unknown(route.logical_id, destination.reason))
            network = network_of(destination)
            if network is None or not block.subnet_of(network):
                continue
            if best is None or network.prefixlen > network_of(best.destination).prefixlen:  # type: ignore[union-attr]
                best = route
        if best is None and not required:
            return None
        if best is None:
            raise self._stop(
                NO_ROUTE,
                table.logical_id,
                f"route table {table.logical_id} has no route to {block}",
                "add a route (to a NAT gateway for private subnets, to an internet "
                "gateway for public ones), or an endpoint for the service",
            )
        if not best.certain:
            raise _Stop(self._unknown(best.logical_id, f"route {best.logical_id} may not exist"))
        return best

    def _attached(self, route: Any) -> bool:
        gateway = route.target.resource
        table = route.route_table
        if gateway is None or table is None or table.vpc is None:
            return True  # an ID from outside: not vpclint's to doubt
        return any(a.vpc is table.vpc for a in getattr(gateway, "attachments", []))

    def _hop(self, component: str, kind: str, detail: str) -> None:
        self.hops.append(Hop(component, kind, detail))

    def _stop(self, code: str, component: str, explanation: str, fix: str) -> _Stop:
        self.hops.append(Hop(component, "blocked", explanation))
        return _Stop(Answer(UNREACHABLE, self.hops, code, explanation, fix))

    def _soft(self, code: str, component: str, explanation: str, fix: str) -> None:
        self.hops.append(Hop(component, "blocked", explanation))
        self.blocked.append(Answer(UNREACHABLE, [], code, explanation, fix))

    def _unknown(self, component: str, reason: str) -> Answer:
        self.hops.append(Hop(component, "unknown", reason))
        return Answer(
            UNKNOWN,
            self.hops,
            "UNKNOWN",
            f"the answer depends on a value vpclint cannot know: {reason}",
            "pass the value with --parameter",
        )

    def _traffic(self) -> str:
        if self.protocol == ALL_PROTOCOLS:
            return "traffic"
        return f"{self.protocol_name()} {self.port}"

    def protocol_name(self) -> str:
        return {"6": "TCP", "17": "UDP", "1": "ICMP", "-1": "all"}.get(self.protocol, self.protocol)


def _why_no_private_dns(endpoint: VpcEndpoint) -> str:
    if endpoint.private_dns is not True:
        return f"PrivateDnsEnabled is off on {endpoint.logical_id}"
    vpc = endpoint.vpc
    settings = (
        ("EnableDnsSupport", getattr(vpc, "dns_support", None)),
        ("EnableDnsHostnames", getattr(vpc, "dns_hostnames", None)),
    )
    off = " and ".join(name for name, value in settings if value is not True)
    return f"{off} of VPC {vpc.logical_id if vpc else '?'} is off"


def _covers(block: ipaddress.IPv4Network, peer: Any) -> bool | None:
    """Whether an ACL entry's block covers the peer's addresses (None: only some of them)."""
    if peer is None:
        return True if block.prefixlen == 0 else None
    if peer.subnet_of(block):
        return True
    if peer == INTERNET or block.overlaps(peer):
        return None if peer != INTERNET else False
    return False


def _name(group: Any) -> str:
    if isinstance(group, Resource):
        return group.logical_id
    if isinstance(group, Unknown):
        return f"? ({group.reason})"
    return str(group)


def _describe(rule: SecurityGroupRule) -> str:
    protocol = {"6": "tcp", "17": "udp", "1": "icmp", "-1": "all"}.get(
        str(rule.protocol), str(rule.protocol)
    )
    ports = "" if rule.protocol == ALL_PROTOCOLS else f" {rule.from_port}-{rule.to_port}"
    if rule.peer is not None:
        target = f"group {_name(rule.peer)}"
    elif rule.prefix_list is not None:
        target = f"prefix list {rule.prefix_list}"
    else:
        target = str(rule.cidr_ipv4 or rule.cidr_ipv6)
    return f"{protocol}{ports} {target}"
