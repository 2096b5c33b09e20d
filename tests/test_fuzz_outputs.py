"""Fuzz and property tests of everything after linting: every output format of `check`, every
format of `show`, and `reach` with random endpoints (issue 13).

Templates come from the generator of tests/test_properties.py (random but well formed, with
unknown values, broken references and odd parameters); one resource may be renamed to random
text, lone surrogates and control characters included. Properties:

  1. every `check` format renders without an exception; JSON and SARIF parse, JUnit keeps to
     the Ant and Jenkins schemas, and every text can be written to a UTF-8 stream as vpclint
     writes it (backslash escapes for what UTF-8 cannot hold);
  2. every `show` format renders without an exception, and JSON parses;
  3. `reach` between random endpoints (logical IDs, the internet, services, addresses, junk),
     ports and protocols gives an answer or a ReachError (a usage error), nothing else, and
     its text and JSON render; the matrix renders too;
  4. through the installed command, a folder of generated templates gives exit codes 0-3, no
     traceback, in every format of check, show and reach.

The default run is short and deterministic (derandomize=True); VPCLINT_LONG_FUZZ=1 (or
VPCLINT_FUZZ_EXAMPLES=N) makes it long, as for test_properties.py.
"""

from __future__ import annotations

import importlib
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_properties import (
    FUZZ,
    Generator,
    RandomChooser,
    as_json,
    as_yaml,
    options,
    templates,
    time_limit,
)
from test_report_schemas import assert_valid_junit

from vpclint.expand.links import Unit
from vpclint.expand.stacks import Root
from vpclint.lint import FileResult, LintOptions, build_unit, lint_file
from vpclint.model import Network

VPCLINT = Path(sys.executable).parent / "vpclint"
CHECK_FORMATS = ("text", "json", "sarif", "github", "junit", "concise", "markdown")
SHOW_FORMATS = ("tree", "mermaid", "dot", "json")
# Any character, lone surrogates and control characters included.
ODD_NAMES = st.text(st.characters(codec=None, exclude_categories=()), min_size=1, max_size=12)


def renamed(template: dict[str, Any], name: str | None) -> dict[str, Any]:
    """The template with its first resource renamed (references to it now point nowhere)."""
    resources = template.get("Resources")
    if name is None or not isinstance(resources, dict) or not resources:
        return template
    first = next(iter(resources))
    renamed_resources = {(name if key == first else key): body for key, body in resources.items()}
    return {**template, "Resources": renamed_resources}


def lint_and_build(
    template: dict[str, Any], lint_options: LintOptions
) -> tuple[FileResult, Network | None]:
    # JSON can spell every string (a lone surrogate as \\udxxx); YAML cannot.
    text = json.dumps(template, indent=1)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "template.json"
        path.write_text(text, encoding="ascii")
        with time_limit(30):
            result = lint_file(str(path), lint_options)
            network = build_unit(Unit((Root(str(path)),)), lint_options).network
    return result, network


def writable(text: str) -> None:
    """As vpclint writes it (cli.escape_unencodable): never an exception."""
    text.encode("utf-8", "backslashreplace")


def render_every_check_format(results: list[FileResult]) -> None:
    from vpclint.report import text as text_report

    writable(text_report.render_to_string(results, show_suppressed=True))
    for output_format in CHECK_FORMATS[1:]:
        module = {"json": "json_report"}.get(output_format, output_format)
        rendered = importlib.import_module(f"vpclint.report.{module}").render(results)
        assert isinstance(rendered, str)
        writable(rendered)
        if output_format in ("json", "sarif"):
            json.loads(rendered)
        if output_format == "junit":
            assert_valid_junit(rendered)


@FUZZ
@given(template=templates(), lint_options=options(), name=st.none() | ODD_NAMES)
def test_every_check_format_renders(
    template: dict[str, Any], lint_options: LintOptions, name: str | None
) -> None:
    result, _ = lint_and_build(renamed(template, name), lint_options)
    assert result.error is None and not result.internal_errors, (result.error, template)
    render_every_check_format([result])


@FUZZ
@given(template=templates(), lint_options=options(), name=st.none() | ODD_NAMES)
def test_every_show_format_renders(
    template: dict[str, Any], lint_options: LintOptions, name: str | None
) -> None:
    from vpclint.show import render

    _, network = lint_and_build(renamed(template, name), lint_options)
    assert network is not None
    for output_format in SHOW_FORMATS:
        text = render(network, output_format)
        writable(text)
        if output_format == "json":
            json.loads(text)
    writable(render(network, "tree", color=True))


ENDPOINT_WORDS = ["internet", "s3", "ssm", "dynamodb", "com.amazonaws.us-east-1.ecr.api"]
ENDPOINT_JUNK = ["10.0.0.5", "10.0.0.0/24", "0.0.0.0/0", "::/0", "2001:db8::1", "", "x/y", "/"]
PROTOCOLS = ["tcp", "udp", "icmp", "-1", "6", "17", "58", "all", "bogus", "256"]


@st.composite
def endpoints(draw: Any, template: dict[str, Any]) -> str:
    resources = list((template.get("Resources") or {}).keys())
    options = [st.sampled_from(ENDPOINT_WORDS + ENDPOINT_JUNK), ODD_NAMES]
    if resources:
        options.insert(0, st.sampled_from(resources))
        options.insert(0, st.sampled_from(resources).map(lambda name: f"stack/{name}"))
    return draw(st.one_of(*options))


@FUZZ
@given(data=st.data(), template=templates(), lint_options=options())
def test_reach_between_random_endpoints(
    data: Any, template: dict[str, Any], lint_options: LintOptions
) -> None:
    from vpclint.reach import ReachError, flow_of, reach, render

    _, network = lint_and_build(template, lint_options)
    assert network is not None
    for _ in range(3):
        source = data.draw(endpoints(template), label="source")
        destination = data.draw(endpoints(template), label="destination")
        port = data.draw(st.integers(0, 65535), label="port")
        protocol = data.draw(st.sampled_from(PROTOCOLS), label="protocol")
        try:
            with time_limit(30):
                answer = reach(network, source, destination, port=port, protocol=protocol)
                traffic = flow_of(protocol, port).label()
        except ReachError as error:
            assert str(error) and "\n" not in str(error)
            continue
        writable(render.text(answer, source, destination, traffic))
        json.dumps(render.document(answer, source, destination, protocol, port))


@FUZZ
@given(template=templates(), lint_options=options(), ports=st.lists(st.integers(0, 65535)))
def test_reach_matrix_renders(
    template: dict[str, Any], lint_options: LintOptions, ports: list[int]
) -> None:
    from vpclint.reach.matrix import as_json, as_text, matrix

    _, network = lint_and_build(template, lint_options)
    assert network is not None
    with time_limit(60):
        result = matrix(network, ports[:3] or [443], "tcp")
    writable(as_text(result))
    writable(as_text(result, markdown=True))
    json.dumps(as_json(result))


# -- the installed command ----------------------------------------------------------------------


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(VPCLINT), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=cwd,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert done.returncode in (0, 1, 2, 3), (args, done.returncode, done.stderr[-2000:])
    assert "Traceback" not in done.stdout + done.stderr, (args, done.stderr[-3000:])
    return done


def test_generated_templates_through_the_command(tmp_path: Path) -> None:
    rng = random.Random(13)
    generated = []
    for number in range(6):
        template = Generator(RandomChooser(rng.randrange(2**32))).template()
        generated.append(template)
        text = as_yaml(template) if number % 2 else as_json(template)
        (tmp_path / f"t{number}.{'yaml' if number % 2 else 'json'}").write_text(text, "utf-8")
    for output_format in CHECK_FORMATS:
        done = cli(
            "check", "--isolated", "--jobs", "1", "--format", output_format, ".", cwd=tmp_path
        )
        assert done.returncode in (0, 1), done.stdout[-2000:]
        if output_format == "junit":
            assert_valid_junit(done.stdout)
        elif output_format in ("json", "sarif"):
            json.loads(done.stdout)
    for output_format in SHOW_FORMATS:
        cli("show", "--no-link", "--format", output_format, "t0.json", cwd=tmp_path)
    names = [*(generated[0].get("Resources") or {}), "internet", "s3", "10.0.0.9"]
    for _ in range(4):
        source, destination = rng.choice(names), rng.choice(names)
        port = str(rng.randrange(65536))
        for output_format in ("text", "json"):
            args = ["--from", source, "--to", destination, "--port", port]
            cli("reach", "t0.json", *args, "--format", output_format, cwd=tmp_path)
    cli("reach", "t0.json", "--matrix", "--ports", "22,443", cwd=tmp_path)


@pytest.mark.parametrize("output_format", CHECK_FORMATS)
def test_hostile_folder_in_every_format(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, output_format: str
) -> None:
    """The outside attack's mix, in each format (in process, to stay quick): the good file is
    still reported."""
    from click.testing import CliRunner
    from support import SAMPLES
    from test_fuzz import hostile_folder

    from vpclint.cli import cli as command

    hostile_folder(tmp_path)
    good = SAMPLES / "broken-vpc101-private-subnet-routes-to-igw.yaml"
    (tmp_path / "good.yaml").write_text(good.read_text("utf-8"), "utf-8")
    monkeypatch.chdir(tmp_path)
    args = ["check", "--isolated", "--jobs", "2", "--format", output_format, "."]
    done = CliRunner().invoke(command, args, prog_name="vpclint")
    assert done.exit_code == 2, done.output
    assert done.exception is None or isinstance(done.exception, SystemExit), done.output
    assert "VPC101" in done.stdout and "Traceback" not in done.output
    if output_format == "junit":
        assert_valid_junit(done.stdout)
    elif output_format in ("json", "sarif"):
        json.loads(done.stdout)
