"""Rule modules are loaded from the bytecode the import system cached, when it is current, and
through the import system otherwise: either way the same module."""

from __future__ import annotations

import os
import py_compile
import sys
from pathlib import Path

import pytest

import vpclint.rules
from vpclint import engine

RULE = '''"""A rule for the loader's tests."""

ID = "VPC999"
NAME = "loader-test"


def check(network):
    return []
'''


@pytest.fixture
def rule_file(tmp_path: Path) -> Path:
    path = tmp_path / "vpc999_loader_test.py"
    path.write_text(RULE, encoding="utf-8")
    return path


def _load(path: Path) -> object:
    name = "vpclint.rules.vpc999_loader_test"
    sys.modules.pop(name, None)
    try:
        return engine._import(name, str(path))
    finally:
        sys.modules.pop(name, None)
        vpclint.rules.__dict__.pop("vpc999_loader_test", None)


def test_current_bytecode_is_used(rule_file: Path) -> None:
    py_compile.compile(str(rule_file), doraise=True)
    code = engine._cached_code(str(rule_file))
    assert code is not None and code.co_filename == str(rule_file)
    module = _load(rule_file)
    assert module.ID == "VPC999" and module.__file__ == str(rule_file)  # type: ignore[attr-defined]
    assert module.__doc__ == "A rule for the loader's tests."
    assert module.__package__ == "vpclint.rules"


def test_stale_or_missing_bytecode_goes_through_the_import_system(rule_file: Path) -> None:
    assert engine._cached_code(str(rule_file)) is None  # nothing cached yet
    py_compile.compile(str(rule_file), doraise=True)
    rule_file.write_text(RULE.replace("loader-test", "loader-test-changed"), encoding="utf-8")
    assert engine._cached_code(str(rule_file)) is None  # the source changed since
    module = _load(rule_file)
    assert module.NAME == "loader-test-changed"  # type: ignore[attr-defined]


def test_bytecode_of_another_python_is_not_used(rule_file: Path) -> None:
    cached = py_compile.compile(str(rule_file), doraise=True)
    data = bytearray(Path(cached).read_bytes())
    data[0] ^= 0xFF  # another magic number
    Path(cached).write_bytes(bytes(data))
    assert engine._cached_code(str(rule_file)) is None
    assert _load(rule_file).ID == "VPC999"  # type: ignore[attr-defined]


def test_a_rule_that_fails_to_load_leaves_nothing_behind(rule_file: Path) -> None:
    rule_file.write_text(RULE + "\nraise RuntimeError('broken rule')\n", encoding="utf-8")
    py_compile.compile(str(rule_file), doraise=True)
    with pytest.raises(RuntimeError, match="broken rule"):
        _load(rule_file)
    assert "vpclint.rules.vpc999_loader_test" not in sys.modules


def test_installed_rules_load_from_their_bytecode() -> None:
    """The shipped rules, once compiled (pip does it on install), take the direct path."""
    rules_folder = Path(engine.__file__).parent / "rules"
    if not rules_folder.is_dir():  # an editable install: the rules live in the source tree
        rules_folder = Path(vpclint.rules.__path__[0])
    some_rule = next(rules_folder.glob("*/vpc1*.py"))
    if not os.path.exists(engine.importlib.util.cache_from_source(str(some_rule))):
        pytest.skip("the rules are not compiled here (PYTHONDONTWRITEBYTECODE)")
    assert engine._cached_code(str(some_rule)) is not None
