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
