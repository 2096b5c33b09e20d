"""What rules report, and the finished findings the reports print."""

from __future__ import annotations

from enum import Enum

from vpclint.model import Resource
from vpclint.nodes import Mark
from vpclint.records import record


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "info": 1}[self.value]


@record(frozen=True)
class Problem:
    """What a rule yields: the resource at fault, one sentence saying what and how to fix it.

    `mark` points somewhere other than the resource's logical ID (a property, say).
    """

    subject: Resource
    message: str
    mark: Mark | None = None


@record(frozen=True)
class Finding:
    rule: str
    name: str
    severity: Severity
    message: str
    resource: str | None
    line: int
    column: int
    source: str = "vpclint"  # or "cfn-lint", for matches merged by --cfn-lint

    def as_json(self) -> dict:
        return {
            "rule": self.rule,
            "name": self.name,
            "severity": self.severity.value,
            "message": self.message,
            "resource": self.resource,
            "line": self.line,
            "column": self.column,
            "source": self.source,
        }
