"""The caller's moves on an entry: submit, withdraw, restore, and copying it as a new draft."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from contributions.api.common import valid_data
from contributions.services import contributions as services
from contributions.services import importing

from .access import call, entry_data, own_entry
from .serializers import ContributionSerializer, DetailSerializer, NoteSerializer, SubmitSerializer

# What every move answers; each move documents its own request body.
TRANSITION_RESPONSES = {200: ContributionSerializer, 400: DetailSerializer, 404: DetailSerializer}


class _TransitionView(APIView):
    """Move the caller's entry with `service`, then answer with the entry as it is now."""

    service: Callable[..., Any]
    # Its fields are the service's arguments besides the entry and the actor; None: no body.
    request_serializer: type[serializers.Serializer] | None = None

    def post(self, request: Request, contribution_id: int) -> Response:
        contribution = own_entry(request, contribution_id)
        data = valid_data(self.request_serializer, request) if self.request_serializer else {}
        call(self.service, contribution_id=contribution.pk, actor=request.user, **data)
        return Response(entry_data(contribution.pk))


@extend_schema(request=SubmitSerializer, responses=TRANSITION_RESPONSES)
class SubmitView(_TransitionView):
    """Submit (or resubmit) for review: a new immutable revision.

    Refused (400) unless the entry passes the taxonomy's checks, the author has a commit
    identity and has agreed to the DCO (send `dco_consent: true` to agree now).
    """

    service = staticmethod(services.contribution_submit)
    request_serializer = SubmitSerializer


@extend_schema(request=NoteSerializer, responses=TRANSITION_RESPONSES)
class WithdrawView(_TransitionView):
    """Take the entry out of the process (it can be restored as a draft)."""

    service = staticmethod(services.contribution_withdraw)
    request_serializer = NoteSerializer


@extend_schema(request=None, responses=TRANSITION_RESPONSES)
class RestoreView(_TransitionView):
    """Bring a withdrawn entry back as a draft."""

    service = staticmethod(services.contribution_restore)


def _rebase(*, contribution_id: int, actor: Any) -> None:
    from contributions.models import PullRequest
    from contributions.services.core import ServiceError
    from contributions.services.pull_request_revise import pull_request_request_rebase

    pull = PullRequest.objects.filter(contribution_id=contribution_id).order_by("-pk").first()
    if pull is None:
        raise ServiceError("This entry has no pull request to bring up to date.")
    pull_request_request_rebase(pull_request_id=pull.pk, actor=actor)


@extend_schema(request=None, responses=TRANSITION_RESPONSES)
class RebaseView(_TransitionView):
    """Write the entry's open pull request again on top of the latest taxonomy (a new commit).

    For a pull request that conflicts with the moved base branch; refused (400) when another
    entry took the folder upstream (the entry must move to another folder instead).
    """

    service = staticmethod(_rebase)


class DuplicateView(APIView):
    """Start a new draft from a copy of this entry (and its documents)."""

    @extend_schema(request=None, responses={201: ContributionSerializer, 404: DetailSerializer})
    def post(self, request: Request, contribution_id: int) -> Response:
        contribution = own_entry(request, contribution_id)
        copy = call(
            importing.contribution_duplicate, contribution_id=contribution.pk, actor=request.user
        )
        return Response(ContributionSerializer(copy).data, status=201)
