"""Knowledge documents: what may be uploaded or written, and that every change is audited."""

import pytest
from django.test import override_settings

from contributions.models import ContributionEvent, KnowledgeDocument
from contributions.services import documents
from contributions.services.contributions import contribution_create_draft
from contributions.services.core import PermissionDenied, ServiceError
from tests.contributor_samples import DOCUMENT, knowledge_draft


@pytest.fixture
def knowledge(contributor):
    return contribution_create_draft(
        author=contributor,
        kind="knowledge",
        summary="RBD",
        taxonomy_path="knowledge/ceph/rbd",
        draft=knowledge_draft(),
    )


@pytest.mark.django_db
def test_uploading_a_markdown_file_adds_it_and_rechecks_the_entry(contributor, knowledge):
    # given the entry misses its document
    assert "document.missing" in {i["rule"] for i in knowledge.validation_issues}
    # when
    document = documents.document_upload(
        contribution_id=knowledge.pk,
        actor=contributor,
        filename="RBD Snapshots.MD",
        data=b"\xef\xbb\xbf" + DOCUMENT.replace("\n", "\r\n").encode(),
    )
    # then
    assert document.filename == "RBD_Snapshots.md"
    assert document.content == DOCUMENT
    knowledge.refresh_from_db()
    assert knowledge.validation_state == "passed", knowledge.validation_issues
    event = ContributionEvent.objects.get(contribution=knowledge, event="document_uploaded")
    assert event.data["filename"] == "RBD_Snapshots.md"


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("notes.docx", b"text", "not a markdown file"),
        ("notes.pdf", b"%PDF-1.4", "not a markdown file"),
        ("notes.md", b"\xff\xfe\x00b\x00a", "not plain text"),
        ("notes.md", b"bin\x00ary", "binary data"),
        ("notes.md", b"   \n", "empty"),
        ("../../.md", b"text", "letters or digits"),
    ],
)
@pytest.mark.django_db
def test_uploads_that_are_not_markdown_text_are_refused(
    contributor, knowledge, filename, data, message
):
    with pytest.raises(ServiceError, match=message):
        documents.document_upload(
            contribution_id=knowledge.pk, actor=contributor, filename=filename, data=data
        )
    assert not KnowledgeDocument.objects.filter(contribution=knowledge).exists()


@override_settings(MAX_DOCUMENT_BYTES=1000)
@pytest.mark.django_db
def test_a_document_over_the_size_limit_is_refused_with_the_limit(contributor, knowledge):
    with pytest.raises(ServiceError, match=r"the limit is 1000\xa0bytes"):
        documents.document_upload(
            contribution_id=knowledge.pk, actor=contributor, filename="a.md", data=b"x" * 1001
        )


@pytest.mark.django_db
def test_two_documents_cannot_share_a_name(contributor, knowledge):
    documents.document_upload(
        contribution_id=knowledge.pk, actor=contributor, filename="a.md", data=b"one"
    )
    with pytest.raises(ServiceError, match=r"already a document called a\.md"):
        documents.document_upload(
            contribution_id=knowledge.pk, actor=contributor, filename="a.md", data=b"two"
        )


@pytest.mark.django_db
def test_an_entry_holds_at_most_twenty_documents(contributor, knowledge):
    for i in range(documents.MAX_DOCUMENTS):
        documents.document_upload(
            contribution_id=knowledge.pk, actor=contributor, filename=f"d{i}.md", data=b"x"
        )
    with pytest.raises(ServiceError, match="at most 20 documents"):
        documents.document_upload(
            contribution_id=knowledge.pk, actor=contributor, filename="one-more.md", data=b"x"
        )


@pytest.mark.django_db
def test_writing_then_changing_a_document_in_the_page(contributor, knowledge):
    # when
    written = documents.document_write(
        contribution_id=knowledge.pk, actor=contributor, filename="notes", content="# Notes"
    )
    changed = documents.document_write(
        contribution_id=knowledge.pk,
        actor=contributor,
        filename="rbd-notes.md",
        content="# Notes\n\nMore.",
        document_id=written.pk,
    )
    # then
    assert written.filename == "notes.md"
    assert changed.pk == written.pk
    assert (changed.filename, changed.content) == ("rbd-notes.md", "# Notes\n\nMore.\n")
    events = ContributionEvent.objects.filter(contribution=knowledge, event__startswith="document_")
    assert list(events.values_list("event", flat=True)) == ["document_written", "document_changed"]


@pytest.mark.django_db
def test_removing_a_document_keeps_its_text_in_the_history(contributor, knowledge):
    # given
    document = documents.document_upload(
        contribution_id=knowledge.pk, actor=contributor, filename="a.md", data=b"precious words"
    )
    # when
    documents.document_delete(
        contribution_id=knowledge.pk, actor=contributor, document_id=document.pk
    )
    # then
    assert not KnowledgeDocument.objects.filter(pk=document.pk).exists()
    event = ContributionEvent.objects.get(contribution=knowledge, event="document_removed")
    assert event.data["content"] == "precious words\n"


@pytest.mark.django_db
def test_documents_belong_to_knowledge_drafts_of_their_author(contributor, other_contributor):
    # given
    skill = contribution_create_draft(author=contributor, kind="skill")
    knowledge = contribution_create_draft(author=contributor, kind="knowledge")
    # then
    with pytest.raises(ServiceError, match="Only knowledge entries"):
        documents.document_upload(
            contribution_id=skill.pk, actor=contributor, filename="a.md", data=b"x"
        )
    with pytest.raises(PermissionDenied):
        documents.document_upload(
            contribution_id=knowledge.pk, actor=other_contributor, filename="a.md", data=b"x"
        )
