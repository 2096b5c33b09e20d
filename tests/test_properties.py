"""Property tests: random but well-formed templates through the resolver, builder and rules.

A generator builds templates as Python dicts: Parameters (with and without defaults, of list,
number, SSM and odd types), Conditions (Fn::Equals/And/Or/Not/Condition, missing names, cycles),
Mappings, and resources of the types the network model knows (VPC, Subnet, RouteTable, Route,
SubnetRouteTableAssociation, InternetGateway, VPCGatewayAttachment, NatGateway, EIP,
SecurityGroup with inline rules, SecurityGroupIngress/Egress, VPCEndpoint, Instance). Property
values are plausible literals or intrinsic functions nested a few levels (Ref to parameters,
resources, pseudo-parameters and unknown names; Fn::GetAtt, Sub, Join, Select out of range,
Split, If on missing conditions, FindInMap, Cidr with bad arguments, GetAZs, ImportValue,
Base64, functions in the wrong place and arguments of the wrong type). Mapping values stay
literals (CloudFormation allows nothing else; a self-referencing Fn::FindInMap inside a mapping
has its own test below).

Properties:
  1. lint never raises, and gives neither internal errors nor a FileResult.error;
  2. the same template gives the same findings on repeated runs (in one process, and in
     processes with different hash seeds);
  3. the YAML text (long-form intrinsics) and the equivalent JSON text load to the same data and
     give the same findings (rule, resource, message; lines differ);
  4. circular Ref/GetAtt/Sub/DependsOn between resources, and circular conditions, neither
     crash nor hang.

The generator is written once against a small "chooser" interface, so hypothesis drives it
(with shrinking) and a seeded random.Random drives it for the subprocess hash-seed test.

The default run is deterministic (derandomize=True) and short. For a long campaign:

    VPCLINT_LONG_FUZZ=1 .venv/bin/python -m pytest tests/test_properties.py

which raises the number of examples per property from 40 to 1,500 (VPCLINT_FUZZ_EXAMPLES=N
sets it directly).
"""

from __future__ import annotations

import io
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from vpclint.lint import FileResult, LintOptions, lint_file
from vpclint.loader import parse

LONG = os.environ.get("VPCLINT_LONG_FUZZ", "") not in ("", "0")
EXAMPLES = int(os.environ.get("VPCLINT_FUZZ_EXAMPLES", 1500 if LONG else 40))
VPCLINT = Path(sys.executable).parent / "vpclint"

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# -- a time limit that vpclint's `except Exception` cannot swallow -----------------------------


class TimeLimitExceeded(BaseException):
    """Raised by time_limit; a BaseException so that lint_file's safety nets let it through."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    def expire(signum: int, frame: Any) -> None:
        raise TimeLimitExceeded(f"took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# -- the generator ----------------------------------------------------------------------------


class RandomChooser:
    """Choices from a seeded random.Random."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)

    def choice(self, items: list[Any]) -> Any:
        return self.random.choice(items)

    def integer(self, low: int, high: int) -> int:
        return self.random.randint(low, high)

    def chance(self, percent: int) -> bool:
        return self.random.randrange(100) < percent


class DrawChooser:
    """Choices drawn by hypothesis, so that failures shrink (towards the first item, the lowest
    number, and "no")."""

    def __init__(self, draw: Any) -> None:
        self.draw = draw

    def choice(self, items: list[Any]) -> Any:
        return self.draw(st.sampled_from(items))

    def integer(self, low: int, high: int) -> int:
        return self.draw(st.integers(low, high))

    def chance(self, percent: int) -> bool:
        return self.draw(st.integers(0, 99)) >= 100 - percent


PSEUDO_PARAMETERS = [
    "AWS::Region",
    "AWS::AccountId",
    "AWS::NoValue",
    "AWS::Partition",
    "AWS::URLSuffix",
    "AWS::StackName",
    "AWS::StackId",
    "AWS::NotificationARNs",
    "AWS::Nope",
]
PARAMETER_TYPES = [
    "String",
    "Number",
    "CommaDelimitedList",
    "List<AWS::EC2::Subnet::Id>",
    "List<Number>",
    "AWS::EC2::VPC::Id",
    "AWS::SSM::Parameter::Value<String>",
    "AWS::SSM::Parameter::Value<List<String>>",
    7,
]
LITERALS: dict[str, list[Any]] = {
    "cidr": [
        "10.0.0.0/16",
        "10.0.1.0/24",
        "10.0.2.0/24",
        "10.0.0.0/8",
        "10.1.0.0/16",
        "192.168.0.0/16",
        "172.16.0.0/12",
        "100.64.0.0/10",
        "0.0.0.0/0",
        "1.0.0.0/0",
        "10.0.0.5/24",
        "10.0.0.0/28",
        "10.0.0.0/30",
        "10.0.0.0/33",
        "300.1.1.1/16",
        "10.0.0.0",
        "not-a-cidr",
        "",
    ],
    "cidr6": ["::/0", "2001:db8::/56", "2001:db8:1::/64", "fe80::/10x", ""],
    "port": [0, 22, 80, 443, 3306, 1024, 65535, -1, 70000, "443", "22", "-1", "abc", 1.5],
    "protocol": ["tcp", "TCP", "udp", "icmp", "icmpv6", "-1", -1, 6, "6", "17", "58", "all", 256],
    "bool": [True, False, "true", "false", "True", "FALSE", "yes", 1, 0],
    "az": ["us-east-1a", "us-east-1b", "us-east-1c", "eu-west-1a", "", "mars-1a"],
    "service": [
        "com.amazonaws.us-east-1.s3",
        "com.amazonaws.us-east-1.dynamodb",
        "com.amazonaws.us-east-1.ssm",
        "com.amazonaws.us-east-1.ssmmessages",
        "com.amazonaws.us-east-1.ec2messages",
        "com.amazonaws.us-east-1.logs",
        "com.amazonaws.eu-west-1.s3",
        "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0",
        "s3",
    ],
    "endpoint_type": ["Gateway", "Interface", "GatewayLoadBalancer", "gateway", "Bogus"],
    "connectivity": ["public", "private", "Public"],
    "text": [
        "x",
        "",
        "private",
        "public-a",
        "PrivateSubnetA",
        "dmz",
        "ünïcödé",
        "a: b",
        "${x}",
        "- y",
        "null",
        "true",
        "yes",
        "0x1F",
        "1e3",
        "2010-09-09",
        "10.0.0.0/16",
        " padded ",
        "#hash",
        "multi\nline",
    ],
    "id": [
        "vpc-0123456789abcdef0",
        "subnet-0123",
        "rtb-0123",
        "igw-0123",
        "vgw-0123",
        "nat-0123",
        "eipalloc-0123",
        "sg-0123",
        "vpce-0123",
        "i-0123",
        "local",
        "pl-0123",
    ],
    "list_text": ["a,b,c", "10.0.0.0/24,10.0.1.0/24", "", "subnet-1,subnet-2"],
}
GETATT_ATTRIBUTES = [
    "CidrBlock",
    "VpcId",
    "GroupId",
    "Id",
    "SubnetId",
    "AllocationId",
    "DefaultSecurityGroup",
    "DefaultNetworkAcl",
    "AvailabilityZone",
    "Tags",
    "CidrBlockAssociations",
    "PublicIp",
    "Nope",
]
WRONG_TYPES: list[Any] = [None, 0, 3, -7, 2.5, True, [], {}, ["x", 1], {"Key": "Value"}]
REGIONS = ["us-east-1", "eu-west-1", "cn-north-1", "us-gov-west-1", "mars-1"]

E = "AWS::EC2::"
SPECS: dict[str, dict[str, str]] = {
    E + "VPC": {
        "CidrBlock": "cidr",
        "EnableDnsSupport": "bool",
        "EnableDnsHostnames": "bool",
        "Tags": "tags",
    },
    E + "Subnet": {
        "VpcId": "ref:VPC",
        "CidrBlock": "cidr",
        "Ipv6CidrBlock": "cidr6",
        "AvailabilityZone": "az",
        "MapPublicIpOnLaunch": "bool",
        "Tags": "tags",
    },
    E + "RouteTable": {"VpcId": "ref:VPC", "Tags": "tags"},
    E + "Route": {
        "RouteTableId": "ref:RouteTable",
        "DestinationCidrBlock": "cidr",
        "DestinationIpv6CidrBlock": "cidr6",
        "GatewayId": "ref:InternetGateway",
        "NatGatewayId": "ref:NatGateway",
        "VpcEndpointId": "ref:VPCEndpoint",
        "InstanceId": "ref:Instance",
    },
    E + "SubnetRouteTableAssociation": {"SubnetId": "ref:Subnet", "RouteTableId": "ref:RouteTable"},
    E + "InternetGateway": {"Tags": "tags"},
    E + "VPCGatewayAttachment": {
        "VpcId": "ref:VPC",
        "InternetGatewayId": "ref:InternetGateway",
        "VpnGatewayId": "id",
    },
    E + "NatGateway": {
        "SubnetId": "ref:Subnet",
        "AllocationId": "ref:EIP",
        "ConnectivityType": "connectivity",
    },
    E + "EIP": {"Domain": "text", "InstanceId": "ref:Instance"},
    E + "SecurityGroup": {
        "GroupDescription": "text",
        "VpcId": "ref:VPC",
        "SecurityGroupIngress": "rules:Source",
        "SecurityGroupEgress": "rules:Destination",
    },
    E + "SecurityGroupIngress": {
        "GroupId": "ref:SecurityGroup",
        "IpProtocol": "protocol",
        "FromPort": "port",
        "ToPort": "port",
        "CidrIp": "cidr",
        "CidrIpv6": "cidr6",
        "SourceSecurityGroupId": "ref:SecurityGroup",
        "SourcePrefixListId": "id",
    },
    E + "SecurityGroupEgress": {
        "GroupId": "ref:SecurityGroup",
        "IpProtocol": "protocol",
        "FromPort": "port",
        "ToPort": "port",
        "CidrIp": "cidr",
        "DestinationSecurityGroupId": "ref:SecurityGroup",
    },
    E + "VPCEndpoint": {
        "VpcId": "ref:VPC",
        "ServiceName": "service",
        "VpcEndpointType": "endpoint_type",
        "RouteTableIds": "refs:RouteTable",
        "SubnetIds": "refs:Subnet",
        "SecurityGroupIds": "refs:SecurityGroup",
        "PrivateDnsEnabled": "bool",
    },
    E + "Instance": {
        "SubnetId": "ref:Subnet",
        "SecurityGroupIds": "refs:SecurityGroup",
        "ImageId": "text",
        "IamInstanceProfile": "text",
        "NetworkInterfaces": "interfaces",
    },
}
KINDS = list(SPECS)
NAME_PREFIXES = ["", "Public", "Private", "Isolated", "App", "Dmz"]
MAX_DEPTH = 3


class Generator:
    """Builds one template from a chooser; see the module docstring."""

    def __init__(self, chooser: RandomChooser | DrawChooser) -> None:
        self.c = chooser
        self.parameters: list[str] = []
        self.conditions: list[str] = []
        self.mappings: dict[str, dict[str, dict[str, Any]]] = {}
        self.resources: dict[str, str] = {}  # logical ID → type

    # -- the template -------------------------------------------------------------------------

    def template(self) -> dict[str, Any]:
        c = self.c
        self.parameters = [f"Param{i}" for i in range(c.integer(0, 3))]
        self.conditions = [f"Cond{i}" for i in range(c.integer(0, 3))]
        for i in range(c.integer(0, 2)):
            self.mappings[f"Map{i}"] = {
                key: {
                    second: self.literal(c.choice(["cidr", "text", "az", "id", "list"]))
                    for second in ("A", "B")[: c.integer(1, 2)]
                }
                for key in ("us-east-1", "Key", "eu-west-1")[: c.integer(1, 3)]
            }
        for i in range(c.integer(1, 9)):
            kind = c.choice(KINDS)
            self.resources[f"{c.choice(NAME_PREFIXES)}{kind.rsplit('::', 1)[1]}{i}"] = kind
        template: dict[str, Any] = {"AWSTemplateFormatVersion": "2010-09-09"}
        if self.parameters:
            template["Parameters"] = {name: self.parameter() for name in self.parameters}
        if self.mappings:
            template["Mappings"] = self.mappings
        if self.conditions:
            template["Conditions"] = {name: self.condition(0) for name in self.conditions}
        template["Resources"] = {
            name: self.resource(name, kind) for name, kind in self.resources.items()
        }
        return template

    def parameter(self) -> dict[str, Any]:
        c = self.c
        declaration: dict[str, Any] = {"Type": c.choice(PARAMETER_TYPES)}
        if c.chance(60):
            declaration["Default"] = self.literal(
                c.choice(["cidr", "text", "port", "list_text", "az", "id", "list"])
            )
        return declaration

    def condition(self, depth: int) -> Any:
        c = self.c
        kind = c.choice(["Equals", "And", "Or", "Not", "Condition", "Equals", "wrong"])
        if depth >= MAX_DEPTH or kind == "Equals":
            sides = [self.equals_side(), self.equals_side()]
            return {"Fn::Equals": sides if c.chance(92) else sides[:1]}
        if kind in ("And", "Or"):
            return {f"Fn::{kind}": [self.condition(depth + 1) for _ in range(c.integer(0, 3))]}
        if kind == "Not":
            return {"Fn::Not": [self.condition(depth + 1)]}
        if kind == "Condition":
            return {"Condition": self.condition_name()}
        return c.choice([True, "false", "Cond", ["x"], {"Fn::If": ["Cond0", True, False]}])

    def equals_side(self) -> Any:
        c = self.c
        options: list[Any] = [
            "x",
            "us-east-1",
            "",
            "true",
            1,
            {"Ref": "AWS::Region"},
            {"Ref": "AWS::AccountId"},
            {"Fn::Select": [0, {"Fn::GetAZs": ""}]},
        ]
        options += [{"Ref": name} for name in self.parameters]
        return c.choice(options)

    def condition_name(self) -> Any:
        return self.c.choice([*self.conditions, "MissingCondition", 5])

    def resource(self, name: str, kind: str) -> dict[str, Any]:
        c = self.c
        body: dict[str, Any] = {"Type": kind}
        properties = {key: self.value(hint, 0) for key, hint in SPECS[kind].items() if c.chance(65)}
        if properties or c.chance(50):
            body["Properties"] = properties
        if c.chance(20):
            body["Condition"] = self.condition_name()
        if c.chance(20):
            depends = [c.choice([*self.resources, "Missing"]) for _ in range(c.integer(1, 2))]
            body["DependsOn"] = depends if c.chance(50) else depends[0]
        if kind == E + "Subnet" and c.chance(20):
            body["Metadata"] = {"vpclint": {"tier": c.choice(["private", "public", "odd", 3])}}
        return body

    # -- values -------------------------------------------------------------------------------

    def value(self, hint: str, depth: int) -> Any:
        roll = self.c.integer(0, 99)
        if depth >= MAX_DEPTH or roll < 55:
            return self.literal(hint)
        if roll < 92:
            return self.intrinsic(hint, depth + 1)
        return self.c.choice(WRONG_TYPES)

    def literal(self, hint: str) -> Any:
        c = self.c
        if hint.startswith("ref:"):
            wanted = E + hint[4:]
            same_kind = [name for name, kind in self.resources.items() if kind == wanted]
            target = c.choice(same_kind or list(self.resources))
            return c.choice(
                [
                    {"Ref": target},
                    {"Fn::GetAtt": [target, c.choice(["Id", "GroupId", "AllocationId"])]},
                    c.choice(LITERALS["id"]),
                ]
            )
        if hint.startswith("refs:"):
            return [self.value("ref:" + hint[5:], MAX_DEPTH - 1) for _ in range(c.integer(0, 3))]
        if hint.startswith("rules:"):
            return [self.security_group_rule(hint[6:]) for _ in range(c.integer(0, 3))]
        if hint == "tags":
            return [
                {"Key": c.choice(["Name", "Name", "Tier", "name"]), "Value": self.value("text", 1)}
                for _ in range(c.integer(0, 2))
            ]
        if hint == "interfaces":
            return [
                {
                    "DeviceIndex": str(index),
                    "SubnetId": self.value("ref:Subnet", 1),
                    "GroupSet": self.value("refs:SecurityGroup", 1),
                    "AssociatePublicIpAddress": self.value("bool", 1),
                }
                for index in range(c.integer(0, 2))
            ]
        if hint == "list":
            return [self.literal(c.choice(["cidr", "text", "az"])) for _ in range(c.integer(0, 3))]
        return c.choice(LITERALS.get(hint, LITERALS["text"]))

    def security_group_rule(self, peer_prefix: str) -> Any:
        c = self.c
        if c.chance(10):
            return self.intrinsic("text", 1)
        rule: dict[str, Any] = {
            key: self.value(hint, 1)
            for key, hint in (("IpProtocol", "protocol"), ("FromPort", "port"), ("ToPort", "port"))
            if c.chance(85)
        }
        peer = c.choice(["CidrIp", "CidrIpv6", f"{peer_prefix}SecurityGroupId", "none", "two"])
        if peer in ("CidrIp", "two"):
            rule["CidrIp"] = self.value("cidr", 1)
        if peer in ("CidrIpv6", "two"):
            rule["CidrIpv6"] = self.value("cidr6", 1)
        if peer.endswith("SecurityGroupId"):
            rule[peer] = self.value("ref:SecurityGroup", 1)
        return rule

    def any_name(self) -> Any:
        return self.c.choice(
            [*self.parameters, *self.resources, *PSEUDO_PARAMETERS, "Unknown", "Unknown.Attr"]
        )

    def intrinsic(self, hint: str, depth: int) -> Any:
        c = self.c
        name = c.choice(
            [
                "Ref",
                "Ref",
                "GetAtt",
                "Sub",
                "Join",
                "Select",
                "Split",
                "If",
                "If",
                "FindInMap",
                "Cidr",
                "GetAZs",
                "ImportValue",
                "Base64",
                "misplaced",
            ]
        )
        resources = [*self.resources, "Missing"]
        if name == "Ref":
            return {"Ref": self.any_name() if c.chance(95) else c.choice([["x"], 1, None])}
        if name == "GetAtt":
            argument: Any = [c.choice(resources), c.choice(GETATT_ATTRIBUTES)]
            if c.chance(10):
                argument = c.choice(
                    [f"{argument[0]}.{argument[1]}", argument[:1], [*argument, "x"]]
                )
            elif c.chance(10):
                argument[1] = {"Ref": self.any_name()}
            return {"Fn::GetAtt": argument}
        if name == "Sub":
            pieces = [
                c.choice(["prefix-", "${", "}", "-", "${!Literal}", "${Unclosed", ""])
                for _ in range(c.integer(0, 2))
            ]
            pieces += [
                "${" + c.choice([*resources, *self.parameters, "AWS::Region", "Var"]) + "}",
                "${" + c.choice(resources) + "." + c.choice(GETATT_ATTRIBUTES) + "}",
            ][: c.integer(0, 2)]
            text = "".join(pieces)
            if c.chance(40):
                return {"Fn::Sub": [text, {"Var": self.value("text", depth)}]}
            return {"Fn::Sub": text if c.chance(92) else c.choice([5, [text], [text, "x"]])}
        if name == "Join":
            items: Any = [self.value(hint, depth) for _ in range(c.integer(0, 2))]
            if c.chance(15):
                items = self.value("list", depth)
            delimiter = c.choice(["", ",", "-", {"Ref": "AWS::Region"}, 1])
            return {"Fn::Join": [delimiter, items] if c.chance(92) else c.choice(["x", [1]])}
        if name == "Select":
            index = c.choice([0, 1, 2, -1, 9, "1", "x", 1.5, {"Ref": self.any_name()}])
            source = c.choice(
                [
                    [self.value(hint, depth) for _ in range(c.integer(0, 3))],
                    {"Fn::GetAZs": c.choice(["", "eu-west-1", "mars-1"])},
                    {"Fn::Split": [",", self.value("list_text", depth)]},
                    {"Fn::Cidr": [self.value("cidr", depth), c.choice([2, 4, 300]), 8]},
                    {"Ref": self.any_name()},
                    "not-a-list",
                ]
            )
            return {"Fn::Select": [index, source] if c.chance(92) else [index]}
        if name == "Split":
            return {"Fn::Split": [c.choice([",", "", "/", 3]), self.value("list_text", depth)]}
        if name == "If":
            condition = self.condition_name()
            if c.chance(5):
                return {"Fn::If": c.choice([[condition], condition])}
            branches = [
                self.value(hint, depth) if c.chance(85) else {"Ref": "AWS::NoValue"}
                for _ in range(2)
            ]
            return {"Fn::If": [condition, *branches]}
        if name == "FindInMap":
            mapping = c.choice([*self.mappings, "MissingMap"])
            keys = [*self.mappings.get(mapping, {}), "MissingKey", {"Ref": "AWS::Region"}]
            argument = [mapping, c.choice(keys), c.choice(["A", "B", "C"])]
            if c.chance(15):
                argument.append({"DefaultValue": self.value(hint, depth)})
            return {"Fn::FindInMap": argument if c.chance(92) else argument[:2]}
        if name == "Cidr":
            block = self.value("cidr", depth)
            count = c.choice([1, 2, 4, 0, 257, "3", -1, True, {"Ref": self.any_name()}])
            bits = c.choice([8, 4, 0, 33, 120, "8", -2, {"Ref": self.any_name()}])
            return {"Fn::Cidr": [block, count, bits] if c.chance(92) else [block, count]}
        if name == "GetAZs":
            return {"Fn::GetAZs": c.choice(["", "eu-west-1", "mars-1", {"Ref": "AWS::Region"}, 5])}
        if name == "ImportValue":
            return {"Fn::ImportValue": self.value("text", depth)}
        if name == "Base64":
            return {"Fn::Base64": self.value("text", depth)}
        # A condition function, an unknown function or a Condition key where a value belongs.
        return c.choice(
            [
                {"Fn::Equals": ["a", "a"]},
                {"Fn::Not": [{"Condition": self.condition_name()}]},
                {"Condition": self.condition_name()},
                {"Fn::Length": [1, 2]},
                {"Fn::Foo": "bar"},
                {"Fn::Transform": {"Name": "AWS::Include"}},
                {"Ref": "x", "Extra": 1},
            ]
        )


@st.composite
def templates(draw: Any) -> dict[str, Any]:
    return Generator(DrawChooser(draw)).template()


@st.composite
def options(draw: Any) -> LintOptions:
    overrides = draw(
        st.dictionaries(
            st.sampled_from(["Param0", "Param1", "Param2", "AWS::AccountId", "Nope"]),
            st.sampled_from(["", "10.0.0.0/16", "a,b", "x", "us-east-1"]),
            max_size=2,
        )
    )
    return LintOptions(region=draw(st.sampled_from(REGIONS)), parameters=overrides)


# -- serialising --------------------------------------------------------------------------------


def as_yaml(data: Any) -> str:
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False  # keep the resources in order
    yaml.width = 4096
    stream = io.StringIO()
    yaml.dump(data, stream)
    return stream.getvalue()


def as_json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)


def lint_text(folder: Path, name: str, text: str, lint_options: LintOptions) -> FileResult:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return lint_file(str(path), lint_options)


def assert_linted(result: FileResult, text: str) -> None:
    """Property 1: a well-formed template is linted: no error, no internal error."""
    assert not result.skipped, f"a template was skipped:\n{text}"
    assert result.error is None, f"{result.error.message} (line {result.error.line}):\n{text}"
    assert not result.internal_errors, f"{result.internal_errors}:\n{text}"
    lines = text.count("\n") + 1
    for finding in result.findings:
        assert 1 <= finding.line <= lines, (finding, text)


def finding_keys(result: FileResult, with_position: bool = True) -> list[tuple[Any, ...]]:
    if with_position:
        return [(f.rule, f.resource, f.message, f.line, f.column) for f in result.findings]
    return sorted((f.rule, f.resource or "", f.message) for f in result.findings)


# -- properties ---------------------------------------------------------------------------------


@FUZZ
@given(template=templates(), lint_options=options())
def test_lint_never_fails_on_generated_templates(
    template: dict[str, Any], lint_options: LintOptions
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        text = as_yaml(template)
        assert_linted(lint_text(Path(folder), "template.yaml", text, lint_options), text)


@FUZZ
@given(template=templates())
def test_same_template_same_findings(template: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        text = as_yaml(template)
        first = lint_text(Path(folder), "template.yaml", text, LintOptions())
        again = lint_file(str(Path(folder) / "template.yaml"), LintOptions())
        assert_linted(first, text)
        assert finding_keys(again) == finding_keys(first)
        assert [f.severity for f in again.findings] == [f.severity for f in first.findings]


@FUZZ
@given(template=templates(), lint_options=options())
def test_yaml_and_json_give_the_same_findings(
    template: dict[str, Any], lint_options: LintOptions
) -> None:
    yaml_text, json_text = as_yaml(template), as_json(template)
    # The two texts load to the same data (and to the data they were made from).
    assert parse(yaml_text) == template
    assert parse(json_text, is_json=True) == template
    with tempfile.TemporaryDirectory() as folder:
        from_yaml = lint_text(Path(folder), "template.yaml", yaml_text, lint_options)
        from_json = lint_text(Path(folder), "template.json", json_text, lint_options)
        assert_linted(from_yaml, yaml_text)
        assert_linted(from_json, json_text)
        assert finding_keys(from_yaml, False) == finding_keys(from_json, False), yaml_text


@FUZZ
@given(template=templates())
def test_minified_json_gives_the_same_findings(template: dict[str, Any]) -> None:
    """A whole template on one line: every mark is on line 1, which must not change what is
    found (rules that locate things by line would)."""
    with tempfile.TemporaryDirectory() as folder:
        indented = lint_text(Path(folder), "indented.json", as_json(template), LintOptions())
        minified = lint_text(
            Path(folder),
            "minified.json",
            json.dumps(template, separators=(",", ":")),
            LintOptions(),
        )
        assert_linted(indented, as_json(template))
        assert_linted(minified, "(minified) " + as_json(template))
        assert finding_keys(minified, False) == finding_keys(indented, False), as_json(template)


REFERENCE_FORMS = ["Ref", "GetAtt", "GetAttSame", "Sub", "SubAttr", "If", "Join"]


@st.composite
def circular_templates(draw: Any) -> dict[str, Any]:
    """A generated template, then a ring of resources that refer to each other (and to
    themselves), and conditions that refer to each other."""
    chooser = DrawChooser(draw)
    generator = Generator(chooser)
    template = generator.template()
    resources = template["Resources"]
    names = list(resources)
    ring = [chooser.choice(names) for _ in range(chooser.integer(1, 4))]
    for index, name in enumerate(ring):
        following = ring[(index + 1) % len(ring)]
        properties = resources[name].setdefault("Properties", {})
        if not isinstance(properties, dict):
            continue
        key = chooser.choice(["CidrBlock", "VpcId", "SubnetId", "GroupId", "Tags", "Shared"])
        form = chooser.choice(REFERENCE_FORMS)
        reference: Any = {
            "Ref": {"Ref": following},
            "GetAtt": {"Fn::GetAtt": [following, chooser.choice(["CidrBlock", "Shared", key])]},
            "GetAttSame": {"Fn::GetAtt": [following, key]},
            "Sub": {"Fn::Sub": "${" + following + "}-x"},
            "SubAttr": {"Fn::Sub": "${" + following + "." + key + "}"},
            "If": {"Fn::If": ["Ring0", {"Fn::GetAtt": [following, key]}, {"Ref": name}]},
            "Join": {"Fn::Join": ["", [{"Fn::GetAtt": [name, key]}, {"Ref": following}]]},
        }[form]
        properties[key] = reference
        resources[name]["DependsOn"] = [following, name] if chooser.chance(50) else following
        if chooser.chance(30):
            resources[name]["Condition"] = chooser.choice(["Ring0", "Ring1"])
    conditions = template.setdefault("Conditions", {})
    conditions["Ring0"] = {"Fn::Not": [{"Condition": "Ring1"}]}
    conditions["Ring1"] = chooser.choice(
        [
            {"Fn::And": [{"Condition": "Ring0"}, {"Condition": "Ring1"}]},
            {"Fn::Equals": [{"Fn::If": ["Ring0", "a", "b"]}, "a"]},
            {"Condition": "Ring0"},
        ]
    )
    return template


@FUZZ
@given(template=circular_templates())
def test_circular_references_neither_crash_nor_hang(template: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        text = as_yaml(template)
        with time_limit(10):
            result = lint_text(Path(folder), "template.yaml", text, LintOptions())
        assert_linted(result, text)


def test_findings_do_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    """Property 2 across processes: set and dict order must not leak into findings."""
    for seed in range(300 if LONG else 30):
        template = Generator(RandomChooser(seed)).template()
        (tmp_path / f"t{seed:04}.yaml").write_text(as_yaml(template), encoding="utf-8")
    outputs = []
    for hash_seed in ("0", "4242"):
        run = subprocess.run(
            [str(VPCLINT), "check", "--isolated", "--jobs", "1", "--format", "json", "."],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, "PYTHONHASHSEED": hash_seed, "NO_COLOR": "1"},
        )
        assert run.returncode in (0, 1), run.stdout[-2000:] + run.stderr[-2000:]
        assert "Traceback" not in run.stderr
        outputs.append(run.stdout)
    assert outputs[0] == outputs[1]
    report = json.loads(outputs[0])
    assert all(not file["error"] and not file["internal_errors"] for file in report["files"])


# -- hostile resolver input found by exploring, each with the smallest reproducer ---------------


def lint_template_text(tmp_path: Path, text: str, name: str = "template.yaml") -> FileResult:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return lint_file(str(path), LintOptions())


def chain_of_get_att(length: int) -> dict[str, Any]:
    """Subnet0.CidrBlock is Subnet1's, ..., down to a literal: a chain `length` long."""
    resources = {
        f"Subnet{i}": {
            "Type": "AWS::EC2::Subnet",
            "Properties": {
                "CidrBlock": {"Fn::GetAtt": [f"Subnet{i + 1}", "CidrBlock"]}
                if i < length - 1
                else "10.0.0.0/24"
            },
        }
        for i in range(length)
    }
    return {"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources}


def test_short_get_att_chain_resolves(tmp_path: Path) -> None:
    path = tmp_path / "chain.json"
    path.write_text(json.dumps(chain_of_get_att(50)))
    result = lint_file(str(path), LintOptions())
    assert result.error is None and not result.internal_errors


# Regression (a bug until bd4c8ac): resolver._get_att recurses once per link with no depth
# guard; a chain of 500 Fn::GetAtt (CloudFormation's resource limit) ends in RecursionError,
# reported as 'internal error while building the network'
def test_get_att_chain_as_long_as_cloudformation_allows(tmp_path: Path) -> None:
    path = tmp_path / "chain.json"
    path.write_text(json.dumps(chain_of_get_att(500)))
    result = lint_file(str(path), LintOptions())
    assert result.error is None, result.error.message
    assert not result.internal_errors


# Regression (a bug until bd4c8ac): resolver._find_in_map resolves the mapping value it finds
# with no cycle guard; a mapping value that is Fn::FindInMap of itself recurses until
# RecursionError
def test_self_referencing_find_in_map(tmp_path: Path) -> None:
    result = lint_template_text(
        tmp_path,
        """\
        AWSTemplateFormatVersion: "2010-09-09"
        Mappings:
          Map:
            Key:
              Cidr: !FindInMap [Map, Key, Cidr]
        Resources:
          VPC:
            Type: AWS::EC2::VPC
            Properties:
              CidrBlock: !FindInMap [Map, Key, Cidr]
        """,
    )
    assert result.error is None, result.error.message
    assert not result.internal_errors


# Regression (a bug until bd4c8ac): resolver._select converts the index with int() and catches
# only TypeError/ValueError; a float index of 1e999 (inf) raises OverflowError, reported as
# 'internal error while building the network'
def test_select_with_an_infinite_index(tmp_path: Path) -> None:
    result = lint_template_text(
        tmp_path,
        """\
        AWSTemplateFormatVersion: "2010-09-09"
        Resources:
          VPC:
            Type: AWS::EC2::VPC
            Properties:
              CidrBlock: !Select [1e999, [10.0.0.0/16]]
        """,
    )
    assert result.error is None, result.error.message
    assert not result.internal_errors


def fan_out_template(length: int) -> dict[str, Any]:
    """Each subnet's Tags join two Fn::GetAtt of the next subnet's Tags: 2^length paths."""
    resources = {}
    for i in range(length):
        following = {"Fn::GetAtt": [f"Subnet{i + 1}", "Tags"]}
        resources[f"Subnet{i}"] = {
            "Type": "AWS::EC2::Subnet",
            "Properties": {"Tags": {"Fn::Join": ["", [following, following]]}}
            if i < length - 1
            else {"Tags": "x"},
        }
    return {"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources}


def test_small_get_att_fan_out_is_fast(tmp_path: Path) -> None:
    path = tmp_path / "fan.json"
    path.write_text(json.dumps(fan_out_template(8)))
    with time_limit(10):
        result = lint_file(str(path), LintOptions())
    assert result.error is None and not result.internal_errors


# Regression (a bug until bd4c8ac): resolver._get_att resolves the target property afresh on
# every use (no cache), so n resources whose values each use the next one twice cost 2^n steps: a
# 3 KB template of 30 subnets does not finish (18 subnets already take ~7 s)
def test_get_att_fan_out_does_not_explode(tmp_path: Path) -> None:
    path = tmp_path / "fan.json"
    path.write_text(json.dumps(fan_out_template(30)))
    with time_limit(5):
        result = lint_file(str(path), LintOptions())
    assert result.error is None and not result.internal_errors


CHILD = """
import json, resource, sys, time
from vpclint.lint import LintOptions, lint_file
start = time.perf_counter()
result = lint_file(sys.argv[1], LintOptions())
print(json.dumps({
    "seconds": time.perf_counter() - start,
    "max_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "error": result.error.message if result.error else None,
    "internal_errors": [e.message for e in result.internal_errors],
}))
"""


def lint_in_child(path: Path, timeout: float, memory_mib: int) -> dict[str, Any]:
    """Lint in a child process capped at `memory_mib` of address space; its measurements, or
    a timeout/crash report."""

    def cap() -> None:
        import resource

        limit = memory_mib * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    try:
        run = subprocess.run(
            [sys.executable, "-c", CHILD, str(path)],
            capture_output=True,
            text=True,
            timeout=timeout,
            preexec_fn=cap,
            # Away from the source tree, which would shadow the installed package.
            cwd=path.parent,
        )
    except subprocess.TimeoutExpired:
        return {"timeout": True}
    if run.returncode != 0:
        return {"crashed": run.returncode, "stderr": run.stderr[-2000:]}
    return json.loads(run.stdout)


def nested_base64_template(depth: int) -> str:
    value = '"10.0.0.0/16"'
    for _ in range(depth):
        value = '{"Fn::Base64": ' + value + "}"
    return (
        '{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"VPC": '
        '{"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": ' + value + "}}}}"
    )


def test_nested_base64_a_few_levels(tmp_path: Path) -> None:
    path = tmp_path / "b64.json"
    path.write_text(nested_base64_template(10))
    result = lint_file(str(path), LintOptions())
    assert result.error is None and not result.internal_errors


# Regression (a bug until bd4c8ac): resolver._base64 encodes whatever it is given with no size
# limit; 80 nested Fn::Base64 in a 2 KB file grow the value by 4/3 each level (~10^11 characters):
# MemoryError (reported as an internal error) or the machine's memory exhausted
def test_nested_base64_does_not_exhaust_memory(tmp_path: Path) -> None:
    path = tmp_path / "b64.json"
    path.write_text(nested_base64_template(80))
    outcome = lint_in_child(path, timeout=30, memory_mib=640)
    assert outcome.get("error") is None and not outcome.get("internal_errors"), outcome
    assert "timeout" not in outcome and "crashed" not in outcome, outcome
    assert outcome["seconds"] < 10 and outcome["max_rss_mib"] < 500, outcome


# Regression (a bug until bd4c8ac): rules/addressing/vpc208_cidr_function_exhausted.py finds
# the resource that holds a failed Fn::Cidr by comparing lines (_enclosing); in minified JSON
# every resource starts on line 1, the last one is picked and the finding is lost
def test_cidr_finding_in_minified_json(tmp_path: Path) -> None:
    template = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Resources": {
            "VPC0": {
                "Type": "AWS::EC2::VPC",
                "Properties": {
                    "CidrBlock": {"Fn::Select": [0, {"Fn::Cidr": ["10.0.1.0/24", 2, 8]}]}
                },
            },
            "VPC1": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.1.0.0/16"}},
        },
    }
    indented = lint_text(tmp_path, "indented.json", as_json(template), LintOptions())
    minified = lint_text(tmp_path, "minified.json", json.dumps(template), LintOptions())
    assert [f.rule for f in indented.findings].count("VPC208") == 1
    assert finding_keys(minified, False) == finding_keys(indented, False)


# -- deep chains of undecided Fn::If through Fn::GetAtt -----------------------------------------
# The resolver nests up to vpclint.resolver.MAX_DEPTH functions (with a raised recursion limit
# while it builds the network), so values reach rules nested hundreds of levels deep.

CHAIN_FORMS: dict[str, Any] = {
    "if": lambda following, key, last: {
        "Fn::If": ["Undecided", {"Fn::GetAtt": [following, key]}, last]
    },
    "if-list": lambda following, key, last: {
        "Fn::If": ["Undecided", [{"Fn::GetAtt": [following, key]}], [last]]
    },
    "join": lambda following, key, last: {
        "Fn::Join": ["", [{"Fn::If": ["Undecided", {"Fn::GetAtt": [following, key]}, "x"]}]]
    },
}


def if_chain(kind: str, key: str, length: int, last: Any, form: str = "if") -> dict[str, Any]:
    """`length` resources of one type whose property `key` is, under an undecided condition,
    the same property of the next one."""
    resources: dict[str, Any] = {
        "VPC": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}},
        "IGW": {"Type": "AWS::EC2::InternetGateway"},
    }
    for i in range(length):
        value = CHAIN_FORMS[form](f"Link{i + 1}", key, last) if i < length - 1 else last
        resources[f"Link{i}"] = {"Type": kind, "Properties": {key: value}}
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Conditions": {"Undecided": {"Fn::Equals": [{"Ref": "AWS::AccountId"}, "1"]}},
        "Resources": resources,
    }


def test_deep_if_chain_of_gateway_attachments(tmp_path: Path) -> None:
    template = if_chain("AWS::EC2::VPCGatewayAttachment", "InternetGatewayId", 350, {"Ref": "IGW"})
    path = tmp_path / "chain.json"
    path.write_text(json.dumps(template))
    result = lint_file(str(path), LintOptions())
    assert result.error is None and not result.internal_errors, result.internal_errors


def chain_kinds() -> list[Any]:
    bug = pytest.mark.xfail(
        strict=True, reason="BUG: see test_deep_if_chain_of_gateway_attachments"
    )
    return [
        pytest.param(kind, marks=bug) if kind.endswith("VPCGatewayAttachment") else kind
        for kind in KINDS
    ]


@pytest.mark.skipif(not LONG, reason="long campaign only (VPCLINT_LONG_FUZZ=1)")
@pytest.mark.parametrize("kind", chain_kinds())
def test_deep_if_chains_through_every_property(tmp_path: Path, kind: str) -> None:
    failures = []
    for key, hint in SPECS[kind].items():
        plain = not hint.startswith(("ref", "refs", "rules"))
        last = Generator(RandomChooser(1)).literal(hint) if plain else {"Ref": "VPC"}
        for form in CHAIN_FORMS:
            path = tmp_path / "chain.json"
            path.write_text(json.dumps(if_chain(kind, key, 495, last, form)))
            with time_limit(30):
                result = lint_file(str(path), LintOptions())
            if result.error is not None or result.internal_errors:
                failures.append((key, form, result.error, result.internal_errors))
    assert not failures, failures
