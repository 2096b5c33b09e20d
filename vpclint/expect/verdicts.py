"""Expectations checked: every (source, destination) pair their selectors match, walked with
`vpclint.reach.reach` on each port, and sorted into broken, undecided and held.

Worked out once per network (the three rules that report them share it) and kept in
`Network.memo`.
"""

from __future__ import annotations

from typing import Any

from vpclint.expect import Expectation, Side
from vpclint.expect.declared import Unreadable
from vpclint.expect.selectors import RESOURCE, names
from vpclint.model import Network, Resource
from vpclint.records import field, record

BROKEN, UNDECIDED, HELD = "broken", "undecided", "held"


@record
class Outcome:
    expectation: Expectation
    source: str  # an end as `reach` takes it: a resource's key, "internet", a service, a block
    destination: str
    port: int | None
    verdict: str  # BROKEN, UNDECIDED or HELD
    answer: Any = None  # vpclint.reach.Answer; None when the walk could not be asked
    reason: str = ""  # why it could not be decided, when the answer does not say


@record
class Unmatched:
    expectation: Expectation
    side: Side


@record
class Outcomes:
    checked: list[Outcome] = field(default_factory=list)
    unmatched: list[Unmatched] = field(default_factory=list)
    unreadable: list[Unreadable] = field(default_factory=list)

    def of(self, verdict: str) -> list[Outcome]:
        return [outcome for outcome in self.checked if outcome.verdict == verdict]


def outcomes(network: Network) -> Outcomes:
    """The outcome of every expectation of the network, worked out on first use."""
    found = network.memo.get("expectation outcomes")
    if found is None:
        found = network.memo["expectation outcomes"] = _check(network)
    result: Outcomes = found
    return result


def matched_keys(network: Network) -> set[str]:
    """The keys of the configuration's selectors that match something in this network (a
    selector is reported as matching nothing only when no unit of the run matches it)."""
    return {
        side.key
        for expectation in network.expectations
        if isinstance(expectation, Expectation) and not expectation.in_template
        for sides, as_source in ((expectation.sources, True), (expectation.destinations, False))
        for side in sides
        if side_names(network, side, as_source)
    }


def _check(network: Network) -> Outcomes:
    result = Outcomes()
    for expectation in network.expectations:
        if isinstance(expectation, Unreadable):
            result.unreadable.append(expectation)
            continue
        sources = _ends(network, expectation, expectation.sources, result, as_source=True)
        destinations = _ends(network, expectation, expectation.destinations, result)
        for source in sources:
            for destination in destinations:
                if source == destination:
                    continue
                for port in expectation.ports:
                    result.checked.append(_walk(network, expectation, source, destination, port))
    return result


def _ends(
    network: Network,
    expectation: Expectation,
    sides: tuple[Side, ...],
    result: Outcomes,
    as_source: bool = False,
) -> list[str]:
    ends: dict[str, None] = {}
    for side in sides:
        found = side_names(network, side, as_source)
        if not found:
            result.unmatched.append(Unmatched(expectation, side))
        ends.update(dict.fromkeys(found))
    return list(ends)


def side_names(network: Network, side: Side, as_source: bool) -> list[str]:
    """The ends a side of an expectation stands for. As a source, a tier, tag or type stands
    for what starts connections: a database or a cache only answers them (one named by its
    logical ID is walked from as asked)."""
    found = names(network, side.selector)
    if as_source and side.selector.kind != RESOURCE:
        found = [name for name in found if not _answers_only(network, name)]
    return found


def _answers_only(network: Network, name: str) -> bool:
    resource = network.resources.get(name)
    return bool(getattr(resource, "answers_only", False))


def _walk(
    network: Network, expectation: Expectation, source: str, destination: str, port: int | None
) -> Outcome:
    from vpclint.reach import REACHABLE, UNREACHABLE, ReachError, reach

    def outcome(verdict: str, answer: Any = None, reason: str = "") -> Outcome:
        return Outcome(expectation, source, destination, port, verdict, answer, reason)

    try:
        answer = reach(network, source, destination, port=port or 0, protocol=expectation.protocol)
    except ReachError as error:
        return outcome(UNDECIDED, reason=str(error))
    if answer.verdict == REACHABLE and answer.conditions:
        # Through only if a firewall or appliance vpclint cannot see lets it: not decided.
        return outcome(UNDECIDED, answer, "only if " + "; ".join(answer.conditions))
    if answer.verdict == REACHABLE:
        return outcome(HELD if expectation.reachable else BROKEN, answer)
    if answer.verdict == UNREACHABLE:
        return outcome(BROKEN if expectation.reachable else HELD, answer)
    reasons = list(dict.fromkeys(hop.detail for hop in answer.unknowns))
    return outcome(UNDECIDED, answer, "; ".join(reasons))


# -- for the rules' messages ----------------------------------------------------------------------


def shown(network: Network, end: str) -> str:
    """An end as a message names it: the logical ID (the key when several stacks declare it),
    the internet, a service, a block."""
    if end == "internet":
        return "the internet"
    resource = network.resources.get(end)
    if resource is None:
        return end if "/" in end else f"the {end} service"  # a block, or a service
    same = [r for r in network.resources.values() if r.logical_id == resource.logical_id]
    return resource.logical_id if len(same) == 1 else resource.key


def traffic(outcome: Outcome) -> str:
    from vpclint.reach import flow_of

    return flow_of(outcome.expectation.protocol, outcome.port).label()


def subject_of(network: Network, outcome: Outcome, prefer_source: bool) -> Resource:
    """What a finding points at: the resource whose Metadata holds the expectation; else, for
    the configuration's, the pair's resource the fix most likely concerns (the destination of
    a path that must not exist, the source of one that must)."""
    expectation = outcome.expectation
    return where_written(network, expectation) or _pair_resource(network, outcome, prefer_source)


def where_written(network: Network, item: Expectation | Unreadable) -> Resource | None:
    """The resource (or the template) whose Metadata holds an expectation; None for the
    configuration's."""
    from vpclint.model import Origin

    if item.line == 0:
        return None
    if item.owner is not None and item.owner in network.resources:
        return network.resources[item.owner]
    return _template(Origin(item.source, item.stack), item.line, item.column, item.owner)


def _pair_resource(network: Network, outcome: Outcome, prefer_source: bool) -> Resource:
    ends = [outcome.source, outcome.destination]
    if not prefer_source:
        ends.reverse()
    for end in ends:
        if end in network.resources:
            return network.resources[end]
    # Neither end is a resource (the internet to a block): the first template of the network.
    first = next(iter(network.resources.values()), None)
    origin = first.origin if first is not None else None
    return _template(origin, 1, 1, None)


def _template(origin: Any, line: int, column: int, owner: str | None) -> Resource:
    from vpclint.nodes import Mark

    return Resource(
        owner.rsplit("/", 1)[-1] if owner else "",
        "AWS::CloudFormation::Template",
        Mark(line, column),
        origin=origin,
    )
