"""The taxonomy tree sync that feeds the path picker."""

from __future__ import annotations

import pytest

from contributions.forge import TransientForgeError, TreeListing
from contributions.models import TaxonomyTree
from contributions.services.taxonomy_tree import folders_of, taxonomy_tree_sync
from contributions.tasks.pipeline import sync_taxonomy_tree


def test_only_folders_under_the_two_roots_are_kept():
    # given a tree with skills, knowledge and other folders
    listing = TreeListing(
        commit_sha="a" * 40,
        files=frozenset({"knowledge/ceph/qna.yaml", "README.md"}),
        folders=frozenset({"knowledge", "knowledge/ceph", "compositional_skills", "docs"}),
    )
    # when / then
    assert folders_of(listing) == {
        "compositional_skills": {"has_qna": False},
        "knowledge": {"has_qna": False},
        "knowledge/ceph": {"has_qna": True},
    }


@pytest.mark.django_db
def test_the_sync_stores_the_taxonomy_folders(github):
    # given the emulator's sample taxonomy
    # when the task runs
    result = sync_taxonomy_tree.delay().get()
    # then the folders are stored with their qna.yaml flags, at the branch's commit
    tree = TaxonomyTree.objects.get(repo="ceph/ceph-taxonomy")
    assert result.startswith("ceph/ceph-taxonomy@")
    assert tree.commit_sha == github.refs("ceph/ceph-taxonomy")["refs/heads/main"]
    leaves = [path for path, folder in tree.folders.items() if folder["has_qna"]]
    assert leaves and all(
        path.startswith(("knowledge/", "compositional_skills/")) for path in leaves
    )
    assert tree.synced_at is not None and tree.last_error == ""


@pytest.mark.django_db
def test_an_unchanged_branch_is_not_read_again(github):
    # given a synced tree
    taxonomy_tree_sync()
    github.reset_counters()
    # when it syncs again / then only the branch was read
    taxonomy_tree_sync()
    assert github.counters()["by_route"] == {"GET /repos/{owner}/{repo}/branches/{branch:path}": 1}


@pytest.mark.django_db
def test_a_failed_sync_is_recorded_on_the_tree_and_keeps_the_folders(github):
    # given a synced tree, then GitHub failing
    taxonomy_tree_sync()
    folders = TaxonomyTree.objects.get().folders
    github.add_fault("error", method="GET", path="/branches/", status=503, count=None)
    # when it syncs again / then the error is stored and the folders kept
    with pytest.raises(TransientForgeError):
        taxonomy_tree_sync()
    tree = TaxonomyTree.objects.get()
    assert "503" in tree.last_error and tree.folders == folders


@pytest.mark.django_db
def test_the_tree_is_one_record_whatever_the_case_of_the_settings(github, settings):
    # given a tree synced with the repository named as GitHub names it
    taxonomy_tree_sync()
    # when the settings name it in another case and the sync runs again
    settings.TAXONOMY_REPO = "Ceph/Ceph-Taxonomy"
    taxonomy_tree_sync()
    # then there is still one tree, and the path picker's reader finds it
    from contributions.selectors.contributor import _tree_row

    assert TaxonomyTree.objects.count() == 1
    assert _tree_row() is not None and _tree_row().commit_sha
