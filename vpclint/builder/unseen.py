"""What hides part of the network, gathered once everything is wired: the gaps the expand step
found (a transform, a nested stack, a loop), imports of values no checked stack exports, and
custom resources handed route tables or network ACLs (which they may change), or that supply
the route table of a route or association (a table vpclint cannot see).

A route table a custom resource is given may have routes the template does not show: its
routes stop being certain (`RouteTable.changed_by`), so that no answer rests on them.
"""

from __future__ import annotations

from typing import Any

from vpclint.builder.core import Builder, StackSource, named_id
from vpclint.model import (
    NetworkAcl,
    Origin,
    Resource,
    RouteTable,
    TransitGatewayRouteTable,
    Unseen,
    qualified,
)
from vpclint.nodes import MapNode, mark_of
from vpclint.values import ResourceRef, Unknown

CUSTOM_TYPES = ("AWS::CloudFormation::CustomResource",)
# Words in the name of a property that holds part of the network: where an import hides it.
_NETWORK_WORDS = (
    "Vpc",
    "VPC",
    "Subnet",
    "SecurityGroup",
    "GroupId",
    "GroupSet",
    "RouteTable",
    "NetworkAcl",
    "Gateway",
    "Cidr",
    "NetworkInterface",
    "Peer",
    "NetworkConfiguration",
    "PrefixList",
    "InstanceId",
    "AllocationId",
)
# Objects a custom resource may change when it is handed them.
_CHANGEABLE = (RouteTable, NetworkAcl, TransitGatewayRouteTable)


def record_unseen(builder: Builder) -> None:
    for stack in builder.stacks:
        for gap in stack.gaps:
            subject = _subject(builder, stack, gap.logical_id, gap.mark)
            builder.network.unseen.append(Unseen(gap.kind, subject, gap.reason, gap.mark))
        _imports(builder, stack)
        _custom_resources(builder, stack)


def _imports(builder: Builder, stack: StackSource) -> None:
    """One finding per import name that no checked stack exports, used by a modelled resource."""
    seen: set[str] = set()
    for mark, (name, matched, holder) in sorted(stack.resolver.imported.items()):
        if matched or holder is None or name in seen:
            continue
        resource = builder.network.resources.get(qualified(stack.origin.stack, holder))
        if resource is None or resource.implicit:
            continue  # a resource vpclint does not model: its import hides no network
        if not any(word in _property_at(resource, mark) for word in _NETWORK_WORDS):
            continue  # an import into a name, a role, user data: no network is hidden
        seen.add(name)
        reason = (
            f"{resource.logical_id} imports {name}, which no checked template exports, so what "
            "it names is not known"
        )
        builder.network.unseen.append(Unseen("import", resource, reason, mark))


def _custom_resources(builder: Builder, stack: StackSource) -> None:
    resolver = stack.resolver
    for logical_id, body in resolver.resources.items():
        kind = body.get("Type") if isinstance(body, dict) else None
        if not isinstance(kind, str) or not (kind.startswith("Custom::") or kind in CUSTOM_TYPES):
            continue
        if resolver.resource_condition(logical_id) is False:
            continue
        handed = [
            found
            for ref in _references(resolver.properties(logical_id))
            if isinstance(found := builder.network.resources.get(ref.key), _CHANGEABLE)
        ]
        supplied = _supplied_route_tables(builder, stack, logical_id)
        if not handed and not supplied:
            continue
        subject = _subject(builder, stack, logical_id, mark_of(body))
        for found in handed:
            if isinstance(found, RouteTable):
                found.changed_by.append(subject)
        reasons = []
        if handed:
            names = ", ".join(dict.fromkeys(found.logical_id for found in handed))
            reasons.append(
                f"is given {names} and may change routes or associations that the template "
                "does not show"
            )
        if supplied:
            reasons.append(
                f"supplies the route table of {', '.join(supplied)}, which is then not known"
            )
        reason = f"custom resource {logical_id} {'; it '.join(reasons)}"
        builder.network.unseen.append(Unseen("custom-resource", subject, reason, subject.mark))
        counts = builder.network.counts.setdefault(stack.origin.path, [0, 0])
        counts[1] += 1


_TABLE_PROPERTIES = ("RouteTableId", "RouteTableIds")


def _supplied_route_tables(builder: Builder, stack: StackSource, custom: str) -> list[str]:
    """The modelled resources of the stack (routes, associations, endpoints) whose route table
    is a value of the custom resource (`Ref` or `Fn::GetAtt` of it): a table it made or
    looked up, so their routes and associations are on a table vpclint cannot see."""
    found = []
    for logical_id, body in stack.resolver.resources.items():
        props = body.get("Properties") if isinstance(body, dict) else None
        if not isinstance(props, dict):
            continue
        if not any(_names(props.get(name), custom) for name in _TABLE_PROPERTIES):
            continue
        resource = builder.network.resources.get(qualified(stack.origin.stack, logical_id))
        if resource is not None and not resource.implicit:
            found.append(logical_id)
    return found


def _names(node: Any, logical_id: str) -> bool:
    """Whether a written value refers to the resource (`Ref` or `Fn::GetAtt`), at any depth."""
    if isinstance(node, dict):
        return named_id(node) == logical_id or any(_names(v, logical_id) for v in node.values())
    if isinstance(node, list):
        return any(_names(item, logical_id) for item in node)
    return False


def _property_at(resource: Resource, mark: Any) -> str:
    """The name of the resource's top-level property written at `mark` ("" when none)."""
    found = ""
    for name, start in sorted(resource.properties.value_marks.items(), key=lambda item: item[1]):
        if start <= mark:
            found = name
    return found


def _references(value: Any) -> list[ResourceRef]:
    found = []
    pending = [value]
    while pending:
        node = pending.pop()
        if isinstance(node, ResourceRef):
            found.append(node)
        elif isinstance(node, dict):
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
        elif isinstance(node, Unknown):
            pending.extend(node.options)
            pending.extend(node.parts or ())
    return found


def _subject(builder: Builder, stack: StackSource, logical_id: str | None, mark: Any) -> Resource:
    """The resource a gap concerns, or the template itself (logical ID "")."""
    if logical_id is not None:
        found = builder.network.resources.get(qualified(stack.origin.stack, logical_id))
        if found is not None:
            return found
        resources = stack.resolver.resources
        body = resources.get(logical_id)
        key_marks = resources.key_marks if isinstance(resources, MapNode) else {}
        return Resource(
            logical_id,
            str(body.get("Type")) if isinstance(body, dict) else "",
            key_marks.get(logical_id, mark_of(body, mark)),
            origin=stack.origin,
        )
    return Resource(
        "",
        "AWS::CloudFormation::Template",
        mark,
        origin=Origin(stack.origin.path, stack.origin.stack, stack.origin.via),
    )
