"""The near-duplicate index: banded MinHash candidates, verified by similarity."""

import numpy as np

from contributions.quality.near import IndexItem, NearIndex, signatures


def _item(ref: str, text: str, field: str = "question") -> IndexItem:
    return IndexItem(ref, ref, f"https://example.org/{ref}", field, 1, 1, text)


TAXONOMY = [
    _item("taxonomy:a", "What does the placement group autoscaler set for each pool?"),
    _item("taxonomy:b", "How do I enable the RADOS gateway multisite sync policy?"),
    _item("taxonomy:c", "Which daemon keeps the authoritative copy of the cluster map?"),
]


def test_signatures_are_stable_and_ignore_markup_and_case():
    # given / when
    a, b = signatures(["What is **Ceph**?", "what is  ceph?"])

    # then
    assert np.array_equal(a, b)
    assert np.array_equal(signatures(["What is Ceph?"])[0], a)


def test_a_near_repeat_is_found_with_its_link_and_an_unrelated_text_is_not():
    # given
    index = NearIndex(TAXONOMY)

    # when
    near, unrelated = index.search(
        "question",
        [
            "What does the placement-group autoscaler set for every pool?",
            "Why is my laptop fan noisy?",
        ],
    )

    # then
    assert [m.item.ref for m in near] == ["taxonomy:a"]
    assert near[0].item.url == "https://example.org/taxonomy:a" and near[0].score >= 85
    assert unrelated == []


def test_fields_are_compared_only_with_the_same_field():
    # given
    index = NearIndex(TAXONOMY)

    # when / then
    assert index.search("answer", [TAXONOMY[0].text]) == [[]]


def test_open_entries_can_be_added_replaced_and_removed_and_never_match_themselves():
    # given
    index = NearIndex(TAXONOMY)
    question = "How are snapshots of an RBD image protected before cloning?"
    index.put("entry:7", [_item("entry:7", question)])

    # when
    found = index.search("question", [question])[0]
    own = index.search("question", [question], exclude_ref="entry:7")[0]
    index.remove("entry:7")
    gone = index.search("question", [question])[0]

    # then
    assert [m.item.ref for m in found] == ["entry:7"]
    assert own == [] and gone == []
