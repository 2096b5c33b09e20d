"""vpclint.expand.foreach: Fn::ForEach loops expanded as CloudFormation does, marks kept."""

from __future__ import annotations

import json
import time
from textwrap import dedent
from typing import Any

import pytest

from vpclint.expand.foreach import (
    MAX_COPIED_NODES,
    MAX_GENERATED_KEYS,
    MAX_LOOP_DEPTH,
    Unexpanded,
    expand_foreach,
    has_loops,
)
from vpclint.loader import parse
from vpclint.nodes import MapNode, Mark, SeqNode, StrNode
from vpclint.values import Unknown


class Collections:
    """A caller's collection callback, small: literal lists, and `Ref` to a parameter's default
    (a CommaDelimitedList's text split at commas). It remembers what it was asked."""

    def __init__(self, template: MapNode) -> None:
        self.parameters = template.get("Parameters") or {}
        self.calls: list[tuple[Any, Mark]] = []

    def __call__(self, node: Any, mark: Mark) -> list[Any] | Unknown:
        self.calls.append((node, mark))
        if isinstance(node, list):
            return list(node)
        if isinstance(node, dict) and list(node) == ["Ref"] and node["Ref"] in self.parameters:
            default = self.parameters[node["Ref"]].get("Default")
            if isinstance(default, str):
                return [part.strip() for part in default.split(",")]
            return Unknown(f"parameter {node['Ref']} has no default", mark)
        return Unknown("not a literal list", mark)


def expand(text: str, is_json: bool = False) -> tuple[MapNode, MapNode, list[Unexpanded]]:
    """The loaded template, its expansion and the loops left out."""
    template = parse(dedent(text), is_json=is_json)
    expanded, unexpanded = expand_foreach(template, Collections(template))
    return template, expanded, unexpanded


def at(text: str, fragment: str, offset: int = 0, occurrence: int = 1) -> Mark:
    """Where the `occurrence`-th `fragment` starts in the dedented text (plus `offset` columns)."""
    text = dedent(text)
    index = -1
    for _ in range(occurrence):
        index = text.index(fragment, index + 1)
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return Mark(line, column + offset)


def plain(node: Any) -> Any:
    """The data without marks, for exact comparison of types as well as values."""
    return json.loads(json.dumps(node))


def all_marks(node: Any, path: str = "") -> list[tuple[str, Mark]]:
    found: list[tuple[str, Mark]] = []
    if isinstance(node, MapNode):
        found.append((path, node.mark))
        for key, value in node.items():
            found.append((f"{path}/{key}:key", node.key_marks[key]))
            found.append((f"{path}/{key}:value", node.value_marks[key]))
            found.extend(all_marks(value, f"{path}/{key}"))
    elif isinstance(node, SeqNode):
        found.append((path, node.mark))
        for index, item in enumerate(node):
            found.append((f"{path}[{index}]:item", node.item_marks[index]))
            found.extend(all_marks(item, f"{path}[{index}]"))
    elif isinstance(node, StrNode):
        found.append((path, node.mark))
    return found


# -- a VPC written with loops --------------------------------------------------------------------

VPC = """\
    AWSTemplateFormatVersion: "2010-09-09"
    Transform: AWS::LanguageExtensions
    Parameters:
      Zones:
        Type: CommaDelimitedList
        Default: A, B
    Mappings:
      Cidrs:
        A: {Public: 10.0.0.0/24, Private: 10.0.10.0/24}
        B: {Public: 10.0.1.0/24, Private: 10.0.11.0/24}
    Resources:
      VPC:
        Type: AWS::EC2::VPC
        Properties:
          CidrBlock: 10.0.0.0/16
      PublicRouteTable:
        Type: AWS::EC2::RouteTable
        Properties:
          VpcId: !Ref VPC
      'Fn::ForEach::ZoneResources':
        - AZ
        - !Ref Zones
        - 'PublicSubnet${AZ}':
            Type: AWS::EC2::Subnet
            Properties:
              VpcId: !Ref VPC
              AvailabilityZone: !Sub '${AWS::Region}${AZ}'
              CidrBlock: !FindInMap [Cidrs, !Ref AZ, Public]
              MapPublicIpOnLaunch: true
          'PublicSubnet${AZ}Association':
            Type: AWS::EC2::SubnetRouteTableAssociation
            Properties:
              SubnetId: !Ref
                Fn::Sub: 'PublicSubnet${AZ}'
              RouteTableId: !Ref PublicRouteTable
          'NatEip${AZ}':
            Type: AWS::EC2::EIP
            Properties:
              Domain: vpc
          'NatGateway${AZ}':
            Type: AWS::EC2::NatGateway
            Properties:
              AllocationId: !GetAtt [!Sub 'NatEip${AZ}', AllocationId]
              SubnetId: !Ref
                Fn::Sub: 'PublicSubnet${AZ}'
          'PrivateSubnet${AZ}':
            Type: AWS::EC2::Subnet
            Properties:
              VpcId: !Ref VPC
              CidrBlock: !FindInMap [Cidrs, !Ref AZ, Private]
              Tags:
                - Key: Name
                  Value: !Sub 'private-${AZ}'
          'PrivateRouteTable${AZ}':
            Type: AWS::EC2::RouteTable
            Properties:
              VpcId: !Ref VPC
          'PrivateDefaultRoute${AZ}':
            Type: AWS::EC2::Route
            Properties:
              RouteTableId: !Ref
                Fn::Sub: 'PrivateRouteTable${AZ}'
              DestinationCidrBlock: 0.0.0.0/0
              NatGatewayId: !Ref
                Fn::Sub: 'NatGateway${AZ}'
          'PrivateSubnet${AZ}Association':
            Type: AWS::EC2::SubnetRouteTableAssociation
            Properties:
              SubnetId: !Ref
                Fn::Sub: 'PrivateSubnet${AZ}'
              RouteTableId: !Ref
                Fn::Sub: 'PrivateRouteTable${AZ}'
    Outputs:
      VpcId:
        Value: !Ref VPC
    """

VPC_TYPES = (
    "AWS::EC2::Subnet",
    "AWS::EC2::SubnetRouteTableAssociation",
    "AWS::EC2::EIP",
    "AWS::EC2::NatGateway",
    "AWS::EC2::RouteTable",
    "AWS::EC2::Route",
)


def zone(az: str) -> dict[str, Any]:
    """What the loop makes for one zone, written out by hand."""
    return {
        f"PublicSubnet{az}": {
            "Type": "AWS::EC2::Subnet",
            "Properties": {
                "VpcId": {"Ref": "VPC"},
                "AvailabilityZone": {"Fn::Sub": "${AWS::Region}" + az},
                "CidrBlock": {"Fn::FindInMap": ["Cidrs", az, "Public"]},
                "MapPublicIpOnLaunch": True,
            },
        },
        f"PublicSubnet{az}Association": {
            "Type": "AWS::EC2::SubnetRouteTableAssociation",
            "Properties": {
                "SubnetId": {"Ref": f"PublicSubnet{az}"},
                "RouteTableId": {"Ref": "PublicRouteTable"},
            },
        },
        f"NatEip{az}": {"Type": "AWS::EC2::EIP", "Properties": {"Domain": "vpc"}},
        f"NatGateway{az}": {
            "Type": "AWS::EC2::NatGateway",
            "Properties": {
                "AllocationId": {"Fn::GetAtt": [f"NatEip{az}", "AllocationId"]},
                "SubnetId": {"Ref": f"PublicSubnet{az}"},
            },
        },
        f"PrivateSubnet{az}": {
            "Type": "AWS::EC2::Subnet",
            "Properties": {
                "VpcId": {"Ref": "VPC"},
                "CidrBlock": {"Fn::FindInMap": ["Cidrs", az, "Private"]},
                "Tags": [{"Key": "Name", "Value": f"private-{az}"}],
            },
        },
        f"PrivateRouteTable{az}": {
            "Type": "AWS::EC2::RouteTable",
            "Properties": {"VpcId": {"Ref": "VPC"}},
        },
        f"PrivateDefaultRoute{az}": {
            "Type": "AWS::EC2::Route",
            "Properties": {
                "RouteTableId": {"Ref": f"PrivateRouteTable{az}"},
                "DestinationCidrBlock": "0.0.0.0/0",
                "NatGatewayId": {"Ref": f"NatGateway{az}"},
            },
        },
        f"PrivateSubnet{az}Association": {
            "Type": "AWS::EC2::SubnetRouteTableAssociation",
            "Properties": {
                "SubnetId": {"Ref": f"PrivateSubnet{az}"},
                "RouteTableId": {"Ref": f"PrivateRouteTable{az}"},
            },
        },
    }


def test_vpc_written_with_loops_expands_per_zone() -> None:
    template, expanded, unexpanded = expand(VPC)
    assert unexpanded == []
    resources = expanded["Resources"]
    assert plain(resources) == {
        "VPC": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}},
        "PublicRouteTable": {
            "Type": "AWS::EC2::RouteTable",
            "Properties": {"VpcId": {"Ref": "VPC"}},
        },
        **zone("A"),
        **zone("B"),
    }
    # The order CloudFormation writes them in: each pass of the loop in turn.
    assert list(resources)[2:5] == ["PublicSubnetA", "PublicSubnetAAssociation", "NatEipA"]
    assert list(resources)[10] == "PublicSubnetB"
    # Everything but Resources is the input's own.
    for section in ("Parameters", "Mappings", "Outputs", "Transform"):
        assert expanded[section] is template[section]
    assert expanded.key_marks == template.key_marks
    assert expanded.value_marks == template.value_marks


def test_vpc_loop_keeps_the_marks_of_the_loop_body() -> None:
    _, expanded, _ = expand(VPC)
    resources = expanded["Resources"]
    for az in ("A", "B"):
        # A finding on PublicSubnetA points at the output key it was written as.
        assert resources.key_marks[f"PublicSubnet{az}"] == at(VPC, "'PublicSubnet${AZ}':")
        assert resources.value_marks[f"PublicSubnet{az}"] == at(VPC, "Type: AWS::EC2::Subnet")
        assert resources.key_marks[f"NatGateway{az}"] == at(VPC, "'NatGateway${AZ}':")
        subnet = resources[f"PublicSubnet{az}"]
        assert subnet.mark == at(VPC, "Type: AWS::EC2::Subnet")
        properties = subnet["Properties"]
        assert properties.key_marks["CidrBlock"] == at(VPC, "CidrBlock: !FindInMap", occurrence=1)
        # `!Ref AZ` became the item, marked where the Ref is written.
        find_in_map = properties["CidrBlock"]["Fn::FindInMap"]
        assert isinstance(find_in_map[1], StrNode)
        assert find_in_map[1].mark == at(VPC, "!Ref AZ, Public")
        assert find_in_map.item_marks[1] == at(VPC, "!Ref AZ, Public")
        assert find_in_map[0].mark == at(VPC, "Cidrs, !Ref AZ, Public")
        # A Fn::Sub left without variables is its text, marked where the text is.
        association = resources[f"PublicSubnet{az}Association"]["Properties"]
        subnet_id = association["SubnetId"]["Ref"]
        assert isinstance(subnet_id, StrNode)
        assert subnet_id.mark == at(VPC, "Fn::Sub: 'PublicSubnet${AZ}'", offset=9)
        get_att = resources[f"NatGateway{az}"]["Properties"]["AllocationId"]["Fn::GetAtt"]
        assert get_att[0].mark == at(VPC, "!Sub 'NatEip${AZ}'")
        tag = resources[f"PrivateSubnet{az}"]["Properties"]["Tags"][0]
        assert tag.value_marks["Value"] == at(VPC, "!Sub 'private-${AZ}'")
        assert tag["Value"].mark == at(VPC, "!Sub 'private-${AZ}'")


def test_every_pass_of_a_loop_is_a_copy_of_its_own() -> None:
    template, expanded, _ = expand(VPC)
    resources = expanded["Resources"]
    body = template["Resources"]["Fn::ForEach::ZoneResources"][2]["PublicSubnet${AZ}"]
    a, b = resources["PublicSubnetA"], resources["PublicSubnetB"]
    assert a is not b and a is not body
    assert a["Properties"] is not b["Properties"] is not body["Properties"]
    assert a["Properties"]["VpcId"] is not b["Properties"]["VpcId"]
    # Copies keep every mark of what they were copied from.
    assert dict(all_marks(a["Properties"]["VpcId"])) == dict(all_marks(body["Properties"]["VpcId"]))


def test_the_input_is_not_changed() -> None:
    template = parse(dedent(VPC))
    before = (json.dumps(template), all_marks(template))
    expand_foreach(template, Collections(template))
    assert (json.dumps(template), all_marks(template)) == before


def test_collection_from_a_parameter_default_is_asked_of_the_caller() -> None:
    template = parse(dedent(VPC))
    collections = Collections(template)
    expand_foreach(template, collections)
    assert collections.calls == [({"Ref": "Zones"}, at(VPC, "!Ref Zones"))]


def test_collection_that_cannot_be_known_leaves_the_loop_out() -> None:
    text = VPC.replace("        Default: A, B\n", "")
    template, expanded, unexpanded = expand(text)
    assert unexpanded == [
        Unexpanded(
            mark=at(text, "'Fn::ForEach::ZoneResources':"),
            loop="ZoneResources",
            reason="its collection cannot be known: parameter Zones has no default",
            section="Resources",
            resource_types=VPC_TYPES,
        )
    ]
    # The rest of the template is intact.
    assert list(expanded["Resources"]) == ["VPC", "PublicRouteTable"]
    assert expanded["Resources"]["VPC"] is template["Resources"]["VPC"]
    assert expanded["Outputs"] is template["Outputs"]


# -- nested loops ----------------------------------------------------------------------------------

NESTED = """\
    Transform: AWS::LanguageExtensions
    Resources:
      VPC:
        Type: AWS::EC2::VPC
      'Fn::ForEach::SubnetResources':
        - Prefix
        - [Transit, Public]
        - 'Nacl${Prefix}Subnet':
            Type: AWS::EC2::NetworkAcl
            Properties:
              VpcId: !Ref VPC
          'Fn::ForEach::LoopInner':
            - Suffix
            - [A, B]
            - '${Prefix}Subnet${Suffix}':
                Type: AWS::EC2::Subnet
                Properties:
                  VpcId: !Ref VPC
                  Tags:
                    - {Key: Tier, Value: !Ref Prefix}
              'Nacl${Prefix}Subnet${Suffix}Association':
                Type: AWS::EC2::SubnetNetworkAclAssociation
                Properties:
                  SubnetId: !Ref
                    'Fn::Sub': '${Prefix}Subnet${Suffix}'
                  NetworkAclId: !Ref
                    'Fn::Sub': 'Nacl${Prefix}Subnet'
    """


def test_nested_loops_see_the_outer_identifier() -> None:
    _, expanded, unexpanded = expand(NESTED)
    assert unexpanded == []

    def subnet(prefix: str, suffix: str) -> dict[str, Any]:
        return {
            f"{prefix}Subnet{suffix}": {
                "Type": "AWS::EC2::Subnet",
                "Properties": {
                    "VpcId": {"Ref": "VPC"},
                    "Tags": [{"Key": "Tier", "Value": prefix}],
                },
            },
            f"Nacl{prefix}Subnet{suffix}Association": {
                "Type": "AWS::EC2::SubnetNetworkAclAssociation",
                "Properties": {
                    "SubnetId": {"Ref": f"{prefix}Subnet{suffix}"},
                    "NetworkAclId": {"Ref": f"Nacl{prefix}Subnet"},
                },
            },
        }

    def tier(prefix: str) -> dict[str, Any]:
        nacl = {"Type": "AWS::EC2::NetworkAcl", "Properties": {"VpcId": {"Ref": "VPC"}}}
        return {f"Nacl{prefix}Subnet": nacl, **subnet(prefix, "A"), **subnet(prefix, "B")}

    resources = expanded["Resources"]
    assert plain(resources) == {
        "VPC": {"Type": "AWS::EC2::VPC"},
        **tier("Transit"),
        **tier("Public"),
    }
    assert list(resources) == ["VPC", *tier("Transit"), *tier("Public")]
    assert resources.key_marks["PublicSubnetB"] == at(NESTED, "'${Prefix}Subnet${Suffix}':")
    assert resources.key_marks["NaclPublicSubnet"] == at(NESTED, "'Nacl${Prefix}Subnet':")
    tag = resources["TransitSubnetA"]["Properties"]["Tags"][0]
    assert tag["Value"].mark == at(NESTED, "!Ref Prefix")


def test_inner_collection_gets_the_outer_identifier_substituted() -> None:
    text = """\
        Resources:
          'Fn::ForEach::Tiers':
            - Tier
            - [Public, Private]
            - 'Fn::ForEach::Zones':
                - AZ
                - !FindInMap [Zones, !Ref Tier, Names]
                - '${Tier}Subnet${AZ}':
                    Type: AWS::EC2::Subnet
        """
    template = parse(dedent(text))
    collections = Collections(template)
    expanded, unexpanded = expand_foreach(template, collections)
    assert [plain(node) for node, _ in collections.calls] == [
        ["Public", "Private"],
        {"Fn::FindInMap": ["Zones", "Public", "Names"]},
        {"Fn::FindInMap": ["Zones", "Private", "Names"]},
    ]
    assert collections.calls[1][1] == at(text, "!FindInMap")
    # The inner loop cannot be known in either pass: recorded once, the outer loop makes nothing.
    assert unexpanded == [
        Unexpanded(
            at(text, "'Fn::ForEach::Zones':"),
            "Zones",
            "its collection cannot be known: not a literal list",
            "Resources",
            ("AWS::EC2::Subnet",),
        )
    ]
    assert expanded["Resources"] == {}


# -- &{} and ${} in keys, and what values substitute -----------------------------------------------

ADDRESSES = """\
    Transform: AWS::LanguageExtensions
    Parameters:
      IpAddresses:
        Type: CommaDelimitedList
        Default: '10.0.2.0/24,10.0.3.0/24'
    Resources:
      VPC:
        Type: AWS::EC2::VPC
      'Fn::ForEach::Subnets':
        - CIDR
        - !Ref IpAddresses
        - 'Subnet&{CIDR}':
            Type: AWS::EC2::Subnet
            Properties:
              VpcId: !Ref VPC
              CidrBlock: !Ref CIDR
              Tags:
                - Key: Name
                  Value: !Sub 'subnet-&{CIDR}'
    """


def test_ampersand_placeholder_drops_punctuation_in_keys_only() -> None:
    _, expanded, unexpanded = expand(ADDRESSES)
    assert unexpanded == []
    resources = expanded["Resources"]
    assert list(resources) == ["VPC", "Subnet1002024", "Subnet1003024"]
    subnet = resources["Subnet1002024"]["Properties"]
    assert plain(subnet) == {
        "VpcId": {"Ref": "VPC"},
        "CidrBlock": "10.0.2.0/24",
        # CloudFormation replaces &{} in output keys, not in values.
        "Tags": [{"Key": "Name", "Value": {"Fn::Sub": "subnet-&{CIDR}"}}],
    }
    assert subnet["CidrBlock"].mark == at(ADDRESSES, "!Ref CIDR")
    assert resources.key_marks["Subnet1003024"] == at(ADDRESSES, "'Subnet&{CIDR}':")


def test_dollar_and_ampersand_placeholders_in_one_key() -> None:
    text = """\
        Conditions:
          'Fn::ForEach::Zones':
            - Zone
            - [us-east-1a, eu-west-1b]
            - 'In&{Zone}':
                Fn::Equals: [!Ref 'AWS::Region', !Ref Zone]
              'Zone ${Zone} (&{Zone}) ${Other}': !Equals [a, a]
        """
    _, expanded, unexpanded = expand(text)
    assert unexpanded == []
    assert plain(expanded["Conditions"]) == {
        "Inuseast1a": {"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1a"]},
        "Zone us-east-1a (useast1a) ${Other}": {"Fn::Equals": ["a", "a"]},
        "Ineuwest1b": {"Fn::Equals": [{"Ref": "AWS::Region"}, "eu-west-1b"]},
        "Zone eu-west-1b (euwest1b) ${Other}": {"Fn::Equals": ["a", "a"]},
    }


def test_values_substitute_in_ref_and_sub_only() -> None:
    text = """\
        Resources:
          'Fn::ForEach::Zones':
            - AZ
            - [A]
            - 'Subnet${AZ}':
                Type: AWS::EC2::Subnet
                Metadata:
                  '${AZ}': a key inside a value is not an output key
                Properties:
                  Literal: 'Subnet ${AZ}'
                  GetAttOfPlainText: !GetAtt 'Route${AZ}.Id'
                  Escaped: !Sub '${!AZ}-${AZ}'
                  Partly: !Sub '${AWS::StackName}-${!Literal}-${AZ}'
                  Shadowed: !Sub ['${AZ}-${Name}', {AZ: own, Name: !Ref AZ}]
                  SubList: !Sub ['${AZ}-x', {}]
                  Untouched: !Sub '${AWS::Region}'
                  Nested: !Join ['-', [!Ref AZ, !Select [0, [!Ref AZ]]]]
        """
    _, expanded, _ = expand(text)
    assert plain(expanded["Resources"]["SubnetA"]) == {
        "Type": "AWS::EC2::Subnet",
        "Metadata": {"${AZ}": "a key inside a value is not an output key"},
        "Properties": {
            "Literal": "Subnet ${AZ}",
            "GetAttOfPlainText": {"Fn::GetAtt": ["Route${AZ}", "Id"]},
            "Escaped": "${AZ}-A",
            "Partly": {"Fn::Sub": "${AWS::StackName}-${!Literal}-A"},
            "Shadowed": {"Fn::Sub": ["${AZ}-${Name}", {"AZ": "own", "Name": "A"}]},
            "SubList": "A-x",
            "Untouched": {"Fn::Sub": "${AWS::Region}"},
            "Nested": {"Fn::Join": ["-", ["A", {"Fn::Select": [0, ["A"]]}]]},
        },
    }


def test_an_item_is_never_read_as_a_sub_variable() -> None:
    text = """\
        Outputs:
          'Fn::ForEach::Names':
            - Name
            - ['${AWS::Region}']
            - 'Out':
                Value: !Sub '${AWS::StackName}:${Name}'
              'Plain':
                Value: !Sub '${Name}'
        """
    _, expanded, _ = expand(text)
    assert plain(expanded["Outputs"]) == {
        "Out": {"Value": {"Fn::Sub": "${AWS::StackName}:${!AWS::Region}"}},
        "Plain": {"Value": "${AWS::Region}"},
    }


def test_identifier_list_binds_one_name_per_inner_item() -> None:
    text = """\
        Resources:
          'Fn::ForEach::Subnets':
            - [Key, Cidr]
            - [[Web, 10.0.1.0/24], [Db, 10.0.2.0/24]]
            - '${Key}Subnet':
                Type: AWS::EC2::Subnet
                Properties:
                  CidrBlock: !Ref Cidr
                  Tags: [{Key: Name, Value: !Sub '${Key}-${Cidr}'}]
        """
    _, expanded, unexpanded = expand(text)
    assert unexpanded == []
    assert plain(expanded["Resources"]) == {
        "WebSubnet": {
            "Type": "AWS::EC2::Subnet",
            "Properties": {
                "CidrBlock": "10.0.1.0/24",
                "Tags": [{"Key": "Name", "Value": "Web-10.0.1.0/24"}],
            },
        },
        "DbSubnet": {
            "Type": "AWS::EC2::Subnet",
            "Properties": {
                "CidrBlock": "10.0.2.0/24",
                "Tags": [{"Key": "Name", "Value": "Db-10.0.2.0/24"}],
            },
        },
    }


def test_items_that_are_numbers_and_booleans_are_text() -> None:
    text = """\
        Conditions:
          'Fn::ForEach::Numbers':
            - N
            - [1, 2.5, true]
            - 'Is${N}': !Equals [!Ref N, x]
        """
    _, expanded, _ = expand(text)
    assert plain(expanded["Conditions"]) == {
        "Is1": {"Fn::Equals": ["1", "x"]},
        "Is2.5": {"Fn::Equals": ["2.5", "x"]},
        "Istrue": {"Fn::Equals": ["true", "x"]},
    }


# -- Outputs, Conditions, properties -------------------------------------------------------------

OUTPUTS_AND_CONDITIONS = """\
    Transform: AWS::LanguageExtensions
    Parameters:
      ParamA: {Type: String}
      ParamB: {Type: String}
    Conditions:
      'Fn::ForEach::CheckTrue':
        - Identifier
        - [A, B]
        - 'IsParam${Identifier}Enabled': !Equals
            - !Ref
              'Fn::Sub': 'Param${Identifier}'
            - 'true'
    Resources:
      Handle:
        Type: AWS::CloudFormation::WaitConditionHandle
    Outputs:
      'Fn::ForEach::BucketOutputs':
        - Identifier
        - [A, B]
        - 'Fn::ForEach::GetAttLoop':
            - Property
            - [Arn, DomainName]
            - 'S3Bucket${Identifier}${Property}':
                Value: !GetAtt [!Sub 'S3Bucket${Identifier}', !Ref Property]
    """


def test_loops_in_conditions_and_outputs() -> None:
    template, expanded, unexpanded = expand(OUTPUTS_AND_CONDITIONS)
    assert unexpanded == []
    assert plain(expanded["Conditions"]) == {
        "IsParamAEnabled": {"Fn::Equals": [{"Ref": "ParamA"}, "true"]},
        "IsParamBEnabled": {"Fn::Equals": [{"Ref": "ParamB"}, "true"]},
    }
    assert plain(expanded["Outputs"]) == {
        f"S3Bucket{bucket}{attribute}": {"Value": {"Fn::GetAtt": [f"S3Bucket{bucket}", attribute]}}
        for bucket in ("A", "B")
        for attribute in ("Arn", "DomainName")
    }
    assert expanded["Outputs"].key_marks["S3BucketBArn"] == at(
        OUTPUTS_AND_CONDITIONS, "'S3Bucket${Identifier}${Property}':"
    )
    assert expanded["Conditions"].key_marks["IsParamBEnabled"] == at(
        OUTPUTS_AND_CONDITIONS, "'IsParam${Identifier}Enabled':"
    )
    assert expanded["Resources"] is template["Resources"]


PROPERTIES = """\
    Transform: AWS::LanguageExtensions
    Mappings:
      InstanceA:
        Properties: {ImageId: ami-id1, InstanceType: m5.xlarge}
      InstanceB:
        Properties: {ImageId: ami-id2}
    Resources:
      'Fn::ForEach::Instances':
        - InstanceLogicalId
        - [InstanceA, InstanceB]
        - '${InstanceLogicalId}':
            Type: AWS::EC2::Instance
            Properties:
              DisableApiTermination: true
              'Fn::ForEach::Properties':
                - PropertyName
                - [ImageId, InstanceType]
                - '${PropertyName}':
                    'Fn::FindInMap':
                      - Ref: InstanceLogicalId
                      - Properties
                      - Ref: PropertyName
                      - {DefaultValue: !Ref 'AWS::NoValue'}
      Web:
        Type: AWS::Lambda::Function
        Properties:
          Environment:
            Variables:
              STAGE: prod
              'Fn::ForEach::Vars':
                - Var
                - [A, B]
                - 'VAR_${Var}': !Sub 'value-${Var}'
          'Fn::ForEach::Unknown':
            - Name
            - !Ref Undeclared
            - '${Name}': x
    """


def test_loops_inside_properties_at_any_depth() -> None:
    _, expanded, unexpanded = expand(PROPERTIES)
    resources = expanded["Resources"]

    def instance(name: str) -> dict[str, Any]:
        def find(property_name: str) -> dict[str, Any]:
            default = {"DefaultValue": {"Ref": "AWS::NoValue"}}
            return {"Fn::FindInMap": [name, "Properties", property_name, default]}

        properties = {"DisableApiTermination": True}
        properties |= {"ImageId": find("ImageId"), "InstanceType": find("InstanceType")}
        return {"Type": "AWS::EC2::Instance", "Properties": properties}

    assert plain(resources) == {
        "InstanceA": instance("InstanceA"),
        "InstanceB": instance("InstanceB"),
        "Web": {
            "Type": "AWS::Lambda::Function",
            "Properties": {
                "Environment": {
                    "Variables": {"STAGE": "prod", "VAR_A": "value-A", "VAR_B": "value-B"}
                }
            },
        },
    }
    properties = resources["InstanceB"]["Properties"]
    assert properties.key_marks["InstanceType"] == at(PROPERTIES, "'${PropertyName}':")
    assert properties["ImageId"]["Fn::FindInMap"][2].mark == at(PROPERTIES, "Ref: PropertyName")
    # A loop in the properties of a resource no loop made: its path names the resource.
    assert unexpanded == [
        Unexpanded(
            at(PROPERTIES, "'Fn::ForEach::Unknown':"),
            "Unknown",
            "its collection cannot be known: not a literal list",
            "Resources.Web.Properties",
            (),
        )
    ]


def test_loop_in_the_properties_of_a_generated_resource_is_marked_with_its_path() -> None:
    text = PROPERTIES.replace("- [ImageId, InstanceType]", "- !Ref Undeclared")
    _, expanded, unexpanded = expand(text)
    mark = at(text, "'Fn::ForEach::Properties':")
    reason = "its collection cannot be known: not a literal list"
    assert unexpanded[:2] == [
        Unexpanded(mark, "Properties", reason, "Resources.InstanceA.Properties", ()),
        Unexpanded(mark, "Properties", reason, "Resources.InstanceB.Properties", ()),
    ]
    assert plain(expanded["Resources"]["InstanceA"]["Properties"]) == {
        "DisableApiTermination": True
    }


# -- malformed loops and collisions --------------------------------------------------------------

MALFORMED = [
    ("Fn::ForEach takes [identifier, collection, {key: value}]", "'Fn::ForEach::Bad': x"),
    (
        "Fn::ForEach takes [identifier, collection, {key: value}]",
        "'Fn::ForEach::Bad': [AZ, [A, B]]",
    ),
    (
        "the loop's identifier is not a name, nor a list of names",
        "'Fn::ForEach::Bad': [!Ref AZ, [A], {'Topic${AZ}': {Type: AWS::SNS::Topic}}]",
    ),
    (
        "the loop's identifier is not a name, nor a list of names",
        "'Fn::ForEach::Bad': ['', [A], {'Topic${AZ}': {Type: AWS::SNS::Topic}}]",
    ),
    (
        "the loop's output (its third item) is not a mapping",
        "'Fn::ForEach::Bad': [AZ, [A], [Topic]]",
    ),
    (
        "its identifier Param is also the name of a parameter",
        "'Fn::ForEach::Bad': [Param, [A], {'Topic${Param}': {Type: AWS::SNS::Topic}}]",
    ),
    (
        "its identifier Kept is also the name of a resource",
        "'Fn::ForEach::Bad': [Kept, [A], {'Topic${Kept}': {Type: AWS::SNS::Topic}}]",
    ),
    (
        "its name Kept is also the name of a resource",
        "'Fn::ForEach::Kept': [AZ, [A], {'Topic${AZ}': {Type: AWS::SNS::Topic}}]",
    ),
    (
        "its identifier list names the same identifier twice",
        "'Fn::ForEach::Bad': [[A, A], [[x, y]], {'Topic${A}': {Type: AWS::SNS::Topic}}]",
    ),
    (
        "item 2 of its collection is not a list of 2 values",
        "'Fn::ForEach::Bad': [[A, B], [[x, y], [z]], {'T${A}': {Type: AWS::SNS::Topic}}]",
    ),
    (
        "item 1 of its collection is not a string",
        "'Fn::ForEach::Bad': [AZ, [[A]], {'Topic${AZ}': {Type: AWS::SNS::Topic}}]",
    ),
    ("the loop has no name after Fn::ForEach::", "'Fn::ForEach::': [AZ, [A], {'T${AZ}': {}}]"),
]


@pytest.mark.parametrize(("reason", "loop"), MALFORMED, ids=[reason for reason, _ in MALFORMED])
def test_malformed_loop_is_left_out(reason: str, loop: str) -> None:
    text = f"""\
        Parameters:
          Param: {{Type: String}}
        Resources:
          Kept:
            Type: AWS::SNS::Topic
          {loop}
          After:
            Type: AWS::SNS::Topic
        """
    template, expanded, unexpanded = expand(text)
    key = next(key for key in template["Resources"] if key.startswith("Fn::ForEach::"))
    name = key.removeprefix("Fn::ForEach::")
    types = ("AWS::SNS::Topic",) if "AWS::SNS::Topic}" in loop else ()
    assert unexpanded == [Unexpanded(at(text, "'Fn::ForEach::"), name, reason, "Resources", types)]
    assert list(expanded["Resources"]) == ["Kept", "After"]


def test_nested_loop_reusing_the_outer_identifier_is_left_out() -> None:
    text = """\
        Resources:
          'Fn::ForEach::Outer':
            - Same
            - [Transit, Public]
            - 'Nacl${Same}':
                Type: AWS::EC2::NetworkAcl
              'Fn::ForEach::Inner':
                - Same
                - [A, B]
                - '${Same}Subnet':
                    Type: AWS::EC2::Subnet
        """
    _, expanded, unexpanded = expand(text)
    assert list(expanded["Resources"]) == ["NaclTransit", "NaclPublic"]
    assert unexpanded == [
        Unexpanded(
            at(text, "'Fn::ForEach::Inner':"),
            "Inner",
            "its identifier Same is already an enclosing loop's identifier",
            "Resources",
            ("AWS::EC2::Subnet",),
        )
    ]


@pytest.mark.parametrize("literal_first", [True, False])
def test_generated_key_that_exists_already_leaves_the_loop_out(literal_first: bool) -> None:
    literal = "SNSTopicB:\n            Type: AWS::SNS::Topic\n"
    loop = (
        "'Fn::ForEach::Topics':\n"
        "            - Identifier\n"
        "            - [A, B, C]\n"
        "            - 'SNSTopic${Identifier}':\n"
        "                Type: AWS::SNS::Topic\n"
    )
    first, second = (literal, loop) if literal_first else (loop, literal)
    text = f"""\
        Resources:
          {first}          {second}"""
    template, expanded, unexpanded = expand(text)
    assert list(expanded["Resources"]) == ["SNSTopicB"]
    assert expanded["Resources"]["SNSTopicB"] is template["Resources"]["SNSTopicB"]
    assert unexpanded == [
        Unexpanded(
            at(text, "'Fn::ForEach::Topics':"),
            "Topics",
            "it generates the key SNSTopicB, which is already there",
            "Resources",
            ("AWS::SNS::Topic",),
        )
    ]


def test_output_key_without_the_identifier_collides_with_itself() -> None:
    text = """\
        Resources:
          'Fn::ForEach::Topics':
            - Identifier
            - [A, B]
            - Topic:
                Type: AWS::SNS::Topic
          'Fn::ForEach::Fine':
            - Identifier
            - [A]
            - Topic:
                Type: AWS::SNS::Topic
        """
    _, expanded, unexpanded = expand(text)
    # The first loop is left out whole; the second may then take the key.
    assert list(expanded["Resources"]) == ["Topic"]
    assert expanded["Resources"].key_marks["Topic"] == at(text, "Topic:", occurrence=2)
    assert [entry.reason for entry in unexpanded] == [
        "it generates the key Topic, which is already there"
    ]


def test_two_loops_generating_the_same_key() -> None:
    text = """\
        Outputs:
          'Fn::ForEach::First':
            - X
            - [A, B]
            - 'Out${X}': {Value: first}
          'Fn::ForEach::Second':
            - Y
            - [B, C]
            - 'Out${Y}': {Value: second}
        """
    _, expanded, unexpanded = expand(text)
    assert plain(expanded["Outputs"]) == {"OutA": {"Value": "first"}, "OutB": {"Value": "first"}}
    assert unexpanded == [
        Unexpanded(
            at(text, "'Fn::ForEach::Second':"),
            "Second",
            "it generates the key OutB, which is already there",
            "Outputs",
            (),
        )
    ]


def test_unknown_item_in_a_collection() -> None:
    template = parse("Resources:\n  'Fn::ForEach::L': [X, [A, B], {'T${X}': {Type: T}}]\n")
    expanded, unexpanded = expand_foreach(
        template, lambda node, mark: ["A", Unknown("an attribute only AWS knows", mark)]
    )
    assert expanded["Resources"] == {}
    assert [entry.reason for entry in unexpanded] == [
        "item 2 of its collection cannot be known: an attribute only AWS knows"
    ]


def test_collection_that_is_not_a_list() -> None:
    template = parse("Resources:\n  'Fn::ForEach::L': [X, !Ref P, {'T${X}': {Type: T}}]\n")
    not_a_list: Any = lambda node, mark: "A,B"  # noqa: E731 - a caller's mistake, on purpose
    expanded, unexpanded = expand_foreach(template, not_a_list)
    assert expanded["Resources"] == {}
    assert unexpanded == [
        Unexpanded(Mark(2, 3), "L", "its collection is not a list", "Resources", ("T",))
    ]


# -- bounds --------------------------------------------------------------------------------------


def nested_loops(depth: int, items: int) -> str:
    """`depth` loops, one inside the other, each over `items` names."""
    collection = "[" + ", ".join(f"i{number}" for number in range(items)) + "]"
    key = "".join(f"${{L{level}}}" for level in range(depth))
    text = f"'T{key}': {{Type: AWS::SNS::Topic}}"
    for level in reversed(range(depth)):
        text = f"{{'Fn::ForEach::Loop{level}': [L{level}, {collection}, {text}]}}"
    return "Resources: " + text + "\n"


def test_loops_as_deep_as_cloudformation_allows() -> None:
    _, expanded, unexpanded = expand(nested_loops(MAX_LOOP_DEPTH, 2))
    assert unexpanded == []
    assert len(expanded["Resources"]) == 2**MAX_LOOP_DEPTH
    assert "Ti0i1i0i1i1" in expanded["Resources"]


def test_loops_deeper_than_cloudformation_allows_leave_the_outermost_out() -> None:
    text = nested_loops(MAX_LOOP_DEPTH + 1, 2)
    _, expanded, unexpanded = expand(text)
    assert expanded["Resources"] == {}
    assert unexpanded == [
        Unexpanded(
            at(text, "'Fn::ForEach::Loop0'"),
            "Loop0",
            "it nests loops more than 5 deep, more than CloudFormation allows",
            "Resources",
            ("AWS::SNS::Topic",),
        )
    ]


def test_loops_multiplying_past_the_bound_stop_fast() -> None:
    # 40 x 40 x 40 = 64,000 resources, far past the bound, and nothing else suffers.
    text = nested_loops(3, 40).replace("Resources: {", "Resources: {Kept: {Type: X}, ", 1)
    text += "Outputs: {'Fn::ForEach::After': [Y, [A], {'Out${Y}': {Value: y}}]}\n"
    started = time.perf_counter()
    _, expanded, unexpanded = expand(text)
    assert time.perf_counter() - started < 2
    assert list(expanded["Resources"]) == ["Kept"]
    assert plain(expanded["Outputs"]) == {"OutA": {"Value": "y"}}
    assert unexpanded == [
        Unexpanded(
            at(text, "'Fn::ForEach::Loop0'"),
            "Loop0",
            f"it generates more than {MAX_GENERATED_KEYS:,} keys",
            "Resources",
            ("AWS::SNS::Topic",),
        )
    ]


def test_an_abandoned_loop_is_recorded_alone() -> None:
    names = ", ".join(f"n{number}" for number in range(200))
    text = f"""\
        Resources:
          'Fn::ForEach::Outer':
            - O
            - [a, b]
            - 'Fn::ForEach::Unknown': [U, !Ref Nothing, {{'X${{O}}${{U}}': {{Type: T}}}}]
              'Fn::ForEach::Huge':
                - H
                - [{names}]
                - 'Fn::ForEach::Huger': [G, [{names}], {{'Y${{O}}${{H}}${{G}}': {{Type: T}}}}]
        """
    _, expanded, unexpanded = expand(text)
    assert expanded["Resources"] == {}
    # The inner loop whose collection is unknown was left out too, but the outer loop says all.
    assert unexpanded == [
        Unexpanded(
            at(text, "'Fn::ForEach::Outer':"),
            "Outer",
            f"it generates more than {MAX_GENERATED_KEYS:,} keys",
            "Resources",
            ("T",),
        )
    ]


def big_body_loops(outer: int, inner: int, body_items: int) -> str:
    """An outer loop over `outer` names around an inner one over `inner`, whose output holds a
    list of `body_items` strings."""
    listed = ", ".join("x" for _ in range(body_items))
    body = f"{{'T${{O}}${{I}}': {{Type: T, Properties: {{List: [{listed}]}}}}}}"
    inner_names = ", ".join(f"i{number}" for number in range(inner))
    outer_names = ", ".join(f"o{number}" for number in range(outer))
    inner_loop = f"{{'Fn::ForEach::Inner': [I, [{inner_names}], {body}]}}"
    return f"Resources:\n  'Fn::ForEach::Outer': [O, [{outer_names}], {inner_loop}]\n"


def test_loop_copying_a_big_body_many_times_stops_before_copying() -> None:
    started = time.perf_counter()
    _, expanded, unexpanded = expand(big_body_loops(1, 600, 2_000))
    assert time.perf_counter() - started < 1
    assert expanded["Resources"] == {}
    assert [(entry.loop, entry.reason) for entry in unexpanded] == [
        ("Outer", f"it expands to more than {MAX_COPIED_NODES:,} nodes")
    ]


def test_nested_loops_copying_past_the_node_bound_stop_there() -> None:
    # Each loop alone is small (30 copies of 2,000 nodes); together they copy 1.8 million.
    _, expanded, unexpanded = expand(big_body_loops(30, 30, 2_000))
    assert expanded["Resources"] == {}
    assert [(entry.loop, entry.reason) for entry in unexpanded] == [
        ("Outer", f"it expands to more than {MAX_COPIED_NODES:,} nodes")
    ]


# -- the fast path and JSON ----------------------------------------------------------------------


def test_template_without_loops_comes_back_as_itself() -> None:
    template = parse(dedent(VPC.split("      'Fn::ForEach::ZoneResources':")[0]))
    assert not has_loops(template)
    calls: list[Any] = []
    expanded, unexpanded = expand_foreach(template, lambda node, mark: calls.append(node) or [])
    assert expanded is template
    assert unexpanded == []
    assert calls == []


def test_loops_outside_conditions_resources_and_outputs_are_not_ours() -> None:
    # CloudFormation refuses Fn::ForEach in Mappings, Parameters, Metadata...: left as written.
    template = parse("Mappings:\n  'Fn::ForEach::M': [X, [A], {'M${X}': {k: v}}]\n")
    assert not has_loops(template)
    assert expand_foreach(template, Collections(template)) == (template, [])


def test_scan_finds_a_loop_deep_in_properties() -> None:
    template = parse(dedent(PROPERTIES))
    assert has_loops(template)
    deep = parse("Outputs: {O: {Value: [{a: [{'Fn::ForEach::X': []}]}]}}\n")
    assert has_loops(deep)


SNS_JSON = """\
{
    "AWSTemplateFormatVersion": "2010-09-09",
    "Transform": "AWS::LanguageExtensions",
    "Resources": {
        "Fn::ForEach::Topics": [
            "TopicName",
            ["Success", "Failure"],
            {
                "SnsTopic${TopicName}": {
                    "Type": "AWS::SNS::Topic",
                    "Properties": {
                        "TopicName": {"Fn::Sub": "${TopicName}.fifo"},
                        "FifoTopic": true
                    }
                }
            }
        ]
    }
}
"""


def test_json_template() -> None:
    _, expanded, unexpanded = expand(SNS_JSON, is_json=True)
    assert unexpanded == []
    resources = expanded["Resources"]
    assert plain(resources) == {
        f"SnsTopic{name}": {
            "Type": "AWS::SNS::Topic",
            "Properties": {"TopicName": f"{name}.fifo", "FifoTopic": True},
        }
        for name in ("Success", "Failure")
    }
    assert resources.key_marks["SnsTopicFailure"] == at(SNS_JSON, '"SnsTopic${TopicName}"')
    topic_name = resources["SnsTopicSuccess"]["Properties"]["TopicName"]
    assert topic_name.mark == at(SNS_JSON, '"${TopicName}.fifo"')
