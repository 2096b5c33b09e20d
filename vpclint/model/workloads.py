"""What holds addresses in subnets: instances, interfaces, endpoints, load balancers, functions,
containers, databases; and where each one sits (its placement)."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Any

from vpclint.model.base import Resource, is_region
from vpclint.records import field, record
from vpclint.values import UNKNOWN_PART, Unknown

if TYPE_CHECKING:
    from vpclint.model.gateways import ElasticIp
    from vpclint.model.security import SecurityGroup
    from vpclint.model.vpc import Subnet

Groups = list["SecurityGroup | Unknown | str"] | Unknown


@record(frozen=True, eq=False)
class Placement:
    """Where a resource's network interfaces sit, and what guards them.

    `spread`: it has interfaces in every one of `subnets` (a load balancer, an Auto Scaling
    group, a Lambda function); otherwise it sits in one of them and which one is not known
    before deployment (a single-AZ database). `groups` is None when no security group applies
    (a NAT gateway, a Network Firewall endpoint). `subnets` lists the template's subnets;
    `elsewhere` says why some interfaces may sit in subnets vpclint cannot see.
    """

    subnets: list[Subnet]
    groups: Groups | None
    public_ip: bool | Unknown
    spread: bool = True
    elsewhere: Unknown | None = None


def subnets_in(subnets: Any) -> tuple[list[Subnet], Unknown | None]:
    """The template's subnets among references, and why the rest (if any) are not known."""
    from vpclint.model.vpc import Subnet

    if isinstance(subnets, Unknown):
        return [], subnets
    if not isinstance(subnets, list):
        return [], Unknown("the subnets are not known")
    known = [s for s in subnets if isinstance(s, Subnet)]
    unknown = next((s for s in subnets if not isinstance(s, Subnet)), None)
    if unknown is None:
        return known, None
    reason = unknown.reason if isinstance(unknown, Unknown) else f"subnet {unknown} is outside"
    return known, Unknown(reason)


# -- endpoints ----------------------------------------------------------------------------------


class EndpointType(Enum):
    GATEWAY = "Gateway"
    INTERFACE = "Interface"
    GATEWAY_LOAD_BALANCER = "GatewayLoadBalancer"


@record(eq=False, repr=False)
class VpcEndpoint(Resource):
    vpc: Any = None  # Vpc | None
    service_name: Any = None
    endpoint_type: EndpointType | Unknown = EndpointType.GATEWAY
    route_tables: list[Any] | Unknown | None = None  # None: not set
    subnets: list[Subnet | Unknown | str] | Unknown | None = None
    # The groups it sits behind; None when none is named and the VPC's default group applies.
    security_groups: Groups | None = None
    private_dns: bool | Unknown = False
    # The template's resources that read its endpoint-specific DNS names (`DnsEntries`).
    dns_entries_read_by: list[str] = field(default_factory=list)

    @property
    def service(self) -> str | None:
        """The service after the region: "s3" for com.amazonaws.us-east-1.s3, "ecr.api"."""
        return service_of(self.service_name)

    @property
    def effective_security_groups(self) -> Groups:
        """The groups it sits behind; a gateway endpoint has none."""
        if self.endpoint_type is EndpointType.GATEWAY:
            return []
        if self.security_groups is not None:
            return self.security_groups
        if self.vpc is None or self.vpc.default_security_group is None:
            return Unknown(f"endpoint {self.logical_id} uses the default group of a VPC outside")
        return [self.vpc.default_security_group]

    def placement(self) -> Placement | None:
        if self.endpoint_type is EndpointType.GATEWAY or isinstance(self.endpoint_type, Unknown):
            return None
        subnets, elsewhere = subnets_in(self.subnets or [])
        groups = None
        if self.endpoint_type is EndpointType.INTERFACE:
            groups = self.effective_security_groups
        return Placement(subnets, groups, False, True, elsewhere)


def service_of(name: Any) -> str | None:
    """The service in an endpoint service name: "s3" for com.amazonaws.us-east-1.s3."""
    if not isinstance(name, str):
        name = getattr(name, "text", None)  # the known parts of a partly known name
        if not name:
            return None
    parts = name.split(".")
    after_region = next(
        (parts[i + 1 :] for i, part in enumerate(parts) if is_region(part)), parts[-1:]
    )
    service = ".".join(after_region)
    return service if service and UNKNOWN_PART not in service else None


# -- instances and interfaces -------------------------------------------------------------------


@record(eq=False, repr=False)
class NetworkInterface(Resource):
    subnet: Subnet | None = None
    security_groups: Groups = field(default_factory=list)
    associate_public_ip: bool | Unknown | None = None
    # False lets it forward traffic for other addresses (a NAT instance, an appliance).
    source_dest_check: bool | Unknown = True
    instance: Instance | None = None  # the instance it is attached to, when known

    def placement(self) -> Placement | None:
        public: bool | Unknown | None = self.associate_public_ip
        if self.instance is not None and self.instance.elastic_ips:
            public = True
        elif public is None:
            public = self.subnet.map_public_ip_on_launch if self.subnet is not None else False
        subnets = [self.subnet] if self.subnet is not None else []
        elsewhere = None if self.subnet is not None else Unknown("its subnet is not known")
        return Placement(subnets, self.security_groups, public, True, elsewhere)


@record(eq=False, repr=False)
class Instance(Resource):
    subnet: Subnet | None = None
    security_groups: Groups = field(default_factory=list)
    network_interfaces: list[NetworkInterface] = field(default_factory=list)
    associate_public_ip: bool | Unknown | None = None
    elastic_ips: list[ElasticIp] = field(default_factory=list)
    source_dest_check: bool | Unknown = True
    # What its instance profile's roles may do: managed policy ARNs and inline actions, or
    # Unknown when the profile, a role or a policy comes from outside the template.
    iam_policies: list[str] | Unknown = field(default_factory=list)
    iam_actions: list[str] | Unknown = field(default_factory=list)

    def placement(self) -> Placement | None:
        public = self.associate_public_ip
        if self.elastic_ips:
            public = True
        elif public is None:
            public = self.subnet.map_public_ip_on_launch if self.subnet is not None else False
        subnets = [self.subnet] if self.subnet is not None else []
        elsewhere = None if self.subnet is not None else Unknown("its subnet is not known")
        return Placement(subnets, self.security_groups, public, True, elsewhere)


# -- load balancers -----------------------------------------------------------------------------


class LoadBalancerKind(Enum):
    APPLICATION = "application"
    NETWORK = "network"
    GATEWAY = "gateway"
    CLASSIC = "classic"


# Addresses a load balancer takes in each of its subnets: AWS asks for at least eight free
# addresses per subnet for an Application or Classic Load Balancer, one node for the others.
LOAD_BALANCER_ADDRESSES = {
    LoadBalancerKind.APPLICATION: 8,
    LoadBalancerKind.CLASSIC: 8,
    LoadBalancerKind.NETWORK: 1,
    LoadBalancerKind.GATEWAY: 1,
}


@record(eq=False, repr=False)
class LoadBalancer(Resource):
    kind: LoadBalancerKind | Unknown = LoadBalancerKind.APPLICATION
    scheme: str | Unknown = "internet-facing"
    subnets: list[Subnet | Unknown | str] | Unknown = field(default_factory=list)
    security_groups: Groups | None = None
    # The ports its listeners accept connections on (Unknown entries when not known).
    listener_ports: list[int | Unknown] = field(default_factory=list)

    @property
    def internet_facing(self) -> bool | Unknown:
        if isinstance(self.scheme, Unknown):
            return self.scheme
        return self.scheme == "internet-facing" and self.kind is not LoadBalancerKind.GATEWAY

    def placement(self) -> Placement | None:
        subnets, elsewhere = subnets_in(self.subnets)
        return Placement(subnets, self.security_groups, self.internet_facing, True, elsewhere)


@record(eq=False, repr=False)
class TargetGroup(Resource):
    """An ELBv2 target group (or a Classic Load Balancer's instance list) and what sends to it."""

    port: int | Unknown | None = None
    protocol: Any = None
    target_type: Any = "instance"
    targets: list[tuple[Resource | Unknown | str, int | Unknown | None]] = field(
        default_factory=list
    )
    load_balancers: list[LoadBalancer] = field(default_factory=list)


@record(eq=False, repr=False)
class SubnetGroup(Resource):
    """A database or cache subnet group (RDS, ElastiCache, Redshift, DocumentDB, Neptune)."""

    service: str = "RDS"
    subnets: list[Subnet | Unknown | str] | Unknown = field(default_factory=list)


# -- other workloads ----------------------------------------------------------------------------


@record(eq=False, repr=False)
class Workload(Resource):
    """A resource that places network interfaces in subnets behind security groups: a Lambda
    function, an ECS service, an Auto Scaling group, an EKS cluster or node group, a database,
    a cache, a mount target.

    `kind` names it for people ("Lambda function"); `spread` is True when it has (or may have)
    interfaces in every one of its subnets, False when it sits in one of them and which one is
    not known (a database). `starts_connections` is False for what only answers connections
    (databases, caches, mount targets, an EKS cluster's control-plane interfaces).

    `needs` maps the AWS services it calls from its interfaces ("s3", "logs", "ecr.api": names
    `vpclint reach --to` takes) to why it calls each one; `needs_unknown` says why some may be
    missing (a role outside the template, a task definition vpclint cannot read), None when
    every need vpclint looks for is known. An empty `needs` with `needs_unknown` None means it
    is known to need none of them.
    """

    kind: str = "workload"
    subnets: list[Subnet | Unknown | str] | Unknown = field(default_factory=list)
    security_groups: Groups | None = field(default_factory=list)
    public_ip: bool | Unknown = False
    spread: bool = True
    starts_connections: bool = True
    # AWS services it calls ("s3", "logs", "ecr.api"), and why each is needed.
    needs: dict[str, str] = field(default_factory=dict)
    needs_unknown: Unknown | None = None
    # Managed policy ARNs and actions of its role (Unknown when outside the template).
    iam_policies: list[str] | Unknown = field(default_factory=list)
    iam_actions: list[str] | Unknown = field(default_factory=list)

    @property
    def answers_only(self) -> bool:
        """Whether it only answers connections (a database): what starts none."""
        return not self.starts_connections

    def placement(self) -> Placement | None:
        subnets, elsewhere = subnets_in(self.subnets)
        return Placement(subnets, self.security_groups, self.public_ip, self.spread, elsewhere)


@record(eq=False, repr=False)
class ContainerService(Workload):
    """An ECS service or task set whose tasks use the `awsvpc` network mode: each task has its
    own interface in one of the subnets, behind the service's security groups.

    `fargate` says whether the tasks run on AWS Fargate (True), on EC2 container instances
    (False) or either (Unknown). On Fargate the task's own interface pulls the images, fetches
    the secrets and sends the `awslogs` logs, so those become `needs`; on EC2 the container
    instance does it through its own interface. `ecr_images` lists the containers whose image
    is in the stack region's Amazon ECR, `public_images` those whose image comes from a public
    registry on the internet (Docker Hub, Amazon ECR Public, ...), `awslogs` those that log
    with the `awslogs` driver, `task_definition` the logical ID of the template's task
    definition (None when outside).
    """

    fargate: bool | Unknown | None = None
    task_definition: str | None = None
    ecr_images: list[str] = field(default_factory=list)
    public_images: list[str] = field(default_factory=list)
    awslogs: list[str] = field(default_factory=list)


def placement_of(resource: Resource) -> Placement | None:
    """Where a resource holds addresses, or None when it holds none vpclint can place."""
    place = getattr(resource, "placement", None)
    return place() if callable(place) else None
