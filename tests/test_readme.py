"""The README's examples are what vpclint does today: each command is run, each shown output
compared, each configuration and suppression example used."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support import REPO, SAMPLES

from vpclint.config import load_config
from vpclint.engine import load_rules

README = (REPO / "README.md").read_text(encoding="utf-8")
BIN = Path(sys.executable).parent


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, re.S)


def commands() -> list[tuple[str, list[str]]]:
    """(command, the output lines shown after it) for every `$ ...` line of console blocks."""
    found: list[tuple[str, list[str]]] = []
    for block in blocks("console"):
        for line in block.splitlines():
            if line.startswith("$ "):
                found.append((line[2:], []))
            elif found:
                found[-1][1].append(line)
    return found


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    shutil.copytree(SAMPLES, tmp_path / "sample_templates")
    return tmp_path


def test_readme_commands(scratch: Path) -> None:
    ran = 0
    for command, shown in commands():
        words = shlex.split(command)
        if words[0] == "pip":
            continue  # installing is the set-up's business
        tool = BIN / words[0]
        if not tool.exists():
            pytest.skip(f"{words[0]} is not installed")
        done = subprocess.run(
            [str(tool), *words[1:]],
            cwd=scratch,
            capture_output=True,
            text=True,
            check=False,
            env={"NO_COLOR": "1", "PATH": str(BIN)},
        )
        allowed = {0, 2, 4, 6, 8, 10, 12, 14} if words[0] == "cfn-lint" else {0, 1}
        if words[:2] == ["vpclint", "reach"]:
            allowed = {0, 1}  # reachable or not; 3 (unknown) would mean the example is wrong
        assert done.returncode in allowed, (command, done.stdout, done.stderr)
        assert "Traceback" not in done.stdout + done.stderr, command
        if shown:
            assert done.stdout.splitlines() == shown, command
        ran += 1
    assert ran >= 10


def test_readme_rule_table_lists_every_rule() -> None:
    for rule in load_rules():
        assert f"| {rule.id} | {rule.name} | {rule.severity.value} |" in README


def test_readme_configuration_example(scratch: Path) -> None:
    (toml,) = [b for b in blocks("toml") if "select" in b]
    (scratch / ".vpclint.toml").write_text(toml, encoding="utf-8")
    config = load_config(scratch / ".vpclint.toml")
    selected = {rule.id for rule in config.rules(load_rules())}
    assert "VPC604" in selected and "VPC205" not in selected
    done = subprocess.run(
        [str(BIN / "vpclint"), "check", "sample_templates/"],
        cwd=scratch,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "VPC604" in done.stdout  # opt-in, selected by the example, as a warning
    assert "warning  VPC604" in done.stdout


def test_readme_suppression_example(scratch: Path) -> None:
    (suppression,) = [b for b in blocks("yaml") if "vpclint:" in b and "ignore:" in b]
    template = scratch / "sample_templates" / "broken-vpc101-private-subnet-routes-to-igw.yaml"
    text = template.read_text(encoding="utf-8")
    original = "  PublicDefaultRoute:\n    Type: AWS::EC2::Route\n"
    assert original in text and suppression.startswith(original)
    template.write_text(text.replace(original, suppression), encoding="utf-8")
    done = subprocess.run(
        [str(BIN / "vpclint"), "check", "--show-suppressed", str(template)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout
    assert "[suppressed: subnet B moves to its own NAT route table in the next change]" in (
        done.stdout
    )


def test_readme_pre_commit_example() -> None:
    (config,) = [b for b in blocks("yaml") if "repos:" in b]
    hook_id = re.search(r"- id: (\S+)", config).group(1)  # type: ignore[union-attr]
    hooks = (REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    assert f"- id: {hook_id}" in hooks
    pattern = re.search(r"files: (.+)", hooks).group(1).strip()  # type: ignore[union-attr]
    for name in ("vpc.yaml", "vpc.yml", "vpc.json", "vpc.template"):
        assert re.search(pattern, name)
    assert not re.search(pattern, "README.md")


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_readme_ci_recipe_runs_the_diff_against_the_base_branch(tmp_path: Path) -> None:
    from ruamel.yaml import YAML

    (recipe,) = [b for b in blocks("yaml") if "vpclint diff --base" in b]
    workflow = YAML(typ="safe").load(recipe)
    steps = workflow["jobs"]["network-change"]["steps"]
    assert steps[0]["with"]["fetch-depth"] == 0  # --base needs the base branch's history
    (command,) = [
        line.strip()
        for step in steps
        for line in str(step.get("run", "")).splitlines()
        if line.strip().startswith("vpclint diff")
    ]
    words, _, output = command.partition(" > ")
    comment = next(s for s in steps if "sticky-pull-request-comment" in s.get("uses", ""))
    assert comment["with"]["path"] == output
    # A repository whose main branch holds the clean sample; the pull request moves the
    # instance into a public subnet and opens SSH.
    templates = tmp_path / "templates"
    templates.mkdir()
    shutil.copy(SAMPLES / "two-az-public-private-nat.yaml", templates / "vpc.yaml")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    for arguments in (["init", "-q", "-b", "main"], ["add", "."], ["commit", "-q", "-m", "main"]):
        subprocess.run([*git, *arguments], cwd=tmp_path, check=True, capture_output=True)
    subprocess.run(
        [*git, "update-ref", "refs/remotes/origin/main", "HEAD"], cwd=tmp_path, check=True
    )
    changed = SAMPLES / "pull-request" / "two-az-public-private-nat.yaml"
    shutil.copy(changed, templates / "vpc.yaml")
    words_list = shlex.split(words)
    done = subprocess.run(
        [str(BIN / words_list[0]), *words_list[1:]],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stderr  # opened from the internet: the check fails
    assert done.stdout.startswith("## vpclint: network change\n")
    assert "| 🟢 opened | internet → AppInstance | 22 |" in done.stdout
    assert "```mermaid\nflowchart LR\n" in done.stdout


def test_readme_expectation_example_is_the_sample() -> None:
    (toml,) = [b for b in blocks("toml") if "[[expect]]" in b]
    sample = (SAMPLES / "expectations.toml").read_text(encoding="utf-8")
    assert toml == "# sample_templates/expectations.toml\n" + sample


def test_readme_metadata_expectation_example(scratch: Path) -> None:
    (metadata,) = [b for b in blocks("yaml") if "expect:" in b]
    template = scratch / "sample_templates" / "two-az-public-private-nat.yaml"
    text = template.read_text(encoding="utf-8")
    original = "  AppInstance:\n    Type: AWS::EC2::Instance\n"
    assert original in text and metadata.startswith(original)
    template.write_text(text.replace(original, metadata), encoding="utf-8")
    done = subprocess.run(
        [str(BIN / "vpclint"), "check", "--isolated", "--select", "VPC71", str(template)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout  # it holds: the app sits in a private subnet
    flipped = metadata.replace("reachable: false", "reachable: true")
    template.write_text(text.replace(original, flipped), encoding="utf-8")
    done = subprocess.run(
        [str(BIN / "vpclint"), "check", "--isolated", "--select", "VPC71", str(template)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1 and "VPC710" in done.stdout, done.stdout


def test_readme_editor_set_up_is_the_shipped_cfnlintrc() -> None:
    (shown,) = [b for b in blocks("yaml") if "append_rules" in b]
    shipped = (REPO / "docs" / "editor" / ".cfnlintrc").read_text(encoding="utf-8")
    assert [line for line in shown.splitlines() if not line.startswith("#")] == [
        line for line in shipped.splitlines() if not line.startswith("#")
    ]
