"""Open entries checked again when what they were checked against changes.

What an entry is checked against: InstructLab's schema and yamllint (their installed versions),
the engine's own rules (CHECKS_REVISION), the portal's policy, and the synced taxonomy (its
commit: a folder may have been taken). Their fingerprint is stored; when it moves, every open
entry's current revision is checked again, and those that passed but no longer do are flagged
on their page and in the reviewers' queue (and cannot be approved until they pass again).
"""

from __future__ import annotations

import hashlib
import json
from importlib import metadata

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from contributions.models import Contribution, ServiceStatus, TaxonomyTree
from contributions.taxonomy import CHECKS_REVISION
from contributions.workflow import EDITABLE, Status

from . import validation
from .core import event_record, lock_contribution
from .notifications import notify
from .pull_request_plan import entry_path

FINGERPRINT_KEY = "checks_fingerprint"
# Entries whose submitted revision is still on its way to the taxonomy.
OPEN_STATUSES = frozenset(
    {
        Status.SUBMITTED,
        Status.IN_REVIEW,
        Status.CHANGES_REQUESTED,
        Status.APPROVED,
        Status.PR_OPEN,
        Status.PR_CHANGES_REQUESTED,
    }
)


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "missing"


def checks_fingerprint() -> str:
    """A digest of everything an entry's verdict depends on besides the entry itself."""
    tree = (
        TaxonomyTree.objects.filter(repo__iexact=settings.TAXONOMY_REPO).only("commit_sha").first()
    )
    parts = {
        "schema": _version("instructlab-schema"),
        "yamllint": _version("yamllint"),
        "rules": CHECKS_REVISION,
        "policy": repr(validation.policy()),
        "taxonomy": tree.commit_sha if tree is not None else "",
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


@transaction.atomic
def _recheck_one(contribution_id: int, folders: dict) -> str:
    """Check one entry's current revision again; 'regressed', 'recovered' or ''."""
    contribution = lock_contribution(contribution_id)
    revision = contribution.current_revision
    if revision is None or Status(contribution.status) not in OPEN_STATUSES:
        return ""
    report = validation.report_for(revision, tree_folders=folders)
    fails = validation.report_blocks_submit(report)
    # Only what the check decides is written: not updated_at, which a check is not activity on.
    fields: dict[str, object] = {}
    if Status(contribution.status) not in EDITABLE:
        # The stored verdict describes the revision here (in review, approved): keep it true.
        fields.update(validation.validation_fields(report))
    outcome = ""
    if fails and contribution.checks_regressed_at is None:
        fields["checks_regressed_at"], outcome = timezone.now(), "regressed"
    elif not fails and contribution.checks_regressed_at is not None:
        fields["checks_regressed_at"], outcome = None, "recovered"
    for name, value in fields.items():
        setattr(contribution, name, value)
    if fields:
        contribution.save(update_fields=list(fields))
    if outcome == "regressed":
        problems = "; ".join(i.message for i in report.errors[:3])
        event = event_record(
            contribution=contribution,
            actor=None,
            event="checks_regressed",
            note=problems[:500],
            data={"revision": revision.number, "errors": len(report.errors)},
        )
        notify(
            recipient=contribution.author,
            kind="decision",
            message=f"“{contribution.summary}” no longer passes the checks after the taxonomy "
            f"or its rules changed: {problems or 'see the entry'}",
            contribution=contribution,
            url=entry_path(contribution.pk),
            dedupe_key=f"checks-regressed-{event.pk}",
        )
    elif outcome == "recovered":
        event_record(
            contribution=contribution,
            actor=None,
            event="checks_recovered",
            data={"revision": revision.number},
        )
    return outcome


def open_entries_recheck(*, force: bool = False) -> dict[str, int]:
    """Check open entries again if the fingerprint moved (or `force`); safe to run twice."""
    fingerprint = checks_fingerprint()
    stored = ServiceStatus.objects.filter(key=FINGERPRINT_KEY).values_list("data", flat=True)
    previous = (stored.first() or {}).get("fingerprint")
    if previous == fingerprint and not force:
        return {"checked": 0, "regressed": 0, "recovered": 0}
    folders = dict(validation.taxonomy_folders())
    ids = list(
        Contribution.objects.filter(status__in=[s.value for s in OPEN_STATUSES])
        .exclude(current_revision__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    outcomes = [_recheck_one(pk, folders) for pk in ids]
    ServiceStatus.objects.update_or_create(
        key=FINGERPRINT_KEY,
        defaults={"data": {"fingerprint": fingerprint, "checked_at": timezone.now().isoformat()}},
    )
    return {
        "checked": len(ids),
        "regressed": outcomes.count("regressed"),
        "recovered": outcomes.count("recovered"),
    }
