"""Reads for the editor's converted documents: what is converting or waiting to be checked."""

from __future__ import annotations

from contributions.models import Contribution, DocumentConversion


def draft_conversions(*, contribution: Contribution) -> list[DocumentConversion]:
    """The files of a draft still converting or waiting to be checked, oldest first (one query).

    The original file is left out: pages never need its bytes.
    """
    return list(
        DocumentConversion.objects.filter(contribution=contribution)
        .exclude(state=DocumentConversion.State.USED)
        .defer("original")
    )


def draft_conversion(
    *, contribution: Contribution, conversion_id: int
) -> DocumentConversion | None:
    """One conversion of this draft, or None (one query)."""
    return (
        DocumentConversion.objects.filter(pk=conversion_id, contribution=contribution)
        .defer("original")
        .first()
    )
