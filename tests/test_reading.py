"""Reading input: one bounded reader for every file (regular files only, size before reading),
nesting measured before the C parser composes, and the libyaml fast path for templates that
write `AWS::Region` plainly inside a flow sequence."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from support import CORPUS, SAMPLES
from test_loader import all_marks

import vpclint.loader
from vpclint.loader import MAX_DEPTH, LoadError, load, parse, read_bounded

SAMPLE = SAMPLES / "private-subnet-ssm-s3-endpoints.yaml"
HEADER = 'AWSTemplateFormatVersion: "2010-09-09"\nResources: {}\n'
DEEP = 30_000  # levels that overflowed libyaml's composer (a crash, exit 139)


def run_vpclint(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    run = subprocess.run(
        [sys.executable, "-m", "vpclint", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert "Traceback" not in run.stdout + run.stderr, run.stderr[-3000:]
    return run


def error_of(text: str, is_json: bool = False) -> LoadError:
    with pytest.raises(LoadError) as caught:
        parse(text, is_json=is_json)
    return caught.value


# -- nesting, measured before the C parser ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "where"),
    [
        (HEADER + "X: " + "[" * DEEP + "]" * DEEP + "\n", (3, 3 + MAX_DEPTH)),
        (HEADER + "X: " + "{a: " * DEEP + "1" + "}" * DEEP + "\n", (3, 4 * MAX_DEPTH)),
        # Block sequences nest by column: the 1,001st starts at column 2 * 1,000 + 1.
        (HEADER + "X:\n" + "- " * DEEP + "1\n", (4, 2 * MAX_DEPTH - 1)),
        (HEADER + "X: " + "!Base64 [" * DEEP + "a" + "]" * DEEP + "\n", (3, 9 * MAX_DEPTH - 5)),
    ],
    ids=["flow sequences", "flow mappings", "block sequences", "functions"],
)
def test_deep_nesting_is_refused_where_it_passes_the_limit(
    text: str, where: tuple[int, int]
) -> None:
    error = error_of(text)
    assert error.message == "invalid YAML: nesting is too deep (more than 1,000 levels)"
    assert (error.line, error.column) == where


def test_nesting_at_the_limit_loads_and_one_more_level_does_not() -> None:
    # The document's own mapping is the first level.
    at_limit = parse("X: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n")
    assert isinstance(at_limit["X"], list)
    error = error_of("X: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "\n")
    assert (error.line, error.column) == (1, 3 + MAX_DEPTH)


def test_deep_json_is_refused_with_its_position() -> None:
    text = '{"AWSTemplateFormatVersion": "x", "X": ' + "[" * DEEP + "]" * DEEP + "}"
    error = error_of(text, is_json=True)
    assert error.message == "invalid JSON: nesting is too deep (more than 1,000 levels)"
    assert (error.line, error.column) == (1, 39 + MAX_DEPTH)


def test_nesting_check_does_not_run_the_parser_twice_on_ordinary_templates(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def never(*args: object) -> None:
        raise AssertionError("the depth of an ordinary template was walked")

    monkeypatch.setattr(vpclint.loader, "_depth_error", never)
    for sample in sorted(SAMPLES.glob("*.yaml")):
        assert load(sample) is not None


def test_text_that_might_nest_too_deep_is_walked_first_and_loads_when_it_does_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    walked = []
    real = vpclint.loader._depth_error
    monkeypatch.setattr(
        vpclint.loader, "_depth_error", lambda *args: walked.append(1) or real(*args)
    )
    many = HEADER + "".join(f"K{i}: [1, {{a: [2]}}]\n" for i in range(1500))
    assert parse(many)["K1499"] == [1, {"a": [2]}]
    assert walked  # 4,500 brackets: libyaml's events were walked before it composed
    walked.clear()
    assert parse(HEADER + "K: [1]\n") and not walked


# -- numbers and versions ------------------------------------------------------------------------


def test_json_integer_too_long_to_convert_is_an_error_with_its_position() -> None:
    text = '{\n  "AWSTemplateFormatVersion": "2010-09-09",\n  "X": ' + "9" * 5000 + "\n}\n"
    error = error_of(text, is_json=True)
    assert error.message == "invalid JSON: an integer of 5,000 digits, more than 4,300"
    assert (error.line, error.column) == (3, 8)
    # The same digits in a string are text.
    assert parse('{"X": "' + "9" * 5000 + '"}', is_json=True)["X"] == "9" * 5000


def test_unknown_yaml_version_is_an_error_at_the_directive() -> None:
    error = error_of("%YAML 1.3\n---\n" + HEADER)
    assert error.message == "invalid YAML: version 1.3 is not supported (1.1 and 1.2 are)"
    assert (error.line, error.column) == (1, 7)


# -- the bounded reader --------------------------------------------------------------------------


def test_reader_refuses_what_is_not_a_regular_file(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    cases = {
        str(fifo): "cannot read file: it is a FIFO, not a regular file",
        "/dev/zero": "cannot read file: it is a character device, not a regular file",
        str(tmp_path): "cannot read file: it is a folder, not a regular file",
    }
    for path, message in cases.items():
        with pytest.raises(LoadError) as caught:
            read_bounded(path)
        assert caught.value.message == message


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="no /proc")
def test_reader_is_bounded_even_when_the_size_lies(tmp_path: Path) -> None:
    # /proc files say they are empty: the read itself stops one byte past the limit.
    with pytest.raises(vpclint.loader.TooBig) as caught:
        read_bounded("/proc/self/status", limit=10, head=4)
    assert caught.value.head == b"Name"
    assert read_bounded(str(SAMPLE)) == SAMPLE.read_bytes()


def hostile_inputs(folder: Path) -> dict[str, str]:
    """A folder with eight good templates, a FIFO, a link to /dev/zero, a deep template and a
    Helm chart's CloudFormation: name → the one-line error when named (None: skipped)."""
    for number in range(8):
        (folder / f"good-{number}.yaml").write_bytes(SAMPLE.read_bytes())
    os.mkfifo(folder / "fifo.yaml")
    (folder / "zero.yaml").symlink_to("/dev/zero")
    (folder / "deep.yaml").write_text(HEADER + "X: " + "[" * DEEP + "]" * DEEP + "\n")
    (folder / "helm.yaml").write_text(HELM)
    return {
        "fifo.yaml": "error  cannot read file: it is a FIFO, not a regular file",
        "zero.yaml": "error  cannot read file: it is a character device, not a regular file",
        "deep.yaml": "3:1003  error  invalid YAML: nesting is too deep (more than 1,000 levels)",
    }


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_check_reports_every_file_around_the_hostile_ones(tmp_path: Path, jobs: str) -> None:
    errors = hostile_inputs(tmp_path)
    # Found in a folder, a FIFO or device is no template: passed over, and the run ends.
    run = run_vpclint("check", "--isolated", "--jobs", jobs, ".", cwd=tmp_path)
    assert run.returncode == 2, run.stdout
    assert "8 files checked" in run.stdout
    assert "fifo" not in run.stdout and "zero" not in run.stdout and "helm" not in run.stdout
    assert "deep.yaml\n  " + errors["deep.yaml"] in run.stdout
    # Named, each is refused in one line, and the others are still reported.
    named = sorted(p.name for p in tmp_path.iterdir())
    run = run_vpclint("check", "--isolated", "--jobs", jobs, *named, cwd=tmp_path)
    assert run.returncode == 2, run.stdout
    assert "8 files checked" in run.stdout and "3 could not be checked" in run.stdout
    for name, error in errors.items():
        assert f"{name}\n  -  {error}" in run.stdout or f"{name}\n  {error}" in run.stdout


@pytest.mark.parametrize(
    ("name", "text", "error"),
    [
        (
            "deep.yaml",
            HEADER + "X: " + "[" * DEEP + "]" * DEEP + "\n",
            "deep.yaml:3:1003: error: invalid YAML: nesting is too deep (more than 1,000 levels)",
        ),
        (
            "long.json",
            '{"AWSTemplateFormatVersion": "2010-09-09", "X": ' + "9" * 5000 + "}",
            "long.json:1:49: error: invalid JSON: an integer of 5,000 digits, more than 4,300",
        ),
        (
            "version.yaml",
            "%YAML 1.3\n---\n" + HEADER,
            "version.yaml:1:7: error: invalid YAML: version 1.3 is not supported (1.1 and 1.2 are)",
        ),
    ],
)
def test_check_show_and_reach_refuse_bad_templates_in_one_line(
    tmp_path: Path, name: str, text: str, error: str
) -> None:
    (tmp_path / name).write_text(text)
    for command in (["show"], ["reach", "--from", "internet", "--to", "VPC"]):
        run = run_vpclint(*command, name, cwd=tmp_path)
        assert run.returncode == 2
        assert run.stderr.strip() == error
    run = run_vpclint("check", "--isolated", "--format", "concise", name, str(SAMPLE), cwd=tmp_path)
    assert run.returncode == 2
    assert run.stdout.splitlines()[0] == error  # and the good template is still checked:
    assert "1 file checked" in run.stdout and "1 could not be checked" in run.stdout


def test_show_reach_and_options_refuse_fifo_and_device(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "zero").symlink_to("/dev/zero")
    sample = str(SAMPLE)
    for bad in ("fifo", "zero"):
        kind = "a FIFO" if bad == "fifo" else "a character device"
        for args in (
            ["show", bad],
            ["reach", "--from", "internet", "--to", "VPC", bad],
        ):
            run = run_vpclint(*args, cwd=tmp_path)
            assert run.returncode == 2
            assert (
                run.stderr.strip()
                == f"{bad}: error: cannot read file: it is {kind}, not a regular file"
            )
        for option in ("--baseline", "--parameters-file", "--config"):
            isolated = [] if option == "--config" else ["--isolated"]
            run = run_vpclint("check", *isolated, option, bad, sample, cwd=tmp_path)
            assert run.returncode == 2
            assert f"{bad}: cannot read: it is {kind}, not a regular file" in run.stderr


# -- template engines ----------------------------------------------------------------------------

HELM = """\
{{- if .Values.network.enabled }}
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  VPC:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: {{ .Values.network.cidr | quote }}
{{- end }}
"""


def test_helm_source_of_a_template_is_not_a_template(tmp_path: Path) -> None:
    assert load(write(tmp_path / "helm.yaml", HELM)) is None
    # In a chart's templates/ folder, even with no action where YAML cannot hold it.
    chart = tmp_path / "chart"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: network\n")
    quoted = 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  X: "{{ .Values.x }}\n'
    assert load(write(chart / "templates" / "vpc.yaml", quoted)) is None


def test_template_with_dynamic_references_and_a_real_error_is_still_reported(
    tmp_path: Path,
) -> None:
    text = (
        'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  DB:\n'
        "    Type: AWS::RDS::DBInstance\n    Properties:\n"
        "      MasterUserPassword: '{{resolve:secretsmanager:db}}'\n      Port: [1\n"
    )
    with pytest.raises(LoadError):
        load(write(tmp_path / "db.yaml", text))


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# -- the libyaml fast path -----------------------------------------------------------------------

LIBYAML_REFUSED = [
    "cfn-lint-fixtures/integration__getatt-types.yaml",
    "cfn-lint-fixtures/v0.87.0__good__functions__cidr.yaml",
    "cfn-lint-fixtures/v0.87.0__bad__functions_split.yaml",
    "aws-cloudformation__aws-cloudformation-templates/RainModules__vpc.yml",
    "aws-quickstart__quickstart-linux-bastion/"
    "templates__linux-bastion-entrypoint-existing-vpc.template.yaml",
]


@pytest.mark.skipif(not vpclint.loader._HAS_LIBYAML, reason="libyaml bindings not installed")
@pytest.mark.parametrize("name", LIBYAML_REFUSED)
def test_templates_libyaml_refused_take_the_fast_path_with_the_same_marks(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = CORPUS / name
    if not path.exists():
        pytest.skip("the shared corpus is not beside the repository")
    text = path.read_text(encoding="utf-8")
    pure = _parse_pure(text, monkeypatch)
    from ruamel.yaml import YAML

    def refuse(self: YAML, text: str) -> None:
        raise AssertionError("the pure-Python parser composed a template libyaml can read")

    with monkeypatch.context() as patch:
        real = YAML.compose
        patch.setattr(
            YAML, "compose", lambda self, t: refuse(self, t) if self.pure else real(self, t)
        )
        fast = parse(text)
    assert fast == pure
    assert all_marks(fast) == all_marks(pure)


def _parse_pure(text: str, monkeypatch: pytest.MonkeyPatch) -> object:
    with monkeypatch.context() as patch:
        patch.setattr(vpclint.loader, "_HAS_LIBYAML", False)
        return parse(text)


@pytest.mark.parametrize(
    "text",
    [
        "X: [!Ref AWS::Region, !Ref AWS::NoValue]\nY: {Z: !Rain::Embed a::b}\n",
        "X: [a::b::c, 'q::r', \"s::t\"]\nAWS::Key::Name: [2001:db8::1]\n",
        # A character of the private use area in the text: another stands in for ":".
        "X: [\ue000\ue000a::b, !Sub '${AWS::Region}']\nY: |\n  x::y\n",
    ],
)
def test_double_colons_keep_text_and_marks(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = parse(text)
    pure = _parse_pure(text, monkeypatch)
    assert fast == pure
    assert all_marks(fast) == all_marks(pure)


@pytest.mark.parametrize("shape", ["flow", "block", "json"])
def test_too_many_nodes_are_counted_before_the_tree_is_built(
    shape: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A flat list of millions of scalars would take gigabytes as a tree: its nodes are
    counted in libyaml's events first, and the error names the first node past the limit."""
    monkeypatch.setattr(vpclint.loader, "MAX_NODES", 1000)
    composed: list[str] = []
    real = vpclint.loader._libyaml

    def counting() -> object:
        loader = real()
        composed.append("composed")
        return loader

    monkeypatch.setattr(vpclint.loader, "_libyaml", counting)
    scalars = 2000
    if shape == "json":
        head = '{"Resources": {"A": {"Type": "AWS::EC2::VPC", "Properties": {"X": ['
        text = head + ", ".join(['"a"'] * scalars) + "]}}}}"
        # Before the items: the root, Resources, its map, A, its map, Type, its value,
        # Properties, its map, X and the list: 11 nodes; item k starts at 1 + 5 (k - 1).
        expected = (1, len(head) + 1 + 5 * (1000 - 11))
    elif shape == "flow":
        text = "Resources:\n  A:\n    X: [" + ",".join(["a"] * scalars) + "]\n"
        # The root, Resources, its map, A, its map, X and the list: 7 nodes; item k at 2k + 7.
        expected = (3, 2 * (1000 - 7 + 1) + 7)
    else:
        text = "Resources:\n  A:\n" + "".join(["    - a\n"] * scalars)
        # The root, Resources, its map, A and the list: 5 nodes; item k on line k + 2.
        expected = (1000 - 5 + 1 + 2, 7)
    error = error_of(text, is_json=shape == "json")
    assert "more than 1,000 nodes" in error.message
    assert (error.line, error.column) == expected
    assert composed == []  # refused before libyaml built a tree
    monkeypatch.setattr(vpclint.loader, "MAX_NODES", 10_000)
    assert parse(text, is_json=shape == "json") is not None  # within the limit it loads


def test_ordinary_templates_are_not_walked_for_their_size(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vpclint.loader, "_depth_error", lambda *args: pytest.fail("walked"))
    for path in SAMPLES.glob("*.yaml"):
        parse(path.read_text(encoding="utf-8"))
