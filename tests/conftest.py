from __future__ import annotations

from pathlib import Path

import pytest
from support import CORPUS


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is not at {CORPUS}")
    return CORPUS
