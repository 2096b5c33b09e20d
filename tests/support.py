"""Paths and helpers shared by the tests."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "sample_templates"
# The shared corpus sits beside the repository; VPCLINT_CORPUS names another place.
CORPUS = Path(os.environ.get("VPCLINT_CORPUS", REPO.parent / "shared" / "corpus"))


def line_of(path: Path, text: str) -> int:
    """The 1-based number of the first line of a file that contains `text`."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} is not in {path}")
