"""`vpclint scopes`: the "must not reach" expectations as AWS Network Access Analyzer scopes.

Each expectation with `reachable = false` becomes one `AWS::EC2::NetworkInsightsAccessScope`
whose MatchPaths are the paths that must not exist, so that AWS keeps checking the same intent
after deployment
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-networkinsightsaccessscope.html).
Its ends, as Network Access Analyzer's resource statements take them
(https://docs.aws.amazon.com/vpc/latest/network-access-analyzer/resource-statement.html):

- `internet`: resource type `AWS::EC2::InternetGateway`;
- an instance, a subnet, a network interface or a VPC endpoint: its ID;
- any other workload (a database, a function, a service): the IDs of its security groups;
- an address or block (destinations): the packet header's destination addresses.

A template's resources have no ID before they are deployed, so each becomes a parameter of the
generated template (typed where CloudFormation has a type for it). The port and protocol are
the destination's packet header statement. AWS services as destinations have no statement and
are left out, with a note. Selectors pick the same resources as the checks do. ExcludePaths
holds the paths that expectations with `reachable = true` require to the same destinations, on
the same ports: a security group names all its members, so a scope about one workload's group
would otherwise report the path another member is meant to have.
"""

from __future__ import annotations

import re
from typing import Any

from vpclint import records
from vpclint.expect import Expectation
from vpclint.expect.selectors import CIDR, INTERNET, SERVICE, names
from vpclint.model import Instance, Network, NetworkInterface, Resource, Subnet, VpcEndpoint
from vpclint.records import field, record

# Parameter types CloudFormation checks a value against (AWS-specific parameter types).
_PARAMETER_TYPES = {
    Instance: "AWS::EC2::Instance::Id",
    Subnet: "AWS::EC2::Subnet::Id",
}
_IGW = {"ResourceStatement": {"ResourceTypes": ["AWS::EC2::InternetGateway"]}}


@record
class Scopes:
    template: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what could not be expressed, and why

    @property
    def count(self) -> int:
        return len(self.template.get("Resources", {}))


def scopes(network: Network) -> Scopes:
    result = Scopes()
    parameters: dict[str, dict[str, Any]] = {}
    resources: dict[str, dict[str, Any]] = {}
    for expectation in network.expectations:
        if not isinstance(expectation, Expectation) or expectation.reachable:
            continue
        paths = _paths(network, expectation, parameters, result.notes)
        if not paths:
            result.notes.append(
                f'"{expectation.name}": nothing to match (its selectors match nothing a '
                "scope can name)"
            )
            continue
        name = _logical_id(expectation.name, resources)
        properties: dict[str, Any] = {"MatchPaths": paths}
        excluded = _required(network, expectation, paths, parameters)
        if excluded:
            properties["ExcludePaths"] = excluded
        resources[name] = {
            "Type": "AWS::EC2::NetworkInsightsAccessScope",
            "Properties": {
                **properties,
                "Tags": [
                    {"Key": "Name", "Value": expectation.name[:255]},
                    {"Key": "vpclint:expectation", "Value": expectation.key[:255]},
                ],
            },
        }
    template: dict[str, Any] = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "Paths that must not exist, for Network Access Analyzer (vpclint scopes)",
    }
    if parameters:
        template["Parameters"] = parameters
    template["Resources"] = resources
    if resources:
        template["Outputs"] = {
            f"{name}Id": {"Description": "The ID of the scope", "Value": {"Ref": name}}
            for name in resources
        }
    result.template = template
    return result


def _paths(
    network: Network,
    expectation: Expectation,
    parameters: dict[str, dict[str, Any]],
    notes: list[str],
) -> list[dict[str, Any]]:
    sources = _statements(network, expectation, expectation.sources, parameters, notes)
    destinations = _statements(network, expectation, expectation.destinations, parameters, notes)
    protocol = expectation.protocol
    if protocol not in ("tcp", "udp"):
        notes.append(f'"{expectation.name}": Network Access Analyzer matches TCP and UDP only')
        return []
    header: dict[str, Any] = {
        "DestinationPorts": [str(port) for port in expectation.ports],
        "Protocols": [protocol],
    }
    paths = []
    for source in sources:
        for destination in destinations:
            if source == destination:
                continue
            packet = {**destination.get("PacketHeaderStatement", {}), **header}
            target = {**destination, "PacketHeaderStatement": packet}
            paths.append({"Source": source, "Destination": target})
    return paths


def _required(
    network: Network,
    forbidden: Expectation,
    matched: list[dict[str, Any]],
    parameters: dict[str, dict[str, Any]],
) -> list[dict[str, Any]]:
    """The paths other expectations require (`reachable = true`) to a destination this scope
    matches, on its protocol and ports: excluded, so that a resource statement wider than the
    expectation's sources (the security group a public and a private workload share) does not
    report the path that is meant to exist."""
    destinations = [_without_header(path["Destination"]) for path in matched]
    excluded: list[dict[str, Any]] = []
    for required in network.expectations:
        if not isinstance(required, Expectation) or not required.reachable:
            continue
        ports = [port for port in required.ports if port in forbidden.ports]
        if required.protocol != forbidden.protocol or not ports:
            continue
        scratch: dict[str, dict[str, Any]] = {}
        narrowed = records.replace(required, ports=tuple(ports))
        for path in _paths(network, narrowed, scratch, []):
            if _without_header(path["Destination"]) in destinations and path not in excluded:
                excluded.append(path)
                parameters.update(
                    (name, scratch[name]) for name in _references(path) if name in scratch
                )
    return excluded


def _without_header(statement: dict[str, Any]) -> dict[str, Any]:
    """A destination statement without its ports and protocols (addresses kept)."""
    header = {
        key: value
        for key, value in statement.get("PacketHeaderStatement", {}).items()
        if key not in ("DestinationPorts", "Protocols")
    }
    bare = {key: value for key, value in statement.items() if key != "PacketHeaderStatement"}
    return {**bare, "PacketHeaderStatement": header} if header else bare


def _references(node: Any) -> list[str]:
    if isinstance(node, dict):
        if set(node) == {"Ref"}:
            return [node["Ref"]]
        return [name for value in node.values() for name in _references(value)]
    if isinstance(node, list):
        return [name for value in node for name in _references(value)]
    return []


def _statements(
    network: Network,
    expectation: Expectation,
    sides: tuple[Any, ...],
    parameters: dict[str, dict[str, Any]],
    notes: list[str],
) -> list[dict[str, Any]]:
    statements: list[dict[str, Any]] = []
    for side in sides:
        selector = side.selector
        if selector.kind == INTERNET:
            statements.append(_IGW)
        elif selector.kind == CIDR:
            statements.append({"PacketHeaderStatement": {"DestinationAddresses": [selector.value]}})
        elif selector.kind == SERVICE:
            notes.append(
                f'"{expectation.name}": {side.key} = {selector.text!r}: an AWS service has no '
                "resource statement; left out"
            )
        else:
            ids: list[Any] = []
            for key in names(network, selector):
                ids.extend(_ids(network.resources[key], parameters))
            if ids:
                unique = list({repr(i): i for i in ids}.values())
                statements.append({"ResourceStatement": {"Resources": unique}})
    return statements


def _ids(resource: Resource, parameters: dict[str, dict[str, Any]]) -> list[Any]:
    """References to the IDs that stand for a resource: its own, or its security groups'."""
    from vpclint.model import SecurityGroup, placement_of

    if isinstance(resource, (Instance, Subnet, NetworkInterface, VpcEndpoint)):
        return [_parameter(resource, parameters)]
    placement = placement_of(resource)
    groups = placement.groups if placement is not None else None
    found = [g for g in groups if isinstance(g, SecurityGroup)] if isinstance(groups, list) else []
    if found:
        return [_parameter(group, parameters) for group in found]
    subnets = placement.subnets if placement is not None else []
    return [_parameter(subnet, parameters) for subnet in subnets]


def _parameter(resource: Resource, parameters: dict[str, dict[str, Any]]) -> dict[str, str]:
    name = re.sub(r"[^A-Za-z0-9]", "", resource.key) + "Id"
    kind = next(
        (t for cls, t in _PARAMETER_TYPES.items() if isinstance(resource, cls)),
        "AWS::EC2::SecurityGroup::Id" if resource.type == "AWS::EC2::SecurityGroup" else "String",
    )
    where = f" of stack {resource.stack}" if resource.stack else ""
    parameters[name] = {
        "Type": kind,
        "Description": f"The ID of {resource.logical_id} ({resource.type}){where}, once deployed",
    }
    return {"Ref": name}


def _logical_id(name: str, taken: dict[str, Any]) -> str:
    words = re.findall(r"[A-Za-z0-9]+", name)
    base = ("".join(w[:1].upper() + w[1:] for w in words) or "Expectation")[:200] + "Scope"
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}{number}", number + 1
    return candidate


def render(template: dict[str, Any], output_format: str) -> str:
    import json

    if output_format == "json":
        return json.dumps(template, indent=2, ensure_ascii=False) + "\n"
    import io

    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False  # keep the template's order
    yaml.width = 100
    # CloudFormation rejects YAML aliases: a statement shared by two paths is written twice.
    yaml.representer.ignore_aliases = lambda _data: True
    stream = io.StringIO()
    yaml.dump(template, stream)
    return stream.getvalue()
