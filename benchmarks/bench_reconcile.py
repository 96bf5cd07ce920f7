"""Requests one reconcile cycle costs for --prs open pull requests, counted by the GitHub emulator.

Run from the repository root:  .venv/bin/python benchmarks/bench_reconcile.py [--prs 500]

The emulator keys ETags by token, as GitHub does. With a GitHub App every worker has its own
installation token, renewed hourly, so the conditional reads of the old reconcile (one sync per
pull request: the pull request, its reviews, comments and line comments) mostly cost full price.
The reconcile now lists the open pull requests (one request per hundred) and reads only those
whose `updated_at` moved. Printed, for --prs pull requests:

1. a cycle with nothing new;
2. a cycle after --changed pull requests got a comment;
3. what syncing every pull request costs with a token whose ETags do not match (the old
   reconcile under a GitHub App), and with the same token (its best case).

The pull requests are written straight into the emulator's state (white-box, to skip 500 real
commits) and the portal's rows into a throw-away SQLite database. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

TAXONOMY = "ceph/ceph-taxonomy"


def seed_pulls(emulator, count: int) -> list[int]:
    """`count` open pull requests from the bot's branches, in the emulator's own state."""
    from ghemu.store import PullRecord

    emu = emulator.server.emu
    repo = emu.find_repo(TAXONOMY)
    sha = emu.git(repo).read_ref(f"refs/heads/{repo.default_branch}")
    numbers = []
    with emu.store.lock:
        for i in range(count):
            number, pull_id = 1000 + i, emu.store.next_id()
            emu.store.pulls[pull_id] = PullRecord(
                id=pull_id, repo_id=repo.id, number=number, title=f"Entry {i}",
                body="", user="cephbot", head_repo_id=repo.id, head_ref=f"cephportal/bench-{i}",
                head_sha=sha, base_ref=repo.default_branch, base_sha=sha,
            )  # fmt: skip
            numbers.append(number)
    return numbers


def portal_rows(numbers: list[int]) -> list[int]:
    """One contribution with its recorded pull request per number; their ids."""
    from tests.factories import PullRequestFactory

    return [
        PullRequestFactory(number=n, branch=f"cephportal/bench-{i}", repo=TAXONOMY).pk
        for i, n in enumerate(numbers)
    ]


def requests_during(emulator, work) -> tuple[int, float, int]:
    """(requests, seconds, requests answered 304: free on GitHub) while `work` runs."""
    emulator.reset_counters()
    started = time.monotonic()
    work()
    counters = emulator.counters()
    elapsed = time.monotonic() - started
    return int(counters["total"]), elapsed, int(counters["by_status"].get("304", 0))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prs", type=int, default=500)
    parser.add_argument("--changed", type=int, default=10)
    args = parser.parse_args()

    from ghemu.testing import running_emulator

    tmp = Path(tempfile.mkdtemp(prefix="bench-reconcile-"))
    with running_emulator(tmp / "ghemu") as emulator:
        os.environ.update(
            {
                "DJANGO_SETTINGS_MODULE": "tests.settings",
                "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
                "CEPHPORTAL_VAR_DIR": str(tmp / "var"),
                "GITHUB_API_URL": emulator.base_url,
                "GITHUB_TOKEN": emulator.bot_token,
                "GITHUB_SECONDS_BETWEEN_REQUESTS": "0",
                "GITHUB_SECONDS_BETWEEN_WRITES": "0",
                "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
            }
        )
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command

        from contributions.forge import reset_forge
        from contributions.services import pull_request_reconcile as reconcile
        from contributions.services import pull_request_tracking as tracking

        call_command("migrate", verbosity=0)
        settings.GITHUB_API_URL, settings.GITHUB_TOKEN = emulator.base_url, emulator.bot_token
        settings.GITHUB_SECONDS_BETWEEN_REQUESTS = settings.GITHUB_SECONDS_BETWEEN_WRITES = 0
        reset_forge()
        numbers = seed_pulls(emulator, args.prs)
        pulls = portal_rows(numbers)

        def sync_all() -> None:
            for pk in pulls:
                tracking.pull_request_sync(pull_request_id=pk)

        def first_cycle() -> None:
            sync_all()
            reconcile.pull_requests_to_reconcile()  # learns the base branch's head

        first, first_s, _ = requests_during(emulator, first_cycle)
        quiet: list[int] = []
        quiet_n, quiet_s, _ = requests_during(
            emulator, lambda: quiet.extend(reconcile.pull_requests_to_reconcile())
        )
        time.sleep(1.1)  # GitHub's updated_at has whole seconds
        for number in numbers[: args.changed]:
            emulator.comment_pull(TAXONOMY, number, body="A question.")
        busy: list[int] = []

        def busy_cycle() -> None:
            busy.extend(reconcile.pull_requests_to_reconcile())
            for pk in busy:
                tracking.pull_request_sync(pull_request_id=pk)

        busy_n, busy_s, _ = requests_during(emulator, busy_cycle)
        same_token, _, same_free = requests_during(emulator, sync_all)
        settings.GITHUB_TOKEN = emulator.token("reviewer")  # a renewed token: other ETags
        reset_forge()
        other_token, _, other_free = requests_during(emulator, sync_all)

    print(f"Reconcile cycle for {args.prs} open pull requests (requests counted by the emulator)")
    print(f"  first read of every pull request:            {first:6d} requests ({first_s:.1f}s)")
    print("  the reconcile now:")
    print(
        f"    cycle with nothing new:                    {quiet_n:6d} requests ({quiet_s:.1f}s),"
        f" {len(quiet)} pull requests to read"
    )
    print(
        f"    cycle after {args.changed} got a comment:             {busy_n:6d} requests "
        f"({busy_s:.1f}s), {len(busy)} pull requests read"
    )
    print("  the old reconcile (every pull request synced, conditionally):")
    print(f"    same token:    {same_token:6d} requests, {same_free} of them 304 (free)")
    print(f"    renewed token: {other_token:6d} requests, {other_free} of them 304 (free)")


if __name__ == "__main__":
    main()
