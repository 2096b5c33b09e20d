"""The two versions a diff compares: templates on disk, or the old ones read from git.

Each version is built the way `check` builds it (vpclint.lint.build_unit: linked stacks,
nested stacks, CDK apps) and its rules are run, suppressions applied. With `--base REF` the
old version of each path is read from the repository with `git ls-tree` and `git show`, into
a temporary folder that mirrors the paths, so that stack names (file stems) match. Nothing is
fetched: REF must be known to the local repository.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Iterable

from vpclint.engine import Rule
from vpclint.findings import Finding
from vpclint.lint import LintOptions
from vpclint.model import Network
from vpclint.records import field, record


class VersionError(Exception):
    """A version that cannot be read: a bad path, a template that does not parse, a bad ref."""


@record
class Version:
    label: str  # how the report names it: a path, or "origin/main"
    network: Network | None  # None: no template at all (a file the change adds)
    findings: list[Finding] = field(default_factory=list)
    # Where the files were read from → how the report names them ("origin/main:vpc.yaml").
    names: dict[str, str] = field(default_factory=dict)

    def path_of(self, path: str) -> str:
        return self.names.get(os.path.abspath(path), path) if path else path


def load(label: str, paths: Iterable[str], options: LintOptions, rules: Iterable[Rule]) -> Version:
    """Build the network of the templates under `paths`, taken together, and lint it."""
    from vpclint.lint import build_paths, run_rules_deep, unsuppressed

    built, problems = build_paths(paths, options)
    if problems:
        raise VersionError(
            "\n".join(f"{path}:{where}error: {message}" for path, where, message in problems)
        )
    version = Version(label, None)
    if built is None or built.network is None:
        return version
    version.network = built.network
    rules = tuple(rules)
    findings, errors = run_rules_deep(built.network, rules)
    if errors:
        raise VersionError(
            "\n".join(f"{label}: internal error in {e.rule}: {e.message}" for e in errors)
        )
    # The templates' suppressions apply; an unused one is check's to report, not a change.
    for path, template in built.templates.items():
        own = [f for f in findings if f.path == path]
        version.findings.extend(unsuppressed(own, template, rules, None)[0])
    version.findings.extend(f for f in findings if f.path not in built.templates)
    return version


# -- git ------------------------------------------------------------------------------------------


def from_git(ref: str, paths: Iterable[str], into: str) -> tuple[list[str], dict[str, str]]:
    """The files under `paths` as they are at `ref`, written below `into`.

    Returns the paths to read (the same paths below `into`; a path the ref does not have is
    left out: the change adds it) and how to name each file in the report ("REF:path"). A
    path that is neither on disk nor at the ref is an error.
    """
    top = _git(["rev-parse", "--show-toplevel"], os.getcwd()).strip()
    _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], top, f"unknown ref {ref!r}")
    wanted: list[str] = []
    names: dict[str, str] = {}
    for path in paths:
        relative = os.path.relpath(os.path.abspath(path), top)
        if relative.startswith(".."):
            raise VersionError(f"{path}: error: not inside the git repository {top}")
        listed = _git(["ls-tree", "-r", "--name-only", "-z", ref, "--", relative], top)
        files = [name for name in listed.split("\0") if name]
        for name in files:
            target = os.path.join(into, name)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            content = subprocess.run(
                ["git", "show", f"{ref}:{name}"], cwd=top, capture_output=True, check=False
            )
            if content.returncode != 0:
                raise VersionError(f"{ref}:{name}: error: {content.stderr.decode().strip()}")
            with open(target, "wb") as file:
                file.write(content.stdout)
            names[os.path.abspath(target)] = f"{ref}:{name}"
        if files:
            wanted.append(os.path.join(into, relative))
        elif not os.path.exists(path):
            raise VersionError(f"{path}: error: no such file or folder, here or at {ref}")
    return wanted, names


def _git(arguments: list[str], where: str, meaning: str | None = None) -> str:
    try:
        done = subprocess.run(
            ["git", *arguments], cwd=where, capture_output=True, text=True, check=False
        )
    except OSError as error:
        raise VersionError(f"git: {error}") from None
    if done.returncode != 0:
        raise VersionError(f"git: {meaning or done.stderr.strip() or 'failed'}")
    return done.stdout


def temporary_folder() -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix="vpclint-diff-")
