"""Hostile input through the loader and the whole pipeline (vpclint.lint.lint_file and the CLI).

Whatever the file holds, linting it gives either a normal result (findings, or skipped as not a
template) or a FileResult.error whose message is one line, that is not an "internal error", and
that has a line number inside the file (every error from a file that exists is a decoding or
parse error); never an exception. The CLI exits 0, 1 or 2 and never prints a traceback.

Cases: every prefix of a real sample (YAML and JSON), seeded random byte mutations, YAML tags
(!Foo, !!str, !!binary, !!set, !!omap, !!python/...), 10,000 levels of nesting, 1 MiB lines,
binary files, non-UTF-8 text, empty files and BOMs, Windows and old Mac line endings (same
findings as LF), tabs in indentation, alias bombs and self-referencing aliases, a `!!python`
tag that would create a file, big files, and the shared corpus.

What vpclint does with big files (measured on a loaded 2-core machine, ruamel.yaml.clib
installed, at bd4c8ac): a dense template of subnets and security groups costs about 4 s and
90 MiB per MiB; a 4.9 MiB one (~24,000 resources) is linted in about 17 s and 425 MiB (at
d25b9db). A file over loader.MAX_BYTES (5 MiB, five times what CloudFormation accepts) that
looks like a template in its first 64 KiB is refused by its size, before it is read, with one
line at 1:1 (a dense 50 MiB template: 0.12 s, 16 MiB); any other file that big is skipped as
not a template. (Before that limit, a dense 50 MiB template was refused by loader.MAX_NODES
after about 90 s and 2.1 GiB.) Bulk that is cheap to parse (comments, one long block scalar)
costs almost nothing: 5 MiB in 0.2 s.

The default run is short and deterministic (seeded). For a long campaign:

    VPCLINT_LONG_FUZZ=1 .venv/bin/python -m pytest tests/test_fuzz.py

which cuts the samples at every byte instead of 48 points, makes 4,000 mutations instead of
160, lints the dense 4.9 MiB and 50 MiB templates (instead of a padded 4.9 MiB file and a dense
0.5 MiB one) and asserts a 600 s limit for them.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

import vpclint.loader
from vpclint.lint import FileResult, LintOptions, collect_files, lint_file
from vpclint.loader import parse

LONG = os.environ.get("VPCLINT_LONG_FUZZ", "") not in ("", "0")
REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "sample_templates"
SAMPLE = SAMPLES / "private-subnet-ssm-s3-endpoints.yaml"  # the seed article's template
BROKEN_SAMPLE = SAMPLES / "broken-vpc101-private-subnet-routes-to-igw.yaml"  # with findings
VPCLINT = Path(sys.executable).parent / "vpclint"
HEADER = 'AWSTemplateFormatVersion: "2010-09-09"\n'


# -- the contract every outcome must keep -------------------------------------------------------


def lint_bytes(folder: Path, data: bytes, name: str = "template.yaml") -> FileResult:
    path = folder / name
    path.write_bytes(data)
    return lint_file(str(path), LintOptions())


def problems_of(result: FileResult, data: bytes) -> list[str]:
    """How an outcome breaks the contract (empty when it keeps it)."""
    problems = []
    lines = len(data.decode("utf-8", errors="replace").splitlines()) + 1
    if result.internal_errors:
        problems.append(f"internal errors {result.internal_errors}")
    error = result.error
    if error is not None:
        message = error.message
        if not isinstance(message, str) or not message.strip():
            problems.append(f"empty error message {message!r}")
        elif "\n" in message or "\r" in message:
            problems.append(f"error message on several lines: {message!r}")
        elif "internal error" in message or "Traceback" in message:
            problems.append(f"internal error: {message!r}")
        if error.line is None:
            problems.append(f"error without a line: {message!r}")
        elif not 1 <= error.line <= lines:
            problems.append(f"error on line {error.line} of a {lines}-line file: {message!r}")
        if error.column is not None and error.column < 1:
            problems.append(f"error in column {error.column}: {message!r}")
    for finding in result.findings:
        if not 1 <= finding.line <= lines:
            problems.append(f"finding on line {finding.line} of a {lines}-line file: {finding}")
    return problems


def assert_keeps_contract(result: FileResult, data: bytes) -> None:
    problems = problems_of(result, data)
    assert not problems, problems


def assert_all_keep_contract(folder: Path, cases: list[tuple[str, bytes]], name: str) -> int:
    """Lint every case; fail listing the first few that break the contract. Returns how many
    cases were linted as templates (not skipped, no error)."""
    failures = []
    linted = 0
    for label, data in cases:
        result = lint_bytes(folder, data, name)
        linted += not result.skipped and result.error is None
        problems = problems_of(result, data)
        if problems:
            failures.append(f"{label}: {problems[0]}")
    assert not failures, f"{len(failures)} of {len(cases)} cases fail:\n" + "\n".join(failures[:8])
    return linted


def finding_keys(result: FileResult) -> list[tuple[Any, ...]]:
    return [(f.rule, f.resource, f.message, f.line, f.column) for f in result.findings]


def sample_as_json(path: Path) -> bytes:
    return json.dumps(parse(path.read_text(encoding="utf-8")), indent=2).encode()


# -- truncated and mutated samples --------------------------------------------------------------


@pytest.mark.parametrize("form", ["yaml", "json"])
@pytest.mark.parametrize("sample", [SAMPLE, BROKEN_SAMPLE], ids=lambda path: path.stem)
def test_every_prefix_of_a_sample(tmp_path: Path, sample: Path, form: str) -> None:
    data = sample.read_bytes() if form == "yaml" else sample_as_json(sample)
    step = 1 if LONG else max(1, len(data) // 48)
    cuts = sorted({*range(0, len(data), step), len(data) - 1, len(data)})
    cases = [(f"{form} cut at byte {cut}", data[:cut]) for cut in cuts]
    linted = assert_all_keep_contract(tmp_path, cases, f"template.{form}")
    assert linted >= 1  # at least the whole file is a template


def mutate(data: bytes, rng: random.Random) -> bytes:
    """One to five random edits: overwrite, insert or delete a byte, insert a YAML indicator,
    duplicate or drop a line."""
    mutated = bytearray(data)
    for _ in range(rng.randint(1, 5)):
        if not mutated:
            break
        position = rng.randrange(len(mutated))
        edit = rng.randrange(6)
        if edit == 0:
            mutated[position] = rng.randrange(256)
        elif edit == 1:
            mutated.insert(position, rng.randrange(256))
        elif edit == 2:
            del mutated[position]
        elif edit == 3:
            mutated.insert(position, rng.choice(b":-[]{}!&*#|>'\"%@`,?"))
        else:
            lines = bytes(mutated).split(b"\n")
            index = rng.randrange(len(lines))
            if edit == 4:
                lines.insert(index, lines[index])
            else:
                del lines[index]
            mutated = bytearray(b"\n".join(lines))
    return bytes(mutated)


@pytest.mark.parametrize("form", ["yaml", "json"])
def test_random_mutations_of_the_samples(tmp_path: Path, form: str) -> None:
    rng = random.Random(20240601 if form == "yaml" else 20240602)
    samples = sorted(SAMPLES.glob("*.yaml"))
    originals = [p.read_bytes() if form == "yaml" else sample_as_json(p) for p in samples]
    cases = []
    for number in range(2000 if LONG else 80):
        index = rng.randrange(len(originals))
        cases.append((f"{samples[index].name} mutation {number}", mutate(originals[index], rng)))
    linted = assert_all_keep_contract(tmp_path, cases, f"template.{form}")
    assert linted >= 3  # some edits leave a template that loads, and goes through the rules


# Regression (a bug until bd4c8ac): loader._compose turns ruamel's ReaderError (a YAMLError
# without marks) into LoadError(f'invalid YAML: {error}'): the message spans two lines ('...not
# allowed\n  in "<unicode string>", position N') and has no line or column
@pytest.mark.parametrize("character", ["\x00", "\x01", "\x1b", "\x7f", "\x9b", "\ufffe"])
def test_unreadable_character_is_a_one_line_error_with_its_line(
    tmp_path: Path, character: str
) -> None:
    text = HEADER + "Description: fine\nMetadata:\n  Note: a" + character + "b\n"
    data = text.encode("utf-8")
    result = lint_bytes(tmp_path, data)
    assert result.error is not None
    assert_keeps_contract(result, data)
    assert result.error.line == 4


# -- tags ---------------------------------------------------------------------------------------

TEMPLATE_WITH_VALUE = (
    HEADER
    + """\
Resources:
  VPC:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: {value}
"""
)
VALUE_LINE = 6


@pytest.mark.parametrize(
    ("value", "refused"),
    [
        ("!Foo bar", False),
        ("!Foo {a: !Bar [!Baz x]}", False),
        ("!!str 10.0.0.0/16", False),
        ("!<tag:yaml.org,2002:str> 10.0.0.0/16", False),
        ("! 10.0.0.0/16", False),
        ("!!binary aGVsbG8=", False),
        ("!!timestamp 2001-12-14", False),
        ("!!float not-a-float", False),
        ("!!int 0xZZ", False),
        ("!!null", False),
        ("!Ref [a, b]", False),
        ("!GetAtt {a: b}", False),
        ("!Sub [a]", False),
        ("&anchor !Select [0, !GetAZs '']", False),
        ("!!set {a, b}", True),
        ("!!omap [a: 1]", True),
        ("!!pairs [a: 1]", True),
        ("!!map [a]", True),
        ("!!str [a]", True),
        ("!!seq {a: 1}", True),
        ("!!Ref VPC", True),
        ("!!python/object/apply:os.system [echo]", True),
        ("!!python/object/new:builtins.dict []", True),
        ("!!python/name:os.system", True),
        ("!!python/module:os", True),
        ("!!python/tuple [1, 2]", True),
    ],
)
def test_tags(tmp_path: Path, value: str, refused: bool) -> None:
    data = TEMPLATE_WITH_VALUE.format(value=value).encode()
    result = lint_bytes(tmp_path, data)
    assert_keeps_contract(result, data)
    assert not result.skipped
    if refused:
        assert result.error is not None
        assert result.error.line == VALUE_LINE
        assert "not allowed" in result.error.message
    else:
        assert result.error is None, result.error.message


@pytest.mark.parametrize(
    "tag",
    [
        '!!python/object/apply:os.system ["touch {marker}"]',
        '!!python/object/apply:builtins.open ["{marker}", "w"]',
        '!!python/object/apply:subprocess.check_call [["touch", "{marker}"]]',
        '!!python/object/new:pathlib.Path.touch [!!python/object/apply:pathlib.Path ["{marker}"]]',
    ],
)
@pytest.mark.parametrize("how", ["lint_file", "cli"])
def test_python_object_tag_executes_nothing(tmp_path: Path, tag: str, how: str) -> None:
    marker = tmp_path / "executed"
    value = tag.format(marker=marker)
    text = TEMPLATE_WITH_VALUE.format(value=value) + f"Metadata:\n  ? {value}\n  : 1\n"
    path = tmp_path / "template.yaml"
    path.write_text(text, encoding="utf-8")
    if how == "lint_file":
        result = lint_file(str(path), LintOptions())
        assert result.error is not None
        assert result.error.line == VALUE_LINE
        assert_keeps_contract(result, text.encode())
    else:
        run = run_cli(tmp_path, path)
        assert run.returncode == 2
        assert f"{VALUE_LINE}:" in run.stdout
    assert not marker.exists()


# -- nesting, long lines, binary, encodings -----------------------------------------------------

DEPTH = 10_000


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("flow sequences", HEADER + "X: " + "[" * DEPTH + "]" * DEPTH + "\n"),
        ("flow mappings", HEADER + "X: " + "{a: " * DEPTH + "1" + "}" * DEPTH + "\n"),
        ("block sequences", HEADER + "X:\n  " + "- " * DEPTH + "1\n"),
        ("unclosed flow sequences", HEADER + "X: " + "[" * DEPTH + "\n"),
        ("intrinsic functions", HEADER + "X: " + "!Base64 [" * DEPTH + "a" + "]" * DEPTH),
        (
            "indented block mappings (2,000)",
            HEADER + "".join(" " * i + "a:\n" for i in range(2000)) + " " * 2000 + "b\n",
        ),
        (
            "JSON arrays",
            '{"AWSTemplateFormatVersion": "x", "X": ' + "[" * DEPTH + "]" * DEPTH + "}",
        ),
        (
            "JSON objects",
            '{"AWSTemplateFormatVersion": "x", "X": ' + '{"a": ' * DEPTH + "1" + "}" * DEPTH + "}",
        ),
    ],
)
def test_deep_nesting_ends_quickly(tmp_path: Path, name: str, text: str) -> None:
    data = text.encode()
    start = time.perf_counter()
    result = lint_bytes(tmp_path, data, "deep.json" if name.startswith("JSON") else "deep.yaml")
    assert time.perf_counter() - start < 10
    assert_keeps_contract(result, data)
    assert not result.skipped
    if result.error is not None:
        assert "nesting" in result.error.message or "YAML" in result.error.message


MIB = 1024 * 1024


@pytest.mark.parametrize(
    ("name", "text", "error_line"),
    [
        (
            "plain scalar",
            SAMPLE.read_text().replace(
                "Resources:", "Description: " + "x" * MIB + "\nResources:", 1
            ),
            None,
        ),
        (
            "one-line JSON",
            json.dumps({"AWSTemplateFormatVersion": "x", "Description": "y" * MIB}),
            None,
        ),
        (
            "one-line flow YAML",
            "{AWSTemplateFormatVersion: x, Description: " + "z" * MIB + "}",
            None,
        ),
        # Half a million ": " nest empty mappings: "nesting is too deep", where it passes 1,000.
        ("garbage line", HEADER + ": " * (MIB // 2) + "\n", 0),
        ("unterminated string", HEADER + 'Description: "' + "x" * MIB, 2),
        (
            "20,000 keys on one line",
            "{" + ", ".join(f"k{i}: 1" for i in range(20_000)) + ", AWSTemplateFormatVersion: x}",
            None,
        ),
    ],
)
def test_very_long_lines(tmp_path: Path, name: str, text: str, error_line: int | None) -> None:
    data = text.encode()
    start = time.perf_counter()
    result = lint_bytes(tmp_path, data)
    assert time.perf_counter() - start < 20
    assert_keeps_contract(result, data)
    if error_line is None:
        assert result.error is None and not result.skipped, result.error
    else:
        assert result.error is not None
        assert result.error.line == error_line or not error_line  # 0: any line in the file


def random_bytes(seed: int, size: int = 4096) -> bytes:
    return random.Random(seed).randbytes(size)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        *[(f"random bytes {seed}", random_bytes(seed)) for seed in range(4)],
        *[
            (f"header + random bytes {seed}", HEADER.encode() + random_bytes(seed))
            for seed in range(4)
        ],
        ("PNG", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + random_bytes(9, 512)),
        ("gzip", b"\x1f\x8b\x08\x00" + random_bytes(10, 512)),
        ("ELF", b"\x7fELF\x02\x01\x01" + bytes(512)),
        ("NUL bytes", bytes(4096)),
        ("UTF-16 with BOM", "\ufeff".encode("utf-16-le") + SAMPLE.read_text().encode("utf-16-le")),
        ("UTF-16 without BOM", SAMPLE.read_text().encode("utf-16-be")),
        ("UTF-32", SAMPLE.read_text().encode("utf-32")),
    ],
)
def test_binary_files(tmp_path: Path, name: str, data: bytes) -> None:
    result = lint_bytes(tmp_path, data)
    assert_keeps_contract(result, data)
    assert not result.findings


@pytest.mark.parametrize(
    ("name", "data", "line", "column"),
    [
        ("latin-1", (HEADER + "Description: café au lait\n").encode("latin-1"), 2, 17),
        ("cp1252 quotes", (HEADER + "Resources: {}\n# “quoted”\n").encode("cp1252"), 3, 3),
        ("overlong encoding", HEADER.encode() + b"Description: \xc0\xaf\n", 2, 14),
        ("encoded surrogate", HEADER.encode() + b"X: 1\nDescription: \xed\xa0\x80\n", 3, 14),
        ("truncated sequence", HEADER.encode() + b"Description: \xe2\x82", 2, 14),
    ],
)
def test_non_utf8_is_an_error_at_its_position(
    tmp_path: Path, name: str, data: bytes, line: int, column: int
) -> None:
    result = lint_bytes(tmp_path, data)
    assert_keeps_contract(result, data)
    assert result.error is not None
    assert "UTF-8" in result.error.message
    assert (result.error.line, result.error.column) == (line, column)


# Regression (a bug until bd4c8ac): loader.load decodes (read_text) before it decides whether
# the file is a template, so a YAML file in Latin-1 that is not a template is an error (exit 2)
# instead of being skipped quietly as DESIGN.md asks for files pre-commit hands over
def test_non_utf8_file_that_is_not_a_template_is_skipped(tmp_path: Path) -> None:
    data = "# Réglages de l'équipe\nname: café\nretries: 3\n".encode("latin-1")
    result = lint_bytes(tmp_path, data, "settings.yaml")
    assert result.error is None, result.error.message
    assert result.skipped


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\xef\xbb\xbf",
        b"\n\n\n",
        b"   \t  \n",
        b"---\n",
        b"...\n",
        b"# only a comment\n",
        b"~\n",
        b"null\n",
        b"just text\n",
        b"[1, 2]\n",
        b"\xef\xbb\xbf\r\n",
        b"--- |\n  text\n",
    ],
)
def test_empty_and_trivial_files_are_skipped(tmp_path: Path, data: bytes) -> None:
    result = lint_bytes(tmp_path, data)
    assert_keeps_contract(result, data)
    assert result.skipped and result.error is None


@pytest.mark.parametrize("form", ["yaml", "json"])
@pytest.mark.parametrize("sample", sorted(p.name for p in SAMPLES.glob("*.yaml")))
def test_bom_and_line_endings_change_nothing(tmp_path: Path, sample: str, form: str) -> None:
    path = SAMPLES / sample
    lf = path.read_bytes() if form == "yaml" else sample_as_json(path)
    lines = lf.split(b"\n")
    variants = {
        "BOM": b"\xef\xbb\xbf" + lf,
        "CRLF": lf.replace(b"\n", b"\r\n"),
        "BOM + CRLF": b"\xef\xbb\xbf" + lf.replace(b"\n", b"\r\n"),
        "CR": lf.replace(b"\n", b"\r"),
        "mixed": b"".join(line + (b"\r\n" if i % 2 else b"\n") for i, line in enumerate(lines)),
    }
    expected = lint_bytes(tmp_path, lf, f"lf.{form}")
    assert expected.error is None and not expected.skipped
    for name, data in variants.items():
        result = lint_bytes(tmp_path, data, f"variant.{form}")
        assert_keeps_contract(result, data)
        assert result.error is None, (name, result.error.message)
        assert finding_keys(result) == finding_keys(expected), name
        for finding in result.findings:
            assert result.source_lines[finding.line] == expected.source_lines[finding.line], name


# Regression (a bug until bd4c8ac): line numbers count U+2028/U+2029/U+0085 as line breaks
# (ruamel marks inside quoted scalars; Template.lines uses str.splitlines) while editors and YAML
# 1.2 count only LF/CR: every finding after such a character is reported a line too low
@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"])
def test_unicode_line_separators_do_not_shift_lines(tmp_path: Path, separator: str) -> None:
    original = BROKEN_SAMPLE.read_text()
    body = "\n".join(line for line in original.split("\n") if not line.startswith("Description"))
    plain = body.replace(HEADER, HEADER + 'Description: "one-two"\n', 1)
    odd = body.replace(HEADER, HEADER + f'Description: "one{separator}two"\n', 1)
    expected = lint_bytes(tmp_path, plain.encode(), "plain.yaml")
    result = lint_bytes(tmp_path, odd.encode(), "odd.yaml")
    assert expected.findings
    assert finding_keys(result) == finding_keys(expected)
    assert (
        result.source_lines[expected.findings[0].line]
        == plain.split("\n")[expected.findings[0].line - 1]
    )


def tab_indented_variants() -> list[tuple[int, bytes]]:
    lines = SAMPLE.read_text().split("\n")
    indented = [
        i
        for i, line in enumerate(lines)
        if line.startswith("    ") and line.strip() and not line.lstrip().startswith("#")
    ]
    chosen = indented[:: max(1, len(indented) // 8)]
    variants = []
    for index in chosen:
        changed = list(lines)
        stripped = changed[index].lstrip(" ")
        width = len(changed[index]) - len(stripped)
        changed[index] = "\t" * (width // 2) + stripped
        variants.append((index + 1, "\n".join(changed).encode()))
    return variants


@pytest.mark.parametrize(("line", "data"), tab_indented_variants())
def test_tab_indentation_is_an_error_on_its_line(tmp_path: Path, line: int, data: bytes) -> None:
    result = lint_bytes(tmp_path, data)
    assert_keeps_contract(result, data)
    assert result.error is not None
    assert result.error.line == line
    assert "\\t" in result.error.message or "tab" in result.error.message


def test_tabs_in_json_and_after_colons_are_fine(tmp_path: Path) -> None:
    expected = lint_bytes(tmp_path, sample_as_json(SAMPLE), "spaces.json")
    tabbed = sample_as_json(SAMPLE).replace(b"  ", b"\t")
    result = lint_bytes(tmp_path, tabbed, "tabs.json")
    assert result.error is None
    assert finding_keys(result) == finding_keys(expected)
    yaml_tabs = SAMPLE.read_bytes().replace(b"Type: ", b"Type:\t")
    assert lint_bytes(tmp_path, yaml_tabs).error is None


# -- aliases ------------------------------------------------------------------------------------

# The child reads its peak memory from VmHWM: ru_maxrss survives exec, so in a child of a big
# pytest process it would report the parent's size.
CHILD = """
import json, resource, sys, time
from vpclint.lint import LintOptions, lint_file

def peak_mib():
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

start = time.perf_counter()
result = lint_file(sys.argv[1], LintOptions())
print(json.dumps({
    "seconds": time.perf_counter() - start,
    "max_rss_mib": peak_mib(),
    "error": result.error.message if result.error else None,
    "line": result.error.line if result.error else None,
    "internal_errors": [e.message for e in result.internal_errors],
    "findings": len(result.findings),
}))
"""


def lint_in_child(path: Path, timeout: float) -> dict[str, Any]:
    """Lint in a fresh process; its time for lint_file alone and its peak memory."""
    try:
        run = subprocess.run(
            [sys.executable, "-c", CHILD, str(path)],
            capture_output=True,
            text=True,
            timeout=timeout,
            # Away from the source tree, which would shadow the installed package.
            cwd=path.parent,
        )
    except subprocess.TimeoutExpired:
        return {"timeout": timeout}
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout)


def laughs(levels: int, width: int = 10, mapping: bool = False) -> str:
    lines = [HEADER.rstrip("\n"), "Metadata:"]
    if mapping:
        lines.append("  a0: &a0 {" + ", ".join(f"k{i}: lol" for i in range(width)) + "}")
    else:
        lines.append("  a0: &a0 [" + ", ".join(["lol"] * width) + "]")
    for level in range(1, levels):
        if mapping:
            items = ", ".join(f"k{i}: *a{level - 1}" for i in range(width))
            lines.append(f"  a{level}: &a{level} {{{items}}}")
        else:
            lines.append(f"  a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * width) + "]")
    return "\n".join(lines) + "\nResources: {}\n"


@pytest.mark.parametrize("mapping", [False, True], ids=["sequences", "mappings"])
def test_billion_laughs_is_refused_fast_and_small(tmp_path: Path, mapping: bool) -> None:
    path = tmp_path / "laughs.yaml"
    path.write_text(laughs(9, 10, mapping))
    outcome = lint_in_child(path, timeout=60)
    assert outcome["error"] and "\n" not in outcome["error"] and outcome["line"], outcome
    assert outcome["seconds"] < 1, outcome
    assert outcome["max_rss_mib"] < 100, outcome


# Regression (a bug until bd4c8ac): loader.MAX_NODES (2,000,000) is far above any real
# template, and everything below it is expanded node by node: a 400-byte file of 6 levels x 10
# aliases (1.1 M nodes) takes ~18 s and ~730 MiB before linting starts
def test_alias_expansion_below_the_cap_stays_cheap(tmp_path: Path) -> None:
    path = tmp_path / "laughs.yaml"
    path.write_text(laughs(6, 10))
    outcome = lint_in_child(path, timeout=4)
    assert "timeout" not in outcome, outcome
    assert outcome["seconds"] < 3 and outcome["max_rss_mib"] < 200, outcome


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (HEADER + "Metadata:\n  a: &a [*a]\n", 3),
        (HEADER + "Metadata:\n  a: &a\n    b: *a\n", 3),
        (HEADER + "Metadata:\n  a: &a {b: {c: [1, {d: *a}]}}\n", 3),
        (HEADER + "Metadata: &top\n  x: 1\n  y: [*top]\n", 2),
        (HEADER + "Metadata:\n  a: *undefined\n", 3),
        (HEADER + "Metadata:\n  a: &a 1\n  b: &a 2\n  c: *a\n", None),
    ],
)
@pytest.mark.filterwarnings("ignore:\\s*found duplicate anchor")
def test_self_referencing_and_broken_aliases(tmp_path: Path, text: str, line: int | None) -> None:
    data = text.encode()
    start = time.perf_counter()
    result = lint_bytes(tmp_path, data)
    assert time.perf_counter() - start < 1
    assert_keeps_contract(result, data)
    if line is not None:
        assert result.error is not None and result.error.line == line


# Regression (a bug until bd4c8ac): loader._compose reports every document over MAX_NODES as
# 'expands to more than N nodes through aliases', also a big template that has no alias at all (a
# 50 MiB template gets this message after ~170 s)
def test_big_template_without_aliases_is_not_blamed_on_aliases(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(vpclint.loader, "MAX_NODES", 1000)
    data = dense_template(40_000)
    assert b"*" not in data and b"&" not in data
    result = lint_bytes(tmp_path, data)
    assert_keeps_contract(result, data)
    assert result.error is None or "alias" not in result.error.message


# -- big files ----------------------------------------------------------------------------------


def dense_template(size: int) -> bytes:
    """A template of subnets and security groups, about `size` bytes."""
    parts = [
        HEADER,
        "Resources:\n  VPC:\n    Type: AWS::EC2::VPC\n    Properties:\n",
        "      CidrBlock: 10.0.0.0/8\n",
    ]
    total, n = sum(map(len, parts)), 0
    while total < size:
        block = (
            f"  Subnet{n}:\n    Type: AWS::EC2::Subnet\n    Properties:\n      VpcId: !Ref VPC\n"
            f"      CidrBlock: 10.{n // 256 % 256}.{n % 256}.0/24\n"
            f"  Group{n}:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n"
            f"      GroupDescription: group {n}\n      VpcId: !Ref VPC\n"
            "      SecurityGroupIngress:\n        - IpProtocol: tcp\n          FromPort: 443\n"
            "          ToPort: 443\n          CidrIp: 10.0.0.0/8\n"
        )
        parts.append(block)
        total += len(block)
        n += 1
    return "".join(parts).encode()


def padded_template(size: int) -> bytes:
    """The sample, then comments and one long block scalar up to `size` bytes."""
    text = SAMPLE.read_text()
    comment = "# " + "padding " * 12 + "\n"
    text += comment * (size // 2 // len(comment))
    text += "Metadata:\n  Notes: |\n"
    line = "    " + "text " * 20 + "\n"
    text += line * ((size - len(text)) // len(line) + 1)
    return text.encode()


BIG_CASES = (
    [("dense 4.9 MiB", 49 * MIB // 10, dense_template), ("dense 50 MiB", 50 * MIB, dense_template)]
    if LONG
    else [
        ("padded 4.9 MiB", 49 * MIB // 10, padded_template),
        ("dense 0.5 MiB", MIB // 2, dense_template),
    ]
)


@pytest.mark.parametrize(("name", "size", "make"), BIG_CASES, ids=[c[0] for c in BIG_CASES])
def test_big_file_is_linted_or_refused_in_time(
    tmp_path: Path, name: str, size: int, make: Any
) -> None:
    limit = 600 if LONG else 30
    path = tmp_path / "big.yaml"
    data = make(size)
    path.write_bytes(data)
    assert len(data) >= size
    outcome = lint_in_child(path, timeout=limit)
    assert "timeout" not in outcome, f"{name}: no answer within {limit} s"
    assert not outcome["internal_errors"], outcome
    if outcome["error"] is not None:
        assert "\n" not in outcome["error"] and outcome["line"], outcome
    if make is padded_template:
        assert outcome["error"] is None and outcome["findings"] == 0
    if len(data) > vpclint.loader.MAX_BYTES:
        assert "more than vpclint reads" in outcome["error"], outcome


def sparse_file(path: Path, head: bytes, size: int) -> Path:
    """`head`, then zero bytes up to `size`: a big file that costs no time to write."""
    with path.open("wb") as file:
        file.write(head)
        file.truncate(size)
    return path


def test_template_over_max_bytes_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = sparse_file(tmp_path / "huge.yaml", HEADER.encode(), 50 * MIB)

    def never(path: str) -> str:
        raise AssertionError("a file over MAX_BYTES was read whole")

    monkeypatch.setattr(vpclint.loader, "read_text", never)
    result = lint_file(str(path), LintOptions())
    assert result.error is not None
    assert result.error.message == (
        "the file is 50.0 MiB, more than vpclint reads "
        "(5 MiB; CloudFormation itself takes at most 1 MB)"
    )
    assert (result.error.line, result.error.column) == (1, 1)


def test_other_file_over_max_bytes_is_skipped_and_one_at_the_limit_is_read(
    tmp_path: Path,
) -> None:
    data = sparse_file(tmp_path / "data.json", b'{"rows": []}\n', 50 * MIB)
    assert lint_file(str(data), LintOptions()).skipped
    text = SAMPLE.read_text()
    at_limit = tmp_path / "at-limit.yaml"
    at_limit.write_text(text + "#" * (vpclint.loader.MAX_BYTES - len(text.encode()) - 1) + "\n")
    assert at_limit.stat().st_size == vpclint.loader.MAX_BYTES
    result = lint_file(str(at_limit), LintOptions())
    assert result.error is None and not result.skipped


# -- the command line ---------------------------------------------------------------------------


def run_cli(cwd: Path, *paths: Path, output: str = "text") -> subprocess.CompletedProcess[str]:
    run = subprocess.run(
        [str(VPCLINT), "check", "--isolated", "--jobs", "1", "--format", output, *map(str, paths)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert run.returncode in (0, 1, 2), (run.returncode, run.stderr[-3000:])
    assert "Traceback" not in run.stdout + run.stderr, run.stderr[-3000:]
    return run


def hostile_folder(folder: Path) -> dict[str, bytes]:
    sample = SAMPLE.read_bytes()
    files = {
        "truncated.yaml": sample[: len(sample) // 3],
        "mutated.yaml": mutate(sample, random.Random(7)),
        "binary.yaml": random_bytes(1),
        "png.yaml": b"\x89PNG\r\n\x1a\n" + random_bytes(2, 256),
        "latin1.yaml": (HEADER + "Description: café\n").encode("latin-1"),
        "deep.yaml": (HEADER + "X: " + "[" * DEPTH + "]" * DEPTH).encode(),
        "laughs.yaml": laughs(9).encode(),
        "python.yaml": TEMPLATE_WITH_VALUE.format(
            value="!!python/object/apply:os.system [id]"
        ).encode(),
        "tabs.yaml": tab_indented_variants()[0][1],
        "self-alias.yaml": (HEADER + "Metadata:\n  a: &a [*a]\n").encode(),
        "empty.yaml": b"",
        "bom.yaml": b"\xef\xbb\xbf",
        "crlf.yaml": sample.replace(b"\n", b"\r\n"),
        "broken.json": b'{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {',
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return files


def test_cli_on_hostile_files_text(tmp_path: Path) -> None:
    hostile_folder(tmp_path)
    run = run_cli(tmp_path, tmp_path)
    assert run.returncode == 2
    assert "could not be checked" in run.stdout


def test_cli_on_hostile_files_json(tmp_path: Path) -> None:
    files = hostile_folder(tmp_path)
    run = run_cli(tmp_path, tmp_path, output="json")
    assert run.returncode == 2
    report = json.loads(run.stdout)
    failures = []
    for entry in report["files"]:
        data = files[Path(entry["path"]).name]
        assert not entry.get("internal_errors"), entry
        error = entry["error"]
        if error is None:
            continue
        lines = len(data.decode("utf-8", errors="replace").splitlines()) + 1
        one_line = "\n" not in error["message"] and "internal error" not in error["message"]
        if not (one_line and isinstance(error["line"], int) and 1 <= error["line"] <= lines):
            failures.append(entry)
    assert not failures, failures
    errored = {Path(entry["path"]).name for entry in report["files"] if entry["error"]}
    assert {"latin1.yaml", "laughs.yaml", "python.yaml", "tabs.yaml", "self-alias.yaml"} <= errored


# -- the shared corpus --------------------------------------------------------------------------


def test_corpus_never_fails_badly(corpus: Path) -> None:
    files = [Path(path) for path, _ in collect_files([str(corpus)])]
    assert files
    failures = []
    for path in files:
        result = lint_file(str(path), LintOptions())
        problems = problems_of(result, path.read_bytes())
        if problems:
            failures.append(f"{path.relative_to(corpus)}: {problems}")
    assert not failures, "\n".join(failures)


# Regression: the network's objects refer to each other, so only the cycle collector frees them;
# under the CLI's raised threshold a 5 MiB template's network and data outlived its unit, and the
# report (SARIF of 14,557 results) was built on top of them: 498 MiB instead of 458.
def test_big_unit_is_freed_before_the_next_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    import gc
    import weakref

    import vpclint.lint

    networks: list[weakref.ref] = []
    build_unit = vpclint.lint.build_unit

    def watched(*args: Any, **kwargs: Any) -> Any:
        built = build_unit(*args, **kwargs)
        networks.append(weakref.ref(built.network.subnets[0]))
        return built

    monkeypatch.setattr(vpclint.lint, "build_unit", watched)
    monkeypatch.setattr(vpclint.lint, "_COLLECT_FROM_LINES", 0)
    gc.disable()  # only the unit's own collection may free it
    try:
        result = lint_file(str(SAMPLE), LintOptions())
        assert result.error is None
        assert networks and networks[0]() is None
    finally:
        gc.enable()
