"""Two approvals of one entry at the same moment: exactly one hand-over to the pipeline.

Real threads with their own database connections. On PostgreSQL the first approver holds the row
lock until the second is seen waiting for it; on SQLite the second waits at BEGIN IMMEDIATE.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections

from contributions.models import Contribution, ContributionEvent, Review
from contributions.services import reviews
from contributions.services.core import ConflictError
from contributions.workflow import Status
from tests.review_factories import scoped_reviewer, submitted_entry

WAIT_SECONDS = 10


def _someone_waits_for_a_lock() -> bool:
    """Whether another connection to this database is blocked on a lock (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock' "
            "AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0] > 0


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_approvals_hand_over_exactly_once(monkeypatch, contributor):
    # given an entry that needs one approval, and two reviewers
    entry = submitted_entry(contributor)
    first, second = scoped_reviewer(), scoped_reviewer()
    queued: list[int] = []
    monkeypatch.setattr(reviews, "_queue_pull_request", queued.append)

    # the approver who gets the row lock keeps it until the other is seen queuing behind it
    real_check = reviews.validation_is_current
    inside = threading.Lock()
    holders: list[str] = []
    started = {"first": threading.Event(), "second": threading.Event()}

    def check_while_holding_the_lock(contribution: Contribution) -> bool:
        with inside:
            holders.append(threading.current_thread().name)
            first_in = len(holders) == 1
        if first_in:
            other = "second" if threading.current_thread().name == "first" else "first"
            assert started[other].wait(WAIT_SECONDS)
            if connection.vendor == "postgresql":
                deadline = time.monotonic() + WAIT_SECONDS
                while not _someone_waits_for_a_lock():
                    assert time.monotonic() < deadline, "the second approval never waited"
                    time.sleep(0.01)
        return real_check(contribution)

    monkeypatch.setattr(reviews, "validation_is_current", check_while_holding_the_lock)
    start = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def approve(reviewer, name: str) -> None:
        try:
            start.wait(WAIT_SECONDS)
            started[name].set()
            outcomes[name] = reviews.review_approve(contribution_id=entry.pk, reviewer=reviewer)
        except Exception as error:  # the outcome is what the test checks
            outcomes[name] = error
        finally:
            started[name].set()
            connections.close_all()

    # when both approve at once
    threads = [
        threading.Thread(target=approve, args=(first, "first"), name="first"),
        threading.Thread(target=approve, args=(second, "second"), name="second"),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT_SECONDS * 3)
    # then one approval won, the other was told the entry no longer waits
    winners = [o for o in outcomes.values() if isinstance(o, Review)]
    losers = [o for o in outcomes.values() if isinstance(o, ConflictError)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    assert "no longer waits for review" in str(losers[0])
    # and the entry was handed to the pipeline exactly once
    entry.refresh_from_db()
    assert entry.status == Status.APPROVED and entry.handed_over_at is not None
    assert ContributionEvent.objects.filter(contribution=entry, event="approved").count() == 1
    assert Review.objects.filter(contribution=entry).count() == 1
    assert queued == [entry.pk]
