"""The benchmark's parts that can be checked without timing: its templates and its README table."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

from support import REPO

from vpclint.lint import LintOptions, lint_file
from vpclint.loader import parse

BENCHMARKS = REPO / "benchmarks"


def benchmark_module(name: str) -> ModuleType:
    sys.path.insert(0, str(BENCHMARKS))  # run.py imports generate.py as its neighbour
    try:
        spec = importlib.util.spec_from_file_location(f"benchmark_{name}", BENCHMARKS / name)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(BENCHMARKS))


def test_generated_templates_have_the_asked_size_and_lint_without_errors(tmp_path: Path) -> None:
    generate = benchmark_module("generate.py")
    for size in (100, 1_000):
        text = generate.template(size)
        resources = parse(text)["Resources"]
        assert size <= len(resources) < size + 12  # whole blocks of twelve
        path = tmp_path / f"generated-{size}.yaml"
        path.write_text(text, encoding="utf-8")
        result = lint_file(str(path), LintOptions())
        assert result.error is None and not result.internal_errors


def test_readme_quotes_the_latest_results() -> None:
    run = benchmark_module("run.py")
    results = json.loads((BENCHMARKS / "results.json").read_text(encoding="utf-8"))
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert run.readme_table(results) in readme, "run benchmarks/run.py and paste its table"


def test_quoting_double_colons_keeps_the_template_and_lets_libyaml_read_it() -> None:
    run = benchmark_module("run.py")
    text = (
        "Conditions:\n  NotChina: !Not [!Equals [!Ref AWS::Partition, aws-cn]]\n"
        "Resources:\n  VPC:\n    Type: AWS::EC2::VPC\n    Properties: {CidrBlock: it's}\n"
    )
    quoted = run.quote_double_colons(text)
    assert "[!Ref 'AWS::Partition', aws-cn]" in quoted
    assert "Type: AWS::EC2::VPC" in quoted  # block scalars are left as written
    assert run.refused_by_libyaml(text) and not run.refused_by_libyaml(quoted)
    assert parse(quoted) == parse(text)


def test_same_block_template_overlaps_every_subnet_once(tmp_path: Path) -> None:
    generate = benchmark_module("generate.py")
    path = tmp_path / "same-block.yaml"
    path.write_text(generate.same_block(50), encoding="utf-8")
    result = lint_file(str(path), LintOptions())
    assert result.error is None and not result.internal_errors
    overlaps = [f for f in result.findings if f.rule == "VPC202"]
    assert [f.resource for f in overlaps] == [f"Subnet{i}" for i in range(1, 50)]
    assert overlaps[-1].message.startswith(
        "Subnet Subnet49 (10.0.0.0/24) overlaps subnet Subnet0 (10.0.0.0/24) and 48 other subnets"
    )
