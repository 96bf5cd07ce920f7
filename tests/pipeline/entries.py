"""Entries that reach APPROVED through the real services, for the pipeline's tests."""

from __future__ import annotations

from contributions.models import Contribution
from contributions.services.contributions import contribution_create_draft, contribution_submit
from contributions.services.documents import document_write
from contributions.services.reviews import review_approve
from contributions.services.validation import contribution_validate

ATTRIBUTION = {
    "title": "Ceph documentation",
    "link": "https://docs.ceph.com/en/latest/",
    "revision": "reef",
    "license": "CC-BY-SA-4.0",
    "creators": "The Ceph authors",
}

DOCUMENT = """# Placement groups

Ceph maps every object to a placement group, and every placement group to a set of OSDs.

A healthy placement group is active and clean: it serves reads and writes, and every copy
of its objects is in place.

The command ceph pg stat prints a one-line summary of all placement groups in the cluster.

When an OSD fails, the placement groups it held become degraded until Ceph has copied their
objects to another OSD.

Scrubbing compares the copies of each object and reports any that differ from the others.
"""

CONTEXTS = [
    "Ceph maps every object to a placement group, and every placement group to a set of OSDs.",
    "A healthy placement group is active and clean: it serves reads and writes, and every copy "
    "of its objects is in place.",
    "The command ceph pg stat prints a one-line summary of all placement groups in the cluster.",
    "When an OSD fails, the placement groups it held become degraded until Ceph has copied their "
    "objects to another OSD.",
    "Scrubbing compares the copies of each object and reports any that differ from the others.",
]


def skill_entry(n: int) -> dict:
    return {
        "version": 3,
        "created_by": "tester",
        "task_description": f"Answer an operator's question about Ceph health, set {n}.",
        "seed_examples": [
            {
                "question": f"How do I see why the cluster is unhealthy, case {n}.{i}?",
                "answer": f"Run `ceph health detail` and read each warning (case {n}.{i}).",
            }
            for i in range(1, 6)
        ],
    }


def knowledge_entry(n: int) -> dict:
    return {
        "version": 3,
        "created_by": "tester",
        "domain": "storage",
        "document_outline": f"How Ceph places and checks data, part {n}.",
        "seed_examples": [
            {
                "context": context,
                "questions_and_answers": [
                    {"question": f"Question {j} about passage {i} ({n})?", "answer": f"Answer {j}."}
                    for j in range(1, 4)
                ],
            }
            for i, context in enumerate(CONTEXTS, start=1)
        ],
    }


def approved_entry(*, author, reviewer, kind: str, n: int) -> Contribution:
    """A skill or knowledge entry taken through draft, submit, checks and approval."""
    is_skill = kind == Contribution.Kind.SKILL
    root = "compositional_skills/technology/ceph" if is_skill else "knowledge/technology/ceph"
    contribution = contribution_create_draft(
        author=author,
        kind=kind,
        summary=f"Ceph {kind} number {n}",
        taxonomy_path=f"{root}/portal_entry_{n}",
        draft={
            "entry": skill_entry(n) if is_skill else knowledge_entry(n),
            "attribution": ATTRIBUTION,
        },
    )
    if not is_skill:
        document_write(
            contribution_id=contribution.pk,
            actor=author,
            filename=f"placement_groups_{n}.md",
            content=DOCUMENT,
        )
    contribution_submit(contribution_id=contribution.pk, actor=author)
    report = contribution_validate(contribution_id=contribution.pk)
    assert report["can_submit"], report
    review_approve(contribution_id=contribution.pk, reviewer=reviewer)
    contribution.refresh_from_db()
    return contribution
