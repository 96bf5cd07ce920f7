"""Drafts: create, autosave (with conflicts), duplicate, import; each write audited."""

import pytest

from contributions.models import Contribution, ContributionEvent, KnowledgeDocument
from contributions.services.contributions import (
    contribution_create_draft,
    contribution_save_draft,
)
from contributions.services.core import ConflictError, PermissionDenied, ServiceError
from contributions.services.documents import document_upload
from contributions.services.importing import contribution_duplicate, contribution_import
from contributions.workflow import Status
from tests.contributor_samples import (
    ALIAS_BOMB,
    DOCUMENT,
    SKILL_ATTRIBUTION,
    SKILL_QNA_YAML,
    knowledge_draft,
    skill_draft,
)


def _events(contribution, name):
    return ContributionEvent.objects.filter(contribution=contribution, event=name)


@pytest.mark.django_db
def test_a_new_draft_has_five_empty_examples_and_is_checked(contributor):
    # when
    draft = contribution_create_draft(author=contributor, kind="knowledge")
    # then
    entry = draft.draft["entry"]
    assert len(entry["seed_examples"]) == 5
    assert all(len(s["questions_and_answers"]) == 3 for s in entry["seed_examples"])
    assert entry["created_by"] == contributor.username
    assert draft.validation_state == Contribution.Validation.FAILED
    rules = {i["rule"] for i in draft.validation_issues}
    assert {"path.missing", "document.missing", "schema.min-length"} <= rules
    assert _events(draft, "draft_created").count() == 1


@pytest.mark.django_db
def test_created_by_is_the_authors_github_handle_when_they_gave_one(contributor):
    # given
    contributor.profile.github_handle = "ada-gh"
    contributor.profile.save()
    # when
    draft = contribution_create_draft(author=contributor, kind="skill", draft=skill_draft())
    # then
    assert draft.draft["entry"]["created_by"] == "ada-gh"


@pytest.mark.django_db
def test_saving_a_draft_bumps_its_version_checks_it_and_audits_it(contributor):
    # given
    draft = contribution_create_draft(author=contributor, kind="skill")
    # when
    saved = contribution_save_draft(
        contribution_id=draft.pk,
        actor=contributor,
        draft=skill_draft(),
        summary="  Status questions  ",
        taxonomy_path="compositional_skills/ceph/status/",
        expected_version=draft.draft_version,
    )
    # then
    assert saved.draft_version == draft.draft_version + 1
    assert saved.summary == "Status questions"
    assert saved.taxonomy_path == "compositional_skills/ceph/status"
    assert saved.validation_state == Contribution.Validation.PASSED, saved.validation_issues
    event = _events(saved, "draft_saved").get()
    assert event.data == {"draft_version": saved.draft_version, "validation": "passed"}


@pytest.mark.django_db
def test_saving_the_same_text_again_changes_nothing(contributor):
    # given
    draft = contribution_create_draft(author=contributor, kind="skill", draft=skill_draft())
    # when
    again = contribution_save_draft(
        contribution_id=draft.pk,
        actor=contributor,
        draft=draft.draft,
        summary=draft.summary,
        taxonomy_path=draft.taxonomy_path,
        expected_version=draft.draft_version,
    )
    # then
    assert again.draft_version == draft.draft_version
    assert not _events(draft, "draft_saved").exists()


@pytest.mark.django_db
def test_a_save_from_a_stale_page_is_refused_and_keeps_the_newer_text(contributor):
    # given a draft saved from a second device
    draft = contribution_create_draft(author=contributor, kind="skill")
    newer = skill_draft()
    contribution_save_draft(
        contribution_id=draft.pk,
        actor=contributor,
        draft=newer,
        summary="from the phone",
        taxonomy_path="",
        expected_version=draft.draft_version,
    )
    # when the first device saves from the version it had
    with pytest.raises(ConflictError, match="another window or device"):
        contribution_save_draft(
            contribution_id=draft.pk,
            actor=contributor,
            draft={"entry": {"task_description": "old"}},
            summary="from the laptop",
            taxonomy_path="",
            expected_version=draft.draft_version,
        )
    # then
    draft.refresh_from_db()
    assert draft.summary == "from the phone"


@pytest.mark.django_db
def test_only_the_author_can_save_and_only_while_editable(contributor, other_contributor):
    # given
    draft = contribution_create_draft(author=contributor, kind="skill")
    # then
    with pytest.raises(PermissionDenied):
        contribution_save_draft(
            contribution_id=draft.pk,
            actor=other_contributor,
            draft=skill_draft(),
            summary="",
            taxonomy_path="",
        )
    Contribution.objects.filter(pk=draft.pk).update(status=Status.SUBMITTED)
    with pytest.raises(ServiceError, match="cannot be edited"):
        contribution_save_draft(
            contribution_id=draft.pk,
            actor=contributor,
            draft=skill_draft(),
            summary="",
            taxonomy_path="",
        )


@pytest.mark.django_db
def test_a_draft_of_the_wrong_shape_is_refused_in_plain_words(contributor):
    # given
    draft = contribution_create_draft(author=contributor, kind="skill")
    # then
    with pytest.raises(ServiceError, match="must be a list"):
        contribution_save_draft(
            contribution_id=draft.pk,
            actor=contributor,
            draft={"entry": {"seed_examples": "five"}},
            summary="",
            taxonomy_path="",
        )
    with pytest.raises(ServiceError, match="must be text"):
        contribution_save_draft(
            contribution_id=draft.pk,
            actor=contributor,
            draft={"entry": {"task_description": 42}},
            summary="",
            taxonomy_path="",
        )


@pytest.mark.django_db
def test_text_is_kept_with_trailing_spaces_and_windows_line_ends_tidied(contributor):
    # given
    data = skill_draft()
    data["entry"]["seed_examples"][0]["answer"] = "First line   \r\nsecond line\r\n"
    # when
    draft = contribution_create_draft(author=contributor, kind="skill", draft=data)
    # then
    assert draft.draft["entry"]["seed_examples"][0]["answer"] == "First line\nsecond line"


@pytest.mark.django_db
def test_duplicating_copies_the_entry_and_its_documents_into_a_new_draft(contributor):
    # given
    original = contribution_create_draft(
        author=contributor,
        kind="knowledge",
        summary="RBD snapshots",
        taxonomy_path="knowledge/ceph/rbd",
        draft=knowledge_draft(),
    )
    document_upload(
        contribution_id=original.pk, actor=contributor, filename="rbd.md", data=DOCUMENT.encode()
    )
    # when
    copy = contribution_duplicate(contribution_id=original.pk, actor=contributor)
    # then
    assert copy.pk != original.pk
    assert copy.summary == "Copy of RBD snapshots"
    assert copy.draft["entry"] == original.draft["entry"]
    assert copy.status == Status.DRAFT
    assert list(copy.documents.values_list("filename", flat=True)) == ["rbd.md"]
    assert _events(copy, "duplicated").get().data == {"from": original.pk, "documents": 1}


@pytest.mark.django_db
def test_nobody_duplicates_someone_elses_entry(contributor, other_contributor):
    original = contribution_create_draft(author=contributor, kind="skill")
    with pytest.raises(PermissionDenied):
        contribution_duplicate(contribution_id=original.pk, actor=other_contributor)


@pytest.mark.django_db
def test_importing_a_qna_yaml_starts_a_skill_credited_to_the_importer(contributor):
    # when
    contribution, notes = contribution_import(
        actor=contributor, qna_text=SKILL_QNA_YAML, attribution_text=SKILL_ATTRIBUTION
    )
    # then
    assert contribution.kind == "skill"
    entry = contribution.draft["entry"]
    assert entry["created_by"] == contributor.username
    assert entry["task_description"] == "Answer questions about Ceph placement groups."
    assert len(entry["seed_examples"]) == 5
    assert contribution.draft["attribution"]["license"] == "CC-BY-4.0"
    assert notes == []
    assert _events(contribution, "imported").exists()


@pytest.mark.django_db
def test_refilling_a_draft_keeps_what_it_replaced_in_the_history(contributor):
    # given
    draft = contribution_create_draft(author=contributor, kind="skill", draft=skill_draft())
    before = draft.draft
    # when
    refilled, _ = contribution_import(
        actor=contributor,
        contribution_id=draft.pk,
        qna_text=SKILL_QNA_YAML,
        expected_version=draft.draft_version,
    )
    # then
    assert refilled.draft["entry"]["task_description"].startswith("Answer questions")
    assert refilled.draft["attribution"] == before["attribution"]  # no attribution.txt given
    event = _events(draft, "imported").get()
    assert event.data["replaced_draft"] == before


@pytest.mark.django_db
def test_an_alias_bomb_is_refused_with_a_clear_message(contributor):
    with pytest.raises(ServiceError, match="could not be imported") as refused:
        contribution_import(actor=contributor, qna_text=ALIAS_BOMB)
    assert "alias" in str(refused.value).lower() or "anchor" in str(refused.value).lower()
    assert not Contribution.objects.filter(author=contributor).exists()


@pytest.mark.django_db
def test_a_knowledge_file_cannot_refill_a_skill(contributor):
    draft = contribution_create_draft(author=contributor, kind="skill")
    text = "version: 3\ndomain: x\ndocument_outline: y\ncreated_by: z\nseed_examples: []\n"
    with pytest.raises(ServiceError, match="Start a new entry"):
        contribution_import(actor=contributor, contribution_id=draft.pk, qna_text=text)


@pytest.mark.django_db
def test_importing_knowledge_asks_for_the_documents(contributor):
    text = (
        "version: 3\ncreated_by: z\ndomain: storage\ndocument_outline: x\nseed_examples: []\n"
        "document:\n  repo: https://example.org/docs.git\n  commit: abc\n  patterns:\n"
        "    - a.md\n"
    )
    contribution, notes = contribution_import(actor=contributor, qna_text=text)
    assert contribution.kind == "knowledge"
    assert any("upload the .md files" in note for note in notes)
    assert not KnowledgeDocument.objects.filter(contribution=contribution).exists()


@pytest.mark.django_db
def test_an_imported_entry_gets_a_summary_from_its_file(contributor):
    # given a knowledge file without a domain and a skill file with a very long task
    knowledge = (
        "version: 3\ncreated_by: z\ndocument_outline: |\n\n  How RBD snapshots work.\n  More.\n"
        "seed_examples: []\n"
    )
    long_task = "Answer " + "questions about placement groups " * 10
    skill = SKILL_QNA_YAML.replace("Answer questions about Ceph placement groups.", long_task)

    # when both are imported
    from_outline, _ = contribution_import(actor=contributor, qna_text=knowledge)
    from_task, _ = contribution_import(actor=contributor, qna_text=skill)

    # then the summaries come from the outline's first line and the trimmed task
    assert from_outline.summary == "How RBD snapshots work."
    assert from_task.summary.startswith("Answer questions about placement groups")
    assert from_task.summary.endswith("…")
    assert len(from_task.summary) <= 200


@pytest.mark.django_db
def test_refilling_a_draft_without_a_summary_fills_it_and_keeps_a_given_one(contributor):
    # given one draft without a summary and one with
    empty = contribution_create_draft(author=contributor, kind="skill", draft=skill_draft())
    named = contribution_create_draft(
        author=contributor, kind="skill", summary="Mine", draft=skill_draft()
    )

    # when both are refilled from a file
    empty, _ = contribution_import(
        actor=contributor, contribution_id=empty.pk, qna_text=SKILL_QNA_YAML
    )
    named, _ = contribution_import(
        actor=contributor, contribution_id=named.pk, qna_text=SKILL_QNA_YAML
    )

    # then only the empty summary is filled
    assert empty.summary == "Answer questions about Ceph placement groups."
    assert named.summary == "Mine"


@pytest.mark.django_db
def test_an_empty_summary_is_flagged_as_something_to_fill(contributor):
    # given
    entry = contribution_create_draft(author=contributor, kind="skill", draft=skill_draft())
    # then
    found = [i for i in entry.validation_issues if i["rule"] == "summary.missing"]
    assert [(i["severity"], i["location"]["field"]) for i in found] == [("error", "summary")]
    # when a summary is given
    saved = contribution_save_draft(
        contribution_id=entry.pk,
        actor=contributor,
        draft=entry.draft,
        summary="Status questions",
        taxonomy_path="",
        expected_version=entry.draft_version,
    )
    # then the finding goes
    assert "summary.missing" not in {i["rule"] for i in saved.validation_issues}
