"""The one mechanism that moves status: locked row, table check, audit event, after-commit work."""

import itertools

import pytest
from django.db import transaction

from contributions import workflow
from contributions.models import Contribution, ContributionEvent
from contributions.services.core import contribution_move, lock_contribution
from contributions.workflow import IllegalTransition, Status
from tests.factories import ContributionFactory

ALL_PAIRS = list(itertools.product(list(Status), repeat=2))


@pytest.mark.django_db
@pytest.mark.parametrize("from_status,to_status", ALL_PAIRS, ids=lambda s: s.value)
def test_every_move_through_the_service(from_status, to_status, django_capture_on_commit_callbacks):
    # given a contribution in from_status
    contribution = ContributionFactory(status=from_status.value)
    ran = []
    allowed = workflow.is_allowed(from_status, to_status)
    # when the service moves it
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                locked = lock_contribution(contribution.pk)
                contribution_move(
                    contribution=locked,
                    to_status=to_status,
                    actor=contribution.author,
                    after_commit=lambda: ran.append(True),
                )
        except IllegalTransition:
            assert not allowed
    contribution.refresh_from_db()
    events = list(ContributionEvent.objects.filter(contribution=contribution))
    # then an allowed move changes status, writes one event and runs its side effect after commit
    if allowed:
        assert contribution.status == to_status.value
        assert [(e.from_status, e.to_status) for e in events] == [
            (from_status.value, to_status.value)
        ]
        assert events[0].event == workflow.TRANSITIONS[(from_status, to_status)]
        assert events[0].actor == contribution.author
        assert ran == [True]
    # and a forbidden one changes nothing at all
    else:
        assert contribution.status == from_status.value
        assert events == []
        assert ran == []


@pytest.mark.django_db(transaction=True)
def test_move_outside_a_transaction_is_refused():
    contribution = ContributionFactory()
    with pytest.raises(RuntimeError, match="transaction"):
        contribution_move(
            contribution=contribution, to_status=Status.SUBMITTED, actor=contribution.author
        )
    assert Contribution.objects.get(pk=contribution.pk).status == "draft"


@pytest.mark.django_db
def test_side_effect_does_not_run_when_the_transaction_rolls_back(
    django_capture_on_commit_callbacks,
):
    contribution = ContributionFactory()
    ran = []
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ZeroDivisionError),
        transaction.atomic(),
    ):
        contribution_move(
            contribution=lock_contribution(contribution.pk),
            to_status=Status.SUBMITTED,
            actor=contribution.author,
            after_commit=lambda: ran.append(True),
        )
        1 / 0  # noqa: B018 - something fails after the move
    assert ran == []
    assert not ContributionEvent.objects.filter(contribution=contribution).exists()
