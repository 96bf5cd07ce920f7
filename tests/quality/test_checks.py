"""Every quality finding of one entry, at its field, with evidence."""

from contributions.quality import NearIndex, entry_findings
from contributions.quality.checks import Thresholds
from contributions.quality.near import IndexItem

PASSAGES = [
    "RBD snapshots are read-only copies of an image at one point in time. A snapshot "
    "keeps the image's state so that it can be rolled back later.",
    "Before a snapshot can be cloned it must be protected, so that it cannot be deleted "
    "while clones depend on it. Unprotect it only when no clone uses it any more.",
]


def _knowledge(answer: str = "") -> dict:
    return {
        "seed_examples": [
            {
                "context": PASSAGES[0],
                "questions_and_answers": [
                    {
                        "question": "What is an RBD snapshot?",
                        "answer": answer or "A read-only copy of an image at one point in time.",
                    }
                ],
            },
            {
                "context": PASSAGES[1],
                "questions_and_answers": [
                    {
                        "question": "Why must a snapshot be protected before cloning?",
                        "answer": "So it cannot be deleted while clones depend on it.",
                    }
                ],
            },
        ]
    }


def _rules(found) -> list[tuple[str, int | None, int | None, str | None]]:
    return [(f.rule, f.seed, f.qa, f.field) for f in found if f.level == "warning"]


def test_a_grounded_entry_has_no_warnings_and_says_where_its_passages_are():
    # given
    documents = [("rbd.md", "# RBD\n\n" + "\n\n".join(PASSAGES))]

    # when
    found = entry_findings(kind="knowledge", entry=_knowledge(), documents=documents)

    # then
    assert _rules(found) == []
    assert [(f.rule, f.seed, f.evidence["line"]) for f in found] == [
        ("quality.passage-place", 1, 3),
        ("quality.passage-place", 2, 5),
    ]


def test_an_answer_swapped_in_from_another_passage_is_unsupported_at_its_field():
    # given
    entry = _knowledge(answer="Protect it, so it cannot be deleted while clones depend on it.")

    # when
    found = entry_findings(kind="knowledge", entry=entry)

    # then
    assert _rules(found) == [("quality.answer-unsupported", 1, 1, "answer")]
    assert "protect" in [w.lower() for w in found[0].evidence["unsupported"]]


def test_only_a_passage_found_in_the_documents_gets_its_place():
    # given / when
    found = entry_findings(
        kind="knowledge", entry=_knowledge(), documents=[("rbd.md", PASSAGES[1])]
    )

    # then (a missing passage is the validation's document.context-not-found)
    assert _rules(found) == []
    assert [(f.rule, f.seed) for f in found] == [("quality.passage-place", 2)]


def test_a_question_copied_from_the_taxonomy_is_a_near_duplicate_with_its_link():
    # given
    url = "https://github.com/ceph/ceph-taxonomy/blob/main/knowledge/rbd/qna.yaml"
    index = NearIndex(
        [
            IndexItem(
                "taxonomy:knowledge/rbd/qna.yaml",
                "knowledge/rbd/qna.yaml",
                url,
                "question",
                3,
                2,
                "Why must an RBD snapshot be protected before cloning it?",
            )
        ]
    )

    # when
    found = entry_findings(kind="knowledge", entry=_knowledge(), index=index, ref="entry:1")

    # then
    assert _rules(found) == [("quality.near-duplicate", 2, 1, "question")]
    assert found[0].evidence["matches"][0]["url"] == url
    assert "knowledge/rbd/qna.yaml" in found[0].message


def test_a_skill_answer_that_ignores_its_context_is_reported():
    # given
    seeds = [
        {
            "context": "Ceph OSD flags: noout stops OSDs being marked out during maintenance.",
            "question": "Summarise the text in one sentence.",
            "answer": "Bananas are yellow fruit rich in potassium and loved by monkeys.",
        }
    ]

    # when
    found = entry_findings(kind="skill", entry={"seed_examples": seeds})

    # then
    assert _rules(found) == [("quality.context-ignored", 1, None, "answer")]


def test_examples_that_nearly_repeat_each_other_are_too_alike():
    # given
    entry = _knowledge()
    entry["seed_examples"][1]["questions_and_answers"][0]["question"] = "What is a RBD snapshot?"

    # when
    found = entry_findings(kind="knowledge", entry=entry, thresholds=Thresholds())

    # then
    assert ("quality.seeds-alike", 2, 1, "question") in _rules(found)


def test_a_text_alike_to_several_names_only_the_most_alike():
    # given three questions, each alike to the ones before it
    entry = _knowledge()
    pairs = entry["seed_examples"][0]["questions_and_answers"]
    pairs.append({"question": "What is an RBD snapshot ?", "answer": "A copy."})
    pairs.append({"question": "What is a RBD snapshot?", "answer": "A copy."})

    # when
    found = [f for f in entry_findings(kind="knowledge", entry=entry) if f.rule.endswith("alike")]

    # then one note per question, each naming its closest earlier question
    assert [(f.qa, f.evidence["other_qa"]) for f in found] == [(2, 1), (3, 1)]
