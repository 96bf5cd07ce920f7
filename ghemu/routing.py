"""Request/response types, GitHub-style errors and the route table."""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

DOCS = "https://docs.github.com/rest"


class ApiError(Exception):
    """An error answer in GitHub's shape: message, documentation_url, status, errors."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        errors: list[Any] | None = None,
        documentation_url: str = DOCS,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors
        self.documentation_url = documentation_url
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"message": self.message}
        if self.errors is not None:
            body["errors"] = self.errors
        body["documentation_url"] = self.documentation_url
        body["status"] = str(self.status)
        return body


def not_found() -> ApiError:
    return ApiError(404, "Not Found")


def validation_failed(*errors: dict[str, Any], documentation_url: str = DOCS) -> ApiError:
    """422 "Validation Failed" with GitHub's ``errors`` array."""
    return ApiError(
        422, "Validation Failed", errors=list(errors), documentation_url=documentation_url
    )


def custom_error(resource: str, message: str, documentation_url: str = DOCS) -> ApiError:
    return validation_failed(
        {"resource": resource, "code": "custom", "message": message},
        documentation_url=documentation_url,
    )


@dataclass
class Actor:
    """Who is calling: a user (token), an app installation (its token) or an app itself (JWT)."""

    login: str | None  # None for an app JWT: it may only use the /app endpoints
    rate_key: str  # what the primary and secondary limits are counted against
    installation_id: int | None = None
    app_id: int | None = None


@dataclass
class Request:
    method: str
    path: str  # below the API prefix, still percent-encoded
    query: dict[str, list[str]]
    headers: dict[str, str]  # lowercase names
    body: bytes
    base_url: str  # http://host:port/api/v3
    web_url: str  # http://host:port
    client_ip: str
    actor: Actor | None = None
    params: dict[str, str] = field(default_factory=dict)  # decoded path parameters
    route: str = ""  # matched route template, for counters

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else default

    def json(self) -> Any:
        """The JSON body (None when empty); 400 "Problems parsing JSON" like GitHub."""
        if not self.body.strip():
            return None
        try:
            return json.loads(self.body)
        except ValueError as exc:
            raise ApiError(400, "Problems parsing JSON") from exc

    def json_object(self) -> dict[str, Any]:
        data = self.json()
        if data is None:
            return {}
        if not isinstance(data, dict):
            raise ApiError(400, "Problems parsing JSON")
        return data


@dataclass
class Response:
    status: int
    body: Any = None  # JSON value, or bytes sent as-is, or None for no body
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[..., Response]

_PARAM_RE = re.compile(r"\{(\w+)(?::(\w+))?\}")
_KINDS = {None: r"[^/]+", "path": r".+", "any": r".*", "int": r"\d+"}


@dataclass
class Route:
    method: str
    template: str
    pattern: re.Pattern[str]
    handler: Handler
    int_params: tuple[str, ...]


class Router:
    """Templates like ``/repos/{owner}/{repo}/git/ref/{ref:path}`` matched on the raw path."""

    def __init__(self) -> None:
        self.routes: list[Route] = []

    def add(self, method: str, template: str, handler: Handler) -> None:
        ints = tuple(m.group(1) for m in _PARAM_RE.finditer(template) if m.group(2) == "int")
        regex = _PARAM_RE.sub(lambda m: f"(?P<{m.group(1)}>{_KINDS[m.group(2)]})", template)
        # GitHub tolerates a trailing slash (octokit asks for ``git/refs/``).
        self.routes.append(Route(method, template, re.compile(f"^{regex}/?$"), handler, ints))

    def match(self, method: str, path: str) -> tuple[Route, dict[str, Any]] | None:
        for route in self.routes:
            if route.method != method:
                continue
            found = route.pattern.match(path)
            if found:
                params: dict[str, Any] = {
                    k: urllib.parse.unquote(v) for k, v in found.groupdict().items()
                }
                for name in route.int_params:
                    params[name] = int(params[name])
                return route, params
        return None

    def template_for(self, method: str, path: str) -> str:
        found = self.match(method, path)
        return found[0].template if found else "(unknown)"
