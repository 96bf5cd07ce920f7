"""The admin dashboard, the audit log, failed tasks, reviewer scopes and the credits export."""

import csv
import io
import json
from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from contributions.models import (
    ContributionEvent,
    PullRequest,
    ReviewerScope,
    ServiceStatus,
    TaskFailure,
    TaxonomyTree,
)
from contributions.services import reviews
from contributions.tasks.health import ping
from contributions.workflow import Status
from tests.factories import PullRequestFactory
from tests.review_factories import scoped_reviewer, submitted_entry


@pytest.mark.django_db
def test_the_dashboard_is_for_admins_only(client, reviewer):
    client.force_login(reviewer)
    assert client.get(reverse("admin-dashboard")).status_code == 403
    client.logout()
    response = client.get(reverse("admin-dashboard"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


@pytest.mark.django_db
def test_an_empty_portal_shows_clean_not_reported_states(client, admin_user):
    client.force_login(admin_user)
    html = client.get(reverse("admin-dashboard")).content.decode()
    assert html.count("Not reported yet.") == 2
    assert "No background task has failed." in html
    assert "Nothing waits for review." in html
    assert "<svg" in html


@pytest.mark.django_db
def test_the_dashboard_shows_where_work_stands(client, admin_user, contributor, reviewer):
    # given waiting, approved and merged work, a failure and pipeline reports
    old = submitted_entry(contributor, submitted_days_ago=10, summary="old one")
    submitted_entry(contributor, submitted_days_ago=0.1)
    approved = submitted_entry(contributor)
    with mock.patch.object(reviews, "_queue_pull_request"):
        reviews.review_approve(contribution_id=approved.pk, reviewer=reviewer)
    reviews.review_claim(contribution_id=old.pk, reviewer=reviewer)
    TaskFailure.objects.create(
        task_name="contributions.tasks.open_pull_request",
        task_args=[approved.pk],
        contribution=approved,
        error="GitHub said: Bad credentials",
    )
    ServiceStatus.objects.create(
        key="github_rate_limit",
        data={
            "resources": {
                "core": {"limit": 5000, "remaining": 250, "used": 4750, "reset": 1900000000},
                "content_creating_60s": {"limit": 80, "remaining": 78, "used": 2},
            },
            "observed_at": timezone.now().isoformat(),
        },
    )
    TaxonomyTree.objects.create(
        repo="ceph/ceph-taxonomy", branch="main", commit_sha="a" * 40, synced_at=timezone.now()
    )
    client.force_login(admin_user)
    # when the admin opens the dashboard
    response = client.get(reverse("admin-dashboard"))
    html = response.content.decode()
    data = response.context["data"]
    # then the numbers are right
    counts = {row["status"]: row["count"] for row in data.by_status}
    assert counts["submitted"] == 1 and counts["in_review"] == 1 and counts["approved"] == 1
    assert data.waiting_total == 2
    assert [b["count"] for b in data.waiting_buckets] == [1, 0, 0, 1]
    assert data.weeks[-1].counts["Approved"] == 1 and data.weeks[-1].counts["Submitted"] == 3
    assert data.first_review["count"] == 1
    load = {row["username"]: row for row in data.reviewer_load}
    assert load[reviewer.username]["holding"] == 1
    assert load[reviewer.username]["decided"] == 1
    # and shown
    assert "Bad credentials" in html and "Retry" in html
    assert "250 of 5,000 requests left" in html and "REST API (hourly)" in html
    assert "Content-creating requests, per minute" in html and "78 of 80" in html
    assert "aaaaaaaaaaaa" in html
    assert "Not reported yet" not in html


@pytest.mark.django_db
def test_retry_from_the_dashboard(client, admin_user, django_capture_on_commit_callbacks):
    failure = TaskFailure.objects.create(task_name="contributions.tasks.ping", error="x")
    client.force_login(admin_user)
    with (
        mock.patch.object(ping, "apply_async") as apply_async,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(reverse("admin-failure-retry", args=[failure.pk]))
    assert response.status_code == 302 and response.url == reverse("admin-dashboard")
    apply_async.assert_called_once()
    failure.refresh_from_db()
    assert failure.retried_at is not None
    client.post(reverse("admin-failure-resolve", args=[failure.pk]), {"next": "failures"})
    failure.refresh_from_db()
    assert failure.resolved_at is not None
    assert client.get(reverse("admin-failures")).context["page"].paginator.count == 0
    assert client.get(reverse("admin-failures"), {"all": "1"}).context["page"].paginator.count == 1


@pytest.mark.django_db
def test_the_audit_log_filters(client, admin_user, contributor, reviewer):
    entry = submitted_entry(contributor)
    reviews.review_claim(contribution_id=entry.pk, reviewer=reviewer)
    ContributionEvent.objects.create(event="ping", actor=None)
    client.force_login(admin_user)

    def events(**query):
        page = client.get(reverse("admin-audit"), query).context["page"]
        return [e.event for e in page.object_list]

    assert events(event="review_started") == ["review_started"]
    assert events(actor=reviewer.username) == ["review_started"]
    by_system = events(actor="system")
    assert "ping" in by_system and "review_started" not in by_system
    assert set(events(contribution=str(entry.pk))) == {"submitted", "review_started"}
    tomorrow = (timezone.now() + timedelta(days=1)).date().isoformat()
    assert events(since=tomorrow) == []


@pytest.mark.django_db
def test_admins_set_reviewer_scopes_on_a_page(client, admin_user, reviewer):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin-reviewers"), {"reviewer": reviewer.username, "path_prefix": "knowledge"}
    )
    assert response.status_code == 302
    scope = ReviewerScope.objects.get(reviewer=reviewer)
    assert "knowledge" in client.get(reverse("admin-reviewers")).content.decode()
    bad = client.post(
        reverse("admin-reviewers"),
        {"reviewer": reviewer.username, "path_prefix": "x y"},
        follow=True,
    )
    assert "starts with compositional_skills/ or knowledge/" in bad.content.decode()
    client.post(reverse("admin-scope-remove", args=[scope.pk]))
    assert not ReviewerScope.objects.exists()


@pytest.mark.django_db
def test_the_credits_export_lists_who_contributed_what(client, admin_user, contributor):
    # given a merged entry with its pull request, and one still waiting
    entry = submitted_entry(contributor, summary="=HYPERLINK(evil)")
    entry.__class__.objects.filter(pk=entry.pk).update(
        status=Status.MERGED.value, handed_over_at=timezone.now()
    )
    PullRequestFactory(
        contribution=entry,
        revision=entry.current_revision,
        state=PullRequest.State.MERGED,
        merged_at=timezone.now(),
    )
    submitted_entry(contributor, summary="waiting")
    contributor.profile.github_handle = "casey"
    contributor.profile.save()
    client.force_login(admin_user)
    # when the admin downloads both formats
    as_csv = client.get(reverse("credits-export", args=["csv"]))
    as_json = client.get(reverse("credits-export", args=["json"]))
    # then both list the merged entry only, with no e-mail address, safe for spreadsheets
    rows = list(csv.DictReader(io.StringIO(as_csv.content.decode())))
    assert as_csv["Content-Type"].startswith("text/csv")
    assert "attachment" in as_csv["Content-Disposition"]
    assert [r["summary"] for r in rows] == ["'=HYPERLINK(evil)"]
    assert rows[0]["github_handle"] == "casey" and rows[0]["pull_request"].startswith("https://")
    credits = json.loads(as_json.content)["credits"]
    assert credits[0]["username"] == contributor.username and credits[0]["status"] == "merged"
    assert contributor.email not in as_csv.content.decode() + as_json.content.decode()
    assert client.get("/dashboard/credits.xml").status_code == 404


@pytest.mark.django_db
def test_reviewers_cannot_export_credits(client):
    client.force_login(scoped_reviewer())
    assert client.get(reverse("credits-export", args=["csv"])).status_code == 403


def test_the_credits_csv_keeps_empty_cells_empty_and_guards_formula_starts():
    # given credit rows with empty values and values a spreadsheet would run as formulas
    from contributions.selectors.people import CREDIT_FIELDS
    from contributions.views.dashboard import credits_csv

    starts = ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"]
    rows = [dict.fromkeys(CREDIT_FIELDS, "") for _ in starts]
    for row, start in zip(rows, starts, strict=True):
        row["summary"] = start
        row["username"] = "plain"
    # when they are written as CSV
    parsed = list(csv.DictReader(io.StringIO(credits_csv(rows))))
    # then empty cells stay empty, plain text is untouched and only formula starts get an apostrophe
    assert [r["summary"] for r in parsed] == [f"'{s}" for s in starts]
    assert all(r["username"] == "plain" for r in parsed)
    empty = [f for f in CREDIT_FIELDS if f not in ("summary", "username")]
    assert empty and all(r[f] == "" for r in parsed for f in empty)


@pytest.mark.django_db
def test_recent_activity_reads_as_sentences_and_skips_draft_saves(client, admin_user, contributor):
    # given portal events, a reviewer's start and a burst of autosaves on one entry
    entry = submitted_entry(contributor, summary="Pools")
    reviewer = scoped_reviewer()
    ContributionEvent.objects.create(contribution=entry, actor=reviewer, event="review_started")
    for event, data in (
        ("pull_request_recorded", {"number": 4}),
        ("pull_request_state", {"number": 4, "from": "open", "to": "closed"}),
        ("github_feedback", {"author": "octocat", "kind": "review"}),
    ):
        ContributionEvent.objects.create(contribution=entry, actor=None, event=event, data=data)
    for _ in range(6):
        ContributionEvent.objects.create(contribution=entry, actor=contributor, event="draft_saved")
    ContributionEvent.objects.create(
        contribution=None, actor=contributor, event="dco_consent_given"
    )
    client.force_login(admin_user)
    # when the admin opens the dashboard and the audit log
    html = client.get(reverse("admin-dashboard")).content.decode()
    audit = client.get(reverse("admin-audit")).content.decode()
    # then each line is a sentence, no raw event name shows and autosaves stay in the audit log only
    # (the pull-request row's own records repeat the status moves: audit log only)
    assert "Pull request #4 created on GitHub" not in html
    assert "Pull request #4 created on GitHub" in audit
    assert "Pull request #4 closed on GitHub" in audit
    assert "octocat left feedback on the pull request on GitHub" in html
    assert "started reviewing" in html
    for raw in ("pull request state", "github feedback", "The portal", "saved the draft"):
        assert raw not in html
    assert "Agreed to the Developer Certificate of Origin" in audit
    assert "dco consent given" not in audit and "Draft saved" in audit


@pytest.mark.django_db
def test_the_audit_log_names_statuses_in_words(client, admin_user, contributor):
    # given a status move in the audit log
    entry = submitted_entry(contributor, summary="Pools")
    ContributionEvent.objects.create(
        contribution=entry, actor=None, event="pr_merged", from_status="pr_open", to_status="merged"
    )
    client.force_login(admin_user)
    # when the admin reads it / then the statuses read as words, not codes
    audit = client.get(reverse("admin-audit")).content.decode()
    assert "Pull request open → Merged" in audit
    assert "pr_open →" not in audit
