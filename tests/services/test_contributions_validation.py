"""Checking entries with the taxonomy engine, and the files handed to the pull-request pipeline."""

import pytest
import yaml
from django.utils import timezone

from contributions.models import ContributionEvent, TaxonomyTree
from contributions.services import validation
from contributions.services.contributions import contribution_create_draft, contribution_submit
from contributions.services.documents import document_upload
from contributions.tasks import validate_contribution
from contributions.taxonomy import validate_file
from tests.contributor_samples import DOCUMENT, PASSAGES, knowledge_draft, skill_draft

SHA = "a" * 40


def _knowledge(author, **kw):
    contribution = contribution_create_draft(
        author=author,
        kind="knowledge",
        summary="RBD snapshots",
        taxonomy_path=kw.pop("taxonomy_path", "knowledge/technology/ceph/rbd_snapshots"),
        draft=kw.pop("draft", knowledge_draft()),
    )
    document_upload(
        contribution_id=contribution.pk, actor=author, filename="rbd.md", data=DOCUMENT.encode()
    )
    contribution.refresh_from_db()
    return contribution


def _rules(contribution):
    return {(i["rule"], i["severity"]) for i in contribution.validation_issues}


@pytest.mark.django_db
def test_a_context_missing_from_the_documents_is_a_warning_at_that_example(contributor):
    # given
    data = knowledge_draft()
    data["entry"]["seed_examples"][2]["context"] = "A passage that is in no document at all."
    # when
    contribution = _knowledge(contributor, draft=data)
    # then
    found = [i for i in contribution.validation_issues if i["rule"] == "document.context-not-found"]
    assert [(i["severity"], i["location"]["seed"], i["location"]["field"]) for i in found] == [
        ("warning", 3, "context")
    ]
    assert contribution.validation_state == "passed"


@pytest.mark.django_db
def test_markdown_markup_and_wrapping_do_not_hide_a_context(contributor):
    # given a document where the passage is wrapped and emphasised
    data = knowledge_draft()
    contribution = contribution_create_draft(
        author=contributor, kind="knowledge", summary="s", taxonomy_path="knowledge/a", draft=data
    )
    wrapped = DOCUMENT.replace("read-only copy", "**read-only**\ncopy")
    document_upload(
        contribution_id=contribution.pk, actor=contributor, filename="a.md", data=wrapped.encode()
    )
    contribution.refresh_from_db()
    # then
    assert ("document.context-not-found", "warning") not in _rules(contribution)


@pytest.mark.django_db
def test_a_passage_with_a_word_changed_is_still_found(contributor):
    # given a passage copied with one word changed
    data = knowledge_draft()
    data["entry"]["seed_examples"][0]["context"] = PASSAGES[0].replace("copy", "snapshot", 1)
    # when
    contribution = _knowledge(contributor, draft=data)
    # then
    assert ("document.context-not-found", "warning") not in _rules(contribution)


@pytest.mark.django_db
def test_a_folder_that_already_holds_an_entry_is_flagged(contributor):
    # given the synced tree knows the folder
    TaxonomyTree.objects.create(
        repo="ceph/ceph-taxonomy",
        branch="main",
        synced_at=timezone.now(),
        folders={"knowledge/technology/ceph/rbd_snapshots": {"has_qna": True}},
    )
    # when
    contribution = _knowledge(contributor)
    # then
    assert ("path.has-entry", "warning") in _rules(contribution)


@pytest.mark.django_db
def test_a_skill_under_knowledge_is_an_error_at_the_path(contributor):
    contribution = contribution_create_draft(
        author=contributor,
        kind="skill",
        summary="s",
        taxonomy_path="knowledge/x",
        draft=skill_draft(),
    )
    assert ("path.kind-mismatch", "error") in _rules(contribution)
    assert contribution.validation_state == "failed"


@pytest.mark.django_db
def test_entry_for_commit_gives_the_files_the_pipeline_commits(contributor):
    # given a submitted knowledge entry
    contribution = _knowledge(contributor)
    contribution_submit(contribution_id=contribution.pk, actor=contributor)
    contribution.refresh_from_db()
    # when
    files = validation.entry_for_commit(contribution.current_revision, docs_commit_sha=SHA)
    # then
    data = yaml.safe_load(files.qna_yaml)
    assert data["document"] == {
        "repo": "https://github.com/ceph/ceph-knowledge-docs",
        "commit": SHA,
        "patterns": ["knowledge/technology/ceph/rbd_snapshots/rbd.md"],
    }
    assert data["created_by"] == contributor.username
    assert files.documents == {"knowledge/technology/ceph/rbd_snapshots/rbd.md": DOCUMENT}
    assert files.attribution.startswith("Title of work: RBD snapshots\n")
    report = validate_file(
        files.qna_yaml,
        path="knowledge/technology/ceph/rbd_snapshots/qna.yaml",
        attribution_text=files.attribution,
    )
    assert report.ci_valid and report.portal_valid, report.issues


@pytest.mark.django_db
def test_entry_for_commit_without_a_commit_uses_the_marked_placeholder(contributor):
    contribution = _knowledge(contributor)
    files = validation.entry_for_commit(contribution)
    assert f"commit: '{validation.DOCUMENT_COMMIT_PLACEHOLDER}'" in files.qna_yaml
    with pytest.raises(ValueError, match="40-character"):
        validation.entry_for_commit(contribution, docs_commit_sha="abc1234")


@pytest.mark.django_db
def test_a_skill_has_no_documents_to_commit(contributor):
    contribution = contribution_create_draft(
        author=contributor,
        kind="skill",
        summary="s",
        taxonomy_path="compositional_skills/ceph/status",
        draft=skill_draft(),
    )
    files = validation.entry_for_commit(contribution)
    assert files.documents == {}
    assert "task_description: Name the Ceph command" in files.qna_yaml


@pytest.mark.django_db
def test_the_validate_task_records_the_verdict_and_can_run_twice(contributor):
    # given
    contribution = _knowledge(contributor)
    # when
    first = validate_contribution.delay(contribution.pk).get()
    second = validate_contribution.delay(contribution.pk).get()
    # then
    assert first == second == "passed"
    events = ContributionEvent.objects.filter(contribution=contribution, event="validated")
    assert events.count() == 2
    assert events.first().data["state"] == "passed"
    assert validate_contribution.delay(999_999).get() == "gone"


@pytest.mark.django_db
def test_after_submit_the_current_revision_is_what_gets_checked(contributor):
    # given
    contribution = _knowledge(contributor)
    contribution_submit(contribution_id=contribution.pk, actor=contributor)
    # when
    report = validation.contribution_validate(contribution_id=contribution.pk)
    # then
    assert report["can_submit"] is True
    event = ContributionEvent.objects.filter(contribution=contribution, event="validated").get()
    assert event.data["revision"] == 1
