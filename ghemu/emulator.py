"""The emulator's state: configuration, metadata store, git repositories, limits, faults and hooks.

``Emulator`` knows who may do what (permissions, author association) and how to reach each
repository's git directory; request handling lives in ``ghemu.api`` and ``ghemu.server``.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Any

from ghemu.config import PERMISSIONS, EmulatorConfig
from ghemu.faults import FaultSet
from ghemu.gitstore import GitRepository
from ghemu.limits import Counters, RateLimiter
from ghemu.routing import Actor, ApiError, not_found
from ghemu.store import Account, HookRecord, PullRecord, RepoRecord, Store

logger = logging.getLogger(__name__)

_LEVEL = {name: i for i, name in enumerate(PERMISSIONS)}
PUSH_DENIED = "Must have push access to repository"


class Emulator:
    """One emulated GitHub instance (not yet serving; see ``ghemu.server.EmulatorServer``)."""

    def __init__(self, config: EmulatorConfig) -> None:
        from ghemu.webhooks import WebhookDispatcher  # cycle: webhooks renders through Emulator

        self.config = config
        self.data_dir = Path(config.data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.store = Store(self.data_dir / "state.json" if config.persist else None)
        self.limiter = RateLimiter(config.limits)
        self.counters = Counters()
        self.faults = FaultSet()
        self.webhooks = WebhookDispatcher(self)
        self._git: dict[int, GitRepository] = {}
        self._git_lock = threading.Lock()
        self.tokens: dict[str, str] = {}  # token -> login
        for spec in config.faults:
            self.faults.add(spec)

    # -- setup ----------------------------------------------------------------------------------

    def setup(self) -> None:
        """Load saved state, then create configured accounts, repositories (seeded) and hooks."""
        from ghemu.seed import seed_repository

        self.store.load()
        with self.store.lock:
            for user in self.config.users:
                self._ensure_account(user.login, user.type, user.name, user.email, user.site_admin)
                for token in user.tokens:
                    self.tokens[token] = user.login
            for org in self.config.orgs:
                account = self._ensure_account(org.login, "Organization", org.name, None, False)
                account.members = list(org.members)
                account.teams = list(org.teams)
            for app in self.config.apps:
                self._ensure_account(f"{app.slug}[bot]", "Bot", None, None, False)
                if self.store.account(app.account) is None:
                    self._ensure_account(app.account, "Organization", None, None, False)
        # Seed docs before the taxonomy: a knowledge qna.yaml names the docs commit.
        ordered = sorted(self.config.repos, key=lambda r: 0 if r.seed == "docs" else 1)
        for spec in ordered:
            owner, name = spec.full_name.split("/", 1)
            if self.store.account(owner) is None:
                self._ensure_account(owner, "User", None, None, False)
            repo = self.store.repo_by_name(owner, name)
            if repo is None:
                repo = self.create_repo(
                    owner,
                    name,
                    default_branch=spec.default_branch,
                    description=spec.description,
                    private=spec.private,
                    collaborators=spec.collaborators,
                )
                if self.config.seed:
                    seed_repository(self, repo, spec.seed)
            else:
                repo.collaborators.update(spec.collaborators)
            if self.config.webhook_url:
                self._ensure_default_hook(repo)
        self.store.mark_dirty()
        self.store.start_flusher()
        self.webhooks.start()

    def _ensure_account(
        self, login: str, kind: str, name: str | None, email: str | None, site_admin: bool
    ) -> Account:
        account = self.store.account(login)
        if account is None:
            account = Account(login=login, id=self.store.next_id(), type=kind)
            self.store.accounts[login.lower()] = account
        account.type = kind
        account.name = name if name is not None else account.name
        account.email = email if email is not None else account.email
        account.site_admin = site_admin
        return account

    def _ensure_default_hook(self, repo: RepoRecord) -> None:
        url = self.config.webhook_url
        with self.store.lock:
            for hook in self.store.hooks_of(repo.id):
                if hook.url == url:
                    hook.secret = self.config.webhook_secret
                    return
            hook = HookRecord(
                id=self.store.next_id(),
                repo_id=repo.id,
                url=url or "",
                secret=self.config.webhook_secret,
                events=list(self.config.webhook_events),
            )
            self.store.hooks[hook.id] = hook

    def close(self) -> None:
        self.webhooks.stop()
        self.store.close()

    # -- repositories ---------------------------------------------------------------------------

    def git_dir(self, repo: RepoRecord) -> Path:
        return self.data_dir / "git" / repo.owner / f"{repo.name}.git"

    def git(self, repo: RepoRecord) -> GitRepository:
        """The (cached) git repository of a record; one lock object per repository."""
        with self._git_lock:
            found = self._git.get(repo.id)
            if found is None:
                found = GitRepository(self.git_dir(repo))
                self._git[repo.id] = found
            return found

    def create_repo(
        self,
        owner: str,
        name: str,
        *,
        default_branch: str = "main",
        description: str = "",
        private: bool = False,
        collaborators: dict[str, str] | None = None,
    ) -> RepoRecord:
        """Create an empty bare repository and its record."""
        with self.store.lock:
            if self.store.repo_by_name(owner, name) is not None:
                raise ValueError(f"{owner}/{name} exists")
            repo = RepoRecord(
                id=self.store.next_id(),
                owner=owner,
                name=name,
                default_branch=default_branch,
                description=description,
                private=private,
                collaborators=dict(collaborators or {}),
            )
            GitRepository.init_bare(self.git_dir(repo), default_branch)
            self.store.repos[repo.id] = repo
            self.store.mark_dirty()
            return repo

    def find_repo(self, full_name: str | None) -> RepoRecord | None:
        if not full_name or "/" not in full_name:
            return None
        owner, name = full_name.split("/", 1)
        return self.store.repo_by_name(owner, name)

    def require_repo(self, owner: str, name: str, login: str | None) -> RepoRecord:
        """The repository if the caller can see it; 404 otherwise (GitHub hides private repos)."""
        repo = self.store.repo_by_name(owner, name)
        if repo is None or self.permission(login, repo) is None:
            raise not_found()
        return repo

    def require_ready(self, repo: RepoRecord, *, branch: bool = False) -> None:
        """A fork that is still being created has no git data yet, and no branches."""
        if repo.ready_at and time.time() < repo.ready_at:
            if branch:
                raise ApiError(404, "Branch not found")
            raise ApiError(409, "Git Repository is empty.")

    # -- limits ---------------------------------------------------------------------------------

    def rate_key(self, actor: Actor | None, client_ip: str) -> str:
        """What limits are counted against: the user or installation, else the client address."""
        return actor.rate_key if actor else f"ip:{client_ip}"

    def primary_limit(self, actor: Actor | None) -> int:
        limits = self.config.limits
        return limits.anonymous_per_hour if actor is None else limits.primary_per_hour

    # -- people and permissions -----------------------------------------------------------------

    def permission(self, login: str | None, repo: RepoRecord) -> str | None:
        """The caller's highest permission on ``repo`` (None: cannot even see it)."""
        best: str | None = None if repo.private else "read"

        def grant(level: str) -> None:
            nonlocal best
            if best is None or _LEVEL[level] > _LEVEL[best]:
                best = level

        if login is None:
            return best
        lowered = login.lower()
        if repo.owner.lower() == lowered:
            grant("admin")
        owner = self.store.account(repo.owner)
        is_org = owner is not None and owner.type == "Organization"
        if is_org and lowered in (m.lower() for m in owner.members):
            grant("read")
        for who, level in repo.collaborators.items():
            if who.lower() == lowered:
                grant(level)
        for app in self.config.apps:
            if lowered == f"{app.slug}[bot]".lower() and app.account.lower() == repo.owner.lower():
                grant(app.permission)
        return best

    def can(self, login: str | None, repo: RepoRecord, level: str) -> bool:
        found = self.permission(login, repo)
        return found is not None and _LEVEL[found] >= _LEVEL[level]

    def require_push(self, login: str | None, repo: RepoRecord, *, hide: bool) -> None:
        """Write access or an error: 404 where GitHub hides the endpoint, else 403."""
        if login is None:
            raise ApiError(401, "Requires authentication")
        if not self.can(login, repo, "write"):
            if hide:
                raise not_found()
            raise ApiError(403, PUSH_DENIED)

    def permission_flags(self, login: str, repo: RepoRecord) -> dict[str, bool]:
        level = self.permission(login, repo)
        rank = _LEVEL[level] if level else -1
        return {
            "admin": rank >= _LEVEL["admin"],
            "maintain": rank >= _LEVEL["maintain"],
            "push": rank >= _LEVEL["write"],
            "triage": rank >= _LEVEL["triage"],
            "pull": rank >= _LEVEL["read"],
        }

    def author_association(self, login: str, repo: RepoRecord) -> str:
        lowered = login.lower()
        if repo.owner.lower() == lowered:
            return "OWNER"
        owner = self.store.account(repo.owner)
        if owner is not None and lowered in (m.lower() for m in owner.members):
            return "MEMBER"
        if any(who.lower() == lowered for who in repo.collaborators):
            return "COLLABORATOR"
        merged = any(
            p.user.lower() == lowered and p.merged_at for p in self.store.pulls_of(repo.id)
        )
        return "CONTRIBUTOR" if merged else "NONE"

    def login_for_email(self, email: str) -> str | None:
        """The account a commit email belongs to (GitHub links commits to users this way)."""
        lowered = email.lower()
        for account in self.store.accounts.values():
            if account.email and account.email.lower() == lowered:
                return account.login
        return None

    # -- pull request state derived from git ----------------------------------------------------

    def current_base_sha(self, pull: PullRecord) -> str:
        """Open pulls follow their base branch; closed ones keep the value they closed with."""
        if pull.state != "open":
            return pull.base_sha
        repo = self.store.repos[pull.repo_id]
        return self.git(repo).read_ref(f"refs/heads/{pull.base_ref}") or pull.base_sha

    def pull_stats(self, pull: PullRecord) -> dict[str, Any]:
        """Commit and line counts plus mergeability, computed in the base repository."""
        repo = self.store.repos[pull.repo_id]
        git = self.git(repo)
        base = self.current_base_sha(pull)
        head = pull.head_sha
        merge_base = git.merge_base(base, head) or base
        files = git.diff(merge_base, head)
        stats: dict[str, Any] = {
            "commits": git.count_commits(f"{merge_base}..{head}"),
            "additions": sum(f.additions for f in files),
            "deletions": sum(f.deletions for f in files),
            "changed_files": len(files),
            "mergeable": None,
            "mergeable_state": "unknown",
        }
        if pull.state == "open":
            clean = git.merge_trees(base, head) is not None
            stats["mergeable"] = clean
            stats["mergeable_state"] = "clean" if clean else "dirty"
        return stats
