"""What a walk finds: the hops a packet passes, what blocks it, what vpclint cannot know, and
the answer these add up to; ReachError for a query that cannot be answered as asked.

Explanation codes are AWS Reachability Analyzer's where it has one
(https://docs.aws.amazon.com/vpc/latest/reachability/explanation-codes.html); the few it has no
word for (a NAT gateway in a private subnet, an endpoint that private DNS does not reach) are
vpclint's own.
"""

from __future__ import annotations

from typing import Any

from vpclint.records import field, record

REACHABLE, UNREACHABLE, UNKNOWN = "reachable", "unreachable", "unknown"

# Reachability Analyzer's codes.
SG_RULES = "ENI_SG_RULES_MISMATCH"
ACL = "SUBNET_ACL_RESTRICTION"
NO_ROUTE = "NO_ROUTE_TO_DESTINATION"
NO_PUBLIC_IP = "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS"
NO_PUBLIC_IP_INBOUND = "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS"
PRIVATE_ADDRESS_TO_INTERNET = "IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS"
NOT_ATTACHED = "BAD_STATE_ATTACHMENT"
SOURCE_DEST_CHECK = "ENI_SOURCE_DEST_CHECK_RESTRICTION"
PEERING_NOT_TRANSITIVE = "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR"
TGW_NO_ASSOCIATION = "TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION"
TGW_BLACKHOLE = "TGW_RTB_BAD_STATE_ROUTE"
TGW_ZONE = "TGW_ROUTE_AZ_RESTRICTION"
# vpclint's own.
NAT_NOT_PUBLIC = "NAT_NOT_PUBLIC"
PRIVATE_DNS_OFF = "PRIVATE_DNS_OFF"
UNKNOWN_CODE = "UNKNOWN"


class ReachError(Exception):
    """A query vpclint cannot answer as asked: a name that is no resource, address or service."""


@record(frozen=True)
class Hop:
    component: str  # the resource the packet passes (or stops at)
    kind: str  # "security group", "network ACL", "route", ...
    detail: str  # the rule or route that let it through, or why it stopped
    # The evidence behind the words, for comparing two versions of a network (vpclint.diff):
    # the entry the semantics layer named as deciding (a route, a security group rule, a
    # network ACL entry; None when a default decided), and the subnet whose route table or
    # ACL it was.
    by: Any = field(default=None, repr=False, compare=False)
    subnet: Any = field(default=None, repr=False, compare=False)

    def as_json(self) -> dict[str, str]:
        return {"component": self.component, "kind": self.kind, "detail": self.detail}


@record(frozen=True)
class Block:
    """A component that drops the traffic, and how to fix it."""

    code: str
    component: str
    explanation: str
    fix: str


@record
class Path:
    """One walk from a source to a destination (or one branch of it)."""

    hops: list[Hop] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    unknowns: list[Hop] = field(default_factory=list)
    # What must hold beyond the template for the traffic to pass ("the policy of firewall X
    # allows it").
    conditions: list[str] = field(default_factory=list)
    # The gateways, endpoints and appliances passed, in order.
    waypoints: list[str] = field(default_factory=list)
    label: str = ""  # which placement: "from subnet A", "to subnet B"
    address: str = ""  # which address of the internet the branch is about
    note: str = ""  # when only some addresses get through
    # Decisions that passed without a hop of their own (the route the replies take back out):
    # evidence for comparing versions, not shown.
    evidence: list[Hop] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        if self.blocks:
            return UNREACHABLE
        return UNKNOWN if self.unknowns else REACHABLE

    def copy(self) -> Path:
        return Path(
            list(self.hops),
            list(self.blocks),
            list(self.unknowns),
            list(self.conditions),
            list(self.waypoints),
            self.label,
            self.address,
            self.note,
            list(self.evidence),
        )

    def hop(
        self, component: str, kind: str, detail: str, by: Any = None, subnet: Any = None
    ) -> None:
        self.hops.append(Hop(component, kind, detail, by, subnet))

    def block(
        self,
        code: str,
        component: str,
        explanation: str,
        fix: str,
        by: Any = None,
        subnet: Any = None,
    ) -> None:
        self.hops.append(Hop(component, "blocked", explanation, by, subnet))
        if not any(b.code == code and b.explanation == explanation for b in self.blocks):
            self.blocks.append(Block(code, component, explanation, fix))

    def silent(self, component: str, kind: str, detail: str, by: Any, subnet: Any) -> None:
        """A decision that lets the traffic through without a hop of its own."""
        self.evidence.append(Hop(component, kind, detail, by, subnet))

    def unknown(self, component: str, reason: str) -> None:
        self.hops.append(Hop(component, "unknown", reason))
        self.unknowns.append(Hop(component, "unknown", reason))

    def through(self, waypoint: str) -> None:
        if not self.waypoints or self.waypoints[-1] != waypoint:
            self.waypoints.append(waypoint)

    @property
    def via(self) -> str:
        return " → ".join(self.waypoints) or "local route"

    def condition(self, text: str) -> None:
        if text not in self.conditions:
            self.conditions.append(text)


@record
class Answer:
    verdict: str
    hops: list[Hop] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    unknowns: list[Hop] = field(default_factory=list)
    conditions: list[str] = field(default_factory=list)
    via: str = ""
    scope: str = ""  # which placement the answer is about, when it differs between them
    evidence: list[Hop] = field(default_factory=list)  # see Path.evidence

    @property
    def code(self) -> str | None:
        """Why it is unreachable (the first blocking component), or UNKNOWN."""
        if self.blocks:
            return self.blocks[0].code
        return UNKNOWN_CODE if self.verdict == UNKNOWN else None

    @property
    def codes(self) -> list[str]:
        """Every blocking component's code, in path order."""
        return [block.code for block in self.blocks]

    @property
    def explanation(self) -> str:
        if self.blocks:
            return self.blocks[0].explanation
        if self.unknowns:
            return f"the answer depends on what vpclint cannot know: {self.unknowns[0].detail}"
        return ""

    @property
    def fix(self) -> str:
        return self.blocks[0].fix if self.blocks else ""

    @property
    def reasons(self) -> str:
        """Every blocking component with its fix, for a finding's message:
        "(from subnet B) [CODE]: why; fix; and [CODE]: why; fix"."""
        scope = f"({self.scope}) " if self.scope else ""
        return scope + "; and ".join(f"[{b.code}]: {b.explanation}; {b.fix}" for b in self.blocks)

    def as_json(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "via": self.via or None,
            "scope": self.scope or None,
            "code": self.code,
            "codes": self.codes,
            "explanation": self.explanation or None,
            "fix": self.fix or None,
            "blocked": [block.__dict__ for block in self.blocks],
            "unknown": [hop.detail for hop in self.unknowns],
            "conditions": self.conditions,
            "hops": [hop.as_json() for hop in self.hops],
        }


def answer_of(path: Path) -> Answer:
    return Answer(
        path.verdict,
        path.hops,
        path.blocks,
        path.unknowns,
        path.conditions,
        path.via,
        ", ".join(part for part in (path.label, path.note) if part),
        path.evidence,
    )


# -- combining branches -------------------------------------------------------------------------


def all_of(paths: list[Path]) -> Path:
    """Every branch must get through (a workload in each of its subnets): blocked when one is
    blocked, reachable when all are."""
    blocked = [p for p in paths if p.verdict == UNREACHABLE]
    if blocked:
        return _scoped(blocked[0], paths)
    unknown = [p for p in paths if p.verdict == UNKNOWN]
    if unknown:
        return _scoped(unknown[0], paths)
    return _merged(paths)


def one_of(paths: list[Path]) -> Path:
    """One branch is taken and which is not known (a single-AZ database, the endpoint of a
    firewall in some zone): decided only when all branches agree."""
    verdicts = {p.verdict for p in paths}
    if verdicts == {REACHABLE}:
        return _merged(paths)
    if verdicts == {UNREACHABLE}:
        return paths[0]
    path = next(p for p in paths if p.verdict != REACHABLE).copy()
    others = [p for p in paths if p.verdict == REACHABLE]
    if path.verdict == UNREACHABLE:
        # Blocked on one branch, through on another: it depends on which is taken.
        reason = f"blocked {path.label} ({path.blocks[0].explanation}) but not " + (
            others[0].label if others else "on every branch"
        )
        result = Path(path.hops, [], [Hop(path.blocks[0].component, "unknown", reason)])
        result.label = path.label
        return result
    return path


def any_of(paths: list[Path]) -> Path:
    """Some branch getting through is enough (some address of the internet)."""
    through = [p for p in paths if p.verdict == REACHABLE]
    if through and len(through) < len(paths):
        result = through[0].copy()
        result.note = f"only some addresses, such as {result.address}"
        return result
    if through:
        return through[0]
    unknown = [p for p in paths if p.verdict == UNKNOWN]
    return unknown[0] if unknown else paths[0]


def _merged(paths: list[Path]) -> Path:
    first = paths[0].copy()
    first.label = ""  # true of every branch
    for other in paths[1:]:
        for condition in other.conditions:
            first.condition(condition)
    return first


def _scoped(chosen: Path, paths: list[Path]) -> Path:
    """A failing branch when others differ: its label says which placement it is about."""
    if len(paths) > 1 and chosen.label:
        return chosen
    result = chosen.copy()
    result.label = ""
    return result
