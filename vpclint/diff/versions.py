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

from vpclint.engine import Rule, run_rules
from vpclint.findings import Finding
from vpclint.lint import LintOptions, build_unit, collect_files
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
    from vpclint.expand.links import Unit, cdk_roots, stack_name
    from vpclint.expand.stacks import Root

    roots: list[Root] = []
    problems: list[str] = []
    for path, exists in collect_files(paths):
        if not exists:
            problems.append(f"{path}: error: no such file or folder")
        elif os.path.isdir(path):
            from vpclint.expand.cdk import CdkError

            try:
                roots.extend(cdk_roots(path))
            except CdkError as error:
                problems.append(f"{error.path}: error: {error}")
        else:
            roots.append(Root(path, options.stack_names.get(os.path.abspath(path))))
    if len(roots) > 1:
        roots = [Root(r.path, r.name or stack_name(options.stack_names, r.path)) for r in roots]
    version = Version(label, None)
    if not roots:
        if problems:
            raise VersionError("\n".join(problems))
        return version
    built = build_unit(Unit(tuple(roots)), options)
    for path, error in built.errors.items():
        where = f"{error.line}:{error.column}: " if error.line else ""
        problems.append(f"{path}:{where}error: {error.message}")
    if problems:
        raise VersionError("\n".join(problems))
    version.network = built.network
    if built.network is not None:
        findings, errors = run_rules(built.network, rules)
        if errors:
            raise VersionError(
                "\n".join(f"{label}: internal error in {e.rule}: {e.message}" for e in errors)
            )
        version.findings = _unsuppressed(findings, built.templates, tuple(rules))
    return version


def _unsuppressed(
    findings: list[Finding], templates: dict[str, object], rules: tuple[Rule, ...]
) -> list[Finding]:
    """The findings the templates' suppressions leave."""
    from vpclint import suppressions

    kept: list[Finding] = []
    enabled = {rule.id for rule in rules}
    for path, template in templates.items():
        own = [f for f in findings if f.path == path]
        marked = suppressions.read(getattr(template, "data", None))
        if marked:
            own, _ = suppressions.apply(
                own, marked, None, lambda rule: any(r.startswith(rule) for r in enabled)
            )
        kept.extend(own)
    kept.extend(f for f in findings if f.path not in templates)
    return kept


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
