"""Values the resolver produces besides plain data: what cannot be known, and references."""

from __future__ import annotations

from typing import Any

from vpclint.nodes import NOWHERE, Mark
from vpclint.records import field, record

# Stands in for the unknown parts of a partly known string (see Unknown.text).
UNKNOWN_PART = "\x00"


@record(eq=False)
class Unknown:
    """A value vpclint cannot know before deployment, and why.

    `options` lists the values it may take when an undecided `Fn::If` chose between known
    branches; `text` keeps the known parts of a string built by `Fn::Sub` or `Fn::Join`, with
    UNKNOWN_PART where the rest goes (enough to read a Name tag, never enough to decide on).
    `parts` keeps such a string as its pieces when each one is known text or a ResourceRef
    (`Fn::Join [",", [!Ref A, !Ref B]]`): `Fn::Split` of it gives the references back, the way
    a list of subnets travels through an export or a nested stack's parameter.
    """

    reason: str
    mark: Mark = NOWHERE
    options: tuple[Any, ...] = field(default=())
    text: str | None = None
    parts: tuple[Any, ...] | None = None

    def __repr__(self) -> str:
        return f"Unknown({self.reason!r})"


@record(frozen=True)
class ResourceRef:
    """The ID of a resource of this template (`Ref`, or `Fn::GetAtt` for an ID attribute).

    `attribute` names an ID the resource owns besides its own, such as a VPC's
    `DefaultSecurityGroup`. `stack` is the key of the stack that declares the resource ("" in
    a network of one template).
    """

    logical_id: str
    attribute: str | None = None
    stack: str = ""

    @property
    def key(self) -> str:
        """The resource's key in the network (see vpclint.model.qualified)."""
        return f"{self.stack}/{self.logical_id}" if self.stack else self.logical_id

    def __str__(self) -> str:
        return self.logical_id + (f".{self.attribute}" if self.attribute else "")


class _NoValue:
    """`AWS::NoValue`: the property or list item is removed."""

    _instance: _NoValue | None = None

    def __new__(cls) -> _NoValue:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NO_VALUE"


NO_VALUE = _NoValue()


def is_known(value: Any) -> bool:
    return not isinstance(value, Unknown)


def alternatives(value: Any) -> list[Any]:
    """The values an undecided `Fn::If` may yield, flattened; [value] for anything else.

    Returns [] when the value is Unknown with no known alternatives.
    """
    if not isinstance(value, Unknown):
        return [value]
    found: list[Any] = []
    for option in value.options:
        found.extend(alternatives(option))
    return found
