"""The loaded template: plain data that remembers where each part came from.

Mappings, sequences and strings carry their own position (`.mark`); numbers, booleans and nulls
cannot (Python will not let `bool` be subclassed), so their position is kept by the mapping or
sequence that holds them.
"""

from __future__ import annotations

from typing import Any, NamedTuple


class Mark(NamedTuple):
    """A position in a file, both numbers 1-based as editors show them."""

    line: int
    column: int


NOWHERE = Mark(0, 0)


class MapNode(dict):
    """A mapping with string keys; `key_marks[k]` and `value_marks[k]` locate each entry."""

    __slots__ = ("key_marks", "mark", "value_marks")

    def __init__(self, mark: Mark = NOWHERE) -> None:
        super().__init__()
        self.mark = mark
        self.key_marks: dict[str, Mark] = {}
        self.value_marks: dict[str, Mark] = {}


class SeqNode(list):
    """A sequence; `item_marks[i]` locates item i."""

    __slots__ = ("item_marks", "mark")

    def __init__(self, mark: Mark = NOWHERE) -> None:
        super().__init__()
        self.mark = mark
        self.item_marks: list[Mark] = []


class StrNode(str):
    """A string that knows where it was written."""

    mark: Mark

    def __new__(cls, value: str, mark: Mark) -> StrNode:
        node = super().__new__(cls, value)
        node.mark = mark
        return node


def mark_of(value: Any, default: Mark = NOWHERE) -> Mark:
    """The position of a loaded value, or `default` for values that cannot carry one."""
    return getattr(value, "mark", default)
