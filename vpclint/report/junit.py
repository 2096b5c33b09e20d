"""`--format junit`: JUnit XML, for CI systems that show test reports (GitLab, Jenkins, Azure).

One <testsuite> per file. Each rule with findings in that file is one failed <testcase>
("VPC101 private-subnet-routes-to-igw") holding one <failure> per finding; a file without
findings is one passing <testcase name="vpclint">; a file that could not be linted is one
<testcase> with an <error>, and so is each rule that crashed. The counts are of test cases, as
CI systems expect (passed = tests - failures - errors), not of findings.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from vpclint.engine import load_rules
from vpclint.findings import Finding
from vpclint.lint import FileResult

# Characters XML 1.0 cannot hold at all, even escaped; ElementTree would write them anyway.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render(results: list[FileResult]) -> str:
    root = ET.Element("testsuites", name="vpclint")
    for result in results:
        if not result.skipped:
            root.append(_suite(result))
    _count(root, root.findall("testsuite/testcase"))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def _suite(result: FileResult) -> ET.Element:
    suite = ET.Element("testsuite", name=_text(result.path))
    if result.error is not None:
        error = result.error
        case = _case(suite, result.path, "vpclint")
        where = f"{error.line}:{error.column or 0}: " if error.line else ""
        _add(case, "error", error.message, "parse-error", where + error.message)
    names = {rule.id: rule.name for rule in load_rules()}
    for internal in result.internal_errors:
        name = (
            f"{internal.rule} {names[internal.rule]}" if internal.rule in names else internal.rule
        )
        case = _case(suite, result.path, name)
        message = f"internal error: {internal.message} (please report this)"
        _add(case, "error", message, "internal-error", message)
    # One test case per rule, in the order the rules first appear among the findings.
    by_rule: dict[str, list[Finding]] = {}
    for finding in result.findings:
        by_rule.setdefault(finding.rule, []).append(finding)
    for rule, findings in by_rule.items():
        case = _case(suite, result.path, f"{rule} {findings[0].name}")
        for finding in findings:
            resource = f" {finding.resource}" if finding.resource else ""
            text = f"{finding.line}:{finding.column}{resource}: {finding.message}"
            _add(case, "failure", finding.message, finding.severity.value, text)
    if result.error is None and not result.internal_errors and not result.findings:
        _case(suite, result.path, "vpclint")
    _count(suite, suite.findall("testcase"))
    return suite


def _case(suite: ET.Element, path: str, name: str) -> ET.Element:
    return ET.SubElement(suite, "testcase", classname=_text(path), name=_text(name))


def _add(case: ET.Element, tag: str, message: str, kind: str, text: str) -> None:
    ET.SubElement(case, tag, message=_text(message), type=kind).text = _text(text)


def _count(element: ET.Element, cases: list[ET.Element]) -> None:
    # A case with an error counts as an error only, so no case is counted twice.
    errors = sum(1 for case in cases if case.find("error") is not None)
    failures = sum(
        1 for case in cases if case.find("error") is None and case.find("failure") is not None
    )
    element.set("tests", str(len(cases)))
    element.set("failures", str(failures))
    element.set("errors", str(errors))


def _text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)
