"""Expectations written in a template's Metadata.

At the template's top level:

    Metadata:
      vpclint:
        expect:
          - name: database only from the app tier
            from: [internet, "tier:public"]
            to: "type:AWS::RDS::DBInstance"
            port: 5432
            reachable: false

On a resource, where `from` (or else `to`) defaults to that resource:

    Database:
      Type: AWS::RDS::DBInstance
      Metadata:
        vpclint:
          expect:
            - {name: never from the internet, from: internet, port: 5432, reachable: false}

The shape is the configuration's `[[expect]]` (vpclint.expect); one that cannot be read is
kept as Unreadable, which VPC711 reports at its line.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from vpclint import records
from vpclint.expect import Expectation, ExpectationError, parse_one
from vpclint.model import qualified
from vpclint.nodes import NOWHERE, mark_of
from vpclint.records import record


@record(frozen=True)
class Unreadable:
    """An expectation in a template that cannot be read: where, and why."""

    key: str
    message: str
    source: str
    line: int
    column: int
    owner: str | None = None
    stack: str = ""


def read_declared(stacks: list[Any]) -> list[Expectation | Unreadable]:
    """The expectations in the Metadata of each stack (vpclint.builder.StackSource)."""
    found: list[Expectation | Unreadable] = []
    for stack in stacks:
        resolver, origin = stack.resolver, stack.origin
        found.extend(_read(resolver.metadata, "Metadata", None, origin))
        for logical_id, body in resolver.resources.items():
            if not isinstance(body, dict) or resolver.resource_condition(logical_id) is False:
                continue
            owner = qualified(origin.stack, logical_id)
            key = f"Resources.{logical_id}.Metadata"
            found.extend(_read(body.get("Metadata"), key, owner, origin))
    return found


def _read(
    metadata: Any, where: str, owner: str | None, origin: Any
) -> Iterator[Expectation | Unreadable]:
    settings = metadata.get("vpclint") if isinstance(metadata, dict) else None
    if not isinstance(settings, dict) or "expect" not in settings:
        return
    value = settings["expect"]
    base = f"{where}.vpclint.expect"
    items = value if isinstance(value, list) else [value]
    for index, item in enumerate(items):
        key = f"{base}[{index}]" if isinstance(value, list) else base
        mark = mark_of(item, NOWHERE)
        if mark == NOWHERE:
            mark = mark_of(value, mark_of(settings))
        try:
            expectation = parse_one(item, key, owner, origin.path)
        except ExpectationError as error:
            yield Unreadable(
                error.key, str(error), origin.path, mark.line, mark.column, owner, origin.stack
            )
            continue
        yield records.replace(expectation, line=mark.line, column=mark.column, stack=origin.stack)
