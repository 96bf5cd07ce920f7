"""A few read-only HTML pages where github.com has them, so links handed out by the API work.

Only what a person following a link from the portal needs: a repository's front page and a pull
request with its changed files. Public repositories only, like an anonymous visitor.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from ghemu.routing import Response

if TYPE_CHECKING:
    from ghemu.emulator import Emulator

_STYLE = """
body{font:15px/1.5 system-ui,sans-serif;max-width:980px;margin:24px auto;padding:0 16px}
a{color:#0969da} .state{display:inline-block;padding:2px 10px;border-radius:999px;color:#fff}
.open{background:#1a7f37}.closed{background:#cf222e}.merged{background:#8250df}
pre{background:#f6f8fa;padding:12px;overflow-x:auto;border-radius:6px}
.body{white-space:pre-wrap;border:1px solid #d0d7de;border-radius:6px;padding:12px}
.note{color:#59636e;font-size:13px} li{margin:2px 0}
"""


def _page(title: str, body: str) -> Response:
    html = (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>{body}"
        "<p class='note'>Served by the local GitHub emulator (ghemu).</p></body></html>"
    )
    return Response(200, html.encode(), {"content-type": "text/html; charset=utf-8"})


def _not_found() -> Response:
    return Response(404, b"404: Not Found", {"content-type": "text/plain"})


def handle_web(emu: Emulator, parts: list[str]) -> Response | None:
    """Answer /OWNER/REPO and /OWNER/REPO/pull/N (and /pulls, and /pull/N/commits/SHA, which
    shows the pull request's page as GitHub shows one commit of it); None when not ours."""
    if len(parts) == 2:
        return _repo_page(emu, parts[0], parts[1])
    is_pull = len(parts) >= 4 and parts[2] == "pull" and parts[3].isdigit()
    if is_pull and (len(parts) == 4 or (len(parts) == 6 and parts[4] == "commits")):
        return _pull_page(emu, parts[0], parts[1], int(parts[3]))
    if len(parts) == 3 and parts[2] == "pulls":
        return _repo_page(emu, parts[0], parts[1])
    return None


def _public_repo(emu: Emulator, owner: str, name: str):
    repo = emu.store.repo_by_name(owner, name)
    if repo is None or emu.permission(None, repo) is None:
        return None
    return repo


def _repo_page(emu: Emulator, owner: str, name: str) -> Response:
    repo = _public_repo(emu, owner, name)
    if repo is None:
        return _not_found()
    full = f"{repo.owner}/{repo.name}"
    pulls = sorted(emu.store.pulls_of(repo.id), key=lambda p: -p.number)
    items = "".join(
        f"<li><a href='/{escape(full)}/pull/{p.number}'>#{p.number} {escape(p.title)}</a> "
        f"<span class='note'>{_state(p)}</span></li>"
        for p in pulls
    )
    git = emu.git(repo)
    head = git.resolve_commit(repo.default_branch)
    files = ""
    if head:
        names = sorted(e.path for e in git.read_tree(head, recursive=True) if e.type == "blob")
        files = "".join(f"<li><code>{escape(n)}</code></li>" for n in names[:400])
    body = (
        f"<h1>{escape(full)}</h1><p>Default branch <code>{escape(repo.default_branch)}</code>"
        f"{f' at <code>{head[:12]}</code>' if head else ''}</p>"
        f"<h2>Pull requests</h2><ul>{items or '<li>None yet.</li>'}</ul>"
        f"<h2>Files</h2><ul>{files or '<li>Empty repository.</li>'}</ul>"
    )
    return _page(full, body)


def _state(pull) -> str:
    return "merged" if pull.merged_at else pull.state


def _pull_page(emu: Emulator, owner: str, name: str, number: int) -> Response:
    repo = _public_repo(emu, owner, name)
    pull = emu.store.pull(repo.id, number) if repo else None
    if pull is None:
        return _not_found()
    full = f"{repo.owner}/{repo.name}"
    head_repo = emu.store.repos.get(pull.head_repo_id, repo)
    git = emu.git(repo)
    base = git.resolve_commit(pull.base_ref) or pull.base_sha
    head_git = emu.git(head_repo)
    patch = ""
    try:
        if head_repo is repo:
            merge_base = git._out("merge-base", base, pull.head_sha).strip()
            patch = git.patch(merge_base or pull.base_sha, pull.head_sha)
        else:
            patch = head_git.patch(pull.base_sha, pull.head_sha)
    except Exception as error:
        patch = f"(the changes could not be shown: {error})"
    commits = ""
    try:
        source = git if head_repo is repo else head_git
        shas = source.rev_list(f"{base}..{pull.head_sha}", reverse=True)
        items = []
        for sha in shas:
            commit = source.read_commit(sha)
            subject = commit.message.splitlines()[0] if commit.message else ""
            items.append(
                f"<li id='commit-{sha[:12]}'><code>{sha[:12]}</code> {escape(subject)} "
                f"<span class='note'>by {escape(commit.author.name)}</span></li>"
            )
        commits = f"<h2>Commits ({len(shas)})</h2><ol class='commits'>{''.join(items)}</ol>"
    except Exception as error:
        commits = f"<p class='note'>(the commits could not be listed: {escape(str(error))})</p>"
    state = _state(pull)
    body = (
        f"<p><a href='/{escape(full)}'>{escape(full)}</a></p>"
        f"<h1>{escape(pull.title)} <span class='note'>#{pull.number}</span></h1>"
        f"<p><span class='state {state}'>{state.capitalize()}</span> "
        f"<code>{escape(head_repo.owner)}:{escape(pull.head_ref)}</code> into "
        f"<code>{escape(pull.base_ref)}</code> by {escape(pull.user)}</p>"
        f"<div class='body'>{escape(pull.body or '(no description)')}</div>"
        f"{commits}<h2>Changes</h2><pre>{escape(patch)}</pre>"
    )
    return _page(f"{pull.title} · {full}#{pull.number}", body)
