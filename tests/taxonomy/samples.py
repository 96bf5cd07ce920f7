"""Sample entries written for these tests (our own content, not taken from any taxonomy)."""

from __future__ import annotations

from contributions.taxonomy import (
    Attribution,
    DocumentRef,
    KnowledgeEntry,
    KnowledgeSeed,
    QAPair,
    SkillEntry,
    SkillSeed,
)

SHA = "0123456789abcdef0123456789abcdef01234567"

ATTRIBUTION = Attribution(
    title="Ceph storage notes for the portal tests",
    link="https://example.org/ceph-notes",
    revision="https://example.org/ceph-notes/revisions/7",
    license="CC-BY-4.0",
    creators="Portal Test Writers",
)

SKILL = SkillEntry(
    created_by="portal-tester",
    task_description="Turn a short instruction into a polite request.",
    seed_examples=[
        SkillSeed(question="Close the door.", answer="Could you please close the door?"),
        SkillSeed(question="Send me the report.", answer="Would you mind sending me the report?"),
        SkillSeed(
            question="Fix the build: it fails on main.",
            answer="Could you take a look at the build? It fails on main.",
        ),
        SkillSeed(
            question="Say 'yes' or 'no'.",
            answer='Would you tell me "yes" or "no", please?',
        ),
        SkillSeed(
            question="List the steps.",
            answer="Could you list the steps?\nFor example:\n1. Open the file\n2. Save it\n",
        ),
    ],
)

GROUNDED_SKILL = SkillEntry(
    created_by="portal-tester",
    task_description="Answer a question using only the table given as context.",
    seed_examples=[
        SkillSeed(
            context="| pool | size |\n|------|------|\n| rbd  | 3    |\n| cephfs | 2  |",
            question="What is the size of the rbd pool?",
            answer="The rbd pool has size 3.",
        ),
        SkillSeed(
            context="| pool | size |\n|------|------|\n| rbd  | 3    |\n| cephfs | 2  |",
            question="Which pool has the smallest size?",
            answer="The cephfs pool, with size 2.",
        ),
        SkillSeed(
            context="    indented first line\nthen a normal line",
            question="What does the first line say?",
            answer="It says: indented first line.",
        ),
        SkillSeed(
            context="# not a comment\nkey: value\n- not a list item",
            question="How many lines are there?",
            answer="3",
        ),
        SkillSeed(
            context="Café, naïve, 東京, emoji 🎉, em dash — and ≥ signs.",
            question="Which city is mentioned?",
            answer="東京 (Tokyo).",
        ),
    ],
)


def _qa(question: str, answer: str) -> QAPair:
    return QAPair(question=question, answer=answer)


KNOWLEDGE = KnowledgeEntry(
    created_by="portal-tester",
    domain="storage",
    document_outline="Notes on how Ceph places and protects data.",
    seed_examples=[
        KnowledgeSeed(
            context=(
                "Ceph stores data as objects in pools. Each pool is split into\n"
                "placement groups, and CRUSH maps placement groups to OSDs.\n"
            ),
            questions_and_answers=[
                _qa("What does Ceph store data as?", "As objects in pools."),
                _qa("What is a pool split into?", "Placement groups."),
                _qa("What maps placement groups to OSDs?", "The CRUSH algorithm."),
            ],
        ),
        KnowledgeSeed(
            context=(
                "Monitors keep the cluster map. A cluster usually runs an odd number\n"
                "of monitors, such as 3 or 5, so that a majority can always agree."
            ),
            questions_and_answers=[
                _qa("What do monitors keep?", "The cluster map."),
                _qa("How many monitors does a cluster usually run?", "An odd number: 3 or 5."),
                _qa("Why an odd number?", "So that a majority can always agree."),
            ],
        ),
        KnowledgeSeed(
            context=(
                "To list OSDs by host, run:\n\n"
                "    # ceph osd tree\n\n"
                "The output shows each host with its OSDs and their status."
            ),
            questions_and_answers=[
                _qa("Which command lists OSDs by host?", "ceph osd tree"),
                _qa("What does the output show?", "Each host with its OSDs and their status."),
                _qa("Is '#' part of the command?", "No: it is the shell prompt."),
            ],
        ),
        KnowledgeSeed(
            context=(
                'Replication keeps "size" copies of each object; erasure coding\n'
                "splits objects into k data chunks and m coding chunks."
            ),
            questions_and_answers=[
                _qa("What does replication keep?", '"size" copies of each object.'),
                _qa("What does erasure coding split objects into?", "k data and m coding chunks."),
                _qa("Yes or no: is erasure coding replication?", "no"),
            ],
        ),
        KnowledgeSeed(
            context=(
                "The RADOS Gateway (RGW) offers an S3-compatible API. Its endpoint is\n"
                "often served at https://rgw.example.org:8080/."
            ),
            questions_and_answers=[
                _qa("What API does RGW offer?", "An S3-compatible API."),
                _qa("What does RGW stand for?", "RADOS Gateway."),
                _qa("Where is the endpoint in the example?", "https://rgw.example.org:8080/"),
            ],
        ),
    ],
    document=DocumentRef(
        repo="https://github.com/example/ceph-notes",
        commit=SHA,
        patterns=["notes/ceph.md", "*.pdf"],
    ),
)

SAMPLES = {
    "skill": (SKILL, "compositional_skills/writing/polite_requests/qna.yaml"),
    "grounded_skill": (
        GROUNDED_SKILL,
        "compositional_skills/grounded/tables/lookup/qna.yaml",
    ),
    "knowledge": (KNOWLEDGE, "knowledge/technology/ceph/placement/qna.yaml"),
}

# Strings that are easy to get wrong when writing YAML by hand or by machine.
TRICKY_TEXTS = [
    "plain words",
    "yes",
    "No",
    "null",
    "~",
    "3",
    "3.14",
    "1e3",
    ".inf",
    "2024-01-31",
    "0x1F",
    "<<",
    "=",
    "- looks like a list",
    "? looks like a key",
    "key: value",
    "ends with a colon:",
    "a # not a comment",
    "# starts with a hash",
    "'single quoted'",
    '"double quoted"',
    "it's",
    "{braces} and [brackets]",
    "&anchor and *alias",
    "!tag",
    "|pipe",
    ">folded",
    "%percent",
    "@at",
    "`backtick`",
    "...",
    "---",
    "  leading spaces",
    "trailing spaces  ",
    "tab\tinside",
    "\ttab first",
    "multi\nline",
    "multi\nline with final newline\n",
    "  indented first line\nsecond",
    "\nleading newline",
    "two final newlines\n\n",
    "blank lines\n\n\nthree in a row\n\n\n\nfour",
    "trailing space on a line \nnext",
    "a line of spaces\n   \nafter",
    "windows\r\nline end",
    "nel\x85ls\u2028ps\u2029end",
    "bom\ufeffinside",
    "bell\x07 and escape\x1b",
    "unicode: café, 東京, 🎉, —",
    "backslash \\ and \\n literally",
    "very long " * 60,
]
