"""Repository webhooks and their deliveries (create/list/get/edit/delete, ping, redeliver)."""

from __future__ import annotations

from typing import Any

from ghemu.api.common import created, ctx_for, load_repo, paginate
from ghemu.emulator import Emulator
from ghemu.ops import Ctx
from ghemu.routing import Request, Response, custom_error, not_found
from ghemu.store import DeliveryRecord, HookRecord, RepoRecord, now_iso
from ghemu.webhooks import ping_fields

HOOK_DOCS = "https://docs.github.com/rest/repos/webhooks#create-a-repository-webhook"


def _admin_repo(req: Request, emu: Emulator, owner: str, repo: str) -> tuple[Ctx, RepoRecord]:
    ctx = ctx_for(req, emu)
    record = load_repo(ctx, owner, repo)
    if not emu.can(ctx.login, record, "admin"):
        raise not_found()  # GitHub hides hooks from non-admins
    return ctx, record


def _hook(emu: Emulator, record: RepoRecord, hook_id: int) -> HookRecord:
    hook = emu.store.hooks.get(hook_id)
    if hook is None or hook.repo_id != record.id:
        raise not_found()
    return hook


def _apply_config(hook: HookRecord, config: Any) -> None:
    if not isinstance(config, dict):
        return
    if "url" in config:
        hook.url = str(config["url"])
    if "content_type" in config:
        hook.content_type = "form" if config["content_type"] == "form" else "json"
    if "secret" in config:
        hook.secret = config["secret"] or None
    if "insecure_ssl" in config:
        hook.insecure_ssl = str(config["insecure_ssl"])


def list_hooks(req: Request, emu: Emulator, owner: str, repo: str) -> Response:
    ctx, record = _admin_repo(req, emu, owner, repo)
    return paginate(req, emu.store.hooks_of(record.id), ctx.render.hook)


def create_hook(req: Request, emu: Emulator, owner: str, repo: str) -> Response:
    ctx, record = _admin_repo(req, emu, owner, repo)
    data = req.json_object()
    config = data.get("config")
    if not isinstance(config, dict) or not config.get("url"):
        raise custom_error("Hook", "Config must contain URL for webhooks", HOOK_DOCS)
    if any(h.url == config["url"] for h in emu.store.hooks_of(record.id)):
        raise custom_error("Hook", "Hook already exists on this repository", HOOK_DOCS)
    with emu.store.lock:
        hook = HookRecord(id=emu.store.next_id(), repo_id=record.id, url=str(config["url"]))
        _apply_config(hook, config)
        hook.events = list(data.get("events") or ["push"])
        hook.active = bool(data.get("active", True))
        emu.store.hooks[hook.id] = hook
        emu.store.mark_dirty()
    assert ctx.login is not None
    # GitHub greets every new hook with a ping.
    emu.webhooks.emit(
        ctx.render, record, "ping", None, ping_fields(ctx.render, hook.id), ctx.login, hook.id
    )
    body = ctx.render.hook(hook)
    return created(body, body["url"])


def get_hook(req: Request, emu: Emulator, owner: str, repo: str, hook_id: int) -> Response:
    ctx, record = _admin_repo(req, emu, owner, repo)
    return Response(200, ctx.render.hook(_hook(emu, record, hook_id)))


def update_hook(req: Request, emu: Emulator, owner: str, repo: str, hook_id: int) -> Response:
    ctx, record = _admin_repo(req, emu, owner, repo)
    hook = _hook(emu, record, hook_id)
    data = req.json_object()
    with emu.store.lock:
        _apply_config(hook, data.get("config"))
        if "events" in data:
            hook.events = list(data["events"])
        hook.events += [e for e in data.get("add_events", []) if e not in hook.events]
        hook.events = [e for e in hook.events if e not in data.get("remove_events", [])]
        if "active" in data:
            hook.active = bool(data["active"])
        hook.updated_at = now_iso()
        emu.store.mark_dirty()
    return Response(200, ctx.render.hook(hook))


def delete_hook(req: Request, emu: Emulator, owner: str, repo: str, hook_id: int) -> Response:
    _ctx, record = _admin_repo(req, emu, owner, repo)
    hook = _hook(emu, record, hook_id)
    with emu.store.lock:
        del emu.store.hooks[hook.id]
        emu.store.mark_dirty()
    return Response(204)


def ping_hook(req: Request, emu: Emulator, owner: str, repo: str, hook_id: int) -> Response:
    ctx, record = _admin_repo(req, emu, owner, repo)
    hook = _hook(emu, record, hook_id)
    assert ctx.login is not None
    emu.webhooks.emit(
        ctx.render, record, "ping", None, ping_fields(ctx.render, hook.id), ctx.login, hook.id
    )
    return Response(204)


def _deliveries(emu: Emulator, hook: HookRecord) -> list[DeliveryRecord]:
    return sorted(
        (d for d in emu.store.deliveries.values() if d.hook_id == hook.id), key=lambda d: -d.id
    )


def list_deliveries(req: Request, emu: Emulator, owner: str, repo: str, hook_id: int) -> Response:
    ctx, record = _admin_repo(req, emu, owner, repo)
    hook = _hook(emu, record, hook_id)
    return paginate(req, _deliveries(emu, hook), ctx.render.delivery)


def get_delivery(
    req: Request, emu: Emulator, owner: str, repo: str, hook_id: int, delivery_id: int
) -> Response:
    ctx, record = _admin_repo(req, emu, owner, repo)
    hook = _hook(emu, record, hook_id)
    delivery = emu.store.deliveries.get(delivery_id)
    if delivery is None or delivery.hook_id != hook.id:
        raise not_found()
    return Response(200, ctx.render.delivery(delivery, full=True))


def redeliver(
    req: Request, emu: Emulator, owner: str, repo: str, hook_id: int, delivery_id: int
) -> Response:
    _ctx, record = _admin_repo(req, emu, owner, repo)
    hook = _hook(emu, record, hook_id)
    delivery = emu.store.deliveries.get(delivery_id)
    if delivery is None or delivery.hook_id != hook.id:
        raise not_found()
    emu.webhooks.redeliver(delivery.id)
    return Response(202, {})
