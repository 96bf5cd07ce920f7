"""Complete, valid entries for the contributor tests (skill and knowledge), written for them."""

from __future__ import annotations

from typing import Any

PASSAGES = [
    "A snapshot is a read-only copy of an RBD image at one point in time. Snapshots keep the "
    "history of an image so that it can be rolled back.",
    "Create a snapshot with rbd snap create followed by the pool, the image and a name for the "
    "snapshot. List the snapshots of an image with rbd snap ls.",
    "Before a snapshot can be cloned it must be protected with rbd snap protect. A protected "
    "snapshot cannot be deleted until it is unprotected.",
    "Rolling back an image to a snapshot rewrites the whole image with the snapshot's data. "
    "The larger the image, the longer a rollback takes.",
    "Snapshots are crash-consistent. To get a consistent file system, freeze it with fsfreeze "
    "before you take the snapshot and thaw it afterwards.",
]

DOCUMENT = "# RBD snapshots\n\n" + "\n\n".join(PASSAGES) + "\n"


def knowledge_draft(**attribution: str) -> dict[str, Any]:
    seeds = []
    for i, passage in enumerate(PASSAGES, start=1):
        seeds.append(
            {
                "context": passage,
                "questions_and_answers": [
                    {"question": f"Question {j} about passage {i}?", "answer": f"Answer {j}."}
                    for j in range(1, 4)
                ],
            }
        )
    return {
        "entry": {
            "domain": "Ceph block storage",
            "document_outline": "How RBD snapshots are taken, protected and rolled back.",
            "seed_examples": seeds,
        },
        "attribution": {
            "title": "RBD snapshots",
            "link": "https://docs.ceph.com/en/latest/rbd/rbd-snapshot/",
            "revision": "squid",
            "license": "CC-BY-SA-4.0",
            "creators": "The Ceph authors",
            **attribution,
        },
    }


def skill_draft() -> dict[str, Any]:
    return {
        "entry": {
            "task_description": "Name the Ceph command that answers an operator's question.",
            "seed_examples": [
                {
                    "question": f"How do I see the state of part {i} of my cluster?",
                    "answer": f"Run ceph status and look at section {i}.",
                }
                for i in range(1, 6)
            ],
        },
        "attribution": {
            "title": "Ceph status questions",
            "link": "https://docs.ceph.com/en/latest/rados/operations/monitoring/",
            "revision": "squid",
            "license": "CC-BY-4.0",
            "creators": "Ada Operator",
        },
    }


SKILL_QNA_YAML = """\
version: 3
created_by: someone-else
task_description: Answer questions about Ceph placement groups.
seed_examples:
  - question: What does active+clean mean?
    answer: The placement group is serving I/O and all its copies are complete.
  - question: What does degraded mean for a placement group?
    answer: Some copies of its objects are missing and being recreated.
  - question: How do I list stuck placement groups?
    answer: Run ceph pg dump_stuck.
  - question: What is a placement group?
    answer: A group of objects that Ceph places on the same set of OSDs.
  - question: How many placement groups should a pool have?
    answer: Let the pg autoscaler decide; it sizes pools from their data.
"""

SKILL_ATTRIBUTION = """\
Title of work: Placement group states
Link to work: https://docs.ceph.com/en/latest/rados/operations/pg-states/
Revision: squid
License of the work: CC-BY-4.0
Creator names: The Ceph authors
"""

ALIAS_BOMB = """\
version: 3
a: &a ["x","x","x","x","x","x","x","x","x"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
"""
