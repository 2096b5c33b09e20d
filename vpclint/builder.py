"""Build the Network from a resolved template: one pass creates objects, a second wires them."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from typing import Any, TypeVar

from vpclint.intent import PRIVATE_WORDS, PUBLIC_WORDS, subnet_intent
from vpclint.model import (
    CustomerGateway,
    ElasticIp,
    EndpointType,
    GatewayAttachment,
    Instance,
    InternetGateway,
    LoadBalancer,
    LoadBalancerKind,
    NatGateway,
    Network,
    NetworkAcl,
    NetworkAclAssociation,
    NetworkAclEntry,
    NetworkInterface,
    PeeringConnection,
    Resource,
    Route,
    RoutePropagation,
    RouteTable,
    RouteTableAssociation,
    RouteTarget,
    SecurityGroup,
    SecurityGroupRule,
    Subnet,
    SubnetGroup,
    TargetGroup,
    TargetKind,
    TransitGateway,
    TransitGatewayAttachment,
    Vpc,
    VpcEndpoint,
    VpnConnection,
    VpnGateway,
    normalize_port,
    normalize_protocol,
)
from vpclint.nodes import MapNode, Mark, mark_of
from vpclint.resolver import Resolver
from vpclint.values import NO_VALUE, ResourceRef, Unknown, alternatives

R = TypeVar("R", bound=Resource)

# Route properties that name the target, and the kind each one names.
ROUTE_TARGETS = {
    "NatGatewayId": TargetKind.NAT_GATEWAY,
    "TransitGatewayId": TargetKind.TRANSIT_GATEWAY,
    "VpcPeeringConnectionId": TargetKind.PEERING,
    "VpcEndpointId": TargetKind.VPC_ENDPOINT,
    "NetworkInterfaceId": TargetKind.NETWORK_INTERFACE,
    "InstanceId": TargetKind.INSTANCE,
    "EgressOnlyInternetGatewayId": TargetKind.EGRESS_ONLY_INTERNET_GATEWAY,
    "CarrierGatewayId": TargetKind.CARRIER_GATEWAY,
    "LocalGatewayId": TargetKind.LOCAL_GATEWAY,
    "CoreNetworkArn": TargetKind.CORE_NETWORK,
}
_GATEWAY_ID_PREFIXES = {"igw-": TargetKind.INTERNET_GATEWAY, "vgw-": TargetKind.VPN_GATEWAY}


# Resource types vpclint does not model that never place a network interface in a VPC; any
# other unmodelled type (an ECS service, an Auto Scaling group, a database) might, in the VPC's
# default security group.
_NO_ADDRESS_NAMESPACES = (
    "AWS::ApiGateway::",
    "AWS::ApiGatewayV2::",
    "AWS::Athena::",
    "AWS::Backup::",
    "AWS::Budgets::",
    "AWS::CertificateManager::",
    "AWS::CloudFormation::",
    "AWS::CloudFront::",
    "AWS::CloudTrail::",
    "AWS::CloudWatch::",
    "AWS::CodeCommit::",
    "AWS::CodePipeline::",
    "AWS::Cognito::",
    "AWS::Config::",
    "AWS::DynamoDB::",
    "AWS::ECR::",
    "AWS::Events::",
    "AWS::IAM::",
    "AWS::Kinesis::",
    "AWS::KinesisFirehose::",
    "AWS::KMS::",
    "AWS::Logs::",
    "AWS::Route53::",
    "AWS::S3::",
    "AWS::SecretsManager::",
    "AWS::SES::",
    "AWS::SNS::",
    "AWS::SQS::",
    "AWS::SSM::",
    "AWS::StepFunctions::",
    "AWS::WAFv2::",
    "Custom::",
    "AWS::CDK::",
)
_NO_ADDRESS_TYPES = frozenset(
    {
        "AWS::AutoScaling::ScalingPolicy",
        "AWS::AutoScaling::ScheduledAction",
        "AWS::AutoScaling::LifecycleHook",
        "AWS::ApplicationAutoScaling::ScalableTarget",
        "AWS::ApplicationAutoScaling::ScalingPolicy",
        "AWS::ECS::Cluster",
        "AWS::ECS::TaskDefinition",
        "AWS::ECS::CapacityProvider",
        "AWS::ECS::ClusterCapacityProviderAssociations",
        "AWS::ElasticLoadBalancingV2::Listener",
        "AWS::ElasticLoadBalancingV2::ListenerRule",
        "AWS::ElasticLoadBalancingV2::TargetGroup",
        "AWS::Lambda::Permission",
        "AWS::Lambda::Version",
        "AWS::Lambda::Alias",
        "AWS::Lambda::EventSourceMapping",
        "AWS::Lambda::LayerVersion",
        "AWS::RDS::DBParameterGroup",
        "AWS::RDS::DBClusterParameterGroup",
        "AWS::EC2::DHCPOptions",
        "AWS::EC2::VPCDHCPOptionsAssociation",
        "AWS::EC2::EgressOnlyInternetGateway",
        "AWS::EC2::KeyPair",
        "AWS::EC2::Volume",
        "AWS::EC2::VolumeAttachment",
        "AWS::EC2::PlacementGroup",
        "AWS::EC2::PrefixList",
        "AWS::EC2::VPNConnectionRoute",
        "AWS::EC2::VPNGatewayRoutePropagation",
        "AWS::EC2::TransitGatewayRouteTable",
        "AWS::EC2::TransitGatewayRoute",
        "AWS::EC2::TransitGatewayRouteTableAssociation",
        "AWS::EC2::TransitGatewayRouteTablePropagation",
        "AWS::EC2::SubnetCidrBlock",
        "AWS::EC2::VPCEndpointService",
        "AWS::EC2::VPCEndpointServicePermissions",
        "AWS::EC2::NetworkInterfaceAttachment",
        "AWS::EC2::GatewayRouteTableAssociation",
        "AWS::EC2::CarrierGateway",
        "AWS::EC2::IPAM",
        "AWS::EC2::IPAMPool",
    }
)


_SUBNET_GROUPS = {
    "AWS::RDS::DBSubnetGroup": "RDS",
    "AWS::ElastiCache::SubnetGroup": "ElastiCache",
    "AWS::Redshift::ClusterSubnetGroup": "Redshift",
    "AWS::DocDB::DBSubnetGroup": "DocumentDB",
    "AWS::Neptune::DBSubnetGroup": "Neptune",
}


def may_hold_address(kind: object) -> bool:
    """Whether an unmodelled resource type may place a network interface in a VPC."""
    if not isinstance(kind, str):
        return False
    return kind not in _NO_ADDRESS_TYPES and not kind.startswith(_NO_ADDRESS_NAMESPACES)


def build_network(
    resolver: Resolver,
    private_words: Collection[str] = PRIVATE_WORDS,
    public_words: Collection[str] = PUBLIC_WORDS,
) -> Network:
    return _Builder(resolver, private_words, public_words).build()


def as_bool(value: Any, default: bool | Unknown) -> bool | Unknown:
    """A CloudFormation boolean ("true", True, "False", ...); `default` when absent."""
    if value is None:
        return default
    if isinstance(value, (bool, Unknown)):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return Unknown(f"{value!r} is not a boolean")


class _Builder:
    def __init__(
        self, resolver: Resolver, private_words: Collection[str], public_words: Collection[str]
    ) -> None:
        self.resolver = resolver
        self.intent_words = (private_words, public_words)
        self.network = Network(region=resolver.region)
        self._unmodeled: list[Resource] = []  # resources that may hold an address in a VPC
        self._first: list[Callable[[], None]] = []
        self._wiring: list[Callable[[], None]] = []
        self._constructors: dict[str, Callable[[Resource], None]] = {
            "AWS::EC2::VPC": self._vpc,
            "AWS::EC2::VPCCidrBlock": self._vpc_cidr_block,
            "AWS::EC2::Subnet": self._subnet,
            "AWS::EC2::RouteTable": self._route_table,
            "AWS::EC2::Route": self._route,
            "AWS::EC2::SubnetRouteTableAssociation": self._association,
            "AWS::EC2::InternetGateway": self._internet_gateway,
            "AWS::EC2::VPNGateway": self._vpn_gateway,
            "AWS::EC2::VPCGatewayAttachment": self._gateway_attachment,
            "AWS::EC2::NatGateway": self._nat_gateway,
            "AWS::EC2::EIP": self._elastic_ip,
            "AWS::EC2::SecurityGroup": self._security_group,
            "AWS::EC2::SecurityGroupIngress": self._standalone_rule,
            "AWS::EC2::SecurityGroupEgress": self._standalone_rule,
            "AWS::EC2::VPCEndpoint": self._endpoint,
            "AWS::EC2::Instance": self._instance,
            "AWS::EC2::NetworkInterface": self._network_interface,
            "AWS::EC2::EIPAssociation": self._eip_association,
            "AWS::EC2::NetworkAcl": self._network_acl,
            "AWS::EC2::NetworkAclEntry": self._network_acl_entry,
            "AWS::EC2::SubnetNetworkAclAssociation": self._acl_association,
            "AWS::ElasticLoadBalancingV2::LoadBalancer": self._load_balancer,
            "AWS::ElasticLoadBalancing::LoadBalancer": self._load_balancer,
            "AWS::ElasticLoadBalancingV2::TargetGroup": self._target_group,
            "AWS::ElasticLoadBalancingV2::Listener": self._listener,
            **{kind: self._subnet_group for kind in _SUBNET_GROUPS},
            "AWS::EC2::CustomerGateway": self._customer_gateway,
            "AWS::EC2::VPNConnection": self._vpn_connection,
            "AWS::EC2::VPNGatewayRoutePropagation": self._route_propagation,
            "AWS::EC2::TransitGateway": self._transit_gateway,
            "AWS::EC2::TransitGatewayAttachment": self._transit_gateway_attachment,
            "AWS::EC2::TransitGatewayVpcAttachment": self._transit_gateway_attachment,
            "AWS::EC2::VPCPeeringConnection": self._peering_connection,
            "AWS::EC2::FlowLog": self._flow_log,
        }

    def build(self) -> Network:
        for logical_id, body in self.resolver.resources.items():
            kind = body.get("Type") if isinstance(body, dict) else None
            exists = self.resolver.resource_condition(logical_id)
            if exists is False:
                continue
            if isinstance(body, dict):
                self.network.dependencies[logical_id] = _dependencies(body, self.resolver.resources)
            constructor = self._constructors.get(kind) if isinstance(kind, str) else None
            if constructor is None and not may_hold_address(kind):
                continue
            resource = Resource(
                logical_id=logical_id,
                type=kind,  # type: ignore[arg-type]
                mark=self.resolver.resources.key_marks.get(logical_id, mark_of(body))
                if isinstance(self.resolver.resources, MapNode)
                else mark_of(body),
                properties=self.resolver.properties(logical_id),
                certain=exists is True,
                depends_on=_depends_on(body),
            )
            if constructor is None:
                self._unmodeled.append(resource)
            else:
                constructor(resource)
        # Relations are wired once every object exists; subnets learn their VPC first, since
        # a workload without groups takes the default group of its subnet's VPC.
        for wire in self._first + self._wiring:
            wire()
        hidden = self._hidden_routing()
        for vpc in self.network.vpcs:
            vpc.main_route_table_settled = not hidden and bool(
                vpc.route_tables or vpc.gateway_attachments
            )
            if vpc.default_security_group is not None:
                vpc.default_security_group.possible_members.extend(self._unmodeled)
        self.network.cidr_problems = sorted(
            (mark, reason, holder) for mark, (reason, holder) in self.resolver.cidr_problems.items()
        )
        return self.network

    # -- helpers ------------------------------------------------------------------------------

    def _hidden_routing(self) -> bool:
        """Whether a route or an association names a table or subnet vpclint cannot know.

        A literal ID belongs to another stack's resources; an unknown one (an import, a custom
        resource's attribute) may be one of this template's VPCs' main route table or subnets.
        """
        routes = any(
            route.route_table is None and not isinstance(route.properties.get("RouteTableId"), str)
            for route in self.network.routes
        )
        return routes or any(
            isinstance(resource, RouteTableAssociation)
            and resource.subnet is None
            and not isinstance(resource.properties.get("SubnetId"), str)
            for resource in self.network.resources.values()
        )

    def _make(self, cls: type[R], base: Resource, **fields: Any) -> R:
        made = cls(
            logical_id=base.logical_id,
            type=base.type,
            mark=base.mark,
            properties=base.properties,
            certain=base.certain,
            depends_on=base.depends_on,
            **fields,
        )
        self.network.resources[made.logical_id] = made
        return made

    def _lookup(self, value: Any, cls: type[R]) -> R | None:
        """The template's resource of type `cls` that a value refers to, if any."""
        if isinstance(value, ResourceRef) and value.attribute is None:
            found = self.network.resources.get(value.logical_id)
            return found if isinstance(found, cls) else None
        return None

    def _refer(self, value: Any, cls: type[R]) -> R | Unknown | str:
        """Like _lookup, but keeps what is outside the template: an ID string or Unknown."""
        found = self._lookup(value, cls)
        if found is not None:
            return found
        if isinstance(value, (Unknown, str)):
            return value
        return Unknown(f"{value} is not a {cls.__name__} of this template")

    def _refer_all(self, value: Any, cls: type[R]) -> list[R | Unknown | str] | Unknown:
        if isinstance(value, Unknown):
            return value
        if not isinstance(value, list):
            return Unknown(f"expected a list, found {value!r}")
        return [self._refer(item, cls) for item in value]

    def _security_groups(self, value: Any) -> list[SecurityGroup | Unknown | str] | Unknown:
        """Group IDs; `!GetAtt VPC.DefaultSecurityGroup` names the VPC's default group."""
        if isinstance(value, Unknown) or not isinstance(value, list):
            return self._refer_all(value, SecurityGroup)
        groups: list[SecurityGroup | Unknown | str] = []
        for item in value:
            default = self._default_group(item)
            groups.append(default if default is not None else self._refer(item, SecurityGroup))
        return groups

    def _default_group(self, value: Any) -> SecurityGroup | None:
        if isinstance(value, ResourceRef) and value.attribute == "DefaultSecurityGroup":
            vpc = self._lookup(ResourceRef(value.logical_id), Vpc)
            return vpc.default_security_group if vpc else None
        return None

    def _group_of(self, value: Any) -> SecurityGroup | None:
        return self._default_group(value) or self._lookup(value, SecurityGroup)

    # -- VPC and subnets ----------------------------------------------------------------------

    def _vpc(self, base: Resource) -> None:
        props = base.properties
        vpc = self._make(
            Vpc,
            base,
            cidr_blocks=[props.get("CidrBlock", Unknown("the VPC takes its block from IPAM"))],
            dns_support=as_bool(props.get("EnableDnsSupport"), True),
            dns_hostnames=as_bool(props.get("EnableDnsHostnames"), False),
        )
        # The main route table holds only the local route; the default group admits itself.
        vpc.main_route_table = RouteTable(
            f"{vpc.logical_id}.MainRouteTable",
            "AWS::EC2::RouteTable",
            vpc.mark,
            certain=vpc.certain,
            implicit=True,
            vpc=vpc,
            is_main=True,
        )
        default = SecurityGroup(
            f"{vpc.logical_id}.DefaultSecurityGroup",
            "AWS::EC2::SecurityGroup",
            vpc.mark,
            certain=vpc.certain,
            implicit=True,
            vpc=vpc,
            is_default=True,
        )
        default.ingress.append(
            SecurityGroupRule(default, "ingress", vpc.mark, default.logical_id, peer=default)
        )
        vpc.default_security_group = default
        # The default network ACL allows all traffic both ways (rule 100, then the final deny).
        acl = NetworkAcl(
            f"{vpc.logical_id}.DefaultNetworkAcl",
            "AWS::EC2::NetworkAcl",
            vpc.mark,
            certain=vpc.certain,
            implicit=True,
            vpc=vpc,
            is_default=True,
        )
        _allow_all(acl, 100, ipv6=False)
        vpc.default_network_acl = acl
        vpc.block_sources.append(vpc)
        self.network.vpcs.append(vpc)

    def _vpc_cidr_block(self, base: Resource) -> None:
        self.network.resources[base.logical_id] = base

        def wire() -> None:
            vpc = self._lookup(base.properties.get("VpcId"), Vpc)
            if vpc is None:
                return
            if "CidrBlock" not in base.properties:
                if base.certain and vpc.default_network_acl is not None:
                    # With an IPv6 block AWS adds rule 101 (all ::/0) to the default ACL.
                    _allow_all(vpc.default_network_acl, 101, ipv6=True)
                return
            block = base.properties["CidrBlock"]
            vpc.cidr_blocks.append(
                block if base.certain else Unknown(f"{base.logical_id} may not be created")
            )
            vpc.block_sources.append(base)

        self._first.append(wire)

    def _subnet(self, base: Resource) -> None:
        props = base.properties
        body = self.resolver.resources.get(base.logical_id, {})
        metadata = self.resolver.resolve(body.get("Metadata")) if isinstance(body, dict) else None
        subnet = self._make(
            Subnet,
            base,
            cidr_block=props.get("CidrBlock"),
            availability_zone=props.get("AvailabilityZone"),
            map_public_ip_on_launch=as_bool(props.get("MapPublicIpOnLaunch"), False),
            intent=subnet_intent(base.logical_id, metadata, props.get("Tags"), *self.intent_words),
        )
        self.network.subnets.append(subnet)

        def wire() -> None:
            subnet.vpc = self._lookup(props.get("VpcId"), Vpc)
            if subnet.vpc:
                subnet.vpc.subnets.append(subnet)

        self._first.append(wire)

    # -- routing ------------------------------------------------------------------------------

    def _route_table(self, base: Resource) -> None:
        table = self._make(RouteTable, base)
        self.network.route_tables.append(table)

        def wire() -> None:
            table.vpc = self._lookup(base.properties.get("VpcId"), Vpc)
            if table.vpc:
                table.vpc.route_tables.append(table)

        self._wiring.append(wire)

    def _route(self, base: Resource) -> None:
        props = base.properties
        destination = next(
            (
                props[key]
                for key in (
                    "DestinationCidrBlock",
                    "DestinationIpv6CidrBlock",
                    "DestinationPrefixListId",
                )
                if key in props
            ),
            None,
        )
        route = self._make(Route, base, destination=destination)
        self.network.routes.append(route)

        def wire() -> None:
            route.target = self._route_target(props)
            route.route_table = self._lookup(props.get("RouteTableId"), RouteTable)
            if route.route_table:
                route.route_table.routes.append(route)

        self._wiring.append(wire)

    def _route_target(self, props: MapNode) -> RouteTarget:
        named = [key for key in ("GatewayId", *ROUTE_TARGETS) if key in props]
        if len(named) != 1:
            return RouteTarget(TargetKind.UNKNOWN)
        key = named[0]
        value = props[key]
        if isinstance(value, Unknown):
            return RouteTarget(TargetKind.UNKNOWN, value=value)
        if key != "GatewayId":
            target = value if isinstance(value, ResourceRef) else None
            resource = self.network.resources.get(target.logical_id) if target else None
            return RouteTarget(ROUTE_TARGETS[key], resource, value)
        if value == "local":
            return RouteTarget(TargetKind.LOCAL, value=value)
        gateway = self._lookup(value, InternetGateway) or self._lookup(value, VpnGateway)
        if isinstance(gateway, InternetGateway):
            return RouteTarget(TargetKind.INTERNET_GATEWAY, gateway, value)
        if isinstance(gateway, VpnGateway):
            return RouteTarget(TargetKind.VPN_GATEWAY, gateway, value)
        if isinstance(value, str):
            for prefix, kind in _GATEWAY_ID_PREFIXES.items():
                if value.startswith(prefix):
                    return RouteTarget(kind, value=value)
        return RouteTarget(TargetKind.UNKNOWN, value=value)

    def _association(self, base: Resource) -> None:
        association = self._make(RouteTableAssociation, base)

        def wire() -> None:
            props = base.properties
            association.subnet = self._lookup(props.get("SubnetId"), Subnet)
            association.route_table = self._lookup(props.get("RouteTableId"), RouteTable)
            if association.subnet:
                association.subnet.associations.append(association)
            if association.route_table:
                association.route_table.associations.append(association)

        self._wiring.append(wire)

    # -- gateways -----------------------------------------------------------------------------

    def _internet_gateway(self, base: Resource) -> None:
        self.network.internet_gateways.append(self._make(InternetGateway, base))

    def _vpn_gateway(self, base: Resource) -> None:
        self.network.vpn_gateways.append(self._make(VpnGateway, base))

    def _gateway_attachment(self, base: Resource) -> None:
        attachment = self._make(GatewayAttachment, base)
        self.network.gateway_attachments.append(attachment)

        def wire() -> None:
            props = base.properties
            attachment.vpc = self._lookup(props.get("VpcId"), Vpc)
            attachment.gateway = self._lookup(
                props.get("InternetGatewayId"), InternetGateway
            ) or self._lookup(props.get("VpnGatewayId"), VpnGateway)
            if attachment.vpc:
                attachment.vpc.gateway_attachments.append(attachment)
            if attachment.gateway:
                attachment.gateway.attachments.append(attachment)

        self._wiring.append(wire)

    def _nat_gateway(self, base: Resource) -> None:
        props = base.properties
        nat = self._make(
            NatGateway,
            base,
            allocation_id=props.get("AllocationId"),
            connectivity_type=props.get("ConnectivityType", "public"),
        )
        self.network.nat_gateways.append(nat)

        def wire() -> None:
            nat.subnet = self._lookup(props.get("SubnetId"), Subnet)
            if nat.subnet:
                nat.subnet.workloads.append(nat)

        self._wiring.append(wire)

    def _elastic_ip(self, base: Resource) -> None:
        eip = self._make(ElasticIp, base, domain=base.properties.get("Domain"))
        self.network.elastic_ips.append(eip)

        def wire() -> None:
            self._associate_eip(eip, base.properties)

        self._wiring.append(wire)

    def _eip_association(self, base: Resource) -> None:
        self.network.resources[base.logical_id] = base

        def wire() -> None:
            props = base.properties
            eip = self._lookup(props.get("AllocationId"), ElasticIp) or self._lookup(
                props.get("EIP"), ElasticIp
            )
            if eip is None:
                # An address from outside the template (or unknown): the instance still has one.
                eip = ElasticIp(
                    f"{base.logical_id}.ElasticIp",
                    "AWS::EC2::EIP",
                    base.mark,
                    certain=base.certain,
                    implicit=True,
                )
                self.network.elastic_ips.append(eip)
            elif not base.certain:
                eip = ElasticIp(eip.logical_id, eip.type, eip.mark, certain=False, implicit=True)
                self.network.elastic_ips.append(eip)
            self._associate_eip(eip, props)

        self._wiring.append(wire)

    def _associate_eip(self, eip: ElasticIp, props: MapNode) -> None:
        instance = self._lookup(props.get("InstanceId"), Instance)
        interface = self._lookup(props.get("NetworkInterfaceId"), NetworkInterface)
        if instance is not None:
            eip.instance = instance
            instance.elastic_ips.append(eip)
        if interface is not None:
            eip.network_interface = interface

    # -- security groups ----------------------------------------------------------------------

    def _security_group(self, base: Resource) -> None:
        group = self._make(SecurityGroup, base)
        self.network.security_groups.append(group)

        def wire() -> None:
            props = base.properties
            group.vpc = self._lookup(props.get("VpcId"), Vpc)
            for direction, key in (
                ("ingress", "SecurityGroupIngress"),
                ("egress", "SecurityGroupEgress"),
            ):
                if key in props:
                    self._inline_rules(group, direction, props[key], props.value_marks.get(key))

        self._wiring.append(wire)

    def _inline_rules(
        self, group: SecurityGroup, direction: str, value: Any, mark: Mark | None
    ) -> None:
        mark = mark or group.mark
        if isinstance(value, Unknown) and not value.options:
            group.unreadable.append(value)
            return
        undecided = isinstance(value, Unknown)
        for option in alternatives(value):
            if option is NO_VALUE:
                continue
            if not isinstance(option, list):
                group.unreadable.append(Unknown(f"{direction} rules are not a list", mark))
                continue
            marks = getattr(option, "item_marks", [])
            for index, item in enumerate(option):
                item_mark = marks[index] if index < len(marks) else mark
                if isinstance(item, Unknown) and not alternatives(item):
                    group.unreadable.append(item)
                for body in alternatives(item):
                    if body is NO_VALUE:
                        continue
                    certain = group.certain and not undecided and not isinstance(item, Unknown)
                    self._add_rule(group, direction, body, item_mark, group.logical_id, certain)

    def _standalone_rule(self, base: Resource) -> None:
        direction = "ingress" if base.type.endswith("Ingress") else "egress"
        self.network.resources[base.logical_id] = base

        def wire() -> None:
            group = self._group_of(base.properties.get("GroupId"))
            if group is None:
                return
            self._add_rule(
                group, direction, base.properties, base.mark, base.logical_id, base.certain
            )

        self._wiring.append(wire)

    def _add_rule(
        self,
        group: SecurityGroup,
        direction: str,
        body: Any,
        mark: Mark,
        source_id: str,
        certain: bool,
    ) -> None:
        if not isinstance(body, dict):
            group.unreadable.append(Unknown(f"a {direction} rule that is not a mapping", mark))
            return
        prefix = "Source" if direction == "ingress" else "Destination"
        peer_value = body.get(f"{prefix}SecurityGroupId", body.get(f"{prefix}SecurityGroupName"))
        peer: SecurityGroup | Unknown | str | None = None
        if peer_value is not None:
            peer = self._group_of(peer_value) or (
                peer_value if isinstance(peer_value, (str, Unknown)) else Unknown("unknown peer")
            )
        rule = SecurityGroupRule(
            group=group,
            direction=direction,
            mark=mark,
            source_id=source_id,
            protocol=normalize_protocol(body.get("IpProtocol")),
            from_port=normalize_port(body.get("FromPort")),
            to_port=normalize_port(body.get("ToPort")),
            cidr_ipv4=body.get("CidrIp"),
            cidr_ipv6=body.get("CidrIpv6"),
            prefix_list=body.get(f"{prefix}PrefixListId"),
            peer=peer,
            certain=certain,
        )
        (group.ingress if direction == "ingress" else group.explicit_egress).append(rule)

    # -- endpoints and workloads --------------------------------------------------------------

    def _endpoint(self, base: Resource) -> None:
        props = base.properties
        kind = props.get("VpcEndpointType", "Gateway")
        endpoint_type: EndpointType | Unknown
        try:
            endpoint_type = kind if isinstance(kind, Unknown) else EndpointType(kind)
        except ValueError:
            endpoint_type = Unknown(f"{kind!r} is not an endpoint type")
        endpoint = self._make(
            VpcEndpoint,
            base,
            service_name=props.get("ServiceName"),
            endpoint_type=endpoint_type,
            private_dns=as_bool(props.get("PrivateDnsEnabled"), False),
        )
        self.network.endpoints.append(endpoint)

        def wire() -> None:
            endpoint.vpc = self._lookup(props.get("VpcId"), Vpc)
            if "RouteTableIds" in props:
                endpoint.route_tables = self._refer_all(props["RouteTableIds"], RouteTable)
            if "SubnetIds" in props:
                endpoint.subnets = self._refer_all(props["SubnetIds"], Subnet)
                for subnet in _known(endpoint.subnets, Subnet):
                    subnet.workloads.append(endpoint)
            # An empty list, like none at all, leaves the endpoint in the VPC's default group.
            if props.get("SecurityGroupIds", []) != []:
                endpoint.security_groups = self._security_groups(props["SecurityGroupIds"])
            self._join_groups(endpoint, endpoint.effective_security_groups)

        self._wiring.append(wire)

    def _network_interface(self, base: Resource) -> None:
        props = base.properties
        interface = self._make(NetworkInterface, base)
        self.network.network_interfaces.append(interface)

        def wire() -> None:
            interface.subnet = self._lookup(props.get("SubnetId"), Subnet)
            if interface.subnet:
                interface.subnet.workloads.append(interface)
            interface.security_groups = self._placed_groups(props.get("GroupSet"), interface.subnet)
            self._join_groups(interface, interface.security_groups)

        self._wiring.append(wire)

    def _instance(self, base: Resource) -> None:
        props = base.properties
        instance = self._make(Instance, base)
        self.network.instances.append(instance)

        def wire() -> None:
            interfaces = props.get("NetworkInterfaces")
            if isinstance(interfaces, list) and interfaces:
                for index, spec in enumerate(interfaces):
                    instance.network_interfaces.append(
                        self._inline_interface(instance, index, spec)
                    )
                primary = instance.network_interfaces[0]
                instance.subnet = primary.subnet
                instance.security_groups = primary.security_groups
                instance.associate_public_ip = primary.associate_public_ip
            else:
                instance.subnet = self._lookup(props.get("SubnetId"), Subnet)
                groups = props.get("SecurityGroupIds", props.get("SecurityGroups"))
                instance.security_groups = self._placed_groups(groups, instance.subnet)
            if instance.subnet:
                instance.subnet.workloads.append(instance)
            self._join_groups(instance, instance.security_groups)
            instance.iam_policies, instance.iam_actions = self._iam_of(
                props.get("IamInstanceProfile")
            )

        self._wiring.append(wire)

    def _iam_of(self, profile: Any) -> tuple[list[str] | Unknown, list[str] | Unknown]:
        """Managed policy ARNs and inline actions of an instance profile's roles."""
        if profile is None:
            return [], []
        if (
            not isinstance(profile, ResourceRef)
            or self.resolver.resource_type(profile.logical_id) != "AWS::IAM::InstanceProfile"
        ):
            unknown = Unknown("the instance profile is outside the template")
            return unknown, unknown
        roles = self.resolver.properties(profile.logical_id).get("Roles")
        if not isinstance(roles, list) or not all(isinstance(r, ResourceRef) for r in roles):
            unknown = Unknown("a role of the instance profile is outside the template")
            return unknown, unknown
        names = {role.logical_id for role in roles}
        policies: list[str] = []
        actions: list[str] = []
        for logical_id in names:
            props = self.resolver.properties(logical_id)
            for arn in props.get("ManagedPolicyArns") or []:
                if not isinstance(arn, str):
                    unknown = Unknown("a managed policy ARN of the role is not known")
                    return unknown, unknown
                policies.append(arn)
            for policy in props.get("Policies") or []:
                document = policy.get("PolicyDocument") if isinstance(policy, dict) else None
                actions.extend(_actions(document))
        # Policies attached from the other side: AWS::IAM::ManagedPolicy / Policy with Roles.
        for logical_id, body in self.resolver.resources.items():
            kind = body.get("Type") if isinstance(body, dict) else None
            if kind not in ("AWS::IAM::ManagedPolicy", "AWS::IAM::Policy", "AWS::IAM::RolePolicy"):
                continue
            props = self.resolver.properties(logical_id)
            attached = props.get("Roles") or [props.get("RoleName")]
            if any(isinstance(r, ResourceRef) and r.logical_id in names for r in attached):
                actions.extend(_actions(props.get("PolicyDocument")))
        return policies, actions

    def _inline_interface(self, instance: Instance, index: int, spec: Any) -> NetworkInterface:
        if not isinstance(spec, dict):
            return NetworkInterface(
                f"{instance.logical_id}.NetworkInterfaces[{index}]",
                "AWS::EC2::NetworkInterface",
                instance.mark,
                implicit=True,
                security_groups=Unknown("network interface is not readable"),
            )
        existing = self._lookup(spec.get("NetworkInterfaceId"), NetworkInterface)
        if existing is not None:
            return existing
        subnet = self._lookup(spec.get("SubnetId"), Subnet)
        return NetworkInterface(
            f"{instance.logical_id}.NetworkInterfaces[{index}]",
            "AWS::EC2::NetworkInterface",
            instance.mark,
            certain=instance.certain,
            implicit=True,
            subnet=subnet,
            security_groups=self._placed_groups(spec.get("GroupSet"), subnet),
            associate_public_ip=as_bool(spec.get("AssociatePublicIpAddress"), False)
            if "AssociatePublicIpAddress" in spec
            else None,
        )

    def _placed_groups(
        self, value: Any, subnet: Subnet | None
    ) -> list[SecurityGroup | Unknown | str] | Unknown:
        """The groups of a workload; none named means its VPC's default group."""
        if value is None or value == []:
            if subnet is not None and subnet.vpc is not None and subnet.vpc.default_security_group:
                return [subnet.vpc.default_security_group]
            return Unknown("the workload uses the default group of a VPC outside the template")
        return self._security_groups(value)

    def _join_groups(self, member: Resource, groups: Any) -> None:
        for group in _known(groups, SecurityGroup):
            group.members.append(member)

    # -- network ACLs -------------------------------------------------------------------------

    def _network_acl(self, base: Resource) -> None:
        acl = self._make(NetworkAcl, base)
        self.network.network_acls.append(acl)

        def wire() -> None:
            acl.vpc = self._lookup(base.properties.get("VpcId"), Vpc)

        self._wiring.append(wire)

    def _network_acl_entry(self, base: Resource) -> None:
        props = base.properties
        ports = props.get("PortRange")
        ports = ports if isinstance(ports, dict) else {}
        action = props.get("RuleAction")
        entry = self._make(
            NetworkAclEntry,
            base,
            rule_number=_number(props.get("RuleNumber")),
            egress=as_bool(props.get("Egress"), False),
            action=action.lower() if isinstance(action, str) else Unknown("unknown action"),
            protocol=normalize_protocol(props.get("Protocol")),
            cidr_ipv4=props.get("CidrBlock"),
            cidr_ipv6=props.get("Ipv6CidrBlock"),
            from_port=normalize_port(ports.get("From")),
            to_port=normalize_port(ports.get("To")),
            icmp=props.get("Icmp"),
        )
        self.network.network_acl_entries.append(entry)

        def wire() -> None:
            entry.acl = self._acl_of(props.get("NetworkAclId"))
            if entry.acl is not None:
                entry.acl.entries.append(entry)

        self._wiring.append(wire)

    def _acl_association(self, base: Resource) -> None:
        association = self._make(NetworkAclAssociation, base)

        def wire() -> None:
            props = base.properties
            association.subnet = self._lookup(props.get("SubnetId"), Subnet)
            association.acl = self._acl_of(props.get("NetworkAclId"))
            if association.subnet:
                association.subnet.acl_associations.append(association)
            if association.acl:
                association.acl.associations.append(association)

        self._wiring.append(wire)

    def _acl_of(self, value: Any) -> NetworkAcl | None:
        if isinstance(value, ResourceRef) and value.attribute == "DefaultNetworkAcl":
            vpc = self._lookup(ResourceRef(value.logical_id), Vpc)
            return vpc.default_network_acl if vpc else None
        return self._lookup(value, NetworkAcl)

    # -- load balancers and subnet groups -----------------------------------------------------

    def _load_balancer(self, base: Resource) -> None:
        props = base.properties
        classic = base.type == "AWS::ElasticLoadBalancing::LoadBalancer"
        kind: LoadBalancerKind | Unknown
        written = "classic" if classic else props.get("Type", "application")
        try:
            kind = written if isinstance(written, Unknown) else LoadBalancerKind(written)
        except ValueError:
            kind = Unknown(f"{written!r} is not a load balancer type")
        balancer = self._make(
            LoadBalancer, base, kind=kind, scheme=props.get("Scheme", "internet-facing")
        )
        self.network.load_balancers.append(balancer)

        def wire() -> None:
            subnets = props.get("Subnets")
            mappings = props.get("SubnetMappings")
            if subnets is None and isinstance(mappings, list):
                subnets = [m.get("SubnetId") if isinstance(m, dict) else m for m in mappings]
            if subnets is None and isinstance(mappings, Unknown):
                subnets = mappings
            balancer.subnets = (
                self._refer_all(subnets, Subnet)
                if subnets is not None
                else Unknown("the load balancer names no subnets")
            )
            for subnet in _known(balancer.subnets, Subnet):
                subnet.workloads.append(balancer)
            if props.get("SecurityGroups", []) != []:
                balancer.security_groups = self._security_groups(props["SecurityGroups"])
            elif kind in (LoadBalancerKind.APPLICATION, LoadBalancerKind.CLASSIC):
                # Without groups an Application or Classic Load Balancer takes the default group.
                first = next(iter(_known(balancer.subnets, Subnet)), None)
                balancer.security_groups = self._placed_groups(None, first)
            self._join_groups(balancer, balancer.security_groups or [])

        self._wiring.append(wire)

    def _target_group(self, base: Resource) -> None:
        props = base.properties
        group = self._make(
            TargetGroup,
            base,
            port=normalize_port(props.get("Port")),
            protocol=props.get("Protocol"),
            target_type=props.get("TargetType", "instance"),
        )
        self.network.target_groups.append(group)

        def wire() -> None:
            targets = props.get("Targets") or []
            if isinstance(targets, Unknown):
                group.targets = [(targets, None)]
                return
            for target in targets if isinstance(targets, list) else []:
                if not isinstance(target, dict):
                    continue
                value = target.get("Id")
                found = (
                    self.network.resources.get(value.logical_id)
                    if isinstance(value, ResourceRef)
                    else None
                )
                port = normalize_port(target.get("Port")) if "Port" in target else group.port
                group.targets.append((found or value, port))

        self._wiring.append(wire)

    def _listener(self, base: Resource) -> None:
        def wire() -> None:
            props = base.properties
            balancer = self._lookup(props.get("LoadBalancerArn"), LoadBalancer)
            if balancer is None or not base.certain:
                return
            for group in _forwarded_groups(props.get("DefaultActions")):
                found = self._lookup(group, TargetGroup)
                if found is not None and balancer not in found.load_balancers:
                    found.load_balancers.append(balancer)

        self._wiring.append(wire)

    def _subnet_group(self, base: Resource) -> None:
        group = self._make(SubnetGroup, base, service=_SUBNET_GROUPS[base.type])
        self.network.subnet_groups.append(group)

        def wire() -> None:
            group.subnets = self._refer_all(base.properties.get("SubnetIds"), Subnet)

        self._wiring.append(wire)

    # -- hybrid and peering -------------------------------------------------------------------

    def _customer_gateway(self, base: Resource) -> None:
        self.network.customer_gateways.append(self._make(CustomerGateway, base))

    def _vpn_connection(self, base: Resource) -> None:
        connection = self._make(VpnConnection, base)
        self.network.vpn_connections.append(connection)

        def wire() -> None:
            props = base.properties
            connection.customer_gateway = self._optional(
                props.get("CustomerGatewayId"), CustomerGateway
            )
            connection.vpn_gateway = self._optional(props.get("VpnGatewayId"), VpnGateway)
            connection.transit_gateway = self._optional(
                props.get("TransitGatewayId"), TransitGateway
            )

        self._wiring.append(wire)

    def _route_propagation(self, base: Resource) -> None:
        propagation = self._make(RoutePropagation, base)
        self.network.route_propagations.append(propagation)

        def wire() -> None:
            props = base.properties
            propagation.vpn_gateway = self._optional(props.get("VpnGatewayId"), VpnGateway)
            propagation.route_tables = self._refer_all(props.get("RouteTableIds"), RouteTable)

        self._wiring.append(wire)

    def _transit_gateway(self, base: Resource) -> None:
        self.network.transit_gateways.append(self._make(TransitGateway, base))

    def _transit_gateway_attachment(self, base: Resource) -> None:
        attachment = self._make(TransitGatewayAttachment, base)
        self.network.transit_gateway_attachments.append(attachment)

        def wire() -> None:
            props = base.properties
            attachment.vpc = self._lookup(props.get("VpcId"), Vpc)
            attachment.transit_gateway = self._optional(
                props.get("TransitGatewayId"), TransitGateway
            )
            attachment.subnets = self._refer_all(props.get("SubnetIds"), Subnet)
            if isinstance(attachment.transit_gateway, TransitGateway):
                attachment.transit_gateway.attachments.append(attachment)

        self._wiring.append(wire)

    def _peering_connection(self, base: Resource) -> None:
        props = base.properties
        peering = self._make(
            PeeringConnection,
            base,
            cross_account_or_region="PeerOwnerId" in props or "PeerRegion" in props,
        )
        self.network.peering_connections.append(peering)

        def wire() -> None:
            peering.vpc = self._lookup(props.get("VpcId"), Vpc)
            peering.peer_vpc = self._optional(props.get("PeerVpcId"), Vpc)

        self._wiring.append(wire)

    def _flow_log(self, base: Resource) -> None:
        self.network.flow_logs.append(base)

        def wire() -> None:
            props = base.properties
            ids = props.get("ResourceIds")
            targets = ids if isinstance(ids, list) else [props.get("ResourceId")]
            for target in targets:
                vpc = self._lookup(target, Vpc)
                if vpc is not None:
                    vpc.flow_logs.append(base)

        self._wiring.append(wire)

    def _optional(self, value: Any, cls: type[R]) -> R | Unknown | str | None:
        """A reference that may be absent (None), inside the template, or outside it."""
        return None if value is None else self._refer(value, cls)


def _known(items: Any, cls: type[R]) -> list[R]:
    """The template objects of type `cls` in a list of references."""
    return [item for item in items if isinstance(item, cls)] if isinstance(items, list) else []


def _depends_on(body: dict) -> tuple[str, ...]:
    depends = body.get("DependsOn")
    if isinstance(depends, str):
        return (depends,)
    if isinstance(depends, list):
        return tuple(item for item in depends if isinstance(item, str))
    return ()


def _number(value: Any) -> int | Unknown:
    if isinstance(value, Unknown):
        return value
    try:
        return int(str(value))
    except ValueError:
        return Unknown(f"{value!r} is not a number")


def _allow_all(acl: NetworkAcl, number: int, ipv6: bool) -> None:
    """Add a default ACL's allow-everything entries (both directions) for IPv4 or IPv6."""
    for egress in (False, True):
        direction = "Egress" if egress else "Ingress"
        acl.entries.append(
            NetworkAclEntry(
                f"{acl.logical_id}.{direction}{number}",
                "AWS::EC2::NetworkAclEntry",
                acl.mark,
                certain=acl.certain,
                implicit=True,
                acl=acl,
                rule_number=number,
                egress=egress,
                cidr_ipv4=None if ipv6 else "0.0.0.0/0",
                cidr_ipv6="::/0" if ipv6 else None,
            )
        )


_SUB_NAME = re.compile(r"\$\{([^}!][^}.]*)")


def _dependencies(body: dict, resources: dict) -> frozenset[str]:
    """The resources a resource waits for: DependsOn, and Ref/GetAtt/Sub in its Properties."""
    depends = body.get("DependsOn")
    names = {depends} if isinstance(depends, str) else set()
    if isinstance(depends, list):
        names.update(item for item in depends if isinstance(item, str))
    pending = [body.get("Properties")]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            if len(node) == 1:
                ((key, argument),) = node.items()
                if key == "Ref" and isinstance(argument, str):
                    names.add(argument)
                elif key == "Fn::GetAtt" and isinstance(argument, list) and argument:
                    names.add(str(argument[0]))
                elif key == "Fn::Sub":
                    text = argument[0] if isinstance(argument, list) and argument else argument
                    if isinstance(text, str):
                        names.update(_SUB_NAME.findall(text))
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return frozenset(name for name in names if name in resources)


def _actions(document: Any) -> list[str]:
    """The actions a policy document allows (Unknown ones as "?")."""
    statements = document.get("Statement") if isinstance(document, dict) else None
    if isinstance(statements, dict):
        statements = [statements]
    found: list[str] = []
    for statement in statements if isinstance(statements, list) else []:
        if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
            continue
        action = statement.get("Action")
        for item in action if isinstance(action, list) else [action]:
            found.append(item if isinstance(item, str) else "?")
    return found


def _forwarded_groups(actions: Any) -> list[Any]:
    """The target groups a listener's actions forward to."""
    groups: list[Any] = []
    for action in actions if isinstance(actions, list) else []:
        if not isinstance(action, dict):
            continue
        if "TargetGroupArn" in action:
            groups.append(action["TargetGroupArn"])
        forward = action.get("ForwardConfig")
        if isinstance(forward, dict):
            for item in forward.get("TargetGroups") or []:
                if isinstance(item, dict):
                    groups.append(item.get("TargetGroupArn"))
    return groups
