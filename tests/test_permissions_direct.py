"""The permission functions themselves (pages and the API both use them), not through a page.

Each rule is tested where it lives, so that removing it from `permissions.py` fails here even
while the services keep their own checks.
"""

from __future__ import annotations

import pytest

from contributions import permissions
from contributions.workflow import Status
from tests.factories import ContributionFactory, UserFactory
from tests.review_factories import scoped_reviewer, submitted_entry

PATH = "compositional_skills/ceph/health"


@pytest.fixture
def people(db):
    author = UserFactory(roles=["contributor"])
    return {
        "author": author,
        "other": UserFactory(roles=["contributor"]),
        "reviewer": scoped_reviewer("compositional_skills"),
        "admin": scoped_reviewer(admin=True),
    }


def test_a_never_submitted_draft_is_private_to_its_author(people):
    # given a draft that was never submitted, in the reviewer's scope
    draft = ContributionFactory(author=people["author"], taxonomy_path=f"{PATH}_draft")
    assert draft.status == Status.DRAFT and draft.current_revision_id is None
    # when / then only its author sees it: not the reviewer in scope, not even an admin
    seen = {name: permissions.can_view(user, draft) for name, user in people.items()}
    assert seen == {"author": True, "other": False, "reviewer": False, "admin": False}


def test_a_submitted_entry_is_seen_by_its_reviewers_and_admins(people):
    # given the same kind of entry, submitted / when / then reviewers in scope and admins see it
    entry = submitted_entry(people["author"], path=PATH)
    seen = {name: permissions.can_view(user, entry) for name, user in people.items()}
    assert seen == {"author": True, "other": False, "reviewer": True, "admin": True}


def test_only_the_author_may_edit(people):
    # given an editable draft of the author's
    draft = ContributionFactory(author=people["author"], taxonomy_path=f"{PATH}_edit")
    # when / then not another contributor, a reviewer or an admin
    allowed = {name: permissions.can_edit(user, draft) for name, user in people.items()}
    assert allowed == {"author": True, "other": False, "reviewer": False, "admin": False}


def test_a_reviewer_may_not_review_their_own_entry(people):
    # given a submitted entry whose author is a reviewer in scope, and one by someone else
    own = submitted_entry(people["reviewer"], path=f"{PATH}_own")
    theirs = submitted_entry(people["author"], path=f"{PATH}_theirs")
    admins_own = submitted_entry(people["admin"], path=f"{PATH}_admin")
    # when / then the reviewer reviews only the other's entry, and an admin not their own
    assert permissions.can_review(people["reviewer"], theirs)
    assert not permissions.can_review(people["reviewer"], own)
    assert permissions.can_review(people["admin"], own)
    assert not permissions.can_review(people["admin"], admins_own)


def test_nobody_signed_out_sees_anything(people):
    # given a submitted entry / when an anonymous visitor asks / then no
    from django.contrib.auth.models import AnonymousUser

    entry = submitted_entry(people["author"], path=f"{PATH}_anon")
    assert not permissions.can_view(AnonymousUser(), entry)
    assert not permissions.can_edit(AnonymousUser(), entry)
    assert not permissions.can_review(AnonymousUser(), entry)


def test_an_entry_back_in_draft_after_a_submission_stays_visible_to_its_reviewers(people):
    # given an entry submitted once, then withdrawn to a draft (it keeps its revision)
    entry = submitted_entry(people["author"], path=f"{PATH}_back", status=Status.DRAFT)
    # when / then its reviewers still see what they reviewed
    assert permissions.can_view(people["reviewer"], entry)
    assert permissions.can_view(people["admin"], entry)


def test_scopes_match_whole_folders_whatever_the_slashes(db):
    # given scopes written with and without slashes / when / then
    scopes = ["/knowledge/technology/", "compositional_skills/ceph"]
    assert permissions.path_in_scopes("/knowledge/technology/rgw/", scopes)
    assert permissions.path_in_scopes("knowledge/technology", scopes)
    assert permissions.path_in_scopes("compositional_skills/ceph/", scopes)
    assert not permissions.path_in_scopes("knowledge/technologyx", scopes)
    assert not permissions.path_in_scopes("compositional_skills", scopes)


def test_the_scope_query_matches_any_scope_and_only_whole_folders(people):
    # given entries in two scoped folders, one beside them and one outside
    from contributions.models import Contribution

    made = {
        path: ContributionFactory(author=people["author"], taxonomy_path=path).pk
        for path in ("knowledge/a", "knowledge/a/b", "skills/c", "knowledge/ab", "other/d")
    }
    # when the query is built from two scopes written with slashes
    query = permissions.path_scope_q(["/knowledge/a/", "skills/c"])
    found = set(Contribution.objects.filter(query).values_list("pk", flat=True))
    # then it finds the folders and what is below them, nothing else
    assert found == {made["knowledge/a"], made["knowledge/a/b"], made["skills/c"]}
