"""The whole network: every modelled object by kind, and by key."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from vpclint.model.base import Resource
from vpclint.nodes import Mark
from vpclint.records import field, record

if TYPE_CHECKING:
    from vpclint.model.gateways import (
        CustomerGateway,
        EgressOnlyInternetGateway,
        ElasticIp,
        Firewall,
        GatewayAttachment,
        InternetGateway,
        NatGateway,
        PeeringConnection,
        RoutePropagation,
        TransitGateway,
        TransitGatewayAttachment,
        TransitGatewayRoute,
        TransitGatewayRouteTable,
        VpnConnection,
        VpnGateway,
    )
    from vpclint.model.routing import CrossZoneNatRoute, Route, RouteTable
    from vpclint.model.security import NetworkAcl, NetworkAclEntry, PrefixList, SecurityGroup
    from vpclint.model.vpc import Subnet, Vpc
    from vpclint.model.workloads import (
        ContainerService,
        Instance,
        LoadBalancer,
        NetworkInterface,
        SubnetGroup,
        TargetGroup,
        VpcEndpoint,
        Workload,
    )


class AmbiguousName(LookupError):
    """A logical ID that several stacks of the network declare."""

    def __init__(self, name: str, keys: list[str]) -> None:
        super().__init__(f"{name!r} is declared by several stacks: {', '.join(keys)}")
        self.keys = keys


@record(frozen=True)
class Unseen:
    """A part of the network vpclint cannot see, and why: an unexpanded transform, a nested
    stack it cannot load, a custom resource that may change routes, an import with no export,
    a loop over an unknown collection. Each kind is reported by its own rule."""

    kind: str  # "transform", "nested-stack", "custom-resource", "import", "foreach"
    subject: Resource  # the resource concerned (logical ID "" for the template itself)
    reason: str
    mark: Mark | None = None


@record
class Network:
    region: str = "us-east-1"  # the region the template was resolved for (AWS::Region)
    vpcs: list[Vpc] = field(default_factory=list)
    subnets: list[Subnet] = field(default_factory=list)
    route_tables: list[RouteTable] = field(default_factory=list)
    routes: list[Route] = field(default_factory=list)
    internet_gateways: list[InternetGateway] = field(default_factory=list)
    egress_only_gateways: list[EgressOnlyInternetGateway] = field(default_factory=list)
    vpn_gateways: list[VpnGateway] = field(default_factory=list)
    gateway_attachments: list[GatewayAttachment] = field(default_factory=list)
    nat_gateways: list[NatGateway] = field(default_factory=list)
    elastic_ips: list[ElasticIp] = field(default_factory=list)
    security_groups: list[SecurityGroup] = field(default_factory=list)
    prefix_lists: list[PrefixList] = field(default_factory=list)
    endpoints: list[VpcEndpoint] = field(default_factory=list)
    instances: list[Instance] = field(default_factory=list)
    network_interfaces: list[NetworkInterface] = field(default_factory=list)
    network_acls: list[NetworkAcl] = field(default_factory=list)
    network_acl_entries: list[NetworkAclEntry] = field(default_factory=list)
    load_balancers: list[LoadBalancer] = field(default_factory=list)
    target_groups: list[TargetGroup] = field(default_factory=list)
    subnet_groups: list[SubnetGroup] = field(default_factory=list)
    workloads: list[Workload] = field(default_factory=list)
    customer_gateways: list[CustomerGateway] = field(default_factory=list)
    vpn_connections: list[VpnConnection] = field(default_factory=list)
    route_propagations: list[RoutePropagation] = field(default_factory=list)
    transit_gateways: list[TransitGateway] = field(default_factory=list)
    transit_gateway_attachments: list[TransitGatewayAttachment] = field(default_factory=list)
    transit_gateway_route_tables: list[TransitGatewayRouteTable] = field(default_factory=list)
    transit_gateway_routes: list[TransitGatewayRoute] = field(default_factory=list)
    # Whether every transit gateway association, propagation and route names what it joins:
    # one that names something unknowable may change any transit gateway table.
    transit_routing_settled: bool = True
    peering_connections: list[PeeringConnection] = field(default_factory=list)
    firewalls: list[Firewall] = field(default_factory=list)
    flow_logs: list[Resource] = field(default_factory=list)
    # What decides how names resolve in a VPC besides endpoints (vpclint.model.dns): Resolver
    # rule associations, private hosted zones, DHCP options associations, Route 53 Profiles.
    dns_settings: list[Resource] = field(default_factory=list)
    # What vpclint cannot see, each with its own rule (VPC001-VPC005).
    unseen: list[Unseen] = field(default_factory=list)
    # By template file: [resources vpclint turned into model objects, resources whose type it
    # does not model but that may hold an address in a VPC or change its routing].
    counts: dict[str, list[int]] = field(default_factory=dict)
    # Fn::Cidr calls that cannot be satisfied: (where, why, the resource that holds the call).
    cidr_problems: list[tuple[Mark, str, str | None]] = field(default_factory=list)
    # For every resource that is (or may be) created, modelled or not: the keys of the
    # resources it waits for, through DependsOn and through Ref, Fn::GetAtt and Fn::Sub (in
    # every Fn::If branch).
    dependencies: dict[str, frozenset[str]] = field(default_factory=dict)
    resources: dict[str, Resource] = field(default_factory=dict)  # by key
    # What the network must and must not let through (vpclint.expect.Expectation): the
    # configuration's, then those written in the templates' Metadata.
    expectations: list[Any] = field(default_factory=list)
    # What the semantics layer, the walk and the expectations work out once per network, by
    # name (the blocks that cut the internet, the endpoints by service, the expectations'
    # verdicts): rules ask the same questions many times.
    # Filled only once the network is built.
    memo: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    def created_after(self, resource: Resource, others: Iterable[Resource]) -> bool:
        """Whether CloudFormation creates `resource` only after one of `others` exists.

        A dependency behind an undecided Fn::If counts: a rule that warns about a missing
        dependency stays silent when one might exist. A nested stack's resources exist once its
        stack resource (`AWS::CloudFormation::Stack`) does, and are created only after what
        that stack resource waits for.
        """
        wanted = set()
        for other in others:
            wanted.add(other.key)
            wanted.update(self._enclosing_stacks(other.key))
        seen = {resource.key}
        pending = [resource.key]
        while pending:
            key = pending.pop()
            names = set(self.dependencies.get(key, ()))
            for stack in self._enclosing_stacks(key):
                names.update(self.dependencies.get(stack, ()))
            for name in names:
                if name in wanted:
                    return True
                if name not in seen:
                    seen.add(name)
                    pending.append(name)
        return False

    def _enclosing_stacks(self, key: str) -> list[str]:
        """The keys of the stack resources that hold the resource `key`, innermost first."""
        found = []
        while "/" in key:
            key = key.rsplit("/", 1)[0]
            if key not in self.dependencies:
                break  # a linked stack's name, not a resource of another stack
            found.append(key)
        return found

    def find(self, name: str) -> Resource | None:
        """The resource a person names: by key ("network/VPC"), or by logical ID when one
        stack declares it; AmbiguousName when several do."""
        found = self.resources.get(name)
        if found is not None:
            return found
        # By logical ID, indexed once (reach and the rules that walk ask many times); the count
        # of resources tells an index made while the network was still being built.
        count, by_logical_id = self.memo.get("logical IDs", (-1, {}))
        if count != len(self.resources):
            by_logical_id = {}
            for resource in self.resources.values():
                by_logical_id.setdefault(resource.logical_id, []).append(resource)
            self.memo["logical IDs"] = (len(self.resources), by_logical_id)
        matches = by_logical_id.get(name, [])
        if len(matches) > 1:
            raise AmbiguousName(name, sorted(r.key for r in matches))
        return matches[0] if matches else None

    @property
    def fargate_services(self) -> list[ContainerService]:
        """ECS services and task sets certainly created and certainly on Fargate: the ones the
        Fargate rules report on (their tasks' needs are known from the task definition)."""
        from vpclint.model.workloads import ContainerService

        return [
            service
            for service in self.workloads
            if isinstance(service, ContainerService) and service.certain and service.fargate is True
        ]

    def nat_routes_across_zones(self) -> list[CrossZoneNatRoute]:
        """Subnets whose default route goes to a NAT gateway of their VPC in another zone
        (worked out once: VPC106 and VPC111 both ask)."""
        from vpclint.model.routing import nat_routes_across_zones

        found = self.memo.get("NAT routes across zones")
        if found is None:
            found = self.memo["NAT routes across zones"] = nat_routes_across_zones(
                self.subnets, self.nat_gateways
            )
        routes: list[CrossZoneNatRoute] = found
        return routes

    @property
    def certain_interface_endpoints(self) -> list[VpcEndpoint]:
        """Interface endpoints that are certainly created: the ones an endpoint rule reports on."""
        from vpclint.model.workloads import EndpointType

        return [
            endpoint
            for endpoint in self.endpoints
            if endpoint.endpoint_type is EndpointType.INTERFACE and endpoint.certain
        ]

    @property
    def all_security_groups(self) -> list[SecurityGroup]:
        """The template's security groups and the VPCs' default groups."""
        defaults = [vpc.default_security_group for vpc in self.vpcs]
        return self.security_groups + [group for group in defaults if group is not None]

    @property
    def all_network_acls(self) -> list[NetworkAcl]:
        """The template's network ACLs and the VPCs' default ACLs."""
        defaults = [vpc.default_network_acl for vpc in self.vpcs]
        return self.network_acls + [acl for acl in defaults if acl is not None]
