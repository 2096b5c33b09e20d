"""vpclint.expand.sam: SAM Globals merged into resources as the SAM translator does."""

from __future__ import annotations

import json
from textwrap import dedent
from typing import Any

import pytest

from vpclint.expand.sam import apply_globals, is_sam
from vpclint.loader import parse
from vpclint.nodes import MapNode, Mark, SeqNode, StrNode


def at(text: str, fragment: str, occurrence: int = 1) -> Mark:
    """Where the `occurrence`-th `fragment` starts in the dedented text."""
    text = dedent(text)
    index = -1
    for _ in range(occurrence):
        index = text.index(fragment, index + 1)
    line = text.count("\n", 0, index) + 1
    return Mark(line, index - (text.rfind("\n", 0, index) + 1) + 1)


def plain(node: Any) -> Any:
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


def resources_of(text: str) -> MapNode:
    return apply_globals(parse(dedent(text)))["Resources"]


FUNCTIONS = """\
    AWSTemplateFormatVersion: "2010-09-09"
    Transform: AWS::Serverless-2016-10-31
    Parameters:
      PrivateSubnets:
        Type: List<AWS::EC2::Subnet::Id>
    Globals:
      Function:
        Runtime: python3.12
        Timeout: 30
        VpcConfig:
          SecurityGroupIds:
            - !Ref LambdaSecurityGroup
          SubnetIds: !Ref PrivateSubnets
        Environment:
          Variables:
            STAGE: prod
            TABLE: shared
    Resources:
      LambdaSecurityGroup:
        Type: AWS::EC2::SecurityGroup
        Properties:
          GroupDescription: lambdas
      Reader:
        Type: AWS::Serverless::Function
        Properties:
          Handler: reader.handler
      Writer:
        Type: AWS::Serverless::Function
        Properties:
          Handler: writer.handler
          Runtime: nodejs20.x
          VpcConfig:
            SecurityGroupIds:
              - !Ref WriterSecurityGroup
            SubnetIds: [subnet-1, subnet-2]
          Environment:
            Variables:
              TABLE: writes
              EXTRA: x
    """


def test_globals_function_vpc_config_reaches_every_function() -> None:
    template = parse(dedent(FUNCTIONS))
    result = apply_globals(template)
    resources = result["Resources"]
    assert plain(resources["Reader"]) == {
        "Type": "AWS::Serverless::Function",
        "Properties": {
            "Runtime": "python3.12",
            "Timeout": 30,
            "VpcConfig": {
                "SecurityGroupIds": [{"Ref": "LambdaSecurityGroup"}],
                "SubnetIds": {"Ref": "PrivateSubnets"},
            },
            "Environment": {"Variables": {"STAGE": "prod", "TABLE": "shared"}},
            "Handler": "reader.handler",
        },
    }
    assert plain(resources["Writer"]) == {
        "Type": "AWS::Serverless::Function",
        "Properties": {
            # A primitive: the function's own value replaces the global one.
            "Runtime": "nodejs20.x",
            "Timeout": 30,
            "VpcConfig": {
                # Lists: the global entries first, then the function's.
                "SecurityGroupIds": [
                    {"Ref": "LambdaSecurityGroup"},
                    {"Ref": "WriterSecurityGroup"},
                ],
                # An intrinsic function is a primitive: a list against it is the function's.
                "SubnetIds": ["subnet-1", "subnet-2"],
            },
            # Maps: merged key by key, the function's entry winning.
            "Environment": {"Variables": {"STAGE": "prod", "TABLE": "writes", "EXTRA": "x"}},
            "Handler": "writer.handler",
        },
    }
    # SAM removes the Globals section once applied; everything else is the input's own.
    assert list(result) == ["AWSTemplateFormatVersion", "Transform", "Parameters", "Resources"]
    assert result["Parameters"] is template["Parameters"]
    assert resources["LambdaSecurityGroup"] is template["Resources"]["LambdaSecurityGroup"]
    assert result.key_marks["Resources"] == template.key_marks["Resources"]


def test_properties_from_globals_point_at_the_globals_lines() -> None:
    resources = resources_of(FUNCTIONS)
    reader = resources["Reader"]["Properties"]
    assert reader.key_marks["VpcConfig"] == at(FUNCTIONS, "VpcConfig:")
    assert reader.value_marks["VpcConfig"] == at(FUNCTIONS, "SecurityGroupIds:")
    assert reader["VpcConfig"].mark == at(FUNCTIONS, "SecurityGroupIds:")
    assert reader["VpcConfig"]["SecurityGroupIds"].item_marks == [
        at(FUNCTIONS, "!Ref LambdaSecurityGroup")
    ]
    assert reader["VpcConfig"]["SubnetIds"].mark == at(FUNCTIONS, "!Ref PrivateSubnets")
    assert reader.key_marks["Handler"] == at(FUNCTIONS, "Handler: reader")
    writer = resources["Writer"]["Properties"]
    # A value the function writes itself points at the function.
    assert writer.key_marks["VpcConfig"] == at(FUNCTIONS, "VpcConfig:", occurrence=2)
    assert writer["VpcConfig"].mark == at(FUNCTIONS, "SecurityGroupIds:", occurrence=2)
    assert writer.key_marks["Runtime"] == at(FUNCTIONS, "Runtime: nodejs20.x")
    assert writer.key_marks["Timeout"] == at(FUNCTIONS, "Timeout: 30")
    groups = writer["VpcConfig"]["SecurityGroupIds"]
    assert groups.mark == at(FUNCTIONS, "- !Ref WriterSecurityGroup")
    assert groups.item_marks == [
        at(FUNCTIONS, "!Ref LambdaSecurityGroup"),
        at(FUNCTIONS, "!Ref WriterSecurityGroup"),
    ]
    variables = writer["Environment"]["Variables"]
    assert variables.key_marks == {
        "STAGE": at(FUNCTIONS, "STAGE: prod"),
        "TABLE": at(FUNCTIONS, "TABLE: writes"),
        "EXTRA": at(FUNCTIONS, "EXTRA: x"),
    }


def test_each_function_gets_its_own_copy_of_the_globals() -> None:
    template = parse(dedent(FUNCTIONS))
    resources = apply_globals(template)["Resources"]
    global_vpc = template["Globals"]["Function"]["VpcConfig"]
    reader_vpc = resources["Reader"]["Properties"]["VpcConfig"]
    assert reader_vpc == global_vpc
    assert reader_vpc is not global_vpc
    assert reader_vpc["SecurityGroupIds"] is not global_vpc["SecurityGroupIds"]
    assert all_marks(reader_vpc) == all_marks(global_vpc)


def test_the_input_is_not_changed() -> None:
    template = parse(dedent(FUNCTIONS))
    before = (json.dumps(template), all_marks(template))
    apply_globals(template)
    assert (json.dumps(template), all_marks(template)) == before


# -- the merge rules of the SAM documentation ----------------------------------------------------


def test_documented_examples() -> None:
    resources = resources_of(
        """\
        Transform: AWS::Serverless-2016-10-31
        Globals:
          Function:
            Runtime: nodejs12.x
            Environment:
              Variables:
                STAGE: Production
                TABLE_NAME: global-table
            VpcConfig:
              SecurityGroupIds:
                - sg-123
                - sg-456
        Resources:
          MyFunction:
            Type: AWS::Serverless::Function
            Properties:
              Runtime: python3.9
              Environment:
                Variables:
                  TABLE_NAME: resource-table
                  NEW_VAR: hello
              VpcConfig:
                SecurityGroupIds:
                  - sg-first
        """
    )
    properties = resources["MyFunction"]["Properties"]
    assert properties["Runtime"] == "python3.9"
    assert properties["Environment"]["Variables"] == {
        "STAGE": "Production",
        "TABLE_NAME": "resource-table",
        "NEW_VAR": "hello",
    }
    assert properties["VpcConfig"]["SecurityGroupIds"] == ["sg-123", "sg-456", "sg-first"]


def test_lists_keep_duplicates() -> None:
    resources = resources_of(
        """\
        Transform: AWS::Serverless-2016-10-31
        Globals:
          Function:
            Layers: [arn:layer:1, arn:layer:2]
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              Layers: [arn:layer:1, arn:layer:3]
        """
    )
    assert resources["Fn"]["Properties"]["Layers"] == [
        "arn:layer:1",
        "arn:layer:2",
        "arn:layer:1",
        "arn:layer:3",
    ]


@pytest.mark.parametrize(
    ("global_value", "local_value", "expected"),
    [
        # An intrinsic function is a primitive: the function's value wins, whatever it is.
        (
            "!If [HasVpc, {SubnetIds: [a]}, !Ref 'AWS::NoValue']",
            "{SubnetIds: [b]}",
            {"SubnetIds": ["b"]},
        ),
        (
            "{SubnetIds: [a], SecurityGroupIds: [sg]}",
            "!If [HasVpc, {SubnetIds: [b]}, !Ref 'AWS::NoValue']",
            {"Fn::If": ["HasVpc", {"SubnetIds": ["b"]}, {"Ref": "AWS::NoValue"}]},
        ),
        # Different kinds: a map against a list is the function's value.
        ("{SubnetIds: [a]}", "[x]", ["x"]),
        ("[a]", "{SubnetIds: [b]}", {"SubnetIds": ["b"]}),
        # A mapping of two keys is a map, even when one of them is Ref.
        ("{Ref: a, Other: b}", "{Other: c}", {"Ref": "a", "Other": "c"}),
        # Maps merge all the way down.
        (
            "{A: {B: {C: 1, D: [1]}}}",
            "{A: {B: {D: [2], E: 3}}}",
            {"A": {"B": {"C": 1, "D": [1, 2], "E": 3}}},
        ),
        ("{A: 1}", "null", None),
    ],
)
def test_merge_rules(global_value: str, local_value: str, expected: Any) -> None:
    resources = resources_of(
        f"""\
        Transform: AWS::Serverless-2016-10-31
        Globals:
          Function:
            VpcConfig: {global_value}
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              VpcConfig: {local_value}
        """
    )
    assert plain(resources["Fn"]["Properties"]["VpcConfig"]) == expected


def test_properties_sam_refuses_in_globals_are_not_merged() -> None:
    resources = resources_of(
        """\
        Transform: AWS::Serverless-2016-10-31
        Globals:
          Function:
            Runtime: python3.12
            Role: arn:aws:iam::123456789012:role/everyone
            Policies: [AWSLambdaVPCAccessExecutionRole]
            FunctionName: same-name
            Events: {Api: {Type: Api}}
          Api:
            StageName: prod
            DefinitionBody: {}
            Cors: "'*'"
          HttpApi:
            StageName: prod
            DefinitionBody: {}
            DefinitionUri: s3://bucket/api.yaml
            Tags: {team: a}
        Resources:
          Fn:
            Type: AWS::Serverless::Function
          Rest:
            Type: AWS::Serverless::Api
          Http:
            Type: AWS::Serverless::HttpApi
        """
    )
    assert plain(resources["Fn"]["Properties"]) == {"Runtime": "python3.12"}
    assert plain(resources["Rest"]["Properties"]) == {"Cors": "'*'"}
    assert plain(resources["Http"]["Properties"]) == {"Tags": {"team": "a"}}


def test_every_globals_section_applies_to_its_own_resource_type() -> None:
    text = """\
        Transform: AWS::Serverless-2016-10-31
        Globals:
          Function:
            MemorySize: 256
          Api:
            EndpointConfiguration: {Type: PRIVATE, VpcEndpointIds: [!Ref ApiEndpoint]}
          HttpApi:
            Tags: {team: a}
          SimpleTable:
            SSESpecification: {SSEEnabled: true}
          StateMachine:
            PropagateTags: true
          LayerVersion:
            PublishLambdaVersion: true
          CapacityProvider:
            VpcConfig: {SubnetIds: [subnet-1]}
        Resources:
          Fn:
            Type: AWS::Serverless::Function
          Rest:
            Type: AWS::Serverless::Api
            Properties:
              StageName: prod
          Http:
            Type: AWS::Serverless::HttpApi
          Table:
            Type: AWS::Serverless::SimpleTable
          Machine:
            Type: AWS::Serverless::StateMachine
          Layer:
            Type: AWS::Serverless::LayerVersion
          Capacity:
            Type: AWS::Serverless::CapacityProvider
          PlainLambda:
            Type: AWS::Lambda::Function
            Properties:
              Handler: index.handler
          NoType:
            Properties: {MemorySize: 1}
        """
    template = parse(dedent(text))
    resources = apply_globals(template)["Resources"]
    assert plain({key: value.get("Properties") for key, value in resources.items()}) == {
        "Fn": {"MemorySize": 256},
        "Rest": {
            "EndpointConfiguration": {
                "Type": "PRIVATE",
                "VpcEndpointIds": [{"Ref": "ApiEndpoint"}],
            },
            "StageName": "prod",
        },
        "Http": {"Tags": {"team": "a"}},
        "Table": {"SSESpecification": {"SSEEnabled": True}},
        "Machine": {"PropagateTags": True},
        "Layer": {"PublishLambdaVersion": True},
        "Capacity": {"VpcConfig": {"SubnetIds": ["subnet-1"]}},
        "PlainLambda": {"Handler": "index.handler"},
        "NoType": {"MemorySize": 1},
    }
    # Not SAM resources, not touched.
    assert resources["PlainLambda"] is template["Resources"]["PlainLambda"]
    assert resources["NoType"] is template["Resources"]["NoType"]


def test_resource_without_properties_takes_the_globals_and_their_marks() -> None:
    text = """\
        Transform: AWS::Serverless-2016-10-31
        Globals:
          Function:
            VpcConfig:
              SubnetIds: [subnet-1]
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            Metadata: {owner: me}
        """
    function = resources_of(text)["Fn"]
    assert list(function) == ["Type", "Metadata", "Properties"]
    assert function.key_marks["Properties"] == at(text, "Function:")
    assert function.value_marks["Properties"] == at(text, "VpcConfig:")
    assert function["Properties"].mark == at(text, "VpcConfig:")
    assert function["Properties"].key_marks["VpcConfig"] == at(text, "VpcConfig:")
    assert function.key_marks["Type"] == at(text, "Type:")


@pytest.mark.parametrize(
    ("ignore", "expected"),
    [
        ("'*'", {"Handler": "a.b"}),
        ("[Runtime]", {"Timeout": 3, "Handler": "a.b"}),
        ("[]", {"Runtime": "python3.12", "Timeout": 3, "Handler": "a.b"}),
    ],
)
def test_ignore_globals(ignore: str, expected: dict[str, Any]) -> None:
    resources = resources_of(
        f"""\
        Transform: AWS::Serverless-2016-10-31
        Globals:
          Function:
            Runtime: python3.12
            Timeout: 3
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            IgnoreGlobals: {ignore}
            Properties:
              Handler: a.b
        """
    )
    assert plain(resources["Fn"]["Properties"]) == expected


# -- when there is nothing to do -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        # No transform, or another one: Globals means nothing to CloudFormation.
        "Globals: {Function: {Runtime: x}}\nResources: {F: {Type: AWS::Serverless::Function}}\n",
        "Transform: AWS::LanguageExtensions\n"
        "Globals: {Function: {Runtime: x}}\n"
        "Resources: {F: {Type: AWS::Serverless::Function}}\n",
        "Transform: {Name: AWS::Include}\n"
        "Globals: {Function: {Runtime: x}}\n"
        "Resources: {F: {Type: AWS::Serverless::Function}}\n",
        # SAM, but no Globals to apply.
        "Transform: AWS::Serverless-2016-10-31\n"
        "Resources: {F: {Type: AWS::Serverless::Function}}\n",
        "Transform: [AWS::Serverless-2016-10-31]\n"
        "Globals: [x]\n"
        "Resources: {F: {Type: AWS::Serverless::Function}}\n",
        "Transform: AWS::Serverless-2016-10-31\nGlobals: {Function: {Runtime: x}}\n",
    ],
)
def test_nothing_to_apply_returns_the_same_object(text: str) -> None:
    template = parse(text)
    assert apply_globals(template) is template


def test_transform_list_and_section_that_is_not_a_mapping() -> None:
    template = parse(
        dedent(
            """\
            Transform: [AWS::LanguageExtensions, AWS::Serverless-2016-10-31]
            Globals:
              Function: [not, a, mapping]
              Api: {Name: shared}
            Resources:
              Fn:
                Type: AWS::Serverless::Function
                Properties: {Handler: a.b}
              Rest:
                Type: AWS::Serverless::Api
                Properties: !If [Cond, {Name: x}, {Name: y}]
            """
        )
    )
    assert is_sam(template)
    result = apply_globals(template)
    assert "Globals" not in result
    # Nothing applies to the function; the API's Properties, a function, stand as they are.
    assert result["Resources"]["Fn"] is template["Resources"]["Fn"]
    assert result["Resources"]["Rest"] is template["Resources"]["Rest"]


def test_applying_twice_changes_nothing_more() -> None:
    once = apply_globals(parse(dedent(FUNCTIONS)))
    assert apply_globals(once) is once
