"""The pipeline's API: an entry's pull request, and the pipeline's status for admins."""

from __future__ import annotations

from unittest import mock

import pytest
from rest_framework.test import APIClient

from contributions.models import ServiceStatus
from tests.factories import ContributionFactory, PullRequestFactory


def _api(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


@pytest.mark.django_db
def test_the_author_sees_their_entrys_pull_request(
    contributor, other_contributor, django_assert_max_num_queries
):
    # given an entry of the contributor with a pull request
    entry = ContributionFactory(author=contributor, status="pr_open")
    pull = PullRequestFactory(contribution=entry, number=42)
    url = f"/api/contributions/{entry.pk}/pull-request/"
    # when its author and someone else ask
    with django_assert_max_num_queries(6):
        mine = _api(contributor).get(url)
    theirs = _api(other_contributor).get(url)
    # then the author gets it and the other person is told it does not exist
    assert mine.status_code == 200
    assert (mine.json()["number"], mine.json()["url"]) == (42, pull.url)
    assert theirs.status_code == 404


@pytest.mark.django_db
def test_an_entry_without_a_pull_request_answers_404(contributor):
    entry = ContributionFactory(author=contributor, status="approved")
    assert _api(contributor).get(f"/api/contributions/{entry.pk}/pull-request/").status_code == 404


@pytest.mark.django_db
def test_admins_see_the_pipeline_status(admin_user, contributor, django_assert_max_num_queries):
    # given a rate-limit reading
    ServiceStatus.objects.create(
        key="github_rate_limit", data={"resources": {"core": {"limit": 5000, "remaining": 4990}}}
    )
    # when an admin and a contributor ask
    with django_assert_max_num_queries(8):
        body = _api(admin_user).get("/api/pipeline/status/").json()
    refused = _api(contributor).get("/api/pipeline/status/")
    # then the admin sees GitHub's headroom, the contributor is refused
    assert body["github"]["resources"]["core"]["remaining"] == 4990
    assert body["taxonomy_tree"] is None
    assert refused.status_code == 403


@pytest.mark.django_db
def test_admins_can_queue_a_reconcile_and_a_tree_sync(
    admin_user, contributor, django_capture_on_commit_callbacks
):
    # given / when an admin asks for both
    with (
        mock.patch("contributions.tasks.pipeline.reconcile_pull_requests.delay") as reconcile,
        mock.patch("contributions.tasks.pipeline.sync_taxonomy_tree.delay") as sync,
        django_capture_on_commit_callbacks(execute=True),
    ):
        first = _api(admin_user).post("/api/pipeline/reconcile/")
        second = _api(admin_user).post("/api/pipeline/taxonomy-sync/")
        refused = _api(contributor).post("/api/pipeline/reconcile/")
    # then both are queued, and a contributor may not
    assert (first.status_code, second.status_code, refused.status_code) == (202, 202, 403)
    reconcile.assert_called_once_with()
    sync.assert_called_once_with()
