"""A GitHub emulator and a forge client pointed at it."""

from __future__ import annotations

import pytest
from github import Auth

from contributions.forge.budget import ContentBudget, FileLedger, parse_windows
from contributions.forge.github import GitHubForge


@pytest.fixture
def emulator(tmp_path):
    from ghemu.testing import running_emulator

    with running_emulator(tmp_path / "ghemu") as handle:
        yield handle


def make_forge(emulator, tmp_path, *, token=None, limits="80/60,500/3600", **options):
    budget = ContentBudget(
        ledger=FileLedger(tmp_path / f"budget-{token or 'bot'}.json"),
        windows=parse_windows(limits),
        margin=1.0,
    )
    options.setdefault("seconds_between_requests", 0)
    options.setdefault("seconds_between_writes", 0)
    return GitHubForge(
        base_url=emulator.base_url,
        auth=Auth.Token(token or emulator.bot_token),
        budget=budget,
        **options,
    )


@pytest.fixture
def forge(emulator, tmp_path):
    return make_forge(emulator, tmp_path)
