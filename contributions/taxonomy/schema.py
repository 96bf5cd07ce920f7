"""instructlab-schema's JSON schemas, loaded from the installed package and compiled once.

The schemas are never copied: they are read from the ``instructlab-schema`` package
data, so upgrading that package upgrades the rules. Upstream re-reads the schema and
builds a new validator for every file; here there is one validator per (version, name).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.resources import files
from pathlib import PurePosixPath
from typing import Any

from jsonschema.exceptions import ValidationError
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource
from referencing.jsonschema import DRAFT202012

from .issues import Issue, Severity, Source, issue
from .schemacheck import Check, Unsupported, compile_schema
from .yamlread import NodeIndex

__all__ = ["CI_SCHEMA_VERSION", "LoadedSchema", "load_schema", "own_version", "schema_issues"]

_PACKAGE = "instructlab.schema"


def _newest_version() -> int:
    versions = [
        int(p.name[1:])
        for p in files(_PACKAGE).iterdir()
        if p.name.startswith("v") and p.name[1:].isdigit()
    ]
    return max(versions)


# The taxonomy CI passes schema_version=None: the newest schema for every file.
CI_SCHEMA_VERSION: int = _newest_version()


@dataclass(frozen=True)
class LoadedSchema:
    """A compiled validator, or the deprecation notice of a retired schema.

    ``certainly_valid`` is a fast pre-check (see schemacheck); when it says True there is
    nothing for jsonschema to report, otherwise jsonschema runs and has the last word.
    """

    validator: Validator | None
    deprecated: str | None = None
    certainly_valid: Check | None = None


@functools.cache
def _resource(version: str, filename: str) -> Resource:
    try:
        text = files(_PACKAGE).joinpath(version, filename).read_text(encoding="utf-8")
        return Resource.from_contents(json.loads(text), default_specification=DRAFT202012)
    except (OSError, ValueError) as exc:
        raise NoSuchResource(f"{version}/{filename}") from exc


@functools.cache
def load_schema(version: Any, name: str) -> LoadedSchema | None:
    """The schema ``v{version}/{name}.json``, or None when the package has no such file."""
    folder = f"v{version}"
    try:
        contents = _resource(folder, f"{name}.json").contents
    except NoSuchResource:
        return None
    if isinstance(contents, Mapping) and contents.get("deprecated"):
        notice = contents.get("description") or f"{name} schema version {version} is deprecated"
        return LoadedSchema(validator=None, deprecated=notice)

    def retrieve(uri: str) -> Resource:
        # Schemas refer to siblings such as "./version.json".
        return _resource(folder, PurePosixPath(uri).name)

    # Registering the siblings up front spares a registry miss on every validation.
    siblings = [
        (uri, _resource(folder, PurePosixPath(ref).name))
        for ref in _refs(contents)
        for uri in (ref, PurePosixPath(ref).name)
    ]
    registry: Registry = Registry(retrieve=retrieve).with_resources(siblings)  # type: ignore[call-arg]
    validator = validator_for(contents)(contents, registry=registry)
    try:
        fast = compile_schema(contents, lambda ref: retrieve(ref).contents)
    except (Unsupported, NoSuchResource):
        fast = None
    return LoadedSchema(validator=validator, certainly_valid=fast)


def _refs(schema: Any) -> set[str]:
    """Every "$ref" value in a schema."""
    if isinstance(schema, Mapping):
        found = {schema["$ref"]} if isinstance(schema.get("$ref"), str) else set()
        for value in schema.values():
            found |= _refs(value)
        return found
    if isinstance(schema, list):
        return set().union(*(_refs(v) for v in schema)) if schema else set()
    return set()


def own_version(contents: Mapping[str, Any]) -> int | None:
    """The version ``ilab`` validates a file against, read as instructlab-schema reads it.

    Returns None where upstream itself would crash (an infinite float).
    """
    version = contents.get("version", 1)
    if isinstance(version, int):
        return version
    try:
        return int(version)
    except (ValueError, TypeError):
        return 1
    except OverflowError:
        return None


_TYPE_WORDS = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "array": "a list",
    "object": "a set of keys and values",
    "boolean": "true or false",
    "null": "empty",
}
_UNEXPECTED = re.compile(r"\((.*) (?:was|were) unexpected\)")


def _found(value: Any) -> str:
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, str):
        return "text"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a set of keys and values"
    return type(value).__name__


def _describe(error: ValidationError) -> tuple[str, str, str | None]:
    """Rule id, a message a contributor understands, and the key the error is about."""
    keyword = error.validator
    value = error.validator_value
    instance = error.instance
    if keyword == "required":
        missing = (
            next((k for k in value if k not in instance), None)
            if isinstance(instance, Mapping)
            else None
        )
        match = re.match(r"'(.*)' is a required property", error.message)
        key = match.group(1) if match else missing
        return "schema.required", f"'{key}' is required.", key
    if keyword in ("unevaluatedProperties", "additionalProperties"):
        match = _UNEXPECTED.search(error.message)
        keys = match.group(1) if match else ""
        # Point at the first offending key rather than at the whole mapping.
        named = [k for k in re.findall(r"'([^']*)'", keys) if k in instance]
        return (
            "schema.unknown-key",
            f"Unknown key(s) {keys}: remove or rename them.",
            (named[0] if named else None),
        )
    if keyword == "minItems":
        have = len(instance) if isinstance(instance, list) else 0
        return "schema.min-items", f"Needs at least {value} items (has {have}).", None
    if keyword == "uniqueItems":
        return "schema.unique-items", "Two items of this list are identical.", None
    if keyword == "minLength":
        return "schema.min-length", "Must not be empty.", None
    if keyword == "const":
        return "schema.const", f"Must be {value!r} (found {_found(instance)}).", None
    if keyword == "type":
        wanted = " or ".join(
            _TYPE_WORDS.get(t, t) for t in ([value] if isinstance(value, str) else value)
        )
        return "schema.type", f"Must be {wanted} (found {_found(instance)}).", None
    # Anything else is rare; keep the validator's own words, shortened as upstream does.
    return "schema.invalid", error.message[-200:], None


def schema_issues(
    contents: Any,
    schema: LoadedSchema,
    *,
    source: Source,
    index: NodeIndex,
) -> list[Issue]:
    """Validate loaded data against one schema, each error located in the source."""
    if schema.validator is None:
        return [issue(Severity.ERROR, source, "schema.deprecated", schema.deprecated or "", line=1)]
    if schema.certainly_valid is not None and schema.certainly_valid(contents):
        return []
    found: list[Issue] = []
    for error in schema.validator.iter_errors(contents):
        rule, message, key = _describe(error)
        path = list(error.absolute_path)
        if rule == "schema.unknown-key" and key is not None:
            location = index.locate([*path, key])
        else:
            location = index.locate(path, field=key)
        found.append(Issue(Severity.ERROR, source, rule, message, location))
    return found
