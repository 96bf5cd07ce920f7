"""The review diff and the checks' messages name things as the contributor's form does."""

from contributions.form_words import plain_words
from contributions.selectors.revision_diff import revision_changes


def _knowledge(context: str, answer: str) -> dict:
    seed = {
        "context": context,
        "questions_and_answers": [
            {"question": "What is a pool?", "answer": "A logical partition."},
            {"question": "Who makes one?", "answer": answer},
        ],
    }
    return {
        "summary": "Pools",
        "taxonomy_path": "knowledge/ceph/pools",
        "content": {"domain": "Ceph", "seed_examples": [seed, dict(seed)], "document": {}},
    }


def test_a_knowledge_diff_names_the_example_passage_and_question():
    # given two revisions of a knowledge entry that differ in a passage and one answer
    old = _knowledge("Pools hold objects.", "An admin.")
    new = _knowledge("Pools hold objects and PGs.", "An administrator.")
    new["content"]["seed_examples"][0] = old["content"]["seed_examples"][0]
    # when the changes are listed
    labels = [c.label for c in revision_changes(old, new)]
    # then they use the form's words
    assert labels == ["Example 2 · Passage", "Example 2 · Answer 2"]


def test_a_skill_diff_names_the_example_and_its_fields():
    # given two skill revisions whose second example's question and context changed
    def skill(question: str, context: str) -> dict:
        seeds = [{"question": "q", "answer": "a"}, {"question": question, "answer": "a"}]
        seeds[1]["context"] = context
        return {"summary": "s", "taxonomy_path": "p", "content": {"seed_examples": seeds}}

    # when the changes are listed
    changes = revision_changes(skill("Old?", "log 1"), skill("New?", "log 2"))
    # then they read Example 2 · Question and Example 2 · Context, in the Examples group
    assert [c.label for c in changes] == ["Example 2 · Question", "Example 2 · Context"]
    assert {c.group for c in changes} == {"Examples"} and {c.seed_index for c in changes} == {1}


def test_the_checks_messages_use_the_forms_words():
    assert plain_words("seed example 2, Q&A 1: answer is empty") == (
        "example 2, question 1: answer is empty"
    )
    assert plain_words("Seed examples need 3 Q&A pairs") == "Examples need 3 questions"
