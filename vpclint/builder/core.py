"""The builder's machinery: one pass creates an object per resource, a second wires relations.

Area modules (vpc, routing, gateways, security, endpoints, instances, balancers, functions,
containers, scaling, databases) each give a table of constructors by resource type; a constructor
makes its object and queues the wiring that needs other objects.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable
from typing import Any, TypeVar

from vpclint.model import (
    Network,
    NetworkAcl,
    Origin,
    Resource,
    RouteTableAssociation,
    SecurityGroup,
    Subnet,
    Vpc,
    Workload,
    qualified,
)
from vpclint.nodes import MapNode, mark_of
from vpclint.records import field, record
from vpclint.resolver import Resolver
from vpclint.values import ResourceRef, Unknown

R = TypeVar("R", bound=Resource)
Constructor = Callable[["Builder", Resource], None]


@record(eq=False)
class StackSource:
    """One stack to build: its resolver, where its resources come from, and what its template
    hides (vpclint.expand.stacks.Gap)."""

    resolver: Resolver
    origin: Origin
    gaps: list[Any] = field(default_factory=list)


def as_bool(value: Any, default: bool | Unknown) -> bool | Unknown:
    """A CloudFormation boolean ("true", True, "False", ...); `default` when absent."""
    if value is None:
        return default
    if isinstance(value, (bool, Unknown)):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return Unknown(f"{value!r} is not a boolean")


def known(items: Any, cls: type[R]) -> list[R]:
    """The template objects of type `cls` in a list of references."""
    return [item for item in items if isinstance(item, cls)] if isinstance(items, list) else []


def first_subnet(subnets: Any) -> Subnet | None:
    return next(iter(known(subnets, Subnet)), None)


def named_id(node: Any) -> str | None:
    """The logical ID a written `Ref` or `Fn::GetAtt` names: "Role" for `!GetAtt Role.Arn`."""
    if not isinstance(node, dict) or len(node) != 1:
        return None
    ((key, argument),) = node.items()
    if key == "Ref" and isinstance(argument, str):
        return argument
    if key == "Fn::GetAtt":
        if isinstance(argument, list) and argument and isinstance(argument[0], str):
            return argument[0]
        if isinstance(argument, str) and "." in argument:
            return argument.split(".", 1)[0]
    return None


def text_of(value: Any) -> str | None:
    """A string, or the known parts of a partly known one (UNKNOWN_PART for the rest)."""
    if isinstance(value, str):
        return value
    if isinstance(value, Unknown) and value.text:
        return value.text
    return None


class Builder:
    def __init__(
        self,
        stacks: list[StackSource],
        constructors: dict[str, Constructor],
        may_hold_address: Callable[[object], bool],
        intent_words: tuple[Collection[str], Collection[str]],
    ) -> None:
        self.stacks = stacks
        self.resolvers = {stack.origin.stack: stack.resolver for stack in stacks}
        self.constructors = constructors
        self.may_hold_address = may_hold_address
        self.intent_words = intent_words
        region = stacks[0].resolver.region if stacks else "us-east-1"
        self.network = Network(region=region)
        self.unmodelled: list[Resource] = []  # resources that may hold an address in a VPC
        self.first: list[Callable[[], None]] = []
        self.wiring: list[Callable[[], None]] = []
        self.last: list[Callable[[], None]] = []
        # What an area of the builder works out once per build (keyed by the area).
        self.memo: dict[Any, Any] = {}

    def build(self) -> Network:
        for stack in self.stacks:
            self._create(stack)
        # Relations are wired once every object exists; subnets learn their VPC first, since
        # a workload without groups takes the default group of its subnet's VPC.
        for wire in self.first + self.wiring + self.last:
            wire()
        return self.network

    def _create(self, stack: StackSource) -> None:
        resolver = stack.resolver
        resources = resolver.resources
        key_marks = resources.key_marks if isinstance(resources, MapNode) else {}
        for logical_id, body in resources.items():
            kind = body.get("Type") if isinstance(body, dict) else None
            exists = resolver.resource_condition(logical_id)
            if exists is False:
                continue
            key = qualified(stack.origin.stack, logical_id)
            if isinstance(body, dict):
                self.network.dependencies[key] = _dependencies(body, resources, stack.origin.stack)
            constructor = self.constructors.get(kind) if isinstance(kind, str) else None
            if constructor is None and not self.may_hold_address(kind):
                continue
            resource = Resource(
                logical_id=logical_id,
                type=kind,  # type: ignore[arg-type]
                mark=key_marks.get(logical_id, mark_of(body)),
                properties=resolver.properties(logical_id),
                certain=exists is True,
                depends_on=_depends_on(body),
                origin=_origin_of(stack.origin, body),
            )
            counts = self.network.counts.setdefault(stack.origin.path, [0, 0])
            if constructor is None:
                self.unmodelled.append(resource)
                counts[1] += 1
            else:
                constructor(self, resource)
                counts[0] += 1

    # -- making and finding objects -----------------------------------------------------------

    def resolver_of(self, resource: Resource) -> Resolver:
        return self.resolvers[resource.stack]

    def body_of(self, resource: Resource) -> dict:
        body = self.resolver_of(resource).resources.get(resource.logical_id)
        return body if isinstance(body, dict) else {}

    def raw(self, resource: Resource, *path: str | int) -> Any:
        """A property as the template writes it (intrinsic functions unresolved)."""
        node: Any = self.body_of(resource).get("Properties")
        for step in path:
            if isinstance(step, int):
                node = node[step] if isinstance(node, list) and 0 <= step < len(node) else None
            else:
                node = node.get(step) if isinstance(node, dict) else None
        return node

    def make(self, cls: type[R], base: Resource, **fields: Any) -> R:
        made = cls(
            logical_id=base.logical_id,
            type=base.type,
            mark=base.mark,
            properties=base.properties,
            certain=base.certain,
            depends_on=base.depends_on,
            origin=base.origin,
            **fields,
        )
        self.network.resources[made.key] = made
        return made

    def register(self, resource: Resource) -> Resource:
        """Keep a resource that has no model object of its own, so references find it."""
        self.network.resources[resource.key] = resource
        return resource

    def lookup(self, value: Any, cls: type[R]) -> R | None:
        """The template's resource of type `cls` that a value refers to, if any."""
        if isinstance(value, ResourceRef) and value.attribute is None:
            found = self.network.resources.get(value.key)
            return found if isinstance(found, cls) else None
        return None

    def same_stack(self, value: Any, kind: str) -> tuple[Resolver, str] | None:
        """The resolver and logical ID of a `ResourceRef` to a resource of type `kind`."""
        if not isinstance(value, ResourceRef):
            return None
        resolver = self.resolvers.get(value.stack)
        if resolver is None or resolver.resource_type(value.logical_id) != kind:
            return None
        return resolver, value.logical_id

    def refer(self, value: Any, cls: type[R]) -> R | Unknown | str:
        """Like lookup, but keeps what is outside the template: an ID string or Unknown."""
        found = self.lookup(value, cls)
        if found is not None:
            return found
        if isinstance(value, (Unknown, str)):
            return value
        return Unknown(f"{value} is not a {cls.__name__} of this template")

    def refer_all(self, value: Any, cls: type[R]) -> list[R | Unknown | str] | Unknown:
        if isinstance(value, Unknown):
            return value
        if not isinstance(value, list):
            # One value where a list belongs: what the property holds once deployed is unknown.
            found = f"a reference to {value}" if isinstance(value, ResourceRef) else repr(value)
            return Unknown(f"expected a list, found {found}")
        return [self.refer(item, cls) for item in value]

    def optional(self, value: Any, cls: type[R]) -> R | Unknown | str | None:
        """A reference that may be absent (None), inside the template, or outside it."""
        return None if value is None else self.refer(value, cls)

    def owned_by_vpc(self, value: Any, attribute: str) -> Vpc | None:
        """The VPC whose `!GetAtt VPC.<attribute>` (DefaultSecurityGroup, ...) a value is."""
        if isinstance(value, ResourceRef) and value.attribute == attribute:
            return self.lookup(ResourceRef(value.logical_id, stack=value.stack), Vpc)
        return None

    def security_groups(self, value: Any) -> list[SecurityGroup | Unknown | str] | Unknown:
        """Group IDs; `!GetAtt VPC.DefaultSecurityGroup` names the VPC's default group."""
        if isinstance(value, Unknown) or not isinstance(value, list):
            return self.refer_all(value, SecurityGroup)
        groups: list[SecurityGroup | Unknown | str] = []
        for item in value:
            default = self.default_group(item)
            groups.append(default if default is not None else self.refer(item, SecurityGroup))
        return groups

    def default_group(self, value: Any) -> SecurityGroup | None:
        vpc = self.owned_by_vpc(value, "DefaultSecurityGroup")
        return vpc.default_security_group if vpc else None

    def group_of(self, value: Any) -> SecurityGroup | None:
        return self.default_group(value) or self.lookup(value, SecurityGroup)

    def acl_of(self, value: Any) -> NetworkAcl | None:
        vpc = self.owned_by_vpc(value, "DefaultNetworkAcl")
        if vpc is not None:
            return vpc.default_network_acl
        return self.lookup(value, NetworkAcl)

    def placed_groups(
        self, value: Any, subnet: Subnet | None
    ) -> list[SecurityGroup | Unknown | str] | Unknown:
        """The groups of a workload; none named means its VPC's default group."""
        if value is None or value == []:
            if subnet is not None and subnet.vpc is not None and subnet.vpc.default_security_group:
                return [subnet.vpc.default_security_group]
            return Unknown("the workload uses the default group of a VPC outside the template")
        return self.security_groups(value)

    def join_groups(self, member: Resource, groups: Any) -> None:
        for group in known(groups, SecurityGroup):
            group.members.append(member)

    def place(self, workload: Resource, subnets: Iterable[Any]) -> None:
        """Record that the workload holds addresses in each of the template's subnets."""
        for subnet in subnets:
            if isinstance(subnet, Subnet) and workload not in subnet.workloads:
                subnet.workloads.append(workload)

    def place_workload(self, made: Workload, default_group_possible: bool = True) -> None:
        """Record where the workload sits and which groups it joins. When its groups are not
        known, it may sit in its VPC's default group (as an unmodelled resource would)."""
        self.place(made, known(made.subnets, Subnet))
        groups = made.security_groups
        self.join_groups(made, groups or [])
        if not default_group_possible or not isinstance(groups, Unknown):
            return
        vpcs = {id(s.vpc): s.vpc for s in known(made.subnets, Subnet) if s.vpc is not None}
        if not vpcs:
            self.unmodelled.append(made)  # every VPC's default group may hold it
        for vpc in vpcs.values():
            if vpc.default_security_group is not None:
                vpc.default_security_group.possible_members.append(made)

    # -- after wiring -------------------------------------------------------------------------

    def hidden_routing(self) -> bool:
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


def _origin_of(origin: Origin, body: Any) -> Origin:
    """The stack's origin, with the resource's CDK construct path when it has one."""
    metadata = body.get("Metadata") if isinstance(body, dict) else None
    path = metadata.get("aws:cdk:path") if isinstance(metadata, dict) else None
    if isinstance(path, str):
        return Origin(origin.path, origin.stack, origin.via, path)
    return origin


def _depends_on(body: Any) -> tuple[str, ...]:
    depends = body.get("DependsOn") if isinstance(body, dict) else None
    if isinstance(depends, str):
        return (depends,)
    if isinstance(depends, list):
        return tuple(item for item in depends if isinstance(item, str))
    return ()


_SUB_NAME = r"\$\{([^}!][^}.]*)"  # compiled when first used


def _dependencies(body: dict, resources: dict, stack: str) -> frozenset[str]:
    """The resources a resource waits for: DependsOn, and Ref/GetAtt/Sub in its Properties."""
    names = set(_depends_on(body))
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
                        names.update(re.findall(_SUB_NAME, text))
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return frozenset(qualified(stack, name) for name in names if name in resources)
