"""The shared GitHub contract data, and OpenAPI 3.0 schemas turned into JSON Schema validators.

Conversion: ``#/components/schemas/x`` references become ``#/$defs/x``; ``nullable: true`` becomes
``anyOf [schema, null]``; ``oneOf`` becomes ``anyOf`` because GitHub's own unions overlap (a private
user also satisfies public-user, so ``oneOf`` would reject real GitHub answers too).
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

CONTRACT_DIR = Path("/work/shared/github-contract")
OPENAPI_FILE = CONTRACT_DIR / "openapi-subset.json"
REPLAY_DIR = CONTRACT_DIR / "replay"
WEBHOOK_DIR = CONTRACT_DIR / "webhooks"


@cache
def openapi() -> dict[str, Any]:
    return json.loads(OPENAPI_FILE.read_text())


def _convert(node: Any) -> Any:
    if isinstance(node, list):
        return [_convert(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "$ref" and isinstance(value, str):
            out[key] = value.replace("#/components/schemas/", "#/$defs/")
        elif key == "oneOf":
            out["anyOf"] = _convert(value)
        elif key in (
            "nullable",
            "discriminator",
            "example",
            "examples",
            "x-github-breaking-changes",
        ):
            continue
        elif key == "properties" and isinstance(value, dict):
            out[key] = {name: _convert(schema) for name, schema in value.items()}
        else:
            out[key] = _convert(value)
    if node.get("nullable"):
        return {"anyOf": [out, {"type": "null"}]}
    return out


@cache
def _defs() -> dict[str, Any]:
    return {name: _convert(schema) for name, schema in openapi()["components"]["schemas"].items()}


def validator_for(schema: dict[str, Any]) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator({**_convert(schema), "$defs": _defs()})


def component_validator(name: str) -> jsonschema.Draft202012Validator:
    return validator_for({"$ref": f"#/components/schemas/{name}"})


def _resolve_response(response: dict[str, Any]) -> dict[str, Any]:
    ref = response.get("$ref")
    if ref:
        return openapi()["components"]["responses"][ref.rsplit("/", 1)[-1]]
    return response


def openapi_path(route_template: str) -> str:
    """The emulator's route template (``{ref:path}``) to the OpenAPI path (``{ref}``)."""
    return re.sub(r"\{(\w+):\w+\}", r"{\1}", route_template).rstrip("/")


# The emulator names a few path parameters differently from GitHub's description.
_PARAM_NAMES = {
    "/pulls/{number}": "/pulls/{pull_number}",
    "/issues/{number}": "/issues/{issue_number}",
    "/git/blobs/{sha}": "/git/blobs/{file_sha}",
    "/git/trees/{sha}": "/git/trees/{tree_sha}",
    "/git/commits/{sha}": "/git/commits/{commit_sha}",
}


def to_spec_path(route_template: str) -> str:
    path = openapi_path(route_template)
    for ours, theirs in _PARAM_NAMES.items():
        path = path.replace(ours, theirs)
    return path


def response_validator(
    method: str, route_template: str, status: int
) -> jsonschema.Draft202012Validator | None:
    """The validator for this operation and status, or None when the subset does not describe it."""
    return _response_validator(method.lower(), to_spec_path(route_template), str(status))


@cache
def _response_validator(
    method: str, path: str, status: str
) -> jsonschema.Draft202012Validator | None:
    operation = openapi()["paths"].get(path, {}).get(method)
    if operation is None:
        return None
    response = operation["responses"].get(status)
    if response is None:
        return None
    content = _resolve_response(response).get("content", {})
    media = content.get("application/json")
    if media is None or "schema" not in media:
        return None
    return validator_for(media["schema"])


def described(method: str, route_template: str) -> bool:
    return method.lower() in openapi()["paths"].get(to_spec_path(route_template), {})


def errors_of(validator: jsonschema.Draft202012Validator, instance: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message[:300]}"
        for e in validator.iter_errors(instance)
    ]
