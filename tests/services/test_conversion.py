"""Uploaded files converted in a task, checked by the person, then used; originals kept."""

from __future__ import annotations

import hashlib

import pytest

from contributions.models import ContributionEvent, DocumentConversion, KnowledgeDocument
from contributions.services import conversion as services
from contributions.services.core import ServiceError
from contributions.tasks.conversion import convert_document
from tests.contributor_samples import knowledge_draft
from tests.conversion import documents
from tests.factories import ContributionFactory


@pytest.fixture
def entry(contributor):
    return ContributionFactory(author=contributor, kind="knowledge", draft=knowledge_draft())


def _start(entry, contributor, data: bytes, name: str, capture) -> DocumentConversion:
    with capture(execute=True):
        return services.document_conversion_start(
            contribution_id=entry.pk, actor=contributor, filename=name, data=data
        )


@pytest.mark.django_db
def test_an_uploaded_pdf_is_kept_and_converted_by_the_task(
    entry, contributor, django_capture_on_commit_callbacks
):
    # given / when a PDF is uploaded (the task runs after commit)
    data = documents.make_pdf(2)
    conversion = _start(entry, contributor, data, "Guide.pdf", django_capture_on_commit_callbacks)

    # then the original is kept and the markdown waits to be checked
    conversion.refresh_from_db()
    assert conversion.state == DocumentConversion.State.READY
    assert bytes(conversion.original) == data and conversion.pages == 2
    assert conversion.progress == 100
    assert documents.structure(conversion.markdown) == documents.expected(2)
    assert not KnowledgeDocument.objects.filter(contribution=entry).exists()
    events = list(
        ContributionEvent.objects.filter(contribution=entry).values_list("event", flat=True)
    )
    assert events[-2:] == ["document_conversion_started", "document_converted"]


@pytest.mark.django_db
def test_running_the_task_twice_converts_once(
    entry, contributor, django_capture_on_commit_callbacks
):
    # given a converted file
    conversion = _start(
        entry, contributor, documents.make_html(1), "a.html", django_capture_on_commit_callbacks
    )

    # when the task runs again / then nothing is done
    assert convert_document(conversion.pk) == "already done"
    assert ContributionEvent.objects.filter(event="document_converted").count() == 1


@pytest.mark.django_db
def test_the_corrected_markdown_becomes_a_document(
    entry, contributor, django_capture_on_commit_callbacks
):
    # given a converted file
    conversion = _start(
        entry, contributor, documents.make_docx(1), "notes.docx", django_capture_on_commit_callbacks
    )

    # when the person corrects it and adds it
    document = services.document_conversion_accept(
        contribution_id=entry.pk,
        actor=contributor,
        conversion_id=conversion.pk,
        filename="",
        markdown="# Corrected\n\nThe text.\n",
    )

    # then the document has the corrected text, and the original is still kept
    assert (document.filename, document.content) == ("notes.md", "# Corrected\n\nThe text.\n")
    conversion.refresh_from_db()
    assert conversion.state == DocumentConversion.State.USED and conversion.document == document
    original = bytes(conversion.original)
    assert hashlib.sha256(original).hexdigest() == conversion.sha256 and len(original) > 0
    with pytest.raises(ServiceError):
        services.document_conversion_accept(
            contribution_id=entry.pk,
            actor=contributor,
            conversion_id=conversion.pk,
            filename="",
            markdown="again",
        )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "make", "reason"),
    [
        ("locked.pdf", lambda: documents.make_pdf(1, password="x"), "password"),
        ("bomb.docx", documents.make_zip_bomb_docx, "zip bomb"),
        ("huge.pdf", documents.make_huge_page_count_pdf, "100,000 pages"),
    ],
)
def test_hostile_files_fail_cleanly_and_the_draft_is_untouched(
    entry, contributor, django_capture_on_commit_callbacks, name, make, reason
):
    # given / when
    conversion = _start(entry, contributor, make(), name, django_capture_on_commit_callbacks)

    # then the conversion failed with a reason, and nothing else changed
    conversion.refresh_from_db()
    assert conversion.state == DocumentConversion.State.FAILED
    assert reason in conversion.error
    entry.refresh_from_db()
    assert entry.draft == knowledge_draft()
    assert not KnowledgeDocument.objects.filter(contribution=entry).exists()


@pytest.mark.django_db
def test_files_of_other_kinds_and_too_large_files_are_refused_at_upload(
    entry, contributor, settings
):
    # given
    settings.MAX_CONVERSION_BYTES = 10

    # when / then
    with pytest.raises(ServiceError, match="cannot be converted"):
        services.document_conversion_start(
            contribution_id=entry.pk, actor=contributor, filename="a.exe", data=b"MZ"
        )
    with pytest.raises(ServiceError, match="up to"):
        services.document_conversion_start(
            contribution_id=entry.pk, actor=contributor, filename="a.pdf", data=b"x" * 11
        )
    assert not DocumentConversion.objects.exists()


@pytest.mark.django_db
def test_someone_else_cannot_convert_into_the_draft(entry, other_contributor):
    # given / when / then
    with pytest.raises(Exception, match="author"):
        services.document_conversion_start(
            contribution_id=entry.pk, actor=other_contributor, filename="a.html", data=b"<p>x</p>"
        )
