"""Quality findings recorded by the save services, against the index of open entries."""

from __future__ import annotations

import pytest

from contributions.models import Contribution
from contributions.services import quality
from contributions.services.contributions import contribution_save_draft, contribution_submit
from contributions.services.core import ServiceError
from contributions.services.documents import document_write
from contributions.workflow import Status
from tests.contributor_samples import DOCUMENT, knowledge_draft
from tests.factories import ContributionFactory, UserFactory, skill_content

COPIED = "How do snapshot layering and copy-on-write clones work in RBD?"


def _open_entry_asking(question: str, status: Status = Status.SUBMITTED) -> Contribution:
    draft = {"entry": skill_content(), "attribution": {}}
    draft["entry"]["seed_examples"][2]["question"] = question
    return ContributionFactory(author=UserFactory(), draft=draft, status=status.value)


def _save(entry: Contribution, author, draft: dict) -> Contribution:
    return contribution_save_draft(
        contribution_id=entry.pk,
        actor=author,
        draft=draft,
        summary="RBD clones",
        taxonomy_path="knowledge/rbd/clones",
    )


def _duplicate_links(entry: Contribution) -> list[str]:
    return [
        m["url"]
        for f in entry.quality_findings
        if f["rule"] == "quality.near-duplicate"
        for m in f["evidence"]["matches"]
    ]


@pytest.mark.django_db
def test_a_question_another_open_entry_asks_is_flagged_with_a_link_to_it(contributor):
    # given an entry under review, and a draft by someone else asking the same question
    other = _open_entry_asking(COPIED)
    mine = ContributionFactory(author=contributor, kind="knowledge")
    draft = knowledge_draft()
    draft["entry"]["seed_examples"][0]["questions_and_answers"][0]["question"] = COPIED

    # when the draft is saved
    saved = _save(mine, contributor, draft)

    # then the warning links to the other entry's review page
    assert _duplicate_links(saved) == [f"/review/{other.pk}/"]


@pytest.mark.django_db
def test_drafts_and_closed_entries_are_not_compared_with(contributor):
    # given a private draft and a withdrawn entry asking the same question
    _open_entry_asking(COPIED, status=Status.DRAFT)
    _open_entry_asking(COPIED, status=Status.WITHDRAWN)
    mine = ContributionFactory(author=contributor, kind="knowledge")
    draft = knowledge_draft()
    draft["entry"]["seed_examples"][0]["questions_and_answers"][0]["question"] = COPIED

    # when / then
    assert _duplicate_links(_save(mine, contributor, draft)) == []


@pytest.mark.django_db
def test_an_entry_leaving_review_leaves_the_index(contributor):
    # given an indexed open entry
    other = _open_entry_asking(COPIED)
    assert len(quality.quality_index()) > 0
    before = len(quality.quality_index())

    # when it is withdrawn
    Contribution.objects.filter(pk=other.pk).update(status=Status.WITHDRAWN.value)

    # then the next check no longer holds its texts
    assert len(quality.quality_index()) < before


@pytest.mark.django_db
def test_keeping_the_index_fresh_costs_two_queries_when_nothing_changed(
    contributor, django_assert_num_queries
):
    # given a warm index with open entries
    for n in range(5):
        _open_entry_asking(f"{COPIED} ({n})")
    quality.quality_index()

    # when / then
    with django_assert_num_queries(2):
        quality.quality_index()


@pytest.mark.django_db
def test_quality_warnings_block_submitting_only_when_configured(contributor, settings):
    # given a knowledge draft whose answers are not in their passages
    settings.QUALITY_BLOCKS_SUBMIT = True
    entry = ContributionFactory(author=contributor, kind="knowledge")
    _save(entry, contributor, knowledge_draft())
    document_write(contribution_id=entry.pk, actor=contributor, filename="rbd.md", content=DOCUMENT)
    entry.refresh_from_db()
    assert entry.quality_warnings > 0 and entry.validation_state == "passed"

    # when it is submitted / then the warnings are the reason it is refused
    with pytest.raises(ServiceError, match="quality warning"):
        contribution_submit(contribution_id=entry.pk, actor=contributor, dco_consent=True)


@pytest.mark.django_db
def test_a_search_holds_the_index_so_no_other_thread_changes_it_meanwhile(contributor, monkeypatch):
    # given an open entry to compare with, and a search that records whether it holds the lock
    _open_entry_asking(COPIED)
    held: list[bool] = []
    real_search = quality.NearIndex.search

    def search(self, *args, **kwargs):
        held.append(quality._cache.lock._is_owned())
        return real_search(self, *args, **kwargs)

    monkeypatch.setattr(quality.NearIndex, "search", search)
    draft = {"entry": skill_content(), "attribution": {}}
    # when an entry is checked
    quality.findings_for(ContributionFactory(author=contributor, draft=draft))
    # then every search ran under the index's lock (web processes run several threads)
    assert held and all(held)
