"""Configuration: `[tool.vpclint]` in pyproject.toml, or a `.vpclint.toml`.

The nearest file from the working directory upwards wins (in one folder, `.vpclint.toml` before
`pyproject.toml`); `--config` names one, `--isolated` ignores them all. Command-line switches win
over the file. Unknown keys and bad values are errors that name the file and the key.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Mapping
from fnmatch import fnmatch
from typing import Any

from vpclint import records
from vpclint.engine import Rule
from vpclint.findings import Severity
from vpclint.intent import PRIVATE_WORDS, PUBLIC_WORDS
from vpclint.model import is_region
from vpclint.records import field, record

_SELECTOR = r"^VPC\d{0,3}$"  # compiled when a selection is first checked


class ConfigError(Exception):
    """A configuration file or switch that cannot be used; the message names file and key."""


@record(frozen=True)
class Config:
    select: tuple[str, ...] = ()  # rule IDs or prefixes; empty selects every rule
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    fail_on: Severity = Severity.WARNING
    region: str = "us-east-1"
    parameters: Mapping[str, str] = field(default_factory=dict)
    exclude: tuple[str, ...] = ()
    private_words: tuple[str, ...] = PRIVATE_WORDS
    public_words: tuple[str, ...] = PUBLIC_WORDS
    # Stack names by absolute template path (`stacks`, paths relative to the file).
    stack_names: Mapping[str, str] = field(default_factory=dict)
    link: bool = True
    # What the network must and must not let through ([[expect]]; vpclint.expect).
    expectations: tuple[Any, ...] = ()
    source: str | None = None  # the file it was read from

    def with_overrides(self, table: Mapping[str, Any]) -> Config:
        """This configuration with the keys of `table` (from the command line) replaced."""
        return records.replace(self, **parse_values(table, None))

    def rules(self, every_rule: Iterable[Rule]) -> tuple[Rule, ...]:
        """The selected rules, with their configured severities."""
        every_rule = tuple(every_rule)
        known = {rule.id for rule in every_rule}
        for rule_id in self.severity:
            if rule_id not in known:
                raise ConfigError(f"{self._where()}: key 'severity': there is no rule {rule_id}")
        for selector in (*self.select, *self.ignore):
            if not any(rule_id.startswith(selector) for rule_id in known):
                raise ConfigError(f"{self._where()}: no rule matches {selector!r}")
        return tuple(
            records.replace(rule, severity=self.severity.get(rule.id, rule.severity))
            for rule in every_rule
            if self.selects(rule.id, rule.default_enabled)
        )

    def excludes(self, path: str) -> bool:
        """Whether a file matches an `exclude` glob (by path, file name or folder name)."""
        # As pathlib spells it: "./stacks//vpc.yaml" is "stacks/vpc.yaml".
        parts = [part for part in path.replace(os.sep, "/").split("/") if part not in ("", ".")]
        posix = ("/" if os.path.isabs(path) else "") + "/".join(parts)
        return any(
            fnmatch(posix, pattern)
            or fnmatch(os.path.basename(path), pattern)
            or pattern.rstrip("/") in parts
            for pattern in self.exclude
        )

    def _where(self) -> str:
        return str(self.source) if self.source else "configuration"

    def selects(self, rule_id: str, default_enabled: bool = True) -> bool:
        """Whether a rule runs: the most specific matching selector decides (as in ruff).

        A rule that is off by default runs only when `select` names it or its prefix.
        """
        if self.select:
            chosen = _longest_match(rule_id, self.select)
        else:
            chosen = "" if default_enabled else None
        if chosen is None:
            return False
        ignored = _longest_match(rule_id, self.ignore)
        return ignored is None or len(ignored) < len(chosen)


def _longest_match(rule_id: str, selectors: tuple[str, ...]) -> str | None:
    matches = [selector for selector in selectors if rule_id.startswith(selector)]
    return max(matches, key=len) if matches else None


def find_config(start: str | os.PathLike[str]) -> str | None:
    """The nearest configuration file from the folder `start` upwards, if any."""
    folder = os.path.abspath(start)
    while True:
        dotfile = os.path.join(folder, ".vpclint.toml")
        if os.path.isfile(dotfile):
            return dotfile
        pyproject = os.path.join(folder, "pyproject.toml")
        if os.path.isfile(pyproject) and _has_vpclint_table(pyproject):
            return pyproject
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def load_config(path: str | os.PathLike[str]) -> Config:
    path = os.fspath(path)
    table = _read_table(path)
    return parse_table(table, path)


def parse_table(table: Mapping[str, Any], path: str | None) -> Config:
    values = parse_values(table, path)
    if "stack_names" in values:
        folder = os.path.dirname(os.path.abspath(path)) if path else os.getcwd()
        values["stack_names"] = {
            os.path.normpath(os.path.join(folder, file)): name
            for file, name in values["stack_names"].items()
        }
    if "expectations" in values:  # an expectation's findings name the file that holds it
        values["expectations"] = tuple(
            records.replace(expectation, source=path or "")
            for expectation in values["expectations"]
        )
    return Config(source=path, **values)


def parse_values(table: Mapping[str, Any], path: str | None) -> dict[str, Any]:
    """Config field values from a table of configuration keys; raises ConfigError."""
    where = f"{path}" if path else "command line"
    values: dict[str, Any] = {}
    for key, value in table.items():
        reader = _READERS.get(key)
        if reader is None:
            known = ", ".join(sorted(_READERS))
            raise ConfigError(f"{where}: unknown key {key!r} (known keys: {known})")
        name, parse = reader
        try:
            values[name] = parse(value)
        except (TypeError, ValueError) as error:
            key = getattr(error, "key", key)  # the exact key of an expectation: expect[0].to
            raise ConfigError(f"{where}: key {key!r}: {error}") from None
    return values


def _has_vpclint_table(pyproject: str) -> bool:
    try:
        text = _read(pyproject)
    except ConfigError:
        return False
    # Parsed only when the text names the table (start-up); `[tool.vpclint]` in a comment
    # parses to no table, and the search goes on upwards.
    return "[tool.vpclint]" in text and "vpclint" in _tool_table(_toml(text, pyproject), pyproject)


def _tool_table(data: dict[str, Any], path: str) -> dict[str, Any]:
    """pyproject.toml's `tool` table. One that is not a table makes the file invalid (PEP 518);
    like ruff, whose discovery fails on such a file, this is an error, not a file to pass by."""
    tool = data.get("tool", {})
    if not isinstance(tool, dict):
        raise ConfigError(f"{path}: `tool` must be a table, not {type(tool).__name__} {tool!r}")
    return tool


def _read(path: str) -> str:
    """A configuration file's text: a regular file of at most loader.MAX_BYTES, as UTF-8;
    ConfigError naming the file and why when it cannot be read."""
    from vpclint.loader import LoadError, read_text

    try:
        return read_text(path)
    except LoadError as error:
        where = f" (line {error.line}, column {error.column})" if error.line else ""
        raise ConfigError(f"{path}: cannot read: {error.reason}{where}") from None


def _read_table(path: str) -> Mapping[str, Any]:
    data = _toml(_read(path), path)
    if os.path.basename(path) == "pyproject.toml":
        table = _tool_table(data, path).get("vpclint", {})
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [tool.vpclint] must be a table")
        return table
    return data


def _toml(text: str, path: str) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None


# -- value readers ------------------------------------------------------------------------------


def _selectors(value: Any) -> tuple[str, ...]:
    items = _strings(value)
    for item in items:
        if not re.match(_SELECTOR, item):
            raise ValueError(f"{item!r} is not a rule ID or prefix such as VPC101 or VPC4")
    return items


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",") if part.strip()]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError("expected a list of strings")
    return tuple(value)


def _words(value: Any) -> tuple[str, ...]:
    words = tuple(word.lower() for word in _strings(value))
    if not words:
        raise ValueError("expected at least one word")
    return words


def _severity(value: Any) -> Severity:
    try:
        return Severity(value)
    except ValueError:
        raise ValueError(f"{value!r} is not one of error, warning, info") from None


def _severities(value: Any) -> dict[str, Severity]:
    if not isinstance(value, dict):
        raise ValueError('expected a table such as {VPC604 = "warning"}')
    result = {}
    for rule, severity in value.items():
        if not re.match(r"^VPC\d{3}$", rule):
            raise ValueError(f"{rule!r} is not a rule ID")
        result[rule] = _severity(severity)
    return result


def region(value: Any) -> str:
    """A region's name; ValueError when the value is none."""
    if not isinstance(value, str) or not is_region(value):
        raise ValueError(f"{value!r} is not a region such as eu-west-1")
    return value


def _parameters(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ValueError('expected a table such as {VpcCidr = "10.0.0.0/16"}')
    result = {}
    for key, item in value.items():
        if isinstance(item, bool):
            result[key] = "true" if item else "false"
        elif isinstance(item, (str, int, float)):
            result[key] = str(item)
        elif isinstance(item, list):
            result[key] = ",".join(str(part) for part in item)
        else:
            raise ValueError(f"parameter {key!r} must be a string, number or list")
    return result


def _stack_names(value: Any) -> dict[str, str]:
    if not isinstance(value, dict) or not all(
        isinstance(key, str) and isinstance(name, str) and name for key, name in value.items()
    ):
        raise ValueError(
            "expected a table of template paths and stack names, such as "
            '{"network.yaml" = "prod-network"}'
        )
    return dict(value)


def _expectations(value: Any) -> tuple[Any, ...]:
    from vpclint.expect import parse_list

    return parse_list(value)


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("expected true or false")
    return value


_READERS = {
    "select": ("select", _selectors),
    "ignore": ("ignore", _selectors),
    "severity": ("severity", _severities),
    "fail-on": ("fail_on", _severity),
    "region": ("region", region),
    "parameters": ("parameters", _parameters),
    "exclude": ("exclude", _strings),
    "private-words": ("private_words", _words),
    "public-words": ("public_words", _words),
    "stacks": ("stack_names", _stack_names),
    "link": ("link", _flag),
    "expect": ("expectations", _expectations),
}
