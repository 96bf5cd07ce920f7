"""Reads of converted documents: a fixed number of queries, originals never loaded."""

from __future__ import annotations

import pytest

from contributions.models import DocumentConversion
from contributions.selectors.conversions import draft_conversion, draft_conversions
from tests.factories import ContributionFactory


def _conversion(entry, state: str, name: str) -> DocumentConversion:
    return DocumentConversion.objects.create(
        contribution=entry,
        filename=name,
        original=b"x" * 1000,
        size=1000,
        sha256="0" * 64,
        state=state,
    )


@pytest.mark.django_db
def test_the_waiting_conversions_take_one_query_whatever_their_number(
    contributor, django_assert_num_queries
):
    # given conversions in every state
    entry = ContributionFactory(author=contributor, kind="knowledge")
    for n, state in enumerate(["pending", "converting", "ready", "failed", "used"] * 3):
        _conversion(entry, state, f"f{n}.pdf")

    # when
    with django_assert_num_queries(1):
        found = draft_conversions(contribution=entry)

    # then all but the used ones, oldest first, without their originals
    assert [c.filename for c in found] == [f"f{n}.pdf" for n in range(15) if n % 5 != 4]
    assert all("original" in c.get_deferred_fields() for c in found)


@pytest.mark.django_db
def test_a_conversion_of_another_entry_is_not_found(contributor):
    # given
    mine = ContributionFactory(author=contributor, kind="knowledge")
    other = _conversion(ContributionFactory(kind="knowledge"), "ready", "x.pdf")

    # when / then
    assert draft_conversion(contribution=mine, conversion_id=other.pk) is None
