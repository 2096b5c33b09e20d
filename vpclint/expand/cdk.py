"""Read an AWS CDK cloud assembly (`cdk.out`): which stacks a CDK app synthesized, and where.

`cdk synth` writes a cloud assembly: a folder whose `manifest.json` lists artifacts by ID, in
the order the app defined them. The artifact types (`ArtifactType` in the
`@aws-cdk/cloud-assembly-schema` package, schema 55 with aws-cdk-lib 2.276):

- `aws:cloudformation:stack` — a stack: `properties.templateFile` (relative to the assembly
  folder), `properties.stackName` when it differs from the artifact ID (stacks in a stage:
  `Prod-Network` for the artifact `ProdNetwork2D2E7D69`), `displayName` (the stack's construct
  path, `Prod/Network`) and `dependencies` (artifact IDs: other stacks, and its own asset manifest);
- `cdk:cloud-assembly` — a stage's sub-assembly, in `properties.directoryName` (relative to the
  folder of the manifest that names it; stages in stages nest their folders);
- `cdk:asset-manifest`, `cdk:tree`, `cdk:feature-flag-report`, `none` — nothing to lint; skipped,
  as is any type a newer CDK invents.

A nested stack (`cdk.NestedStack`) is no artifact: its template (`*.nested.template.json`) sits
beside its parent's, which names it in the `aws:asset:path` metadata of its
`AWS::CloudFormation::Stack` resource; expanding nested stacks is the template's business, not
the manifest's.

A manifest of a schema version newer than this reader knows is still read: unknown fields and
artifact types are skipped. Whatever is malformed, or a stack whose template file is missing,
is a `CdkError` with a one-line message and the path of the offending file, never another
exception.
"""

from __future__ import annotations

import os
from typing import Any

from vpclint.records import record

MANIFEST = "manifest.json"
PROJECT_FILE = "cdk.json"
DEFAULT_OUTPUT = "cdk.out"
STACK = "aws:cloudformation:stack"
NESTED_ASSEMBLY = "cdk:cloud-assembly"
# A manifest is small (about 30 KB, most of it the feature flag report); older CDKs put every
# construct's metadata in it, stack traces included, which makes megabytes for a big app.
MAX_MANIFEST_BYTES = 32 * 1024 * 1024
# Stages nest their sub-assemblies one folder per level; no app nests stages this deep.
MAX_NESTING = 32


@record(frozen=True)
class CdkStack:
    """One stack of a cloud assembly."""

    artifact_id: str  # the manifest's artifact ID: "NetworkStack", "ProdNetwork2D2E7D69"
    stack_name: str  # the CloudFormation stack name: properties.stackName, else the artifact ID
    display_name: str  # the stack's construct path ("Prod/Network"), else the artifact ID
    template: str  # the template file, joined to the assembly folder as given
    assembly: str  # the (sub-)assembly folder whose manifest lists the stack
    dependencies: tuple[str, ...]  # the stacks (artifact IDs, same assembly) it depends on


class CdkError(Exception):
    """A cloud assembly (or cdk.json) that cannot be read: `message` and the offending `path`."""

    def __init__(self, message: str, path: str) -> None:
        super().__init__(message, path)  # both, so it survives pickling
        self.message = message
        self.path = path

    def __str__(self) -> str:
        return self.message


def find_assembly(project_root: str) -> str | None:
    """The cloud assembly folder of a CDK project root: cdk.json's `output` (`cdk.out` when it
    names none), when that folder holds a manifest.json; None when there is no cdk.json or no
    synthesized assembly. An unreadable cdk.json is a CdkError."""
    project_file = os.path.join(project_root, PROJECT_FILE)
    if not os.path.isfile(project_file):
        return None
    settings = _load_json(project_file, PROJECT_FILE)
    if not isinstance(settings, dict):
        raise CdkError(f"{PROJECT_FILE} is not a JSON object", project_file)
    output = settings.get("output", DEFAULT_OUTPUT)
    if not isinstance(output, str) or not output:
        raise CdkError(f'"output" in {PROJECT_FILE} is not a folder name', project_file)
    folder = os.path.join(project_root, output)
    return folder if os.path.isfile(os.path.join(folder, MANIFEST)) else None


def is_assembly(folder: str) -> bool:
    """Whether `folder` holds a manifest.json that looks like a cloud assembly's: a JSON object
    with a string `version` and either an `artifacts` object or the `cdk.out` marker file that
    the CDK writes beside it (so a browser extension's manifest.json is not taken for one)."""
    manifest_path = os.path.join(folder, MANIFEST)
    if not os.path.isfile(manifest_path):
        return False
    try:
        manifest = _load_json(manifest_path, MANIFEST, MAX_MANIFEST_BYTES)
    except CdkError:
        return False
    if not isinstance(manifest, dict) or not isinstance(manifest.get("version"), str):
        return False
    artifacts = manifest.get("artifacts")
    if isinstance(artifacts, dict):
        typed = (isinstance(a, dict) and isinstance(a.get("type"), str) for a in artifacts.values())
        return all(typed)
    return artifacts is None and os.path.isfile(os.path.join(folder, "cdk.out"))


def read_assembly(folder: str) -> list[CdkStack]:
    """Every stack of the cloud assembly in `folder`, stage sub-assemblies included (each where
    the manifest names it), in manifest order."""
    stacks: list[CdkStack] = []
    _read(folder, stacks, reading=[], done=set())
    return stacks


def _read(folder: str, stacks: list[CdkStack], reading: list[str], done: set[str]) -> None:
    """Add the stacks of the assembly in `folder`; `reading` holds the real paths of the
    assemblies whose manifests lead here, `done` those already read."""
    manifest_path = os.path.join(folder, MANIFEST)
    real = os.path.realpath(folder)
    if real in done:  # named twice, not in a cycle: its stacks are listed already
        return
    if len(reading) >= MAX_NESTING:
        raise CdkError(f"assemblies nested more than {MAX_NESTING} deep", manifest_path)
    if not os.path.isfile(manifest_path):
        raise CdkError(f"no {MANIFEST} in {folder}: not a CDK cloud assembly", manifest_path)
    artifacts = _artifacts(_load_json(manifest_path, MANIFEST, MAX_MANIFEST_BYTES), manifest_path)
    stack_ids = {key for key, artifact in artifacts.items() if artifact["type"] == STACK}
    reading.append(real)
    for artifact_id, artifact in artifacts.items():
        kind = artifact["type"]
        if kind == STACK:
            stacks.append(_stack(artifact_id, artifact, folder, stack_ids, manifest_path))
        elif kind == NESTED_ASSEMBLY:
            directory = _property(artifact, "directoryName", artifact_id, manifest_path)
            if directory is None:
                raise CdkError(f"nested assembly {artifact_id} has no directoryName", manifest_path)
            nested = os.path.join(folder, directory)
            if os.path.realpath(nested) in reading:
                raise CdkError(
                    f"nested assembly {artifact_id} ({directory}) leads back to an assembly"
                    " that contains it",
                    manifest_path,
                )
            _read(nested, stacks, reading, done)
    reading.pop()
    done.add(real)


def _artifacts(manifest: Any, manifest_path: str) -> dict[str, dict[str, Any]]:
    """The manifest's artifacts by ID, each checked to be an object with a string type."""
    if not isinstance(manifest, dict) or not isinstance(manifest.get("version"), str):
        raise CdkError('not a CDK cloud assembly manifest: no "version"', manifest_path)
    artifacts = manifest.get("artifacts", {})
    if not isinstance(artifacts, dict):
        raise CdkError('"artifacts" is not a JSON object', manifest_path)
    for artifact_id, artifact in artifacts.items():
        if not isinstance(artifact, dict) or not isinstance(artifact.get("type"), str):
            raise CdkError(f"artifact {artifact_id} has no type", manifest_path)
    return artifacts


def _stack(
    artifact_id: str,
    artifact: dict[str, Any],
    folder: str,
    stack_ids: set[str],
    manifest_path: str,
) -> CdkStack:
    template_file = _property(artifact, "templateFile", artifact_id, manifest_path)
    if template_file is None:
        raise CdkError(f"stack {artifact_id} has no templateFile", manifest_path)
    template = os.path.join(folder, template_file)
    if not os.path.isfile(template):
        raise CdkError(
            f"the template file of stack {artifact_id}, {template_file}, is missing", template
        )
    display_name = artifact.get("displayName", artifact_id)
    if not isinstance(display_name, str) or not display_name:
        raise CdkError(
            f"artifact {artifact_id}: displayName is not a non-empty string", manifest_path
        )
    dependencies = artifact.get("dependencies", [])
    if not isinstance(dependencies, list) or not all(isinstance(d, str) for d in dependencies):
        raise CdkError(
            f"artifact {artifact_id}: dependencies is not a list of artifact IDs", manifest_path
        )
    return CdkStack(
        artifact_id=artifact_id,
        stack_name=_property(artifact, "stackName", artifact_id, manifest_path) or artifact_id,
        display_name=display_name,
        template=template,
        assembly=folder,
        dependencies=tuple(d for d in dependencies if d in stack_ids),
    )


def _property(artifact: dict[str, Any], name: str, artifact_id: str, path: str) -> str | None:
    """A string in the artifact's `properties`: None when absent, a CdkError when not a
    non-empty string."""
    properties = artifact.get("properties", {})
    if not isinstance(properties, dict):
        raise CdkError(f"artifact {artifact_id}: properties is not a JSON object", path)
    value = properties.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise CdkError(f"artifact {artifact_id}: {name} is not a non-empty string", path)
    return value


def _load_json(path: str, name: str, limit: int = MAX_MANIFEST_BYTES) -> Any:
    import json

    from vpclint.loader import LoadError, TooBig, long_integer, read_bounded

    try:
        raw = read_bounded(path, limit)
    except TooBig:
        raise CdkError(f"{name} is larger than {limit // (1024 * 1024)} MiB", path) from None
    except LoadError as error:
        raise CdkError(f"cannot read {name}: {error.reason}", path) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CdkError(f"{name} is not valid UTF-8", path) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise CdkError(
            f"{name} is not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})",
            path,
        ) from None
    except RecursionError:
        raise CdkError(f"{name} is not valid JSON: nesting is too deep", path) from None
    except ValueError as error:  # an integer of more digits than Python converts
        found = long_integer(text)
        what = (
            f"an integer of {found[0]:,} digits (line {found[2]}, column {found[3]})"
            if found
            else str(error)
        )
        raise CdkError(f"{name} is not valid JSON: {what}", path) from None
