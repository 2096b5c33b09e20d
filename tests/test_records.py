"""Record classes (vpclint.records): the dataclass behaviour vpclint relies on."""

from __future__ import annotations

import pickle

import pytest

from vpclint.records import FrozenError, field, fields, record, replace


@record
class Point:
    x: int
    y: int = 0
    tags: list[str] = field(default_factory=list)


@record(frozen=True)
class Key:
    name: str
    count: int = 1
    note: str = field(default="", compare=False)


@record(eq=False)
class Base:
    logical_id: str
    hidden: str = field(default="secret", repr=False)

    def __repr__(self) -> str:
        return f"Base<{self.logical_id}>"


@record(eq=False, repr=False)
class Child(Base):
    extra: list[int] = field(default_factory=list)


def test_positional_keyword_and_default_arguments() -> None:
    assert vars(Point(1)) == {"x": 1, "y": 0, "tags": []}
    assert vars(Point(1, 2, ["a"])) == {"x": 1, "y": 2, "tags": ["a"]}
    assert vars(Point(y=5, x=3)) == {"x": 3, "y": 5, "tags": []}


def test_each_record_gets_a_fresh_default_from_its_factory() -> None:
    first, second = Point(1), Point(2)
    first.tags.append("a")
    assert second.tags == []


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Point(), "Point() missing required argument 'x'"),
        (lambda: Point(1, 2, [], 4), "Point() takes 3 positional arguments but 4 were given"),
        (lambda: Point(1, z=2), "Point() got an unexpected keyword argument 'z'"),
        (lambda: Point(1, x=2), "Point() got multiple values for argument 'x'"),
    ],
)
def test_wrong_arguments_are_type_errors(make: object, message: str) -> None:
    with pytest.raises(TypeError) as raised:
        make()  # type: ignore[operator]
    assert str(raised.value) == message


def test_equality_compares_fields_of_the_same_class() -> None:
    assert Point(1, 2) == Point(1, 2)
    assert Point(1, 2) != Point(1, 3)
    assert Point(1) != (1, 0, [])
    with pytest.raises(TypeError):
        hash(Point(1))  # equal and mutable: unhashable, as with dataclasses


def test_frozen_records_refuse_assignment_and_hash_by_compared_fields() -> None:
    key = Key("a")
    with pytest.raises(FrozenError):
        key.name = "b"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del key.count  # type: ignore[misc]
    assert Key("a", 1, note="x") == Key("a", 1, note="y")
    assert hash(Key("a", 1, note="x")) == hash(Key("a", 1, note="y"))
    assert len({Key("a"), Key("a"), Key("b")}) == 2


def test_eq_false_keeps_identity() -> None:
    assert Base("a") != Base("a")
    one = Base("a")
    assert one == one
    assert len({one, one, Base("a")}) == 2  # hashable by identity


def test_repr_shows_fields_unless_hidden_or_defined_by_the_class() -> None:
    assert repr(Point(1, 2)) == "Point(x=1, y=2, tags=[])"
    assert repr(Key("a")) == "Key(name='a', count=1, note='')"
    assert repr(Base("a")) == "Base<a>"
    assert repr(Child("b", extra=[1])) == "Base<b>"  # repr=False keeps the base's


def test_fields_are_inherited_base_first() -> None:
    child = Child("b", "shown", [1])
    assert (child.logical_id, child.hidden, child.extra) == ("b", "shown", [1])
    assert [f.name for f in fields(Child)] == ["logical_id", "hidden", "extra"]
    assert Child.hidden == "secret"  # a plain default stays on the class, as with dataclasses
    assert "extra" not in Child.__dict__  # a factory's field does not


def test_replace_copies_with_changes() -> None:
    key = Key("a", 2, note="n")
    changed = replace(key, count=3)
    assert (changed.name, changed.count, changed.note) == ("a", 3, "n")
    assert key.count == 2


def test_records_survive_pickling() -> None:
    # Results travel from --jobs worker processes back to the parent.
    for value in (Point(1, 2, ["a"]), Key("a", note="n"), Child("b", extra=[2])):
        copy = pickle.loads(pickle.dumps(value))
        assert type(copy) is type(value) and vars(copy) == vars(value)


def test_a_required_field_after_a_default_is_refused() -> None:
    with pytest.raises(TypeError, match="field y without a default follows one with"):

        @record
        class Bad:
            x: int = 0
            y: int
