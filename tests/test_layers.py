"""The layers of the pipeline stay apart: rules share code only through the model and the
semantics layer (vpclint.judge), and the rules and `reach` ask the same judge."""

from __future__ import annotations

import ast
from pathlib import Path

from support import REPO

RULES = REPO / "rules"


def imported_modules(path: Path) -> list[tuple[str, int]]:
    """(module, level) for each import of a file; level > 0 for a relative import."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            found.append((node.module or "", node.level))
        elif isinstance(node, ast.Import):
            found.extend((alias.name, 0) for alias in node.names)
    return found


def test_no_rule_module_imports_another_rule_module() -> None:
    offenders = []
    for path in sorted(RULES.rglob("*.py")):
        for module, level in imported_modules(path):
            if level > 0 or module.startswith(("vpclint.rules", "rules")):
                offenders.append(f"{path.relative_to(REPO)} imports {'.' * level}{module}")
    assert offenders == []


def test_only_the_judge_reads_packets_against_filters_and_tables() -> None:
    """Rules and reach judge flows through vpclint.judge; none of them parses an ACL entry's
    port range or a route's prefix on its own."""
    users = [*RULES.rglob("*.py"), *(REPO / "vpclint" / "reach").glob("*.py")]
    judged = {"allows_port", "_acl_decides", "_longest_prefix", "_rule_allows"}
    for path in users:
        text = path.read_text(encoding="utf-8")
        assert not [name for name in judged if name in text], path


def test_reach_and_the_rules_use_the_same_judge() -> None:
    walk = {module for module, _ in imported_modules(REPO / "vpclint" / "reach" / "walk.py")}
    assert {"vpclint.judge", "vpclint.judge.addresses", "vpclint.judge.flows"} <= walk | {
        "vpclint.judge"
    }
    rules = {
        module
        for path in RULES.rglob("*.py")
        for module, _ in imported_modules(path)
        if module.startswith("vpclint.judge")
    }
    assert {"vpclint.judge.security_groups", "vpclint.judge.network_acls"} <= rules
