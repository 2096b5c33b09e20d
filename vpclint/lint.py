"""Lint files: load → expand → resolve → build → rules, one unit of templates at a time, never
raising.

A unit is the templates built into one network (vpclint.expand.links): most files alone, in
parallel; templates that import each other's exports or nest each other together; a CDK app's
stacks together. Findings are still reported per file, the nested and linked ones included.
"""

from __future__ import annotations

import os
import stat
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from vpclint import suppressions
from vpclint.engine import InternalError, Rule, load_rules, run_rules
from vpclint.findings import Finding
from vpclint.intent import PRIVATE_WORDS, PUBLIC_WORDS
from vpclint.loader import LoadError, Template, load
from vpclint.model import Network
from vpclint.records import field, record

TEMPLATE_SUFFIXES = (".yaml", ".yml", ".json", ".template")
RECURSION_LIMIT = 20_000
# A unit of this many template lines (about 1 MiB) is freed by a full collection once linted.
_COLLECT_FROM_LINES = 30_000
# Folders a recursive walk never enters (a CDK app's cdk.out is read through its manifest).
_SKIPPED_FOLDERS = {"node_modules", "__pycache__", "cdk.out"}


@record(frozen=True)
class LintOptions:
    region: str = "us-east-1"
    parameters: Mapping[str, str] = field(default_factory=dict)
    private_words: tuple[str, ...] = PRIVATE_WORDS
    public_words: tuple[str, ...] = PUBLIC_WORDS
    cfn_lint: bool = False  # also run cfn-lint's checks and merge its matches
    # Stack names by absolute path, for templates linked by their exports and imports.
    stack_names: Mapping[str, str] = field(default_factory=dict)
    link: bool = True  # build templates that share exports, or nest each other, as one network
    expectations: tuple[Any, ...] = ()  # the configuration's (vpclint.expect.Expectation)


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
    # Resources modelled, and resources vpclint does not understand (see Network.counts).
    modelled: int = 0
    not_understood: int = 0
    seconds: float = 0.0  # the time linting its unit took (the JUnit report's time)
    # The keys of the configuration's expectation selectors that match in this file's unit.
    matched_expectations: set[str] = field(default_factory=set)


def collect_files(
    paths: Iterable[str], unreadable: Callable[[str, str], None] | None = None
) -> list[tuple[str, bool]]:
    """(path, exists) for each file to lint: named files as given, folders walked for templates.

    A CDK cloud assembly is one item (its folder): given as such, or found beside the cdk.json
    of a project root the walk passes. A folder the walk cannot read is passed to
    `unreadable(folder, reason)`.
    """

    def walk_error(error: OSError) -> None:
        if unreadable is not None:
            unreadable(str(error.filename), error.strerror or str(error))

    found: list[tuple[str, bool]] = []
    for given in paths:
        if os.path.isdir(given):
            from vpclint.expand.cdk import find_assembly, is_assembly

            if is_assembly(given):
                found.append((given, True))
                continue
            # Walked paths print as pathlib spells them ("./a//b/" as "a/b"); files named on
            # the command line, what pre-commit passes, need no pathlib import.
            from pathlib import Path

            for root, folders, files in os.walk(given, onerror=walk_error):
                folders[:] = sorted(
                    f for f in folders if not f.startswith(".") and f not in _SKIPPED_FOLDERS
                )
                assembly = find_assembly(root) if "cdk.json" in files else None
                if assembly is not None:
                    found.append((str(Path(assembly)), True))
                found.extend(
                    (str(Path(root) / name), True)
                    for name in sorted(files)
                    if name.lower().endswith(TEMPLATE_SUFFIXES) and _is_regular(root, name)
                )
        else:
            # Anything that exists is read, and a FIFO or device named here is refused as such.
            found.append((given, os.path.exists(given)))
    return found


def _is_regular(folder: str, name: str) -> bool:
    """Whether a file found in a folder is a regular file (or a link to one). A FIFO, socket or
    device there is no template, as a file of another suffix is not: passed over quietly."""
    try:
        return stat.S_ISREG(os.stat(os.path.join(folder, name)).st_mode)
    except OSError:
        return True  # a broken link or an unreadable file: reading it says why


# Below this many units, starting worker processes costs more than it saves.
_PARALLEL_FROM = 8
# Units handed to a worker at a time: few, so that the workers finish together (one big chunk
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
    order of `paths` (files reached through them, nested or in a CDK app, follow), so the
    output is the same for any number of jobs."""
    from vpclint.expand.links import plan

    paths = list(paths)
    rules = None if rules is None else tuple(rules)
    existing = [path for path, exists in paths if exists]
    # More processes than files or cores only cost their start-up.
    jobs = max(1, min(jobs, len(existing), available_cpus()))
    if jobs > 1 and len(existing) >= _PARALLEL_FROM:
        done = _lint_in_workers(existing, options, rules, jobs)
    else:
        done = {}
        units = plan(
            existing,
            options.stack_names,
            options.link,
            lambda candidates: (_read_for_planning(path, options) for path in candidates),
        )
        for unit in units.units:
            for result in lint_unit(unit, options, rules, units.loaded, units.failed):
                done[result.path] = result
    by_file = {os.path.abspath(path): result for path, result in done.items()}
    ordered = []
    for path, exists in paths:
        result = by_file.pop(os.path.abspath(path), None)
        if result is None:
            error = None if exists else LoadError("no such file or folder")
            result = FileResult(path, error=error, skipped=exists)
        result.path = path  # as the user wrote it
        ordered.append(result)
    return ordered + list(by_file.values())


def available_cpus() -> int:
    """The cores this process may run on (a container or `taskset` may allow fewer)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def _lint_in_workers(
    existing: list[str], options: LintOptions, rules: tuple[Rule, ...] | None, jobs: int
) -> dict[str, FileResult]:
    """Plan and lint in worker processes. A worker that reads a file for planning (one that may
    link) lints it as a unit of its own in the same go: most turn out to be one (an export that
    nothing in the set imports), and only the units that really link are linted again,
    together. A worker that dies (a crash in a C extension, a signal) costs only the files it
    was given: they get an error, the others are linted in new workers."""
    from functools import partial

    from vpclint.expand.links import Shared, Unit, plan

    first: dict[str, tuple[Any, list[FileResult]]] = {}  # path → (its unit's root, results)
    crashed: dict[str, FileResult] = {}  # files whose worker died
    done: dict[str, FileResult] = {}
    with _Workers(jobs) as workers:

        def read(candidates: list[str]) -> Iterator[tuple[LoadError | None, Shared | None]]:
            worker = partial(_read_and_lint, options=options, rules=rules)
            outcomes = workers.map(worker, candidates)
            for path, outcome in zip(candidates, outcomes, strict=True):
                if isinstance(outcome, _Crash):
                    error = outcome.error()
                    crashed[path] = FileResult(path, error=error)
                    yield error, None
                    continue
                error, shared, root, results = outcome
                first[path] = (root, results)
                yield error, shared

        units = plan(existing, options.stack_names, options.link, read)
        pending: list[Unit] = []
        for unit in units.units:
            alone = len(unit.roots) == 1 and unit.assembly is None
            root, results = first.get(unit.roots[0].path, (None, [])) if alone else (None, [])
            if alone and unit.roots[0].path in crashed:  # it would only crash again
                done[unit.roots[0].path] = crashed[unit.roots[0].path]
            elif alone and root == unit.roots[0]:
                done.update((result.path, result) for result in results)
            else:
                pending.append(unit)
        worker = partial(lint_unit, options=options, rules=rules)
        for unit, outcome in zip(pending, workers.map(worker, pending), strict=True):
            if isinstance(outcome, _Crash):
                paths = unit.paths or [unit.assembly]
                outcome = [FileResult(path, error=outcome.error()) for path in paths]
            done.update((result.path, result) for result in outcome)
    return done


@record(frozen=True)
class _Crash:
    """What is left of a task whose worker process died (or that failed to come back)."""

    reason: str = "the process linting this file stopped abruptly (a crash, or a signal)"

    def error(self) -> LoadError:
        return LoadError(f"internal error: {self.reason} (please report this)")


def _apply(function: Any, items: list[Any]) -> list[Any]:
    return [function(item) for item in items]


class _Workers:
    """Worker processes that survive the death of one: `map` runs a function over items and
    returns the outcomes in order, a _Crash for an item whose worker died.

    A worker that dies breaks the whole pool, and every task not finished fails with it. Those
    are run again in a new pool, one item per task; what fails again is run in a pool of one
    worker, in order, where the first task that fails is the one that killed its worker. It
    gets its _Crash, and the rest go on in parallel again."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self._pool: Any = None

    def __enter__(self) -> _Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def _new_pool(self, workers: int) -> Any:
        from concurrent.futures import ProcessPoolExecutor

        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        self._pool = ProcessPoolExecutor(max_workers=max(1, workers))
        return self._pool

    def map(self, function: Any, items: list[Any]) -> list[Any]:
        from concurrent.futures.process import BrokenProcessPool

        outcomes: dict[int, Any] = {}
        pending = list(range(len(items)))
        chunk, workers = _CHUNK, self.jobs
        while pending:
            pool = self._pool or self._new_pool(min(workers, len(pending)))
            tasks = [pending[start : start + chunk] for start in range(0, len(pending), chunk)]
            futures = [(pool.submit(_apply, function, [items[i] for i in t]), t) for t in tasks]
            first_failed: int | None = None
            for future, task in futures:
                try:
                    outcomes.update(zip(task, future.result(), strict=True))
                except BrokenProcessPool:
                    if first_failed is None:
                        first_failed = task[0]
                except Exception as error:  # a result that cannot come back, say
                    reason = _described(error)
                    outcomes.update((i, _Crash(reason)) for i in task)
            pending = [i for i in pending if i not in outcomes]
            if not pending:
                break
            if workers == 1 and first_failed is not None:
                outcomes[first_failed] = _Crash()  # it ran alone, first in line, and died
                pending.remove(first_failed)
                workers = self.jobs
            elif chunk == 1:
                workers = 1
            chunk = 1
            self._new_pool(min(workers, len(pending)))
        return [outcomes[i] for i in range(len(items))]


def _read_and_lint(
    path: str, options: LintOptions, rules: tuple[Rule, ...] | None
) -> tuple[LoadError | None, Any, Any, list[FileResult]]:
    """A file read for planning, and linted as a unit of its own: why it cannot be read, what it
    shares, the root it was linted as, and the results."""
    from vpclint.expand.links import Unit, configured_name
    from vpclint.expand.stacks import Root

    names = options.stack_names
    outcome, shared = _read_for_planning(path, options)
    root = Root(path, configured_name(names, path))
    loaded = {path: outcome} if isinstance(outcome, Template) else {}
    failed = {path: outcome} if isinstance(outcome, LoadError) else {}
    results = lint_unit(Unit((root,)), options, rules, loaded, failed)
    return (outcome if isinstance(outcome, LoadError) else None), shared, root, results


def _read_for_planning(path: str, options: LintOptions) -> tuple[Any, Any]:
    """A file read for planning (vpclint.expand.links.read_shared); a bug while reading it
    costs that file, not the run."""
    from vpclint.expand.links import read_shared

    try:
        return read_shared(path, options.stack_names, options.parameters, options.region)
    except Exception as error:
        return LoadError(f"internal error while loading: {_described(error)}"), None


def _described(error: BaseException) -> str:
    """An exception as one line: its type and message."""
    return " ".join(f"{type(error).__name__}: {error}".split())


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
    """Lint one template (with its nested stacks): the result for its own file."""
    from vpclint.expand.links import Unit
    from vpclint.expand.stacks import Root

    results = lint_unit(Unit((Root(path),)), options, rules)
    return next(result for result in results if result.path == path)


def lint_unit(
    unit: Any,
    options: LintOptions,
    rules: Iterable[Rule] | None = None,
    loaded: Mapping[str, Template] | None = None,
    failed: Mapping[str, LoadError] | None = None,
) -> list[FileResult]:
    """Lint the templates of one unit as one network; one result per file it reaches."""
    started = time.perf_counter()
    try:
        results = _lint_unit(unit, options, rules, loaded, failed)
    except Exception as error:  # a bug after building (suppressions, cfn-lint) costs this unit
        message = f"internal error while linting: {_described(error)}"
        results = [FileResult(path, error=LoadError(message)) for path in unit.paths]
    seconds = time.perf_counter() - started
    for result in results:
        result.seconds = seconds
    return results


def _lint_unit(
    unit: Any,
    options: LintOptions,
    rules: Iterable[Rule] | None,
    loaded: Mapping[str, Template] | None,
    failed: Mapping[str, LoadError] | None,
) -> list[FileResult]:
    results: dict[str, FileResult] = {}
    try:
        built = build_unit(unit, options, loaded or {}, failed or {})
    except _AssemblyError as error:
        return [FileResult(unit.assembly, error=LoadError(str(error)))]
    except Exception as error:  # a bug must cost this unit, not the run
        return [
            FileResult(
                path,
                error=LoadError(f"internal error while building the network: {_described(error)}"),
            )
            for path in unit.paths
        ]
    for path, error in built.errors.items():
        results[path] = FileResult(path, error=error)
    for path in built.skipped:
        results[path] = FileResult(path, skipped=True)
    if built.network is None:
        return list(results.values())
    rules = default_rules() if rules is None else tuple(rules)
    findings, internal_errors = run_rules_deep(built.network, rules)
    matched: set[str] = set()
    if options.expectations:
        from vpclint.expect.verdicts import matched_keys

        matched = matched_keys(built.network)
    by_path: dict[str, list[Finding]] = {path: [] for path in built.templates}
    for finding in findings:
        by_path.setdefault(finding.path, []).append(finding)
    for path, template in built.templates.items():
        result = results.setdefault(path, FileResult(path))
        result.internal_errors = list(internal_errors)
        counts = built.network.counts.get(path, [0, 0])
        result.modelled, result.not_understood = counts
        result.matched_expectations = matched
        _apply_suppressions(result, by_path.get(path, []), template, rules)
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
    _free(built)
    return list(results.values())


def _free(built: Built) -> None:
    """Free a big unit's network and templates now, before the next unit is read or the report
    is written. The network's objects refer to each other, so only the cycle collector frees
    them, and under the raised threshold a run may end first (a 5 MiB template's ~300 MiB
    would stay under the report)."""
    lines = sum(len(template.lines) for template in built.templates.values())
    built.network = None
    built.templates.clear()
    if lines >= _COLLECT_FROM_LINES:
        import gc

        gc.collect()


def run_rules_deep(network: Network, rules: Iterable[Rule]) -> tuple[list[Finding], list[Any]]:
    """The rules' findings and internal errors, with room for values as deep as the resolver
    made (rules walk them)."""
    with _recursion_limit(RECURSION_LIMIT):
        return run_rules(network, rules)


def _apply_suppressions(
    result: FileResult, findings: list[Finding], template: Template, rules: tuple[Rule, ...]
) -> None:
    unused_rule = next((rule for rule in rules if rule.id == "VPC000"), None)
    result.findings, result.suppressed = unsuppressed(findings, template, rules, unused_rule)


def unsuppressed(
    findings: list[Finding], template: Template, rules: tuple[Rule, ...], unused_rule: Rule | None
) -> tuple[list[Finding], list[suppressions.Suppressed]]:
    """The findings of a template its suppressions leave, and those they took; suppressions
    that take nothing are findings of `unused_rule` (VPC000) when it is given."""
    marked = suppressions.read(template.data)
    if not marked:
        return findings, []
    enabled = {rule.id for rule in rules}
    return suppressions.apply(
        findings, marked, unused_rule, lambda rule: any(r.startswith(rule) for r in enabled)
    )


# -- building -----------------------------------------------------------------------------------


class _AssemblyError(Exception):
    """A CDK cloud assembly that cannot be read."""


@record
class Built:
    """A unit built: its network, and for each file reached the template it was read as."""

    network: Network | None = None
    templates: dict[str, Template] = field(default_factory=dict)
    errors: dict[str, LoadError] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)


def build_paths(
    paths: Iterable[str],
    options: LintOptions,
    unreadable: Callable[[str, str], None] | None = None,
) -> tuple[Built | None, list[tuple[str, str, str]]]:
    """The templates under `paths` (files, folders, CDK apps) built together into one network,
    as `show`, `reach`, `scopes` and `diff` take them, and the problems met, each as (path,
    what goes between it and "error:": "line:column: " or " ", message). None when no template
    was found."""
    from vpclint.expand.links import Unit, cdk_roots, stack_name
    from vpclint.expand.stacks import Root

    roots: list[Root] = []
    problems: list[tuple[str, str, str]] = []
    for path, exists in collect_files(paths, unreadable):
        if not exists:
            problems.append((path, " ", "no such file or folder"))
        elif os.path.isdir(path):
            from vpclint.expand.cdk import CdkError

            try:
                roots.extend(cdk_roots(path))
            except CdkError as error:
                problems.append((error.path, " ", str(error)))
        else:
            roots.append(Root(path, options.stack_names.get(os.path.abspath(path))))
    if len(roots) > 1:
        roots = [Root(r.path, r.name or stack_name(options.stack_names, r.path)) for r in roots]
    if not roots:
        return None, problems
    built = build_unit(Unit(tuple(roots)), options)
    for path, error in built.errors.items():
        where = f"{error.line}:{error.column}: " if error.line else " "
        problems.append((path, where, error.message))
    return built, problems


def build_unit(
    unit: Any,
    options: LintOptions,
    loaded: Mapping[str, Template] | None = None,
    failed: Mapping[str, LoadError] | None = None,
) -> Built:
    """Load a unit's templates, expand them, resolve and build their network."""
    from vpclint.builder import StackSource, build_network
    from vpclint.expand.stacks import StackSet
    from vpclint.model import Origin

    loaded = loaded or {}
    failed = failed or {}
    roots = list(unit.roots)
    if unit.assembly is not None:
        from vpclint.expand.cdk import CdkError
        from vpclint.expand.links import cdk_roots

        try:
            roots = cdk_roots(unit.assembly)
        except CdkError as error:
            raise _AssemblyError(str(error)) from None
    built = Built()
    stacks = StackSet(options.region)
    several = len(roots) > 1
    for root in roots:
        if root.path in failed:
            built.errors[root.path] = failed[root.path]
            continue
        try:
            template = loaded.get(root.path) or load(root.path)
        except LoadError as error:
            built.errors[root.path] = error
            continue
        except Exception as error:  # a loader bug must cost one file, not the run
            built.errors[root.path] = LoadError(
                f"internal error while loading: {_described(error)}"
            )
            continue
        if template is None:
            built.skipped.append(root.path)
            continue
        parameters = {**options.parameters, **root.parameters}
        key = _key(root.name or root.path, stacks) if several else ""
        with _recursion_limit(RECURSION_LIMIT):
            stacks.add_root(template, _with(root, parameters), key)
    built.errors.update(stacks.errors)
    if not stacks.stacks:
        return built
    sources = []
    for stack in stacks.stacks:
        built.templates.setdefault(stack.path, stack.template)
        assert stack.resolver is not None
        origin = Origin(stack.path, stack.key, stack.via)
        sources.append(StackSource(stack.resolver, origin, stack.gaps))
    with _recursion_limit(RECURSION_LIMIT):
        built.network = build_network(sources, options.private_words, options.public_words)
    # The configuration's expectations before the templates' own (read by the builder).
    built.network.expectations[:0] = options.expectations
    return built


def _with(root: Any, parameters: dict[str, Any]) -> Any:
    from vpclint.expand.stacks import Root

    return Root(root.path, root.name, parameters)


def _key(name: str, stacks: Any) -> str:
    """A stack key unique in the set: its name, or its name numbered."""
    taken = {stack.key for stack in stacks.stacks}
    key, number = name.replace("/", "-"), 2
    while key in taken:
        key, number = f"{name}-{number}", number + 1
    return key


def build(template: Template, options: LintOptions) -> Network:
    """The network of one loaded template (with its nested stacks)."""
    from vpclint.expand.links import Unit
    from vpclint.expand.stacks import Root

    built = build_unit(Unit((Root(template.path),)), options, {template.path: template})
    assert built.network is not None
    return built.network
