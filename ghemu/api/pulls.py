"""Pull requests: list/create/get/update, merge, commits, files, review requests, reviews."""

from __future__ import annotations

from ghemu import ops
from ghemu.api.common import created, ctx_for, load_pull, load_repo, paginate
from ghemu.emulator import Emulator
from ghemu.routing import Request, Response, not_found, validation_failed
from ghemu.store import PullRecord


def list_pulls(req: Request, emu: Emulator, owner: str, repo: str) -> Response:
    """Filters ``state``, ``base`` and ``head``: OWNER:BRANCH only, a bare branch is ignored."""
    ctx = ctx_for(req, emu)
    record = load_repo(ctx, owner, repo)
    state = req.arg("state") or "open"
    if state not in ("open", "closed", "all"):
        raise validation_failed({"resource": "Issue", "code": "invalid", "field": "state"})
    pulls = [p for p in emu.store.pulls_of(record.id) if state == "all" or p.state == state]
    head = req.arg("head")
    if head and ":" in head:
        head_owner, _, head_ref = head.partition(":")

        def matches(pull: PullRecord) -> bool:
            head_repo = emu.store.repos[pull.head_repo_id]
            return head_repo.owner.lower() == head_owner.lower() and (
                not head_ref or pull.head_ref == head_ref
            )

        pulls = [p for p in pulls if matches(p)]
    base = req.arg("base")
    if base:
        pulls = [p for p in pulls if p.base_ref == base]
    sort = req.arg("sort") or "created"
    key = {"updated": lambda p: (p.updated_at, p.number)}.get(
        sort, lambda p: (p.created_at, p.number)
    )
    default_direction = "desc" if sort == "created" else "asc"
    descending = (req.arg("direction") or default_direction) == "desc"
    pulls.sort(key=key, reverse=descending)
    return paginate(req, pulls, lambda p: ctx.render.pull(p, full=False))


def create_pull(req: Request, emu: Emulator, owner: str, repo: str) -> Response:
    ctx = ctx_for(req, emu)
    record = load_repo(ctx, owner, repo)
    pull = ops.create_pull(ctx, record, req.json_object())
    body = ctx.render.pull(pull)
    return created(body, body["url"])


def get_pull(req: Request, emu: Emulator, owner: str, repo: str, number: int) -> Response:
    ctx = ctx_for(req, emu)
    record = load_repo(ctx, owner, repo)
    return Response(200, ctx.render.pull(load_pull(ctx, record, number)))


def update_pull(req: Request, emu: Emulator, owner: str, repo: str, number: int) -> Response:
    ctx = ctx_for(req, emu)
    record = load_repo(ctx, owner, repo)
    pull = ops.update_pull(ctx, record, load_pull(ctx, record, number), req.json_object())
    return Response(200, ctx.render.pull(pull))


def check_merged(req: Request, emu: Emulator, owner: str, repo: str, number: int) -> Response:
    ctx = ctx_for(req, emu)
    record = load_repo(ctx, owner, repo)
    pull = load_pull(ctx, record, number)
    if pull.merged_at is None:
        raise not_found()
    return Response(204)


def merge_pull(req: Request, emu: Emulator, owner: str, repo: str, number: int) -> Response:
    ctx = ctx_for(req, emu)
    record = load_repo(ctx, owner, repo)
    pull = load_pull(ctx, record, number)
    return Response(200, ops.merge_pull(ctx, record, pull, req.json_object()))


def list_pull_commits(req: Request, emu: Emulator, owner: str, repo: str, number: int) -> Response:
    ctx = ctx_for(req, emu)
    record = load_repo(ctx, owner, repo)
    pull = load_pull(ctx, record, number)
    git = emu.git(record)
    base = emu.current_base_sha(pull)
    merge_base = git.merge_base(base, pull.head_sha) or base
    shas = git.rev_list(f"{merge_base}..{pull.head_sha}", reverse=True)
    return paginate(req, shas, lambda sha: ctx.render.commit(record, git.read_commit(sha)))


def list_pull_files(req: Request, emu: Emulator, owner: str, repo: str, number: int) -> Response:
    ctx = ctx_for(req, emu)
    record = load_repo(ctx, owner, repo)
    pull = load_pull(ctx, record, number)
    git = emu.git(record)
    base = emu.current_base_sha(pull)
    files = git.diff(git.merge_base(base, pull.head_sha) or base, pull.head_sha)
    return paginate(req, files, lambda f: ctx.render.diff_entry(record, pull.head_sha, f))


def get_review_requests(
    req: Request, emu: Emulator, owner: str, repo: str, number: int
) -> Response:
    ctx = ctx_for(req, emu)
    record = load_repo(ctx, owner, repo)
    pull = load_pull(ctx, record, number)
    teams = [ctx.render.team(record.owner, slug) for slug in pull.requested_teams]
    return Response(
        200, {"users": [ctx.render.user(u) for u in pull.requested_reviewers], "teams": teams}
    )


def request_reviewers(req: Request, emu: Emulator, owner: str, repo: str, number: int) -> Response:
    ctx = ctx_for(req, emu)
    record = load_repo(ctx, owner, repo)
    pull = ops.request_reviewers(
        ctx, record, load_pull(ctx, record, number), req.json_object(), remove=False
    )
    return created(ctx.render.pull(pull, full=False))


def remove_review_requests(
    req: Request, emu: Emulator, owner: str, repo: str, number: int
) -> Response:
    ctx = ctx_for(req, emu)
    record = load_repo(ctx, owner, repo)
    pull = ops.request_reviewers(
        ctx, record, load_pull(ctx, record, number), req.json_object(), remove=True
    )
    return Response(200, ctx.render.pull(pull, full=False))


def list_reviews(req: Request, emu: Emulator, owner: str, repo: str, number: int) -> Response:
    ctx = ctx_for(req, emu)
    record = load_repo(ctx, owner, repo)
    pull = load_pull(ctx, record, number)
    reviews = sorted(
        (
            r
            for r in emu.store.reviews.values()
            if r.repo_id == record.id and r.number == pull.number
        ),
        key=lambda r: r.id,
    )
    # Pending reviews are visible to their author only.
    reviews = [r for r in reviews if r.state != "PENDING" or r.user == ctx.login]
    return paginate(req, reviews, ctx.render.review)


def get_review(
    req: Request, emu: Emulator, owner: str, repo: str, number: int, review_id: int
) -> Response:
    ctx = ctx_for(req, emu)
    record = load_repo(ctx, owner, repo)
    review = emu.store.reviews.get(review_id)
    if review is None or review.repo_id != record.id or review.number != number:
        raise not_found()
    return Response(200, ctx.render.review(review))


def create_review(req: Request, emu: Emulator, owner: str, repo: str, number: int) -> Response:
    ctx = ctx_for(req, emu)
    record = load_repo(ctx, owner, repo)
    review = ops.submit_review(ctx, record, load_pull(ctx, record, number), req.json_object())
    return Response(200, ctx.render.review(review))
