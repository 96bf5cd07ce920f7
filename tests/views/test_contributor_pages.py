"""The contributor's pages: list, new entry, detail, actions, profile."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from contributions.models import Comment, Contribution, ContributionEvent, Review
from contributions.services.contributions import (
    contribution_create_draft,
    contribution_save_draft,
    contribution_submit,
)
from contributions.workflow import Status
from tests.contributor_samples import ALIAS_BOMB, SKILL_ATTRIBUTION, SKILL_QNA_YAML, skill_draft
from tests.factories import ContributionFactory, PullRequestFactory, RevisionFactory


def _skill(author, **kw):
    return contribution_create_draft(
        author=author,
        kind="skill",
        summary=kw.pop("summary", "Status questions"),
        taxonomy_path="compositional_skills/ceph/status",
        draft=skill_draft(),
    )


@pytest.mark.django_db
def test_my_contributions_lists_only_mine_with_counts_by_status(
    client, contributor, other_contributor
):
    # given
    _skill(contributor, summary="Mine, a draft")
    submitted = _skill(contributor, summary="Mine, submitted")
    contribution_submit(contribution_id=submitted.pk, actor=contributor)
    _skill(other_contributor, summary="Not mine")
    client.force_login(contributor)
    # when
    response = client.get("/contributions/")
    # then
    page = response.content.decode()
    assert "Mine, a draft" in page and "Mine, submitted" in page
    assert "Not mine" not in page
    counts = {c.status: c.count for c in response.context["counts"]}
    assert counts == {"draft": 1, "submitted": 1}
    filtered = client.get("/contributions/?status=submitted").content.decode()
    assert "Mine, submitted" in filtered and "Mine, a draft" not in filtered


@pytest.mark.django_db
def test_the_list_shows_the_pull_request_link_and_state(client, contributor):
    # given
    entry = ContributionFactory(author=contributor, status=Status.PR_OPEN)
    PullRequestFactory(contribution=entry, number=77)
    client.force_login(contributor)
    # when
    page = client.get("/contributions/").content.decode()
    # then
    assert 'href="https://github.com/ceph/ceph-taxonomy/pull/77"' in page
    assert "Pull request open" in page


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.django_db
def test_the_list_page_runs_the_same_queries_for_2_or_20_entries(
    client, contributor, django_assert_max_num_queries
):
    # given
    client.force_login(contributor)

    def add(n):
        for _ in range(n):
            entry = ContributionFactory(author=contributor, status=Status.PR_OPEN)
            revision = RevisionFactory(contribution=entry, number=1)
            Contribution.objects.filter(pk=entry.pk).update(current_revision=revision)
            PullRequestFactory(contribution=entry, revision=revision)
            Comment.objects.create(contribution=entry, author=contributor, body="hi")

    add(2)
    few = _queries(client, "/contributions/")
    add(18)
    # then
    assert _queries(client, "/contributions/") == few
    with django_assert_max_num_queries(12):
        client.get("/contributions/")


@pytest.mark.django_db
def test_the_detail_page_runs_the_same_queries_however_long_the_story(
    client, contributor, reviewer
):
    # given a submitted entry with feedback
    entry = _skill(contributor)
    contribution_submit(contribution_id=entry.pk, actor=contributor)
    entry.refresh_from_db()
    client.force_login(contributor)
    url = f"/contributions/{entry.pk}/"

    def feedback(n):
        for i in range(n):
            Review.objects.create(
                contribution=entry,
                revision=entry.current_revision,
                reviewer=reviewer,
                decision="request_changes",
                reason=f"reason {i}",
            )
            Comment.objects.create(contribution=entry, author=reviewer, body=f"comment {i}")
            ContributionEvent.objects.create(contribution=entry, actor=reviewer, event="commented")

    feedback(1)
    few = _queries(client, url)
    feedback(10)
    # then
    assert _queries(client, url) == few


@pytest.mark.django_db
def test_the_detail_page_tells_the_story(client, contributor, reviewer):
    # given
    entry = _skill(contributor)
    contribution_submit(contribution_id=entry.pk, actor=contributor, note="please look")
    entry.refresh_from_db()
    Review.objects.create(
        contribution=entry,
        revision=entry.current_revision,
        reviewer=reviewer,
        decision="request_changes",
        reason="Please vary the **questions**. <script>alert(1)</script>",
    )
    Comment.objects.create(
        contribution=entry, external_author="maintainer", external_id="c1", body="Nice one"
    )
    client.force_login(contributor)
    # when
    page = client.get(f"/contributions/{entry.pk}/").content.decode()
    # then
    assert "Submitted for review" in page and "please look" in page
    assert "<strong>questions</strong>" in page
    assert "<script>alert(1)</script>" not in page
    assert "maintainer on GitHub" in page


@pytest.mark.django_db
def test_nobody_sees_or_acts_on_someone_elses_entry(client, contributor, other_contributor):
    # given
    entry = _skill(contributor)
    client.force_login(other_contributor)
    # then
    for url in ("", "edit/", "yaml/"):
        assert client.get(f"/contributions/{entry.pk}/{url}").status_code == 404
    for url in ("submit/", "withdraw/", "duplicate/", "autosave/", "import/"):
        assert client.post(f"/contributions/{entry.pk}/{url}").status_code == 404
    assert Contribution.objects.filter(author=other_contributor).count() == 0


@pytest.mark.django_db
def test_pages_need_a_login(client):
    response = client.get("/contributions/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_starting_an_entry_opens_the_editor(client, contributor):
    client.force_login(contributor)
    response = client.post(
        "/contributions/new/", {"start": "empty", "kind": "skill", "summary": "S"}
    )
    entry = Contribution.objects.get(author=contributor)
    assert response["Location"] == f"/contributions/{entry.pk}/edit/"
    assert (entry.kind, entry.summary) == ("skill", "S")


@pytest.mark.django_db
def test_starting_from_a_qna_yaml(client, contributor):
    client.force_login(contributor)
    response = client.post(
        "/contributions/new/",
        {
            "start": "import",
            "qna_file": SimpleUploadedFile("qna.yaml", SKILL_QNA_YAML.encode()),
            "attribution_file": SimpleUploadedFile("attribution.txt", SKILL_ATTRIBUTION.encode()),
        },
    )
    entry = Contribution.objects.get(author=contributor)
    assert response.status_code == 302
    assert entry.draft["attribution"]["title"] == "Placement group states"


@pytest.mark.django_db
def test_a_refused_import_says_why_and_creates_nothing(client, contributor):
    client.force_login(contributor)
    response = client.post(
        "/contributions/new/",
        {"start": "import", "qna_file": SimpleUploadedFile("qna.yaml", ALIAS_BOMB.encode())},
    )
    assert response.status_code == 200
    assert "could not be imported" in response.content.decode()
    assert not Contribution.objects.filter(author=contributor).exists()


@pytest.mark.django_db
def test_submitting_from_the_editor_saves_what_is_on_screen_first(client, contributor):
    # given a new person who has not agreed to the DCO
    contributor.profile.dco_consented_at = None
    contributor.profile.save()
    entry = _skill(contributor)
    client.force_login(contributor)
    fields = {
        "draft_version": entry.draft_version,
        "summary": "Typed just before submitting",
        "taxonomy_path": entry.taxonomy_path,
        "task_description": "Name the Ceph command that answers an operator's question.",
        "seeds": 5,
        **{f"seed-{i}-question": f"How do I see part {i}?" for i in range(1, 6)},
        **{f"seed-{i}-answer": f"Run ceph status, section {i}." for i in range(1, 6)},
        **{f"attribution-{k}": v for k, v in skill_draft()["attribution"].items()},
    }
    # when they submit without ticking the DCO box
    response = client.post(f"/contributions/{entry.pk}/submit/", fields)
    # then the text is saved, and they are asked to agree
    assert response["Location"].endswith("/edit/#submit")
    entry.refresh_from_db()
    assert entry.summary == "Typed just before submitting"
    assert entry.status == Status.DRAFT
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("Developer Certificate of Origin" in m for m in messages)
    # when they tick it
    fields["draft_version"] = entry.draft_version
    response = client.post(f"/contributions/{entry.pk}/submit/", {**fields, "dco_consent": "on"})
    # then
    assert response["Location"] == f"/contributions/{entry.pk}/"
    entry.refresh_from_db()
    assert entry.status == Status.SUBMITTED


@pytest.mark.django_db
def test_withdraw_restore_and_duplicate_from_the_detail_page(client, contributor):
    entry = _skill(contributor)
    client.force_login(contributor)
    client.post(f"/contributions/{entry.pk}/withdraw/", {"note": "not now"})
    entry.refresh_from_db()
    assert entry.status == Status.WITHDRAWN
    response = client.post(f"/contributions/{entry.pk}/restore/")
    assert response["Location"] == f"/contributions/{entry.pk}/edit/"
    response = client.post(f"/contributions/{entry.pk}/duplicate/")
    copy = Contribution.objects.exclude(pk=entry.pk).get(author=contributor)
    assert response["Location"] == f"/contributions/{copy.pk}/edit/"


@pytest.mark.django_db
def test_every_form_posts_with_a_csrf_token(contributor):
    # given a client that enforces CSRF like a browser would
    client = Client(enforce_csrf_checks=True)
    client.force_login(contributor)
    entry = _skill(contributor)
    # when a form is posted without the token
    response = client.post(f"/contributions/{entry.pk}/withdraw/")
    # then it is refused
    assert response.status_code == 403
    # and every form the pages render carries the token
    for url in (
        f"/contributions/{entry.pk}/edit/",
        f"/contributions/{entry.pk}/",
        "/profile/",
        "/contributions/new/",
    ):
        page = client.get(url).content.decode()
        forms = re.findall(r"<form\b[^>]*method=\"post\"[^>]*>(.*?)</form>", page, re.S)
        assert forms and all("csrfmiddlewaretoken" in form for form in forms), url


@pytest.mark.django_db
def test_the_yaml_page_shows_and_downloads_the_exact_files(client, contributor):
    entry = _skill(contributor)
    client.force_login(contributor)
    page = client.get(f"/contributions/{entry.pk}/yaml/").content.decode()
    assert "compositional_skills/ceph/status/qna.yaml" in page
    download = client.get(f"/contributions/{entry.pk}/yaml/?download=qna.yaml")
    assert download["Content-Disposition"] == 'attachment; filename="qna.yaml"'
    assert download.content.decode().startswith(f"created_by: {contributor.username}\nversion: 3\n")
    attribution = client.get(f"/contributions/{entry.pk}/yaml/?download=attribution.txt")
    assert attribution.content.decode().startswith("Title of work: Ceph status questions\n")


@pytest.mark.django_db
def test_profile_changes_name_identity_handle_and_notifications(client, contributor):
    client.force_login(contributor)
    data = {
        "display_name": "Ada",
        "commit_name": "Ada Lovelace",
        "commit_email": "ada@example.org",
        "github_handle": "@ada-l",
        "notify_decision_portal": "on",
        "notify_comment_email": "on",
    }
    response = client.post("/profile/", data)
    assert response.status_code == 302
    contributor.profile.refresh_from_db()
    assert contributor.profile.commit_identity == ("Ada Lovelace", "ada@example.org")
    assert contributor.profile.github_handle == "ada-l"
    prefs = {p.kind: (p.in_portal, p.by_email) for p in contributor.notification_preferences.all()}
    assert prefs["decision"] == (True, False) and prefs["comment"] == (False, True)
    assert ContributionEvent.objects.filter(actor=contributor, event="profile_updated").exists()


@pytest.mark.django_db
def test_profile_refuses_a_bad_github_handle_and_says_why(client, contributor):
    client.force_login(contributor)
    response = client.post("/profile/", {"github_handle": "not a handle!"})
    assert response.status_code == 200
    assert "letters, digits and single dashes" in response.content.decode()


@pytest.mark.django_db
def test_the_profile_shows_the_dco_and_records_agreement(client, contributor):
    contributor.profile.dco_consented_at = None
    contributor.profile.save()
    client.force_login(contributor)
    page = client.get("/profile/").content.decode()
    assert "Developer Certificate of Origin, version 1.1" in page
    assert "noreply" in page  # the default commit address is shown
    client.post("/profile/dco/", {"agree": "yes"})
    contributor.profile.refresh_from_db()
    assert contributor.profile.has_dco_consent
    client.post("/profile/dco/", {"action": "withdraw"})
    contributor.profile.refresh_from_db()
    assert not contributor.profile.has_dco_consent


@pytest.mark.django_db
def test_a_refused_submit_counts_the_problems_as_the_checks_panel_does(client, contributor):
    # given an entry with one mistake and one empty field
    draft = skill_draft()
    draft["attribution"].update(license="Proprietary", creators="")
    entry = _skill(contributor)
    entry = contribution_save_draft(
        contribution_id=entry.pk,
        actor=contributor,
        draft=draft,
        summary=entry.summary,
        taxonomy_path=entry.taxonomy_path,
        expected_version=entry.draft_version,
    )
    client.force_login(contributor)

    # when they submit it
    response = client.post(f"/contributions/{entry.pk}/submit/", follow=True)

    # then the banner and the Checks panel give the same numbers in the same words
    page = response.content.decode()
    to_fix = re.search(r'<span class="count bad">(\d+) to fix</span>', page).group(1)
    empty = re.search(r'<span class="count todo">(\d+) still empty</span>', page).group(1)
    messages = [str(m) for m in response.context["messages"]]
    assert messages == [
        f"Not submitted yet: {to_fix} to fix, {empty} still empty. Each one is marked at its "
        "field and listed under Checks."
    ]


@pytest.mark.django_db
def test_reviewer_only_notifications_are_offered_only_to_reviewers(client, contributor, reviewer):
    # when a plain contributor opens the profile
    client.force_login(contributor)
    page = client.get("/profile/").content.decode()
    # then the reviewers' notifications are not offered
    assert "Daily digest" not in page and "asked me to review" not in page
    assert 'name="notify_decision_portal"' in page

    # when a reviewer opens it
    client.force_login(reviewer)
    page = client.get("/profile/").content.decode()
    # then they are
    assert 'name="notify_digest_email"' in page and 'name="notify_review_assigned_portal"' in page
