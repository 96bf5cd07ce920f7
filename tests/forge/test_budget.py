"""The secondary-limit budget: when requests may be sent, shared through a ledger."""

from __future__ import annotations

import pytest

from contributions.forge.budget import (
    BudgetExhausted,
    ContentBudget,
    FileLedger,
    Window,
    earliest_slot,
    fits,
    parse_windows,
)

MINUTE_AND_HOUR = (Window(80, 60), Window(500, 3600))


class Clock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_windows_are_read_from_settings_text():
    # given / then
    assert parse_windows("80/60, 500/3600") == MINUTE_AND_HOUR


def test_an_empty_ledger_has_room_now():
    # given nothing booked / when / then
    assert earliest_slot([], 4, 100.0, MINUTE_AND_HOUR, 0) == 100.0


def test_a_full_minute_pushes_the_slot_past_the_window():
    # given 80 requests booked at t=50, 50.5, ... 89.5
    times = [50.0 + i / 2 for i in range(80)]
    # when 4 more are wanted at t=90
    slot = earliest_slot(times, 4, 90.0, MINUTE_AND_HOUR, margin=2.0)
    # then they wait until the 4th-oldest (t=51.5) leaves the minute widened by the margin
    assert slot == 51.5 + 60 + 2


def test_room_left_in_the_minute_is_used_at_once():
    # given 61 requests in the last minute
    times = [29.0 + i for i in range(61)]
    # when 4 more are wanted / then they may go now
    assert earliest_slot(times, 4, 90.0, MINUTE_AND_HOUR, margin=2.0) == 90.0


def test_the_hour_window_is_honoured_too():
    # given 500 requests spread over the last 50 minutes (never 80 in one minute)
    times = [i * 6.0 for i in range(500)]
    # when one more is wanted right after the last
    slot = earliest_slot(times, 1, times[-1] + 1, MINUTE_AND_HOUR, margin=0)
    # then it waits for the first to be an hour old
    assert slot == 3600.0


def test_a_request_bigger_than_a_window_is_refused():
    # given / when / then
    with pytest.raises(ValueError):
        earliest_slot([], 81, 0.0, MINUTE_AND_HOUR, 0)


def test_reservations_are_shared_through_the_ledger_file(tmp_path):
    # given two budgets (two worker processes) on one ledger with room for 8 a minute
    clock = Clock()
    windows = (Window(8, 60),)
    one = ContentBudget(ledger=FileLedger(tmp_path / "l.json"), windows=windows, margin=0,
                        clock=clock)  # fmt: skip
    two = ContentBudget(ledger=FileLedger(tmp_path / "l.json"), windows=windows, margin=0,
                        clock=clock)  # fmt: skip
    # when each reserves 4
    one.reserve(4, max_wait=0)
    two.reserve(4, max_wait=0)
    # then a third reservation finds no room, says when there will be, and reserves nothing
    with pytest.raises(BudgetExhausted) as raised:
        one.reserve(4, max_wait=5)
    assert raised.value.retry_after == 60
    assert one.usage() == {"content_creating_60s": {"limit": 8, "used": 8}}


def test_a_near_slot_is_reserved(tmp_path):
    # given a full minute that frees up in 3 seconds
    clock = Clock(943.0)
    budget = ContentBudget(
        ledger=FileLedger(tmp_path / "l.json"), windows=(Window(4, 60),), margin=0, clock=clock
    )
    budget.reserve(4, max_wait=0)
    clock.now = 1000.0
    # when a reservation may wait up to 5 seconds / then it is made for t=1003
    assert budget.reserve(1, max_wait=5).at == 1003.0


def test_a_request_sent_on_time_moves_its_reservation_to_when_it_left(tmp_path):
    # given two requests reserved at t=1000
    clock = Clock(1000.0)
    ledger = FileLedger(tmp_path / "l.json")
    budget = ContentBudget(ledger=ledger, windows=(Window(80, 60),), margin=10, clock=clock)
    reservation = budget.reserve(2, max_wait=0)
    # when the first leaves at t=1003 and the rest is given back
    clock.now = 1003.0
    assert budget.spend(reservation, max_wait=0) == 0
    budget.release(reservation)
    # then the ledger holds the time it left, and nothing else
    assert budget._entries() == [1003.0]


def test_a_request_sent_late_is_booked_afresh_when_moving_it_would_break_a_window(tmp_path):
    # given 2 a minute: one request reserved at t=1000, and another worker's entered at t=1030
    clock = Clock(1000.0)
    budget = ContentBudget(
        ledger=FileLedger(tmp_path / "l.json"), windows=(Window(2, 60),), margin=0, clock=clock
    )
    late = budget.reserve(1, max_wait=0)
    clock.now = 1030.0
    budget.spend(None, max_wait=0)
    budget.spend(None, max_wait=100)  # a third, booked for t=1060 when the first is a minute old
    # when the reserved one leaves at t=1040: there, three would fall in one minute
    clock.now = 1040.0
    # then it is not slipped in but booked after the others
    with pytest.raises(BudgetExhausted) as raised:
        budget.spend(late, max_wait=5)
    assert raised.value.retry_after == 50
    assert budget._entries() == [1030.0, 1060.0]


def test_the_ledger_check_counts_every_window():
    # given / then
    assert fits([0.0, 30.0, 61.0], (Window(2, 60),), margin=0)
    assert not fits([0.0, 30.0, 59.0], (Window(2, 60),), margin=0)
    assert not fits([0.0, 30.0, 61.0], (Window(2, 60),), margin=2)


def test_an_unreserved_request_is_booked_as_it_goes(tmp_path):
    # given an empty budget
    clock = Clock(1000.0)
    budget = ContentBudget(
        ledger=FileLedger(tmp_path / "l.json"), windows=(Window(2, 60),), margin=0, clock=clock
    )
    # when two requests go without a reservation / then both are entered at once
    assert budget.spend(None, max_wait=0) == 0
    assert budget.spend(None, max_wait=0) == 0
    assert budget._entries() == [1000.0, 1000.0]
