"""The taxonomy's folder tree, synced from its repository for the path picker."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from contributions.forge import ForgeError, TreeListing, get_forge
from contributions.models import TaxonomyTree
from contributions.taxonomy import TAXONOMY_ROOTS

from . import quality


def folders_of(listing: TreeListing) -> dict[str, dict[str, bool]]:
    """Every folder under the taxonomy roots (roots included), and whether it holds a qna.yaml."""
    return {
        folder: {"has_qna": f"{folder}/qna.yaml" in listing.files}
        for folder in sorted(listing.folders)
        if folder.split("/", 1)[0] in TAXONOMY_ROOTS
    }


@transaction.atomic
def _store(*, repo: str, branch: str, listing: TreeListing | None, error: str = "") -> TaxonomyTree:
    now = timezone.now()
    # Repository names are case-insensitive on GitHub: one row whatever the settings' case.
    tree, _ = TaxonomyTree.objects.select_for_update().get_or_create(
        repo__iexact=repo, defaults={"repo": repo, "branch": branch}
    )
    tree.last_attempt_at = now
    tree.last_error = error[:2000]
    fields = ["last_attempt_at", "last_error"]
    if not error:
        tree.synced_at = now
        fields.append("synced_at")
    if listing is not None:
        tree.branch = branch
        tree.commit_sha = listing.commit_sha
        tree.folders = folders_of(listing)
        fields += ["branch", "commit_sha", "folders"]
    tree.save(update_fields=fields)
    return tree


def taxonomy_tree_sync() -> TaxonomyTree:
    """Read the taxonomy repo's tree (skipped when its branch has not moved) and store it.

    A failure is stored on the row (the dashboard shows it) and raised again for the task.
    """
    repo, branch = settings.TAXONOMY_REPO, settings.TAXONOMY_BASE_BRANCH
    known = (
        TaxonomyTree.objects.filter(repo__iexact=repo, branch=branch, last_error="")
        .values_list("commit_sha", flat=True)
        .first()
    )
    try:
        listing = get_forge().list_tree(repo=repo, branch=branch, known_commit=known or "")
    except ForgeError as error:
        _store(repo=repo, branch=branch, listing=None, error=str(error))
        raise
    tree = _store(repo=repo, branch=branch, listing=listing)
    # The near-duplicate index follows the same sync (it reads only the changed qna.yaml).
    if listing is not None or not quality.quality_index_synced():
        quality.quality_taxonomy_sync(listing=listing)
    return tree
