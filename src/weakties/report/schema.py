"""The JSON Schema of ``weakties report --json``, derived from the typed report.

``python -m weakties.report.schema > docs/report-schema.json`` writes it; a test
checks that the committed file is what this prints and that real reports
validate against it. See docs/report-schema.md.

>>> schema = json_schema()
>>> schema["properties"]["schema_version"]["const"]
1
>>> "headline" in schema["required"]
True
"""

from __future__ import annotations

import dataclasses
import json
import sys
import types
from typing import Any, Union, get_args, get_origin, get_type_hints

from weakties.report.model import SCHEMA_VERSION, NetworkReport

__all__ = ["json_schema"]

_SCALARS = {int: "integer", float: "number", str: "string", bool: "boolean", type(None): "null"}


def _schema(kind: Any, defs: dict[str, Any]) -> dict[str, Any]:
    origin = get_origin(kind)
    if origin in (Union, types.UnionType):
        return {"anyOf": [_schema(k, defs) for k in get_args(kind)]}
    if origin is list:
        return {"type": "array", "items": _schema(get_args(kind)[0], defs)}
    if origin is dict:
        return {"type": "object", "additionalProperties": _schema(get_args(kind)[1], defs)}
    if kind is float:
        return {"type": ["number", "integer"]}
    if kind in _SCALARS:
        return {"type": _SCALARS[kind]}
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        name = kind.__name__
        if name not in defs:
            defs[name] = {}  # placeholder: a type that refers to itself
            defs[name] = _object(kind, defs)
        return {"$ref": f"#/$defs/{name}"}
    raise TypeError(f"no JSON Schema for {kind!r}")


def _object(cls: type, defs: dict[str, Any]) -> dict[str, Any]:
    hints = get_type_hints(cls)
    props: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        name = str(f.metadata.get("json", f.name))
        props[name] = _schema(hints[f.name], defs)
        if cls.__doc__ and f.name == "schema_version":
            props[name] = {"const": SCHEMA_VERSION}
    return {
        "type": "object",
        "description": " ".join((cls.__doc__ or "").split()),
        "properties": props,
        "required": list(props),
        "additionalProperties": False,
    }


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a network value report."""
    defs: dict[str, Any] = {}
    root = _object(NetworkReport, defs)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://weakties.invalid/report-schema-v{SCHEMA_VERSION}.json",
        "title": "weakties network value report",
        **root,
        "$defs": dict(sorted(defs.items())),
    }


if __name__ == "__main__":
    sys.stdout.write(json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n")
