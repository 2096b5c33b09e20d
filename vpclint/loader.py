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
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
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

    @property
    def reason(self) -> str:
        """Why, without the "cannot read file: " a report puts before a read failure (for
        messages that say what could not be read themselves)."""
        return self.message.removeprefix(_CANNOT_READ)


_CANNOT_READ = "cannot read file: "


@record
class Template:
    """A parsed CloudFormation template and the text it came from."""

    path: str
    data: MapNode
    lines: list[str]


class TooBig(LoadError):
    """A file over the size limit, refused before it was read; `head` is its first bytes."""

    def __init__(self, message: str, size: int, head: bytes):
        super().__init__(message)
        self.size = size
        self.head = head


_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def not_regular(mode: int) -> str | None:
    """What a file of this mode is when it is not a regular file, e.g. "a FIFO"; else None."""
    if stat.S_ISREG(mode):
        return None
    return next((kind for test, kind in _KINDS if test(mode)), "a special file")


def read_bounded(path: str, limit: int = MAX_BYTES, head: int = 0) -> bytes:
    """The bytes of a regular file of at most `limit` bytes, for every file vpclint reads.

    A FIFO, socket or device is refused before a byte is read (opened without blocking, so a
    FIFO with no writer cannot hang the run); the size is checked before reading, and the read
    itself is bounded, since a /proc-like file may say it is empty and never end. Raises
    LoadError, or TooBig (holding the first `head` bytes) for a file over `limit`.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        raise LoadError(_CANNOT_READ + f"{error.strerror or error}") from None
    try:
        info = os.fstat(descriptor)
        kind = not_regular(info.st_mode)
        if kind is not None:
            raise LoadError(_CANNOT_READ + f"it is {kind}, not a regular file")
        with os.fdopen(descriptor, "rb") as file:
            descriptor = -1  # the file closes it
            if info.st_size <= limit:
                data = file.read(limit + 1)
                if len(data) <= limit:
                    return data
                size, start = max(info.st_size, len(data)), data[:head]
            else:
                size, start = info.st_size, file.read(head) if head else b""
    except OSError as error:
        raise LoadError(_CANNOT_READ + f"{error.strerror or error}") from None
    finally:
        if descriptor >= 0:
            os.close(descriptor)
    raise TooBig(f"the file is {size / 1024 / 1024:,.1f} MiB, more than vpclint reads", size, start)


def read_text(path: str, limit: int = MAX_BYTES) -> str:
    """The text of a file of at most `limit` bytes (read_bounded); a BOM is dropped, and
    undecodable bytes are a LoadError with position."""
    return decode(read_bounded(path, limit))


def decode(raw: bytes) -> str:
    """UTF-8 text without its BOM; undecodable bytes are a LoadError with position."""
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


# A template engine's action where YAML cannot hold it: at the start of a line, or as a plain
# value after "key: " or "- ". Go templates (Helm: {{ .Values.x }}, {{- if .. }}, {{/* */}})
# and Jinja ({{ name }}, {% if %}) write them so; a CloudFormation dynamic reference
# ({{resolve:ssm:name}}) has neither a space nor one of ".$/" after its braces.
_ENGINE_ACTION = r"(?:^|[:-][ \t])[ \t]*(?:\{\{-?[\s.$/]|\{%-?\s)"


def renders_a_template(text: str, path: str) -> bool:
    """Whether text that does not parse is a template engine's source that renders a template
    (a Helm chart's, say), not a template: it sits in a Helm chart's templates/ folder, or
    holds the engine's actions where YAML cannot hold them."""
    folder = os.path.dirname(os.path.abspath(path))
    while os.path.basename(folder):
        if os.path.basename(folder) == "templates" and os.path.isfile(
            os.path.join(os.path.dirname(folder), "Chart.yaml")
        ):
            return True
        folder = os.path.dirname(folder)
    return re.search(_ENGINE_ACTION, text, re.MULTILINE) is not None


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
    try:
        raw = read_bounded(path, MAX_BYTES, _HEAD_BYTES)
    except TooBig as error:
        if not looks_like_template(error.head.decode("latin-1")):
            return None  # not a template, by its first 64 KiB
        raise LoadError(
            f"{error.message} ({MAX_BYTES // 1024 // 1024} MiB; "
            "CloudFormation itself takes at most 1 MB)",
            1,
            1,
        ) from None
    try:
        text = decode(raw)
    except LoadError:
        # Not UTF-8: an error for a template, but any other file is simply not ours.
        if looks_like_template(raw.decode("latin-1")):
            raise
        return None
    try:
        data = parse(text, is_json=path.lower().endswith(".json"))
    except LoadError:
        if looks_like_template(text) and not renders_a_template(text, path):
            raise
        return None
    if not is_template(data):
        return None
    lines = _LINE_BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()  # the break that ends the last line starts no new one
    return Template(path, data, lines)


def _parse_json(text: str) -> Any:
    import json  # here: most templates are YAML, and start-up counts

    # json reports syntax errors precisely; YAML then composes the same text with marks.
    # Tabs are legal JSON whitespace but not YAML indentation; outside strings they are only
    # whitespace and inside valid JSON strings they cannot occur, so a space keeps every column.
    try:
        with _recursion_room():
            json.loads(text)
    except json.JSONDecodeError as error:
        raise LoadError(f"invalid JSON: {error.msg}", error.lineno, error.colno) from None
    except RecursionError:
        raise _too_deep(text, "JSON") from None
    except ValueError as error:  # an integer of more digits than Python converts
        raise _long_integer(text, error) from None
    return _compose(text.replace("\t", " "), flow_only=True)


def _long_integer(text: str, error: ValueError) -> LoadError:
    """Where the first JSON integer too long to convert is (json does not say)."""
    found = long_integer(text)
    if found is None:
        return LoadError(f"invalid JSON: {error}")
    digits, most, line, column = found
    return LoadError(
        f"invalid JSON: an integer of {digits:,} digits, more than {most:,}", line, column
    )


def long_integer(text: str) -> tuple[int, int, int, int] | None:
    """The first integer of a JSON text with more digits than Python converts: (its digits,
    the most Python converts, its line, its column); strings are passed over."""
    most = sys.get_int_max_str_digits() if hasattr(sys, "get_int_max_str_digits") else 4300
    for match in re.finditer(_JSON_STRING + r"|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?", text):
        number = match.group()
        digits = len(number.lstrip("-"))
        if number[0] != '"' and digits > most and number.lstrip("-").isdigit():
            return (digits, most, *_Positions(text).at(match.start()))
    return None


# Collections nested deeper than this are refused, at the first one that passes it; no template
# comes near. Python recursion bounds the pure-Python parser and our own walks over the nodes
# (given room for this many levels); libyaml's composer recurses in C, where too deep is a
# crash, not an error (about 30,000 levels with the usual 8 MiB stack), so a text that might
# nest past _C_SAFE_DEPTH is measured before it composes (_may_be_too_deep).
MAX_DEPTH = 1000
_C_SAFE_DEPTH = 3000
# A line whose leading spaces and block indicators ("- ", "? ", ": ") are this long may start a
# node nested that deep in block collections; shorter ones cannot (see _may_be_too_deep).
_DEEP_PREFIX = 1000
# `::` between letters or digits (AWS::Region), which libyaml refuses in a plain scalar inside
# a flow collection and CloudFormation accepts: written as two characters of Unicode's private
# use area for libyaml, so that every position stays where it was, and turned back after.
_DOUBLE_COLON = r"::(?<=[A-Za-z0-9]::)(?=[A-Za-z0-9])"
_JSON_STRING = r'"(?:[^"\\]|\\.)*"'


def _may_be_too_deep(text: str, flow_only: bool) -> bool:
    """Whether libyaml might have to compose a text nested past _C_SAFE_DEPTH (or valid JSON
    past MAX_DEPTH); cheap, and never wrong when False.

    Flow nesting takes a "[" or "{" per level. Block nesting takes a deeper column per level,
    and an entry starts after nothing but spaces and block indicators on its line, so no block
    collection nests deeper than the longest such prefix. Valid JSON (`flow_only`) is measured
    exactly, its strings left out.
    """
    openers = text.count("[") + text.count("{")
    if flow_only:
        return openers > MAX_DEPTH and _json_depth(text) > MAX_DEPTH
    if openers + _DEEP_PREFIX >= _C_SAFE_DEPTH:
        return True
    return re.search(rf"^[ \t?:-]{{{_DEEP_PREFIX}}}", text, re.MULTILINE) is not None


def _json_depth(text: str) -> int:
    """How deep valid JSON text nests."""
    from itertools import accumulate

    brackets = re.sub(r"[^][{}]+", "", re.sub(_JSON_STRING, "", text))
    steps = brackets.translate({ord("["): "+", ord("{"): "+", ord("]"): "-", ord("}"): "-"})
    return max(accumulate(1 if step == "+" else -1 for step in steps), default=0)


def _depth_error(
    text: str, positions: _Positions, kind: str, pure: bool = not _HAS_LIBYAML
) -> LoadError | None:
    """A LoadError at the first collection nested deeper than MAX_DEPTH, or at the node past
    MAX_NODES, or None.

    libyaml's parser, unlike its composer, keeps its state on the heap and builds no tree:
    walking its events is safe at any depth and takes little memory at any size. A text it
    cannot parse is left to the composer, which fails at the same place, no deeper.
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.events import (
        AliasEvent,
        CollectionEndEvent,
        CollectionStartEvent,
        ScalarEvent,
    )

    depth = nodes = 0
    try:
        for event in YAML(typ="safe", pure=pure).parse(text):
            if isinstance(event, CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    return _nesting_error(kind, positions.mark(event.start_mark))
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
                continue
            elif not isinstance(event, (ScalarEvent, AliasEvent)):
                continue
            nodes += 1
            if nodes > MAX_NODES:
                return _too_many_nodes(positions.mark(event.start_mark))
    except (YAMLError, RecursionError, AssertionError):
        pass
    return None


def _may_have_too_many_nodes(text: str) -> bool:
    """Whether a text might hold more than MAX_NODES nodes; cheap, and never wrong when False.

    Every node but the first is introduced by a character of its own: "[", "{" or "," in flow
    collections, "-" in block sequences, a line break or "?" before a block mapping's key and
    ":" before a value (counted twice, for the key of a mapping written on one line).
    """
    introducers = sum(text.count(mark) for mark in "[{,-\n?") + 2 * text.count(":")
    return introducers + 1 > MAX_NODES


def _too_many_nodes(where: Mark) -> LoadError:
    return LoadError(
        f"the template has more than {MAX_NODES:,} nodes, more than vpclint lints "
        "(CloudFormation itself takes at most 1 MB)",
        *where,
    )


def _nesting_error(kind: str, where: Mark) -> LoadError:
    return LoadError(
        f"invalid {kind}: nesting is too deep (more than {MAX_DEPTH:,} levels)", *where
    )


def _too_deep(text: str, kind: str) -> LoadError:
    """The nesting error for a text that overflowed Python's recursion limit, placed where the
    nesting passes MAX_DEPTH when that can be found."""
    positions = _Positions(text)
    # libyaml's parser first, the faster; where it stops early, the pure-Python one, which
    # read far enough to recurse too deeply.
    found = _depth_error(text, positions, kind) or _depth_error(text, positions, kind, pure=True)
    return found or LoadError(f"invalid {kind}: nesting is too deep", 1, 1)


def _compose_nodes(text: str, positions: _Positions, flow_only: bool) -> tuple[Any, str | None]:
    """The YAML node graph, and the character that stands for ":" in its strings (or None).

    libyaml (about 9x faster) when it is installed, else pure Python. libyaml refuses a plain
    `AWS::Region` inside a flow sequence, which CloudFormation accepts: it parses the text with
    such colons replaced (see _DOUBLE_COLON), and only on any other complaint does the
    pure-Python parser decide, and report the error.
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    if _HAS_LIBYAML:
        colon = next(chr(code) for code in range(0xE000, 0xF900) if chr(code) not in text)
        rewritten, count = re.subn(_DOUBLE_COLON, colon * 2, text)
        if count and "!" in text:  # a tag such as !Rain::Embed keeps its colons
            rewritten = re.sub(
                rf"![^\s{colon}]*{colon}{colon}\S*",
                lambda tag: tag.group().replace(colon * 2, "::"),
                rewritten,
            )
        # The depth is measured on the very text libyaml composes: where libyaml stops on an
        # error, its composer stops too, and the pure-Python parser recurses in Python only.
        # So is its size, when it might be too big to compose within the memory vpclint
        # promises: the count of nodes is cheaper in events than in the tree.
        if _may_be_too_deep(text, flow_only) or _may_have_too_many_nodes(text):
            error = _depth_error(rewritten, positions, "JSON" if flow_only else "YAML")
            if error is not None:
                raise error
        try:
            return _libyaml().compose(rewritten), colon if count else None
        except (YAMLError, RecursionError):
            pass
    return YAML(typ="safe", pure=True).compose(text), None


def _libyaml() -> Any:
    """A ruamel.yaml loader on libyaml whose resolver picks its YAML version once a document.

    ruamel's looks the version up twice for every scalar, through an AttributeError each time
    with libyaml (a third of the time to compose); libyaml's documents all resolve as YAML 1.2.
    """
    from ruamel.yaml import YAML

    global _Resolver
    if _Resolver is None:
        from ruamel.yaml.resolver import VersionedResolver

        looked_up = VersionedResolver.versioned_resolver

        class Resolver(VersionedResolver):  # type: ignore[misc]
            _versioned: Any = None

            @property
            def versioned_resolver(self) -> Any:
                if self._versioned is None:
                    self._versioned = looked_up.fget(self)
                return self._versioned

        _Resolver = Resolver
    yaml = YAML(typ="safe", pure=False)
    yaml.Resolver = _Resolver
    return yaml


_Resolver: Any = None


def _compose(text: str, flow_only: bool = False) -> Any:
    from ruamel.yaml.error import MarkedYAMLError, YAMLError
    from ruamel.yaml.reader import ReaderError

    positions = _Positions(text)
    kind = "JSON" if flow_only else "YAML"
    try:
        with _recursion_room():
            root, colon = _compose_nodes(text, positions, flow_only)
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
        raise _too_deep(text, kind) from None
    except AssertionError:
        # ruamel asserts what it cannot read: a %YAML directive of an unknown version.
        directive = re.search(r"^%YAML[ \t]+([^\s#]*)", text, re.MULTILINE)
        if directive is None:
            raise
        raise LoadError(
            f"invalid YAML: version {directive.group(1)} is not supported (1.1 and 1.2 are)",
            *positions.at(directive.start(1)),
        ) from None
    if root is None:
        return None
    sizes: dict[int, int] = {}
    with _recursion_room():
        expanded = _expanded_size(root, sizes, positions, kind)
        written = len(sizes)  # each node once, however many aliases repeat it
        if expanded - written > ALIAS_FREE and expanded > ALIAS_GROWTH * written:
            raise LoadError(
                f"aliases expand the document to {expanded:,} nodes from {written:,}: "
                "refused as an alias expansion (billion laughs)",
                *positions.mark(root.start_mark),
            )
        if expanded > MAX_NODES:
            raise _too_many_nodes(positions.mark(root.start_mark))
        try:
            return _Converter(positions, colon).convert(root)
        except RecursionError:  # aliases that nest what they repeat deeper still
            raise _too_deep(text, kind) from None


@contextmanager
def _recursion_room() -> Iterator[None]:
    """Room for MAX_DEPTH levels of nodes, a few Python frames each, above the caller's."""
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous, 4 * MAX_DEPTH + 1000))
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)


def _expanded_size(
    node: Any, sizes: dict[int, int], positions: _Positions, kind: str, depth: int = 1
) -> int:
    """How many nodes the document has once every alias is expanded (each node counted once
    per place it appears); linear in the composed nodes, so an alias bomb costs nothing.
    A collection nested past MAX_DEPTH is refused where it starts."""
    known = sizes.get(id(node))
    if known == _IN_PROGRESS:
        raise LoadError(
            "an alias refers to the node that contains it", *positions.mark(node.start_mark)
        )
    if known is not None:
        return known
    if not isinstance(node.value, list):
        sizes[id(node)] = 1
        return 1
    sizes[id(node)] = _IN_PROGRESS
    if depth > MAX_DEPTH:
        raise _nesting_error(kind, positions.mark(node.start_mark))
    total = 1
    for child in node.value:
        for part in child if isinstance(child, tuple) else (child,):
            total += _expanded_size(part, sizes, positions, kind, depth + 1)
    sizes[id(node)] = total
    return total


class _Positions:
    """Line and column of a character index: lines end at LF, CRLF or CR only (as editors and
    YAML 1.2 count them, not at U+2028 or NEL), columns count characters."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [match.end() for match in _LINE_BREAK.finditer(text)]

    def at(self, index: int) -> Mark:
        line = bisect.bisect_right(self.starts, index)
        return Mark(line, index - self.starts[line - 1] + 1)

    def mark(self, mark: Any) -> Mark:
        index = getattr(mark, "index", None)
        if isinstance(index, int):
            return self.at(index)
        return Mark(mark.line + 1, mark.column + 1)


_MAP, _SEQ, _STR = _YAML + "map", _YAML + "seq", _YAML + "str"
# Tags a scalar stays the text it was written as under (a date such as 2010-09-09 included).
_TEXT_TAGS = frozenset((_STR, _YAML + "timestamp", _YAML + "binary", None, "!"))
_TRUE = frozenset(("true", "yes", "on", "y"))
# Line breaks that YAML counts and editors do not: with none of them in the text, the parser's
# own line and column are the editor's.
_OTHER_BREAKS = ("\x85", "\u2028", "\u2029")
_new_mark = tuple.__new__


class _Converter:
    """Turns composed YAML nodes into MapNode/SeqNode/StrNode and plain scalars.

    The node graph has been measured first (_expanded_size): it is finite and of bounded size.
    A conversion runs once per node of every template read, so it is written for speed: node
    classes looked up once, marks made without a search where the parser's own are right.
    """

    def __init__(self, positions: _Positions, colon: str | None = None) -> None:
        from ruamel.yaml.nodes import MappingNode, ScalarNode

        self.positions = positions
        self.colons = colon * 2 if colon else None
        self.scalar_node = ScalarNode
        self.mapping_node = MappingNode
        self.exact = not any(c in positions.text for c in _OTHER_BREAKS)

    def _mark(self, node: Any) -> Mark:
        mark = node.start_mark
        if self.exact:
            return _new_mark(Mark, (mark.line + 1, mark.column + 1))
        return self.positions.mark(mark)

    def _text(self, text: str) -> str:
        """A scalar's text as written: the stand-in for "::" (see _DOUBLE_COLON) turned back."""
        colons = self.colons
        return text.replace(colons, "::") if colons and colons in text else text

    def _value_mark(self, key_node: Any, value_node: Any) -> Mark:
        # An empty value ("Key:" and nothing) starts where the next token does; it belongs
        # right after its key instead.
        if value_node.value == "" and value_node.start_mark.index > key_node.end_mark.index:
            key_end = self.positions.mark(key_node.end_mark)
            if self.positions.mark(value_node.start_mark).line > key_end.line:
                return Mark(key_end.line, key_end.column + 1)
        return self._mark(value_node)

    def convert(self, node: Any) -> Any:
        tag = node.tag
        if tag == _STR:  # most nodes: strings
            if isinstance(node, self.scalar_node):
                return StrNode(self._text(node.value), self._mark(node))
        elif tag == _MAP:
            if isinstance(node, self.mapping_node):
                return self._mapping(node)
        elif tag == _SEQ:
            if not isinstance(node, (self.scalar_node, self.mapping_node)):
                return self._sequence(node)
        elif tag and tag[0] == "!" and tag[:2] != "!!":
            # Like CloudFormation's own reader, !Anything is Fn::Anything; the resolver leaves
            # functions it does not know Unknown (a preprocessor's !Rain::Embed, say).
            name = _FUNCTION_TAGS.get(tag) or f"Fn::{self._text(tag[1:])}"
            return self._function(name, node)
        elif isinstance(node, self.scalar_node):
            return self._scalar(tag, node)
        raise LoadError(f"tag {tag} is not allowed in a template", *self._mark(node))

    def _function(self, name: str, node: Any) -> MapNode:
        mark = self._mark(node)
        if isinstance(node, self.scalar_node):
            text = self._text(node.value)
            value: Any = StrNode(text, mark)
            if name == "Fn::GetAtt":
                # !GetAtt Resource.Attribute: the attribute itself may contain dots.
                resource, _, attribute = text.partition(".")
                value = SeqNode(mark)
                value.extend([StrNode(resource, mark), StrNode(attribute, mark)])
                value.item_marks.extend([mark, mark])
        elif isinstance(node, self.mapping_node):
            value = self._mapping(node)
        else:
            value = self._sequence(node)
        result = MapNode(mark)
        result[name] = value
        result.key_marks[name] = mark
        result.value_marks[name] = mark
        return result

    def _mapping(self, node: Any) -> MapNode:
        result = MapNode(self._mark(node))
        key_marks, value_marks = result.key_marks, result.value_marks
        scalar_node, convert, mark_of_node = self.scalar_node, self.convert, self._mark
        for key_node, value_node in node.value:
            if not isinstance(key_node, scalar_node):
                raise LoadError("a mapping key must be a plain value", *mark_of_node(key_node))
            key = self._text(str(key_node.value))
            if key in result:
                first = key_marks[key]
                raise LoadError(
                    f"duplicate key {key!r} (first defined on line {first.line})",
                    *mark_of_node(key_node),
                )
            result[key] = convert(value_node)
            key_marks[key] = mark_of_node(key_node)
            value_marks[key] = self._value_mark(key_node, value_node)
        return result

    def _sequence(self, node: Any) -> SeqNode:
        result = SeqNode(self._mark(node))
        convert, mark_of_node = self.convert, self._mark
        result.extend([convert(item) for item in node.value])
        result.item_marks.extend([mark_of_node(item) for item in node.value])
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
            return text.lower() in _TRUE
        if tag == _YAML + "null":
            return None
        if tag in _TEXT_TAGS:
            return StrNode(self._text(text), self._mark(node))
        raise LoadError(f"tag {tag} is not allowed in a template", *self._mark(node))
