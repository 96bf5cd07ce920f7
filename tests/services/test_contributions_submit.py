"""Submit, resubmit, withdraw and restore: the rules that guard sending an entry to review."""

import pytest

from contributions.models import Contribution, ContributionEvent, KnowledgeDocument, Revision
from contributions.services.contributions import (
    contribution_create_draft,
    contribution_restore,
    contribution_save_draft,
    contribution_submit,
    contribution_withdraw,
)
from contributions.services.core import PermissionDenied, ServiceError
from contributions.services.documents import document_upload
from contributions.services.validation import DOCUMENT_COMMIT_PLACEHOLDER
from contributions.workflow import Status
from tests.contributor_samples import DOCUMENT, knowledge_draft, skill_draft


def _ready_skill(author):
    return contribution_create_draft(
        author=author,
        kind="skill",
        summary="Status questions",
        taxonomy_path="compositional_skills/ceph/status",
        draft=skill_draft(),
    )


def _ready_knowledge(author):
    contribution = contribution_create_draft(
        author=author,
        kind="knowledge",
        summary="RBD snapshots",
        taxonomy_path="knowledge/technology/ceph/rbd_snapshots",
        draft=knowledge_draft(),
    )
    document_upload(
        contribution_id=contribution.pk, actor=author, filename="rbd.md", data=DOCUMENT.encode()
    )
    contribution.refresh_from_db()
    return contribution


@pytest.mark.django_db
def test_submitting_freezes_a_revision_and_records_who_signs_it(contributor):
    # given
    draft = _ready_knowledge(contributor)
    assert draft.validation_state == Contribution.Validation.PASSED, draft.validation_issues
    # when
    submitted = contribution_submit(contribution_id=draft.pk, actor=contributor, note="first")
    # then
    assert submitted.status == Status.SUBMITTED
    revision = submitted.current_revision
    assert revision.number == 1
    assert revision.content["document"] == {
        "repo": "https://github.com/ceph/ceph-knowledge-docs",
        "commit": DOCUMENT_COMMIT_PLACEHOLDER,
        "patterns": ["knowledge/technology/ceph/rbd_snapshots/rbd.md"],
    }
    assert KnowledgeDocument.objects.get(revision=revision).content == DOCUMENT
    event = ContributionEvent.objects.get(contribution=draft, event="submitted")
    name, email = contributor.profile.commit_identity
    assert event.data["commit_identity"] == {"name": name, "email": email}
    assert event.note == "first"


@pytest.mark.django_db
def test_an_entry_that_fails_the_checks_cannot_be_submitted(contributor):
    # given a knowledge entry whose examples repeat a question
    data = knowledge_draft()
    data["entry"]["seed_examples"][1]["questions_and_answers"][0]["question"] = (
        "Question 1 about passage 1?"
    )
    draft = _ready_knowledge(contributor)
    contribution_save_draft(
        contribution_id=draft.pk,
        actor=contributor,
        draft=data,
        summary=draft.summary,
        taxonomy_path=draft.taxonomy_path,
    )
    # when / then
    with pytest.raises(ServiceError, match="1 problem to fix"):
        contribution_submit(contribution_id=draft.pk, actor=contributor)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert not Revision.objects.filter(contribution=draft).exists()


@pytest.mark.django_db
def test_an_entry_breaking_a_ci_rule_is_refused(contributor):
    # given four examples where the taxonomy's CI wants five
    data = skill_draft()
    data["entry"]["seed_examples"].pop()
    draft = contribution_create_draft(
        author=contributor,
        kind="skill",
        summary="s",
        taxonomy_path="compositional_skills/a",
        draft=data,
    )
    # then
    assert any(
        i["source"] == "ci" and i["rule"] == "schema.min-items" for i in draft.validation_issues
    )
    with pytest.raises(ServiceError, match="to fix before it can be submitted"):
        contribution_submit(contribution_id=draft.pk, actor=contributor)


@pytest.mark.django_db
def test_without_dco_consent_submitting_asks_for_it_and_consent_can_be_given_inline(contributor):
    # given
    contributor.profile.dco_consented_at = None
    contributor.profile.save()
    draft = _ready_skill(contributor)
    # then
    with pytest.raises(ServiceError, match="Developer Certificate of Origin"):
        contribution_submit(contribution_id=draft.pk, actor=contributor)
    # when
    contribution_submit(contribution_id=draft.pk, actor=contributor, dco_consent=True)
    # then
    contributor.profile.refresh_from_db()
    assert contributor.profile.has_dco_consent
    assert ContributionEvent.objects.filter(actor=contributor, event="dco_consent_given").exists()


@pytest.mark.django_db
def test_a_broken_commit_email_blocks_submitting_until_fixed(contributor):
    # given
    contributor.profile.commit_email = "not an address"
    contributor.profile.save()
    draft = _ready_skill(contributor)
    # then
    with pytest.raises(ServiceError, match="name and an e-mail address"):
        contribution_submit(contribution_id=draft.pk, actor=contributor)


@pytest.mark.django_db
def test_only_the_author_submits(contributor, other_contributor):
    draft = _ready_skill(contributor)
    with pytest.raises(PermissionDenied):
        contribution_submit(contribution_id=draft.pk, actor=other_contributor)


@pytest.mark.django_db
def test_resubmitting_after_changes_requested_makes_revision_two(contributor):
    # given a submitted entry the reviewers sent back
    draft = _ready_skill(contributor)
    contribution_submit(contribution_id=draft.pk, actor=contributor)
    Contribution.objects.filter(pk=draft.pk).update(status=Status.CHANGES_REQUESTED)
    # when unchanged, it is refused
    with pytest.raises(ServiceError, match="Nothing has changed"):
        contribution_submit(contribution_id=draft.pk, actor=contributor)
    # when changed
    data = skill_draft()
    data["entry"]["task_description"] = "Name the right Ceph command, with a one-line reason."
    contribution_save_draft(
        contribution_id=draft.pk,
        actor=contributor,
        draft=data,
        summary="Status questions",
        taxonomy_path="compositional_skills/ceph/status",
    )
    resubmitted = contribution_submit(contribution_id=draft.pk, actor=contributor)
    # then
    assert resubmitted.status == Status.SUBMITTED
    assert resubmitted.current_revision.number == 2
    first = Revision.objects.get(contribution=draft, number=1)
    assert first.content["task_description"].startswith("Name the Ceph command")
    assert ContributionEvent.objects.filter(contribution=draft, event="resubmitted").exists()


@pytest.mark.django_db
def test_a_submitted_entry_cannot_be_submitted_twice(contributor):
    draft = _ready_skill(contributor)
    contribution_submit(contribution_id=draft.pk, actor=contributor)
    with pytest.raises(ServiceError, match="only drafts"):
        contribution_submit(contribution_id=draft.pk, actor=contributor)


@pytest.mark.django_db
def test_withdraw_and_restore(contributor, other_contributor):
    # given
    draft = _ready_skill(contributor)
    contribution_submit(contribution_id=draft.pk, actor=contributor)
    # then
    with pytest.raises(PermissionDenied):
        contribution_withdraw(contribution_id=draft.pk, actor=other_contributor)
    # when
    withdrawn = contribution_withdraw(contribution_id=draft.pk, actor=contributor, note="later")
    # then
    assert withdrawn.status == Status.WITHDRAWN
    with pytest.raises(ServiceError, match="can no longer be withdrawn"):
        contribution_withdraw(contribution_id=draft.pk, actor=contributor)
    restored = contribution_restore(contribution_id=draft.pk, actor=contributor)
    assert restored.status == Status.DRAFT
    events = ContributionEvent.objects.filter(contribution=draft).values_list("event", flat=True)
    assert [e for e in events if e in {"submitted", "withdrawn", "restored"}] == [
        "submitted",
        "withdrawn",
        "restored",
    ]


@pytest.mark.django_db
def test_restore_only_brings_back_withdrawn_entries(contributor):
    draft = _ready_skill(contributor)
    with pytest.raises(ServiceError, match="Only a withdrawn entry"):
        contribution_restore(contribution_id=draft.pk, actor=contributor)
