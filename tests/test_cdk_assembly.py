"""Reading CDK cloud assemblies (vpclint.expand.cdk), and the committed CDK apps it reads.

tests/fixtures/cdk/*/cdk.out were synthesized by tools/synth_cdk_fixtures.sh from the app.js
beside them, so these tests need neither the network nor Node.js.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import REPO

from vpclint.expand import cdk
from vpclint.expand.cdk import CdkError, CdkStack, find_assembly, is_assembly, read_assembly

CDK = REPO / "tests" / "fixtures" / "cdk"
TWO_STACKS = CDK / "two-stacks"
STAGE_NESTED = CDK / "stage-nested"
VERSION = "55.0.0"


def template(path: Path | str) -> dict[str, Any]:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def write_manifest(folder: Path, artifacts: Any, version: str = VERSION) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "manifest.json"
    path.write_text(json.dumps({"version": version, "artifacts": artifacts}), encoding="utf-8")
    return path


def stack_artifact(template_file: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": "aws:cloudformation:stack",
        "properties": {"templateFile": template_file},
        **extra,
    }


def with_template(folder: Path, name: str) -> None:
    (folder / name).write_text('{"Resources": {}}', encoding="utf-8")


def raises(folder: Path, message: str, path: Path) -> None:
    with pytest.raises(CdkError) as caught:
        read_assembly(str(folder))
    assert str(caught.value) == message
    assert caught.value.path == str(path)


# The committed assemblies


def test_two_stacks_assembly() -> None:
    out = str(TWO_STACKS / "cdk.out")
    assert read_assembly(out) == [
        CdkStack(
            artifact_id="NetworkStack",
            stack_name="NetworkStack",
            display_name="NetworkStack",
            template=os.path.join(out, "NetworkStack.template.json"),
            assembly=out,
            dependencies=(),
        ),
        CdkStack(
            artifact_id="AppStack",
            stack_name="AppStack",
            display_name="AppStack",
            template=os.path.join(out, "AppStack.template.json"),
            assembly=out,
            dependencies=("NetworkStack",),  # not its asset manifest, AppStack.assets
        ),
    ]


def test_stage_assembly_is_read_from_its_sub_assembly() -> None:
    out = str(STAGE_NESTED / "cdk.out")
    prod = os.path.join(out, "assembly-Prod")
    assert read_assembly(out) == [
        CdkStack(
            artifact_id="ProdNetwork2D2E7D69",
            stack_name="Prod-Network",
            display_name="Prod/Network",
            template=os.path.join(prod, "ProdNetwork2D2E7D69.template.json"),
            assembly=prod,
            dependencies=(),
        )
    ]
    top = template(os.path.join(out, "manifest.json"))["artifacts"]
    assert top["assembly-Prod"]["type"] == "cdk:cloud-assembly"
    assert top["assembly-Prod"]["properties"]["directoryName"] == "assembly-Prod"
    assert read_assembly(prod) == read_assembly(out)  # the sub-assembly reads on its own too


def test_find_assembly() -> None:
    assert find_assembly(str(TWO_STACKS)) == os.path.join(str(TWO_STACKS), "cdk.out")
    assert find_assembly(str(STAGE_NESTED)) == os.path.join(str(STAGE_NESTED), "cdk.out")
    assert find_assembly(str(CDK)) is None  # no cdk.json
    assert find_assembly(str(TWO_STACKS / "cdk.out")) is None  # the assembly is no project root


def test_find_assembly_follows_output(tmp_path: Path) -> None:
    (tmp_path / "cdk.json").write_text('{"app": "node app.js", "output": "build/out"}')
    assert find_assembly(str(tmp_path)) is None  # not synthesized yet
    write_manifest(tmp_path / "build" / "out", {})
    assert find_assembly(str(tmp_path)) == os.path.join(str(tmp_path), "build/out")
    (tmp_path / "cdk.out").mkdir()
    write_manifest(tmp_path / "cdk.out", {})
    (tmp_path / "cdk.json").write_text('{"app": "node app.js"}')
    assert find_assembly(str(tmp_path)) == os.path.join(str(tmp_path), "cdk.out")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "{",
            "cdk.json is not valid JSON: Expecting property name enclosed in double quotes"
            " (line 1, column 2)",
        ),
        ("[]", "cdk.json is not a JSON object"),
        ('{"output": 3}', '"output" in cdk.json is not a folder name'),
    ],
)
def test_find_assembly_in_a_bad_project(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "cdk.json").write_text(text)
    with pytest.raises(CdkError) as caught:
        find_assembly(str(tmp_path))
    assert (str(caught.value), caught.value.path) == (message, str(tmp_path / "cdk.json"))


def test_is_assembly(tmp_path: Path) -> None:
    assert is_assembly(str(TWO_STACKS / "cdk.out"))
    assert is_assembly(str(STAGE_NESTED / "cdk.out"))
    assert is_assembly(str(STAGE_NESTED / "cdk.out" / "assembly-Prod"))
    assert not is_assembly(str(TWO_STACKS))  # a project root
    assert not is_assembly(str(tmp_path / "nowhere"))
    extension = tmp_path / "extension"  # a browser extension's manifest.json
    extension.mkdir()
    (extension / "manifest.json").write_text('{"manifest_version": 3, "version": "1.0"}')
    assert not is_assembly(str(extension))
    (extension / "cdk.out").write_text('{"version": "55.0.0"}')  # the marker CDK writes
    assert is_assembly(str(extension))
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "manifest.json").write_text("{")
    assert not is_assembly(str(broken))
    write_manifest(broken, {"Stack": "not an artifact"})
    assert not is_assembly(str(broken))


# Bad input: a CdkError with a one-line message and the offending file


def test_missing_manifest(tmp_path: Path) -> None:
    raises(
        tmp_path,
        f"no manifest.json in {tmp_path}: not a CDK cloud assembly",
        tmp_path / "manifest.json",
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "manifest.json is not valid JSON: Expecting value (line 1, column 1)"),
        (
            b'{"version": "55.0.0",\n "artifacts": }',
            "manifest.json is not valid JSON: Expecting value (line 2, column 15)",
        ),
        (b"\xff\xfe{}", "manifest.json is not valid UTF-8"),
        (b"[" * 100_000 + b"]" * 100_000, "manifest.json is not valid JSON: nesting is too deep"),
        (b"[]", 'not a CDK cloud assembly manifest: no "version"'),
        (b'{"artifacts": {}}', 'not a CDK cloud assembly manifest: no "version"'),
        (b'{"version": 55}', 'not a CDK cloud assembly manifest: no "version"'),
        (b'{"version": "55.0.0", "artifacts": []}', '"artifacts" is not a JSON object'),
        (
            b'{"version": "55.0.0", "artifacts": {"Tree": {"properties": {}}}}',
            "artifact Tree has no type",
        ),
        (b'{"version": "55.0.0", "artifacts": {"Tree": "cdk:tree"}}', "artifact Tree has no type"),
    ],
)
def test_invalid_manifest(tmp_path: Path, content: bytes, message: str) -> None:
    (tmp_path / "manifest.json").write_bytes(content)
    raises(tmp_path, message, tmp_path / "manifest.json")


def test_manifest_that_is_a_fifo_is_refused_without_waiting(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "manifest.json")
    raises(
        tmp_path,
        f"no manifest.json in {tmp_path}: not a CDK cloud assembly",
        tmp_path / "manifest.json",
    )


def test_manifest_too_large(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cdk, "MAX_MANIFEST_BYTES", 1024 * 1024)
    path = write_manifest(tmp_path, {"Tree": {"type": "cdk:tree", "padding": "x" * 1024 * 1024}})
    raises(tmp_path, "manifest.json is larger than 1 MiB", path)


@pytest.mark.parametrize(
    ("artifact", "message"),
    [
        ({"type": "aws:cloudformation:stack"}, "stack Stack has no templateFile"),
        (
            {"type": "aws:cloudformation:stack", "properties": []},
            "artifact Stack: properties is not a JSON object",
        ),
        (stack_artifact(""), "artifact Stack: templateFile is not a non-empty string"),
        (
            stack_artifact("Stack.template.json", properties={"templateFile": ["a"]}),
            "artifact Stack: templateFile is not a non-empty string",
        ),
        (
            {
                "type": "aws:cloudformation:stack",
                "properties": {"templateFile": "Stack.template.json", "stackName": 7},
            },
            "artifact Stack: stackName is not a non-empty string",
        ),
        (
            stack_artifact("Stack.template.json", displayName=["Stack"]),
            "artifact Stack: displayName is not a non-empty string",
        ),
        (
            stack_artifact("Stack.template.json", dependencies="Other"),
            "artifact Stack: dependencies is not a list of artifact IDs",
        ),
        (
            {"type": "cdk:cloud-assembly", "properties": {}},
            "nested assembly Stack has no directoryName",
        ),
    ],
)
def test_invalid_artifact(tmp_path: Path, artifact: dict[str, Any], message: str) -> None:
    with_template(tmp_path, "Stack.template.json")
    path = write_manifest(tmp_path, {"Stack": artifact})
    raises(tmp_path, message, path)


def test_missing_template(tmp_path: Path) -> None:
    write_manifest(tmp_path, {"AppStack": stack_artifact("AppStack.template.json")})
    raises(
        tmp_path,
        "the template file of stack AppStack, AppStack.template.json, is missing",
        tmp_path / "AppStack.template.json",
    )


def test_missing_template_in_a_sub_assembly(tmp_path: Path) -> None:
    nested = {"type": "cdk:cloud-assembly", "properties": {"directoryName": "assembly-Prod"}}
    write_manifest(tmp_path, {"assembly-Prod": nested})
    write_manifest(tmp_path / "assembly-Prod", {"ProdApp": stack_artifact("ProdApp.template.json")})
    raises(
        tmp_path,
        "the template file of stack ProdApp, ProdApp.template.json, is missing",
        tmp_path / "assembly-Prod" / "ProdApp.template.json",
    )


def test_missing_sub_assembly(tmp_path: Path) -> None:
    nested = {"type": "cdk:cloud-assembly", "properties": {"directoryName": "assembly-Prod"}}
    write_manifest(tmp_path, {"assembly-Prod": nested})
    folder = os.path.join(str(tmp_path), "assembly-Prod")
    raises(
        tmp_path,
        f"no manifest.json in {folder}: not a CDK cloud assembly",
        tmp_path / "assembly-Prod" / "manifest.json",
    )


def test_assembly_naming_itself(tmp_path: Path) -> None:
    path = write_manifest(
        tmp_path, {"Loop": {"type": "cdk:cloud-assembly", "properties": {"directoryName": "."}}}
    )
    raises(tmp_path, "nested assembly Loop (.) leads back to an assembly that contains it", path)


def test_cycle_between_assemblies(tmp_path: Path) -> None:
    def nested(directory: str) -> dict[str, Any]:
        return {"type": "cdk:cloud-assembly", "properties": {"directoryName": directory}}

    with_template(tmp_path, "Top.template.json")
    write_manifest(
        tmp_path, {"Top": stack_artifact("Top.template.json"), "assembly-A": nested("a")}
    )
    write_manifest(tmp_path / "a", {"assembly-B": nested("b")})
    path = write_manifest(tmp_path / "a" / "b", {"Back": nested("../..")})
    raises(
        tmp_path, "nested assembly Back (../..) leads back to an assembly that contains it", path
    )


def test_symlinked_cycle(tmp_path: Path) -> None:
    nested = {"type": "cdk:cloud-assembly", "properties": {"directoryName": "link"}}
    path = write_manifest(tmp_path, {"assembly-Link": nested})
    (tmp_path / "link").symlink_to(tmp_path)
    message = "nested assembly assembly-Link (link) leads back to an assembly that contains it"
    raises(tmp_path, message, path)


def test_nesting_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cdk, "MAX_NESTING", 3)
    nested = {"type": "cdk:cloud-assembly", "properties": {"directoryName": "deeper"}}
    folder = tmp_path
    for _ in range(4):
        write_manifest(folder, {"assembly-Deeper": nested})
        folder = folder / "deeper"
    raises(
        tmp_path,
        "assemblies nested more than 3 deep",
        tmp_path / "deeper" / "deeper" / "deeper" / "manifest.json",
    )


def test_sub_assembly_named_twice_is_read_once(tmp_path: Path) -> None:
    nested = {"type": "cdk:cloud-assembly", "properties": {"directoryName": "assembly-Prod"}}
    write_manifest(tmp_path, {"First": nested, "Second": nested})
    write_manifest(tmp_path / "assembly-Prod", {"ProdApp": stack_artifact("ProdApp.template.json")})
    with_template(tmp_path / "assembly-Prod", "ProdApp.template.json")
    assert [s.artifact_id for s in read_assembly(str(tmp_path))] == ["ProdApp"]


def test_newer_manifest_is_read_as_far_as_it_is_known(tmp_path: Path) -> None:
    for name in ("Network.template.json", "App.template.json"):
        with_template(tmp_path, name)
    write_manifest(
        tmp_path,
        {
            "Hologram": {"type": "cdk:hologram", "properties": {"anything": [1, 2]}},
            "Network": stack_artifact("Network.template.json", colour="blue"),
            "App": {
                "type": "aws:cloudformation:stack",
                "properties": {"templateFile": "App.template.json", "stackName": "app-prod"},
                "displayName": "Prod/App",
                "dependencies": ["Network", "App.assets", "Hologram", "Elsewhere"],
            },
            "Empty": {"type": "none"},
        },
        version="99.1.0",
    )
    assert read_assembly(str(tmp_path)) == [
        CdkStack(
            "Network",
            "Network",
            "Network",
            str(tmp_path / "Network.template.json"),
            str(tmp_path),
            (),
        ),
        CdkStack(
            "App",
            "app-prod",
            "Prod/App",
            str(tmp_path / "App.template.json"),
            str(tmp_path),
            ("Network",),
        ),
    ]


def test_assembly_without_artifacts(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text('{"version": "55.0.0"}')
    assert read_assembly(str(tmp_path)) == []


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
NAMES = st.sampled_from(["T.template.json", "sub", ".", "..", "sub/..", "missing", "", "/"])
ARTIFACT = st.one_of(
    st.builds(lambda name: stack_artifact(name, dependencies=["A", "B"]), NAMES),
    st.builds(
        lambda name: {"type": "cdk:cloud-assembly", "properties": {"directoryName": name}}, NAMES
    ),
    st.fixed_dictionaries(
        {
            "type": st.sampled_from(["aws:cloudformation:stack", "cdk:cloud-assembly", "cdk:x"]),
            "properties": st.fixed_dictionaries(
                {}, optional={"templateFile": NAMES | JSON, "directoryName": NAMES | JSON}
            ),
        },
        optional={
            "displayName": st.text(max_size=4) | JSON,
            "dependencies": st.lists(st.sampled_from(["A", "B", "C", "D"]), max_size=3) | JSON,
        },
    ),
)
IDS = st.sampled_from(["A", "B", "C"])
MANIFEST = st.one_of(
    st.fixed_dictionaries(
        {"version": st.just(VERSION), "artifacts": st.dictionaries(IDS, ARTIFACT, max_size=3)}
    ),
    st.fixed_dictionaries(
        {"version": st.just(VERSION) | JSON},
        optional={"artifacts": st.dictionaries(IDS, ARTIFACT | JSON, max_size=3) | JSON},
    ),
    JSON,
)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(top=MANIFEST, sub=MANIFEST)
def test_any_manifest_gives_stacks_or_a_cdk_error(top: Any, sub: Any) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "sub").mkdir()
        (root / "manifest.json").write_text(json.dumps(top), encoding="utf-8")
        (root / "sub" / "manifest.json").write_text(json.dumps(sub), encoding="utf-8")
        with_template(root, "T.template.json")
        assert isinstance(is_assembly(folder), bool)
        try:
            stacks = read_assembly(folder)
        except CdkError as error:
            assert "\n" not in str(error) and error.path
        else:
            assert all(os.path.isfile(stack.template) for stack in stacks)


# What the committed templates hold for the linker


def test_app_stack_imports_what_network_stack_exports() -> None:
    network = template(TWO_STACKS / "cdk.out" / "NetworkStack.template.json")
    app = template(TWO_STACKS / "cdk.out" / "AppStack.template.json")
    exports = {output["Export"]["Name"]: output["Value"] for output in network["Outputs"].values()}
    imports = re.findall(r'"Fn::ImportValue": "([^"]+)"', json.dumps(app))
    assert imports  # the VPC (security group) and the isolated subnet (instance)
    assert set(imports) <= set(exports)
    instance = app["Resources"]["InstanceC1063A87"]
    assert instance["Type"] == "AWS::EC2::Instance"
    assert instance["Metadata"] == {"aws:cdk:path": "AppStack/Instance/Resource"}
    subnet = exports[instance["Properties"]["SubnetId"]["Fn::ImportValue"]]
    assert subnet == {"Ref": "VpcIsolatedSubnet1SubnetE48C5737"}
    group = app["Resources"]["InstanceSecurityGroup896E10BF"]
    assert exports[group["Properties"]["VpcId"]["Fn::ImportValue"]] == {"Ref": "Vpc8378EB38"}


def test_network_stack_leaves_the_ssm_managed_instance_unreachable() -> None:
    network = template(TWO_STACKS / "cdk.out" / "NetworkStack.template.json")["Resources"]
    app = template(TWO_STACKS / "cdk.out" / "AppStack.template.json")["Resources"]
    types = [resource["Type"] for resource in network.values()]
    assert "AWS::EC2::NatGateway" not in types
    endpoints = [r for r in network.values() if r["Type"] == "AWS::EC2::VPCEndpoint"]
    assert len(endpoints) == 1
    assert endpoints[0]["Properties"].get("VpcEndpointType", "Gateway") == "Gateway"
    assert "s3" in json.dumps(endpoints[0]["Properties"]["ServiceName"])
    vpc = network["Vpc8378EB38"]["Properties"]
    assert (vpc["CidrBlock"], vpc["EnableDnsSupport"], vpc["EnableDnsHostnames"]) == (
        "10.0.0.0/16",
        True,
        True,
    )
    isolated_tables = {
        "VpcIsolatedSubnet1RouteTable4771E3E5",
        "VpcIsolatedSubnet2RouteTable1D30AF7D",
    }
    routes = [r for r in network.values() if r["Type"] == "AWS::EC2::Route"]
    assert not [r for r in routes if r["Properties"]["RouteTableId"]["Ref"] in isolated_tables]
    role = json.dumps(app["InstanceRole3CCE2F1D"]["Properties"]["ManagedPolicyArns"])
    assert "AmazonSSMManagedInstanceCore" in role
    assert app["InstanceC1063A87"]["Properties"]["ImageId"] == "ami-0123456789abcdef0"
    assert [
        r["Properties"]["AvailabilityZone"]
        for r in network.values()
        if r["Type"] == "AWS::EC2::Subnet"
    ] == ["us-east-1a", "us-east-1b"] * 2


def test_nested_stack_template_is_named_by_its_asset_path() -> None:
    prod = STAGE_NESTED / "cdk.out" / "assembly-Prod"
    parent = template(prod / "ProdNetwork2D2E7D69.template.json")["Resources"]
    (nested,) = [r for r in parent.values() if r["Type"] == "AWS::CloudFormation::Stack"]
    assert nested["Metadata"] == {
        "aws:cdk:path": "Prod/Network/Security.NestedStack/Security.NestedStackResource",
        "aws:asset:path": "ProdNetworkSecurity0DC405C2.nested.template.json",
        "aws:asset:property": "TemplateURL",
    }
    child = template(prod / nested["Metadata"]["aws:asset:path"])
    assert set(child["Parameters"]) == set(nested["Properties"]["Parameters"])
    assert "AWS::EC2::SecurityGroup" in {r["Type"] for r in child["Resources"].values()}
    # The asset manifest maps the nested template to the S3 object its TemplateURL names.
    assets = template(prod / "ProdNetwork2D2E7D69.assets.json")["files"]
    (digest,) = [
        key
        for key, asset in assets.items()
        if asset["source"]["path"] == nested["Metadata"]["aws:asset:path"]
    ]
    assert json.dumps(nested["Properties"]["TemplateURL"]).endswith(f'/{digest}.json"]]}}')


# The committed output itself


def test_committed_output_is_small_and_from_this_machine_nowhere() -> None:
    files = [p for p in CDK.rglob("*") if p.is_file()]
    assert not [p for p in files if "node_modules" in p.parts or p.name == "package-lock.json"]
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"/tmp/|/work/|/home/|/Users/|[A-Z]:\\\\", text), path
    assert sum(p.stat().st_size for p in files) < 400_000  # four apps, about 300 kB


def test_committed_output_comes_from_the_pinned_versions() -> None:
    for root in (TWO_STACKS, STAGE_NESTED, CDK / "single-nat", CDK / "env-agnostic"):
        pins = template(root / "package.json")["dependencies"]
        assert all(re.fullmatch(r"\d+\.\d+\.\d+", version) for version in pins.values())
        tree = (root / "cdk.out" / "tree.json").read_text(encoding="utf-8")
        versions = set(re.findall(r'"fqn":\s*"aws-cdk-lib\.[^"]+",\s*"version":\s*"([^"]+)"', tree))
        assert versions == {pins["aws-cdk-lib"]}
        assert template(root / "cdk.json")["app"] == "node app.js"


def test_manifest_with_an_integer_too_long_to_convert_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "manifest.json"
    path.write_text('{"version": "36.0.0",\n "n": ' + "9" * 5000 + "}", encoding="utf-8")
    raises(
        tmp_path,
        "manifest.json is not valid JSON: an integer of 5,000 digits (line 2, column 7)",
        path,
    )
