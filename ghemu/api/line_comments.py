"""Inline review comments of pull requests, and reviews edited or dismissed after submission."""

from __future__ import annotations

from ghemu.api.common import created, ctx_for, load_pull, load_repo, paginate
from ghemu.emulator import Emulator
from ghemu.ops import Ctx, line_comments
from ghemu.render_feedback import line_comment
from ghemu.routing import Request, Response, not_found
from ghemu.store import PullRecord, RepoRecord, ReviewRecord


def list_line_comments(req: Request, emu: Emulator, owner: str, repo: str, number: int) -> Response:
    ctx = ctx_for(req, emu)
    record = load_repo(ctx, owner, repo)
    pull = load_pull(ctx, record, number)
    comments = sorted(
        (
            c
            for c in emu.store.review_comments.values()
            if c.repo_id == record.id and c.number == pull.number
        ),
        key=lambda c: c.id,
    )
    return paginate(req, comments, lambda c: line_comment(ctx.render, c))


def create_line_comment(
    req: Request, emu: Emulator, owner: str, repo: str, number: int
) -> Response:
    ctx = ctx_for(req, emu)
    record = load_repo(ctx, owner, repo)
    pull = load_pull(ctx, record, number)
    [comment] = line_comments.add_line_comments(ctx, record, pull, [req.json_object()], None)
    body = line_comment(ctx.render, comment)
    return created(body, body["url"])


def get_line_comment(
    req: Request, emu: Emulator, owner: str, repo: str, comment_id: int
) -> Response:
    ctx = ctx_for(req, emu)
    record = load_repo(ctx, owner, repo)
    comment = line_comments.line_comment_of(ctx, record, comment_id)
    return Response(200, line_comment(ctx.render, comment))


def edit_line_comment(
    req: Request, emu: Emulator, owner: str, repo: str, comment_id: int
) -> Response:
    ctx = ctx_for(req, emu)
    record = load_repo(ctx, owner, repo)
    comment = line_comments.line_comment_of(ctx, record, comment_id)
    comment = line_comments.edit_line_comment(ctx, record, comment, req.json_object())
    return Response(200, line_comment(ctx.render, comment))


def delete_line_comment(
    req: Request, emu: Emulator, owner: str, repo: str, comment_id: int
) -> Response:
    ctx = ctx_for(req, emu)
    record = load_repo(ctx, owner, repo)
    comment = line_comments.line_comment_of(ctx, record, comment_id)
    line_comments.delete_line_comment(ctx, record, comment)
    return Response(204, None)


def _review(
    req: Request, emu: Emulator, owner: str, repo: str, number: int, review_id: int
) -> tuple[Ctx, RepoRecord, PullRecord, ReviewRecord]:
    ctx = ctx_for(req, emu)
    record = load_repo(ctx, owner, repo)
    pull = load_pull(ctx, record, number)
    review = emu.store.reviews.get(review_id)
    if review is None or review.repo_id != record.id or review.number != number:
        raise not_found()
    return ctx, record, pull, review


def update_review(
    req: Request, emu: Emulator, owner: str, repo: str, number: int, review_id: int
) -> Response:
    ctx, record, pull, review = _review(req, emu, owner, repo, number, review_id)
    data = {"body": req.json_object().get("body")}
    review = line_comments.change_review(ctx, record, pull, review, data)
    return Response(200, ctx.render.review(review))


def dismiss_review(
    req: Request, emu: Emulator, owner: str, repo: str, number: int, review_id: int
) -> Response:
    ctx, record, pull, review = _review(req, emu, owner, repo, number, review_id)
    data = {"message": str(req.json_object().get("message") or "")}
    review = line_comments.change_review(ctx, record, pull, review, data)
    return Response(200, ctx.render.review(review))
