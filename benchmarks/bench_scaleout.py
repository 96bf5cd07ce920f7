"""Throughput of the whole portal with 1 and with 3 Celery workers (2 gunicorn web processes).

Run from the repository root (PostgreSQL and Redis on 127.0.0.1, as bin/test uses them):

    .venv/bin/python benchmarks/bench_scaleout.py [--entries 200] [--workers 1,3]

For each worker count: a fresh GitHub emulator (secondary limits out of the way, fast pacing),
2 gunicorn processes and N solo-pool workers, then --entries skills created, submitted and
approved through the API by 12 concurrent clients. The clock runs from the first API call to the
last pull request open. Uses a throw-away database on $DATABASE_URL's server. Prints figures.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from benchmarks._portal_db import production_like_env, scratch_database  # noqa: E402

FAST_GITHUB = {
    "GITHUB_SECONDS_BETWEEN_REQUESTS": "0",
    "GITHUB_SECONDS_BETWEEN_WRITES": "0",
    "GITHUB_CONTENT_MARGIN_SECONDS": "1",
    "GITHUB_CONTENT_LIMITS": "1000000/60,1000000/3600",
    "PIPELINE_RETRY_BASE_SECONDS": "0.5",
}


def run_once(*, tmp: Path, env: dict[str, str], workers: int, entries: int, tokens) -> dict:
    from contributions.models import Contribution
    from contributions.workflow import Status
    from ghemu.config import Limits
    from ghemu.testing import running_emulator
    from tests.scaleout import drive_entries, fleet, tasks_done_by, wait_until

    limits = Limits(secondary_per_minute=1_000_000, secondary_per_hour=1_000_000)
    with running_emulator(tmp / f"ghemu-{workers}", limits=limits) as emulator:
        run_env = {
            **os.environ,
            **env,
            **FAST_GITHUB,
            "GITHUB_API_URL": emulator.base_url,
            "GITHUB_TOKEN": emulator.bot_token,
            "CELERY_QUEUE": f"bench-scaleout-{uuid.uuid4().hex[:8]}",
        }
        log_dir = tmp / f"logs-{workers}"
        log_dir.mkdir()
        with fleet(run_env, log_dir) as processes:
            ports = [processes.start_web(), processes.start_web()]
            started_workers = [processes.start_worker() for _ in range(workers)]
            started = time.monotonic()
            result = drive_entries(
                ports=ports, authors=tokens[0], reviewers=tokens[1], count=entries, concurrency=12
            )
            submitted = time.monotonic() - started
            wait_until(
                lambda: (
                    Contribution.objects.filter(pk__in=result.ids, status=Status.PR_OPEN).count()
                    == entries
                ),
                timeout=600,
                what="every pull request",
                every=0.2,
            )
            elapsed = time.monotonic() - started
            shares = [
                tasks_done_by(w, "contributions.tasks.open_pull_request") for w in started_workers
            ]
        return {
            "workers": workers,
            "entries": entries,
            "api_seconds": submitted,
            "seconds": elapsed,
            "pulls": len(emulator.pulls("ceph/ceph-taxonomy")),
            "errors": len(result.failures),
            "shares": shares,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=200)
    parser.add_argument("--workers", default="1,3", help="worker counts to compare (default 1,3)")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-scaleout-"))
    with scratch_database() as database_url:
        env = production_like_env(tmp, database_url, "unused")
        os.environ.update(env)
        import django

        django.setup()
        from django.core.management import call_command
        from rest_framework.authtoken.models import Token

        from contributions import roles
        from tests.factories import ProfileFactory, UserFactory

        call_command("migrate", verbosity=0)

        def fresh_users() -> list[list[str]]:
            # Each run starts from an empty portal, as its emulator starts from no PRs.
            call_command("flush", interactive=False, verbosity=0)
            groups = []
            for role_names, count in (([roles.CONTRIBUTOR], 8), ([roles.REVIEWER], 3)):
                group = []
                for _ in range(count):
                    user = UserFactory(roles=role_names)
                    ProfileFactory(user=user)
                    group.append(Token.objects.create(user=user).key)
                groups.append(group)
            return groups

        rows = [
            run_once(tmp=tmp, env=env, workers=int(n), entries=args.entries, tokens=fresh_users())
            for n in args.workers.split(",")
        ]
    print(f"== {args.entries} entries from API submission to open pull request, 2 web processes")
    print("  workers  API phase   to last PR   entries/s   PRs   errors   PRs per worker")
    for row in rows:
        print(
            f"  {row['workers']:>7}  {row['api_seconds']:8.1f}s  {row['seconds']:10.1f}s"
            f"  {row['entries'] / row['seconds']:10.2f}  {row['pulls']:>4}  {row['errors']:>7}"
            f"   {row['shares']}"
        )
    if len(rows) > 1:
        print(f"  speed-up {rows[-1]['workers']} vs {rows[0]['workers']} workers: "
              f"{rows[0]['seconds'] / rows[-1]['seconds']:.2f}x")  # fmt: skip


if __name__ == "__main__":
    main()
