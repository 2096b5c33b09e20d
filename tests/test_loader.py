"""vpclint.loader: YAML and JSON into marked plain data, short forms into long forms, refusals."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from textwrap import dedent
from typing import Any

import pytest

import vpclint.loader
from vpclint.loader import LoadError, Template, is_template, load, parse
from vpclint.nodes import MapNode, Mark, SeqNode, StrNode, mark_of


def value_of(fragment: str) -> Any:
    """The loaded value of one YAML fragment written after `value: `."""
    return parse(f"value: {fragment}\n")["value"]


def all_marks(node: Any, path: str = "") -> list[tuple[str, Mark]]:
    """Every mark in a loaded tree, with the path that leads to it (for comparing trees)."""
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


# -- short forms ------------------------------------------------------------------------------

SHORT_FORMS = [
    ("!Ref VpcCidr", {"Ref": "VpcCidr"}),
    ("!Ref AWS::Region", {"Ref": "AWS::Region"}),
    ("!GetAtt VPC.CidrBlock", {"Fn::GetAtt": ["VPC", "CidrBlock"]}),
    # The attribute keeps its own dots.
    ("!GetAtt Db.Endpoint.Address", {"Fn::GetAtt": ["Db", "Endpoint.Address"]}),
    ("!GetAtt [VPC, DefaultSecurityGroup]", {"Fn::GetAtt": ["VPC", "DefaultSecurityGroup"]}),
    ("!Sub '10.${ClassB}.0.0/16'", {"Fn::Sub": "10.${ClassB}.0.0/16"}),
    (
        "!Sub ['${Name}-vpc', {Name: !Ref EnvironmentName}]",
        {"Fn::Sub": ["${Name}-vpc", {"Name": {"Ref": "EnvironmentName"}}]},
    ),
    (
        "!Join ['', [!Ref 'AWS::StackName', '-public']]",
        {"Fn::Join": ["", [{"Ref": "AWS::StackName"}, "-public"]]},
    ),
    ("!Select [0, !GetAZs '']", {"Fn::Select": [0, {"Fn::GetAZs": ""}]}),
    ("!Split [',', !Ref Subnets]", {"Fn::Split": [",", {"Ref": "Subnets"}]}),
    (
        "!If [IsPublic, true, !Ref 'AWS::NoValue']",
        {"Fn::If": ["IsPublic", True, {"Ref": "AWS::NoValue"}]},
    ),
    ("!Equals [!Ref Env, prod]", {"Fn::Equals": [{"Ref": "Env"}, "prod"]}),
    (
        "!And [!Condition IsProd, !Condition HasNat]",
        {"Fn::And": [{"Condition": "IsProd"}, {"Condition": "HasNat"}]},
    ),
    (
        "!Or [!Equals [!Ref N, '2'], !Equals [!Ref N, '3']]",
        {"Fn::Or": [{"Fn::Equals": [{"Ref": "N"}, "2"]}, {"Fn::Equals": [{"Ref": "N"}, "3"]}]},
    ),
    ("!Not [!Condition IsProd]", {"Fn::Not": [{"Condition": "IsProd"}]}),
    ("!Condition IsProd", {"Condition": "IsProd"}),
    (
        "!FindInMap [RegionMap, !Ref 'AWS::Region', AMI]",
        {"Fn::FindInMap": ["RegionMap", {"Ref": "AWS::Region"}, "AMI"]},
    ),
    ("!GetAZs ''", {"Fn::GetAZs": ""}),
    ("!GetAZs", {"Fn::GetAZs": ""}),
    ("!GetAZs {Ref: 'AWS::Region'}", {"Fn::GetAZs": {"Ref": "AWS::Region"}}),
    (
        "!Cidr [!GetAtt VPC.CidrBlock, 6, 8]",
        {"Fn::Cidr": [{"Fn::GetAtt": ["VPC", "CidrBlock"]}, 6, 8]},
    ),
    (
        "!ImportValue {'Fn::Sub': '${NetworkStack}-VpcId'}",
        {"Fn::ImportValue": {"Fn::Sub": "${NetworkStack}-VpcId"}},
    ),
    ("!Base64 '#!/bin/bash'", {"Fn::Base64": "#!/bin/bash"}),
    (
        "!Transform {Name: 'AWS::Include', Parameters: {Location: 's3://bucket/key'}}",
        {
            "Fn::Transform": {
                "Name": "AWS::Include",
                "Parameters": {"Location": "s3://bucket/key"},
            }
        },
    ),
    # An unknown local tag becomes Fn::<tag>, as cfn-lint reads it.
    ("!Rain::Embed userdata.sh", {"Fn::Rain::Embed": "userdata.sh"}),
]


@pytest.mark.parametrize(("fragment", "expected"), SHORT_FORMS, ids=[f for f, _ in SHORT_FORMS])
def test_short_form_becomes_long_form(fragment: str, expected: Any) -> None:
    value = value_of(fragment)
    assert value == expected
    assert isinstance(value, MapNode)
    assert list(value) == list(expected)


@pytest.mark.parametrize(
    "fragment", ["!GetAZs !Ref AWS::Region", "!ImportValue !Sub '${Stack}-VpcId'"]
)
def test_two_tags_on_one_node_is_a_yaml_error(fragment: str) -> None:
    # YAML gives a node one tag; the AWS docs say so for these two spellings too.
    with pytest.raises(LoadError) as caught:
        value_of(fragment)
    assert caught.value.message.startswith("invalid YAML")
    assert caught.value.line == 1


def test_short_forms_in_block_style() -> None:
    data = parse(
        dedent(
            """\
            CidrBlock: !FindInMap
              - SubnetConfig
              - VPC
              - CIDR
            AvailabilityZone: !Select
              - 0
              - !GetAZs
            UserData: !Base64
              Fn::Join:
                - ''
                - ['#!/bin/bash', !Ref Extra]
            """
        )
    )
    assert data == {
        "CidrBlock": {"Fn::FindInMap": ["SubnetConfig", "VPC", "CIDR"]},
        "AvailabilityZone": {"Fn::Select": [0, {"Fn::GetAZs": ""}]},
        "UserData": {"Fn::Base64": {"Fn::Join": ["", ["#!/bin/bash", {"Ref": "Extra"}]]}},
    }


def test_short_form_getatt_string_keeps_marks() -> None:
    value = value_of("!GetAtt VPC.CidrBlock")
    assert value.mark == Mark(1, 8)
    argument = value["Fn::GetAtt"]
    assert isinstance(argument, SeqNode)
    assert argument.item_marks == [Mark(1, 8), Mark(1, 8)]
    assert [mark_of(item) for item in argument] == [Mark(1, 8), Mark(1, 8)]


def test_long_forms_are_kept() -> None:
    assert value_of("{Ref: VPC}") == {"Ref": "VPC"}
    assert value_of("{'Fn::GetAtt': [VPC, CidrBlock]}") == {"Fn::GetAtt": ["VPC", "CidrBlock"]}


# -- marks ------------------------------------------------------------------------------------

MARKED = dedent(
    """\
    Resources:
      VPC:
        Type: AWS::EC2::VPC
        Properties:
          CidrBlock: 10.0.0.0/16
          Tags:
            - Key: Name
              Value: main
          Port: 443
          Flow: [a, !Ref B, 7]
    """
)


def test_marks_of_mappings() -> None:
    data = parse(MARKED)
    assert data.mark == Mark(1, 1)
    assert data.key_marks["Resources"] == Mark(1, 1)
    assert data.value_marks["Resources"] == Mark(2, 3)
    resources = data["Resources"]
    assert resources.mark == Mark(2, 3)
    assert resources.key_marks["VPC"] == Mark(2, 3)
    vpc = resources["VPC"]
    assert vpc.mark == Mark(3, 5)
    assert vpc.key_marks == {"Type": Mark(3, 5), "Properties": Mark(4, 5)}
    assert vpc.value_marks == {"Type": Mark(3, 11), "Properties": Mark(5, 7)}


def test_marks_of_strings() -> None:
    properties = parse(MARKED)["Resources"]["VPC"]["Properties"]
    assert isinstance(properties["CidrBlock"], StrNode)
    assert properties["CidrBlock"] == "10.0.0.0/16"
    assert properties["CidrBlock"].mark == Mark(5, 18)
    assert parse(MARKED)["Resources"]["VPC"]["Type"].mark == Mark(3, 11)
    assert properties["Tags"][0]["Value"].mark == Mark(8, 18)
    assert properties["Tags"][0]["Key"].mark == Mark(7, 16)


def test_marks_of_sequences() -> None:
    properties = parse(MARKED)["Resources"]["VPC"]["Properties"]
    tags = properties["Tags"]
    assert isinstance(tags, SeqNode)
    assert tags.mark == Mark(7, 9)
    assert tags.item_marks == [Mark(7, 11)]
    assert tags[0].mark == Mark(7, 11)
    flow = properties["Flow"]
    assert flow == ["a", {"Ref": "B"}, 7]
    assert flow.mark == Mark(10, 13)
    assert flow.item_marks == [Mark(10, 14), Mark(10, 17), Mark(10, 25)]
    assert flow[1].mark == Mark(10, 17)


def test_scalar_int_keeps_its_position_through_its_holder() -> None:
    properties = parse(MARKED)["Resources"]["VPC"]["Properties"]
    assert properties["Port"] == 443
    assert type(properties["Port"]) is int
    assert mark_of(properties["Port"]) == Mark(0, 0)
    assert properties.key_marks["Port"] == Mark(9, 7)
    assert properties.value_marks["Port"] == Mark(9, 13)
    assert properties["Flow"].item_marks[2] == Mark(10, 25)


def test_marks_in_multiline_and_quoted_strings() -> None:
    data = parse(
        dedent(
            """\
            a: "quoted"
            b: |
              literal
            c:
              'single'
            """
        )
    )
    assert data["a"].mark == Mark(1, 4)
    assert data["b"] == "literal\n"
    assert data["b"].mark == Mark(2, 4)
    assert data["c"].mark == Mark(5, 3)


# -- JSON -------------------------------------------------------------------------------------

JSON_TEMPLATE = dedent(
    """\
    {
      "AWSTemplateFormatVersion": "2010-09-09",
      "Resources": {
        "VPC": {
          "Type": "AWS::EC2::VPC",
          "Properties": {"CidrBlock": "10.0.0.0/16", "EnableDnsSupport": true}
        },
        "Subnet": {
          "Type": "AWS::EC2::Subnet",
          "Properties": {
            "AvailabilityZone": {"Fn::Select": [0, {"Fn::GetAZs": null}]}
          }
        }
      }
    }
    """
)


def test_json_is_parsed_with_marks() -> None:
    data = parse(JSON_TEMPLATE, is_json=True)
    assert data["AWSTemplateFormatVersion"] == "2010-09-09"
    assert data.mark == Mark(1, 1)
    assert data.key_marks["Resources"] == Mark(3, 3)
    assert data.value_marks["Resources"] == Mark(3, 16)
    assert data["Resources"].key_marks["VPC"] == Mark(4, 5)
    properties = data["Resources"]["VPC"]["Properties"]
    assert properties.mark == Mark(6, 21)
    assert properties["CidrBlock"].mark == Mark(6, 35)
    assert properties["EnableDnsSupport"] is True
    assert properties.value_marks["EnableDnsSupport"] == Mark(6, 70)
    zone = data["Resources"]["Subnet"]["Properties"]["AvailabilityZone"]
    assert zone == {"Fn::Select": [0, {"Fn::GetAZs": None}]}
    assert zone["Fn::Select"].item_marks == [Mark(11, 45), Mark(11, 48)]


def test_json_is_detected_without_the_flag() -> None:
    assert parse(JSON_TEMPLATE) == parse(JSON_TEMPLATE, is_json=True)


def test_json_values() -> None:
    data = parse('{"a": [1, -0, 2.5, 1e3, true, false, null, "\\/x", "\\u00e9", "t\\tab"]}')
    assert data["a"] == [1, 0, 2.5, 1000.0, True, False, None, "/x", "é", "t\tab"]
    assert [type(item) for item in data["a"][:4]] == [int, int, float, float]


def test_minified_json() -> None:
    data = parse(
        '{"Resources":{"VPC":{"Type":"AWS::EC2::VPC","Properties":{"CidrBlock":"10.0.0.0/16"}}}}'
    )
    assert data == {
        "Resources": {"VPC": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}}}
    }
    assert data["Resources"]["VPC"]["Properties"]["CidrBlock"].mark == Mark(1, 71)


def test_json_indented_with_tabs() -> None:
    text = '{\n\t"Resources": {\n\t\t"VPC": {\n\t\t\t"Type": "AWS::EC2::VPC"\n\t\t}\n\t}\n}\n'
    data = parse(text, is_json=True)
    assert data == {"Resources": {"VPC": {"Type": "AWS::EC2::VPC"}}}
    assert data.key_marks["Resources"] == Mark(2, 2)
    assert data["Resources"].key_marks["VPC"] == Mark(3, 3)
    assert data["Resources"]["VPC"]["Type"].mark == Mark(4, 12)


def test_json_with_tabs_error_column_counts_the_tabs() -> None:
    with pytest.raises(LoadError) as caught:
        parse('{\n\t"a": tru\n}\n', is_json=True)
    assert (caught.value.line, caught.value.column) == (2, 7)


def test_invalid_json_has_line_and_column() -> None:
    with pytest.raises(LoadError) as caught:
        parse('{\n  "a": 1\n  "b": 2\n}\n', is_json=True)
    error = caught.value
    assert (error.line, error.column) == (3, 3)
    assert error.message == "invalid JSON: Expecting ',' delimiter"
    assert str(error) == error.message


def test_duplicate_key_in_json() -> None:
    text = dedent(
        """\
        {
          "Resources": {
            "VPC": {"Type": "AWS::EC2::VPC"},
            "Subnet": {"Type": "AWS::EC2::Subnet"},
            "VPC": {"Type": "AWS::EC2::VPC"}
          }
        }
        """
    )
    with pytest.raises(LoadError) as caught:
        parse(text, is_json=True)
    error = caught.value
    assert "'VPC'" in error.message
    assert "duplicate key" in error.message
    assert "line 3" in error.message
    assert (error.line, error.column) == (5, 5)


def test_duplicate_key_in_yaml() -> None:
    text = dedent(
        """\
        Resources:
          VPC:
            Type: AWS::EC2::VPC
          Subnet:
            Type: AWS::EC2::Subnet
            Properties:
              VpcId: !Ref VPC
              VpcId: !Ref Other
        """
    )
    with pytest.raises(LoadError) as caught:
        parse(text)
    error = caught.value
    assert error.message == "duplicate key 'VpcId' (first defined on line 7)"
    assert (error.line, error.column) == (8, 7)


def test_duplicate_logical_id_in_yaml() -> None:
    with pytest.raises(LoadError) as caught:
        parse("Resources:\n  A: {Type: X}\n  B: {Type: Y}\n  A: {Type: Z}\n")
    assert caught.value.message == "duplicate key 'A' (first defined on line 2)"
    assert (caught.value.line, caught.value.column) == (4, 3)


# -- YAML errors and scalars ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("a: b: c\n", 1, 5),
        ("a: [1, 2\nb: 3\n", 2, 2),
        ("Resources:\n  VPC:\n    Type: 'AWS::EC2::VPC\n", 4, 1),
    ],
)
def test_yaml_syntax_error_has_line_and_column(text: str, line: int, column: int) -> None:
    with pytest.raises(LoadError) as caught:
        parse(text)
    assert caught.value.message.startswith("invalid YAML: ")
    assert (caught.value.line, caught.value.column) == (line, column)


def test_format_version_date_stays_a_string() -> None:
    data = parse("AWSTemplateFormatVersion: 2010-09-09\n")
    version = data["AWSTemplateFormatVersion"]
    assert version == "2010-09-09"
    assert isinstance(version, str)
    assert version.mark == Mark(1, 27)


def test_scalars() -> None:
    data = parse(
        dedent(
            """\
            yes_bool: true
            no_bool: False
            int: 42
            negative: -7
            hex: 0x10
            float: 1.5
            null_word: null
            tilde: ~
            empty:
            quoted_bool: "true"
            quoted_int: '443'
            cidr: 10.0.0.0/16
            """
        )
    )
    assert data == {
        "yes_bool": True,
        "no_bool": False,
        "int": 42,
        "negative": -7,
        "hex": 16,
        "float": 1.5,
        "null_word": None,
        "tilde": None,
        "empty": None,
        "quoted_bool": "true",
        "quoted_int": "443",
        "cidr": "10.0.0.0/16",
    }
    assert data["yes_bool"] is True
    assert data["no_bool"] is False
    assert type(data["int"]) is int
    assert type(data["float"]) is float
    assert isinstance(data["quoted_bool"], StrNode)
    assert isinstance(data["quoted_int"], StrNode)


def test_empty_value_is_marked_on_its_own_line() -> None:
    data = parse("Properties:\n  Empty:\n  Next: 1\n")
    assert data["Properties"]["Empty"] is None
    assert data["Properties"].value_marks["Empty"].line == 2


def test_aliases_are_expanded() -> None:
    data = parse("a: &cidr [10.0.0.0/16, 10.1.0.0/16]\nb: *cidr\n")
    assert data["a"] == data["b"] == ["10.0.0.0/16", "10.1.0.0/16"]


def test_empty_document_is_none() -> None:
    assert parse("") is None
    assert parse("# only a comment\n") is None


# -- refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "a: !!python/object:os.system {}\n",
        "a: !!python/object/apply:os.system ['echo pwned']\n",
        "a: !!python/name:os.system\n",
        "a: !!python/object/new:os.system ['echo pwned']\n",
        "a: !<tag:yaml.org,2002:python/object/apply:os.system> ['echo pwned']\n",
        "%TAG !p! tag:yaml.org,2002:python/\n---\na: !p!object/apply:os.system ['echo pwned']\n",
    ],
)
def test_python_tags_are_refused(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Any] = []
    monkeypatch.setattr(os, "system", lambda *args: calls.append(args) or 0)
    with pytest.raises(LoadError) as caught:
        parse(text)
    assert "is not allowed in a template" in caught.value.message
    assert "python/" in caught.value.message
    assert caught.value.line is not None
    assert calls == []


def test_python_tag_position() -> None:
    with pytest.raises(LoadError) as caught:
        parse("ok: 1\nbad: !!python/name:os.system\n")
    assert (caught.value.line, caught.value.column) == (2, 6)


@pytest.mark.parametrize("text", ["a: &x\n  b: *x\n", "a: &x [1, *x]\n", "a: !Ref &x [*x]\n"])
def test_self_referencing_alias_is_refused(text: str) -> None:
    with pytest.raises(LoadError) as caught:
        parse(text)
    assert caught.value.message == "an alias refers to the node that contains it"
    assert caught.value.line == 1


def laughs(levels: int = 9, width: int = 10) -> str:
    lines = [f"l0: &l0 [{', '.join(['lol'] * width)}]"]
    for level in range(1, levels):
        lines.append(f"l{level}: &l{level} [{', '.join([f'*l{level - 1}'] * width)}]")
    return "\n".join(lines) + "\n"


def test_billion_laughs_is_refused_fast(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vpclint.loader, "MAX_NODES", 10_000)
    start = time.perf_counter()
    with pytest.raises(LoadError) as caught:
        parse(laughs())
    elapsed = time.perf_counter() - start
    assert "aliases expand the document to 1,234,567,909 nodes" in caught.value.message
    assert caught.value.line is not None
    assert elapsed < 0.5


def test_many_aliases_under_the_cap_are_fine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vpclint.loader, "MAX_NODES", 10_000)
    data = parse(laughs(levels=3, width=10))
    assert len(data["l2"]) == 10
    assert data["l2"][9][9][9] == "lol"


def test_billion_laughs_with_default_cap_is_refused_within_seconds(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("AWSTemplateFormatVersion: '2010-09-09'\n" + laughs(), encoding="utf-8")
    script = (
        "import sys\nfrom vpclint.loader import LoadError, load\n"
        "try:\n    load(sys.argv[1])\nexcept LoadError:\n    sys.exit(3)\n"
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", script, str(bomb)],
            timeout=3,
            capture_output=True,
            cwd=tmp_path,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("an alias bomb kept the loader busy for more than 3 seconds")
    assert done.returncode == 3


# -- load() and is_template -------------------------------------------------------------------


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(dedent(content), encoding="utf-8")
    return path


NOT_TEMPLATES = {
    "docker-compose.yml": """\
        services:
          web:
            image: nginx:1.27
            ports: ["80:80"]
        """,
    "deployment.yaml": """\
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: 2
        """,
    "k8s-multi.yaml": """\
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: a}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: b}
        """,
    "playbook.yml": """\
        - hosts: all
          tasks:
            - name: ping
              ping:
        """,
    "untyped-resources.yaml": """\
        Resources:
          cpu: {Type: fast}
        """,
    "package.json": '{"name": "x", "version": "1.0.0"}\n',
    "empty.yaml": "",
    "broken.yaml": "key: [unclosed\n",
    "broken.json": '{"name": "x",\n',
}


@pytest.mark.parametrize("name", sorted(NOT_TEMPLATES))
def test_files_that_are_not_templates_are_skipped(tmp_path: Path, name: str) -> None:
    assert load(write(tmp_path, name, NOT_TEMPLATES[name])) is None


def test_template_detected_by_format_version_only(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "t.yaml",
        """\
        AWSTemplateFormatVersion: 2010-09-09
        Description: nothing yet
        """,
    )
    template = load(path)
    assert isinstance(template, Template)
    assert template.path == str(path)
    assert template.data == {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "nothing yet",
    }
    assert template.lines == ["AWSTemplateFormatVersion: 2010-09-09", "Description: nothing yet"]


def test_template_detected_by_typed_resources(tmp_path: Path) -> None:
    template = load(
        write(
            tmp_path,
            "t.yml",
            """\
            Resources:
              VPC:
                Type: AWS::EC2::VPC
                Properties:
                  CidrBlock: 10.0.0.0/16
            """,
        )
    )
    assert template is not None
    assert template.data["Resources"]["VPC"]["Properties"]["CidrBlock"] == "10.0.0.0/16"
    assert template.data["Resources"]["VPC"]["Properties"]["CidrBlock"].mark == Mark(5, 18)


def test_json_template_file(tmp_path: Path) -> None:
    template = load(write(tmp_path, "t.json", JSON_TEMPLATE))
    assert template is not None
    assert template.data["Resources"]["VPC"]["Type"] == "AWS::EC2::VPC"
    assert template.data["Resources"]["VPC"]["Type"].mark == Mark(5, 15)


def test_is_template() -> None:
    assert is_template({"AWSTemplateFormatVersion": "2010-09-09"})
    assert is_template({"Resources": {"Fn": {"Type": "AWS::Serverless::Function"}}})
    assert is_template({"Resources": {"X": {"Type": "Custom::Thing"}, "Y": "junk"}})
    assert not is_template({"Resources": {"X": {"Type": "fast"}}})
    assert not is_template({"Resources": ["AWS::EC2::VPC"]})
    assert not is_template({"Resources": {"X": {"Type": 5}}})
    assert not is_template(["AWSTemplateFormatVersion"])
    assert not is_template(None)
    assert not is_template("AWSTemplateFormatVersion")


def test_unparseable_template_is_an_error(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "t.yaml",
        """\
        AWSTemplateFormatVersion: '2010-09-09'
        Resources:
          VPC:
            Type: AWS::EC2::VPC
            Properties: {CidrBlock: 10.0.0.0/16
        """,
    )
    with pytest.raises(LoadError) as caught:
        load(path)
    assert caught.value.message.startswith("invalid YAML")
    assert (caught.value.line, caught.value.column) == (6, 1)


def test_unparseable_json_template_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "t.json", '{"Resources": {"VPC": {"Type": "AWS::EC2::VPC",}}}\n')
    with pytest.raises(LoadError) as caught:
        load(path)
    assert (caught.value.line, caught.value.column) == (1, 48)


def test_duplicate_key_in_a_template_file_is_an_error(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "t.yaml",
        """\
        AWSTemplateFormatVersion: '2010-09-09'
        Resources:
          VPC: {Type: AWS::EC2::VPC}
          VPC: {Type: AWS::EC2::VPC}
        """,
    )
    with pytest.raises(LoadError) as caught:
        load(path)
    assert "'VPC'" in caught.value.message
    assert (caught.value.line, caught.value.column) == (4, 3)


def test_non_utf8_is_an_error_with_position(tmp_path: Path) -> None:
    path = write(
        tmp_path, "t.yaml", b"AWSTemplateFormatVersion: '2010-09-09'\nDescription: caf\xe9\n"
    )
    with pytest.raises(LoadError) as caught:
        load(path)
    assert caught.value.message == "file is not valid UTF-8"
    assert (caught.value.line, caught.value.column) == (2, 17)


def test_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(LoadError) as caught:
        load(tmp_path / "absent.yaml")
    assert caught.value.message.startswith("cannot read file")
    assert caught.value.line is None


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    text = "AWSTemplateFormatVersion: '2010-09-09'\nDescription: café\n"
    template = load(write(tmp_path, "t.yaml", b"\xef\xbb\xbf" + text.encode("utf-8")))
    assert template is not None
    assert template.data["Description"] == "café"
    assert template.data.key_marks["AWSTemplateFormatVersion"] == Mark(1, 1)
    assert template.data["AWSTemplateFormatVersion"].mark == Mark(1, 27)
    assert template.lines[0] == "AWSTemplateFormatVersion: '2010-09-09'"


def test_utf8_bom_in_json_is_accepted(tmp_path: Path) -> None:
    template = load(write(tmp_path, "t.json", b"\xef\xbb\xbf" + JSON_TEMPLATE.encode("utf-8")))
    assert template is not None
    assert template.data.key_marks["Resources"] == Mark(3, 3)


def test_crlf_gives_the_same_marks(tmp_path: Path) -> None:
    text = "AWSTemplateFormatVersion: 2010-09-09\n" + MARKED + "Outputs:\n  X: !Ref VPC\n"
    unix = load(write(tmp_path, "unix.yaml", text.encode("utf-8")))
    windows = load(write(tmp_path, "windows.yaml", text.replace("\n", "\r\n").encode("utf-8")))
    assert unix is not None
    assert windows is not None
    assert windows.data == unix.data
    marks = all_marks(windows.data)
    assert marks == all_marks(unix.data)
    assert ("/Resources/VPC/Properties/CidrBlock", Mark(6, 18)) in marks
    assert ("/Outputs/X", Mark(13, 6)) in marks
    assert windows.lines == unix.lines


def test_crlf_json_gives_the_same_marks() -> None:
    windows = parse(JSON_TEMPLATE.replace("\n", "\r\n"), is_json=True)
    assert all_marks(windows) == all_marks(parse(JSON_TEMPLATE, is_json=True))


def test_yaml_flow_mapping_template(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "t.yaml",
        "{AWSTemplateFormatVersion: 2010-09-09, Resources: {VPC: {Type: AWS::EC2::VPC,\n"
        "  Properties: {CidrBlock: !Ref Cidr}}}}\n",
    )
    template = load(path)
    assert template is not None
    assert template.data["Resources"]["VPC"]["Properties"] == {"CidrBlock": {"Ref": "Cidr"}}


def test_non_utf8_column_counts_characters(tmp_path: Path) -> None:
    # "é" is two bytes in UTF-8 but one column in an editor: the bad byte is in column 19.
    path = write(
        tmp_path, "t.yaml", b"AWSTemplateFormatVersion: x\nDescription: caf\xc3\xa9 \xff\n"
    )
    with pytest.raises(LoadError) as caught:
        load(path)
    assert (caught.value.line, caught.value.column) == (2, 19)


# -- libyaml and the pure-Python parser ---------------------------------------------------------

LIBYAML_REJECTS = """\
AWSTemplateFormatVersion: "2010-09-09"
Conditions:
  NotChina: !Not [!Equals [!Ref AWS::Partition, aws-cn]]
Resources:
  VPC:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.0.0.0/16}
"""


def test_template_that_libyaml_rejects_still_loads() -> None:
    data = parse(LIBYAML_REJECTS)
    assert data["Conditions"]["NotChina"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "AWS::Partition"}, "aws-cn"]}]
    }
    assert data["Conditions"].value_marks["NotChina"] == Mark(3, 13)


@pytest.mark.skipif(not vpclint.loader._HAS_LIBYAML, reason="libyaml bindings not installed")
@pytest.mark.parametrize(
    "sample",
    sorted((Path(__file__).parents[1] / "sample_templates").glob("*.yaml")),
    ids=lambda p: p.name,
)
def test_libyaml_and_pure_python_load_the_same(
    sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = sample.read_text(encoding="utf-8")
    fast = parse(text)
    monkeypatch.setattr(vpclint.loader, "_HAS_LIBYAML", False)
    pure = parse(text)
    assert fast == pure
    assert all_marks(fast) == all_marks(pure)


def test_folded_scalars_have_no_round_trip_markers() -> None:
    data = parse("Description: >\n  one\n  two\n")
    assert data["Description"] == "one two\n"


def repeated_resource(copies: int) -> str:
    """One subnet written once and repeated by alias as `copies` more resources."""
    lines = [
        "AWSTemplateFormatVersion: '2010-09-09'",
        "Resources:",
        "  Vpc: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.0.0.0/16}}",
        "  Subnet0: &subnet",
        "    Type: AWS::EC2::Subnet",
        "    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.0.0/24}",
    ]
    lines += [f"  Subnet{index}: *subnet" for index in range(1, copies + 1)]
    return "\n".join(lines) + "\n"


def test_resource_repeated_by_aliases_thousands_of_times_is_refused() -> None:
    # 509 KB that became 40,000 subnets: the cost of a 4 MB template for an eighth of it.
    start = time.perf_counter()
    with pytest.raises(LoadError) as caught:
        parse(repeated_resource(40_000))
    assert caught.value.message == (
        "aliases expand the document to 400,023 nodes from 40,023: "
        "refused as an alias expansion (billion laughs)"
    )
    assert (caught.value.line, caught.value.column) == (1, 1)
    assert time.perf_counter() - start < 3


def test_aliases_that_repeat_parts_of_a_template_are_fine(monkeypatch: pytest.MonkeyPatch) -> None:
    # 4,000 copies add 40,000 nodes: under ALIAS_FREE, however small the document.
    data = parse(repeated_resource(4_000))
    assert len(data["Resources"]) == 4_002
    assert data["Resources"]["Subnet4000"]["Properties"]["CidrBlock"] == "10.0.0.0/24"
    # Past ALIAS_FREE, aliases may add as many nodes as the document holds, and no more.
    monkeypatch.setattr(vpclint.loader, "ALIAS_FREE", 10)
    tags = "[{Key: a, Value: b}, {Key: c, Value: d}]"  # 11 nodes

    def topics(shared: int, own: int) -> str:
        lines = [f"First: {{Tags: &tags {tags}}}"]
        lines += [f"T{i}: {{Tags: *tags}}" for i in range(shared)]
        lines += [f"O{i}: {{A: 1, B: 2, C: 3, D: 4, E: 5}}" for i in range(own)]
        return "\n".join(lines) + "\n"

    assert parse(topics(10, 30))["T9"]["Tags"][1]["Value"] == "d"  # 110 added to 405
    with pytest.raises(LoadError) as caught:
        parse(topics(10, 5))  # 110 added to 105
    assert "refused as an alias expansion" in caught.value.message


def test_document_over_max_nodes_is_refused_without_blaming_aliases(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert vpclint.loader.MAX_NODES == 450_000  # what stays within 500 MiB (see loader)
    monkeypatch.setattr(vpclint.loader, "MAX_NODES", 1_000)
    text = "Metadata:\n  X: [" + ", ".join(["a"] * 1_000) + "]\n"
    with pytest.raises(LoadError) as caught:
        parse(text)
    assert caught.value.message == (
        "the template has more than 1,000 nodes, more than vpclint lints "
        "(CloudFormation itself takes at most 1 MB)"
    )
    # Five nodes hold the list (two mappings, two keys, the sequence): 995 items make 1,000.
    parse("Metadata:\n  X: [" + ", ".join(["a"] * 995) + "]\n")
