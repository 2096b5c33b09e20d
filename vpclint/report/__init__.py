"""Renderers of lint results: text for people, machine formats for tools."""

from __future__ import annotations

from vpclint.findings import Severity
from vpclint.lint import FileResult
from vpclint.records import record


@record(frozen=True)
class Summary:
    files_checked: int
    files_skipped: int
    files_failed: int
    by_severity: dict[str, int]
    suppressed: int = 0
    # Resources turned into the network model, and resources vpclint does not understand
    # (types it does not model that may hold addresses or change routing).
    modelled: int = 0
    not_understood: int = 0

    @classmethod
    def of(cls, results: list[FileResult]) -> Summary:
        counts = {severity.value: 0 for severity in Severity}
        for result in results:
            for finding in result.findings:
                counts[finding.severity.value] += 1
        return cls(
            files_checked=sum(1 for r in results if not r.skipped and r.error is None),
            files_skipped=sum(1 for r in results if r.skipped),
            files_failed=sum(1 for r in results if r.error is not None or r.internal_errors),
            by_severity=counts,
            suppressed=sum(len(r.suppressed) for r in results),
            modelled=sum(r.modelled for r in results),
            not_understood=sum(r.not_understood for r in results),
        )
