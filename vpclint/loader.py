"""Load a CloudFormation template (YAML or JSON) into marked plain data.

ruamel.yaml only composes the node graph here; the conversion to data is ours, so no tag can
construct an object, duplicate keys are caught with their line, and every CloudFormation short
form (`!Ref`, `!GetAtt`, `!Sub`, ...) becomes the long form (`{"Ref": ...}`, `{"Fn::GetAtt": ...}`)
that the resolver reads.
"""

from __future__ import annotations

import bisect
import importlib.util
import os
import re
from typing import Any

from vpclint.nodes import MapNode, Mark, SeqNode, StrNode
from vpclint.records import record

# Short-form tag → long-form key. `!Ref` and `!Condition` keep their names; the rest are Fn::.
_FUNCTION_TAGS = {
    "!Ref": "Ref",
    "!Condition": "Condition",
    **{
        f"!{name}": f"Fn::{name}"
        for name in (
            "And",
            "Base64",
            "Cidr",
            "Contains",
            "Equals",
            "EachMemberEquals",
            "EachMemberIn",
            "FindInMap",
            "ForEach",
            "GetAtt",
            "GetAZs",
            "If",
            "ImportValue",
            "Join",
            "Length",
            "Not",
            "Or",
            "RefAll",
            "Select",
            "Split",
            "Sub",
            "ToJsonString",
            "Transform",
            "ValueOf",
            "ValueOfAll",
        )
    },
}
_YAML = "tag:yaml.org,2002:"
# CloudFormation takes templates of at most 1 MB. vpclint reads five times that, the most that
# stays within 500 MiB of memory (a dense 4.9 MiB template: 17 s, 425 MiB); a bigger file is
# refused by its size alone, before it costs minutes and gigabytes to parse.
MAX_BYTES = 5 * 1024 * 1024
# How much of a file too big to read is searched for signs of a template.
_HEAD_BYTES = 64 * 1024
# The most nodes a document may have, counting each alias as the nodes it repeats. Memory grows
# with nodes, not bytes: a flow sequence of 449,990 short strings peaks at 484 MiB, 495,000 at
# 526 MiB; the dense 4.9 MiB template of tests/test_fuzz.py holds 440,000 nodes.
MAX_NODES = 450_000
# Aliases may repeat parts of a document (tags, a policy), but once they add more than
# ALIAS_FREE nodes they may add at most as many as the document holds itself (ALIAS_GROWTH
# times its size in all): past that, repeating a resource 40,000 times from a 0.5 MB file, it
# is an alias bomb.
ALIAS_GROWTH = 2
ALIAS_FREE = 50_000
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_IN_PROGRESS = -1
_HAS_LIBYAML = importlib.util.find_spec("_ruamel_yaml") is not None
# Text that marks a file as meant to be a template, even when it does not parse (compiled when
# first used, on a file that fails to load).
_TEMPLATE_HINT = r"AWSTemplateFormatVersion|[\"']?Type[\"']?\s*:\s*[\"']?AWS::"


class LoadError(Exception):
    """A file that cannot be read or parsed; `line`/`column` are 1-based when known."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message, line, column)  # all three, so it survives pickling
        self.message = message
        self.line = line
        self.column = column

    def __str__(self) -> str:
        return self.message


@record
class Template:
    """A parsed CloudFormation template and the text it came from."""

    path: str
    data: MapNode
    lines: list[str]


def _read_bytes(path: str, limit: int = -1) -> bytes:
    with open(path, "rb") as file:
        return file.read(limit)


def read_text(path: str) -> str:
    """The file's text; a BOM is dropped, and undecodable bytes are a LoadError with position."""
    try:
        raw = _read_bytes(path)
    except OSError as error:
        raise LoadError(f"cannot read file: {error.strerror or error}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = raw[: error.start]
        line_start = before.rfind(b"\n") + 1
        # Columns count characters, as editors do, not bytes.
        column = len(before[line_start:].decode("utf-8", errors="replace")) + 1
        raise LoadError("file is not valid UTF-8", before.count(b"\n") + 1, column) from None


def looks_like_template(text: str) -> bool:
    """Whether unparseable text was meant to be a template (so its error is worth reporting)."""
    return bool(re.search(_TEMPLATE_HINT, text))


def is_template(data: Any) -> bool:
    """A CloudFormation template: a format version, or a Resources mapping of typed entries."""
    if not isinstance(data, dict):
        return False
    if "AWSTemplateFormatVersion" in data:
        return True
    resources = data.get("Resources")
    return isinstance(resources, dict) and any(
        isinstance(body, dict) and isinstance(body.get("Type"), str) and "::" in body["Type"]
        for body in resources.values()
    )


def parse(text: str, is_json: bool = False) -> Any:
    """Parse YAML (or JSON) text into marked data; raises LoadError.

    Text that starts with "{" but is not JSON may still be a YAML flow mapping; when it is
    neither, the JSON error is the one reported.
    """
    if is_json:
        return _parse_json(text)
    if text.lstrip().startswith("{"):
        try:
            return _parse_json(text)
        except LoadError as json_error:
            try:
                return _compose(text)
            except LoadError:
                raise json_error from None
    return _compose(text)


def load(path: str | os.PathLike[str]) -> Template | None:
    """Load a template from a file; None when the file is not a CloudFormation template."""
    path = os.fspath(path)
    if _too_big(path):
        return None  # and not a template, by its first 64 KiB
    try:
        text = read_text(path)
    except LoadError as error:
        # Not UTF-8: an error for a template, but any other file is simply not ours.
        if error.line is None or looks_like_template(_read_bytes(path).decode("latin-1")):
            raise
        return None
    try:
        data = parse(text, is_json=path.lower().endswith(".json"))
    except LoadError:
        if looks_like_template(text):
            raise
        return None
    if not is_template(data):
        return None
    lines = _LINE_BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()  # the break that ends the last line starts no new one
    return Template(path, data, lines)


def _too_big(path: str) -> bool:
    """Whether a file is over MAX_BYTES; a LoadError when it looks like a template."""
    try:
        size = os.stat(path).st_size
        if size <= MAX_BYTES:
            return False
        head = _read_bytes(path, _HEAD_BYTES).decode("latin-1")
    except OSError:
        return False  # read_text reports it
    if looks_like_template(head):
        raise LoadError(
            f"the file is {size / 1024 / 1024:,.1f} MiB, more than vpclint reads "
            f"({MAX_BYTES // 1024 // 1024} MiB; CloudFormation itself takes at most 1 MB)",
            1,
            1,
        )
    return True


def _parse_json(text: str) -> Any:
    import json  # here: most templates are YAML, and start-up counts

    # json reports syntax errors precisely; YAML then composes the same text with marks.
    # Tabs are legal JSON whitespace but not YAML indentation; outside strings they are only
    # whitespace and inside valid JSON strings they cannot occur, so a space keeps every column.
    try:
        json.loads(text)
    except json.JSONDecodeError as error:
        raise LoadError(f"invalid JSON: {error.msg}", error.lineno, error.colno) from None
    except RecursionError:
        raise LoadError("invalid JSON: nesting is too deep", 1, 1) from None
    return _compose(text.replace("\t", " "))


def _compose_nodes(text: str) -> Any:
    """The YAML node graph: libyaml when it is installed (about 9x faster), else pure Python.

    libyaml rejects some templates CloudFormation accepts (a plain `AWS::Partition` inside a
    flow sequence), so on any complaint the pure-Python parser decides, and reports the error.
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    if _HAS_LIBYAML:
        try:
            return YAML(typ="safe", pure=False).compose(text)
        except (YAMLError, RecursionError):
            pass
    return YAML(typ="safe", pure=True).compose(text)


def _compose(text: str) -> Any:
    from ruamel.yaml.error import MarkedYAMLError, YAMLError
    from ruamel.yaml.reader import ReaderError

    positions = _Positions(text)
    try:
        root = _compose_nodes(text)
    except ReaderError as error:
        character = error.character if isinstance(error.character, str) else chr(error.character)
        where = positions.at(error.position) if isinstance(error.position, int) else None
        raise LoadError(
            f"invalid YAML: the character {character!r} is not allowed in YAML",
            *(where or (None, None)),
        ) from None
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or "invalid YAML"
        line, column = positions.mark(mark) if mark else (None, None)
        raise LoadError(f"invalid YAML: {problem}", line, column) from None
    except YAMLError as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else "invalid"
        raise LoadError(f"invalid YAML: {first_line}") from None
    except RecursionError:
        raise LoadError("invalid YAML: nesting is too deep", 1, 1) from None
    if root is None:
        return None
    try:
        sizes: dict[int, int] = {}
        expanded = _expanded_size(root, sizes, positions)
        written = len(sizes)  # each node once, however many aliases repeat it
        if expanded - written > ALIAS_FREE and expanded > ALIAS_GROWTH * written:
            raise LoadError(
                f"aliases expand the document to {expanded:,} nodes from {written:,}: "
                "refused as an alias expansion (billion laughs)",
                *positions.mark(root.start_mark),
            )
        if expanded > MAX_NODES:
            raise LoadError(
                f"the template has more than {MAX_NODES:,} nodes, more than vpclint lints "
                "(CloudFormation itself takes at most 1 MB)",
                *positions.mark(root.start_mark),
            )
        return _Converter(positions).convert(root)
    except RecursionError:
        raise LoadError("invalid YAML: nesting is too deep", 1, 1) from None


def _expanded_size(node: Any, sizes: dict[int, int], positions: _Positions) -> int:
    """How many nodes the document has once every alias is expanded (each node counted once
    per place it appears); linear in the composed nodes, so an alias bomb costs nothing."""
    known = sizes.get(id(node))
    if known == _IN_PROGRESS:
        raise LoadError(
            "an alias refers to the node that contains it", *positions.mark(node.start_mark)
        )
    if known is not None:
        return known
    sizes[id(node)] = _IN_PROGRESS
    children = node.value if isinstance(node.value, list) else []
    total = 1
    for child in children:
        for part in child if isinstance(child, tuple) else (child,):
            total += _expanded_size(part, sizes, positions)
    sizes[id(node)] = total
    return total


class _Positions:
    """Line and column of a character index: lines end at LF, CRLF or CR only (as editors and
    YAML 1.2 count them, not at U+2028 or NEL), columns count characters."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [match.end() for match in _LINE_BREAK.finditer(text)]

    def at(self, index: int) -> Mark:
        line = bisect.bisect_right(self.starts, index)
        return Mark(line, index - self.starts[line - 1] + 1)

    def mark(self, mark: Any) -> Mark:
        index = getattr(mark, "index", None)
        if isinstance(index, int):
            return self.at(index)
        return Mark(mark.line + 1, mark.column + 1)


class _Converter:
    """Turns composed YAML nodes into MapNode/SeqNode/StrNode and plain scalars.

    The node graph has been measured first (_expanded_size): it is finite and of bounded size.
    """

    def __init__(self, positions: _Positions) -> None:
        self.positions = positions

    def _mark(self, node: Any) -> Mark:
        return self.positions.mark(node.start_mark)

    def _value_mark(self, key_node: Any, value_node: Any) -> Mark:
        # An empty value ("Key:" and nothing) starts where the next token does; it belongs
        # right after its key instead.
        if value_node.value == "" and value_node.start_mark.index > key_node.end_mark.index:
            key_end = self.positions.mark(key_node.end_mark)
            if self.positions.mark(value_node.start_mark).line > key_end.line:
                return Mark(key_end.line, key_end.column + 1)
        return self._mark(value_node)

    def convert(self, node: Any) -> Any:
        from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

        tag = node.tag.value if hasattr(node.tag, "value") else node.tag
        if tag in _FUNCTION_TAGS:
            return self._function(_FUNCTION_TAGS[tag], node)
        if tag and tag.startswith("!") and not tag.startswith("!!"):
            # Like CloudFormation's own reader, !Anything is Fn::Anything; the resolver leaves
            # functions it does not know Unknown (a preprocessor's !Rain::Embed, say).
            return self._function(f"Fn::{tag[1:]}", node)
        if isinstance(node, ScalarNode):
            return self._scalar(tag, node)
        if isinstance(node, MappingNode) and tag == _YAML + "map":
            return self._mapping(node)
        if isinstance(node, SequenceNode) and tag == _YAML + "seq":
            return self._sequence(node)
        raise LoadError(f"tag {tag} is not allowed in a template", *self._mark(node))

    def _function(self, name: str, node: Any) -> MapNode:
        from ruamel.yaml.nodes import ScalarNode

        mark = self._mark(node)
        if isinstance(node, ScalarNode):
            value: Any = StrNode(node.value, mark)
            if name == "Fn::GetAtt":
                # !GetAtt Resource.Attribute: the attribute itself may contain dots.
                resource, _, attribute = node.value.partition(".")
                value = SeqNode(mark)
                value.extend([StrNode(resource, mark), StrNode(attribute, mark)])
                value.item_marks.extend([mark, mark])
        else:
            from ruamel.yaml.nodes import MappingNode

            value = self._mapping(node) if isinstance(node, MappingNode) else self._sequence(node)
        result = MapNode(mark)
        result[name] = value
        result.key_marks[name] = mark
        result.value_marks[name] = mark
        return result

    def _mapping(self, node: Any) -> MapNode:
        from ruamel.yaml.nodes import ScalarNode

        result = MapNode(self._mark(node))
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise LoadError("a mapping key must be a plain value", *self._mark(key_node))
            key = str(key_node.value)
            if key in result:
                first = result.key_marks[key]
                raise LoadError(
                    f"duplicate key {key!r} (first defined on line {first.line})",
                    *self._mark(key_node),
                )
            result[key] = self.convert(value_node)
            result.key_marks[key] = self._mark(key_node)
            result.value_marks[key] = self._value_mark(key_node, value_node)
        return result

    def _sequence(self, node: Any) -> SeqNode:
        result = SeqNode(self._mark(node))
        for item in node.value:
            result.append(self.convert(item))
            result.item_marks.append(self._mark(item))
        return result

    def _scalar(self, tag: str, node: Any) -> Any:
        text = node.value
        if tag == _YAML + "int":
            for base in (10, 0):
                try:
                    return int(text.replace("_", ""), base)
                except ValueError:
                    pass
            return StrNode(text, self._mark(node))
        if tag == _YAML + "float":
            try:
                return float(text.replace("_", ""))
            except ValueError:
                return StrNode(text, self._mark(node))
        if tag == _YAML + "bool":
            return text.lower() in ("true", "yes", "on", "y")
        if tag == _YAML + "null":
            return None
        if tag in (_YAML + "str", _YAML + "timestamp", _YAML + "binary", None, "!"):
            # A date such as 2010-09-09 stays the text it was written as.
            return StrNode(text, self._mark(node))
        raise LoadError(f"tag {tag} is not allowed in a template", *self._mark(node))
