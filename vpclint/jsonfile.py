"""Small JSON files vpclint reads beside templates (a baseline, a parameters file): read and
parsed with every failure as one line that names the file, never an exception."""

from __future__ import annotations

import json
import os
from typing import Any

MAX_BYTES = 5 * 1024 * 1024  # as for a template; the baseline passes its own, larger limit


class JsonFileError(Exception):
    """A JSON file that cannot be read or parsed; the message names the file."""


def read_json(path: str | os.PathLike[str], limit: int = MAX_BYTES) -> Any:
    from vpclint.loader import LoadError, long_integer, read_text

    try:
        # Bounded like a template: a FIFO or /dev/zero is refused, never waited on or read forever.
        text = read_text(os.fspath(path), limit)
    except LoadError as error:
        where = f"{error.line}:{error.column}:" if error.line else ""
        raise JsonFileError(f"{path}:{where} cannot read: {error.reason}") from None

    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise JsonFileError(
            f"{path}:{error.lineno}:{error.colno}: invalid JSON: {error.msg}"
        ) from None
    except ValueError as error:  # an integer of more digits than Python converts
        found = long_integer(text)
        if found is None:
            raise JsonFileError(f"{path}: invalid JSON: {error}") from None
        digits, most, line, column = found
        raise JsonFileError(
            f"{path}:{line}:{column}: invalid JSON: a number of {digits:,} digits "
            f"(at most {most:,})"
        ) from None
    except RecursionError:  # the C scanner counts its depth against the recursion limit
        raise JsonFileError(f"{path}: invalid JSON: nesting is too deep") from None


def describe(value: object) -> str:
    """What a JSON value is, for a message: 'a number', 'null', ..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"
