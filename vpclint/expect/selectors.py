"""Selectors: how an expectation (or any command) names the ends of a flow.

| selector | selects |
|---|---|
| `Db`, `net/Db` | that resource (a workload or a subnet); STACK/ID for one of several |
| `tier:private`, `tier:public` | the workloads placed in subnets of that intent (the model's) |
| `subnet:AppSubnetA` | the workloads placed in that subnet |
| `tag:Role=app` | the workloads and subnets tagged so |
| `type:AWS::RDS::DBInstance` | the workloads (or subnets) of that type |
| `internet` | the internet |
| `ssm`, `ecr.api`, `com.amazonaws.eu-west-1.ssm` | an AWS service (destinations only) |
| `10.0.0.0/16`, `10.0.1.5` | an address or block (destinations only) |

`parse` checks the syntax, with no template at hand (a configuration error otherwise);
`names` finds what a selector stands for in a network, as names `vpclint.reach.reach` takes.
"""

from __future__ import annotations

import ipaddress
import re
from typing import TYPE_CHECKING

from vpclint.records import record

if TYPE_CHECKING:
    from vpclint.model import Network, Resource

RESOURCE, TIER, SUBNET, TAG, TYPE, INTERNET, SERVICE, CIDR = (
    "resource",
    "tier",
    "subnet",
    "tag",
    "type",
    "internet",
    "service",
    "cidr",
)
# Kinds that cannot start a connection: reach walks from a resource or the internet.
DESTINATION_ONLY = (SERVICE, CIDR)
TIERS = ("public", "private")

_LOGICAL_ID = re.compile(r"^[A-Za-z0-9]+$")
_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9]+$")  # STACK/LogicalId
_TYPE = re.compile(r"^[A-Za-z0-9]+::[A-Za-z0-9]+::[A-Za-z0-9]+$")
_SERVICE = re.compile(r"^[a-z][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)+$")
_NUMERIC = re.compile(r"^[0-9a-fA-F.:/]+$")
_PREFIXES = ("tier", "subnet", "tag", "type")


@record(frozen=True)
class Selector:
    kind: str
    value: str  # the resource's name, the tier, the type, "Key=Value", the service, the block
    text: str  # as written

    def __str__(self) -> str:
        return self.text


def parse(text: object) -> Selector:
    """The selector a string stands for; ValueError saying what is wrong with it."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError("expected a selector (a string such as 'tier:private' or 'Database')")
    text = text.strip()
    prefix, colon, rest = text.partition(":")
    if colon and prefix in _PREFIXES:
        return _prefixed(prefix, rest, text)
    if text == "internet":
        return Selector(INTERNET, text, text)
    if _NUMERIC.match(text) and any(c in text for c in ".:") and not _LOGICAL_ID.match(text):
        try:
            block = ipaddress.ip_network(text, strict=False)
        except ValueError:
            raise ValueError(f"{text!r} is not a valid IP address or CIDR block") from None
        return Selector(CIDR, str(block), text)
    service = _service(text)
    if service is not None:
        return Selector(SERVICE, service, text)
    if _LOGICAL_ID.match(text) or _KEY.match(text):
        return Selector(RESOURCE, text, text)
    raise ValueError(
        f"{text!r} is not a selector: name a logical ID, 'internet', an AWS service, a CIDR, "
        "or use tier:, subnet:, tag:Key=Value or type:AWS::Service::Resource"
    )


def _prefixed(prefix: str, rest: str, text: str) -> Selector:
    if prefix == "tier":
        if rest not in TIERS:
            raise ValueError(f"{text!r}: a tier is 'public' or 'private'")
        return Selector(TIER, rest, text)
    if prefix == "subnet":
        if not (_LOGICAL_ID.match(rest) or _KEY.match(rest)):
            raise ValueError(f"{text!r}: name the subnet by its logical ID")
        return Selector(SUBNET, rest, text)
    if prefix == "tag":
        key, equals, value = rest.partition("=")
        if not equals or not key.strip():
            raise ValueError(f"{text!r}: write a tag as tag:Key=Value")
        return Selector(TAG, f"{key.strip()}={value.strip()}", text)
    if not _TYPE.match(rest):
        raise ValueError(f"{text!r}: a type reads like type:AWS::RDS::DBInstance")
    return Selector(TYPE, rest, text)


def _service(text: str) -> str | None:
    """The short service name of "ssm", "ecr.api" or "com.amazonaws.eu-west-1.ssm"; a short
    name must be one vpclint knows, so that a misspelt logical ID is not taken for a service."""
    from vpclint.model import service_of
    from vpclint.reach.places import SERVICES

    if text.startswith(("com.amazonaws.", "aws.")) and _SERVICE.match(text):
        return service_of(text)
    return text if text in SERVICES else None


# -- what a selector stands for in a network ----------------------------------------------------


def names(network: Network, selector: Selector) -> list[str]:
    """The ends a selector stands for, as `reach` takes them (resource keys, "internet", a
    service, a block); empty when it matches nothing."""
    if selector.kind == INTERNET:
        return ["internet"]
    if selector.kind == SERVICE:
        return [selector.value]
    if selector.kind == CIDR:
        return [selector.value]
    return [resource.key for resource in resources(network, selector)]


def resources(network: Network, selector: Selector) -> list[Resource]:
    """The resources of the network a selector picks (none for the internet, a service or a
    block)."""
    from vpclint.model import Subnet

    if selector.kind == RESOURCE:
        found = _find(network, selector.value)
        return [found] if found is not None and found.certain and _placeable(found) else []
    candidates = [r for r in network.resources.values() if r.certain and not r.implicit]
    if selector.kind == TYPE:
        return [r for r in candidates if r.type == selector.value and _placeable(r)]
    if selector.kind == TAG:
        key, _, value = selector.value.partition("=")
        return [
            r
            for r in candidates
            if (isinstance(r, Subnet) or _workload(r)) and _placeable(r) and _tagged(r, key, value)
        ]
    if selector.kind == TIER:
        return [
            r
            for r in candidates
            if _workload(r)
            and _placeable(r)
            and any(s.intent.tier.value == selector.value for s in _subnets(r))
        ]
    if selector.kind == SUBNET:
        subnet = _find(network, selector.value)
        if not isinstance(subnet, Subnet):
            return []
        return [r for r in candidates if _workload(r) and _placeable(r) and subnet in _subnets(r)]
    return []


def _workload(resource: Resource) -> bool:
    """What starts or answers connections, as `vpclint reach --matrix` lists them: instances,
    load balancers, functions, containers, databases, ... and loose network interfaces; not the
    network's own parts (a NAT gateway, an endpoint), which a logical ID or type: still names."""
    from vpclint.model import Instance, LoadBalancer, NetworkInterface, Workload

    loose = isinstance(resource, NetworkInterface) and resource.instance is None
    return loose or isinstance(resource, (Instance, LoadBalancer, Workload))


def _find(network: Network, name: str) -> Resource | None:
    from vpclint.model import AmbiguousName

    try:
        return network.find(name)
    except AmbiguousName:
        return None


def _placeable(resource: Resource) -> bool:
    """Whether a walk can start or end at the resource: a subnet, or a resource with a place
    (an interface attached to an instance is the instance's)."""
    from vpclint.model import NetworkInterface, Subnet, placement_of

    if isinstance(resource, Subnet):
        return True
    if isinstance(resource, NetworkInterface) and resource.instance is not None:
        return False
    try:
        return placement_of(resource) is not None
    except Exception:  # a resource whose placement cannot be worked out is no end
        return False


def _subnets(resource: Resource) -> list:
    from vpclint.model import placement_of

    placement = placement_of(resource)
    return list(placement.subnets) if placement is not None else []


def _tagged(resource: Resource, key: str, value: str) -> bool:
    tags = resource.properties.get("Tags") if hasattr(resource.properties, "get") else None
    if isinstance(tags, dict):  # SAM and a few others write tags as a map
        return tags.get(key) == value
    if isinstance(tags, list):
        return any(
            isinstance(tag, dict) and tag.get("Key") == key and tag.get("Value") == value
            for tag in tags
        )
    return False
