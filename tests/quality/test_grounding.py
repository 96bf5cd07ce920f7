"""Grounding: answer support against its passage, and passages found in documents."""

from contributions.quality.grounding import answer_support, locate_passage

PASSAGE = (
    "Objects are first hashed into a placement group (PG), and CRUSH then maps each "
    "placement group to an ordered list of OSDs, the acting set."
)
DOCUMENT = """# Placement groups

Intro line.

Objects are first **hashed** into a placement
group (PG), and CRUSH then maps each placement group
to an ordered list of OSDs, the *acting set*.

## Later
"""


def test_an_answer_taken_from_its_passage_is_supported():
    # given / when
    support = answer_support("CRUSH maps each placement group to the acting set of OSDs.", PASSAGE)

    # then
    assert support.score == 1.0
    assert support.unsupported == ()


def test_an_answer_about_something_else_is_unsupported_and_its_words_marked():
    # given
    answer = "RBD snapshots are read-only copies of an image at a point in time."

    # when
    support = answer_support(answer, PASSAGE)

    # then
    assert support.score < 0.5
    assert "snapshots" in support.unsupported and "image" in support.unsupported
    assert "".join(text for text, _ in support.segments) == answer
    assert ("snapshots", True) in support.segments


def test_inflected_words_count_as_supported():
    # given / when
    support = answer_support("Objects get hashed into groups.", PASSAGE)

    # then
    assert support.unsupported == ("get",)


def test_a_passage_is_found_despite_wrapping_and_markdown_with_its_line():
    # given / when
    place = locate_passage(PASSAGE, [("other.md", "nothing here"), ("pgs.md", DOCUMENT)])

    # then
    assert place is not None
    assert (place.document, place.line, place.exact) == ("pgs.md", 5, True)


def test_a_passage_with_a_changed_word_is_still_found_but_not_exactly():
    # given
    edited = PASSAGE.replace("ordered", "sorted")

    # when
    place = locate_passage(edited, [("pgs.md", DOCUMENT)])

    # then
    assert place is not None and not place.exact and place.score >= 85


def test_a_passage_that_is_not_in_the_documents_is_not_found():
    # given / when
    place = locate_passage("Monitors keep the cluster map with Paxos.", [("pgs.md", DOCUMENT)])

    # then
    assert place is None
