"""`--format json`: one document, as DESIGN.md's contract describes."""

from __future__ import annotations

import json

from vpclint import __version__
from vpclint.lint import FileResult
from vpclint.report import Summary


def render(results: list[FileResult]) -> str:
    summary = Summary.of(results)
    document = {
        "version": __version__,
        "files": [_file(result) for result in results if not result.skipped],
        "summary": {
            "files": summary.files_checked,
            "skipped": summary.files_skipped,
            "failed": summary.files_failed,
            "findings": sum(summary.by_severity.values()),
            "suppressed": summary.suppressed,
            "resources_modelled": summary.modelled,
            "resources_not_understood": summary.not_understood,
            **summary.by_severity,
        },
    }
    return json.dumps(document, indent=2, ensure_ascii=False)


def _file(result: FileResult) -> dict:
    error = result.error
    return {
        "path": result.path,
        "findings": [finding.as_json() for finding in result.findings],
        "error": None
        if error is None
        else {"message": error.message, "line": error.line, "column": error.column},
        "internal_errors": [
            {"rule": internal.rule, "message": internal.message}
            for internal in result.internal_errors
        ],
        "suppressed": [suppressed.as_json() for suppressed in result.suppressed],
    }
