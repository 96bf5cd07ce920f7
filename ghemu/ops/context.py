"""The context every operation runs in, and the commit identities operations write with."""

from __future__ import annotations

from dataclasses import dataclass

from ghemu.emulator import Emulator
from ghemu.gitstore import Identity
from ghemu.render import Renderer
from ghemu.routing import ApiError


@dataclass
class Ctx:
    """What every operation needs: the emulator, a renderer for this request, and the caller."""

    emu: Emulator
    render: Renderer
    login: str | None

    def require_login(self) -> str:
        if self.login is None:
            raise ApiError(401, "Requires authentication")
        return self.login


def identity_of(ctx: Ctx, login: str) -> Identity:
    """A user's commit identity; GitHub falls back to a noreply address."""
    account = ctx.emu.store.account(login)
    name = (account.name if account else None) or login
    email = (
        account.email if account else None
    ) or f"{account.id if account else 0}+{login}@users.noreply.ghemu"
    return Identity.now(name, email)


def web_flow_identity() -> Identity:
    """GitHub commits web merges as itself."""
    return Identity.now("GitHub", "noreply@ghemu.local")
