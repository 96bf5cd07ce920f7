"""Uploading a PDF in the editor: progress, the markdown to check, adding it as a document."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from contributions.models import DocumentConversion, KnowledgeDocument
from tests.contributor_samples import knowledge_draft
from tests.conversion import documents
from tests.factories import ContributionFactory


@pytest.mark.django_db
def test_a_pdf_upload_is_converted_checked_and_added(
    client, contributor, django_capture_on_commit_callbacks
):
    # given a knowledge draft
    entry = ContributionFactory(author=contributor, kind="knowledge", draft=knowledge_draft())
    client.force_login(contributor)
    pdf = SimpleUploadedFile("guide.pdf", documents.make_pdf(1), "application/pdf")

    # when a PDF is uploaded with htmx (the task runs after commit)
    with django_capture_on_commit_callbacks(execute=True):
        uploaded = client.post(
            reverse("document-upload", args=[entry.pk]), {"files": [pdf]}, HTTP_HX_REQUEST="true"
        )

    # then it is not a document yet, and the page says it is converting
    assert uploaded.status_code == 200
    assert "Converting guide.pdf to markdown" in uploaded.content.decode()
    conversion = DocumentConversion.objects.get(contribution=entry)
    assert not KnowledgeDocument.objects.filter(contribution=entry).exists()

    # when the page asks for its status / then the markdown is there to check
    status = client.get(reverse("conversion-status", args=[entry.pk, conversion.pk]))
    html = status.content.decode()
    assert f'name="markdown-{conversion.pk}"' in html and "# 1: Placement groups" in html
    assert "hx-trigger" not in html  # no more polling once it is ready

    # when the corrected markdown is added
    added = client.post(
        reverse("conversion-accept", args=[entry.pk, conversion.pk]),
        {
            f"filename-{conversion.pk}": "guide.md",
            f"markdown-{conversion.pk}": "# Guide\n\nCorrected text.\n",
        },
        HTTP_HX_REQUEST="true",
    )

    # then it is a document of the draft, and the conversion is no longer listed
    assert added.status_code == 200
    document = KnowledgeDocument.objects.get(contribution=entry)
    assert document.content == "# Guide\n\nCorrected text.\n"
    assert f'id="conversion-{conversion.pk}"' not in added.content.decode()


@pytest.mark.django_db
def test_a_conversion_in_progress_polls_and_shows_its_progress(client, contributor):
    # given a file half converted
    entry = ContributionFactory(author=contributor, kind="knowledge", draft=knowledge_draft())
    conversion = DocumentConversion.objects.create(
        contribution=entry,
        filename="big.pdf",
        original=b"%PDF",
        size=4,
        sha256="0" * 64,
        state=DocumentConversion.State.CONVERTING,
        progress=40,
    )
    client.force_login(contributor)

    # when
    html = client.get(reverse("contribution-edit", args=[entry.pk])).content.decode()

    # then
    assert f'id="conversion-{conversion.pk}"' in html
    assert 'hx-trigger="every 1s"' in html and 'value="40"' in html


@pytest.mark.django_db
def test_another_persons_conversion_cannot_be_seen(client, contributor, other_contributor):
    # given
    entry = ContributionFactory(author=contributor, kind="knowledge", draft=knowledge_draft())
    conversion = DocumentConversion.objects.create(
        contribution=entry, filename="a.pdf", original=b"x", size=1, sha256="0" * 64
    )
    client.force_login(other_contributor)

    # when / then
    response = client.get(reverse("conversion-status", args=[entry.pk, conversion.pk]))
    assert response.status_code == 404
