"""The rules ship inside the package, and every rule area is listed for packaging."""

from __future__ import annotations

import re

from support import REPO

from vpclint.engine import load_rules


def test_every_rule_area_is_packaged() -> None:
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    listed = set(re.findall(r'"vpclint\.rules\.(\w+)"', pyproject))
    areas = {p.parent.name for p in (REPO / "rules").glob("*/__init__.py")}
    assert areas == listed, "list each rules/<area> package in pyproject.toml"


def test_rules_are_discovered_with_their_metadata() -> None:
    rules = {rule.id: rule for rule in load_rules()}
    assert {"VPC101", "VPC301", "VPC303"} <= set(rules)
    assert rules["VPC101"].name == "private-subnet-routes-to-igw"
    assert rules["VPC303"].name == "interface-endpoint-sg-blocks-https"
    assert rules["VPC301"].name == "gateway-endpoint-without-route-tables"
    for rule in rules.values():
        assert rule.severity.value in ("error", "warning", "info")
        for heading in ("## What it does", "## Why it matters", "## Example", "## Fix"):
            assert heading in rule.doc, f"{rule.id} documentation lacks {heading}"


def test_rule_files_are_named_after_their_rule() -> None:
    for rule in load_rules():
        module = rule.check.__module__
        assert module.rsplit(".", 1)[-1] == f"{rule.id.lower()}_{rule.name.replace('-', '_')}"


def test_every_package_of_vpclint_is_packaged() -> None:
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    listed = set(re.findall(r'"(vpclint(?:\.\w+)*)"', pyproject)) - {"vpclint.rules"}
    found = {
        ".".join(p.parent.relative_to(REPO).parts) for p in (REPO / "vpclint").rglob("__init__.py")
    }
    assert found <= listed, f"list these in pyproject.toml: {sorted(found - listed)}"
