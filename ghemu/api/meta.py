"""Accounts, rate limit, and GitHub App installation tokens."""

from __future__ import annotations

import math
import secrets
import time
from datetime import UTC, datetime
from typing import Any

from ghemu.api.common import ctx_for, load_repo
from ghemu.config import AppSpec
from ghemu.emulator import Emulator
from ghemu.render import node_id
from ghemu.routing import ApiError, Request, Response, not_found
from ghemu.store import InstallationToken

INSTALLATION_PERMISSIONS = {
    "contents": "write",
    "issues": "write",
    "metadata": "read",
    "pull_requests": "write",
}
TOKEN_LIFETIME = 3600


def get_authenticated_user(req: Request, emu: Emulator) -> Response:
    ctx = ctx_for(req, emu)
    account = emu.store.account(ctx.login)
    if account is None:
        raise ApiError(401, "Requires authentication")
    return Response(200, ctx.render.user_detail(account, private=True))


def get_user(req: Request, emu: Emulator, login: str) -> Response:
    ctx = ctx_for(req, emu)
    account = emu.store.account(login)
    if account is None:
        raise not_found()
    # GitHub shows the private fields when you look yourself up.
    own = ctx.login is not None and ctx.login.lower() == account.login.lower()
    return Response(200, ctx.render.user_detail(account, private=own))


def get_org(req: Request, emu: Emulator, org: str) -> Response:
    ctx = ctx_for(req, emu)
    account = emu.store.account(org)
    if account is None or account.type != "Organization":
        raise not_found()
    return Response(200, ctx.render.organization(account))


def get_rate_limit(req: Request, emu: Emulator) -> Response:
    """Reading the rate limit does not count against it (as on GitHub)."""
    core = emu.limiter.peek(emu.rate_key(req.actor, req.client_ip), emu.primary_limit(req.actor))
    core_body = {
        "limit": core.limit,
        "remaining": core.remaining,
        "reset": core.reset,
        "used": core.used,
    }
    reset = int(time.time()) + math.ceil(emu.limiter.scaled(60))

    def static(limit: int) -> dict[str, int]:
        return {"limit": limit, "remaining": limit, "reset": reset, "used": 0}

    resources = {
        "core": core_body,
        "search": static(30),
        "code_search": static(10),
        "graphql": static(5000),
        "integration_manifest": static(5000),
        "source_import": static(100),
        "actions_runner_registration": static(10000),
        "scim": static(15000),
        "dependency_snapshots": static(100),
        "code_scanning_upload": static(1000),
        "code_scanning_autofix": static(10),
        "audit_log": static(1750),
        "audit_log_streaming": static(15),
    }
    return Response(200, {"resources": resources, "rate": core_body})


# -- GitHub App ---------------------------------------------------------------------------------


def _app_for_installation(emu: Emulator, req: Request, installation_id: int) -> AppSpec:
    if req.actor is None or req.actor.app_id is None:
        raise ApiError(401, "A JSON web token could not be decoded")
    for app in emu.config.apps:
        if app.app_id == req.actor.app_id and app.installation_id == installation_id:
            return app
    raise not_found()


def _installation_body(emu: Emulator, req: Request, app: AppSpec) -> dict[str, Any]:
    ctx = ctx_for(req, emu)
    account = emu.store.account(app.account)
    created = account.created_at if account else "2024-01-01T00:00:00Z"
    iid = app.installation_id
    installation_api = f"{req.base_url}/app/installations/{iid}"
    return {
        "id": app.installation_id,
        "node_id": node_id("Installation", app.installation_id),
        "account": ctx.render.user(app.account),
        "repository_selection": "all",
        "access_tokens_url": f"{installation_api}/access_tokens",
        "repositories_url": f"{req.base_url}/installation/repositories",
        "html_url": f"{req.web_url}/organizations/{app.account}/settings/installations/{iid}",
        "app_id": app.app_id,
        "app_slug": app.slug,
        "target_id": account.id if account else 0,
        "target_type": account.type if account else "Organization",
        "permissions": dict(INSTALLATION_PERMISSIONS),
        "events": ["pull_request", "pull_request_review"],
        "created_at": created,
        "updated_at": created,
        "single_file_name": None,
        "suspended_by": None,
        "suspended_at": None,
    }


def create_installation_token(req: Request, emu: Emulator, installation_id: int) -> Response:
    app = _app_for_installation(emu, req, installation_id)
    token = "ghs_" + secrets.token_urlsafe(27)[:36]
    expires = time.time() + TOKEN_LIFETIME
    with emu.store.lock:
        emu.store.installation_tokens[token] = InstallationToken(
            token, app.installation_id, expires
        )
        emu.store.mark_dirty()
    body = {
        "token": token,
        "expires_at": datetime.fromtimestamp(expires, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "permissions": dict(INSTALLATION_PERMISSIONS),
        "repository_selection": "all",
    }
    return Response(201, body)


def get_repo_installation(req: Request, emu: Emulator, owner: str, repo: str) -> Response:
    if req.actor is None or req.actor.app_id is None:
        raise ApiError(401, "A JSON web token could not be decoded")
    ctx = ctx_for(req, emu)
    record = emu.store.repo_by_name(owner, repo) or load_repo(ctx, owner, repo)
    for app in emu.config.apps:
        if app.app_id == req.actor.app_id and app.account.lower() == record.owner.lower():
            return Response(200, _installation_body(emu, req, app))
    raise not_found()
