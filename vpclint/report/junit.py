"""`--format junit`: JUnit XML, for CI systems that show test reports (GitLab, Jenkins, Azure).

Valid against the Ant JUnit schema (Windy Road's JUnit.xsd, the one Jenkins and most readers
follow) and Jenkins' junit-10.xsd: a bare <testsuites>; per file one <testsuite> with name,
package, id, timestamp (UTC, no zone), hostname, tests, failures, errors and time, holding
<properties>, its test cases, <system-out> and <system-err>; each <testcase> has name,
classname and time, and at most one <failure> or <error> (readers take only the first).

Each rule with findings in a file is one failed test case ("VPC101
private-subnet-routes-to-igw") whose one <failure> holds every finding of that rule in the file,
one line each; a file without findings is one passing test case named "vpclint"; a file that
could not be linted is one test case with an <error>, and so is each rule that crashed. The
counts are of test cases, as CI systems expect (passed = tests - failures - errors), not of
findings.

The timestamp is now, or SOURCE_DATE_EPOCH when set (reproducible builds).
"""

from __future__ import annotations

import datetime
import os
import re
import socket
import xml.etree.ElementTree as ET

from vpclint import __version__
from vpclint.engine import load_rules
from vpclint.findings import Finding
from vpclint.lint import FileResult

# Characters XML 1.0 cannot hold at all, even escaped; ElementTree would write them anyway.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render(results: list[FileResult]) -> str:
    root = ET.Element("testsuites")
    stamp, host = _timestamp(), _hostname()
    suites = [result for result in results if not result.skipped]
    for number, result in enumerate(suites):
        root.append(_suite(result, number, stamp, host))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def _suite(result: FileResult, number: int, stamp: str, host: str) -> ET.Element:
    name = _token(result.path)
    suite = ET.Element("testsuite", name=name, package=name, id=str(number), timestamp=stamp)
    suite.set("hostname", host)
    properties = ET.SubElement(suite, "properties")
    ET.SubElement(properties, "property", name="vpclint.version", value=__version__)
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
        lines = []
        for finding in findings:
            resource = f" {finding.resource}" if finding.resource else ""
            lines.append(f"{finding.line}:{finding.column}{resource}: {finding.message}")
        message = findings[0].message
        if len(findings) > 1:
            message = f"{len(findings)} findings; the first: {message}"
        severity = max((finding.severity for finding in findings), key=lambda s: s.rank)
        _add(case, "failure", message, severity.value, "\n".join(lines))
    if result.error is None and not result.internal_errors and not result.findings:
        _case(suite, result.path, "vpclint")
    cases = suite.findall("testcase")
    errors = sum(1 for case in cases if case.find("error") is not None)
    failures = sum(1 for case in cases if case.find("failure") is not None)
    suite.set("tests", str(len(cases)))
    suite.set("failures", str(failures))
    suite.set("errors", str(errors))
    suite.set("time", f"{result.seconds:.3f}")
    ET.SubElement(suite, "system-out")
    ET.SubElement(suite, "system-err")
    return suite


def _case(suite: ET.Element, path: str, name: str) -> ET.Element:
    return ET.SubElement(suite, "testcase", name=_token(name), classname=_token(path), time="0")


def _add(case: ET.Element, tag: str, message: str, kind: str, text: str) -> None:
    ET.SubElement(case, tag, message=_text(message), type=kind).text = _text(text)


def _timestamp() -> str:
    """When the files were linted, as the schema's xs:dateTime without a zone (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    moment = (
        datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc)
        if epoch.isdigit()
        else datetime.datetime.now(datetime.timezone.utc)
    )
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def _hostname() -> str:
    """The schema's hostname: a token of at least one character, 'localhost' when unknown."""
    try:
        name = _token(socket.gethostname())
    except OSError:
        name = ""
    return name or "localhost"


def _token(text: str) -> str:
    """Text for an xs:token attribute: no line breaks or tabs, no runs or edges of spaces
    (a reader that normalizes it gets the same text back)."""
    return " ".join(_text(text).split())


def _text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)
