"""Which templates belong together: the units vpclint builds one network from.

A template that neither imports nor exports values, nor nests another, is a unit of its own
(most files), known without parsing it. The others are read, their exports and imports resolved
(stack name: the file's stem unless configured), and joined when one imports what another
exports or nests it; a template nested by another of the set is linted through its parent. A
CDK app is one unit: the stacks its cloud assembly lists. With `--jobs`, the reading happens in
the worker processes too.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from vpclint.expand.stacks import Root, StackSet, exports_of
from vpclint.loader import LoadError, Template, load, read_bounded
from vpclint.records import field, record

# Text without which a file can neither share values with another nor nest one.
_LINK_MARKERS = (
    b"ImportValue",
    b"Export",
    b"AWS::CloudFormation::Stack",
    b"Serverless::Application",
)


@record(frozen=True)
class Unit:
    """Templates built into one network: their roots, or a CDK cloud assembly."""

    roots: tuple[Root, ...] = ()
    assembly: str | None = None

    @property
    def paths(self) -> list[str]:
        return [root.path for root in self.roots] if self.assembly is None else [self.assembly]


@record(frozen=True)
class Shared:
    """What a template shares with others: the exports it and its nested stacks make, the
    export names they import, and the files it nests (absolute paths)."""

    exports: frozenset[str] = frozenset()
    imports: frozenset[str] = frozenset()
    nested: frozenset[str] = frozenset()


# Reads the files that may link, in order: each file's template (or why it cannot be read)
# and what it shares (None: not a template, or not readable). See `read_shared`.
Reader = Callable[[list[str]], Iterable[tuple[Template | LoadError | None, Shared | None]]]


@record
class Plan:
    units: list[Unit] = field(default_factory=list)
    loaded: dict[str, Template] = field(default_factory=dict)  # read while planning
    failed: dict[str, LoadError] = field(default_factory=dict)


def plan(
    paths: Iterable[str],
    names: Mapping[str, str],
    link: bool,
    read: Reader,
) -> Plan:
    """The units of `paths` (files, or CDK assembly folders). `names` gives stack names by
    path; the others take their file's stem. The files that may link are read by `read`
    (read_shared, here or in worker processes), and kept for linting."""
    result = Plan()
    candidates: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            result.units.append(Unit(assembly=path))
        elif link and _may_link(path):
            candidates.append(path)
        else:
            result.units.append(Unit((Root(path, configured_name(names, path)),)))
    if candidates:
        result.units.extend(_linked(candidates, names, read(candidates), result))
    return result


def _may_link(path: str) -> bool:
    try:
        text = read_bounded(path)
    except LoadError:
        return False  # loading it reports why
    return any(marker in text for marker in _LINK_MARKERS)


def configured_name(names: Mapping[str, str], path: str) -> str | None:
    """The stack name configured for a file, if any."""
    return names.get(os.path.normpath(os.path.abspath(path)))


def stack_name(names: Mapping[str, str], path: str) -> str:
    """A root's stack name: configured, or its file's stem (network.yaml is "network")."""
    configured = configured_name(names, path)
    if configured:
        return configured
    stem = os.path.basename(path)
    for suffix in (".template.json", ".template.yaml", ".template.yml"):
        if stem.endswith(suffix):
            return stem[: -len(suffix)]
    return os.path.splitext(stem)[0]


def _linked(
    candidates: list[str],
    names: Mapping[str, str],
    read: Iterable[tuple[Template | LoadError | None, Shared | None]],
    result: Plan,
) -> list[Unit]:
    """Group the files that may link into units, from what each shares."""
    shared: dict[str, Shared] = {}
    for path, (outcome, found) in zip(candidates, read, strict=True):
        if isinstance(outcome, LoadError):
            result.failed[path] = outcome
        elif outcome is not None:
            result.loaded[path] = outcome
        if found is None:
            result.units.append(Unit((Root(path),)))
        else:
            shared[path] = found
    roots = list(shared)
    exporters: dict[str, set[str]] = {}  # export name → the root paths that export it
    for path in roots:
        for name in shared[path].exports:
            exporters.setdefault(name, set()).add(path)
    by_file = {os.path.abspath(path): path for path in roots}
    children = {by_file[f] for path in roots for f in shared[path].nested if f in by_file}
    groups = _Groups(roots)
    for path in roots:
        for name in shared[path].imports:
            for exporter in exporters.get(name, ()):
                groups.join(path, exporter)
        for child in shared[path].nested:
            if child in by_file:
                groups.join(path, by_file[child])
    units = []
    for members in groups.sets():
        own = [p for p in members if p not in children] or members[:1]
        single = len(own) == 1
        units.append(
            Unit(
                tuple(
                    Root(p, configured_name(names, p) if single else stack_name(names, p))
                    for p in own
                )
            )
        )
    return units


def read_shared(
    path: str, names: Mapping[str, str], parameters: Mapping[str, Any], region: str
) -> tuple[Template | LoadError | None, Shared | None]:
    """A file read for planning: its template or why it cannot be read, and what
    it shares (None: not a template, or not readable). Each file in a stack set of its own, so
    that files can be read in any order, or in parallel."""
    try:
        template = load(path)
    except LoadError as error:
        return error, None
    if template is None:
        return None, None
    root = Root(path, stack_name(names, path), parameters)
    stack = StackSet(region).add_root(template, root, root.name or path)
    family = [stack, *_descendants(stack)]
    # Plain strings: marked ones (StrNode) do not cross to another process.
    found = Shared(
        exports=frozenset(str(name) for member in family for name, _ in exports_of(member)),
        imports=frozenset(str(name) for member in family for name in _import_names(member)),
        nested=frozenset(os.path.abspath(member.path) for member in family[1:]),
    )
    return template, found


def _descendants(stack: Any) -> list[Any]:
    found = []
    for child in stack.children.values():
        found.append(child)
        found.extend(_descendants(child))
    return found


def _import_names(stack: Any) -> set[str]:
    """The names a stack's `Fn::ImportValue`s ask for, where they are known."""
    names: set[str] = set()
    pending = [stack.template.data.get("Resources"), stack.template.data.get("Outputs")]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            if len(node) == 1 and "Fn::ImportValue" in node:
                value = stack.resolver.resolve(node["Fn::ImportValue"])
                if isinstance(value, str):
                    names.add(value)
                continue
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return names


class _Groups:
    """Union-find over paths, keeping the order they were given in."""

    def __init__(self, items: list[str]) -> None:
        self.order = {item: index for index, item in enumerate(items)}
        self.parent = {item: item for item in items}

    def find(self, item: str) -> str:
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def join(self, one: str, other: str) -> None:
        a, b = self.find(one), self.find(other)
        if a != b:
            first, second = sorted((a, b), key=self.order.__getitem__)
            self.parent[second] = first

    def sets(self) -> list[list[str]]:
        found: dict[str, list[str]] = {}
        for item in self.order:
            found.setdefault(self.find(item), []).append(item)
        return list(found.values())


def cdk_roots(assembly: str) -> list[Root]:
    """The stacks of a cloud assembly, each with its CloudFormation stack name."""
    from vpclint.expand.cdk import read_assembly

    return [Root(stack.template, stack.stack_name) for stack in read_assembly(assembly)]
