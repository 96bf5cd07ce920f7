"""``/_emulator/...``: control and inspection for tests, outside the emulated API and its limits.

Faults, limits and counters can be changed while the emulator runs; state can be inspected without
spending any client's rate limit.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from ghemu.config import Limits, check_time_scale
from ghemu.routing import ApiError, Request, Response, Router, not_found

if TYPE_CHECKING:
    from ghemu.server import EmulatorServer

P = "/_emulator"
REPO = P + "/repos/{owner}/{repo}"


class AdminApi:
    def __init__(self, server: EmulatorServer) -> None:
        self.server = server
        self.emu = server.emu
        router = Router()
        router.add("GET", f"{P}/health", self.health)
        router.add("GET", f"{P}/config", self.config)
        router.add("GET", f"{P}/faults", self.list_faults)
        router.add("POST", f"{P}/faults", self.add_faults)
        router.add("DELETE", f"{P}/faults", self.clear_faults)
        router.add("DELETE", f"{P}/faults/{{fault_id:int}}", self.remove_fault)
        router.add("GET", f"{P}/limits", self.get_limits)
        router.add("POST", f"{P}/limits", self.set_limits)
        router.add("GET", f"{P}/counters", self.get_counters)
        router.add("POST", f"{P}/counters/reset", self.reset_counters)
        router.add("GET", f"{P}/repos", self.list_repos)
        router.add("GET", f"{REPO}/pulls", self.list_pulls)
        router.add("GET", f"{REPO}/file", self.read_file)
        router.add("GET", f"{REPO}/log", self.log)
        router.add("GET", f"{REPO}/refs", self.refs)
        router.add("POST", f"{REPO}/next-number", self.set_next_number)
        router.add("GET", f"{P}/deliveries", self.deliveries)
        router.add("POST", f"{P}/deliveries/{{delivery_id:int}}/redeliver", self.redeliver)
        router.add("POST", f"{P}/webhooks/wait", self.wait_webhooks)
        self.router = router

    def handle(self, req: Request) -> Response:
        found = self.router.match(req.method, req.path)
        if found is None:
            return Response(404, {"message": "Not Found"})
        route, params = found
        try:
            return route.handler(req, **params)
        except ApiError as exc:
            return Response(exc.status, exc.body())
        except (TypeError, ValueError) as exc:
            return Response(400, {"message": str(exc)})

    # -- general --------------------------------------------------------------------------------

    def health(self, req: Request) -> Response:
        return Response(
            200, {"status": "ok", "base_url": f"{req.web_url}/api/v3", "root_url": req.web_url}
        )

    def config(self, req: Request) -> Response:
        cfg = self.emu.config
        return Response(
            200,
            {
                "users": [
                    {"login": u.login, "tokens": u.tokens, "type": u.type} for u in cfg.users
                ],
                "repos": [r.full_name for r in cfg.repos],
                "apps": [dataclasses.asdict(a) for a in cfg.apps],
                "webhook_url": cfg.webhook_url,
                "data_dir": str(cfg.data_dir),
                "limits": dataclasses.asdict(cfg.limits),
            },
        )

    # -- faults, limits, counters ---------------------------------------------------------------

    def list_faults(self, req: Request) -> Response:
        return Response(200, self.emu.faults.snapshot())

    def add_faults(self, req: Request) -> Response:
        """Body: one rule, a list of rules, or ``{"rules": [...], "replace": true}``."""
        data = req.json()
        replace = False
        if isinstance(data, dict) and "rules" in data:
            replace = bool(data.get("replace"))
            data = data["rules"]
        rules = data if isinstance(data, list) else [data]
        if replace:
            self.emu.faults.clear()
        added = [dataclasses.asdict(self.emu.faults.add(rule)) for rule in rules]
        return Response(201, added)

    def clear_faults(self, req: Request) -> Response:
        self.emu.faults.clear()
        return Response(204)

    def remove_fault(self, req: Request, fault_id: int) -> Response:
        if not self.emu.faults.remove(fault_id):
            raise not_found()
        return Response(204)

    def get_limits(self, req: Request) -> Response:
        return Response(200, dataclasses.asdict(self.emu.config.limits))

    def set_limits(self, req: Request) -> Response:
        """Change any ``Limits`` field; ``{"reset_usage": true}`` also forgets spent requests.

        ``time_scale`` (a number above zero) speeds the limit clock up from the next request on.
        """
        data = dict(req.json_object())
        reset = bool(data.pop("reset_usage", False))
        known = {f.name for f in dataclasses.fields(Limits)}
        unknown = set(data) - known
        if unknown:
            raise ApiError(400, f"unknown limits: {sorted(unknown)}")
        if "time_scale" in data:
            data["time_scale"] = check_time_scale(data["time_scale"])  # ValueError -> 400
        for key, value in data.items():
            setattr(self.emu.config.limits, key, value)
        if reset:
            self.emu.limiter.reset()
        return Response(200, dataclasses.asdict(self.emu.config.limits))

    def get_counters(self, req: Request) -> Response:
        return Response(200, self.emu.counters.snapshot())

    def reset_counters(self, req: Request) -> Response:
        self.emu.counters.reset()
        return Response(204)

    # -- state ----------------------------------------------------------------------------------

    def _repo(self, owner: str, repo: str) -> Any:
        record = self.emu.store.repo_by_name(owner, repo)
        if record is None:
            raise not_found()
        return record

    def list_repos(self, req: Request) -> Response:
        rows = []
        for repo in sorted(self.emu.store.repos.values(), key=lambda r: r.id):
            branches = [
                r[0].removeprefix("refs/heads/")
                for r in self.emu.git(repo).list_refs("refs/heads/")
            ]
            rows.append(
                {
                    "full_name": repo.full_name,
                    "id": repo.id,
                    "default_branch": repo.default_branch,
                    "fork": repo.fork,
                    "parent": repo.parent,
                    "git_dir": str(self.emu.git_dir(repo)),
                    "branches": branches,
                }
            )
        return Response(200, rows)

    def list_pulls(self, req: Request, owner: str, repo: str) -> Response:
        record = self._repo(owner, repo)
        rows = []
        for pull in sorted(self.emu.store.pulls_of(record.id), key=lambda p: p.number):
            head_repo = self.emu.store.repos[pull.head_repo_id]
            row = dataclasses.asdict(pull)
            row.update(
                {
                    "head_label": f"{head_repo.owner}:{pull.head_ref}",
                    "head_repo": head_repo.full_name,
                }
            )
            row["merged"] = pull.merged_at is not None
            rows.append(row)
        return Response(200, rows)

    def read_file(self, req: Request, owner: str, repo: str) -> Response:
        record = self._repo(owner, repo)
        git = self.emu.git(record)
        commit = git.resolve_commit(req.arg("ref") or record.default_branch)
        entry = git.entry_at(commit, req.arg("path") or "") if commit else None
        if entry is None or entry.type != "blob":
            raise not_found()
        data = git.read_blob(entry.sha)
        return Response(
            200,
            {
                "path": entry.path,
                "sha": entry.sha,
                "commit": commit,
                "content": data.decode(errors="replace"),
            },
        )

    def log(self, req: Request, owner: str, repo: str) -> Response:
        record = self._repo(owner, repo)
        git = self.emu.git(record)
        commit = git.resolve_commit(req.arg("ref") or record.default_branch)
        if commit is None:
            raise not_found()
        limit = int(req.arg("limit") or 0) or None
        rows = []
        for sha in git.rev_list(commit, limit=limit):
            c = git.read_commit(sha)
            rows.append(
                {
                    "sha": sha,
                    "tree": c.tree,
                    "parents": list(c.parents),
                    "message": c.message,
                    "author": {
                        "name": c.author.name,
                        "email": c.author.email,
                        "date": c.author.iso(),
                    },
                    "committer": {
                        "name": c.committer.name,
                        "email": c.committer.email,
                        "date": c.committer.iso(),
                    },
                }
            )
        return Response(200, {"count": git.count_commits(commit), "commits": rows})

    def refs(self, req: Request, owner: str, repo: str) -> Response:
        record = self._repo(owner, repo)
        return Response(200, {ref: sha for ref, sha, _ in self.emu.git(record).list_refs("refs/")})

    def set_next_number(self, req: Request, owner: str, repo: str) -> Response:
        """Make the next pull request get a given number (to mirror recorded exchanges)."""
        record = self._repo(owner, repo)
        number = int(req.json_object()["number"])
        with self.emu.store.lock:
            record.next_number = number
            self.emu.store.mark_dirty()
        return Response(200, {"next_number": number})

    # -- webhooks -------------------------------------------------------------------------------

    def deliveries(self, req: Request) -> Response:
        """Every delivery, oldest first, with its signed body; filters: event, action, hook_id."""
        rows = []
        for d in sorted(self.emu.store.deliveries.values(), key=lambda d: d.id):
            if req.arg("event") and d.event != req.arg("event"):
                continue
            if req.arg("action") and d.action != req.arg("action"):
                continue
            if req.arg("hook_id") and str(d.hook_id) != req.arg("hook_id"):
                continue
            rows.append(dataclasses.asdict(d))
        return Response(200, rows)

    def redeliver(self, req: Request, delivery_id: int) -> Response:
        if delivery_id not in self.emu.store.deliveries:
            raise not_found()
        return Response(202, {"id": self.emu.webhooks.redeliver(delivery_id)})

    def wait_webhooks(self, req: Request) -> Response:
        timeout = float(req.arg("timeout") or 10)
        idle = self.emu.webhooks.wait_idle(timeout)
        return Response(200 if idle else 504, {"idle": idle})
