"""Helpers shared by the REST handlers: context, lookups, pagination."""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable, Sequence
from typing import Any

from ghemu.emulator import Emulator
from ghemu.ops import Ctx
from ghemu.render import Renderer
from ghemu.routing import Request, Response, not_found
from ghemu.store import PullRecord, RepoRecord

DEFAULT_PER_PAGE = 30
MAX_PER_PAGE = 100


def ctx_for(req: Request, emu: Emulator) -> Ctx:
    login = req.actor.login if req.actor else None
    return Ctx(emu, Renderer(emu, req.base_url, req.web_url), login)


def load_repo(ctx: Ctx, owner: str, name: str) -> RepoRecord:
    return ctx.emu.require_repo(owner, name, ctx.login)


def load_pull(ctx: Ctx, repo: RepoRecord, number: int) -> PullRecord:
    pull = ctx.emu.store.pull(repo.id, number)
    if pull is None:
        raise not_found()
    return pull


def created(body: Any, location: str | None = None) -> Response:
    headers = {"location": location} if location else {}
    return Response(201, body, headers)


def _int_arg(req: Request, name: str, default: int) -> int:
    try:
        value = int(req.arg(name) or default)
    except ValueError:
        return default
    return value if value > 0 else default


def paginate(req: Request, items: Sequence[Any], render: Callable[[Any], Any]) -> Response:
    """One page of ``items`` with GitHub's ``Link`` header (first/prev/next/last)."""
    per_page = min(_int_arg(req, "per_page", DEFAULT_PER_PAGE), MAX_PER_PAGE)
    page = _int_arg(req, "page", 1)
    last = max((len(items) + per_page - 1) // per_page, 1)
    chunk = items[(page - 1) * per_page : page * per_page]
    body = [render(item) for item in chunk]

    def url_for(number: int) -> str:
        query = {k: v for k, v in req.query.items() if k != "page"}
        query["page"] = [str(number)]
        if "per_page" in req.query:
            query["per_page"] = [str(per_page)]
        return f"{req.base_url}{req.path}?{urllib.parse.urlencode(query, doseq=True)}"

    links = []
    if page < last:
        links.append(f'<{url_for(page + 1)}>; rel="next"')
        links.append(f'<{url_for(last)}>; rel="last"')
    if page > 1:
        links.append(f'<{url_for(1)}>; rel="first"')
        links.append(f'<{url_for(min(page - 1, last))}>; rel="prev"')
    headers = {"link": ", ".join(links)} if links else {}
    return Response(200, body, headers)
