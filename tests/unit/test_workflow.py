"""The transition table: every allowed move and every forbidden one."""

import itertools

import pytest

from contributions import workflow
from contributions.workflow import IllegalTransition, Status

ALLOWED = {
    ("draft", "submitted"),
    ("draft", "withdrawn"),
    ("submitted", "in_review"),
    ("submitted", "approved"),
    ("submitted", "changes_requested"),
    ("submitted", "rejected"),
    ("submitted", "withdrawn"),
    ("in_review", "submitted"),
    ("in_review", "approved"),
    ("in_review", "changes_requested"),
    ("in_review", "rejected"),
    ("in_review", "withdrawn"),
    ("changes_requested", "submitted"),
    ("changes_requested", "withdrawn"),
    ("changes_requested", "merged"),
    ("approved", "pr_open"),
    ("approved", "changes_requested"),
    ("approved", "pr_changes_requested"),
    ("approved", "merged"),
    ("pr_open", "merged"),
    ("pr_open", "closed"),
    ("pr_open", "pr_changes_requested"),
    ("pr_open", "submitted"),
    ("pr_open", "approved"),
    ("pr_changes_requested", "submitted"),
    ("pr_changes_requested", "approved"),
    ("pr_changes_requested", "pr_open"),
    ("pr_changes_requested", "merged"),
    ("pr_changes_requested", "closed"),
    ("submitted", "merged"),
    ("in_review", "merged"),
    ("closed", "pr_open"),
    ("closed", "merged"),
    ("closed", "submitted"),
    ("closed", "abandoned"),
    ("withdrawn", "draft"),
}
ALL_PAIRS = list(itertools.product([s.value for s in Status], repeat=2))


def test_the_table_is_exactly_the_documented_moves():
    # given the table / when read as pairs / then it is exactly the list above
    assert {(a.value, b.value) for (a, b) in workflow.TRANSITIONS} == ALLOWED


@pytest.mark.parametrize("pair", sorted(ALLOWED))
def test_allowed_move_returns_its_event(pair):
    # when
    event = workflow.check_transition(*pair)
    # then
    assert workflow.is_allowed(*pair)
    assert event and event.replace("_", "").isalpha()


@pytest.mark.parametrize("pair", sorted(set(ALL_PAIRS) - ALLOWED))
def test_forbidden_move_raises_a_clear_error(pair):
    # when / then
    with pytest.raises(IllegalTransition) as raised:
        workflow.check_transition(*pair)
    assert f"from '{pair[0]}' to '{pair[1]}'" in str(raised.value)
    assert not workflow.is_allowed(*pair)


def test_unknown_status_is_refused():
    with pytest.raises(IllegalTransition):
        workflow.check_transition("draft", "published")
    with pytest.raises(IllegalTransition):
        workflow.check_transition("nonsense", "draft")


def test_terminal_statuses_have_no_way_out():
    for status in workflow.TERMINAL:
        assert workflow.allowed_targets(status) == frozenset()


def test_every_status_is_reachable_from_draft():
    # given a walk over the table
    seen, frontier = {Status.DRAFT}, [Status.DRAFT]
    while frontier:
        for target in workflow.allowed_targets(frontier.pop()):
            if target not in seen:
                seen.add(target)
                frontier.append(target)
    # then nothing is unreachable
    assert seen == set(Status)


def test_every_status_has_a_human_label():
    assert all(status.label for status in Status)


def test_a_move_may_be_recorded_under_one_of_its_variant_names():
    # given a move with variants / when one is asked for / then it is the event
    assert workflow.check_transition("approved", "pr_open", "pr_updated") == "pr_updated"
    assert workflow.check_transition("approved", "pr_open") == "pr_opened"
    assert workflow.check_transition("pr_open", "pr_changes_requested", "path_taken") == (
        "path_taken"
    )


def test_a_variant_name_the_table_does_not_list_is_refused():
    with pytest.raises(ValueError, match="not an event of the move"):
        workflow.check_transition("approved", "pr_open", "pr_merged")
    with pytest.raises(ValueError):
        workflow.check_transition("draft", "submitted", "pr_updated")


def test_every_variant_belongs_to_an_allowed_move():
    for pair in workflow.EVENT_VARIANTS:
        assert pair in workflow.TRANSITIONS


def test_an_entry_can_be_edited_while_its_pull_request_is_open_or_after_it_closed():
    assert {Status.PR_OPEN, Status.PR_CHANGES_REQUESTED, Status.CLOSED} <= workflow.EDITABLE
    assert not workflow.EDITABLE & {Status.APPROVED, Status.MERGED, Status.ABANDONED}
