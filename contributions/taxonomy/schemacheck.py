"""A fast "certainly valid" pre-check compiled from a JSON schema.

jsonschema spends most of its time on bookkeeping (``unevaluatedProperties`` tracking,
``$ref`` resolution) even for a valid document. The taxonomy schemas use a small set of
keywords, so each schema is compiled once into plain Python predicates that answer only
"certainly valid" (True) or "not sure" (False). On False the caller runs jsonschema for
the real errors, so the verdict and messages always come from jsonschema. A schema using
any keyword outside the supported set is not compiled at all.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["Unsupported", "compile_schema"]

Check = Callable[[Any], bool]

# Keywords that only annotate and never affect validity.
_ANNOTATIONS = frozenset({"title", "description", "examples", "$comment", "default"})
_SUPPORTED = frozenset(
    {
        "type",
        "required",
        "properties",
        "unevaluatedProperties",
        "additionalProperties",
        "minItems",
        "uniqueItems",
        "items",
        "minLength",
        "const",
        "$ref",
    }
)


class Unsupported(Exception):
    """The schema uses something the fast check does not implement."""


def _type_check(name: str) -> Check:
    # JSON Schema's types as jsonschema reads Python values: bools are not numbers, and a
    # float with no fractional part is an integer (so "version: 3.0" passes).
    if name == "object":
        return lambda v: isinstance(v, dict)
    if name == "array":
        return lambda v: isinstance(v, list)
    if name == "string":
        return lambda v: isinstance(v, str)
    if name == "integer":
        return lambda v: (
            (isinstance(v, int) and not isinstance(v, bool))
            or (isinstance(v, float) and v.is_integer())
        )
    if name == "number":
        return lambda v: isinstance(v, int | float) and not isinstance(v, bool)
    if name == "boolean":
        return lambda v: isinstance(v, bool)
    if name == "null":
        return lambda v: v is None
    raise Unsupported(f"type {name!r}")


def _canonical(value: Any) -> Any:
    """A hashable form in which two values are equal exactly when jsonschema says so."""
    if isinstance(value, str):
        return ("s", value)
    if isinstance(value, bool):
        return ("b", value)
    if isinstance(value, int | float):
        return ("n", value)  # 1 == 1.0, as in jsonschema
    if value is None:
        return ("z",)
    if isinstance(value, list):
        return ("l", tuple(_canonical(v) for v in value))
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return ("d", frozenset((k, _canonical(v)) for k, v in value.items()))
    raise Unsupported("value")


def _all_unique(items: list[Any]) -> bool:
    try:
        return len({_canonical(item) for item in items}) == len(items)
    except (Unsupported, TypeError):
        return False  # not sure: let jsonschema decide


def _const_check(const: Any) -> Check:
    if isinstance(const, bool) or not isinstance(const, int | str):
        raise Unsupported("const")
    if isinstance(const, str):
        return lambda v: isinstance(v, str) and v == const
    return lambda v: isinstance(v, int | float) and not isinstance(v, bool) and v == const


def compile_schema(
    schema: Mapping[str, Any], load_ref: Callable[[str], Mapping[str, Any]]
) -> Check:
    """Compile ``schema`` into a predicate; raises Unsupported when it cannot."""
    keys = set(schema) - _ANNOTATIONS
    if keys - _SUPPORTED:
        raise Unsupported(", ".join(sorted(keys - _SUPPORTED)))
    checks: list[Check] = []
    properties: dict[str, Check] = {
        name: compile_schema(sub, load_ref) for name, sub in schema.get("properties", {}).items()
    }
    evaluated = set(properties)
    if "$ref" in schema:
        referenced = load_ref(schema["$ref"])
        # Only plain referenced schemas: their properties count as evaluated here.
        if {"$ref", "unevaluatedProperties", "additionalProperties"} & set(referenced):
            raise Unsupported("nested $ref")
        checks.append(compile_schema(referenced, load_ref))
        evaluated |= set(referenced.get("properties", {}))
    if "type" in schema:
        names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        type_checks = [_type_check(n) for n in names]
        checks.append(lambda v: any(t(v) for t in type_checks))
    if "const" in schema:
        checks.append(_const_check(schema["const"]))
    if "minLength" in schema:
        min_length = schema["minLength"]
        checks.append(lambda v: not isinstance(v, str) or len(v) >= min_length)
    if "minItems" in schema:
        min_items = schema["minItems"]
        checks.append(lambda v: not isinstance(v, list) or len(v) >= min_items)
    if schema.get("uniqueItems") is True:
        checks.append(lambda v: not isinstance(v, list) or _all_unique(v))
    elif schema.get("uniqueItems") not in (None, False):
        raise Unsupported("uniqueItems")
    if "items" in schema:
        if not isinstance(schema["items"], Mapping):
            raise Unsupported("items")
        item_check = compile_schema(schema["items"], load_ref)
        checks.append(lambda v: not isinstance(v, list) or all(item_check(i) for i in v))
    if "required" in schema:
        required = tuple(schema["required"])
        checks.append(lambda v: not isinstance(v, dict) or all(k in v for k in required))
    if properties:
        checks.append(
            lambda v: (
                not isinstance(v, dict)
                or all(check(v[k]) for k, check in properties.items() if k in v)
            )
        )
    for keyword in ("unevaluatedProperties", "additionalProperties"):
        if keyword not in schema:
            continue
        if schema[keyword] is not False:
            raise Unsupported(keyword)
        allowed = frozenset(evaluated if keyword == "unevaluatedProperties" else properties)
        checks.append(lambda v, allowed=allowed: not isinstance(v, dict) or allowed.issuperset(v))
    return lambda v: all(check(v) for check in checks)
