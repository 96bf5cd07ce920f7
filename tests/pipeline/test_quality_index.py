"""The near-duplicate index follows the taxonomy sync, reading only the qna.yaml that changed."""

from __future__ import annotations

import pytest

from contributions.models import Contribution, TaxonomyEntryText
from contributions.services import quality
from contributions.services.contributions import contribution_save_draft
from contributions.services.taxonomy_tree import taxonomy_tree_sync
from tests.contributor_samples import knowledge_draft
from tests.factories import ContributionFactory

PG_PATH = "knowledge/technology/ceph/rados/placement_groups/qna.yaml"


@pytest.mark.django_db
def test_the_taxonomy_sync_indexes_every_entry_with_its_texts(github):
    # given the emulator's sample taxonomy (one knowledge entry, two skills)

    # when the tree is synced
    taxonomy_tree_sync()

    # then each qna.yaml is stored with its texts and one signature row per text
    rows = {row.path: row for row in TaxonomyEntryText.objects.all()}
    assert PG_PATH in rows and len(rows) == 3
    pg = rows[PG_PATH]
    assert pg.kind == "knowledge"
    assert {"question", "answer", "context"} <= {t["field"] for t in pg.texts}
    assert len(bytes(pg.signatures)) == len(pg.texts) * 64 * 4


@pytest.mark.django_db
def test_a_second_sync_reads_no_file_again(github):
    # given a synced index
    quality.quality_taxonomy_sync()
    github.reset_counters()

    # when it syncs again over the same tree
    result = quality.quality_taxonomy_sync()

    # then nothing was read but the tree
    assert result == {"read": 0, "removed": 0}
    assert not any("blobs" in route for route in github.counters()["by_route"])


@pytest.mark.django_db
def test_a_question_copied_from_the_taxonomy_is_flagged_with_a_link_to_it(github, contributor):
    # given a synced taxonomy and a draft that copies one of its questions
    taxonomy_tree_sync()
    draft = knowledge_draft()
    draft["entry"]["seed_examples"][0]["questions_and_answers"][0]["question"] = (
        "What is a placement group in Ceph?"
    )
    entry = ContributionFactory(author=contributor, kind=Contribution.Kind.KNOWLEDGE)

    # when the author saves it
    saved = contribution_save_draft(
        contribution_id=entry.pk,
        actor=contributor,
        draft=draft,
        summary="RBD snapshots",
        taxonomy_path="knowledge/rbd",
    )

    # then the question carries a near-duplicate warning linking to the taxonomy file
    duplicates = [f for f in saved.quality_findings if f["rule"] == "quality.near-duplicate"]
    assert [(f["location"]["seed"], f["location"]["qa"]) for f in duplicates] == [(1, 1)]
    match = duplicates[0]["evidence"]["matches"][0]
    assert match["url"].endswith(f"/ceph/ceph-taxonomy/blob/main/{PG_PATH}")
    assert saved.quality_warnings >= 1
