"""Converting uploaded documents to markdown in the background."""

from __future__ import annotations

from celery import shared_task

from contributions.models import DocumentConversion


@shared_task(
    name="contributions.tasks.convert_document", soft_time_limit=300, time_limit=330, acks_late=True
)
def convert_document(conversion_id: int) -> str:
    """Convert one uploaded file (safe to run twice: a converted file is left alone)."""
    from contributions.services.conversion import document_conversion_run

    if not DocumentConversion.objects.filter(pk=conversion_id).exists():
        return "gone"
    return document_conversion_run(conversion_id=conversion_id)
