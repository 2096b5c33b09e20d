"""Find the rules in vpclint.rules and run them over a network.

A rule is a module that defines ID, NAME, SEVERITY, a docstring and `check(network)`; adding a
file under rules/ is all it takes to add one.
"""

from __future__ import annotations

import importlib
import importlib.util
import marshal
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from functools import cache, partial
from types import CodeType, ModuleType

from vpclint.findings import Finding, Problem, Severity
from vpclint.model import Network
from vpclint.records import record

_RULE_ID = re.compile(r"^VPC\d{3}$")


@record(frozen=True)
class Rule:
    id: str
    name: str
    severity: Severity
    doc: str
    check: Callable[[Network], Iterable[Problem]]
    # Off unless selected by name or prefix (like cfn-lint's informational checks): rules that
    # fire on most templates and would drown the rest.
    default_enabled: bool = True

    @property
    def summary(self) -> str:
        return self.doc.strip().splitlines()[0] if self.doc.strip() else ""


class RuleDefinitionError(Exception):
    """A module under rules/ that does not define a rule properly."""


@record(frozen=True)
class InternalError:
    """A rule that raised: reported, never a traceback, and the other rules still run."""

    rule: str
    message: str


@cache
def load_rules() -> tuple[Rule, ...]:
    import vpclint.rules as package

    rules: dict[str, Rule] = {}
    for name, path in _modules(package.__path__, package.__name__):
        module = _import(name, path)
        if not hasattr(module, "ID"):
            continue
        rule = _rule_of(module)
        if rule.id in rules:
            raise RuleDefinitionError(f"{name}: rule ID {rule.id} is defined twice")
        rules[rule.id] = rule
    return tuple(sorted(rules.values(), key=lambda rule: rule.id))


def _modules(folders: Iterable[str], package: str) -> Iterator[tuple[str, str | None]]:
    """The (name, file) of the modules of a package and of its sub-packages (file None), from
    their folders: a listing costs less than pkgutil's walk, which imports every package to find
    the next."""
    for folder in folders:
        with os.scandir(folder) as entries:
            for entry in sorted(entries, key=lambda entry: entry.name):
                stem, suffix = os.path.splitext(entry.name)
                if entry.is_dir() and os.path.isfile(os.path.join(entry.path, "__init__.py")):
                    yield f"{package}.{entry.name}", None
                    yield from _modules([entry.path], f"{package}.{entry.name}")
                elif suffix == ".py" and stem.isidentifier() and stem != "__init__":
                    yield f"{package}.{stem}", entry.path


def _import(name: str, path: str | None) -> ModuleType:
    """Import a module; a rule module straight from the file the listing found, since the
    import system's search for it again costs as much as the rest of loading it (some 60 rules
    on every run)."""
    module = sys.modules.get(name)
    if module is not None:
        return module
    if path is None:
        return importlib.import_module(name)
    code = _cached_code(path)
    parent, _, child = name.rpartition(".")
    run: Callable[[], object]
    if code is None:  # no bytecode yet, or an old one: the import system compiles (and caches) it
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            return importlib.import_module(name)
        module = importlib.util.module_from_spec(spec)
        run = partial(spec.loader.exec_module, module)
    else:
        module = ModuleType(name)
        module.__file__ = path
        module.__package__ = parent
        run = partial(exec, code, module.__dict__)
    sys.modules[name] = module
    try:
        run()
    except BaseException:
        del sys.modules[name]
        raise
    setattr(sys.modules[parent], child, module)
    return module


def _cached_code(path: str) -> CodeType | None:
    """The code of a rule module from the bytecode the import system cached for it, if that is
    current; read here rather than through the import system's loaders, whose generality costs
    about as much again as running the module (PEP 552's header: magic, flags 0 for a cache
    checked by the source's time, then the source's mtime and size)."""
    try:
        source = os.stat(path)
        with open(importlib.util.cache_from_source(path), "rb") as file:
            data = file.read()
    except (OSError, ValueError, NotImplementedError):
        return None
    expected = (
        importlib.util.MAGIC_NUMBER
        + bytes(4)
        + (int(source.st_mtime) & 0xFFFFFFFF).to_bytes(4, "little")
        + (source.st_size & 0xFFFFFFFF).to_bytes(4, "little")
    )
    if data[:16] != expected:
        return None
    try:
        code = marshal.loads(memoryview(data)[16:])
    except (EOFError, ValueError, TypeError):
        return None
    return code if isinstance(code, CodeType) else None


def _rule_of(module: ModuleType) -> Rule:
    name = module.__name__
    rule_id, slug = getattr(module, "ID", None), getattr(module, "NAME", None)
    if not isinstance(rule_id, str) or not _RULE_ID.match(rule_id):
        raise RuleDefinitionError(f"{name}: ID must look like VPC101")
    if not isinstance(slug, str) or not slug:
        raise RuleDefinitionError(
            f"{name}: NAME must be a slug such as private-subnet-routes-to-igw"
        )
    check = getattr(module, "check", None)
    if not callable(check):
        raise RuleDefinitionError(f"{name}: check(network) is missing")
    if not module.__doc__:
        raise RuleDefinitionError(f"{name}: the docstring is the rule's documentation")
    return Rule(
        rule_id,
        slug,
        Severity(getattr(module, "SEVERITY", "warning")),
        module.__doc__,
        check,
        default_enabled=bool(getattr(module, "DEFAULT_ENABLED", True)),
    )


def run_rules(network: Network, rules: Iterable[Rule]) -> tuple[list[Finding], list[InternalError]]:
    findings: list[Finding] = []
    errors: list[InternalError] = []
    for rule in rules:
        try:
            problems = list(rule.check(network))
        except Exception as error:  # a bug in one rule must not hide the others' findings
            errors.append(InternalError(rule.id, f"{type(error).__name__}: {error}"))
            continue
        findings.extend(_finding(rule, problem) for problem in problems)
    findings.sort(key=lambda f: (f.line, f.column, f.rule, f.message))
    return findings, errors


def _finding(rule: Rule, problem: Problem) -> Finding:
    subject = problem.subject
    mark = problem.mark or subject.mark
    origin = subject.origin
    return Finding(
        rule=rule.id,
        name=rule.name,
        severity=rule.severity,
        message=problem.message,
        resource=subject.logical_id or None,  # "" is the template itself
        line=mark.line,
        column=mark.column,
        path=origin.path if origin else "",
        stack=(origin.stack or None) if origin else None,
        via=(origin.via or None) if origin else None,
        construct=origin.construct if origin else None,
    )
