"""Recorded GitHub exchanges (PyGithub ReplayData, octokit fixtures) and a world mirroring them.

Recordings reference accounts, repositories, branches, pull requests, labels and object ids that
only existed on github.com. ``ReplayWorld`` recreates what each recording relies on (forks,
branches with a commit of their own, files, labels, pull requests with the recorded numbers, teams,
installations) and maps every recorded object id to an object of the same kind in the emulator.
"""

from __future__ import annotations

import ast
import json
import re
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from ghemu import ops
from ghemu.config import AppSpec, EmulatorConfig, Limits, OrgSpec, RepoSpec, UserSpec
from ghemu.emulator import Emulator
from ghemu.gitstore import Identity, TreeChange, is_sha
from ghemu.render import Renderer
from ghemu.store import PullRecord, RepoRecord

from .contract import REPLAY_DIR

ACTOR = "jacquev6"
ACTOR_TOKEN = "replay-token"
REPLAY_APP_ID = 4242
WHO = Identity("Replay", "replay@example.org", 1700000000)
_REPO_RE = re.compile(r"^/repos/([^/?]+)/([^/?]+)")
_SHA_PATH_RE = re.compile(r"/git/(commits|trees|blobs)/([0-9a-f]{40})")


@dataclass
class Recorded:
    """One recorded request and the answer GitHub gave."""

    file: str
    seq: int
    method: str
    path: str  # path and query, as sent
    headers: dict[str, str]
    body: Any  # parsed JSON body, or None
    status: int
    response: Any  # parsed JSON answer, raw text, or None
    response_headers: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.file}#{self.seq}"

    @property
    def route_path(self) -> str:
        return urllib.parse.unquote(self.path.split("?", 1)[0])

    @property
    def query(self) -> dict[str, str]:
        return dict(urllib.parse.parse_qsl(self.path.partition("?")[2]))

    @property
    def repo(self) -> str | None:
        found = _REPO_RE.match(self.path)
        return f"{found[1]}/{found[2]}" if found else None


def _json_or_text(text: str) -> Any:
    if not text.strip():
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def load_pygithub(name: str) -> list[Recorded]:
    """Exchanges of one ``.txt`` file (10 lines each, blank-line separated)."""
    lines = (REPLAY_DIR / "pygithub" / name).read_text().split("\n")
    exchanges, i = [], 0
    while i + 9 < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        block = lines[i : i + 10]
        i += 10
        headers = dict(ast.literal_eval(block[5]))
        body = None if block[6] == "None" else _json_or_text(block[6])
        response_headers = {k.lower(): v for k, v in ast.literal_eval(block[8])}
        exchanges.append(
            Recorded(
                name,
                len(exchanges) + 1,
                block[1],
                block[4],
                headers,
                body,
                int(block[7]),
                _json_or_text(block[9]),
                response_headers,
            )
        )
    return exchanges


def load_octokit(name: str) -> list[Recorded]:
    data = json.loads((REPLAY_DIR / "octokit-fixtures" / name).read_text())
    exchanges = []
    for seq, ex in enumerate(data, start=1):
        body = ex.get("body") or None
        headers = {k: str(v) for k, v in ex["reqheaders"].items() if k != "host"}
        response_headers = {k.lower(): str(v) for k, v in ex.get("headers", {}).items()}
        exchanges.append(
            Recorded(
                name,
                seq,
                ex["method"].upper(),
                ex["path"],
                headers,
                body,
                ex["status"],
                ex["response"],
                response_headers,
            )
        )
    return exchanges


def case_exchanges(case: str) -> list[Recorded]:
    """A PyGithub test replays its class's setUp first; octokit scenarios stand alone."""
    if case.endswith(".json"):
        return load_octokit(case)
    cls, _, test = case.partition(".")
    setup = f"{cls}.setUp.txt"
    prefix = (
        load_pygithub(setup)
        if test != "setUp.txt" and (REPLAY_DIR / "pygithub" / setup).exists()
        else []
    )
    return prefix + load_pygithub(case)


def all_cases() -> list[str]:
    pygithub = sorted(p.name for p in (REPLAY_DIR / "pygithub").glob("*.txt"))
    octokit = sorted(p.name for p in (REPLAY_DIR / "octokit-fixtures").glob("*.json"))
    return pygithub + octokit


# -- what a recording needs ---------------------------------------------------------------------


def _walk(value: Any):
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from _walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item)


def _organizations(exchanges: list[Recorded]) -> set[str]:
    orgs = {
        ex.body["organization"]
        for ex in exchanges
        if isinstance(ex.body, dict) and ex.body.get("organization")
    }
    for ex in exchanges:
        for node in _walk(ex.response):
            if node.get("type") == "Organization" and isinstance(node.get("login"), str):
                orgs.add(node["login"])
    return orgs


def _is_fork(full_name: str, repos: set[str]) -> bool:
    owner, name = full_name.split("/")
    return name == "PyGithub" and owner != "PyGithub" and "PyGithub/PyGithub" in repos


def needed_repos(exchanges: list[Recorded]) -> set[str]:
    """Repositories a recording touches, including pull request heads in forks."""
    repos: set[str] = set()
    for ex in exchanges:
        # A repository only answered with 404 (GET /repos/jacquev6/Xxx) must stay missing.
        if ex.repo and (ex.status < 400 or ex.route_path != f"/repos/{ex.repo}"):
            repos.add(ex.repo)
        if isinstance(ex.body, dict) and ex.repo and isinstance(ex.body.get("head"), str):
            if ex.body.get("head_repo"):
                repos.add(ex.body["head_repo"])
            elif ":" in ex.body["head"]:
                repos.add(f"{ex.body['head'].split(':')[0]}/{ex.repo.split('/')[1]}")
    repos = {r for r in repos if "/" in r}
    if any(_is_fork(r, repos | {"PyGithub/PyGithub"}) for r in repos):
        repos.add("PyGithub/PyGithub")
    return repos


def world_config(exchanges: list[Recorded], data_dir: Any) -> EmulatorConfig:
    """Accounts, organisations, base repositories, installations and limits a recording needs."""
    repos = needed_repos(exchanges)
    orgs = _organizations(exchanges)
    owners = {r.split("/")[0] for r in repos} | orgs | {ACTOR}
    for ex in exchanges:
        for name in re.findall(r"^/users/([^/?]+)$", ex.route_path):
            owners.add(name)
    reviewers = {
        r for ex in exchanges if isinstance(ex.body, dict) for r in ex.body.get("reviewers", [])
    }
    teams = {
        t
        for ex in exchanges
        if isinstance(ex.body, dict)
        for t in ex.body.get("team_reviewers", [])
    }
    users = [UserSpec(ACTOR, [ACTOR_TOKEN], name="Replay Actor", email="actor@example.org")]
    users += [UserSpec(u, [f"token-{u}"]) for u in sorted((owners | reviewers) - orgs - {ACTOR})]
    org_specs = [OrgSpec(o, members=[ACTOR], teams=sorted(teams)) for o in sorted(orgs)]
    defaults = {
        ex.repo: ex.response["default_branch"]
        for ex in exchanges
        if isinstance(ex.response, dict)
        and ex.repo
        and ex.response.get("full_name") == ex.repo
        and "default_branch" in ex.response
    }
    collaborators = {ACTOR: "admin", **dict.fromkeys(reviewers, "write")}
    repo_specs = [
        RepoSpec(
            r,
            default_branch=defaults.get(r, "master"),
            description=f"replay of {r}",
            collaborators=dict(collaborators),
        )
        for r in sorted(repos)
        if not _is_fork(r, repos)
    ]
    apps = []
    installation_ids = sorted(
        {
            int(m)
            for ex in exchanges
            for m in re.findall(r"^/app/installations/(\d+)", ex.route_path)
        }
    )
    for iid in installation_ids:
        apps.append(
            AppSpec(app_id=REPLAY_APP_ID, slug="replay-app", installation_id=iid, account=ACTOR)
        )
    for ex in exchanges:
        if ex.route_path.endswith("/installation") and ex.repo:
            iid = ex.response.get("id", 1) if isinstance(ex.response, dict) else 1
            apps.append(
                AppSpec(
                    app_id=REPLAY_APP_ID,
                    slug="replay-app",
                    installation_id=iid,
                    account=ex.repo.split("/")[0],
                )
            )
    limits = Limits()
    anonymous = [
        ex
        for ex in exchanges
        if "Authorization" not in ex.headers and "authorization" not in ex.headers
    ]
    for index, ex in enumerate(anonymous):
        if ex.status == 403 and "rate limit" in str(ex.response).lower():
            limits.anonymous_per_hour = (
                index  # the recorded request is the first one over the limit
            )
    return EmulatorConfig(
        data_dir=data_dir,
        port=0,
        users=users,
        orgs=org_specs,
        repos=repo_specs,
        apps=apps,
        limits=limits,
        persist=False,
        roles={"bot": ACTOR},
    )


class ReplayWorld:
    """Builds the state a recording relies on, then rewrites its requests for this emulator."""

    def __init__(self, emu: Emulator, exchanges: list[Recorded], base_url: str) -> None:
        self.emu = emu
        self.exchanges = exchanges
        web = base_url.removesuffix("/api/v3")
        self.render = Renderer(emu, base_url, web)
        self.sha_map: dict[tuple[str, str], str] = {}
        self.etag_map: dict[str, str] = {}
        self.serial = 0

    def ctx(self, login: str = ACTOR) -> ops.Ctx:
        return ops.Ctx(self.emu, self.render, login)

    def repo(self, full_name: str) -> RepoRecord:
        found = self.emu.find_repo(full_name)
        assert found is not None, full_name
        return found

    # -- building -------------------------------------------------------------------------------

    def build(self) -> None:
        repos = needed_repos(self.exchanges)
        for spec in self.emu.config.repos:
            self.ensure_branch(
                spec.full_name, "master" if spec.default_branch != "master" else "main", fresh=False
            )
        for full_name in sorted(repos):
            if self.emu.find_repo(full_name) is None and _is_fork(full_name, repos):
                self.fork(full_name)
        for full_name, branch in self.branch_needs():
            if self.emu.find_repo(full_name) is not None:
                self.ensure_branch(full_name, branch)
        for full_name, ref, path in self.file_needs():
            self.ensure_file(full_name, ref, path)
        for full_name, name in self.label_needs():
            ops.ensure_label(self.ctx(), self.repo(full_name), name)
        self.create_pulls()
        self.create_listed_things()
        for ex in self.exchanges:
            if (
                ex.method == "POST"
                and ex.route_path.endswith("/pulls")
                and isinstance(ex.body, dict)
                and ex.repo
            ):
                owner, _, branch = str(ex.body.get("head", "")).rpartition(":")
                head_repo = (
                    ex.body.get("head_repo")
                    or f"{owner or ex.repo.split('/')[0]}/{ex.repo.split('/')[1]}"
                )
                if self.emu.find_repo(head_repo) is not None and "base" in ex.body:
                    self.ensure_ahead(head_repo, branch, ex.repo, ex.body["base"])

    def fork(self, full_name: str) -> RepoRecord:
        owner = full_name.split("/")[0]
        source = self.repo("PyGithub/PyGithub")
        account = self.emu.store.account(owner)
        if account is not None and account.type == "Organization":
            fork = ops.fork_repo(self.ctx(), source, {"organization": owner})
        else:
            fork = ops.fork_repo(self.ctx(owner), source, {})
        fork.collaborators[ACTOR] = "admin"  # the recordings' token could write to these forks
        return fork

    def ensure_ahead(self, head_repo: str, head_ref: str, base_repo: str, base_ref: str) -> None:
        """A pull request needs at least one commit on its head that its base lacks."""
        head_git = self.emu.git(self.repo(head_repo))
        head_tip = self.ensure_branch(head_repo, head_ref)
        base_tip = self.ensure_branch(base_repo, base_ref, fresh=False)
        if head_git.is_ancestor(head_tip, base_tip):
            new = self.new_commit(head_repo, head_tip, f"ahead of {base_ref}")
            head_git.update_ref(f"refs/heads/{head_ref}", new, head_tip)

    def new_commit(self, full_name: str, parent: str | None, label: str) -> str:
        """A commit with one unique file on top of ``parent``."""
        git = self.emu.git(self.repo(full_name))
        self.serial += 1
        base_tree = git.read_commit(parent).tree if parent else None
        blob = git.write_blob(f"{label} {self.serial}\n".encode())
        tree = git.build_tree(base_tree, [TreeChange(f"replay/{self.serial}.txt", sha=blob)])
        return git.write_commit(tree, [parent] if parent else [], f"replay {label}", WHO, WHO)

    def default_tip(self, full_name: str) -> str:
        repo = self.repo(full_name)
        sha = self.emu.git(repo).read_ref(f"refs/heads/{repo.default_branch}")
        assert sha is not None
        return sha

    def ensure_branch(self, full_name: str, branch: str, *, fresh: bool = True) -> str:
        """The branch's tip; a missing branch gets its own commit on top of the default branch."""
        git = self.emu.git(self.repo(full_name))
        ref = f"refs/heads/{branch}"
        current = git.read_ref(ref)
        if current is not None:
            return current
        tip = self.default_tip(full_name)
        sha = self.new_commit(full_name, tip, branch) if fresh else tip
        git.update_ref(ref, sha, None)
        return sha

    def branch_needs(self) -> list[tuple[str, str]]:
        needs: list[tuple[str, str]] = []
        posted = {
            (ex.repo, ex.body["ref"].removeprefix("refs/heads/"))
            for ex in self.exchanges
            if ex.method == "POST"
            and ex.route_path.endswith("/git/refs")
            and isinstance(ex.body, dict)
        }
        for ex in self.exchanges:
            repo, path, body = ex.repo, ex.route_path, ex.body
            if not repo:
                continue
            for pattern in (r"/git/refs?/heads/(.+)$", r"/branches/(.+)$"):
                found = re.search(pattern, path)
                if found and not (ex.method == "GET" and ex.status == 404 and ex.seq > 1):
                    needs.append((repo, found[1]))
            ref = ex.query.get("ref", "")
            if ref.startswith("refs/heads/"):
                needs.append((repo, ref.removeprefix("refs/heads/")))
            head = ex.query.get("head", "")
            if ":" in head:
                needs.append((f"{head.split(':')[0]}/{repo.split('/')[1]}", head.split(":", 1)[1]))
            if isinstance(body, dict):
                if isinstance(body.get("head"), str):
                    owner, _, branch = body["head"].rpartition(":")
                    head_repo = (
                        body.get("head_repo")
                        or f"{owner or repo.split('/')[0]}/{repo.split('/')[1]}"
                    )
                    needs.append((head_repo, branch))
                for key in ("base", "branch"):
                    if isinstance(body.get(key), str) and not (
                        path.endswith("/merge-upstream") and ex.status == 404
                    ):
                        needs.append((repo, body[key]))
            for pull in _walk(
                ex.response if ex.route_path.startswith(f"/repos/{repo}/pulls/") else None
            ):
                if isinstance(pull.get("ref"), str) and isinstance(pull.get("repo"), dict):
                    needs.append((pull["repo"]["full_name"], pull["ref"]))
        return [need for need in needs if need not in posted]

    def file_needs(self) -> list[tuple[str, str | None, str]]:
        needs = []
        for ex in self.exchanges:
            found = re.search(r"/contents/(.+)$", ex.route_path)
            if not found or not ex.repo:
                continue
            if (ex.method == "GET" and ex.status == 200) or (
                isinstance(ex.body, dict) and ex.body.get("sha")
            ):
                ref = ex.query.get("ref") or (
                    ex.body.get("branch") if isinstance(ex.body, dict) else None
                )
                needs.append((ex.repo, ref, found[1]))
        return needs

    def ensure_file(self, full_name: str, ref: str | None, path: str) -> None:
        repo = self.repo(full_name)
        git = self.emu.git(repo)
        branch = (ref or repo.default_branch).removeprefix("refs/heads/")
        tip = self.ensure_branch(full_name, branch, fresh=False)
        if git.entry_at(tip, path) is not None:
            return
        blob = git.write_blob(f"content of {path}\n".encode())
        tree = git.build_tree(git.read_commit(tip).tree, [TreeChange(path, sha=blob)])
        git.update_ref(
            f"refs/heads/{branch}", git.write_commit(tree, [tip], f"add {path}", WHO, WHO), tip
        )

    def label_needs(self) -> list[tuple[str, str]]:
        needs, posted = [], set()
        for ex in self.exchanges:
            if not ex.repo:
                continue
            if (
                ex.method == "POST"
                and ex.route_path.endswith("/labels")
                and isinstance(ex.body, dict)
            ):
                posted.add(ex.body.get("name"))
            found = re.search(r"/repos/[^/]+/[^/]+/labels/(.+)$", ex.route_path)
            if found and ex.method == "GET" and found[1] not in posted:
                needs.append((ex.repo, found[1]))
            if (
                ex.route_path.endswith("/labels")
                and ex.method == "GET"
                and isinstance(ex.response, list)
            ):
                needs += [(ex.repo, label["name"]) for label in ex.response[:1]]
        return needs

    def pull_numbers(self) -> list[tuple[str, int]]:
        found = set()
        for ex in self.exchanges:
            match = re.search(r"^/repos/([^/]+/[^/]+)/(?:pulls|issues)/(\d+)", ex.route_path)
            if (match and ex.status < 400) or (match and ex.route_path.endswith("/merge")):
                assert match is not None
                found.add((match[1], int(match[2])))
        return sorted(found, key=lambda x: (x[0], x[1]))

    def recorded_pull(self, full_name: str, number: int) -> dict[str, Any] | None:
        for ex in self.exchanges:
            if ex.route_path == f"/repos/{full_name}/pulls/{number}" and isinstance(
                ex.response, dict
            ):
                return ex.response
        return None

    def create_pulls(self) -> None:
        for full_name, number in self.pull_numbers():
            repo = self.repo(full_name)
            recorded = self.recorded_pull(full_name, number) or {}
            head_info = recorded.get("head") or {}
            head_repo_name = (head_info.get("repo") or {}).get("full_name") or full_name
            if self.emu.find_repo(head_repo_name) is None:
                head_repo_name = full_name
            base_ref = (recorded.get("base") or {}).get("ref") or repo.default_branch
            head_ref = head_info.get("ref") or f"replay-pr-{number}"
            if head_repo_name == full_name and head_ref == base_ref:
                head_ref = f"replay-pr-{number}"
            self.ensure_ahead(head_repo_name, head_ref, full_name, base_ref)
            with self.emu.store.lock:
                repo.next_number = number
            owner = head_repo_name.split("/")[0]
            pull = ops.create_pull(
                self.ctx(),
                repo,
                {
                    "title": f"Replay {number}",
                    "head": f"{owner}:{head_ref}",
                    "base": base_ref,
                    "body": "replay",
                },
            )
            self.attach_recorded_labels(full_name, pull)

    def attach_recorded_labels(self, full_name: str, pull: PullRecord) -> None:
        for ex in self.exchanges:
            if (
                ex.route_path == f"/repos/{full_name}/issues/{pull.number}/labels"
                and ex.method == "GET"
            ):
                names = [label["name"] for label in ex.response or []]
                if names:
                    ops.change_labels(self.ctx(), self.repo(full_name), pull, names, replace=True)
                return

    def create_listed_things(self) -> None:
        """Lists recorded as non-empty get at least one item, so item shapes can be compared."""
        for ex in self.exchanges:
            if (
                ex.method != "GET"
                or not isinstance(ex.response, list)
                or not ex.response
                or not ex.repo
            ):
                continue
            if ex.route_path == f"/repos/{ex.repo}/pulls":
                state = ex.query.get("state", "open")
                existing = [
                    p
                    for p in self.emu.store.pulls_of(self.repo(ex.repo).id)
                    if state in ("all", p.state)
                ]
                if not existing:
                    self.extra_pull(ex.repo, closed=state == "closed")
            elif ex.route_path == f"/repos/{ex.repo}/forks" and not any(
                r.parent == ex.repo for r in self.emu.store.repos.values()
            ):
                source = self.repo(ex.repo)
                ops.fork_repo(self.ctx(self.emu.config.users[-1].login), source, {})

    def extra_pull(self, full_name: str, *, closed: bool) -> None:
        repo = self.repo(full_name)
        branch = f"replay-extra-{self.serial}"
        self.ensure_branch(full_name, branch)
        pull = ops.create_pull(
            self.ctx(), repo, {"title": "extra", "head": branch, "base": repo.default_branch}
        )
        if closed:
            ops.update_pull(self.ctx(), repo, pull, {"state": "closed"})

    # -- rewriting requests ---------------------------------------------------------------------

    def _mapped(self, full_name: str, recorded: str, kind: str, parent: str | None = None) -> str:
        key = (full_name, recorded)
        if key not in self.sha_map:
            commit = self.new_commit(
                full_name, parent or self.default_tip(full_name), f"object {recorded[:8]}"
            )
            git = self.emu.git(self.repo(full_name))
            if kind == "commit":
                self.sha_map[key] = commit
            elif kind == "tree":
                self.sha_map[key] = git.read_commit(commit).tree
            else:
                entries = git.read_tree(git.read_commit(commit).tree, recursive=True)
                self.sha_map[key] = next(
                    e.sha for e in entries if e.path == f"replay/{self.serial}.txt"
                )
        return self.sha_map[key]

    def rewrite_path(self, ex: Recorded) -> str:
        path = ex.path
        if ex.repo:
            for kind, sha in _SHA_PATH_RE.findall(path):
                path = path.replace(sha, self._mapped(ex.repo, sha, kind.rstrip("s")))
        return path

    def rewrite_body(self, ex: Recorded) -> Any:
        body = json.loads(json.dumps(ex.body)) if ex.body is not None else None
        repo, path = ex.repo, ex.route_path
        if not isinstance(body, dict) or not repo:
            return body
        if path.endswith("/git/refs") and is_sha(body.get("sha")):
            body["sha"] = self._mapped(repo, body["sha"], "commit")
        elif "/git/ref" in path and ex.method == "PATCH" and is_sha(body.get("sha")):
            ref = "refs/" + re.sub(r"^.*/git/refs?/", "", path)
            current = self.emu.git(self.repo(repo)).read_ref(ref)
            body["sha"] = self._mapped(
                repo, body["sha"], "commit", None if body.get("force") else current
            )
        elif path.endswith("/git/commits"):
            if is_sha(body.get("tree")):
                body["tree"] = self._mapped(repo, body["tree"], "tree")
            body["parents"] = [self._mapped(repo, p, "commit") for p in body.get("parents", [])]
        elif path.endswith("/git/trees"):
            if is_sha(body.get("base_tree")):
                body["base_tree"] = self._mapped(repo, body["base_tree"], "tree")
            for entry in body.get("tree", []):
                if is_sha(entry.get("sha")):
                    entry["sha"] = self._mapped(repo, entry["sha"], entry.get("type", "blob"))
        elif "/contents/" in path and body.get("sha"):
            git = self.emu.git(self.repo(repo))
            branch = body.get("branch") or self.repo(repo).default_branch
            entry = git.entry_at(
                git.read_ref(f"refs/heads/{branch}") or "", path.split("/contents/", 1)[1]
            )
            body["sha"] = entry.sha if entry else body["sha"]
        return body

    def rewrite_headers(self, ex: Recorded, jwt_token: str) -> dict[str, str]:
        headers = {}
        for name, value in ex.headers.items():
            lower = name.lower()
            if lower == "authorization":
                if value.lower().startswith("token "):
                    value = f"token {ACTOR_TOKEN}"
                elif value.lower().startswith("bearer "):
                    value = f"Bearer {jwt_token}"
            elif lower == "if-none-match":
                value = self.etag_map.get(value, value)
            elif lower in ("content-length", "host"):
                continue
            headers[name] = value
        return headers
