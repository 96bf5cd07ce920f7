"""Content quality for entries: the index of texts to compare with, kept fresh, and the checks.

The checks themselves are pure (`contributions.quality`); this module knows the portal's data.
The near-duplicate index holds the synced taxonomy (rows of TaxonomyEntryText, refreshed by
the taxonomy sync) and every open entry under review. Each process keeps one index in memory
and brings it up to date with two small queries before each check: a new taxonomy sync
rebuilds the taxonomy part from stored signatures; open entries that changed are re-indexed.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import numpy as np
from django.conf import settings
from django.db import transaction
from django.urls import reverse

from contributions.forge import TreeListing, get_forge
from contributions.models import Contribution, KnowledgeDocument, ServiceStatus, TaxonomyEntryText
from contributions.quality import Finding, NearIndex, Thresholds, entry_findings
from contributions.quality.checks import items_of
from contributions.quality.near import NUM_PERM, IndexItem, signatures
from contributions.taxonomy import TAXONOMY_ROOTS
from contributions.taxonomy.importer import TaxonomyImportError, import_qna
from contributions.workflow import Status

from .validation import entry_to_draft

logger = logging.getLogger(__name__)

# Entries others can see (reviewers do): their texts count as "already proposed".
OPEN_STATUSES = (
    Status.SUBMITTED,
    Status.IN_REVIEW,
    Status.CHANGES_REQUESTED,
    Status.APPROVED,
    Status.PR_OPEN,
)
INDEX_STATUS_KEY = "quality-index"


def thresholds() -> Thresholds:
    """The checks' thresholds from settings (QUALITY_* in the README)."""
    return Thresholds(
        min_answer_support=settings.QUALITY_MIN_ANSWER_SUPPORT,
        min_context_use=settings.QUALITY_MIN_CONTEXT_USE,
        passage_match=settings.QUALITY_PASSAGE_MATCH,
        duplicate_similarity=settings.QUALITY_DUPLICATE_SIMILARITY,
        seeds_alike=settings.QUALITY_SEEDS_ALIKE,
    )


def taxonomy_entry_url(path: str) -> str:
    """Where a person reads a taxonomy entry on the git host."""
    repo, branch = settings.TAXONOMY_REPO, settings.TAXONOMY_BASE_BRANCH
    return f"{settings.GITHUB_WEB_URL}/{repo}/blob/{branch}/{path}"


def _kind_of(path: str) -> str:
    return Contribution.Kind.KNOWLEDGE if path.startswith("knowledge/") else Contribution.Kind.SKILL


# --- The taxonomy part, kept up to date by the taxonomy sync ---


def _texts_of(path: str, data: bytes) -> list[dict[str, Any]]:
    try:
        imported = import_qna(data, path=path)
    except TaxonomyImportError as error:
        logger.info("quality index: %s skipped (%s)", path, error)
        return []
    entry = entry_to_draft(imported.entry)
    return [
        {"field": i.field, "seed": i.seed, "qa": i.qa, "text": i.text}
        for i in items_of(kind=_kind_of(path), entry=entry, ref="", label="", url="")
    ]


def quality_taxonomy_sync(*, listing: TreeListing | None = None) -> dict[str, int]:
    """Index every qna.yaml of the taxonomy whose blob changed since the last sync.

    Safe to repeat: a file whose blob SHA is already stored is not read again. Files are read
    before the transaction (no network inside it); the rows are written in one.
    """
    repo, branch = settings.TAXONOMY_REPO, settings.TAXONOMY_BASE_BRANCH
    forge = get_forge()
    if listing is None:
        listing = forge.list_tree(repo=repo, branch=branch)
    if listing is None:
        return {"read": 0, "removed": 0}
    known = dict(TaxonomyEntryText.objects.filter(repo=repo).values_list("path", "blob_sha"))
    wanted = {
        path: sha
        for path, sha in listing.qna_blobs.items()
        if path.split("/", 1)[0] in TAXONOMY_ROOTS
    }
    changed = {path: sha for path, sha in wanted.items() if known.get(path) != sha}
    rows = []
    for path, sha in sorted(changed.items()):
        texts = _texts_of(path, forge.read_blob(repo=repo, sha=sha))
        sigs = signatures([t["text"] for t in texts])
        rows.append((path, sha, texts, sigs.tobytes()))
    removed = set(known) - set(wanted)
    with transaction.atomic():
        for path, sha, texts, sigs in rows:
            TaxonomyEntryText.objects.update_or_create(
                repo=repo,
                path=path,
                defaults={
                    "blob_sha": sha,
                    "kind": _kind_of(path),
                    "texts": texts,
                    "signatures": sigs,
                },
            )
        TaxonomyEntryText.objects.filter(repo=repo, path__in=removed).delete()
        if rows or removed or not ServiceStatus.objects.filter(key=INDEX_STATUS_KEY).exists():
            ServiceStatus.objects.update_or_create(
                key=INDEX_STATUS_KEY,
                defaults={"data": {"commit_sha": listing.commit_sha, "files": len(wanted)}},
            )
    return {"read": len(rows), "removed": len(removed)}


def quality_index_synced() -> bool:
    """Whether the taxonomy part of the index has been synced at least once."""
    return ServiceStatus.objects.filter(key=INDEX_STATUS_KEY).exists()


def _taxonomy_index() -> tuple[list[IndexItem], np.ndarray]:
    items: list[IndexItem] = []
    chunks: list[np.ndarray] = []
    rows = TaxonomyEntryText.objects.filter(repo=settings.TAXONOMY_REPO).values_list(
        "path", "texts", "signatures"
    )
    for path, texts, sigs in rows.iterator(chunk_size=2000):
        matrix = np.frombuffer(bytes(sigs), dtype=np.uint32).reshape(-1, NUM_PERM)
        if len(matrix) != len(texts):
            continue  # stored by another version of the signatures: skipped until re-synced
        url = taxonomy_entry_url(path)
        items += [
            IndexItem(f"taxonomy:{path}", path, url, t["field"], t["seed"], t["qa"], t["text"])
            for t in texts
        ]
        chunks.append(matrix)
    sigs = np.concatenate(chunks) if chunks else np.zeros((0, NUM_PERM), dtype=np.uint32)
    return items, sigs


# --- The index each process keeps ---


class _Cached:
    def __init__(self) -> None:
        # Re-entrant: a check holds it while it searches, and the search's update takes it too.
        # Web processes run several threads; one must not search while another changes it.
        self.lock = threading.RLock()
        self.index: NearIndex | None = None
        self.generation: Any = None
        self.open: dict[int, datetime] = {}


_cache = _Cached()


def entry_ref(contribution_id: int) -> str:
    return f"entry:{contribution_id}"


def _entry_items(row: Mapping[str, Any]) -> list[IndexItem]:
    label = f"entry #{row['pk']}" + (f" ({row['summary']})" if row["summary"] else "")
    url = reverse("review-detail", kwargs={"pk": row["pk"]})
    entry = (row["draft"] or {}).get("entry") or {}
    return items_of(kind=row["kind"], entry=entry, ref=entry_ref(row["pk"]), label=label, url=url)


def quality_index() -> NearIndex:
    """This process's index, brought up to date (two queries when nothing changed)."""
    with _cache.lock:
        status = ServiceStatus.objects.filter(key=INDEX_STATUS_KEY).values_list(
            "updated_at", flat=True
        )
        generation = next(iter(status), None)
        if _cache.index is None or generation != _cache.generation:
            items, sigs = _taxonomy_index()
            _cache.index = NearIndex(items, sigs)
            _cache.generation = generation
            _cache.open = {}
        index = _cache.index
        now_open = dict(
            Contribution.objects.filter(status__in=OPEN_STATUSES).values_list("pk", "updated_at")
        )
        for pk in set(_cache.open) - set(now_open):
            index.remove(entry_ref(pk))
        changed = [pk for pk, at in now_open.items() if _cache.open.get(pk) != at]
        if changed:
            rows = Contribution.objects.filter(pk__in=changed).values(
                "pk", "kind", "summary", "draft"
            )
            for row in rows:
                index.put(entry_ref(row["pk"]), _entry_items(row))
        _cache.open = now_open
        return index


def quality_index_reset() -> None:
    """Forget this process's index (tests; after settings change)."""
    with _cache.lock:
        _cache.index = None
        _cache.generation = None
        _cache.open = {}


# --- Checking one entry ---


def findings_for(contribution: Contribution) -> list[Finding]:
    """Every quality finding of a contribution's draft, against the index."""
    if not settings.QUALITY_CHECKS_ENABLED:
        return []
    entry = (contribution.draft or {}).get("entry") or {}
    documents: list[tuple[str, str]] = []
    if contribution.kind == Contribution.Kind.KNOWLEDGE and contribution.pk is not None:
        documents = list(
            KnowledgeDocument.objects.filter(
                contribution=contribution, revision__isnull=True
            ).values_list("filename", "content")
        )
    with _cache.lock:
        return entry_findings(
            kind=contribution.kind,
            entry=entry,
            documents=documents,
            index=quality_index(),
            ref=entry_ref(contribution.pk) if contribution.pk else "",
            thresholds=thresholds(),
        )


def quality_fields(contribution: Contribution) -> dict[str, Any]:
    """The contribution fields that record its quality findings (set by the save services)."""
    found = findings_for(contribution)
    return {
        "quality_findings": [f.to_dict() for f in found],
        "quality_warnings": sum(1 for f in found if f.level == "warning"),
    }
