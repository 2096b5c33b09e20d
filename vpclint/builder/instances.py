"""EC2 instances and network interfaces (standalone, and those an instance declares inline), and
the launch templates and launch configurations that instances, Auto Scaling groups and EKS
node groups launch from."""

from __future__ import annotations

import re
from typing import Any

from vpclint.builder.core import Builder, Constructor, as_bool, named_id
from vpclint.builder.iam import iam_of_profile
from vpclint.model import Instance, NetworkInterface, Resource, Subnet
from vpclint.records import record
from vpclint.resolver import Resolver
from vpclint.values import ResourceRef, Unknown


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

    # Before any instance's wiring: an instance takes its subnet and groups from its primary
    # interface, wherever the template declares that interface.
    b.wiring.insert(0, wire)


def instance(b: Builder, base: Resource) -> None:
    props = base.properties
    made = b.make(Instance, base, source_dest_check=as_bool(props.get("SourceDestCheck"), True))
    b.network.instances.append(made)

    def wire() -> None:
        # An instance launched from a launch template takes what it does not set itself.
        template = props.get("LaunchTemplate")
        launch = launch_of(b, made, template, None) if template is not None else None
        interfaces = props.get("NetworkInterfaces")
        if isinstance(interfaces, list) and interfaces:
            for index, spec in enumerate(interfaces):
                made.network_interfaces.append(_inline_interface(b, made, index, spec))
            primary = made.network_interfaces[0]
            made.subnet = primary.subnet
            made.security_groups = primary.security_groups
            made.associate_public_ip = primary.associate_public_ip
            if not primary.implicit:
                _share_check(made, primary, "SourceDestCheck" in props)
        else:
            made.subnet = b.lookup(props.get("SubnetId"), Subnet)
            groups = props.get("SecurityGroupIds", props.get("SecurityGroups"))
            if groups is None and launch is not None:
                groups = launch.groups  # the launch template's (Unknown when outside)
                made.associate_public_ip = launch.public_ip
            made.security_groups = (
                groups if isinstance(groups, Unknown) else b.placed_groups(groups, made.subnet)
            )
        if made.subnet:
            made.subnet.workloads.append(made)
        b.join_groups(made, made.security_groups)
        profile = props.get("IamInstanceProfile")
        if profile is None and launch is not None:
            profile = launch.profile
        made.iam_policies, made.iam_actions = iam_of_profile(b, profile)
        changed = _check_changed_at_boot(b, made, template)
        if changed is not None:
            # A NAT instance often turns its check off from its user data or cfn-init.
            if made.source_dest_check is not False:
                made.source_dest_check = changed
            for interface in made.network_interfaces:
                if not interface.implicit and interface.source_dest_check is not False:
                    interface.source_dest_check = changed

    b.wiring.append(wire)


def _share_check(made: Instance, primary: NetworkInterface, set_by_instance: bool) -> None:
    """An interface resource attached by ID as the primary one: its own check decides what it
    forwards, unless the instance sets the check too (that setting applies to its primary
    interface); when the two disagree, which one wins is not known."""
    if not set_by_instance or made.source_dest_check == primary.source_dest_check:
        made.source_dest_check = primary.source_dest_check
        return
    unknown = Unknown(
        f"instance {made.logical_id} and its interface {primary.logical_id} set SourceDestCheck "
        "differently"
    )
    made.source_dest_check = primary.source_dest_check = unknown


# "source-dest-check" (the CLI), "SourceDestCheck" (the SDKs and the API).
_CHECK_CHANGE = r"source[-_ ]?dest(ination)?[-_ ]?check"


def _check_changed_at_boot(b: Builder, made: Instance, template: Any) -> Unknown | None:
    """Unknown when the instance may change its source/destination check itself: its user data
    or metadata, or those of its launch template, mention the check (or the launch template is
    not the template's)."""
    bodies: list[Any] = [b.body_of(made)]
    if template is not None:
        found = _launch_template(b, made, template)
        if found is None:
            return Unknown(f"the launch template of {made.logical_id} is outside the template")
        bodies.append(found[0].resources.get(found[1]))
    for body in bodies:
        if not isinstance(body, dict):
            continue
        props = body.get("Properties")
        rest = {key: value for key, value in body.items() if key != "Properties"}
        if isinstance(props, dict):  # all but the property that sets the check itself
            rest["Properties"] = {k: v for k, v in props.items() if k != "SourceDestCheck"}
        if _mentions_check(rest):
            return Unknown(f"{made.logical_id} may turn its source/destination check off at boot")
    return None


def _mentions_check(node: Any) -> bool:
    """Whether any key or text in a template node mentions the source/destination check."""
    if isinstance(node, dict):
        return any(_mentions_check(k) or _mentions_check(v) for k, v in node.items())
    if isinstance(node, list):
        return any(_mentions_check(item) for item in node)
    return isinstance(node, str) and re.search(_CHECK_CHANGE, node, re.IGNORECASE) is not None


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


# -- launch templates and launch configurations ------------------------------------------------


@record(eq=False)
class Launch:
    """What a launch template or launch configuration gives the instances launched from it."""

    groups: Any = None  # the groups as written: None or [] for the VPC's default group
    public_ip: bool | Unknown | None = None  # None: the subnet decides
    profile: Any = None  # the instance profile, as a ResourceRef when it is the template's
    known: bool = True


_OUTSIDE = Unknown("the launch template is outside the template")


def launch_of(b: Builder, owner: Resource, spec: Any, raw: Any) -> Launch:
    """The launch template a `LaunchTemplateSpecification` (LaunchTemplateId or
    LaunchTemplateName) names, as the instances see it."""
    if not isinstance(spec, dict):
        return Launch(spec if isinstance(spec, Unknown) else _OUTSIDE, _OUTSIDE, _OUTSIDE, False)
    found = _launch_template(b, owner, spec)
    if found is None:
        return Launch(_OUTSIDE, _OUTSIDE, _OUTSIDE, False)
    resolver, logical_id = found
    data = resolver.properties(logical_id).get("LaunchTemplateData")
    if not isinstance(data, dict):
        unknown = Unknown(f"the data of launch template {logical_id} is not known")
        return Launch(unknown, unknown, unknown, False)
    body = resolver.resources.get(logical_id)
    raw_props = body.get("Properties") if isinstance(body, dict) else None
    raw_data = raw_props.get("LaunchTemplateData") if isinstance(raw_props, dict) else None
    return _launch_data(data, raw_data, resolver.stack)


def _launch_template(b: Builder, owner: Resource, spec: Any) -> tuple[Resolver, str] | None:
    """The template's launch template that a `LaunchTemplateSpecification` names, by its ID
    (a Ref) or its name."""
    if not isinstance(spec, dict):
        return None
    reference = spec.get("LaunchTemplateId", spec.get("LaunchTemplateName"))
    found = b.same_stack(reference, "AWS::EC2::LaunchTemplate")
    if found is None and isinstance(reference, str):
        found = _launch_template_named(b, owner, reference)
    return found


def _launch_template_named(b: Builder, owner: Resource, name: str) -> tuple[Resolver, str] | None:
    resolver = b.resolver_of(owner)
    for logical_id, body in resolver.resources.items():
        if (
            isinstance(body, dict)
            and body.get("Type") == "AWS::EC2::LaunchTemplate"
            and resolver.properties(logical_id).get("LaunchTemplateName") == name
        ):
            return resolver, logical_id
    return None


def _launch_data(data: dict, raw_data: Any, stack: str) -> Launch:
    """Groups, public IP and instance profile of a launch template's `LaunchTemplateData`."""
    launch = Launch()
    interfaces = data.get("NetworkInterfaces")
    if isinstance(interfaces, list) and interfaces:
        primary = next(
            (
                i
                for i in interfaces
                if isinstance(i, dict) and str(i.get("DeviceIndex", "0")) == "0"
            ),
            interfaces[0],
        )
        if not isinstance(primary, dict):
            unknown = Unknown("the launch template's network interface is not readable")
            return Launch(unknown, unknown, None, True)
        launch.groups = primary.get("Groups")
        if "AssociatePublicIpAddress" in primary:
            launch.public_ip = as_bool(primary.get("AssociatePublicIpAddress"), False)
    elif isinstance(interfaces, Unknown):
        launch.groups, launch.public_ip = interfaces, interfaces
    else:
        launch.groups = data.get("SecurityGroupIds", data.get("SecurityGroups"))
    raw_profile = raw_data.get("IamInstanceProfile") if isinstance(raw_data, dict) else None
    launch.profile = _profile(data.get("IamInstanceProfile"), raw_profile, stack)
    return launch


def _profile(value: Any, raw: Any, stack: str) -> Any:
    """An instance profile given by name (`!Ref Profile`) or ARN (`!GetAtt Profile.Arn`),
    directly or as `{Name: ...}` / `{Arn: ...}`: a ResourceRef for the template's profile."""
    if isinstance(value, dict):
        key = "Arn" if "Arn" in value else "Name"
        value = value.get(key)
        raw = raw.get(key) if isinstance(raw, dict) else None
    if isinstance(value, ResourceRef):
        return value
    named = named_id(raw)
    if named is not None:
        return ResourceRef(named, stack=stack)
    return value


def launch_configuration(b: Builder, owner: Resource, value: Any) -> Launch:
    found = b.same_stack(value, "AWS::AutoScaling::LaunchConfiguration")
    if found is None:
        outside = Unknown("the launch configuration is outside the template")
        return Launch(outside, outside, outside, False)
    resolver, logical_id = found
    props = resolver.properties(logical_id)
    body = resolver.resources.get(logical_id)
    raw_props = body.get("Properties") if isinstance(body, dict) else None
    raw_profile = raw_props.get("IamInstanceProfile") if isinstance(raw_props, dict) else None
    public = props.get("AssociatePublicIpAddress")
    return Launch(
        props.get("SecurityGroups"),
        as_bool(public, False) if public is not None else None,
        _profile(props.get("IamInstanceProfile"), raw_profile, resolver.stack),
    )


def _no_address(b: Builder, base: Resource) -> None:
    """A launch template or configuration: what it launches holds the addresses."""
    b.register(base)


CONSTRUCTORS: dict[str, Constructor] = {
    "AWS::EC2::NetworkInterface": network_interface,
    "AWS::EC2::Instance": instance,
    "AWS::EC2::LaunchTemplate": _no_address,
    "AWS::AutoScaling::LaunchConfiguration": _no_address,
}
