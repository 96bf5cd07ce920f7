"""Benchmark the pull-request pipeline against the GitHub emulator.

Run from the repository root:  .venv/bin/python benchmarks/bench_pipeline.py [--prs 200]

1. Requests per pull request, counted by the emulator: a skill and a knowledge entry in
   same-repo mode (target for a skill: at most 8), a skill in fork mode (first and later), and
   a later revision pushed to its open pull request.
2. The time real Celery workers take to open --prs skill pull requests under GitHub's secondary
   limits as the emulator enforces them (80 content-creating requests a minute, 500 an hour),
   against the least time those limits allow. Each skill PR makes 4 content-creating requests
   (tree, commit, branch, pull request), so 200 PRs need 800: more than an hour's budget, and
   at least 63 minutes. To finish in a few minutes, the emulator's rate-limit clock (its
   `time_scale` option) and every duration the portal is given (windows, margin, pacing,
   backoff) run --scale times faster (default 20: an hour lasts three minutes). The emulator's
   own work (real git, about half a second per PR) is not scaled, so a large --scale measures
   the emulator, not the limits.
   The ratio to the minimum is what the benchmark is about.

Uses Redis when REDIS_URL is set (a fresh queue), else the file broker, and a throw-away SQLite
database. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

TAXONOMY = "ceph/ceph-taxonomy"
# GitHub's secondary limit on content-creating requests, and the portal's defaults.
WINDOWS = ((80, 60.0), (500, 3600.0))
MARGIN_SECONDS = 2.0
SECONDS_BETWEEN_REQUESTS = 0.25
SECONDS_BETWEEN_WRITES = 1.0
MAX_PACING_WAIT = 5.0
CREATIONS_PER_SKILL = 4


def minimum_seconds(creations: int) -> float:
    """When the last of `creations` requests can go at the earliest, sent one by one greedily."""
    from contributions.forge.budget import Window, earliest_slot

    windows = tuple(Window(limit, seconds) for limit, seconds in WINDOWS)
    times: list[float] = []
    for _ in range(creations):
        times.append(earliest_slot(times, 1, 0.0, windows, margin=0.0))
    return times[-1]


def environment(tmp: Path, emulator, scale: float, queue: str, token: str) -> dict[str, str]:
    limits = ",".join(f"{limit}/{seconds / scale:g}" for limit, seconds in WINDOWS)
    return {
        "DJANGO_SETTINGS_MODULE": "cephportal.settings",
        "DEBUG": "false",
        "SECRET_KEY": "benchmark-only-secret-key",
        "SECURE_SSL_REDIRECT": "false",
        "CEPHPORTAL_VAR_DIR": str(tmp / "var"),
        "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
        "CELERY_QUEUE": queue,
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
        "EMAIL_URL": "dummymail://",
        "GITHUB_API_URL": emulator.base_url,
        "GITHUB_TOKEN": token,
        "GITHUB_CONTENT_LIMITS": limits,
        # The margin covers the time a request takes to reach the emulator, which is not scaled.
        "GITHUB_CONTENT_MARGIN_SECONDS": f"{max(MARGIN_SECONDS / scale, 0.5):g}",
        "GITHUB_SECONDS_BETWEEN_REQUESTS": f"{SECONDS_BETWEEN_REQUESTS / scale:g}",
        "GITHUB_SECONDS_BETWEEN_WRITES": f"{SECONDS_BETWEEN_WRITES / scale:g}",
        "GITHUB_MAX_PACING_WAIT": f"{MAX_PACING_WAIT / scale:g}",
        "PIPELINE_RETRY_BASE_SECONDS": f"{5 / scale:g}",
    }


def start_limit_windows(emulator) -> None:
    """Empty the emulator's limit windows and the portal's budget ledger at the same moment.

    The emulator's clock already runs --scale times faster (``Limits.time_scale``); requests
    counted before the run would otherwise leave both sides with a partly used budget.
    """
    from contributions.forge import get_forge

    emulator.set_limits(reset_usage=True)
    get_forge().budget.ledger.transact(lambda entries: [])


def requests_of(emulator, login: str) -> int:
    return int(emulator.counters()["by_user"].get(login, 0))


def measure_requests(emulator, author, reviewer) -> list[tuple[str, int, int]]:
    """(case, requests, content-creating requests) for one PR of each kind."""
    from django.conf import settings

    from contributions.forge import reset_forge
    from contributions.services.pipeline import pull_request_open
    from tests.pipeline.entries import approved_entry

    rows = []
    cases = [
        ("skill, same repo", "skill", False),
        ("knowledge, same repo", "knowledge", False),
        ("skill, fork mode (first: makes the fork)", "skill", True),
        ("skill, fork mode (fork exists)", "skill", True),
    ]
    for number, (name, kind, fork) in enumerate(cases, start=1):
        if fork != settings.GITHUB_FORK_MODE:
            settings.GITHUB_FORK_MODE = fork
            settings.GITHUB_TOKEN = emulator.fork_bot_token if fork else emulator.bot_token
            reset_forge()
        entry = approved_entry(author=author, reviewer=reviewer, kind=kind, n=900 + number)
        emulator.reset_counters()
        pull_request_open(contribution_id=entry.pk)
        counters = emulator.counters()
        login = "forkbot" if fork else "cephbot"
        rows.append(
            (name, requests_of(emulator, login), counters["content_creating"].get(login, 0))
        )
    settings.GITHUB_FORK_MODE = False
    settings.GITHUB_TOKEN = emulator.bot_token
    reset_forge()
    # A later revision of an open pull request: one new commit on its branch.
    from tests.pipeline.revisions import resubmit

    entry = approved_entry(author=author, reviewer=reviewer, kind="skill", n=950)
    pull_request_open(contribution_id=entry.pk)
    entry = resubmit(entry, reviewer=reviewer)
    emulator.reset_counters()
    pull_request_open(contribution_id=entry.pk)
    rows.append(
        (
            "skill, revision pushed to its open PR",
            requests_of(emulator, "cephbot"),
            emulator.counters()["content_creating"].get("cephbot", 0),
        )
    )
    return rows


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen:
    level = os.environ.get("LOG_LEVEL", "WARNING")
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "cephportal", "worker", "--pool=solo",
                f"--loglevel={level}", "--without-gossip", "--without-mingle",
                "--without-heartbeat", "-n", f"bench-{uuid.uuid4().hex[:6]}@%h",
            ],
            cwd=REPO_ROOT, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    return process


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prs", type=int, default=200, help="skill PRs to open (default 200)")
    parser.add_argument("--scale", type=float, default=20.0, help="time speed-up (default 20)")
    parser.add_argument("--workers", type=int, default=2, help="solo worker processes (default 2)")
    args = parser.parse_args()

    from ghemu.config import Limits
    from ghemu.testing import running_emulator

    tmp = Path(tempfile.mkdtemp(prefix="bench-pipeline-"))
    queue = f"bench-pipeline-{uuid.uuid4().hex[:8]}"
    # The emulator's limit windows and Retry-After run --scale times faster than real time.
    limits = Limits(time_scale=args.scale)
    with running_emulator(tmp / "ghemu", limits=limits) as emulator:
        env = environment(tmp, emulator, args.scale, queue, emulator.bot_token)
        os.environ.update(env)
        import django

        django.setup()
        from django.core.management import call_command

        from contributions import roles
        from contributions.models import Contribution, PullRequest
        from contributions.services import reviews
        from contributions.tasks.pipeline import open_pull_request
        from contributions.workflow import Status
        from tests.factories import ProfileFactory, UserFactory
        from tests.pipeline.entries import approved_entry

        call_command("migrate", verbosity=0)
        author = UserFactory(roles=[roles.CONTRIBUTOR])
        ProfileFactory(user=author)
        reviewer = UserFactory(roles=[roles.CONTRIBUTOR, roles.REVIEWER])
        ProfileFactory(user=reviewer)

        print("== requests per pull request (same-repo target for a skill: at most 8)")
        for name, total, creating in measure_requests(emulator, author, reviewer):
            print(f"  {name:<45} {total:>3} requests, {creating} content-creating")

        # The run: entries approved first (hand-over held back), then all queued at once.
        held = reviews._queue_pull_request
        reviews._queue_pull_request = lambda contribution_id: None
        started = time.monotonic()
        ids = [
            approved_entry(author=author, reviewer=reviewer, kind="skill", n=n).pk
            for n in range(1, args.prs + 1)
        ]
        reviews._queue_pull_request = held
        print(f"\n== {args.prs} approved skills made in {time.monotonic() - started:.1f}s")

        workers = [start_worker(env, tmp / f"worker-{i}.log") for i in range(args.workers)]
        try:
            time.sleep(3)  # let the workers connect before the clock starts
            start_limit_windows(emulator)
            emulator.reset_counters()
            started = time.monotonic()
            for contribution_id in ids:
                open_pull_request.delay(contribution_id)
            done = 0
            while done < len(ids):
                time.sleep(0.2)
                done = Contribution.objects.filter(pk__in=ids, status=Status.PR_OPEN).count()
                if time.monotonic() - started > 3600 / args.scale * 3 + 120:
                    raise SystemExit(f"gave up with {done} of {len(ids)} PRs open")
            elapsed = time.monotonic() - started
        finally:
            for worker in workers:
                worker.terminate()
                worker.wait(timeout=30)
        counters = emulator.counters()
        pulls = PullRequest.objects.filter(contribution_id__in=ids).count()
        least = minimum_seconds(args.prs * CREATIONS_PER_SKILL)
        print(f"== {args.prs} skill PRs under 80/min and 500/h, time x{args.scale:g}, "
              f"{args.workers} worker(s)")  # fmt: skip
        print(f"  pull requests opened       {pulls}")
        print(f"  content-creating requests  {counters['content_creating'].get('cephbot', 0)}")
        print(f"  requests in all            {counters['by_user'].get('cephbot', 0)} "
              f"({counters['by_user'].get('cephbot', 0) / args.prs:.2f} per PR)")  # fmt: skip
        print(f"  limit violations           {counters['violations']['total']}")
        print(f"  time taken                 {elapsed * args.scale / 60:6.1f} min "
              f"(emulated; {elapsed:.1f}s real)")  # fmt: skip
        print(f"  least the limits allow     {least / 60:6.1f} min")
        if least:
            print(f"  ratio                      {elapsed * args.scale / least:6.3f}")


if __name__ == "__main__":
    main()
