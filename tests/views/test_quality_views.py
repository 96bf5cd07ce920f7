"""Quality findings at the editor's fields, per example on the review page, and in the queue."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from contributions.models import Contribution
from contributions.services.contributions import contribution_save_draft
from contributions.services.documents import document_write
from tests.contributor_samples import DOCUMENT, knowledge_draft
from tests.factories import ContributionFactory
from tests.review_factories import submitted_entry

FINDING = {
    "severity": "warning",
    "source": "quality",
    "rule": "quality.near-duplicate",
    "message": "This question nearly repeats one in knowledge/rbd/qna.yaml (92% alike).",
    "location": {"seed": 2, "qa": 1, "field": "question"},
    "evidence": {
        "matches": [
            {
                "label": "knowledge/rbd/qna.yaml",
                "url": "https://github.com/ceph/ceph-taxonomy/blob/main/knowledge/rbd/qna.yaml",
                "text": "What is an RBD snapshot?",
                "score": 92,
                "seed": 1,
            }
        ]
    },
}


def _slot(html: str, slot: str) -> str:
    match = re.search(rf'<div id="issues-{slot}" class="field-issues">(.*?)</div>', html, re.S)
    assert match, slot
    return match[1]


@pytest.mark.django_db
def test_the_editor_marks_an_unsupported_answer_at_its_field(client, contributor):
    # given a knowledge draft whose first answer is not in its passage
    entry = ContributionFactory(author=contributor, kind="knowledge")
    draft = knowledge_draft()
    first = draft["entry"]["seed_examples"][0]
    first["questions_and_answers"][1]["answer"] = first["context"].split(".")[0] + "."
    contribution_save_draft(
        contribution_id=entry.pk,
        actor=contributor,
        draft=draft,
        summary="RBD",
        taxonomy_path="knowledge/rbd",
    )
    document_write(contribution_id=entry.pk, actor=contributor, filename="rbd.md", content=DOCUMENT)
    client.force_login(contributor)

    # when the editor opens
    html = client.get(reverse("contribution-edit", args=[entry.pk])).content.decode()

    # then the unsupported answer is marked at its own field, the grounded one is not
    unsupported = _slot(html, "seed-1-qa-1-answer")
    assert 'data-rule="quality.answer-unsupported"' in unsupported
    assert '<mark class="unsupported" title="not in the passage">Answer</mark>' in unsupported
    assert "quality.answer-unsupported" not in _slot(html, "seed-1-qa-2-answer")
    # and the passage says where it sits in the document
    assert "Found in rbd.md, line 3" in _slot(html, "seed-1-context")


@pytest.mark.django_db
def test_the_editor_shows_a_duplicate_with_the_link_to_the_existing_entry(client, contributor):
    # given an entry with a near-duplicate finding
    entry = ContributionFactory(author=contributor, kind="knowledge", draft=knowledge_draft())
    Contribution.objects.filter(pk=entry.pk).update(quality_findings=[FINDING])
    client.force_login(contributor)

    # when
    html = client.get(reverse("contribution-edit", args=[entry.pk])).content.decode()

    # then
    slot = _slot(html, "seed-2-qa-1-question")
    assert "nearly repeats one in knowledge/rbd/qna.yaml" in slot
    assert 'href="https://github.com/ceph/ceph-taxonomy/blob/main/knowledge/rbd/qna.yaml"' in slot


@pytest.mark.django_db
def test_the_review_page_shows_the_findings_with_their_example(client, contributor, reviewer):
    # given a waiting entry with a finding on its second example
    entry = submitted_entry(contributor, path="knowledge/ceph/b", kind="knowledge")
    Contribution.objects.filter(pk=entry.pk).update(quality_findings=[FINDING], quality_warnings=1)
    client.force_login(reviewer)

    # when
    html = client.get(reverse("review-detail", args=[entry.pk])).content.decode()

    # then the finding and its link are inside example 2
    example = html.split('id="seed-2"', 1)[1].split("<article", 1)[0]
    assert "nearly repeats one in knowledge/rbd/qna.yaml" in example
    assert "https://github.com/ceph/ceph-taxonomy/blob/main/knowledge/rbd/qna.yaml" in example
    assert "nearly repeats" not in html.split('id="seed-2"', 1)[0]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("quality_filter", "expected"),
    [("warnings", ["warned"]), ("none", ["clean"]), ("", ["warned", "clean"])],
)
def test_the_queue_filters_by_quality_warnings(
    client, contributor, reviewer, quality_filter, expected
):
    # given one waiting entry with quality warnings and one without
    warned = submitted_entry(contributor, summary="warned", submitted_days_ago=2)
    submitted_entry(contributor, summary="clean", submitted_days_ago=1)
    Contribution.objects.filter(pk=warned.pk).update(quality_warnings=3)
    client.force_login(reviewer)

    # when
    response = client.get(reverse("review-queue"), {"quality": quality_filter})

    # then
    assert [row["entry"].summary for row in response.context["rows"]] == expected
    if "warned" in expected:
        assert b"3 quality warnings" in response.content
