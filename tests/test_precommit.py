"""The pre-commit hook, run by pre-commit itself on a scratch repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support import REPO, SAMPLES


def test_hook_on_a_scratch_repository(tmp_path: Path) -> None:
    pre_commit = Path(sys.executable).parent / "pre-commit"
    if not pre_commit.exists() or shutil.which("git") is None:
        pytest.skip("pre-commit or git is not installed")
    if not (REPO / ".git").exists():
        pytest.skip("the hook is installed from vpclint's git repository")
    scratch = tmp_path / "stacks"
    scratch.mkdir()
    shutil.copy(SAMPLES / "broken-vpc101-private-subnet-routes-to-igw.yaml", scratch / "vpc.yaml")
    shutil.copy(SAMPLES / "private-subnet-ssm-s3-endpoints.yaml", scratch / "endpoints.yml")
    (scratch / "docker-compose.yaml").write_text("services:\n  web:\n    image: nginx\n")
    (scratch / "chart.yaml").write_text("{{- if .Values.enabled }}\nkind: Deployment\n")
    (scratch / "notes.txt").write_text("not linted\n")
    environment = {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path / "cache"),
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
    }
    for command in (["git", "init", "-q"], ["git", "add", "."], ["git", "commit", "-qm", "x"]):
        subprocess.run(command, cwd=scratch, check=True, env=environment)
    done = subprocess.run(
        [str(pre_commit), "try-repo", str(REPO), "vpclint", "--all-files", "--verbose"],
        cwd=scratch,
        capture_output=True,
        text=True,
        env=environment,
        timeout=900,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "VPC101 Subnet PrivateSubnetB is meant to be private" in output
    # Non-templates are skipped quietly: the YAML that is not CloudFormation, and a Helm
    # template that is not even YAML.
    assert "2 files checked" in output and "2 skipped" in output
    assert "Traceback" not in output
