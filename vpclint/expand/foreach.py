"""`Fn::ForEach` loops (`Transform: AWS::LanguageExtensions`), expanded as CloudFormation does.

What CloudFormation does, and where it says so:

- A loop is a key `Fn::ForEach::<LoopName>` whose value is `[Identifier, Collection,
  {OutputKey: OutputValue}]`; it may sit in `Conditions`, `Outputs` and `Resources`, resource
  properties included, and may contain other loops; its output replaces it in the mapping that
  holds it. `Fn::ForEach` reference and examples:
  https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-foreach.html
  https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-foreach-example-resource.html
- The collection is a list of strings, or a `Ref` to a `CommaDelimitedList`; it must be known
  before deployment (RFC 0009, constraints 6 and 7:
  https://github.com/aws-cloudformation/cfn-language-discussion/blob/main/RFCs/0009-Fn%3A%3AForEach.md).
- In an output key, `${Identifier}` is the item and `&{Identifier}` the item with every
  non-alphanumeric character dropped (`Subnet&{CIDR}` with `10.0.2.0/24` is `Subnet1002024`, the
  reference's "Passing non-alphanumeric characters" example). Only output keys are an implicit
  `Fn::Sub` (RFC 0009, FAQ): in output values the identifier is a value for `Ref` and for
  `${Identifier}` inside `Fn::Sub`, never for plain strings, and `&{}` is not replaced at all
  (https://github.com/aws-cloudformation/cloudformation-coverage-roadmap/issues/2150). A
  `Fn::Sub` left without variables is its text, so `!GetAtt [!Sub 'Nat${Id}', AllocationId]` and
  `!Ref {Fn::Sub: 'PublicSubnet${Id}'}` name `NatA` and `PublicSubnetA`, as in the reference's
  transformed templates.
- A generated key must not exist already in the mapping it joins; neither an identifier nor a
  loop name may be the name of a parameter or a resource, and an identifier may not repeat an
  enclosing loop's (RFC 0009, constraints 3 to 5); loops nest at most 5 deep (RFC 0009, FAQ).
  CloudFormation rejects such a template; here the loop is left out and recorded, and so is a
  loop whose collection cannot be known, or that would generate more than vpclint expands.
- An identifier list, `[[Key, Cidr], [[a, 10.0.1.0/24], [b, 10.0.2.0/24]]]`, binds one identifier
  to each item of each inner list. The CloudFormation guide does not describe it; the AWS SAM CLI's
  own LanguageExtensions implementation (samcli/lib/cfn_language_extensions) accepts it.

Other functions of the transform (`Fn::FindInMap` with `DefaultValue`, `Fn::Length`,
`Fn::ToJsonString`, a resource `Condition` given by a function) are left for the resolver.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from vpclint.expand import LOOP_PREFIX, SECTIONS, has_loops
from vpclint.nodes import MapNode, Mark, SeqNode, StrNode, mark_of
from vpclint.records import record
from vpclint.values import Unknown

# CloudFormation nests loops at most 5 deep (RFC 0009, FAQ).
MAX_LOOP_DEPTH = 5
# A stack holds at most 500 resources; past these a template is a loop bomb, not a network.
MAX_GENERATED_KEYS = 10_000
MAX_COPIED_NODES = 1_000_000

# Patterns are compiled when first used (re caches them): most templates have no loop.
_KEY_PLACEHOLDER = r"([$&])\{([^{}]*)\}"
_SUB_VARIABLE = r"\$\{([^{}]*)\}"
_NOT_ALPHANUMERIC = r"[^0-9A-Za-z]"

# The caller's evaluation of a collection: its node and mark in, a list or Unknown out.
CollectionOf = Callable[[Any, Mark], list[Any] | Unknown]


@record(frozen=True)
class Unexpanded:
    """A loop left out of the expanded template, and why.

    `mark` is the loop's key; `loop` its name (after `Fn::ForEach::`); `section` the mapping that
    holds it ("Resources", "Outputs", "Conditions", or a path such as
    "Resources.Web.Properties"); `resource_types` the literal `Type` of each resource it would
    have made, when it makes resources.
    """

    mark: Mark
    loop: str
    reason: str
    section: str
    resource_types: tuple[str, ...] = ()


class _Abandon(Exception):
    """Stops a whole outermost loop: too deep, too big. Never leaves this module."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def expand_foreach(
    template: MapNode, collection_of: CollectionOf
) -> tuple[MapNode, list[Unexpanded]]:
    """The template with every loop replaced by what it generates, and the loops left out.

    `collection_of(node, mark)` evaluates a loop's collection (after the identifiers of enclosing
    loops are substituted in it) to a list, or Unknown. The input is not changed; a template
    without loops comes back as the same object.
    """
    if not isinstance(template, MapNode) or not has_loops(template):
        return template, []
    expansion = _Expansion(template, collection_of)
    result = MapNode(template.mark)
    for key, value in template.items():
        if key in SECTIONS and isinstance(value, MapNode):
            try:
                value = expansion.mapping(value, {}, key, 0)
            except RecursionError:
                expansion.record(value.mark, "", "the section is nested too deeply to expand", key)
        result[key] = value
        result.key_marks[key] = template.key_marks.get(key, template.mark)
        result.value_marks[key] = template.value_marks.get(key, mark_of(value, template.mark))
    return result, list(expansion.unexpanded)


def _is_loop(key: str) -> bool:
    return key.startswith(LOOP_PREFIX)


class _Expansion:
    """One template's expansion: the loops left out, and the work done so far (bounded)."""

    def __init__(self, template: MapNode, collection_of: CollectionOf) -> None:
        self.collection_of = collection_of
        self.unexpanded: dict[Unexpanded, None] = {}  # ordered, and one entry per loop and cause
        self.generated_keys = 0
        self.copied_nodes = 0
        parameters = template.get("Parameters")
        self.parameters = set(parameters) if isinstance(parameters, dict) else set()
        resources = template.get("Resources")
        resources = resources if isinstance(resources, dict) else {}
        self.resources = {key for key in resources if not _is_loop(key)}

    def record(
        self, mark: Mark, loop: str, reason: str, section: str, types: tuple[str, ...] = ()
    ) -> None:
        self.unexpanded[Unexpanded(mark, loop, reason, section, types)] = None

    # -- mappings and values ------------------------------------------------------------------

    def mapping(self, node: MapNode, bindings: dict[str, str], path: str, depth: int) -> MapNode:
        """A mapping with its loops expanded and its values copied under `bindings`.

        Outside every loop (no bindings) a mapping without loops comes back as itself.
        """
        taken = {key for key in node if not _is_loop(key)}
        result = MapNode(node.mark)
        unchanged = not bindings
        for key, value in node.items():
            key_mark = node.key_marks.get(key, node.mark)
            if _is_loop(key):
                unchanged = False
                entries = self.loop(key, value, key_mark, bindings, path, depth + 1, taken)
                for new_key, new_key_mark, new_value, value_mark in entries:
                    result[new_key] = new_value
                    result.key_marks[new_key] = new_key_mark
                    result.value_marks[new_key] = value_mark
                continue
            new_value = self.value(value, bindings, f"{path}.{key}", depth)
            unchanged = unchanged and new_value is value
            result[key] = new_value
            result.key_marks[key] = key_mark
            result.value_marks[key] = node.value_marks.get(key, mark_of(value, node.mark))
        return node if unchanged else result

    def value(self, node: Any, bindings: dict[str, str], path: str, depth: int) -> Any:
        """A value with its loops expanded and, under `bindings`, copied with identifiers
        substituted where CloudFormation substitutes them: `Ref` and `Fn::Sub`."""
        if bindings:
            self._count_copy()
        if isinstance(node, MapNode):
            if bindings and len(node) == 1:
                if "Ref" in node:
                    return self._ref(node, bindings, path, depth)
                if "Fn::Sub" in node:
                    return self._sub(node, bindings, path, depth)
            return self.mapping(node, bindings, path, depth)
        if isinstance(node, SeqNode):
            items = [self.value(item, bindings, path, depth) for item in node]
            if not bindings and all(new is old for new, old in zip(items, node, strict=True)):
                return node
            copy = SeqNode(node.mark)
            copy.extend(items)
            copy.item_marks.extend(node.item_marks)
            return copy
        return node  # strings and other scalars never change: shared, marks and all

    def _ref(self, node: MapNode, bindings: dict[str, str], path: str, depth: int) -> Any:
        target = node["Ref"]
        if not isinstance(target, str):
            target = self.value(target, bindings, path, depth)
        if isinstance(target, str) and target in bindings:
            return StrNode(bindings[target], node.mark)
        return _single(node, "Ref", target)

    def _sub(self, node: MapNode, bindings: dict[str, str], path: str, depth: int) -> Any:
        argument = node["Fn::Sub"]
        if isinstance(argument, str):
            text, changed = _substitute_sub(argument, bindings, frozenset())
            if not changed:
                return _single(node, "Fn::Sub", argument)
            if not _has_sub_variables(text):
                return StrNode(_unescape(text), mark_of(argument, node.mark))
            return _single(node, "Fn::Sub", StrNode(text, mark_of(argument, node.mark)))
        if (
            isinstance(argument, SeqNode)
            and len(argument) == 2
            and isinstance(argument[0], str)
            and isinstance(argument[1], MapNode)
        ):
            # The Sub's own variables come first, as they do over parameters of the same name.
            text, changed = _substitute_sub(argument[0], bindings, frozenset(argument[1]))
            text_mark = mark_of(argument[0], argument.mark)
            if changed and not _has_sub_variables(text):
                return StrNode(_unescape(text), text_mark)
            copy = SeqNode(argument.mark)
            copy.append(StrNode(text, text_mark) if changed else argument[0])
            copy.append(self.value(argument[1], bindings, path, depth))
            copy.item_marks.extend(argument.item_marks)
            return _single(node, "Fn::Sub", copy)
        return self.mapping(node, bindings, path, depth)

    def _count_copy(self) -> None:
        self.copied_nodes += 1
        if self.copied_nodes > MAX_COPIED_NODES:
            raise _Abandon(f"it expands to more than {MAX_COPIED_NODES:,} nodes")

    # -- loops --------------------------------------------------------------------------------

    def loop(
        self,
        key: str,
        value: Any,
        key_mark: Mark,
        bindings: dict[str, str],
        path: str,
        depth: int,
        taken: set[str],
    ) -> list[tuple[str, Mark, Any, Mark]]:
        """The entries a loop generates (added to `taken`), or [] with the loop recorded."""
        name = key[len(LOOP_PREFIX) :]
        if depth > 1:
            return self._loop(name, value, key_mark, bindings, path, depth, taken)
        # The outermost loop answers for everything inside it: work past the bounds, or
        # nesting deeper than CloudFormation allows, drops it whole, and only it is recorded.
        generated_keys, copied_nodes = self.generated_keys, self.copied_nodes
        recorded = list(self.unexpanded)
        try:
            return self._loop(name, value, key_mark, bindings, path, depth, taken)
        except _Abandon as abandon:
            reason = abandon.reason
        except RecursionError:
            reason = "it is nested too deeply to expand"
        self.generated_keys, self.copied_nodes = generated_keys, copied_nodes
        self.unexpanded = dict.fromkeys(recorded)
        self.record(key_mark, name, reason, path, _resource_types(value, path))
        return []

    def _loop(
        self,
        name: str,
        value: Any,
        key_mark: Mark,
        bindings: dict[str, str],
        path: str,
        depth: int,
        taken: set[str],
    ) -> list[tuple[str, Mark, Any, Mark]]:
        def left_out(reason: str) -> list[tuple[str, Mark, Any, Mark]]:
            self.record(key_mark, name, reason, path, _resource_types(value, path))
            return []

        if depth > MAX_LOOP_DEPTH:
            raise _Abandon(
                f"it nests loops more than {MAX_LOOP_DEPTH} deep, more than CloudFormation allows"
            )
        if not name:
            return left_out("the loop has no name after Fn::ForEach::")
        if not isinstance(value, list) or len(value) != 3:
            return left_out("Fn::ForEach takes [identifier, collection, {key: value}]")
        identifier, collection, body = value
        identifiers = _identifiers(identifier)
        if identifiers is None:
            return left_out("the loop's identifier is not a name, nor a list of names")
        if not isinstance(body, MapNode):
            return left_out("the loop's output (its third item) is not a mapping")
        problem = self._conflict(name, identifiers, bindings)
        if problem:
            return left_out(problem)
        raw_items = self.collection_of(
            self.value(collection, bindings, path, depth) if bindings else collection,
            mark_of(collection, mark_of(value, key_mark)),
        )
        items = _items(raw_items, len(identifiers))
        if isinstance(items, str):
            return left_out(items)
        # Known before copying anything (nested loops only add to these): a loop bomb stops here.
        if self.generated_keys + len(items) * len(body) > MAX_GENERATED_KEYS:
            raise _Abandon(f"it generates more than {MAX_GENERATED_KEYS:,} keys")
        if items and self.copied_nodes + len(items) * _size(body) > MAX_COPIED_NODES:
            raise _Abandon(f"it expands to more than {MAX_COPIED_NODES:,} nodes")
        entries: list[tuple[str, Mark, Any, Mark]] = []
        generated: set[str] = set()
        for item in items:
            scope = {**bindings, **dict(zip(identifiers, item, strict=True))}
            iteration = self._iteration(body, scope, path, depth)
            for entry in iteration:
                if entry[0] in generated or entry[0] in taken:
                    return left_out(f"it generates the key {entry[0]}, which is already there")
                generated.add(entry[0])
            entries.extend(iteration)
        taken.update(generated)
        return entries

    def _iteration(
        self, body: MapNode, scope: dict[str, str], path: str, depth: int
    ) -> list[tuple[str, Mark, Any, Mark]]:
        """One pass of a loop's output: its keys (implicit Fn::Sub of the identifiers) and
        values under `scope`, and the loops inside it, which add to the same mapping."""
        keys = {key: _substitute_key(key, scope) for key in body if not _is_loop(key)}
        self.generated_keys += len(keys)  # a nested loop counts its own
        if self.generated_keys > MAX_GENERATED_KEYS:
            raise _Abandon(f"it generates more than {MAX_GENERATED_KEYS:,} keys")
        taken = set(keys.values())
        entries: list[tuple[str, Mark, Any, Mark]] = []
        for key, value in body.items():
            key_mark = body.key_marks.get(key, body.mark)
            if _is_loop(key):
                entries.extend(self.loop(key, value, key_mark, scope, path, depth + 1, taken))
                continue
            new_value = self.value(value, scope, f"{path}.{keys[key]}", depth)
            value_mark = body.value_marks.get(key, mark_of(value, body.mark))
            entries.append((keys[key], key_mark, new_value, value_mark))
        return entries

    def _conflict(self, name: str, identifiers: list[str], bindings: dict[str, str]) -> str | None:
        """What makes CloudFormation refuse the loop's names (RFC 0009, constraints 3 and 5)."""
        for identifier in identifiers:
            if identifier in bindings:
                return f"its identifier {identifier} is already an enclosing loop's identifier"
            clash = self._defined(identifier)
            if clash:
                return f"its identifier {identifier} is also the name of a {clash}"
        if len(set(identifiers)) != len(identifiers):
            return "its identifier list names the same identifier twice"
        clash = self._defined(name)
        return f"its name {name} is also the name of a {clash}" if clash else None

    def _defined(self, name: str) -> str | None:
        if name in self.parameters:
            return "parameter"
        return "resource" if name in self.resources else None


# -- helpers ------------------------------------------------------------------------------------


def _single(node: MapNode, key: str, value: Any) -> MapNode:
    """A copy of a one-key mapping (an intrinsic function) with a new argument."""
    copy = MapNode(node.mark)
    copy[key] = value
    copy.key_marks[key] = node.key_marks.get(key, node.mark)
    copy.value_marks[key] = node.value_marks.get(key, node.mark)
    return copy


def _identifiers(identifier: Any) -> list[str] | None:
    """The names a loop binds: one, or an identifier list; None when malformed."""
    names = identifier if isinstance(identifier, list) else [identifier]
    if not names or not all(isinstance(name, str) and name for name in names):
        return None
    return [str(name) for name in names]


def _items(collection: Any, width: int) -> list[tuple[str, ...]] | str:
    """The loop's items as strings, one per identifier; or why there are none to take."""
    if isinstance(collection, Unknown):
        return f"its collection cannot be known: {collection.reason}"
    if not isinstance(collection, list):
        return "its collection is not a list"
    items: list[tuple[str, ...]] = []
    for number, item in enumerate(collection, start=1):
        parts = item if width > 1 and isinstance(item, list) else [item]
        if len(parts) != width:
            return f"item {number} of its collection is not a list of {width} values"
        texts: list[str] = []
        for part in parts:
            if isinstance(part, Unknown):
                return f"item {number} of its collection cannot be known: {part.reason}"
            text = _text(part)
            if text is None:
                return f"item {number} of its collection is not a string"
            texts.append(text)
        items.append(tuple(texts))
    return items


def _text(value: Any) -> str | None:
    """A collection item as the text CloudFormation substitutes (JSON spelling for booleans)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    return None


def _substitute_key(key: str, scope: dict[str, str]) -> str:
    """An output key with `${Identifier}` and `&{Identifier}` replaced (`&` keeps only
    letters and digits); other placeholders are left as written."""

    def replacement(match: re.Match[str]) -> str:
        sign, name = match.groups()
        if name not in scope:
            return match.group(0)
        return scope[name] if sign == "$" else re.sub(_NOT_ALPHANUMERIC, "", scope[name])

    return re.sub(_KEY_PLACEHOLDER, replacement, key) if "{" in key else key


def _substitute_sub(text: str, scope: dict[str, str], shadowed: frozenset[str]) -> tuple[str, bool]:
    """Fn::Sub text with the loop identifiers replaced, and whether any was.

    A value is written as a literal (`${` as `${!`), so Fn::Sub never reads it as a variable.
    """
    changed = False

    def replacement(match: re.Match[str]) -> str:
        nonlocal changed
        name = match.group(1)
        if name in shadowed or name not in scope:
            return match.group(0)
        changed = True
        return scope[name].replace("${", "${!")

    result = re.sub(_SUB_VARIABLE, replacement, text) if "${" in text else text
    return result, changed


def _has_sub_variables(text: str) -> bool:
    return any(not name.startswith("!") for name in re.findall(_SUB_VARIABLE, text))


def _unescape(text: str) -> str:
    """What Fn::Sub makes of text without variables: `${!Literal}` is `${Literal}`."""
    return text.replace("${!", "${")


def _size(node: Any) -> int:
    """How many nodes a value holds, counted up to just past MAX_COPIED_NODES."""
    count = 0
    pending = [node]
    while pending and count <= MAX_COPIED_NODES:
        value = pending.pop()
        count += 1
        if isinstance(value, dict):
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return count


def _resource_types(loop_value: Any, section: str) -> tuple[str, ...]:
    """The literal `Type` of each resource a loop in Resources would make, nested loops too."""
    if section != "Resources":
        return ()
    found: dict[str, None] = {}
    pending: list[Any] = [loop_value]
    while pending:
        value = pending.pop(0)
        if not (isinstance(value, list) and len(value) == 3 and isinstance(value[2], dict)):
            continue
        for key, body in value[2].items():
            if _is_loop(key):
                pending.append(body)
            elif isinstance(body, dict) and isinstance(body.get("Type"), str):
                found[str(body["Type"])] = None
    return tuple(found)
