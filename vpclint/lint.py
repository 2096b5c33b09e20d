"""Lint files: load → resolve → build → rules, one file at a time, never raising."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager

from vpclint import suppressions
from vpclint.engine import InternalError, Rule, load_rules, run_rules
from vpclint.findings import Finding
from vpclint.intent import PRIVATE_WORDS, PUBLIC_WORDS
from vpclint.loader import LoadError, Template, load
from vpclint.model import Network
from vpclint.records import field, record

TEMPLATE_SUFFIXES = (".yaml", ".yml", ".json", ".template")
RECURSION_LIMIT = 20_000
# Folders a recursive walk never enters.
_SKIPPED_FOLDERS = {"node_modules", "__pycache__", "cdk.out"}


@record(frozen=True)
class LintOptions:
    region: str = "us-east-1"
    parameters: Mapping[str, str] = field(default_factory=dict)
    private_words: tuple[str, ...] = PRIVATE_WORDS
    public_words: tuple[str, ...] = PUBLIC_WORDS
    cfn_lint: bool = False  # also run cfn-lint's checks and merge its matches


@record
class FileResult:
    path: str
    findings: list[Finding] = field(default_factory=list)
    error: LoadError | None = None
    skipped: bool = False  # not a CloudFormation template
    internal_errors: list[InternalError] = field(default_factory=list)
    # The template's lines that findings point at, by number: the text report quotes them.
    # Only those, since results travel back from --jobs worker processes.
    source_lines: dict[int, str] = field(default_factory=dict)
    suppressed: list[suppressions.Suppressed] = field(default_factory=list)


def collect_files(paths: Iterable[str]) -> list[tuple[str, bool]]:
    """(path, exists) for each file to lint: named files as given, folders walked for templates."""
    found: list[tuple[str, bool]] = []
    for given in paths:
        if os.path.isdir(given):
            # Walked paths print as pathlib spells them ("./a//b/" as "a/b"); files named on
            # the command line, what pre-commit passes, need no pathlib import.
            from pathlib import Path

            for root, folders, files in os.walk(given):
                folders[:] = sorted(
                    f for f in folders if not f.startswith(".") and f not in _SKIPPED_FOLDERS
                )
                found.extend(
                    (str(Path(root) / name), True)
                    for name in sorted(files)
                    if name.lower().endswith(TEMPLATE_SUFFIXES)
                )
        else:
            found.append((given, os.path.isfile(given)))
    return found


# Below this many files, starting worker processes costs more than it saves.
_PARALLEL_FROM = 8
# Files handed to a worker at a time: few, so that the workers finish together (one big chunk
# left to a single worker at the end cost a tenth of the run), but more than one, to spare
# the hand-over.
_CHUNK = 4


def lint_files(
    paths: Iterable[tuple[str, bool]],
    options: LintOptions,
    rules: Iterable[Rule] | None = None,
    jobs: int = 1,
) -> list[FileResult]:
    """Lint (path, exists) pairs, in worker processes when there are many; results keep the
    order of `paths`, so the output is the same for any number of jobs."""
    paths = list(paths)
    rules = None if rules is None else tuple(rules)
    existing = [path for path, exists in paths if exists]
    if jobs > 1 and len(existing) >= _PARALLEL_FROM:
        from concurrent.futures import ProcessPoolExecutor
        from functools import partial

        with ProcessPoolExecutor(max_workers=jobs) as pool:
            done = dict(
                zip(
                    existing,
                    pool.map(
                        partial(lint_file, options=options, rules=rules), existing, chunksize=_CHUNK
                    ),
                    strict=True,
                )
            )
    else:
        done = {path: lint_file(path, options, rules) for path in existing}
    return [
        done[path] if exists else FileResult(path, error=LoadError("no such file or folder"))
        for path, exists in paths
    ]


@contextmanager
def _recursion_limit(limit: int) -> Iterator[None]:
    """Deep templates recurse deeply when resolved (the resolver stops at MAX_DEPTH nested
    functions, a few Python frames each): more than Python's default 1,000 frames. Parsing
    keeps the default, so that absurd nesting fails fast there."""
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous, limit))
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)


def default_rules() -> tuple[Rule, ...]:
    """The rules that run with no configuration."""
    from vpclint.config import Config

    return Config().rules(load_rules())


def lint_file(path: str, options: LintOptions, rules: Iterable[Rule] | None = None) -> FileResult:
    result = FileResult(path)
    try:
        template = load(path)
    except LoadError as error:
        result.error = error
        return result
    except Exception as error:  # a loader bug must cost one file, not the run
        result.error = LoadError(f"internal error while loading: {type(error).__name__}: {error}")
        return result
    if template is None:
        result.skipped = True
        return result
    try:
        with _recursion_limit(RECURSION_LIMIT):
            network = build(template, options)
    except Exception as error:
        result.error = LoadError(
            f"internal error while building the network: {type(error).__name__}: {error}"
        )
        return result
    rules = default_rules() if rules is None else tuple(rules)
    with _recursion_limit(RECURSION_LIMIT):  # rules walk values as deep as the resolver made
        findings, result.internal_errors = run_rules(network, rules)
    marked = suppressions.read(template.data)
    if marked:
        unused_rule = next((rule for rule in rules if rule.id == "VPC000"), None)
        enabled = {rule.id for rule in rules}
        findings, result.suppressed = suppressions.apply(
            findings, marked, unused_rule, lambda rule: any(r.startswith(rule) for r in enabled)
        )
    result.findings = findings
    if options.cfn_lint:
        from vpclint.cfn_lint import run_cfn_lint

        try:
            run_cfn_lint(result, options.region)
        except Exception as error:  # cfn-lint's failure must not lose vpclint's findings
            result.internal_errors.append(
                InternalError("cfn-lint", f"{type(error).__name__}: {error}")
            )
    result.source_lines = {
        finding.line: template.lines[finding.line - 1]
        for finding in result.findings
        if 0 < finding.line <= len(template.lines)
    }
    return result


def build(template: Template, options: LintOptions) -> Network:
    from vpclint.builder import build_network
    from vpclint.resolver import Resolver

    resolver = Resolver(template.data, region=options.region, parameters=options.parameters)
    return build_network(resolver, options.private_words, options.public_words)
