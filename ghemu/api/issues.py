"""Issues API for pull requests (every PR is an issue): labels, comments; and repository labels."""

from __future__ import annotations

import re

from ghemu import ops
from ghemu.api.common import created, ctx_for, load_pull, load_repo, paginate
from ghemu.emulator import PUSH_DENIED, Emulator
from ghemu.routing import ApiError, Request, Response, not_found, validation_failed
from ghemu.store import LabelRecord

_COLOR = re.compile(r"^[0-9a-fA-F]{6}$")
LABEL_DOCS = "https://docs.github.com/rest/issues/labels#create-a-label"


def get_issue(req: Request, emu: Emulator, owner: str, repo: str, number: int) -> Response:
    ctx = ctx_for(req, emu)
    record = load_repo(ctx, owner, repo)
    return Response(200, ctx.render.issue(load_pull(ctx, record, number)))


def list_issue_labels(req: Request, emu: Emulator, owner: str, repo: str, number: int) -> Response:
    ctx = ctx_for(req, emu)
    record = load_repo(ctx, owner, repo)
    pull = load_pull(ctx, record, number)
    return paginate(req, ctx.render.labels_of(pull), lambda x: x)


def add_issue_labels(req: Request, emu: Emulator, owner: str, repo: str, number: int) -> Response:
    ctx = ctx_for(req, emu)
    record = load_repo(ctx, owner, repo)
    pull = load_pull(ctx, record, number)
    ops.change_labels(ctx, record, pull, req.json(), replace=False)
    return Response(200, ctx.render.labels_of(pull))


def set_issue_labels(req: Request, emu: Emulator, owner: str, repo: str, number: int) -> Response:
    ctx = ctx_for(req, emu)
    record = load_repo(ctx, owner, repo)
    pull = load_pull(ctx, record, number)
    ops.change_labels(ctx, record, pull, req.json(), replace=True)
    return Response(200, ctx.render.labels_of(pull))


def remove_issue_label(
    req: Request, emu: Emulator, owner: str, repo: str, number: int, name: str
) -> Response:
    ctx = ctx_for(req, emu)
    record = load_repo(ctx, owner, repo)
    pull = load_pull(ctx, record, number)
    ops.remove_label(ctx, record, pull, name)
    return Response(200, ctx.render.labels_of(pull))


def remove_all_issue_labels(
    req: Request, emu: Emulator, owner: str, repo: str, number: int
) -> Response:
    ctx = ctx_for(req, emu)
    record = load_repo(ctx, owner, repo)
    ops.remove_label(ctx, record, load_pull(ctx, record, number), None)
    return Response(204)


def list_comments(req: Request, emu: Emulator, owner: str, repo: str, number: int) -> Response:
    ctx = ctx_for(req, emu)
    record = load_repo(ctx, owner, repo)
    pull = load_pull(ctx, record, number)
    comments = sorted(
        (
            c
            for c in emu.store.comments.values()
            if c.repo_id == record.id and c.number == pull.number
        ),
        key=lambda c: c.id,
    )
    return paginate(req, comments, ctx.render.comment)


def create_comment(req: Request, emu: Emulator, owner: str, repo: str, number: int) -> Response:
    ctx = ctx_for(req, emu)
    record = load_repo(ctx, owner, repo)
    comment = ops.create_comment(ctx, record, load_pull(ctx, record, number), req.json_object())
    body = ctx.render.comment(comment)
    return created(body, body["url"])


# -- repository labels --------------------------------------------------------------------------


def _label_or_404(emu: Emulator, repo_id: int, name: str) -> LabelRecord:
    label = emu.store.label(repo_id, name)
    if label is None:
        raise not_found()
    return label


def _check_color(color: object) -> str:
    if not isinstance(color, str) or not _COLOR.match(color.lstrip("#")):
        raise validation_failed(
            {"resource": "Label", "code": "invalid", "field": "color"}, documentation_url=LABEL_DOCS
        )
    return color.lstrip("#").lower()


def list_labels(req: Request, emu: Emulator, owner: str, repo: str) -> Response:
    ctx = ctx_for(req, emu)
    record = load_repo(ctx, owner, repo)
    labels = sorted(
        (x for x in emu.store.labels.values() if x.repo_id == record.id),
        key=lambda x: x.name.lower(),
    )
    return paginate(req, labels, ctx.render.label)


def get_label(req: Request, emu: Emulator, owner: str, repo: str, name: str) -> Response:
    ctx = ctx_for(req, emu)
    record = load_repo(ctx, owner, repo)
    return Response(200, ctx.render.label(_label_or_404(emu, record.id, name)))


def create_label(req: Request, emu: Emulator, owner: str, repo: str) -> Response:
    ctx = ctx_for(req, emu)
    record = load_repo(ctx, owner, repo)
    login = ctx.require_login()
    if not emu.can(login, record, "triage"):
        raise ApiError(403, PUSH_DENIED)
    data = req.json_object()
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise validation_failed({"resource": "Label", "code": "missing_field", "field": "name"})
    color = _check_color(data.get("color", "ededed"))
    with emu.store.lock:
        if emu.store.label(record.id, name) is not None:
            raise validation_failed(
                {"resource": "Label", "code": "already_exists", "field": "name"}
            )
        label = LabelRecord(
            id=emu.store.next_id(),
            repo_id=record.id,
            name=name,
            color=color,
            description=data.get("description"),
        )
        emu.store.labels[label.id] = label
        emu.store.mark_dirty()
    body = ctx.render.label(label)
    return created(body, body["url"])


def update_label(req: Request, emu: Emulator, owner: str, repo: str, name: str) -> Response:
    ctx = ctx_for(req, emu)
    record = load_repo(ctx, owner, repo)
    login = ctx.require_login()
    if not emu.can(login, record, "triage"):
        raise ApiError(403, PUSH_DENIED)
    label = _label_or_404(emu, record.id, name)
    data = req.json_object()
    color = _check_color(data["color"]) if "color" in data else label.color
    with emu.store.lock:
        new_name = data.get("new_name") or data.get("name") or label.name
        for pull in emu.store.pulls_of(record.id):
            pull.labels = [new_name if n.lower() == label.name.lower() else n for n in pull.labels]
        label.name, label.color = new_name, color
        if "description" in data:
            label.description = data["description"]
        emu.store.mark_dirty()
    return Response(200, ctx.render.label(label))


def delete_label(req: Request, emu: Emulator, owner: str, repo: str, name: str) -> Response:
    ctx = ctx_for(req, emu)
    record = load_repo(ctx, owner, repo)
    login = ctx.require_login()
    if not emu.can(login, record, "triage"):
        raise ApiError(403, PUSH_DENIED)
    label = _label_or_404(emu, record.id, name)
    with emu.store.lock:
        for pull in emu.store.pulls_of(record.id):
            pull.labels = [n for n in pull.labels if n.lower() != label.name.lower()]
        del emu.store.labels[label.id]
        emu.store.mark_dirty()
    return Response(204)
