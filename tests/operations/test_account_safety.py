"""Sign-up spam protection (e-mail confirmation before submitting), per-user limits, and account
deletion that keeps the audit trail."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from rest_framework.authtoken.models import Token

from contributions.models import (
    Contribution,
    ContributionEvent,
    ContributorProfile,
    Review,
    Revision,
)
from contributions.services.accounts import DELETED_USERNAME, user_delete_account, user_sign_up
from contributions.services.contributions import contribution_create_draft, contribution_submit
from contributions.services.core import ServiceError
from contributions.services.documents import document_write
from tests.factories import ContributionFactory, RevisionFactory, skill_content

ATTRIBUTION = {
    "title": "Ceph documentation",
    "link": "https://docs.ceph.com/en/latest/",
    "revision": "reef",
    "license": "CC-BY-SA-4.0",
    "creators": "The Ceph authors",
}


def _draft(author, n: int = 1, kind: str = "skill") -> Contribution:
    root = "compositional_skills" if kind == "skill" else "knowledge"
    return contribution_create_draft(
        author=author,
        kind=kind,
        summary=f"Entry {n}",
        taxonomy_path=f"{root}/technology/ceph/safety_{n}",
        draft={"entry": skill_content(), "attribution": ATTRIBUTION},
    )


@pytest.mark.django_db
def test_a_new_account_submits_only_after_confirming_its_address(
    client, django_capture_on_commit_callbacks
):
    # given someone who has just signed up
    with django_capture_on_commit_callbacks(execute=True):
        with_mail = client.post(
            "/accounts/signup/",
            {
                "username": "newcomer",
                "email": "newcomer@example.org",
                "password": "a sturdy passphrase 42",
                "password_again": "a sturdy passphrase 42",
            },
        )
    assert with_mail.status_code == 302
    user = get_user_model().objects.get(username="newcomer")
    entry = _draft(user)
    # when they submit before opening the link
    with pytest.raises(ServiceError, match="Confirm your e-mail address"):
        contribution_submit(contribution_id=entry.pk, actor=user, dco_consent=True)
    # then it is refused; once they open the link from the e-mail, it is accepted
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["newcomer@example.org"]
    link = re.search(r"http://\S+(/accounts/verify-email/\S+/)", mail.outbox[0].body).group(1)
    assert client.get(link).status_code == 302
    assert ContributorProfile.objects.get(user=user).email_verified_at is not None
    contribution_submit(contribution_id=entry.pk, actor=user, dco_consent=True)
    assert Contribution.objects.get(pk=entry.pk).status == "submitted"


@pytest.mark.django_db
def test_a_forged_or_stale_link_confirms_nothing(client, django_capture_on_commit_callbacks):
    # given an account whose link was made for an address it no longer has
    with django_capture_on_commit_callbacks(execute=True):
        user = user_sign_up(username="mover", email="old@example.org", password="a sturdy pw 1")
    link = re.search(r"(/accounts/verify-email/\S+/)", mail.outbox[0].body).group(1)
    user.email = "new@example.org"
    user.save()
    # when the old link, or a made-up one, is opened
    client.get(link)
    client.get("/accounts/verify-email/not-a-real-token/")
    # then the account is still unconfirmed
    assert ContributorProfile.objects.get(user=user).email_verified_at is None


@pytest.mark.django_db
def test_submissions_per_day_are_limited(contributor, settings):
    # given a limit of two submissions a day
    settings.SUBMISSIONS_PER_DAY = 2
    entries = [_draft(contributor, n) for n in range(1, 4)]
    for entry in entries[:2]:
        contribution_submit(contribution_id=entry.pk, actor=contributor, dco_consent=True)
    # when a third comes the same day
    with pytest.raises(ServiceError, match="submitted 2 entries in the last 24 hours"):
        contribution_submit(contribution_id=entries[2].pk, actor=contributor, dco_consent=True)
    # then it stays a draft
    assert Contribution.objects.get(pk=entries[2].pk).status == "draft"


@pytest.mark.django_db
def test_documents_per_day_are_limited(contributor, settings):
    # given a limit of two documents a day
    settings.DOCUMENTS_PER_DAY = 2
    entry = _draft(contributor, kind="knowledge")
    for n in range(2):
        document_write(
            contribution_id=entry.pk, actor=contributor, filename=f"doc{n}", content="# Doc\n"
        )
    # then the third is refused
    with pytest.raises(ServiceError, match="added 2 documents"):
        document_write(contribution_id=entry.pk, actor=contributor, filename="doc9", content="#\n")


@pytest.mark.django_db
def test_deleting_an_account_keeps_its_work_and_audit_trail(client, contributor, reviewer):
    # given a contributor with an entry, a revision, events and a token, reviewed by someone
    Token.objects.create(user=contributor)
    entry = ContributionFactory(author=contributor, status="submitted")
    revision = RevisionFactory(contribution=entry, created_by=contributor)
    Review.objects.create(
        contribution=entry, revision=revision, reviewer=reviewer, decision="approve"
    )
    ContributionEvent.objects.create(contribution=entry, actor=contributor, event="submitted")
    events_before = ContributionEvent.objects.filter(contribution=entry).count()
    # when they delete their account from the page, with their password
    client.force_login(contributor)
    assert client.post("/accounts/delete/", {"password": "wrong"}).status_code == 200
    response = client.post("/accounts/delete/", {"password": "correct-horse-battery"})
    # then the account, its profile and token are gone, and they are logged out
    assert response.status_code == 302
    assert not get_user_model().objects.filter(pk=contributor.pk).exists()
    assert not Token.objects.filter(user_id=contributor.pk).exists()
    assert not ContributorProfile.objects.filter(user_id=contributor.pk).exists()
    assert "_auth_user_id" not in client.session
    # and the entry, its revision and every event remain, attributed to the deleted account
    stand_in = get_user_model().objects.get(username=DELETED_USERNAME)
    assert not stand_in.is_active and not stand_in.has_usable_password()
    assert Contribution.objects.get(pk=entry.pk).author == stand_in
    assert Revision.objects.get(pk=revision.pk).created_by == stand_in
    assert ContributionEvent.objects.filter(contribution=entry).count() == events_before
    assert ContributionEvent.objects.filter(actor=stand_in, event="submitted").exists()
    # and the deletion itself is in the audit log, and the reviewer's work is untouched
    deleted = ContributionEvent.objects.get(event="account_deleted")
    assert deleted.data["user"] == contributor.pk and deleted.data["moved"]["entries"] == 1
    assert Review.objects.get(contribution=entry).reviewer == reviewer


@pytest.mark.django_db
def test_the_stand_in_account_cannot_be_deleted(contributor):
    user_delete_account(user=contributor, actor=None)
    stand_in = get_user_model().objects.get(username=DELETED_USERNAME)
    with pytest.raises(ServiceError):
        user_delete_account(user=stand_in, actor=None)
