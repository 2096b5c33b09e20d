"""Auto Scaling groups (placed and grouped by their launch template or configuration), and EKS
clusters' control-plane interfaces and managed node groups."""

from __future__ import annotations

from typing import Any

from vpclint.builder.core import Builder, Constructor, first_subnet, known, named_id
from vpclint.builder.iam import iam_of_profile, iam_of_roles
from vpclint.builder.instances import Launch, launch_configuration, launch_of
from vpclint.model import Resource, Subnet, Workload
from vpclint.values import Unknown


def _group_launch(b: Builder, base: Resource) -> Launch:
    props = base.properties
    if "LaunchTemplate" in props:
        return launch_of(b, base, props["LaunchTemplate"], None)
    mixed = props.get("MixedInstancesPolicy")
    if isinstance(mixed, dict):
        template = mixed.get("LaunchTemplate")
        overrides = template.get("Overrides") if isinstance(template, dict) else None
        if isinstance(overrides, list) and any(
            isinstance(o, dict) and "LaunchTemplateSpecification" in o for o in overrides
        ):
            unknown = Unknown("instance types of the group launch from other launch templates")
            return Launch(unknown, unknown, unknown, False)
        spec = template.get("LaunchTemplateSpecification") if isinstance(template, dict) else None
        return launch_of(b, base, spec, None)
    if "LaunchConfigurationName" in props:
        return launch_configuration(b, base, props["LaunchConfigurationName"])
    unknown = Unknown("the group launches from an instance or a template vpclint cannot read")
    return Launch(unknown, unknown, unknown, False)


def _public_by_subnet(subnets: Any) -> bool | Unknown:
    """The public IP an instance gets from its subnet (`MapPublicIpOnLaunch`), when every
    subnet it may launch in agrees."""
    values = [s.map_public_ip_on_launch for s in known(subnets, Subnet)]
    if not values:
        return Unknown("its subnets are not known")
    if any(isinstance(v, Unknown) for v in values):
        return next(v for v in values if isinstance(v, Unknown))
    if all(v is True for v in values):
        return True
    if all(v is False for v in values):
        return False
    return Unknown("its subnets differ in MapPublicIpOnLaunch")


def auto_scaling_group(b: Builder, base: Resource) -> None:
    """An Auto Scaling group: instances in any of `VPCZoneIdentifier`'s subnets, with the
    groups, public IP and instance profile of their launch template or configuration."""
    made = b.make(
        Workload,
        base,
        kind="Auto Scaling group",
        needs_unknown=Unknown("what the software on its instances calls is not known"),
    )
    b.network.workloads.append(made)

    def wire() -> None:
        zones = base.properties.get("VPCZoneIdentifier")
        made.subnets = (
            b.refer_all(zones, Subnet)
            if zones is not None
            else Unknown("without VPCZoneIdentifier its instances launch in the default VPC")
        )
        launch = _group_launch(b, base)
        if isinstance(launch.groups, Unknown):
            made.security_groups = launch.groups
        else:
            made.security_groups = b.placed_groups(launch.groups, first_subnet(made.subnets))
        public = launch.public_ip
        made.public_ip = public if public is not None else _public_by_subnet(made.subnets)
        if isinstance(launch.profile, Unknown):
            made.iam_policies, made.iam_actions = launch.profile, launch.profile
        else:
            made.iam_policies, made.iam_actions = iam_of_profile(b, launch.profile)
        b.place_workload(made)

    b.wiring.append(wire)


_EKS_GROUP = Unknown("Amazon EKS adds the cluster security group it creates")


def eks_cluster(b: Builder, base: Resource) -> None:
    """An EKS cluster's control-plane interfaces: in some of its subnets, behind its groups
    and the cluster security group EKS creates (which the template cannot see)."""
    made = b.make(Workload, base, kind="EKS cluster", spread=False, starts_connections=False)
    b.network.workloads.append(made)

    def wire() -> None:
        config = base.properties.get("ResourcesVpcConfig")
        if isinstance(config, dict):
            made.subnets = b.refer_all(config.get("SubnetIds"), Subnet)
            groups = b.security_groups(config.get("SecurityGroupIds") or [])
            made.security_groups = [*groups, _EKS_GROUP] if isinstance(groups, list) else groups
        else:
            unknown = config if isinstance(config, Unknown) else Unknown("no ResourcesVpcConfig")
            made.subnets, made.security_groups = unknown, unknown
        b.place_workload(made, default_group_possible=False)

    b.wiring.append(wire)


def eks_node_group(b: Builder, base: Resource) -> None:
    """An EKS managed node group: instances in any of its subnets, in the cluster security
    group EKS creates (or its launch template's groups), public IP by subnet."""
    made = b.make(
        Workload,
        base,
        kind="EKS node group",
        needs_unknown=Unknown("what the pods on its nodes call is not known"),
    )
    b.network.workloads.append(made)

    def wire() -> None:
        props = base.properties
        made.subnets = b.refer_all(props.get("Subnets"), Subnet)
        groups: Any = []
        if "LaunchTemplate" in props:
            spec = props["LaunchTemplate"]
            if isinstance(spec, dict) and "Id" in spec:
                spec = {"LaunchTemplateId": spec["Id"]}
            elif isinstance(spec, dict) and "Name" in spec:
                spec = {"LaunchTemplateName": spec["Name"]}
            launch = launch_of(b, base, spec, None)
            groups = (launch.groups or []) if launch.known else []
        if groups and not isinstance(groups, Unknown):
            groups = b.security_groups(groups)
        made.security_groups = [*groups, _EKS_GROUP] if isinstance(groups, list) else groups
        made.public_ip = _public_by_subnet(made.subnets)
        role = named_id(b.raw(base, "NodeRole"))
        resolver = b.resolver_of(base)
        if role is not None and resolver.resource_type(role) == "AWS::IAM::Role":
            made.iam_policies, made.iam_actions = iam_of_roles(resolver, [role])
        else:
            unknown = Unknown(f"the node role of {made.logical_id} is outside the template")
            made.iam_policies, made.iam_actions = unknown, unknown
        b.place_workload(made, default_group_possible=False)

    b.wiring.append(wire)


CONSTRUCTORS: dict[str, Constructor] = {
    "AWS::AutoScaling::AutoScalingGroup": auto_scaling_group,
    "AWS::EKS::Cluster": eks_cluster,
    "AWS::EKS::Nodegroup": eks_node_group,
}
