"""SAM `Globals` (`Transform: AWS::Serverless-2016-10-31`), merged into resources as SAM does.

Only the Globals step of the SAM translator: `Globals.<Kind>` applies to every resource of type
`AWS::Serverless::<Kind>` (Function, Api, HttpApi, SimpleTable, StateMachine, CapacityProvider,
LayerVersion, ...), and the Globals section is then removed, as SAM removes it. The rules, from
"Globals section of the AWS SAM template"
(https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-specification-template-anatomy-globals.html):

- primitives (strings, numbers, booleans) are replaced by the resource's value;
- maps are merged, the resource's entry winning over the global one, key by key, all the way down;
- lists are additive: the global entries come first, then the resource's (duplicates are kept);
- a resource cannot remove a property the Globals section sets.

And from the translator the page describes (samtranslator/plugins/globals/globals.py): an
intrinsic function (`{"Ref": ...}`, `{"Fn::...": ...}`) counts as a primitive, and two values of
different kinds (a list against a map, say) leave the resource's value alone; a resource's
`IgnoreGlobals: "*"` (or a list of property names) opts out. The properties the page names as
unsupported (Function `Role`, `Policies`, `FunctionName`, `Events`; Api `StageName`,
`DefinitionBody`; HttpApi `StageName`, `DefinitionBody`, `DefinitionUri`) make SAM reject the
template, and are not merged here. Everything else merges: SAM adds supported properties with
its releases, and a network property such as `VpcConfig` must never be missed for being new.

SAM resources are not translated into CloudFormation resources here; values keep their
intrinsic functions for the resolver, and their marks: a property taken from Globals points at
the Globals line it is written on. With `AWS::LanguageExtensions`, loops come first
(`expand_foreach`), as the transforms are listed.
"""

from __future__ import annotations

from typing import Any

from vpclint.expand import SAM_TRANSFORM
from vpclint.nodes import MapNode, SeqNode, mark_of

_SAM_TYPE_PREFIX = "AWS::Serverless::"
# Properties SAM refuses in Globals ("Unsupported properties" on the Globals page).
_NOT_GLOBAL = {
    "Function": frozenset({"Role", "Policies", "FunctionName", "Events"}),
    "Api": frozenset({"StageName", "DefinitionBody"}),
    "HttpApi": frozenset({"StageName", "DefinitionBody", "DefinitionUri"}),
}


def apply_globals(template: MapNode) -> MapNode:
    """The template with its SAM Globals merged into the resources they apply to.

    The input is not changed; without the SAM transform or a Globals section it comes back as
    the same object.
    """
    if not isinstance(template, MapNode) or not is_sam(template):
        return template
    globals_section = template.get("Globals")
    resources = template.get("Resources")
    if not isinstance(globals_section, MapNode) or not isinstance(resources, MapNode):
        return template
    by_type: dict[str, MapNode] = {}
    for kind, properties in globals_section.items():
        if isinstance(properties, MapNode):
            refused = _NOT_GLOBAL.get(kind, frozenset())
            by_type[_SAM_TYPE_PREFIX + kind] = _without(properties, refused)
    result = MapNode(template.mark)
    for key, value in template.items():
        if key == "Globals":
            continue
        if key == "Resources":
            value = _merged_resources(resources, by_type, globals_section)
        result[key] = value
        result.key_marks[key] = template.key_marks.get(key, template.mark)
        result.value_marks[key] = template.value_marks.get(key, mark_of(value, template.mark))
    return result


def is_sam(template: MapNode) -> bool:
    """Whether the template declares the SAM transform (alone, or in a list of transforms)."""
    transform = template.get("Transform")
    if isinstance(transform, str):
        return transform == SAM_TRANSFORM
    return isinstance(transform, list) and SAM_TRANSFORM in transform


def _merged_resources(
    resources: MapNode, by_type: dict[str, MapNode], globals_section: MapNode
) -> MapNode:
    result = MapNode(resources.mark)
    for logical_id, body in resources.items():
        kind = body.get("Type") if isinstance(body, MapNode) else None
        global_properties = by_type.get(kind) if isinstance(kind, str) else None
        if global_properties:
            section_name = kind[len(_SAM_TYPE_PREFIX) :]
            body = _merged_resource(body, global_properties, globals_section, section_name)
        _put(result, logical_id, body, resources)
    return result


def _merged_resource(
    body: MapNode, global_properties: MapNode, globals_section: MapNode, section_name: str
) -> MapNode:
    """A resource with the Globals of its type merged into its Properties."""
    ignored = body.get("IgnoreGlobals")
    if ignored == "*":
        return body
    if isinstance(ignored, list):
        names = frozenset(name for name in ignored if isinstance(name, str))
        global_properties = _without(global_properties, names)
    local = body.get("Properties")
    if local is None:
        # No Properties of its own: it takes the Globals as they are, marks and all.
        local = MapNode(global_properties.mark)
    merged = _merge(global_properties, local)
    if merged is local and "Properties" in body:
        return body  # Properties given by a function (a primitive to SAM): they stand
    result = MapNode(body.mark)
    for key, value in body.items():
        _put(result, key, merged if key == "Properties" else value, body)
    if "Properties" not in body:
        result["Properties"] = merged
        result.key_marks["Properties"] = globals_section.key_marks.get(section_name, body.mark)
        result.value_marks["Properties"] = global_properties.mark
    return result


def _without(properties: MapNode, names: frozenset[str]) -> MapNode:
    """Global properties without some of them (unchanged when none is there)."""
    if names.isdisjoint(properties):
        return properties
    kept = MapNode(properties.mark)
    for key, value in properties.items():
        if key not in names:
            _put(kept, key, value, properties)
    return kept


def _merge(global_value: Any, local_value: Any) -> Any:
    """SAM's merge of one global value with the resource's own: see the module docstring."""
    kind = _kind(global_value)
    if kind != _kind(local_value) or kind == "primitive":
        return local_value
    if kind == "list":
        merged_list = SeqNode(local_value.mark)
        merged_list.extend(_copy(item) for item in global_value)
        merged_list.item_marks.extend(_item_marks(global_value))
        merged_list.extend(local_value)
        merged_list.item_marks.extend(_item_marks(local_value))
        return merged_list
    merged = MapNode(local_value.mark)
    for key, value in global_value.items():
        if key in local_value:
            merged[key] = _merge(value, local_value[key])
            merged.key_marks[key] = local_value.key_marks.get(key, local_value.mark)
            merged.value_marks[key] = local_value.value_marks.get(key, local_value.mark)
        else:
            _put(merged, key, _copy(value), global_value)
    for key, value in local_value.items():
        if key not in merged:
            _put(merged, key, value, local_value)
    return merged


def _kind(value: Any) -> str:
    """What SAM merges by: a map, a list, or a primitive (an intrinsic function resolves to one
    value when the stack deploys, so it is a primitive too)."""
    if isinstance(value, MapNode):
        if len(value) == 1:
            (key,) = value
            if key in ("Ref", "Condition") or key.startswith("Fn::"):
                return "primitive"
        return "map"
    return "list" if isinstance(value, SeqNode) else "primitive"


def _copy(value: Any) -> Any:
    """A global value copied for one resource, every part keeping its mark (strings, immutable,
    are shared)."""
    if isinstance(value, MapNode):
        copy = MapNode(value.mark)
        for key, item in value.items():
            _put(copy, key, _copy(item), value)
        return copy
    if isinstance(value, SeqNode):
        sequence = SeqNode(value.mark)
        sequence.extend(_copy(item) for item in value)
        sequence.item_marks.extend(_item_marks(value))
        return sequence
    return value


def _put(target: MapNode, key: str, value: Any, source: MapNode) -> None:
    """Sets `target[key]` with the key and value marks the entry has in `source`."""
    target[key] = value
    target.key_marks[key] = source.key_marks.get(key, source.mark)
    target.value_marks[key] = source.value_marks.get(key, mark_of(value, source.mark))


def _item_marks(sequence: SeqNode) -> list[Any]:
    marks = list(sequence.item_marks[: len(sequence)])
    marks.extend(mark_of(item, sequence.mark) for item in sequence[len(marks) :])
    return marks
