"""Record classes: what `dataclasses` gives vpclint, without its cost at start-up.

`dataclasses` writes each class's `__init__`, `__repr__` and `__eq__` as source text, compiles
it when the module is imported, and describes undocumented classes with `inspect.signature`:
about 1 ms a class. Some fifty classes lie on the path of every `vpclint check`, which
pre-commit runs on every commit, so `record` builds those methods from closures instead.

Supported: fields from annotations (a base's first), defaults, `field(default_factory=...,
repr=False, compare=False)`, `frozen`, `eq` (frozen and equal records hash by their fields) and
`repr`; a method the class defines itself is kept. Type checkers read `record` as `dataclass`
(PEP 681).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TypeVar

if sys.version_info >= (3, 11):
    from typing import dataclass_transform
else:  # pragma: no cover - type checkers only

    def dataclass_transform(**_: Any) -> Callable[[Any], Any]:
        return lambda decorator: decorator


_MISSING: Any = object()
RecordType = TypeVar("RecordType", bound=type)


class FrozenError(AttributeError):
    """Assigning to a field of a frozen record."""


class Field:
    __slots__ = ("compare", "default", "default_factory", "name", "repr")

    def __init__(
        self,
        default: Any = _MISSING,
        default_factory: Callable[[], Any] | None = None,
        repr: bool = True,
        compare: bool = True,
    ) -> None:
        self.name = ""
        self.default = default
        self.default_factory = default_factory
        self.repr = repr
        self.compare = compare

    @property
    def required(self) -> bool:
        return self.default is _MISSING and self.default_factory is None


def field(
    *,
    default: Any = _MISSING,
    default_factory: Callable[[], Any] | None = None,
    repr: bool = True,
    compare: bool = True,
) -> Any:
    """A field's default (or the function that makes a fresh one), whether repr shows it and
    whether equality and hashing count it."""
    return Field(default, default_factory, repr, compare)


def fields(record_or_class: Any) -> tuple[Field, ...]:
    return record_or_class.__record_fields__


def replace(record: Any, **changes: Any) -> Any:
    """A copy of `record` with some fields changed, as `dataclasses.replace`."""
    values = {f.name: getattr(record, f.name) for f in fields(record)}
    values.update(changes)
    return type(record)(**values)


@dataclass_transform(field_specifiers=(field, Field))
def record(
    cls: RecordType | None = None, *, frozen: bool = False, eq: bool = True, repr: bool = True
) -> Any:
    """Make `cls` a record class; used as `@record` or `@record(frozen=True, ...)`."""

    def wrap(cls: RecordType) -> RecordType:
        return _make_record(cls, frozen=frozen, eq=eq, repr=repr)

    return wrap if cls is None else wrap(cls)


def _make_record(cls: RecordType, *, frozen: bool, eq: bool, repr: bool) -> RecordType:
    own = cls.__dict__
    inherited = getattr(cls, "__record_fields__", ())
    by_name = {f.name: f for f in inherited}
    for name in own.get("__annotations__", {}):
        declared = own.get(name, _MISSING)
        this = declared if isinstance(declared, Field) else Field(default=declared)
        this.name = name
        if isinstance(declared, Field):
            if this.default is _MISSING:
                delattr(cls, name)
            else:
                setattr(cls, name, this.default)
        by_name[name] = this
    record_fields = tuple(by_name.values())
    seen_default = False
    for f in record_fields:
        if f.required and seen_default:
            raise TypeError(f"{cls.__name__}: field {f.name} without a default follows one with")
        seen_default = seen_default or not f.required
    cls.__record_fields__ = record_fields  # type: ignore[attr-defined]

    def define(name: str, method: Any) -> None:
        if name not in own:
            setattr(cls, name, method)

    define("__init__", _init_of(cls.__name__, record_fields))
    compared = tuple(f.name for f in record_fields if f.compare)
    if repr:
        define("__repr__", _repr_of(tuple(f.name for f in record_fields if f.repr)))
    if frozen:
        define("__setattr__", _refuse_assignment)
        define("__delattr__", _refuse_assignment)
    if eq:
        define("__eq__", _eq_of(compared))
        if "__hash__" not in own:
            cls.__hash__ = _hash_of(compared) if frozen else None  # type: ignore[assignment]
    return cls


def _init_of(class_name: str, record_fields: tuple[Field, ...]) -> Callable[..., None]:
    names = [f.name for f in record_fields]
    known = set(names)

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        if len(args) > len(names):
            raise TypeError(
                f"{class_name}() takes {len(names)} positional arguments but {len(args)} were given"
            )
        given = dict(zip(names, args, strict=False))  # fewer args: defaults fill in
        for name, value in kwargs.items():
            if name not in known:
                raise TypeError(f"{class_name}() got an unexpected keyword argument {name!r}")
            if name in given:
                raise TypeError(f"{class_name}() got multiple values for argument {name!r}")
            given[name] = value
        values = self.__dict__
        for f in record_fields:
            if f.name in given:
                values[f.name] = given[f.name]
            elif f.default_factory is not None:
                values[f.name] = f.default_factory()
            elif f.default is not _MISSING:
                values[f.name] = f.default
            else:
                raise TypeError(f"{class_name}() missing required argument {f.name!r}")

    return __init__


def _repr_of(names: tuple[str, ...]) -> Callable[[Any], str]:
    def __repr__(self: Any) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
        return f"{type(self).__qualname__}({shown})"

    return __repr__


def _eq_of(names: tuple[str, ...]) -> Callable[[Any, Any], Any]:
    def __eq__(self: Any, other: Any) -> Any:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return tuple(getattr(self, n) for n in names) == tuple(getattr(other, n) for n in names)

    return __eq__


def _hash_of(names: tuple[str, ...]) -> Callable[[Any], int]:
    def __hash__(self: Any) -> int:
        return hash(tuple(getattr(self, name) for name in names))

    return __hash__


def _refuse_assignment(self: Any, name: str, *_: Any) -> None:
    raise FrozenError(f"cannot assign to field {name!r} of a frozen {type(self).__name__}")
