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
    path: str = ""  # the file of the resource (several files build one network)
    stack: str | None = None  # the stack's key when the network spans several stacks
    via: str | None = None  # how a nested stack was reached: "main.yaml: Network"
    construct: str | None = None  # the CDK construct path (aws:cdk:path)

    @property
    def context(self) -> str:
        """Where the finding's resource comes from, when its file alone does not say: the CDK
        construct path, and the parent through which a nested stack was reached."""
        parts = []
        if self.construct:
            parts.append(f"construct {self.construct}")
        if self.via:
            parts.append(f"through {self.via}")
        return "; ".join(parts)

    @property
    def described(self) -> str:
        """The message, with the context when there is one."""
        return f"{self.message} ({self.context})" if self.context else self.message

    def as_json(self) -> dict:
        found = {
            "rule": self.rule,
            "name": self.name,
            "severity": self.severity.value,
            "message": self.message,
            "resource": self.resource,
            "line": self.line,
            "column": self.column,
            "source": self.source,
        }
        for key in ("stack", "via", "construct"):
            if getattr(self, key):
                found[key] = getattr(self, key)
        return found
