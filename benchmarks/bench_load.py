"""Load test of the main pages and API at 10,000 entries, against a bare Django view.

Run from the repository root (PostgreSQL and Redis on 127.0.0.1):

    .venv/bin/python benchmarks/bench_load.py [--entries 10000] [--requests 600] [--clients 8]

It fills a throw-away database with --entries entries (by many authors, in every status), starts
gunicorn as bin/serve does (DEBUG off, 2 worker processes, 4 threads each) with one extra URL,
/bench/bare/, a view that only returns "ok" through the same middleware, and sends --requests
requests to each URL from --clients concurrent keep-alive clients, over loopback only. It
prints requests/s, p50 and p95 for each URL and the ratio of the bare view's requests/s to
each URL's (the bare view runs first and last; the better run is the baseline), and exits non-zero
if any answer was a 5xx (or anything but the expected status).
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from benchmarks._portal_db import production_like_env, scratch_database  # noqa: E402


def seed(entries: int) -> dict[str, object]:
    """Entries in every status by 100 authors, with revisions, events and reviews (bulk)."""
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from contributions import roles
    from contributions.models import Contribution, ContributionEvent, Revision
    from contributions.services.contributions import content_digest
    from contributions.workflow import Status
    from tests.factories import ProfileFactory, UserFactory, skill_content

    authors = []
    for _ in range(100):
        user = UserFactory(roles=[roles.CONTRIBUTOR])
        ProfileFactory(user=user)
        authors.append(user)
    reviewer = UserFactory(roles=[roles.CONTRIBUTOR, roles.REVIEWER, roles.ADMIN])
    ProfileFactory(user=reviewer)
    statuses = [
        Status.DRAFT, Status.SUBMITTED, Status.SUBMITTED, Status.IN_REVIEW,
        Status.CHANGES_REQUESTED, Status.APPROVED, Status.PR_OPEN, Status.MERGED, Status.MERGED,
        Status.REJECTED,
    ]  # fmt: skip
    content = skill_content()
    digest = content_digest(content=content, attribution={})
    now = timezone.now()
    rows = [
        Contribution(
            kind="skill",
            author=authors[n % len(authors)],
            summary=f"Load test entry {n}",
            taxonomy_path=f"compositional_skills/technology/ceph/load_{n}",
            status=statuses[n % len(statuses)],
            draft={"entry": content, "attribution": {}},
            draft_version=1,
            validation_state="passed",
            submitted_at=None if n % len(statuses) == 0 else now,
        )
        for n in range(entries)
    ]
    created = Contribution.objects.bulk_create(rows, batch_size=1000)
    revisions = Revision.objects.bulk_create(
        [
            Revision(
                contribution=c, number=1, kind="skill", taxonomy_path=c.taxonomy_path,
                summary=c.summary, content=content, attribution={}, content_sha256=digest,
                created_by=c.author,
            )
            for c in created
            if c.status != Status.DRAFT
        ],
        batch_size=1000,
    )  # fmt: skip
    for revision in revisions:
        revision.contribution.current_revision = revision
    Contribution.objects.bulk_update(
        [r.contribution for r in revisions], ["current_revision"], batch_size=1000
    )
    ContributionEvent.objects.bulk_create(
        [
            ContributionEvent(
                contribution=c, actor=c.author, event="draft_created", to_status="draft"
            )
            for c in created
        ],
        batch_size=1000,
    )
    author = authors[0]
    return {
        "author_token": Token.objects.create(user=author).key,
        "reviewer_token": Token.objects.create(user=reviewer).key,
        "author_session": _session(author),
        "reviewer_session": _session(reviewer),
        "author_entry": Contribution.objects.filter(author=author).first().pk,
    }


def _session(user) -> str:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def start_gunicorn(env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                str(REPO_ROOT / ".venv" / "bin" / "gunicorn"), "--config",
                "python:cephportal.gunicorn_conf", "cephportal.wsgi:application",
            ],
            cwd=REPO_ROOT, stdout=out, stderr=subprocess.STDOUT,
            env={**os.environ, **env, "DJANGO_SETTINGS_MODULE": "benchmarks.load_settings",
                 "HOST": "127.0.0.1", "PORT": str(port), "WEB_CONCURRENCY": "2",
                 "WEB_THREADS": "4", "WEB_MAX_REQUESTS": "0"},
        )  # fmt: skip
    import socket

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"gunicorn did not start: {log.read_text()[-2000:]}")


def hammer(port: int, path: str, headers: dict[str, str], requests: int, clients: int):
    """Send `requests` GETs from `clients` threads; (seconds, latencies, status counts)."""
    latencies: list[float] = []
    statuses: Counter = Counter()
    lock = threading.Lock()
    per_client = [
        requests // clients + (1 if i < requests % clients else 0) for i in range(clients)
    ]

    def client(count: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine, codes = [], Counter()
        for _ in range(count):
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                codes[response.status] += 1
            except (http.client.HTTPException, OSError):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                codes["error"] += 1
            mine.append(time.perf_counter() - started)
        connection.close()
        with lock:
            latencies.extend(mine)
            statuses.update(codes)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(client, per_client))
    return time.perf_counter() - started, latencies, statuses


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=600, help="per URL (default 600)")
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-load-"))
    with scratch_database() as database_url:
        env = production_like_env(tmp, database_url, f"bench-load-{uuid.uuid4().hex[:8]}")
        os.environ.update(env)
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)  # as bin/serve setup does
        started = time.monotonic()
        seeded = seed(args.entries)
        print(f"== seeded {args.entries} entries in {time.monotonic() - started:.1f}s")
        port = (
            random.randint(18100, 18199)
            if os.environ.get("BENCH_PORT") is None
            else int(os.environ["BENCH_PORT"])
        )
        log = tmp / "gunicorn.log"
        server = start_gunicorn(env, port, log)
        anonymous = {"Host": "127.0.0.1"}
        author = {"Host": "127.0.0.1", "Cookie": f"sessionid={seeded['author_session']}"}
        reviewer = {"Host": "127.0.0.1", "Cookie": f"sessionid={seeded['reviewer_session']}"}
        author_api = {"Host": "127.0.0.1", "Authorization": f"Token {seeded['author_token']}"}
        reviewer_api = {"Host": "127.0.0.1", "Authorization": f"Token {seeded['reviewer_token']}"}
        targets = [
            ("bare Django view", "/bench/bare/", anonymous),
            ("home page", "/", anonymous),
            ("health (live)", "/health/live/", anonymous),
            ("my contributions (page)", "/contributions/", author),
            ("one entry (page)", f"/contributions/{seeded['author_entry']}/", author),
            ("review queue (page)", "/review/", reviewer),
            ("admin dashboard (page)", "/dashboard/", reviewer),
            ("my contributions (API)", "/api/contributions/", author_api),
            ("review queue (API)", "/api/review/queue/", reviewer_api),
            ("dashboard stats (API)", "/api/stats/dashboard/", reviewer_api),
            # Again at the end: the machine's load may have changed meanwhile.
            ("bare Django view, again", "/bench/bare/", anonymous),
        ]
        rows, bad = [], Counter()
        hammer(port, "/bench/bare/", anonymous, 50 * args.clients, args.clients)  # warm up both
        try:
            for name, path, headers in targets:
                hammer(port, path, headers, args.clients * 2, args.clients)  # warm up
                seconds, latencies, statuses = hammer(
                    port, path, headers, args.requests, args.clients
                )
                rows.append((name, path, len(latencies) / seconds, statistics.median(latencies),
                             p95(latencies), statuses))  # fmt: skip
                bad.update({k: v for k, v in statuses.items() if k != 200})
        finally:
            server.terminate()
            server.wait(timeout=30)
    # The baseline: the better of the two bare-view runs (the one less disturbed by other load).
    base_rate = max(rows[0][2], rows[-1][2])
    base_p95 = min(rows[0][4], rows[-1][4])
    print(f"== {args.requests} GETs per URL, {args.clients} clients, gunicorn 2x4 threads, "
          f"{args.entries} entries, loopback")  # fmt: skip
    print(f"  {'URL':<26} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'vs bare':>8}  statuses")
    for name, _, rate, p50, p95_value, statuses in rows:
        print(f"  {name:<26} {rate:8.1f} {p50 * 1000:8.1f} {p95_value * 1000:8.1f} "
              f"{base_rate / rate:7.1f}x  {dict(statuses)}")  # fmt: skip
    fives = sum(v for k, v in bad.items() if isinstance(k, int) and k >= 500)
    print(f"  5xx answers: {fives}; other non-200: {sum(bad.values()) - fives}")
    print(f"  baseline (bare view): {base_rate:.0f} req/s, p95 {base_p95 * 1000:.1f} ms")
    if bad:
        errors = [line for line in log.read_text().splitlines() if "Error" in line][:5]
        print("  first errors in the server's log:", *errors, sep="\n    ")
        raise SystemExit(1)


if __name__ == "__main__":
    main()
