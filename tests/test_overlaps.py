"""VPC202 on overlapping subnets: one finding per subnet that overlaps one defined before it,
naming the first defined, in one sort and one sweep (nested, equal and disjoint blocks)."""

from __future__ import annotations

from pathlib import Path

import pytest

from vpclint.engine import load_rules
from vpclint.lint import LintOptions, lint_file

HEAD = """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.0.0.0/16}
"""


def findings(tmp_path: Path, blocks: list[str]) -> list[tuple[str, str]]:
    text = HEAD + "".join(
        f"  S{i}:\n    Type: AWS::EC2::Subnet\n"
        f"    Properties: {{VpcId: !Ref Vpc, CidrBlock: {block}}}\n"
        for i, block in enumerate(blocks)
    )
    path = tmp_path / "template.yaml"
    path.write_text(text, encoding="utf-8")
    rules = [rule for rule in load_rules() if rule.id == "VPC202"]
    result = lint_file(str(path), LintOptions(), rules)
    assert result.error is None and not result.internal_errors
    for finding in result.findings:
        index = int(finding.resource[1:])
        assert finding.line == 6 + 3 * index  # the subnet's own line
    return [(f.resource, f.message.split(" in the same VPC")[0]) for f in result.findings]


@pytest.mark.parametrize(
    ("blocks", "expected"),
    [
        (["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/23"], []),
        (
            ["10.0.0.0/24", "10.0.0.0/24", "10.0.0.0/24"],
            [
                (
                    "S1",
                    "Subnet S1 (10.0.0.0/24) overlaps subnet S0 (10.0.0.0/24) and 1 other subnet",
                ),
                (
                    "S2",
                    "Subnet S2 (10.0.0.0/24) overlaps subnet S0 (10.0.0.0/24) and 1 other subnet",
                ),
            ],
        ),
        # A big block defined last covers two earlier ones: it alone is reported.
        (
            ["10.0.1.0/24", "10.0.2.0/24", "10.0.0.0/20"],
            [("S2", "Subnet S2 (10.0.0.0/20) overlaps subnet S0 (10.0.1.0/24) and 1 other subnet")],
        ),
        # A big block defined first: each block inside it is reported once, naming it.
        (
            ["10.0.0.0/20", "10.0.2.0/24", "10.0.1.0/24", "10.0.16.0/24"],
            [
                ("S1", "Subnet S1 (10.0.2.0/24) overlaps subnet S0 (10.0.0.0/20)"),
                ("S2", "Subnet S2 (10.0.1.0/24) overlaps subnet S0 (10.0.0.0/20)"),
            ],
        ),
        # Nested three deep, defined inside out: the first defined is the innermost.
        (
            ["10.0.1.0/25", "10.0.1.0/24", "10.0.0.0/20", "10.0.1.128/25"],
            [
                (
                    "S1",
                    "Subnet S1 (10.0.1.0/24) overlaps subnet S0 (10.0.1.0/25) and 2 other subnets",
                ),
                (
                    "S2",
                    "Subnet S2 (10.0.0.0/20) overlaps subnet S0 (10.0.1.0/25) and 2 other subnets",
                ),
                (
                    "S3",
                    "Subnet S3 (10.0.1.128/25) overlaps subnet S1 (10.0.1.0/24) and 1 other subnet",
                ),
            ],
        ),
    ],
)
def test_each_overlapping_subnet_once_naming_the_first(
    tmp_path: Path, blocks: list[str], expected: list[tuple[str, str]]
) -> None:
    assert findings(tmp_path, blocks) == expected


def test_many_subnets_with_one_block_is_one_finding_each(tmp_path: Path) -> None:
    found = findings(tmp_path, ["10.0.0.0/24"] * 300)
    assert len(found) == 299
    assert found[-1] == (
        "S299",
        "Subnet S299 (10.0.0.0/24) overlaps subnet S0 (10.0.0.0/24) and 298 other subnets",
    )
