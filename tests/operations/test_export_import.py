"""manage.py portal_export / portal_import move a portal's data to a new database whole."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.authtoken.models import Token

from contributions.models import Contribution, ContributionEvent, PullRequest, Review, Revision
from contributions.workflow import Status
from tests.factories import ContributionFactory, PullRequestFactory, RevisionFactory


def _snapshot() -> dict:
    return {
        "users": sorted(get_user_model().objects.values_list("username", "password", "email")),
        "roles": sorted(
            get_user_model()
            .objects.filter(groups__isnull=False)
            .values_list("username", "groups__name")
        ),
        "tokens": sorted(Token.objects.values_list("key", "user__username")),
        "entries": sorted(
            Contribution.objects.values_list("pk", "status", "author__username", "current_revision")
        ),
        "revisions": sorted(Revision.objects.values_list("pk", "content_sha256")),
        "events": sorted(ContributionEvent.objects.values_list("pk", "event", "created_at")),
        "reviews": sorted(Review.objects.values_list("pk", "reviewer__username", "decision")),
        "pulls": sorted(PullRequest.objects.values_list("number", "branch", "contribution")),
    }


@pytest.mark.django_db(transaction=True)
def test_a_portal_exported_and_imported_into_an_empty_database_is_the_same(
    tmp_path, contributor, reviewer
):
    # given a portal with accounts, roles, tokens, entries, revisions, reviews, events and a PR
    Token.objects.create(user=contributor)
    entry = ContributionFactory(author=contributor, status=Status.PR_OPEN)
    revision = RevisionFactory(contribution=entry)
    entry.current_revision = revision
    entry.save()
    Review.objects.create(
        contribution=entry, revision=revision, reviewer=reviewer, decision="approve"
    )
    ContributionEvent.objects.create(contribution=entry, actor=contributor, event="submitted")
    PullRequestFactory(contribution=entry, revision=revision, branch="cephportal/entry-1")
    ContributionFactory(author=contributor)
    before = _snapshot()
    # when it is exported, the database emptied, and the file imported
    backup = tmp_path / "portal.xml.gz"
    call_command("portal_export", str(backup))
    call_command("flush", interactive=False, verbosity=0)
    assert not get_user_model().objects.exists()
    call_command("portal_import", str(backup))
    # then everything is back as it was
    assert _snapshot() == before
    # and new rows still get fresh ids (sequences were moved past the imported ones)
    assert ContributionFactory(author=contributor).pk > max(pk for pk, *_ in before["entries"])


@pytest.mark.django_db
def test_import_refuses_a_portal_that_is_not_empty(tmp_path, contributor):
    backup = tmp_path / "portal.xml"
    call_command("portal_export", str(backup))
    with pytest.raises(CommandError, match="already holds"):
        call_command("portal_import", str(backup))
