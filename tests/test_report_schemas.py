"""The machine formats against what their readers accept (issue 13, items 13 and 14).

JUnit: every document vpclint writes is checked against the Ant JUnit schema (Windy Road's
JUnit.xsd, https://github.com/windyroad/JUnit-Schema/blob/master/JUnit.xsd, which Jenkins and
most CI readers follow) and Jenkins' junit-10.xsd (jenkinsci/xunit-plugin). lxml is not a
dependency, so the two schemas' rules are written out below as checks: required and allowed
attributes, their types (xs:int, xs:decimal, xs:token of at least one character, the timestamp
pattern), the order and number of child elements, and at most one <failure>/<error> per test
case; plus the counts, which neither schema can check.

SARIF: GitHub code scanning's upload limits
(https://docs.github.com/en/code-security/code-scanning/troubleshooting-sarif-uploads/results-exceed-limit,
.../file-too-large): at most 25,000 results per run (5,000 kept), 20 runs per file, 1,000
locations per result, 20 tags per rule, 10 MB per file.
"""

from __future__ import annotations

import datetime
import json
import re
import xml.etree.ElementTree as ET

import pytest
from support import SAMPLES

from vpclint.engine import InternalError, load_rules
from vpclint.findings import Finding, Severity
from vpclint.lint import FileResult, LintOptions, lint_file
from vpclint.loader import LoadError
from vpclint.report import junit, sarif

# -- JUnit --------------------------------------------------------------------------------------

_INT = re.compile(r"[+-]?\d+")
_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}")
_SUREFIRE_TIME = re.compile(r"(([0-9]{0,3},)*[0-9]{3}|[0-9]{0,3})*(\.[0-9]*)?")


def _is_int(value: str) -> bool:
    return bool(_INT.fullmatch(value)) and -(2**31) <= int(value) < 2**31


def _is_token(value: str) -> bool:
    """An xs:token of at least one character, as written (already whitespace-collapsed)."""
    return bool(value) and value == " ".join(value.split()) and not re.search("[\t\n\r]", value)


def _is_timestamp(value: str) -> bool:
    if not _TIMESTAMP.fullmatch(value):
        return False
    try:
        datetime.datetime.strptime(value, "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        return False
    return True


def _attributes(element: ET.Element, required: dict, optional: dict) -> list[str]:
    """Problems with an element's attributes: each name maps to a check of its value."""
    problems = []
    for name in required:
        if name not in element.attrib:
            problems.append(f"<{element.tag}> lacks required attribute {name}")
    for name, value in element.attrib.items():
        check = required.get(name) or optional.get(name)
        if check is None:
            problems.append(f"<{element.tag}> has undeclared attribute {name}")
        elif not check(value):
            problems.append(f"<{element.tag}> {name}={value!r} is not valid")
    return problems


def _simple_content(element: ET.Element) -> list[str]:
    return [f"<{element.tag}> holds element <{child.tag}>" for child in element]


def ant_problems(root: ET.Element) -> list[str]:
    """How a document breaks the Ant JUnit schema (JUnit.xsd)."""
    problems = []
    if root.tag != "testsuites":
        return [f"root is <{root.tag}>"]
    problems += _attributes(root, {}, {})  # the schema declares none
    for number, suite in enumerate(root):
        if suite.tag != "testsuite":
            problems.append(f"<testsuites> holds <{suite.tag}>")
            continue
        problems += _attributes(
            suite,
            {
                "name": _is_token,
                "timestamp": _is_timestamp,
                "hostname": _is_token,
                "tests": _is_int,
                "failures": _is_int,
                "errors": _is_int,
                "time": _DECIMAL.fullmatch,
                "package": _is_token,
                "id": _is_int,
            },
            {"skipped": _is_int},
        )
        if suite.get("id") != str(number):
            problems.append(f"testsuite id {suite.get('id')} is not {number}")
        tags = [child.tag for child in suite]
        # sequence: properties, testcase*, system-out, system-err
        if not re.fullmatch(r"properties (testcase )*system-out system-err ", " ".join(tags) + " "):
            problems.append(f"<testsuite> children out of order: {tags}")
        for child in suite:
            if child.tag == "properties":
                problems += _attributes(child, {}, {})
                for prop in child:
                    if prop.tag != "property":
                        problems.append(f"<properties> holds <{prop.tag}>")
                    problems += _attributes(prop, {"name": _is_token, "value": str}, {})
                    problems += _simple_content(prop)
            elif child.tag in ("system-out", "system-err"):
                problems += _attributes(child, {}, {}) + _simple_content(child)
            elif child.tag == "testcase":
                problems += _testcase_problems(child)
    return problems


def _testcase_problems(case: ET.Element) -> list[str]:
    problems = _attributes(
        case, {"name": _is_token, "classname": _is_token, "time": _DECIMAL.fullmatch}, {}
    )
    if len(case) > 1:  # choice minOccurs=0 maxOccurs=1
        problems.append(f"<testcase {case.get('name')}> holds {len(case)} elements")
    for outcome in case:
        if outcome.tag not in ("skipped", "error", "failure"):
            problems.append(f"<testcase> holds <{outcome.tag}>")
        elif outcome.tag != "skipped":
            problems += _attributes(outcome, {"type": str}, {"message": str})
            problems += _simple_content(outcome)
    return problems


def jenkins_problems(root: ET.Element) -> list[str]:
    """How a document breaks Jenkins' junit-10.xsd (looser on order, stricter on time)."""
    problems = _attributes(
        root,
        {},
        {n: str for n in ("name", "tests", "failures", "errors")}
        | {"time": _SUREFIRE_TIME.fullmatch},
    )
    for suite in root.iter("testsuite"):
        problems += _attributes(
            suite,
            {n: str for n in ("name", "tests", "failures", "errors")},
            {n: str for n in ("group", "skipped", "timestamp", "hostname", "id", "package", "file")}
            | {"log": str, "url": str, "time": _SUREFIRE_TIME.fullmatch},
        )
        for child in suite:
            if child.tag not in ("testsuite", "properties", "testcase", "system-out", "system-err"):
                problems.append(f"<testsuite> holds <{child.tag}>")
    for case in root.iter("testcase"):
        problems += _attributes(case, {"name": str}, {"time": str, "classname": str, "group": str})
    return problems


def count_problems(root: ET.Element) -> list[str]:
    problems = []
    for suite in root.iter("testsuite"):
        cases = suite.findall("testcase")
        counts = {
            "tests": len(cases),
            "failures": sum(1 for c in cases if c.find("failure") is not None),
            "errors": sum(1 for c in cases if c.find("error") is not None),
        }
        for name, count in counts.items():
            if suite.get(name) != str(count):
                problems.append(f"{suite.get('name')}: {name}={suite.get(name)}, not {count}")
    return problems


def assert_valid_junit(text: str) -> ET.Element:
    root = ET.fromstring(text.encode("utf-8"))
    problems = ant_problems(root) + jenkins_problems(root) + count_problems(root)
    assert not problems, problems
    return root


def many_findings(path: str, count: int, severity: Severity = Severity.WARNING) -> FileResult:
    rule = next(r for r in load_rules() if r.severity == severity)
    findings = [
        Finding(rule.id, rule.name, severity, f"finding {n}", f"Res{n}", n + 1, 3)
        for n in range(count)
    ]
    return FileResult(path, findings=findings)


@pytest.fixture(scope="module")
def linted() -> list[FileResult]:
    return [lint_file(str(path), LintOptions()) for path in sorted(SAMPLES.glob("*.yaml"))]


def test_the_checks_catch_what_the_old_output_broke() -> None:
    # What vpclint wrote before issue 13: no timestamp, hostname, time, package, id,
    # properties, system-out or system-err; attributes on <testsuites>; two failures in a case.
    old = (
        '<testsuites name="vpclint" tests="1" failures="1" errors="0">'
        '<testsuite name="a.yaml" tests="1" failures="1" errors="0">'
        '<testcase classname="a.yaml" name="VPC101 x"><failure message="m" type="error">1</failure>'
        '<failure message="n" type="error">2</failure></testcase></testsuite></testsuites>'
    )
    problems = ant_problems(ET.fromstring(old))
    for expected in (
        "<testsuites> has undeclared attribute name",
        "<testsuite> lacks required attribute timestamp",
        "<testsuite> lacks required attribute hostname",
        "<testsuite> lacks required attribute time",
        "<testcase> lacks required attribute time",
        "<testcase VPC101 x> holds 2 elements",
    ):
        assert expected in problems


def test_junit_of_the_samples_is_valid(linted: list[FileResult]) -> None:
    root = assert_valid_junit(junit.render(linted))
    assert len(root) == len([r for r in linted if not r.skipped])


def test_junit_of_errors_and_odd_text_is_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    results = [
        FileResult("bad.yaml", error=LoadError("invalid YAML: x", 3, 1)),
        FileResult("gone.yaml", error=LoadError("no such file or folder")),
        FileResult("x.yaml", internal_errors=[InternalError("VPC101", "ValueError: boom")]),
        FileResult("  odd\tname\n.yaml ", findings=many_findings("o", 1).findings),
        FileResult("vpc-\udcff-\ud800.yaml", findings=many_findings("s", 2).findings),
        FileResult("skipped.yaml", skipped=True),
    ]
    root = assert_valid_junit(junit.render(results))
    assert {suite.get("timestamp") for suite in root} == {"2023-11-14T22:13:20"}
    assert [suite.get("name") for suite in root] == [
        "bad.yaml",
        "gone.yaml",
        "x.yaml",
        "odd name .yaml",
        "vpc-\ufffd-\ufffd.yaml",
    ]


def test_junit_holds_one_failure_per_rule_and_file() -> None:
    # 3,002 findings of one rule in one file (the outside attack's case): one test case, one
    # <failure> that lists them all, one per line.
    root = assert_valid_junit(junit.render([many_findings("dense.yaml", 3002)]))
    (case,) = root.iter("testcase")
    (failure,) = case
    assert failure.get("message") == "3002 findings; the first: finding 0"
    assert failure.get("type") == "warning"
    assert failure.text is not None
    lines = failure.text.splitlines()
    assert len(lines) == 3002
    assert lines[0] == "1:3 Res0: finding 0" and lines[-1] == "3002:3 Res3001: finding 3001"


# -- SARIF --------------------------------------------------------------------------------------


def test_sarif_keeps_the_most_severe_results_and_says_what_it_left_out() -> None:
    results = [
        many_findings("info.yaml", 3_000, Severity.INFO),
        many_findings("warnings.yaml", 4_000, Severity.WARNING),
        many_findings("errors.yaml", 2_000, Severity.ERROR),
    ]
    document = json.loads(sarif.render(results))
    (run,) = document["runs"]
    kept = run["results"]
    assert len(kept) == sarif.MAX_RESULTS == 5_000
    levels = [result["level"] for result in kept]
    assert levels.count("error") == 2_000 and levels.count("warning") == 3_000
    assert "note" not in levels
    # In the order of the files and findings, not re-sorted.
    warnings = [r["message"]["text"] for r in kept if r["level"] == "warning"]
    assert warnings == [f"finding {n}" for n in range(3_000)]
    notes = run["invocations"][0]["toolExecutionNotifications"]
    (left_out,) = [n for n in notes if n.get("descriptor", {}).get("id") == "results-left-out"]
    assert left_out["level"] == "warning"
    assert left_out["message"]["text"].startswith(
        "4,000 of 9,000 results left out (1,000 warning, 3,000 info): GitHub code scanning "
        "takes at most 5,000 results of a run"
    )
    assert run["properties"] == {"resultsLeftOut": 4_000, "resultsFound": 9_000}
    assert run["invocations"][0]["executionSuccessful"] is True


def test_sarif_within_every_upload_limit(linted: list[FileResult]) -> None:
    document = json.loads(sarif.render(linted))
    assert len(document["runs"]) <= 20
    for run in document["runs"]:
        assert len(run["results"]) <= 25_000
        assert len(run["tool"]["driver"]["rules"]) <= 25_000
        for rule in run["tool"]["driver"]["rules"]:
            assert len(rule["properties"]["tags"]) <= 10  # what code scanning shows
        for result in run["results"]:
            assert len(result["locations"]) <= 100
    assert "properties" not in document["runs"][0]  # nothing was left out


def test_sarif_stays_under_the_file_size_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sarif, "MAX_BYTES", 400_000)
    text = sarif.render([many_findings("big.yaml", 2_000, Severity.ERROR)])
    assert len(text.encode("utf-8")) <= 400_000
    (run,) = json.loads(text)["runs"]
    assert 0 < len(run["results"]) < 2_000
    assert run["properties"]["resultsLeftOut"] == 2_000 - len(run["results"])
