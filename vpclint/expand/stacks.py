"""Stacks: templates made ready to resolve, with their nested stacks and the exports they share.

One or more root templates (files given together, or a CDK app's stacks) become a set of
stacks: each template's transforms applied (`Fn::ForEach`, SAM `Globals`), each nested stack
whose template is a local file loaded with the parameters its parent passes, and every export
of every stack offered to the `Fn::ImportValue`s of the others. Each stack gets its own
resolver; a nested stack's outputs and an imported value resolve through the stack that
declares them, to the resources themselves, so that the set builds into one network.

What cannot be seen is recorded for the rules that say so (vpclint's VPC001-VPC005): a
transform vpclint does not expand, a nested stack it cannot load, a loop over a collection it
cannot know. Sources: AWS CloudFormation User Guide, "Nested stacks", "Exporting stack output
values" and "Fn::ImportValue"; the "AWS::LanguageExtensions" and "AWS::Serverless" transforms.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from vpclint.expand import LOOP_PREFIX, SAM_TRANSFORM, has_loops
from vpclint.loader import LoadError, Template, load
from vpclint.nodes import NOWHERE, MapNode, Mark, mark_of
from vpclint.records import field, record
from vpclint.resolver import Resolver
from vpclint.values import Unknown

LANGUAGE_EXTENSIONS = "AWS::LanguageExtensions"
EXPANDED_TRANSFORMS = {LANGUAGE_EXTENSIONS, SAM_TRANSFORM}
NESTED_STACK_TYPES = ("AWS::CloudFormation::Stack", "AWS::Serverless::Application")
MAX_NESTING = 10  # CloudFormation has no fixed limit; deeper than this is a loop or a mistake


@record(frozen=True)
class Gap:
    """Something in a stack that hides part of the network: `kind` is "transform",
    "nested-stack" or "foreach"; `logical_id` the resource it concerns (None: the template)."""

    kind: str
    reason: str
    mark: Mark
    logical_id: str | None = None
    resource_types: tuple[str, ...] = ()


@record(eq=False)
class Stack:
    """One template as CloudFormation would deploy it."""

    key: str  # "" alone; "network" among several; "main/Network" for a nested stack
    template: Template
    name: str | None = None  # the stack name, for AWS::StackName; None when not known
    parameters: Mapping[str, Any] = field(default_factory=dict)
    parent: Stack | None = None
    via: str = ""  # how a nested stack was reached: "main.yaml: Network"
    children: dict[str, Stack] = field(default_factory=dict)  # by the parent's logical ID
    gaps: list[Gap] = field(default_factory=list)
    resolver: Resolver | None = None

    @property
    def path(self) -> str:
        return self.template.path

    @property
    def depth(self) -> int:
        return 0 if self.parent is None else self.parent.depth + 1

    def ancestors(self) -> list[Stack]:
        return [] if self.parent is None else [self.parent, *self.parent.ancestors()]


@record(frozen=True)
class Root:
    """A template given by the user: its file, and its stack name when one is known."""

    path: str
    name: str | None = None
    parameters: Mapping[str, Any] = field(default_factory=dict)


class StackSet:
    """The stacks of templates checked together, and the exports they offer each other."""

    def __init__(self, region: str = "us-east-1") -> None:
        self.region = region
        self.stacks: list[Stack] = []
        self.errors: dict[str, LoadError] = {}  # nested templates that could not be read
        self._exports: dict[str, list[tuple[Stack, str]]] | None = None
        self._resolving: set[tuple[str, str]] = set()

    # -- building the set ---------------------------------------------------------------------

    def add_root(self, template: Template, root: Root, key: str) -> Stack:
        stack = Stack(key, template, root.name, dict(root.parameters))
        self._prepare(stack)
        self._exports = None  # the new stack's exports join the others
        return stack

    def _prepare(self, stack: Stack) -> None:
        """Apply the transforms, give the stack its resolver, and load its nested stacks."""
        stack.template = self._transformed(stack)
        stack.resolver = Resolver(
            stack.template.data,
            region=self.region,
            parameters=stack.parameters,
            stack=stack.key,
            stack_name=stack.name,
            imports=self._import,
            outputs=lambda logical_id, name, mark, stack=stack: self._nested_output(
                stack, logical_id, name, mark
            ),
        )
        self.stacks.append(stack)
        self._load_children(stack)

    def _transformed(self, stack: Stack) -> Template:
        data = stack.template.data
        for name, mark in _transforms(data):
            if name not in EXPANDED_TRANSFORMS:
                stack.gaps.append(
                    Gap(
                        "transform",
                        f"the {name} transform is not expanded by vpclint, so what it "
                        "generates is not analysed",
                        mark,
                    )
                )
        for mark, name, owner in _inline_transforms(data):
            stack.gaps.append(
                Gap(
                    "transform",
                    f"Fn::Transform ({name}) is not expanded by vpclint, so what it generates "
                    "is not analysed",
                    mark,
                    owner,
                )
            )
        # The expanders are imported by the templates that need them.
        if SAM_TRANSFORM in (name for name, _ in _transforms(data)):
            from vpclint.expand.sam import apply_globals

            data = apply_globals(data)
        if has_loops(data):
            from vpclint.expand.foreach import expand_foreach

            collections = Resolver(data, region=self.region, parameters=stack.parameters)
            data, unexpanded = expand_foreach(
                data, lambda node, _mark: _collection(collections, node)
            )
            for loop in unexpanded:
                stack.gaps.append(
                    Gap("foreach", loop.reason, loop.mark, _loop_owner(loop), loop.resource_types)
                )
        if data is stack.template.data:
            return stack.template
        return Template(stack.template.path, data, stack.template.lines)

    def _load_children(self, stack: Stack) -> None:
        assert stack.resolver is not None
        resources = stack.template.data.get("Resources")
        if not isinstance(resources, dict):
            return
        for logical_id, body in resources.items():
            if not isinstance(body, dict) or body.get("Type") not in NESTED_STACK_TYPES:
                continue
            if stack.resolver.resource_condition(logical_id) is False:
                continue
            mark = (
                resources.key_marks.get(logical_id, mark_of(body))
                if isinstance(resources, MapNode)
                else mark_of(body)
            )
            where = self._child_path(stack, logical_id, body)
            if isinstance(where, Unknown):
                stack.gaps.append(Gap("nested-stack", where.reason, mark, logical_id))
                continue
            if any(
                os.path.abspath(s.path) == os.path.abspath(where)
                for s in [stack, *stack.ancestors()]
            ):
                reason = f"its template {where} nests itself"
                stack.gaps.append(Gap("nested-stack", reason, mark, logical_id))
                continue
            if stack.depth + 1 > MAX_NESTING:
                reason = f"it is nested more than {MAX_NESTING} deep"
                stack.gaps.append(Gap("nested-stack", reason, mark, logical_id))
                continue
            if not os.path.isfile(where):
                reason = f"its template {where} does not exist"
                stack.gaps.append(Gap("nested-stack", reason, mark, logical_id))
                continue
            try:
                template = load(where)
            except LoadError as error:
                self.errors[where] = error
                reason = f"its template {where} cannot be read ({error.message})"
                stack.gaps.append(Gap("nested-stack", reason, mark, logical_id))
                continue
            if template is None:
                reason = f"{where} is not a CloudFormation template"
                stack.gaps.append(Gap("nested-stack", reason, mark, logical_id))
                continue
            key = f"{stack.key}/{logical_id}" if stack.key else logical_id
            shown = os.path.basename(stack.path)
            via = f"{stack.via} → {logical_id}" if stack.via else f"{shown}: {logical_id}"
            parameters = stack.resolver.properties(logical_id).get("Parameters")
            child = Stack(
                key,
                template,
                None,
                dict(parameters) if isinstance(parameters, dict) else {},
                parent=stack,
                via=via,
            )
            stack.children[logical_id] = child
            self._prepare(child)

    def _child_path(self, stack: Stack, logical_id: str, body: dict) -> str | Unknown:
        """The local file of a nested stack's template, or why there is none."""
        assert stack.resolver is not None
        props = stack.resolver.properties(logical_id)
        location = props.get("TemplateURL", props.get("Location"))
        folder = os.path.dirname(stack.path)
        metadata = body.get("Metadata")
        asset = metadata.get("aws:asset:path") if isinstance(metadata, dict) else None
        if isinstance(asset, str):
            # A CDK nested stack: its template sits in the cloud assembly beside its parent's.
            return os.path.join(folder, asset)
        if isinstance(location, str) and location and ":" not in location.split("/")[0]:
            return os.path.normpath(os.path.join(folder, location))
        if isinstance(location, str):
            return Unknown(f"its template is at {location}, which vpclint does not fetch")
        if isinstance(location, dict) and "ApplicationId" in location:
            return Unknown("it is an application of the AWS Serverless Application Repository")
        if isinstance(location, Unknown):
            return Unknown(f"where its template is is not known ({location.reason})")
        return Unknown("it names no template")

    # -- values across stacks -----------------------------------------------------------------

    def output(self, stack: Stack, name: str, mark: Mark) -> Any:
        """The value of a stack's output, resolved in that stack."""
        outputs = stack.template.data.get("Outputs")
        output = outputs.get(name) if isinstance(outputs, dict) else None
        if not isinstance(output, dict) or "Value" not in output:
            return Unknown(f"stack {stack.key or stack.path} has no output {name}", mark)
        key = (stack.key, name)
        if key in self._resolving:
            return Unknown(f"output {name} of stack {stack.key} refers to itself", mark)
        self._resolving.add(key)
        try:
            assert stack.resolver is not None
            return stack.resolver.resolve(output["Value"])
        finally:
            self._resolving.discard(key)

    def _nested_output(self, stack: Stack, logical_id: str, name: str, mark: Mark) -> Any:
        child = stack.children.get(logical_id)
        if child is None:
            return Unknown(
                f"{logical_id}.Outputs.{name} comes from a nested stack vpclint did not load", mark
            )
        return self.output(child, name, mark)

    def _import(self, name: str, mark: Mark) -> tuple[bool, Any]:
        found = self.exports().get(name, [])
        if len(found) == 1:
            stack, output = found[0]
            return True, self.output(stack, output, mark)
        if found:
            return True, Unknown(f"{name} is exported by several of the checked stacks", mark)
        reason = f"imported from another stack ({name})"
        return False, Unknown(reason, mark)

    def exports(self) -> dict[str, list[tuple[Stack, str]]]:
        """Export name → the stacks and outputs that export it."""
        if self._exports is None:
            self._exports = {}
            for stack in self.stacks:
                for export, output in exports_of(stack):
                    self._exports.setdefault(export, []).append((stack, output))
        return self._exports


def exports_of(stack: Stack) -> list[tuple[str, str]]:
    """(export name, output name) for each output of the stack with a known export name."""
    outputs = stack.template.data.get("Outputs")
    found = []
    for output, body in outputs.items() if isinstance(outputs, dict) else []:
        export = body.get("Export") if isinstance(body, dict) else None
        if not isinstance(export, dict) or "Name" not in export or stack.resolver is None:
            continue
        name = stack.resolver.resolve(export["Name"])
        if isinstance(name, str):
            found.append((name, output))
    return found


def _loop_owner(loop: Any) -> str | None:
    """What a loop belongs to: itself among the resources, or the resource it is written in."""
    section = loop.section.split(".")
    if section == ["Resources"]:
        return f"{LOOP_PREFIX}{loop.loop}"
    if section[0] == "Resources" and len(section) > 1:
        return section[1]
    return None


def _collection(resolver: Resolver, node: Any) -> list[Any] | Unknown:
    value = resolver.resolve(node)
    if isinstance(value, Unknown):
        return value
    if isinstance(value, list):
        return value
    if isinstance(value, str):
        return [part.strip() for part in value.split(",")]
    return Unknown("the collection is not a list")


def _transforms(data: Any) -> list[tuple[str, Mark]]:
    """The names in the template's `Transform` section (a name, or a list of names)."""
    if not isinstance(data, MapNode) or "Transform" not in data:
        return []
    value = data["Transform"]
    mark = data.value_marks.get("Transform", NOWHERE)
    items = value if isinstance(value, list) else [value]
    found = []
    for item in items:
        if isinstance(item, str):
            found.append((item, mark))
        elif isinstance(item, dict):
            name = item.get("Name")
            found.append((name if isinstance(name, str) else "a macro", mark_of(item, mark)))
    return found


def _inline_transforms(data: Any) -> list[tuple[Mark, str, str | None]]:
    """`Fn::Transform` anywhere in the template: where, the macro's name, and the resource it
    is written in (its key under Resources, which may be `Fn::Transform` itself)."""
    found = []
    pending: list[tuple[Any, tuple[str, ...]]] = [(data, ())]
    while pending:
        node, path = pending.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "Fn::Transform":
                    name = value.get("Name") if isinstance(value, dict) else None
                    marks = node.key_marks if isinstance(node, MapNode) else {}
                    owner = path[1] if len(path) > 1 and path[0] == "Resources" else None
                    if path == ("Resources",):
                        owner = key
                    where = marks.get(key, mark_of(node))
                    found.append((where, name if isinstance(name, str) else "a macro", owner))
                else:
                    pending.append((value, (*path, key)))
        elif isinstance(node, list):
            pending.extend((item, path) for item in node)
    return sorted(found, key=lambda item: item[0])
