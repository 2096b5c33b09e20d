"""Evaluate CloudFormation intrinsic functions against parameters, mappings and conditions.

Whatever cannot be known before deployment becomes `Unknown(reason, mark)`; the resolver never
guesses and never raises on template content.
"""

from __future__ import annotations

import base64
import ipaddress
import re
from collections.abc import Callable, Mapping
from typing import Any

from vpclint.nodes import NOWHERE, MapNode, Mark, SeqNode, mark_of
from vpclint.regions import AVAILABILITY_ZONES
from vpclint.values import NO_VALUE, UNKNOWN_PART, ResourceRef, Unknown

# Past these, a template is an attack or a mistake, not a network: the value becomes Unknown.
MAX_DEPTH = 1000  # nested intrinsic functions, Fn::GetAtt chains included
MAX_TEXT = 4_000_000  # characters of a string built by Fn::Sub, Fn::Join or Fn::Base64
# Patterns are compiled when first used (re caches them), not by every start-up.
_SUB_VARIABLE = r"\$\{([^}]*)\}"
_LIST_TYPES = r"^(List<.*>|CommaDelimitedList|AWS::SSM::Parameter::Value<List<.*>>)$"
# Attributes that name the resource itself, whatever its type.
_ID_ATTRIBUTES = {"Id", "GroupId", "AllocationId"}
# Attributes that name another ID the resource owns.
_OWNED_ID_ATTRIBUTES = {"DefaultSecurityGroup", "DefaultNetworkAcl"}
_NESTED_STACKS = ("AWS::CloudFormation::Stack", "AWS::Serverless::Application")

# Fn::ImportValue of a name: whether a checked stack exports it, and the exported value.
ImportLookup = Callable[[str, Mark], tuple[bool, Any]]
# Fn::GetAtt [Child, Outputs.Name] of a nested stack: the child's output, or Unknown.
OutputLookup = Callable[[str, str, Mark], Any]


def partition_of(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    if region.startswith("us-isob-"):
        return "aws-iso-b"
    if region.startswith("us-iso-"):
        return "aws-iso"
    return "aws"


def url_suffix_of(region: str) -> str:
    return "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"


def as_text(value: Any) -> str | None:
    """A scalar as CloudFormation turns it into a string; None for anything else."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    return None


class Resolver:
    """Resolves values of one template; results are cached, so resolve each part once."""

    def __init__(
        self,
        template: Mapping[str, Any],
        region: str = "us-east-1",
        parameters: Mapping[str, Any] | None = None,
        *,
        stack: str = "",
        stack_name: str | None = None,
        imports: ImportLookup | None = None,
        outputs: OutputLookup | None = None,
    ) -> None:
        # Values from the command line are text; a parent stack passes any resolved value.
        self.overrides = dict(parameters or {})
        # --parameter AWS::Region=... names the region as surely as --region does.
        self.region = self.overrides.pop("AWS::Region", region)
        self.stack = stack  # the key its ResourceRefs carry
        self.stack_name = self.overrides.pop("AWS::StackName", stack_name)
        self._imports = imports
        self._outputs = outputs
        # Every Fn::ImportValue by where it is written: the name asked for (its known text),
        # whether a linked stack exports it, and the resource whose properties hold it.
        self.imported: dict[Mark, tuple[str, bool, str | None]] = {}
        self.resources = _section(template, "Resources")
        self.parameters = _section(template, "Parameters")
        self.mappings = _section(template, "Mappings")
        self.condition_definitions = _section(template, "Conditions")
        metadata = template.get("Metadata") if isinstance(template, Mapping) else None
        self.metadata = metadata if isinstance(metadata, dict) else {}  # the template's own
        self._conditions: dict[str, bool | Unknown] = {}
        self._parameter_values: dict[str, Any] = {}
        self._properties: dict[str, MapNode] = {}
        self._in_progress: set[tuple[str, str]] = set()
        # Fn::Cidr calls whose known inputs cannot be satisfied, by where they are written:
        # why, and the resource whose properties hold the call.
        self.cidr_problems: dict[Mark, tuple[str, str | None]] = {}
        self._attributes: dict[tuple[str, str], Any] = {}
        self._resolving: list[str] = []  # the resources whose properties are being resolved
        self._in_tags = 0
        self._depth = 0
        self._functions = {
            "Fn::ToJsonString": self._to_json_string,
            "Ref": self._ref,
            "Fn::Base64": self._base64,
            "Fn::Cidr": self._cidr,
            "Fn::FindInMap": self._find_in_map,
            "Fn::GetAtt": self._get_att,
            "Fn::GetAZs": self._get_azs,
            "Fn::If": self._if,
            "Fn::ImportValue": self._import_value,
            "Fn::Join": self._join,
            "Fn::Length": self._length,
            "Fn::Select": self._select,
            "Fn::Split": self._split,
            "Fn::Sub": self._sub,
        }

    # -- public -------------------------------------------------------------------------------

    def resolve(self, node: Any) -> Any:
        """The value of a template fragment, with every intrinsic function evaluated."""
        if isinstance(node, dict):
            function = _intrinsic(node)
            if function is not None:
                name, argument = function
                handler = self._functions.get(name)
                if handler is None:
                    return Unknown(f"{name} is not evaluated by vpclint", mark_of(node))
                if self._depth >= MAX_DEPTH:
                    return Unknown(
                        f"intrinsic functions nest deeper than {MAX_DEPTH}", mark_of(node)
                    )
                self._depth += 1
                try:
                    return handler(argument, mark_of(node))
                finally:
                    self._depth -= 1
            result = MapNode(mark_of(node))
            for key, value in node.items():
                if key == "Tags":
                    self._in_tags += 1  # an import used only in tags hides no network
                    try:
                        resolved = self.resolve(value)
                    finally:
                        self._in_tags -= 1
                else:
                    resolved = self.resolve(value)
                if resolved is NO_VALUE:
                    continue
                result[key] = resolved
                if isinstance(node, MapNode):
                    result.key_marks[key] = node.key_marks.get(key, NOWHERE)
                    result.value_marks[key] = node.value_marks.get(key, NOWHERE)
            return result
        if isinstance(node, list):
            items = SeqNode(mark_of(node))
            for index, item in enumerate(node):
                resolved = self.resolve(item)
                if resolved is NO_VALUE:
                    continue
                items.append(resolved)
                marks = getattr(node, "item_marks", None)
                items.item_marks.append(marks[index] if marks else NOWHERE)
            return items
        return node

    def condition(self, name: Any) -> bool | Unknown:
        """The value of a named condition (True, False or Unknown)."""
        if not isinstance(name, str):
            return Unknown("a condition name must be a string", mark_of(name))
        if name in self._conditions:
            return self._conditions[name]
        if name not in self.condition_definitions:
            return Unknown(f"there is no condition named {name}", mark_of(name))
        key = ("condition", name)
        if key in self._in_progress:
            return Unknown(f"condition {name} refers to itself", mark_of(name))
        self._in_progress.add(key)
        try:
            value = self._evaluate_condition(self.condition_definitions[name])
        finally:
            self._in_progress.discard(key)
        self._conditions[name] = value
        return value

    def resource_condition(self, logical_id: str) -> bool | Unknown:
        """Whether the resource is created: its `Condition`, or True when it has none."""
        body = self.resources.get(logical_id)
        if not isinstance(body, dict) or "Condition" not in body:
            return True
        return self.condition(body["Condition"])

    def properties(self, logical_id: str) -> MapNode:
        """The resolved Properties of a resource (empty when it has none)."""
        if logical_id not in self._properties:
            body = self.resources.get(logical_id)
            raw = body.get("Properties") if isinstance(body, dict) else None
            self._resolving.append(logical_id)
            try:
                resolved = self.resolve(raw) if isinstance(raw, dict) else None
            finally:
                self._resolving.pop()
            self._properties[logical_id] = (
                resolved if isinstance(resolved, MapNode) else MapNode(mark_of(raw))
            )
        return self._properties[logical_id]

    def resource_type(self, logical_id: str) -> str | None:
        body = self.resources.get(logical_id)
        kind = body.get("Type") if isinstance(body, dict) else None
        return kind if isinstance(kind, str) else None

    # -- conditions ---------------------------------------------------------------------------

    def _evaluate_condition(self, node: Any) -> bool | Unknown:
        if isinstance(node, bool):
            return node
        if isinstance(node, str) and node.lower() in ("true", "false"):
            return node.lower() == "true"
        function = _intrinsic(node, condition_context=True) if isinstance(node, dict) else None
        if function is None:
            return Unknown("not a condition", mark_of(node))
        name, argument = function
        mark = mark_of(node)
        if name == "Condition":
            return self.condition(argument)
        if name == "Fn::Equals":
            if not isinstance(argument, list) or len(argument) != 2:
                return Unknown("Fn::Equals takes two values", mark)
            left, right = (self.resolve(value) for value in argument)
            for side in (left, right):
                if isinstance(side, Unknown):
                    return Unknown(side.reason, side.mark)
            left_text, right_text = _comparable(left), _comparable(right)
            if left_text is None or right_text is None:
                return Unknown("Fn::Equals compares values vpclint cannot know", mark)
            return left_text == right_text
        if name in ("Fn::And", "Fn::Or", "Fn::Not"):
            if not isinstance(argument, list) or not argument:
                return Unknown(f"{name} takes a list of conditions", mark)
            values = [self._evaluate_condition(item) for item in argument]
            if name == "Fn::Not":
                value = values[0]
                return value if isinstance(value, Unknown) else not value
            decisive = name == "Fn::Or"  # the value that settles the result on its own
            if decisive in values:
                return decisive
            unknown = next((value for value in values if isinstance(value, Unknown)), None)
            return unknown if unknown is not None else not decisive
        return Unknown(f"{name} is not a condition function", mark)

    # -- intrinsic functions ------------------------------------------------------------------

    def _ref(self, name: Any, mark: Mark) -> Any:
        if not isinstance(name, str):
            name = self.resolve(name)
            if not isinstance(name, str):
                return Unknown("Ref takes a name", mark)
        if name in self.overrides:
            return self._parameter(name, mark) if name in self.parameters else self.overrides[name]
        pseudo = self._pseudo_parameter(name, mark)
        if pseudo is not None:
            return pseudo
        if name in self.parameters:
            return self._parameter(name, mark)
        if name in self.resources:
            return ResourceRef(name, stack=self.stack)
        return Unknown(f"Ref to {name}, which the template does not define", mark)

    def _pseudo_parameter(self, name: str, mark: Mark) -> Any:
        if name == "AWS::Region":
            return self.region
        if name == "AWS::Partition":
            return partition_of(self.region)
        if name == "AWS::URLSuffix":
            return url_suffix_of(self.region)
        if name == "AWS::NoValue":
            return NO_VALUE
        if name == "AWS::StackName" and self.stack_name is not None:
            return self.stack_name
        if name in ("AWS::AccountId", "AWS::StackName", "AWS::StackId", "AWS::NotificationARNs"):
            return Unknown(f"{name} is known only at deploy time", mark)
        return None

    def _parameter(self, name: str, mark: Mark) -> Any:
        if name in self._parameter_values:
            return self._parameter_values[name]
        declaration = self.parameters.get(name)
        kind = declaration.get("Type", "String") if isinstance(declaration, dict) else "String"
        kind = kind if isinstance(kind, str) else "String"
        if name in self.overrides:
            raw: Any = self.overrides[name]
        elif kind.startswith("AWS::SSM::Parameter::Value<"):
            raw = Unknown(f"parameter {name} is read from SSM Parameter Store at deploy time", mark)
        elif isinstance(declaration, dict) and "Default" in declaration:
            raw = declaration["Default"]
        else:
            raw = Unknown(f"parameter {name} has no default (pass --parameter {name}=VALUE)", mark)
        value = raw
        if re.match(_LIST_TYPES, kind):
            value = _as_list(raw)
        elif isinstance(raw, bool):
            value = as_text(raw)
        self._parameter_values[name] = value
        return value

    def _base64(self, argument: Any, mark: Mark) -> Any:
        value = self.resolve(argument)
        if isinstance(value, Unknown):
            return Unknown(value.reason, value.mark)
        if isinstance(value, str):
            if len(value) > MAX_TEXT // 2:
                return Unknown(f"Fn::Base64 of more than {MAX_TEXT // 2:,} characters", mark)
            return base64.b64encode(value.encode("utf-8")).decode("ascii")
        return Unknown("Fn::Base64 takes a string", mark)

    def _cidr(self, argument: Any, mark: Mark) -> Any:
        if not isinstance(argument, list) or len(argument) != 3:
            return Unknown("Fn::Cidr takes [block, count, bits]", mark)
        block, count, bits = (self.resolve(item) for item in argument)
        for value in (block, count, bits):
            if isinstance(value, Unknown):
                return Unknown(value.reason, value.mark)
        blocks = cidr_blocks(block, count, bits, mark)
        if isinstance(blocks, Unknown):  # known inputs, impossible request
            holder = self._resolving[-1] if self._resolving and not self._in_tags else None
            self.cidr_problems[mark] = (blocks.reason, holder)
        return blocks

    def _find_in_map(self, argument: Any, mark: Mark) -> Any:
        if not isinstance(argument, list) or len(argument) not in (3, 4):
            return Unknown("Fn::FindInMap takes [map, key, key]", mark)
        keys = [self.resolve(item) for item in argument[:3]]
        for key in keys:
            if isinstance(key, Unknown):
                return Unknown(key.reason, key.mark)
        names = [as_text(key) for key in keys]
        if None in names:
            return Unknown("Fn::FindInMap keys must be strings", mark)
        found: Any = self.mappings
        for name in names:
            found = found.get(name) if isinstance(found, dict) else None
            if found is None:
                break
        if found is None:
            if (
                len(argument) == 4
                and isinstance(argument[3], dict)
                and "DefaultValue" in argument[3]
            ):
                return self.resolve(argument[3]["DefaultValue"])
            return Unknown(f"mapping {'/'.join(map(str, names))} does not exist", mark)
        # Mappings hold literal values: CloudFormation evaluates no function inside them.
        return found

    def _get_att(self, argument: Any, mark: Mark) -> Any:
        if not isinstance(argument, list) or len(argument) != 2:
            return Unknown("Fn::GetAtt takes [resource, attribute]", mark)
        logical_id, attribute = argument[0], self.resolve(argument[1])
        if not isinstance(logical_id, str) or not isinstance(attribute, str):
            return Unknown("Fn::GetAtt with an unknown attribute name", mark)
        body = self.resources.get(logical_id)
        if not isinstance(body, dict):
            return Unknown(f"Fn::GetAtt of {logical_id}, which is not a resource", mark)
        raw_properties = body.get("Properties")
        if isinstance(raw_properties, dict) and attribute in raw_properties:
            key = (logical_id, attribute)
            if key in self._attributes:  # resolved once: a value used many times costs once
                return self._attributes[key]
            if key in self._in_progress:
                return Unknown(f"{logical_id}.{attribute} refers to itself", mark)
            self._in_progress.add(key)
            self._resolving.append(logical_id)
            try:
                value = self.resolve(raw_properties[attribute])
            finally:
                self._in_progress.discard(key)
                self._resolving.pop()
            self._attributes[key] = value
            return value
        kind = body.get("Type")
        if kind in _NESTED_STACKS and attribute.startswith("Outputs."):
            if self._outputs is None:
                return Unknown(f"{logical_id}.{attribute} comes from a nested stack", mark)
            return self._outputs(logical_id, attribute.partition(".")[2], mark)
        if kind == "AWS::NetworkFirewall::Firewall" and attribute == "EndpointIds":
            return self._firewall_endpoints(logical_id, mark)
        if _is_own_id_attribute(kind, attribute):
            return ResourceRef(logical_id, stack=self.stack)
        if attribute in _OWNED_ID_ATTRIBUTES:
            return ResourceRef(logical_id, attribute, self.stack)
        return Unknown(f"{logical_id}.{attribute} is known only after deployment", mark)

    def _firewall_endpoints(self, logical_id: str, mark: Mark) -> Any:
        """A Network Firewall's EndpointIds: one "az:vpce-id" per subnet mapping, in an order
        AWS does not promise; each keeps its parts, so that `Fn::Split` and `Fn::Select` of it
        name the firewall's endpoint (which zone's is not known)."""
        mappings = self.properties(logical_id).get("SubnetMappings")
        if not isinstance(mappings, list):
            return Unknown(f"the subnets of firewall {logical_id} are not known", mark)
        zone = ResourceRef(logical_id, "EndpointZone", self.stack)
        endpoint = ResourceRef(logical_id, "EndpointId", self.stack)
        reason = f"the endpoint IDs of firewall {logical_id} are known only after deployment"
        return [
            Unknown(
                reason, mark, text=f"{UNKNOWN_PART}:{UNKNOWN_PART}", parts=(zone, ":", endpoint)
            )
            for _ in mappings
        ]

    def _get_azs(self, argument: Any, mark: Mark) -> Any:
        region = self.region if argument in ("", None) else self.resolve(argument)
        if region in ("", None):
            region = self.region
        if isinstance(region, Unknown):
            return Unknown(region.reason, region.mark)
        if not isinstance(region, str):
            return Unknown("Fn::GetAZs takes a region name", mark)
        zones = AVAILABILITY_ZONES.get(region)
        if zones is None:
            return Unknown(f"vpclint does not know the Availability Zones of {region}", mark)
        return list(zones)

    def _if(self, argument: Any, mark: Mark) -> Any:
        if not isinstance(argument, list) or len(argument) != 3:
            return Unknown("Fn::If takes [condition, value if true, value if false]", mark)
        decided = self.condition(argument[0])
        if isinstance(decided, Unknown):
            options = (self.resolve(argument[1]), self.resolve(argument[2]))
            return Unknown(f"condition {argument[0]} is undecided", mark, options=options)
        return self.resolve(argument[1] if decided else argument[2])

    def _import_value(self, argument: Any, mark: Mark) -> Any:
        name = self.resolve(argument)
        shown = name if isinstance(name, str) else (getattr(name, "text", None) or "?")
        shown = shown.replace(UNKNOWN_PART, "…")
        holder = self._resolving[-1] if self._resolving and not self._in_tags else None
        if isinstance(name, str) and self._imports is not None:
            matched, value = self._imports(name, mark)
            self.imported[mark] = (shown, matched, holder)
            return value
        if isinstance(name, Unknown):
            shown = f"{shown} (a name not known: {name.reason})"
        self.imported[mark] = (shown, False, holder)
        return Unknown(f"imported from another stack ({shown})", mark)

    def _to_json_string(self, argument: Any, mark: Mark) -> Any:
        import json

        value = self.resolve(argument)
        if _holds_unknown(value):
            return Unknown("Fn::ToJsonString of a value vpclint cannot know", mark)
        try:
            return json.dumps(value, separators=(",", ":"))
        except (TypeError, ValueError):
            return Unknown("Fn::ToJsonString of a value that is not JSON", mark)

    def _join(self, argument: Any, mark: Mark) -> Any:
        if not isinstance(argument, list) or len(argument) != 2:
            return Unknown("Fn::Join takes [delimiter, list]", mark)
        delimiter, items = self.resolve(argument[0]), self.resolve(argument[1])
        if not isinstance(delimiter, str):
            return Unknown("Fn::Join with an unknown delimiter", mark)
        if not isinstance(items, list):
            if isinstance(items, Unknown):
                return Unknown(items.reason, items.mark)
            return Unknown("Fn::Join takes a list", mark)
        return _concatenate(_interleave(items, delimiter), mark)

    def _length(self, argument: Any, mark: Mark) -> Any:
        items = self.resolve(argument)
        return (
            len(items)
            if isinstance(items, list)
            else Unknown("Fn::Length of an unknown list", mark)
        )

    def _select(self, argument: Any, mark: Mark) -> Any:
        if not isinstance(argument, list) or len(argument) != 2:
            return Unknown("Fn::Select takes [index, list]", mark)
        index, items = self.resolve(argument[0]), self.resolve(argument[1])
        if isinstance(items, Unknown):
            return Unknown(items.reason, items.mark)
        if isinstance(index, Unknown):
            return Unknown(index.reason, index.mark)
        try:
            position = int(index)
        except (TypeError, ValueError, OverflowError):
            return Unknown(f"Fn::Select index {index!r} is not a number", mark)
        if not isinstance(items, list):
            return Unknown("Fn::Select from something that is not a list", mark)
        if not 0 <= position < len(items):
            return Unknown(
                f"Fn::Select index {position} is out of range for a list of {len(items)}", mark
            )
        return items[position]

    def _split(self, argument: Any, mark: Mark) -> Any:
        if not isinstance(argument, list) or len(argument) != 2:
            return Unknown("Fn::Split takes [delimiter, string]", mark)
        delimiter, source = self.resolve(argument[0]), self.resolve(argument[1])
        if isinstance(source, Unknown) and source.parts is not None and isinstance(delimiter, str):
            pieces = split_parts(source.parts, delimiter)
            if pieces is not None:
                return pieces
        if isinstance(source, Unknown):
            return Unknown(source.reason, source.mark, text=source.text)
        if not isinstance(delimiter, str) or not delimiter or not isinstance(source, str):
            return Unknown("Fn::Split takes a delimiter and a string", mark)
        return source.split(delimiter)

    def _sub(self, argument: Any, mark: Mark) -> Any:
        variables: dict[str, Any] = {}
        if isinstance(argument, list):
            if len(argument) != 2 or not isinstance(argument[1], dict):
                return Unknown("Fn::Sub takes a string, or [string, variables]", mark)
            text, variables = argument[0], {k: self.resolve(v) for k, v in argument[1].items()}
        else:
            text = argument
        if not isinstance(text, str):
            return Unknown("Fn::Sub takes a string", mark)
        parts: list[Any] = []
        position = 0
        for match in re.finditer(_SUB_VARIABLE, text):
            parts.append(text[position : match.start()])
            position = match.end()
            name = match.group(1)
            if name.startswith("!"):
                parts.append("${" + name[1:] + "}")
            elif name in variables:
                parts.append(variables[name])
            elif "." in name and name.split(".", 1)[0] in self.resources:
                parts.append(self._get_att(name.split(".", 1), mark))
            else:
                parts.append(self._ref(name.strip(), mark))
        parts.append(text[position:])
        return _concatenate(parts, mark)


def cidr_blocks(block: Any, count: Any, bits: Any, mark: Mark = NOWHERE) -> list[str] | Unknown:
    """`Fn::Cidr`: the first `count` blocks with `bits` host bits each, cut from `block`."""
    try:
        if not all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in (count, bits)):
            raise ValueError
        network = ipaddress.ip_network(str(block), strict=False)
        count, bits = int(count), int(bits)
    except ValueError:
        return Unknown(f"Fn::Cidr of {block!r}, {count!r}, {bits!r} is not valid", mark)
    prefix = network.max_prefixlen - bits
    if not 1 <= count <= 256:
        return Unknown(f"Fn::Cidr count {count} is outside 1 to 256", mark)
    if bits < 1 or prefix < network.prefixlen:
        return Unknown(f"Fn::Cidr cannot cut blocks of {bits} host bits from {network}", mark)
    available = 2 ** (prefix - network.prefixlen)
    if count > available:
        return Unknown(
            f"Fn::Cidr asks for {count} blocks of /{prefix} but {network} holds {available}", mark
        )
    size = 2**bits
    start = int(network.network_address)
    block_type = type(network)  # an IPv6 block stays IPv6 even for small numbers
    return [str(block_type((start + i * size, prefix))) for i in range(count)]


def _section(template: Mapping[str, Any], name: str) -> dict[str, Any]:
    section = template.get(name) if isinstance(template, Mapping) else None
    return section if isinstance(section, dict) else {}


def _intrinsic(node: dict, condition_context: bool = False) -> tuple[str, Any] | None:
    """(name, argument) when the mapping is a single intrinsic function call."""
    if len(node) != 1:
        return None
    ((name, argument),) = node.items()
    if name == "Ref" or name.startswith("Fn::") or (condition_context and name == "Condition"):
        return name, argument
    return None


def _is_own_id_attribute(kind: Any, attribute: str) -> bool:
    # AWS::EC2::VPC.VpcId, AWS::EC2::Subnet.SubnetId, AWS::EC2::NatGateway.NatGatewayId, ...
    if attribute in _ID_ATTRIBUTES:
        return True
    return isinstance(kind, str) and attribute.lower() == kind.rsplit("::", 1)[-1].lower() + "id"


def _comparable(value: Any) -> Any:
    if isinstance(value, list):
        items = [_comparable(item) for item in value]
        return None if None in items else items
    return as_text(value)


def _interleave(items: list[Any], delimiter: str) -> list[Any]:
    parts: list[Any] = []
    for item in items:
        if item is NO_VALUE:
            continue
        if parts:
            parts.append(delimiter)
        parts.append(item)
    return parts


def _concatenate(parts: list[Any], mark: Mark) -> str | Unknown:
    """Join string parts; any unknown part makes the whole Unknown, keeping the known text."""
    texts: list[str] = []
    pieces: list[Any] | None = []  # known text and references, while nothing else is unknown
    reason = None
    for part in parts:
        text = as_text(part)
        if text is not None:
            texts.append(text)
            if pieces is not None:
                pieces.append(text)
            continue
        if isinstance(part, Unknown):
            reason = reason or part.reason
            texts.append(part.text if part.text is not None else UNKNOWN_PART)
            if pieces is not None and part.parts is not None:
                pieces.extend(part.parts)
            else:
                pieces = None
        else:
            reason = reason or f"{part} is known only after deployment"
            texts.append(UNKNOWN_PART)
            if pieces is not None and isinstance(part, ResourceRef):
                pieces.append(part)
            else:
                pieces = None
    if sum(len(text) for text in texts) > MAX_TEXT:
        return Unknown(f"the string would be longer than {MAX_TEXT:,} characters", mark)
    if reason is None:
        return "".join(texts)
    return Unknown(reason, mark, text="".join(texts), parts=tuple(pieces) if pieces else None)


def split_parts(parts: tuple[Any, ...], delimiter: str) -> list[Any] | None:
    """`Fn::Split` of a string kept as parts: the pieces, each known text or one reference;
    None when a piece would mix a reference with text (its value is not known)."""
    pieces: list[list[Any]] = [[]]
    for part in parts:
        if isinstance(part, str):
            chunks = part.split(delimiter)
            if chunks[0]:
                pieces[-1].append(chunks[0])
            for chunk in chunks[1:]:
                pieces.append([chunk] if chunk else [])
        else:
            pieces[-1].append(part)
    result: list[Any] = []
    for piece in pieces:
        if len(piece) == 1:
            result.append(piece[0])
        elif not piece:
            result.append("")
        elif all(isinstance(p, str) for p in piece):
            result.append("".join(piece))
        else:
            return None
    return result


def _as_list(raw: Any) -> Any:
    """A list parameter's value: from a list, or from comma-separated text (or parts)."""
    if isinstance(raw, list):
        return [item if isinstance(item, (ResourceRef, Unknown)) else as_text(item) for item in raw]
    if isinstance(raw, Unknown):
        if raw.parts is not None:
            pieces = split_parts(raw.parts, ",")
            if pieces is not None:
                return [p.strip() if isinstance(p, str) else p for p in pieces]
        return raw
    if isinstance(raw, ResourceRef):
        return [raw]
    text = as_text(raw)
    return [part.strip() for part in text.split(",")] if text else []


def _holds_unknown(value: Any) -> bool:
    if isinstance(value, (Unknown, ResourceRef)) or value is NO_VALUE:
        return True
    if isinstance(value, dict):
        return any(_holds_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(_holds_unknown(v) for v in value)
    return False
