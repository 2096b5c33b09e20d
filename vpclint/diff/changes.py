"""What a change does to the network: the paths it opens and closes, and why.

The reachability matrix of each version (vpclint.reach.matrix: every workload and the internet,
to every workload, the internet and the AWS services they use) on the TCP and UDP ports the
templates name.
Cells are matched by the keys of their ends (stack + logical ID). A cell whose answer changes is
explained by the entries that decided the walk in one version and do not exist in the other (a
route, a security group rule, a network ACL entry, a subnet's association), then by what changed
about the ends themselves (added, removed, moved, other groups, a public address).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from vpclint.diff.evidence import Entry, association, entry_of, index
from vpclint.diff.versions import Version
from vpclint.findings import Finding
from vpclint.model import TCP, UDP, Network, Resource, placement_of
from vpclint.reach import REACHABLE, UNKNOWN, UNREACHABLE, Answer
from vpclint.reach.places import INTERNET
from vpclint.records import field, record
from vpclint.values import Unknown

OPENED, CLOSED, NOW_UNKNOWN, NOW_KNOWN = "opened", "closed", "unknown", "known"
REROUTED = "rerouted"  # reachable in both, through other gateways, endpoints or appliances
ABSENT = "absent"  # an end that does not exist in that version
# Always asked: HTTPS, which AWS services and most workloads answer on.
WELL_KNOWN = (443,)
MAX_PORTS = 16  # the lowest ports named beyond that are dropped: the matrix grows with each


@record(frozen=True)
class Cause:
    """What made a path change: "PublicRouteTable gains 0.0.0.0/0 → internet gateway IGW"."""

    text: str
    resource: str  # the key of the resource that writes it
    path: str  # the file, as the report names it
    line: int
    version: str  # "old" or "new": which version's file the line is in


@record
class PathChange:
    change: str  # opened, closed, unknown, known
    source: str
    destination: str
    port: int
    before: str  # reachable, unreachable, unknown, absent
    after: str
    causes: list[Cause] = field(default_factory=list)
    reason: str = ""  # why the answer is unknown, when it is
    via: tuple[str, str] | None = None  # the way before and after, when it is rerouted
    protocol: str = "tcp"  # or "udp"

    @property
    def from_internet(self) -> bool:
        return self.source == INTERNET


@record
class Diff:
    old: Version
    new: Version
    ports: list[int]  # TCP
    paths: list[PathChange] = field(default_factory=list)
    added: list[Finding] = field(default_factory=list)
    fixed: list[Finding] = field(default_factory=list)
    udp_ports: list[int] = field(default_factory=list)

    def count(self, change: str) -> int:
        return sum(1 for p in self.paths if p.change == change)

    @property
    def opened_from_internet(self) -> int:
        return sum(1 for p in self.paths if p.change == OPENED and p.from_internet)


def compare(old: Version, new: Version, ports: list[int] | None = None) -> Diff:
    """The change from `old` to `new` on the TCP `ports` (by default those the templates name)
    and on the UDP ports their security groups name."""
    ports = ports or ports_of([old.network, new.network])
    udp_ports = udp_ports_of([old.network, new.network])
    before = _cells(old.network, ports, udp_ports)
    after = _cells(new.network, ports, udp_ports)
    result = Diff(old, new, ports, udp_ports=udp_ports)
    if old.network is not None or new.network is not None:
        explain = _Explainer(old, new)
        for key in _ordered(before, after):
            change = _change(key, before.get(key), after.get(key))
            if change is not None:
                change.causes = explain.causes(key, before.get(key), after.get(key))
                result.paths.append(change)
    result.added, result.fixed = _findings(old.findings, new.findings)
    return result


# -- the matrix -----------------------------------------------------------------------------------


def ports_of(networks: list[Network | None]) -> list[int]:
    """The TCP ports the templates name: security group ingress rules of one port (or the first
    of a range), load balancer listeners, target groups and the ports of workloads (a database's),
    with HTTPS; the lowest MAX_PORTS of them."""
    named = _ingress_ports(networks, TCP) | set(WELL_KNOWN)
    for network in networks:
        if network is None:
            continue
        for balancer in network.load_balancers:
            named.update(p for p in balancer.listener_ports if isinstance(p, int))
        for target_group in network.target_groups:
            if isinstance(target_group.port, int):
                named.add(target_group.port)
        for resource in network.workloads:
            port = getattr(resource, "port", None)
            if isinstance(port, int) and not isinstance(port, bool):
                named.add(port)
    return _lowest(named)


def udp_ports_of(networks: list[Network | None]) -> list[int]:
    """The UDP ports the templates' security groups admit (one port, or the first of a range):
    DNS, VPN or game traffic opens and closes like TCP; the lowest MAX_PORTS of them."""
    return _lowest(_ingress_ports(networks, UDP))


def _ingress_ports(networks: list[Network | None], protocol: str) -> set[int]:
    """The port (or the first of the range) of each ingress rule of the protocol."""
    return {
        rule.port_range[0]  # type: ignore[index]
        for network in networks
        if network is not None
        for group in network.security_groups
        for rule in group.ingress
        if rule.protocol == protocol and rule.port_range not in (None, (0, 65535))
    }


def _lowest(ports: set[int]) -> list[int]:
    return sorted(p for p in ports if 0 < p <= 65535)[:MAX_PORTS]


Key = tuple[str, str, int, str]  # source, destination, port, protocol


def _cells(network: Network | None, ports: list[int], udp_ports: list[int]) -> dict[Key, Answer]:
    if network is None:
        return {}
    from vpclint.reach.matrix import matrix

    cells: dict[Key, Answer] = {}
    for protocol, asked in (("tcp", ports), ("udp", udp_ports)):
        if not asked:
            continue
        found = matrix(network, asked, protocol)
        keys = {name: _key_of(network, name) for name in {*found.sources, *found.destinations}}
        services = (
            set(found.destinations)
            - set(found.sources)
            - {d for d in found.destinations if network.find(d) is not None}
        )
        for cell in found.cells:
            # The internet does not connect to AWS services through the template's network.
            if cell.answer is None or (cell.source == INTERNET and cell.destination in services):
                continue
            key = (keys[cell.source], keys[cell.destination], cell.port, protocol)
            cells[key] = cell.answer
    return cells


def _key_of(network: Network, name: str) -> str:
    """A matrix end by stack and logical ID; the internet and services by their names."""
    if name == INTERNET:
        return name
    resource = network.find(name)
    return resource.key if resource is not None else name


def _ordered(before: dict[Key, Answer], after: dict[Key, Answer]) -> list[Key]:
    keys = list(after) + [k for k in before if k not in after]
    # From the internet first, then TCP before UDP, by port, source and destination.
    return sorted(
        dict.fromkeys(keys), key=lambda k: (k[0] != INTERNET, k[3] != "tcp", k[2], k[0], k[1])
    )


def _change(key: Key, old: Answer | None, new: Answer | None) -> PathChange | None:
    before = old.verdict if old is not None else ABSENT
    after = new.verdict if new is not None else ABSENT
    if before == after:
        if before == REACHABLE and old is not None and new is not None and old.via != new.via:
            return PathChange(
                REROUTED,
                key[0],
                key[1],
                key[2],
                before,
                after,
                via=(old.via, new.via),
                protocol=key[3],
            )
        return None
    shut = (UNREACHABLE, ABSENT)
    if after == REACHABLE and before in shut:
        kind = OPENED
    elif before == REACHABLE and after in shut:
        kind = CLOSED
    elif after == UNKNOWN:
        kind = NOW_UNKNOWN
    elif before == UNKNOWN and after != ABSENT:
        kind = NOW_KNOWN
    else:
        return None  # not there, then not reachable (or the reverse): nothing opens
    reason = ""
    for answer in (new, old):
        if answer is not None and answer.verdict == UNKNOWN and answer.unknowns:
            reason = answer.unknowns[0].detail
            break
    return PathChange(kind, key[0], key[1], key[2], before, after, reason=reason, protocol=key[3])


# -- why ------------------------------------------------------------------------------------------


class _Explainer:
    def __init__(self, old: Version, new: Version) -> None:
        self.old, self.new = old, new
        self.entries = {"old": index(old.network), "new": index(new.network)}

    def causes(self, key: Key, old: Answer | None, new: Answer | None) -> list[Cause]:
        causes = [cause for end in key[:2] for cause in self._ends(end)]
        gained = self._unmatched(new, "old")
        lost = self._unmatched(old, "new")
        causes.extend(self._described(gained, lost))
        if not causes:
            causes = self._first_difference(old, new)
        return list({(c.text, c.path, c.line): c for c in causes}.values())

    def _first_difference(self, old: Answer | None, new: Answer | None) -> list[Cause]:
        """No entry of either version explains it (a gateway attachment, a VPC setting): the
        first hop where the walks part, at the resource it names."""
        for side, answer, other in (("new", new, old), ("old", old, new)):
            if answer is None:
                continue
            seen = {(h.component, h.kind, h.detail) for h in (other.hops if other else [])}
            version = self.new if side == "new" else self.old
            for hop in answer.hops:
                if (hop.component, hop.kind, hop.detail) in seen:
                    continue
                resource = _found(version.network, hop.component)
                if resource is None:
                    continue
                text = f"{'now' if side == 'new' else 'before'}: {hop.detail}"
                return [self._of(resource, text, side)]
        return []

    def _unmatched(self, answer: Answer | None, other: str) -> list[Entry]:
        """The entries that decided `answer` and that the other version does not have."""
        if answer is None:
            return []
        found: dict[tuple[Any, ...], Entry] = {}
        for hop in [*answer.hops, *answer.evidence]:
            entries = [entry_of(hop.by)]
            if hop.subnet is not None and hop.kind in ("route", "route back", "blocked"):
                entries.append(association(hop.subnet, "route table"))
            if hop.subnet is not None and hop.kind in ("network ACL", "blocked"):
                entries.append(association(hop.subnet, "network ACL"))
            for entry in entries:
                if entry is not None and entry.identity not in self.entries[other]:
                    found.setdefault(entry.identity, entry)
        return list(found.values())

    def _described(self, gained: list[Entry], lost: list[Entry]) -> list[Cause]:
        """One cause per entry gained or lost; one entry lost and one gained in the same place
        (the same route, rule resource, ACL entry, or subnet association) is one that changed."""
        waiting: dict[tuple[Any, ...], list[Entry]] = {}
        for entry in lost:
            waiting.setdefault(_slot(entry), []).append(entry)
        causes = []
        for entry in gained:
            was = waiting.get(_slot(entry))
            before = was.pop(0) if was else None
            if entry.identity[0] == "association":
                text = f"{entry.owner} now uses {entry.text}"
                text += f" instead of {before.text}" if before is not None else ""
            elif before is not None:
                text = f"{entry.owner} changes {before.text} to {entry.text}"
            else:
                text = f"{entry.owner} gains {entry.text}"
            causes.append(self._at(entry, text, "new"))
        for entries in waiting.values():
            for entry in entries:
                if entry.identity[0] == "association":
                    text = f"{entry.owner} no longer uses {entry.text}"
                else:
                    text = f"{entry.owner} loses {entry.text}"
                causes.append(self._at(entry, text, "old"))
        return causes

    def _at(self, entry: Entry, text: str, side: str) -> Cause:
        version = self.new if side == "new" else self.old
        return Cause(text, entry.resource, version.path_of(entry.path), entry.line, side)

    def _ends(self, key: str) -> list[Cause]:
        """What changed about an end itself: added, removed, moved, guarded otherwise."""
        old = self.old.network.resources.get(key) if self.old.network else None
        new = self.new.network.resources.get(key) if self.new.network else None
        if old is None and new is not None:
            return [self._of(new, f"{new.logical_id} is added", "new")]
        if new is None and old is not None:
            return [self._of(old, f"{old.logical_id} is removed", "old")]
        if old is None and new is None:
            return self._service(key)
        if old is None or new is None:
            return []
        before, after = placement_of(old), placement_of(new)
        if before is None or after is None:
            return []
        causes = []
        pairs = (
            ("subnets", _keys(before.subnets), _keys(after.subnets)),
            ("security groups", _keys(before.groups), _keys(after.groups)),
        )
        for what, was, now in pairs:
            if was != now:
                text = f"{new.logical_id}'s {what} change from {_list(was)} to {_list(now)}"
                causes.append(self._of(new, text, "new"))
        if _text(before.public_ip) != _text(after.public_ip):
            verb = "gets" if after.public_ip is True else "loses"
            causes.append(self._of(new, f"{new.logical_id} {verb} a public address", "new"))
        return causes

    def _service(self, name: str) -> list[Cause]:
        """The endpoints of an AWS service that one version has and the other does not."""
        found: dict[str, dict[str, Resource]] = {}
        for side, version in (("old", self.old), ("new", self.new)):
            endpoints = version.network.endpoints if version.network is not None else []
            found[side] = {e.key: e for e in endpoints if e.service == name and e.certain}
        causes = []
        for key, endpoint in found["new"].items():
            if key not in found["old"]:
                text = f"{endpoint.logical_id} is added (an endpoint for {name})"
                causes.append(self._of(endpoint, text, "new"))
        for key, endpoint in found["old"].items():
            if key not in found["new"]:
                text = f"{endpoint.logical_id} is removed (an endpoint for {name})"
                causes.append(self._of(endpoint, text, "old"))
        return causes

    def _of(self, resource: Resource, text: str, side: str) -> Cause:
        version = self.new if side == "new" else self.old
        path = resource.origin.path if resource.origin else ""
        return Cause(text, resource.key, version.path_of(path), resource.mark.line, side)


def _found(network: Network | None, name: str) -> Resource | None:
    if network is None:
        return None
    try:
        return network.find(name)
    except Exception:  # an ambiguous name: no line to point at
        return None


def _slot(entry: Entry) -> tuple[Any, ...]:
    """Where an entry is written, whatever it says."""
    if entry.identity[0] == "association":
        return entry.identity[:3]
    return (entry.identity[0], entry.owner, entry.resource)


def _keys(values: Any) -> tuple[str, ...]:
    if isinstance(values, Unknown) or values is None:
        return ("?",) if isinstance(values, Unknown) else ()
    return tuple(sorted(v.key if isinstance(v, Resource) else "?" for v in values))


def _list(keys: tuple[str, ...]) -> str:
    return ", ".join(keys) if keys else "none"


def _text(value: Any) -> str:
    return "?" if isinstance(value, Unknown) else str(value)


# -- findings -------------------------------------------------------------------------------------


def _findings(old: list[Finding], new: list[Finding]) -> tuple[list[Finding], list[Finding]]:
    """Findings added and fixed, matched by rule, stack, resource and message (not line)."""

    def key(finding: Finding) -> tuple[Any, ...]:
        return (finding.rule, finding.stack or "", finding.resource, finding.message)

    before = Counter(key(f) for f in old)
    after = Counter(key(f) for f in new)
    added, fixed = [], []
    for finding in new:
        if before[key(finding)] > 0:
            before[key(finding)] -= 1
        else:
            added.append(finding)
    for finding in old:
        if after[key(finding)] > 0:
            after[key(finding)] -= 1
        else:
            fixed.append(finding)
    return added, fixed
