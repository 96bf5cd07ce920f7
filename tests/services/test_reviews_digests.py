"""The reviewers' daily digest (Celery beat) and the task that sends it."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from contributions.models import Notification, NotificationPreference
from contributions.services.digests import reviewer_digests_send
from contributions.tasks.review import send_reviewer_digests
from contributions.workflow import Status
from tests.review_factories import scoped_reviewer, submitted_entry


@pytest.mark.django_db
def test_each_reviewer_gets_what_waits_in_their_scope(contributor):
    # given entries in two parts of the taxonomy, one of them old, and one already approved
    submitted_entry(contributor, path="knowledge/ceph/rgw", summary="RGW", submitted_days_ago=4)
    submitted_entry(contributor, path="compositional_skills/ceph/cli", summary="CLI")
    submitted_entry(contributor, path="knowledge/ceph/mon", status=Status.APPROVED)
    knowledge = scoped_reviewer("knowledge")
    skills = scoped_reviewer("compositional_skills")
    everyone = scoped_reviewer()
    idle = scoped_reviewer("knowledge/other")
    # when the digest runs
    sent = reviewer_digests_send()
    # then each reviewer hears about their own scope only
    assert sent == 3
    assert "1 entry waits" in Notification.objects.get(recipient=knowledge).message
    assert "RGW" in Notification.objects.get(recipient=knowledge).message
    assert "4 days" in Notification.objects.get(recipient=knowledge).message
    assert "CLI" in Notification.objects.get(recipient=skills).message
    assert "2 entries wait" in Notification.objects.get(recipient=everyone).message
    assert not Notification.objects.filter(recipient=idle).exists()


@pytest.mark.django_db
def test_reviewers_are_not_told_about_their_own_entries():
    # given a reviewer whose own entry is the only one waiting
    author = scoped_reviewer()
    submitted_entry(author)
    # then they get no digest
    assert reviewer_digests_send() == 0


@pytest.mark.django_db
def test_the_digest_is_sent_once_a_day_by_e_mail(contributor, django_capture_on_commit_callbacks):
    # given one reviewer with work waiting
    submitted_entry(contributor)
    reviewer = scoped_reviewer()
    # when the beat task runs twice the same day
    with django_capture_on_commit_callbacks(execute=True):
        first = send_reviewer_digests.delay().get()
        second = send_reviewer_digests.delay().get()
    # then one notification and one e-mail, and again the next day
    assert (first, second) == (1, 0)
    assert [m.to for m in mail.outbox] == [[reviewer.email]]
    assert reviewer_digests_send(now=timezone.now() + timedelta(days=1)) == 1


@pytest.mark.django_db
def test_a_reviewer_who_switched_the_digest_off_gets_none(contributor):
    submitted_entry(contributor)
    reviewer = scoped_reviewer()
    NotificationPreference.objects.create(
        user=reviewer, kind="digest", in_portal=False, by_email=False
    )
    assert reviewer_digests_send() == 0


def test_beat_runs_the_digest_daily_and_sweeps_claims():
    schedule = settings.CELERY_BEAT_SCHEDULE
    digest = schedule["send-reviewer-digests"]
    assert digest["task"] == "contributions.tasks.send_reviewer_digests"
    assert digest["schedule"].hour == {settings.REVIEWER_DIGEST_HOUR}
    assert schedule["release-expired-review-claims"]["task"] == (
        "contributions.tasks.release_expired_review_claims"
    )


@pytest.mark.django_db
def test_the_claim_sweep_task_releases_expired_claims(contributor):
    from contributions.models import ReviewClaim
    from contributions.services import reviews
    from contributions.tasks.review import release_expired_review_claims

    entry = submitted_entry(contributor)
    reviews.review_claim(contribution_id=entry.pk, reviewer=scoped_reviewer())
    ReviewClaim.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert release_expired_review_claims.delay().get() == 1
    entry.refresh_from_db()
    assert entry.status == Status.SUBMITTED
