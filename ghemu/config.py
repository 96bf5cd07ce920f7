"""Configuration of an emulator: accounts, tokens, repositories, limits, webhooks, faults."""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_BOT_TOKEN = "ghemu-bot-token"
DEFAULT_MAINTAINER_TOKEN = "ghemu-maintainer-token"
DEFAULT_FORK_BOT_TOKEN = "ghemu-forkbot-token"
DEFAULT_REVIEWER_TOKEN = "ghemu-reviewer-token"
DEFAULT_TAXONOMY_REPO = "ceph/ceph-taxonomy"
DEFAULT_DOCS_REPO = "ceph/ceph-knowledge-docs"

PERMISSIONS = ("read", "triage", "write", "maintain", "admin")


@dataclass
class UserSpec:
    """A user account; each of ``tokens`` authenticates as it (``token X`` or ``Bearer X``)."""

    login: str
    tokens: list[str] = field(default_factory=list)
    name: str | None = None
    email: str | None = None
    type: str = "User"  # "User" or "Bot"
    site_admin: bool = False


@dataclass
class OrgSpec:
    """An organisation; members see its private repos and may fork into it."""

    login: str
    members: list[str] = field(default_factory=list)
    name: str | None = None
    teams: list[str] = field(default_factory=list)  # team slugs reviews can be requested from


@dataclass
class RepoSpec:
    """A repository created at start (if missing); ``seed`` picks sample content."""

    full_name: str
    seed: str | None = None  # "taxonomy", "docs" or None (a README only)
    default_branch: str = "main"
    description: str = ""
    private: bool = False
    # login -> one of PERMISSIONS; the owning user (not org) is always admin
    collaborators: dict[str, str] = field(default_factory=dict)


@dataclass
class AppSpec:
    """A GitHub App with one installation; its installation tokens act as ``<slug>[bot]``."""

    app_id: int
    slug: str
    installation_id: int
    account: str
    # PEM public key to verify the app JWT (RS256); without it the JWT's ``iss`` alone is checked.
    public_key_pem: str | None = None
    permission: str = "write"  # what the installation may do on the account's repositories


@dataclass
class Limits:
    """Emulated GitHub limits (GitHub's documented defaults)."""

    primary_per_hour: int = 5000
    anonymous_per_hour: int = 60
    window_seconds: float = 3600.0
    secondary_per_minute: int = 80
    secondary_per_hour: int = 500
    secondary_retry_after: int = 60
    # Seconds a new fork answers 409 "Git Repository is empty." (GitHub forks asynchronously).
    fork_ready_delay: float = 0.0
    # Inline file contents one POST git/trees may carry, in bytes; GitHub fails larger ones.
    inline_tree_max_bytes: int = 2_000_000
    # How many times faster than real time the limit clock runs: the primary window, the secondary
    # minute and hour, and Retry-After all shrink by this factor (20: GitHub's hour lasts three
    # minutes). Reset times in headers stay real epoch seconds. 1.0 is GitHub's own pace.
    time_scale: float = 1.0

    def __post_init__(self) -> None:
        self.time_scale = check_time_scale(self.time_scale)


def check_time_scale(value: object) -> float:
    """A valid ``Limits.time_scale`` (a finite number above zero) as a float; ValueError if not."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"time_scale must be a number above zero, not {value!r}")
    try:
        scale = float(value)
    except ValueError:
        raise ValueError(f"time_scale must be a number above zero, not {value!r}") from None
    if not math.isfinite(scale) or scale <= 0:
        raise ValueError(f"time_scale must be a number above zero, not {value!r}")
    return scale


@dataclass
class EmulatorConfig:
    """Everything needed to start an emulator; JSON round-trips for subprocess mode."""

    data_dir: Path
    host: str = "127.0.0.1"
    port: int = 8765
    users: list[UserSpec] = field(default_factory=list)
    orgs: list[OrgSpec] = field(default_factory=list)
    repos: list[RepoSpec] = field(default_factory=list)
    apps: list[AppSpec] = field(default_factory=list)
    limits: Limits = field(default_factory=Limits)
    # A hook with this URL and secret is added to every configured repository at start.
    webhook_url: str | None = None
    webhook_secret: str | None = None
    webhook_events: list[str] = field(default_factory=lambda: ["*"])
    # Deliveries go only to these hosts, so a test can never post to the outside world.
    webhook_hosts: list[str] = field(default_factory=lambda: ["127.0.0.1", "localhost", "::1"])
    webhook_timeout: float = 10.0
    faults: list[dict[str, Any]] = field(default_factory=list)
    seed: bool = True
    # The sample knowledge entry names its documents' repository under this web address, as the
    # portal does (an https URL anyone can clone); its commit is the docs repository's seed commit.
    sample_docs_web_url: str = "https://github.com"
    persist: bool = True
    # role -> login, so helpers find "the bot" or "the maintainer" in any configuration
    roles: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> str:
        data = dataclasses.asdict(self)
        data["data_dir"] = str(self.data_dir)
        return json.dumps(data, indent=2)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EmulatorConfig:
        data = dict(data)
        data["data_dir"] = Path(data["data_dir"])
        data["users"] = [UserSpec(**u) for u in data.get("users", [])]
        data["orgs"] = [OrgSpec(**o) for o in data.get("orgs", [])]
        data["repos"] = [RepoSpec(**r) for r in data.get("repos", [])]
        data["apps"] = [AppSpec(**a) for a in data.get("apps", [])]
        data["limits"] = Limits(**data.get("limits", {}))
        return cls(**data)

    def user_tokens(self) -> dict[str, str]:
        """First token of each user, by login."""
        return {u.login: u.tokens[0] for u in self.users if u.tokens}

    def token_for_role(self, role: str) -> str:
        """The first token of the user playing ``role`` (bot, fork_bot, maintainer, reviewer)."""
        login = self.roles.get(role, role)
        token = self.user_tokens().get(login)
        if token is None:
            raise KeyError(f"no user with a token for role {role!r}")
        return token


def default_config(
    data_dir: Path | str,
    *,
    bot_login: str = "cephbot",
    bot_token: str = DEFAULT_BOT_TOKEN,
    maintainer_login: str = "maintainer",
    maintainer_token: str = DEFAULT_MAINTAINER_TOKEN,
    fork_bot_login: str = "forkbot",
    fork_bot_token: str = DEFAULT_FORK_BOT_TOKEN,
    reviewer_login: str = "reviewer",
    reviewer_token: str = DEFAULT_REVIEWER_TOKEN,
    taxonomy_repo: str = DEFAULT_TAXONOMY_REPO,
    docs_repo: str = DEFAULT_DOCS_REPO,
    **overrides: Any,
) -> EmulatorConfig:
    """The standard cephportal world.

    - ``cephbot`` may write to both repositories (the portal's bot in direct mode);
    - ``forkbot`` may only read them (fork mode: it forks and opens PRs from its fork);
    - ``maintainer`` administers both and merges, closes and reviews;
    - ``reviewer`` is a collaborator reviews can be requested from;
    - app ``cephportal`` (id 1001) is installed on the taxonomy owner (installation 2001).
    """
    org = taxonomy_repo.split("/")[0]
    users = [
        UserSpec(
            bot_login,
            [bot_token],
            name="Ceph Portal Bot",
            email=f"{bot_login}@users.noreply.example",
            type="User",
        ),
        UserSpec(
            fork_bot_login,
            [fork_bot_token],
            name="Ceph Fork Bot",
            email=f"{fork_bot_login}@users.noreply.example",
        ),
        UserSpec(
            maintainer_login,
            [maintainer_token],
            name="Taxonomy Maintainer",
            email="maintainer@example.org",
        ),
        UserSpec(
            reviewer_login, [reviewer_token], name="Taxonomy Reviewer", email="reviewer@example.org"
        ),
    ]
    collaborators = {bot_login: "write", maintainer_login: "admin", reviewer_login: "write"}
    repos = [
        RepoSpec(
            taxonomy_repo,
            seed="taxonomy",
            description="Sample Ceph InstructLab taxonomy",
            collaborators=dict(collaborators),
        ),
        RepoSpec(
            docs_repo,
            seed="docs",
            description="Sample Ceph knowledge documents",
            collaborators=dict(collaborators),
        ),
    ]
    config = EmulatorConfig(
        data_dir=Path(data_dir),
        users=users,
        orgs=[
            OrgSpec(
                org, members=[maintainer_login, reviewer_login, bot_login], name=org.capitalize()
            )
        ],
        repos=repos,
        apps=[AppSpec(app_id=1001, slug="cephportal", installation_id=2001, account=org)],
        roles={
            "bot": bot_login,
            "fork_bot": fork_bot_login,
            "maintainer": maintainer_login,
            "reviewer": reviewer_login,
        },
    )
    for key, value in overrides.items():
        if not hasattr(config, key):
            raise TypeError(f"unknown emulator option {key!r}")
        setattr(config, key, value)
    return config
