"""JSON schemas of the kinds' options, generated from their dataclasses (vtm.kinds): the
OpenAPI document describes exactly what the kinds check."""

from __future__ import annotations

from typing import Any

from vtm.kinds import OUTPUT_KINDS, Kind
from vtm.kinds.options import Options

_TYPES = {int: "integer", float: "number", bool: "boolean", str: "string"}


def field_schema(options: type[Options], name: str) -> dict[str, Any]:
    spec, kind = options.spec(name), options.types()[name]
    schema: dict[str, Any]
    if spec.json_types and len(spec.json_types) > 1:
        schema = {"oneOf": [{"type": _TYPES[t]} for t in spec.json_types if t is not int or float not in spec.json_types]}
    else:
        schema = {"type": _TYPES.get(kind, "string")}
    if spec.choices:
        schema["enum"] = list(spec.choices)
    if spec.low is not None and schema.get("type") in ("integer", "number"):
        schema["minimum"] = spec.low
    if spec.high is not None and schema.get("type") in ("integer", "number"):
        schema["maximum"] = spec.high
    if spec.pattern:
        schema["pattern"] = spec.pattern
    default = options.defaults()[name]
    if default is not None:
        schema["default"] = default
    return {"title": spec.label, "description": spec.help, **schema}


def options_schema(kind: Kind) -> dict[str, Any]:
    """The options of `kind` as a JSON object schema (every option may be left out)."""
    properties = {name: field_schema(kind.options, name) for name in kind.options.names()}
    for alias in kind.options.aliases:
        properties[alias] = {"type": "string", "description": f"{alias}, e.g. 4x4 (columns x rows)"}
    return {"type": "object", "title": f"{kind.title} options", "properties": properties, "additionalProperties": False}


def component_name(kind: Kind) -> str:
    return f"{kind.name.value.title()}Options"


def components() -> dict[str, Any]:
    return {component_name(kind): options_schema(kind) for kind in OUTPUT_KINDS}


def request_body() -> dict[str, Any]:
    """`{"kind": ..., <its options>}`; the options may also come nested under "options"."""
    variants = []
    for kind in OUTPUT_KINDS:
        schema = options_schema(kind)
        variants.append({"type": "object", "required": ["kind"], "properties": {
            "kind": {"type": "string", "enum": [kind.name.value]}, **schema["properties"],
            "options": {"$ref": f"#/components/schemas/{component_name(kind)}"}}, "additionalProperties": False})
    return {"oneOf": variants, "description": "the kind plus its options, e.g. {\"kind\": \"sheet\", \"columns\": 4, "
            "\"rows\": 4}; the options may also be nested: {\"kind\": \"sheet\", \"options\": {\"columns\": 4}}"}


def query_parameters(kind: Kind, names: tuple[str, ...]) -> list[dict[str, Any]]:
    """Some of `kind`'s options as query parameters (a query string carries text)."""
    out = []
    for name in names:
        schema = field_schema(kind.options, name)
        if "oneOf" in schema:
            schema = {k: v for k, v in schema.items() if k != "oneOf"} | {"type": "string"}
        description = schema.pop("description", "")
        schema.pop("title", None)
        out.append({"name": name, "in": "query", "required": False, "schema": schema, "description": description})
    return out
