"""What holds addresses: VPC endpoints, network interfaces, instances (with what their role may
do), load balancers with their listeners and target groups, database and cache subnet groups,
and Lambda functions in a VPC."""

from __future__ import annotations

from typing import Any

from vpclint.builder.core import Builder, Constructor, as_bool, known
from vpclint.model import (
    EndpointType,
    Instance,
    LoadBalancer,
    LoadBalancerKind,
    NetworkInterface,
    Resource,
    RouteTable,
    Subnet,
    SubnetGroup,
    TargetGroup,
    Vpc,
    VpcEndpoint,
    Workload,
    normalize_port,
)
from vpclint.resolver import Resolver
from vpclint.values import ResourceRef, Unknown

SUBNET_GROUPS = {
    "AWS::RDS::DBSubnetGroup": "RDS",
    "AWS::ElastiCache::SubnetGroup": "ElastiCache",
    "AWS::Redshift::ClusterSubnetGroup": "Redshift",
    "AWS::DocDB::DBSubnetGroup": "DocumentDB",
    "AWS::Neptune::DBSubnetGroup": "Neptune",
}


def endpoint(b: Builder, base: Resource) -> None:
    props = base.properties
    kind = props.get("VpcEndpointType", "Gateway")
    endpoint_type: EndpointType | Unknown
    try:
        endpoint_type = kind if isinstance(kind, Unknown) else EndpointType(kind)
    except ValueError:
        endpoint_type = Unknown(f"{kind!r} is not an endpoint type")
    made = b.make(
        VpcEndpoint,
        base,
        service_name=props.get("ServiceName"),
        endpoint_type=endpoint_type,
        private_dns=as_bool(props.get("PrivateDnsEnabled"), False),
    )
    b.network.endpoints.append(made)

    def wire() -> None:
        made.vpc = b.lookup(props.get("VpcId"), Vpc)
        if "RouteTableIds" in props:
            made.route_tables = b.refer_all(props["RouteTableIds"], RouteTable)
        if "SubnetIds" in props:
            made.subnets = b.refer_all(props["SubnetIds"], Subnet)
            b.place(made, known(made.subnets, Subnet))
        # An empty list, like none at all, leaves the endpoint in the VPC's default group.
        if props.get("SecurityGroupIds", []) != []:
            made.security_groups = b.security_groups(props["SecurityGroupIds"])
        b.join_groups(made, made.effective_security_groups)

    b.wiring.append(wire)


def network_interface(b: Builder, base: Resource) -> None:
    props = base.properties
    made = b.make(
        NetworkInterface,
        base,
        source_dest_check=as_bool(props.get("SourceDestCheck"), True),
    )
    b.network.network_interfaces.append(made)

    def wire() -> None:
        made.subnet = b.lookup(props.get("SubnetId"), Subnet)
        if made.subnet:
            made.subnet.workloads.append(made)
        made.security_groups = b.placed_groups(props.get("GroupSet"), made.subnet)
        b.join_groups(made, made.security_groups)

    b.wiring.append(wire)


def instance(b: Builder, base: Resource) -> None:
    props = base.properties
    made = b.make(Instance, base, source_dest_check=as_bool(props.get("SourceDestCheck"), True))
    b.network.instances.append(made)

    def wire() -> None:
        interfaces = props.get("NetworkInterfaces")
        if isinstance(interfaces, list) and interfaces:
            for index, spec in enumerate(interfaces):
                made.network_interfaces.append(_inline_interface(b, made, index, spec))
            primary = made.network_interfaces[0]
            made.subnet = primary.subnet
            made.security_groups = primary.security_groups
            made.associate_public_ip = primary.associate_public_ip
            if not primary.implicit:
                # An interface resource attached by ID: its own check decides what it forwards.
                made.source_dest_check = primary.source_dest_check
        else:
            made.subnet = b.lookup(props.get("SubnetId"), Subnet)
            groups = props.get("SecurityGroupIds", props.get("SecurityGroups"))
            made.security_groups = b.placed_groups(groups, made.subnet)
        if made.subnet:
            made.subnet.workloads.append(made)
        b.join_groups(made, made.security_groups)
        made.iam_policies, made.iam_actions = iam_of_profile(b, props.get("IamInstanceProfile"))

    b.wiring.append(wire)


def _inline_interface(b: Builder, owner: Instance, index: int, spec: Any) -> NetworkInterface:
    if not isinstance(spec, dict):
        return NetworkInterface(
            f"{owner.logical_id}.NetworkInterfaces[{index}]",
            "AWS::EC2::NetworkInterface",
            owner.mark,
            implicit=True,
            origin=owner.origin,
            security_groups=Unknown("network interface is not readable"),
            instance=owner,
        )
    existing = b.lookup(spec.get("NetworkInterfaceId"), NetworkInterface)
    if existing is not None:
        existing.instance = owner
        return existing
    subnet = b.lookup(spec.get("SubnetId"), Subnet)
    return NetworkInterface(
        f"{owner.logical_id}.NetworkInterfaces[{index}]",
        "AWS::EC2::NetworkInterface",
        owner.mark,
        certain=owner.certain,
        implicit=True,
        origin=owner.origin,
        subnet=subnet,
        security_groups=b.placed_groups(spec.get("GroupSet"), subnet),
        associate_public_ip=as_bool(spec.get("AssociatePublicIpAddress"), False)
        if "AssociatePublicIpAddress" in spec
        else None,
        instance=owner,
    )


# -- IAM: what a workload's role may do ---------------------------------------------------------


IamGrants = tuple[list[str] | Unknown, list[str] | Unknown]


def iam_of_profile(b: Builder, profile: Any) -> IamGrants:
    """Managed policy ARNs and inline actions of an instance profile's roles."""
    if profile is None:
        return [], []
    resolver = b.resolvers.get(profile.stack) if isinstance(profile, ResourceRef) else None
    if (
        resolver is None
        or resolver.resource_type(profile.logical_id) != "AWS::IAM::InstanceProfile"
    ):
        unknown = Unknown("the instance profile is outside the template")
        return unknown, unknown
    roles = resolver.properties(profile.logical_id).get("Roles")
    if not isinstance(roles, list) or not all(
        isinstance(r, ResourceRef) and r.stack == profile.stack for r in roles
    ):
        unknown = Unknown("a role of the instance profile is outside the template")
        return unknown, unknown
    return iam_of_roles(resolver, [role.logical_id for role in roles])


def iam_of_roles(resolver: Resolver, names: list[str]) -> IamGrants:
    """Managed policy ARNs and allowed actions of the template's roles `names`."""
    policies: list[str] = []
    actions: list[str] = []
    for logical_id in set(names):
        if resolver.resource_type(logical_id) != "AWS::IAM::Role":
            unknown = Unknown(f"role {logical_id} is not an AWS::IAM::Role of the template")
            return unknown, unknown
        props = resolver.properties(logical_id)
        for arn in props.get("ManagedPolicyArns") or []:
            if not isinstance(arn, str):
                unknown = Unknown("a managed policy ARN of the role is not known")
                return unknown, unknown
            policies.append(arn)
        for policy in props.get("Policies") or []:
            document = policy.get("PolicyDocument") if isinstance(policy, dict) else None
            actions.extend(_actions(document))
    # Policies attached from the other side: AWS::IAM::ManagedPolicy / Policy with Roles.
    for logical_id, body in resolver.resources.items():
        kind = body.get("Type") if isinstance(body, dict) else None
        if kind not in ("AWS::IAM::ManagedPolicy", "AWS::IAM::Policy", "AWS::IAM::RolePolicy"):
            continue
        props = resolver.properties(logical_id)
        attached = props.get("Roles") or [props.get("RoleName")]
        if any(isinstance(r, ResourceRef) and r.logical_id in names for r in attached):
            actions.extend(_actions(props.get("PolicyDocument")))
    return policies, actions


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


# -- load balancers -----------------------------------------------------------------------------


def load_balancer(b: Builder, base: Resource) -> None:
    props = base.properties
    classic = base.type == "AWS::ElasticLoadBalancing::LoadBalancer"
    kind: LoadBalancerKind | Unknown
    written = "classic" if classic else props.get("Type", "application")
    try:
        kind = written if isinstance(written, Unknown) else LoadBalancerKind(written)
    except ValueError:
        kind = Unknown(f"{written!r} is not a load balancer type")
    made = b.make(LoadBalancer, base, kind=kind, scheme=props.get("Scheme", "internet-facing"))
    b.network.load_balancers.append(made)
    if classic:
        listeners = props.get("Listeners")
        for listener in listeners if isinstance(listeners, list) else []:
            if isinstance(listener, dict):
                made.listener_ports.append(_port(listener.get("LoadBalancerPort")))

    def wire() -> None:
        subnets = props.get("Subnets")
        mappings = props.get("SubnetMappings")
        if subnets is None and isinstance(mappings, list):
            subnets = [m.get("SubnetId") if isinstance(m, dict) else m for m in mappings]
        if subnets is None and isinstance(mappings, Unknown):
            subnets = mappings
        made.subnets = (
            b.refer_all(subnets, Subnet)
            if subnets is not None
            else Unknown("the load balancer names no subnets")
        )
        b.place(made, known(made.subnets, Subnet))
        if props.get("SecurityGroups", []) != []:
            made.security_groups = b.security_groups(props["SecurityGroups"])
        elif kind in (LoadBalancerKind.APPLICATION, LoadBalancerKind.CLASSIC):
            # Without groups an Application or Classic Load Balancer takes the default group.
            first = next(iter(known(made.subnets, Subnet)), None)
            made.security_groups = b.placed_groups(None, first)
        b.join_groups(made, made.security_groups or [])

    b.wiring.append(wire)


def _port(value: Any) -> int | Unknown:
    port = normalize_port(value)
    return port if port is not None else Unknown("the listener's port is not known")


def target_group(b: Builder, base: Resource) -> None:
    props = base.properties
    group = b.make(
        TargetGroup,
        base,
        port=normalize_port(props.get("Port")),
        protocol=props.get("Protocol"),
        target_type=props.get("TargetType", "instance"),
    )
    b.network.target_groups.append(group)

    def wire() -> None:
        targets = props.get("Targets") or []
        if isinstance(targets, Unknown):
            group.targets = [(targets, None)]
            return
        for target in targets if isinstance(targets, list) else []:
            if not isinstance(target, dict):
                continue
            value = target.get("Id")
            found = b.network.resources.get(value.key) if isinstance(value, ResourceRef) else None
            port = normalize_port(target.get("Port")) if "Port" in target else group.port
            group.targets.append((found or value, port))

    b.wiring.append(wire)


def listener(b: Builder, base: Resource) -> None:
    def wire() -> None:
        props = base.properties
        balancer = b.lookup(props.get("LoadBalancerArn"), LoadBalancer)
        if balancer is None or not base.certain:
            return
        balancer.listener_ports.append(_port(props.get("Port")))
        for group in _forwarded_groups(props.get("DefaultActions")):
            found = b.lookup(group, TargetGroup)
            if found is not None and balancer not in found.load_balancers:
                found.load_balancers.append(balancer)

    b.wiring.append(wire)


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


def subnet_group(b: Builder, base: Resource) -> None:
    group = b.make(SubnetGroup, base, service=SUBNET_GROUPS[base.type])
    b.network.subnet_groups.append(group)

    def wire() -> None:
        group.subnets = b.refer_all(base.properties.get("SubnetIds"), Subnet)

    b.wiring.append(wire)


# -- functions ----------------------------------------------------------------------------------


def function(b: Builder, base: Resource) -> None:
    """A Lambda function (or a SAM function) with `VpcConfig`: its interfaces sit in every
    subnet it names, behind its security groups, with no public address."""
    config = base.properties.get("VpcConfig")
    if config is None:
        b.register(base)  # not in a VPC: it holds no address of the template's networks
        return
    made = b.make(Workload, base, kind="Lambda function")
    b.network.workloads.append(made)

    def wire() -> None:
        if isinstance(config, dict):
            made.subnets = b.refer_all(config.get("SubnetIds"), Subnet)
            made.security_groups = b.security_groups(config.get("SecurityGroupIds", []))
        else:
            unknown = (
                config if isinstance(config, Unknown) else Unknown("VpcConfig is not readable")
            )
            made.subnets, made.security_groups = unknown, unknown
        b.place(made, known(made.subnets, Subnet))
        b.join_groups(made, made.security_groups or [])

    b.wiring.append(wire)


CONSTRUCTORS: dict[str, Constructor] = {
    "AWS::EC2::VPCEndpoint": endpoint,
    "AWS::EC2::NetworkInterface": network_interface,
    "AWS::EC2::Instance": instance,
    "AWS::ElasticLoadBalancingV2::LoadBalancer": load_balancer,
    "AWS::ElasticLoadBalancing::LoadBalancer": load_balancer,
    "AWS::ElasticLoadBalancingV2::TargetGroup": target_group,
    "AWS::ElasticLoadBalancingV2::Listener": listener,
    "AWS::Lambda::Function": function,
    "AWS::Serverless::Function": function,
    **{kind: subnet_group for kind in SUBNET_GROUPS},
}
