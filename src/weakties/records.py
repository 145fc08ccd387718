"""Typed results: frozen dataclasses, one JSON conversion, one way to build them.

Every service function returns stdlib dataclasses (frozen, slots) or lists of
them. :func:`to_json` turns any of them into plain JSON values — the same for
``--json`` on the command line and for the web API — and :func:`build` makes
one from the plain dicts the engines compute, checking every field by its type.

>>> from dataclasses import dataclass
>>> @dataclass(frozen=True, slots=True)
... class Pair:
...     a: str
...     klass: str | None = json_field("class", None)
>>> build(Pair, {"a": "x", "class": "strong"})
Pair(a='x', klass='strong')
>>> to_json([Pair("x", None)])
[{'a': 'x', 'class': None}]
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import types
import typing
from collections.abc import Mapping
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints

__all__ = ["build", "build_list", "json_field", "to_json"]

T = TypeVar("T")


def json_field(name: str, default: Any = dataclasses.MISSING) -> Any:
    """A dataclass field written under another JSON name (e.g. ``class``)."""
    if default is dataclasses.MISSING:
        return dataclasses.field(metadata={"json": name})
    return dataclasses.field(default=default, metadata={"json": name})


def _name(f: dataclasses.Field[Any]) -> str:
    return str(f.metadata.get("json", f.name))


def to_json(value: Any) -> Any:
    """Plain JSON values (dicts, lists, str, int, float, bool, None) for any result:
    dataclasses by field (in declaration order), dates as ISO text, sets sorted,
    numbers that are not finite as null, numpy scalars as Python numbers."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {_name(f): to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    if isinstance(value, set | frozenset):
        return [to_json(v) for v in sorted(value)]
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    item = getattr(value, "item", None)  # numpy scalars
    if callable(item):
        return to_json(item())
    return str(value)


def _hints(cls: type) -> dict[str, Any]:
    cache = _HINTS.get(cls)
    if cache is None:
        cache = _HINTS[cls] = get_type_hints(cls)
    return cache


_HINTS: dict[type, dict[str, Any]] = {}


def _convert(kind: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = get_origin(kind)
    if origin in (Union, types.UnionType):
        options = [a for a in get_args(kind) if a is not type(None)]
        for option in options:
            if dataclasses.is_dataclass(option) and isinstance(value, Mapping):
                return build(option, value)  # type: ignore[arg-type]
        return _convert(options[0], value) if len(options) == 1 else value
    if origin in (list, tuple) and isinstance(value, list | tuple):
        args = get_args(kind)
        item = args[0] if args else Any
        converted = [_convert(item, v) for v in value]
        return converted if origin is list else tuple(converted)
    if origin is dict and isinstance(value, Mapping):
        args = get_args(kind)
        item = args[1] if len(args) == 2 else Any
        return {k: _convert(item, v) for k, v in value.items()}
    if isinstance(kind, type) and dataclasses.is_dataclass(kind) and isinstance(value, Mapping):
        return build(kind, value)
    if kind is float and isinstance(value, int | float):
        return float(value)
    if kind is int and hasattr(value, "item") and not isinstance(value, bool):
        return int(value)
    return value


def build(cls: type[T], data: Mapping[str, Any]) -> T:
    """A ``cls`` from a dict keyed by the fields' JSON names, nested results
    included; keys the class does not have are ignored, missing ones take the
    field's default."""
    hints = _hints(cls)
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        key = _name(f)
        if key in data:
            values[f.name] = _convert(hints[f.name], data[key])
    return cls(**values)


def build_list(cls: type[T], rows: typing.Iterable[Mapping[str, Any]]) -> list[T]:
    """:func:`build` for each row."""
    return [build(cls, row) for row in rows]
