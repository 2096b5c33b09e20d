"""Expectations: the reachability a team means its network to have, written down and checked.

In the configuration (`[[expect]]` in `.vpclint.toml`, `[[tool.vpclint.expect]]` in
pyproject.toml) or in a template's Metadata (`Metadata: {vpclint: {expect: [...]}}`, at the
template's top level or on a resource, where `from` or `to` defaults to that resource):

    name = "database only from the app tier"   # required
    from = ["internet", "tier:public"]           # a selector or a list ("each of")
    to = "type:AWS::RDS::DBInstance"
    port = 5432                                  # or a list of ports; not for ICMP
    protocol = "tcp"                             # tcp (default), udp, icmp or a number
    reachable = false                            # required

Selectors are vpclint.expect.selectors'. Parsing is strict: an unknown key, a bad selector or
port is an ExpectationError naming the key ("expect[0].from[1]").
"""

from __future__ import annotations

from typing import Any

from vpclint.expect.selectors import DESTINATION_ONLY, Selector, parse
from vpclint.records import record

KEYS = ("name", "from", "to", "port", "protocol", "reachable")
# The rules that report on expectations: broken, matching nothing (or unreadable), undecided.
BROKEN_RULE, UNMATCHED_RULE, UNDECIDED_RULE = "VPC710", "VPC711", "VPC712"
PROTOCOLS = {"tcp": "tcp", "udp": "udp", "icmp": "icmp", "6": "tcp", "17": "udp", "1": "icmp"}


class ExpectationError(ValueError):
    """An expectation that cannot be read; `key` says where ("expect[0].from[1]")."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


@record(frozen=True)
class Side:
    """One selector of an expectation, with the key it was written under."""

    selector: Selector
    key: str  # "expect[0].from[1]"


@record(frozen=True)
class Expectation:
    name: str
    sources: tuple[Side, ...]
    destinations: tuple[Side, ...]
    ports: tuple[int | None, ...]
    protocol: str
    reachable: bool
    key: str  # "expect[0]", or "Metadata.vpclint.expect[0]" in a template
    # Where it is written: the configuration file, or (in a template) the file, line and the
    # resource that holds it (None at the template's top level).
    source: str = ""
    line: int = 0
    column: int = 0
    owner: str | None = None  # the key of the resource whose Metadata holds it
    stack: str = ""  # the stack key of the template that holds it

    @property
    def in_template(self) -> bool:
        return self.line > 0

    @property
    def sides(self) -> tuple[Side, ...]:
        return (*self.sources, *self.destinations)


def parse_list(
    value: Any, key: str = "expect", owner: str | None = None, source: str = ""
) -> tuple[Expectation, ...]:
    """The expectations of a list of tables; ExpectationError on the first bad one."""
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list):
        raise ExpectationError(key, "expected a list of tables ([[expect]])")
    return tuple(
        parse_one(item, f"{key}[{index}]", owner, source) for index, item in enumerate(value)
    )


def parse_one(table: Any, key: str, owner: str | None = None, source: str = "") -> Expectation:
    if not isinstance(table, dict):
        raise ExpectationError(key, "expected a table with name, from, to, port and reachable")
    for name in table:
        if name not in KEYS:
            known = ", ".join(KEYS)
            raise ExpectationError(f"{key}.{name}", f"unknown key (known keys: {known})")
    name = table.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ExpectationError(f"{key}.name", "expected a name saying what is meant")
    reachable = table.get("reachable")
    if not isinstance(reachable, bool):
        raise ExpectationError(f"{key}.reachable", "expected true or false")
    if owner is not None and "from" not in table and "to" not in table:
        raise ExpectationError(key, "name 'from' or 'to': the other one is the resource itself")
    protocol = _protocol(table.get("protocol", "tcp"), f"{key}.protocol")
    sources = _sides(table.get("from"), f"{key}.from", owner, as_source=True)
    destinations = _sides(table.get("to"), f"{key}.to", owner, as_source=False)
    ports = _ports(table.get("port"), f"{key}.port", protocol)
    return Expectation(
        name.strip(), sources, destinations, ports, protocol, reachable, key, source, owner=owner
    )


def _sides(value: Any, key: str, owner: str | None, as_source: bool) -> tuple[Side, ...]:
    if value is None:
        if owner is None:
            raise ExpectationError(key, "missing: name what the traffic goes from and to")
        return (Side(Selector("resource", owner, owner), key),)
    items = value if isinstance(value, list) else [value]
    if not items:
        raise ExpectationError(key, "expected at least one selector")
    sides = []
    for index, item in enumerate(items):
        where = f"{key}[{index}]" if isinstance(value, list) else key
        try:
            selector = parse(item)
        except ValueError as error:
            raise ExpectationError(where, str(error)) from None
        if as_source and selector.kind in DESTINATION_ONLY:
            raise ExpectationError(
                where,
                f"{selector.text!r} cannot start a connection: name resources, a tier, a "
                "subnet, a tag, a type or 'internet'",
            )
        sides.append(Side(selector, where))
    return tuple(sides)


def _protocol(value: Any, key: str) -> str:
    text = str(value).lower() if isinstance(value, (str, int)) else None
    if text not in PROTOCOLS:
        raise ExpectationError(key, f"{value!r} is not tcp, udp or icmp")
    return PROTOCOLS[text]


def _ports(value: Any, key: str, protocol: str) -> tuple[int | None, ...]:
    if protocol == "icmp":
        if value is not None:
            raise ExpectationError(key, "ICMP has no ports; leave 'port' out")
        return (None,)
    if value is None:
        raise ExpectationError(key, f"missing: which {protocol.upper()} port")
    items = value if isinstance(value, list) else [value]
    ports = []
    for index, item in enumerate(items):
        where = f"{key}[{index}]" if isinstance(value, list) else key
        if isinstance(item, bool) or not isinstance(item, int) or not 0 <= item <= 65535:
            raise ExpectationError(where, f"{item!r} is not a port (0-65535)")
        ports.append(item)
    if not ports:
        raise ExpectationError(key, "expected at least one port")
    return tuple(dict.fromkeys(ports))


def unmatched_message(expectation: Expectation, side: Side) -> str:
    """VPC711's message for a selector that matches nothing in the templates checked."""
    if side.selector.kind == "resource":
        what = "that is certainly created and holds an address"
    elif side in expectation.sources:
        what = "that starts connections"
    else:
        what = "with an address"
    return (
        f'Expectation "{expectation.name}": {side.key} = {side.selector.text!r} matches '
        f"nothing {what} in the templates checked, so the expectation proves nothing."
    )
