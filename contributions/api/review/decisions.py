"""What a reviewer does to an entry: claim, release, assign, comment, approve, request changes,
reject."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from contributions.api.common import valid_data
from contributions.api.errors import Refused, call_service
from contributions.models import Review
from contributions.services import reviews

from .policies import visible_entry
from .serializers import (
    AssignRequestSerializer,
    ClaimRequestSerializer,
    ClaimSerializer,
    CommentRequestSerializer,
    CommentSerializer,
    DecisionRequestSerializer,
    ReasonRequiredSerializer,
    ReviewSerializer,
)


class ClaimView(APIView):
    """Claim the entry for review (or renew one's claim)."""

    @extend_schema(request=ClaimRequestSerializer, responses=ClaimSerializer)
    def post(self, request: Request, pk: int) -> Response:
        visible_entry(request, pk)
        data = valid_data(ClaimRequestSerializer, request)
        claim = call_service(
            reviews.review_claim,
            contribution_id=pk,
            reviewer=request.user,
            minutes=data.get("minutes"),
        )
        return Response(ClaimSerializer(claim).data)


class ReleaseView(APIView):
    """Give the entry back to the queue (its claimant or an admin)."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request, pk: int) -> Response:
        visible_entry(request, pk)
        call_service(reviews.review_release, contribution_id=pk, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AssignView(APIView):
    """An admin hands the entry to a reviewer for a while."""

    @extend_schema(request=AssignRequestSerializer, responses=ClaimSerializer)
    def post(self, request: Request, pk: int) -> Response:
        visible_entry(request, pk)
        data = valid_data(AssignRequestSerializer, request)
        reviewer = get_user_model().objects.filter(username=data["reviewer"]).first()
        if reviewer is None:
            raise Refused("There is no reviewer with that user name.")
        claim = call_service(
            reviews.review_assign,
            contribution_id=pk,
            reviewer=reviewer,
            assigned_by=request.user,
            minutes=data.get("minutes"),
        )
        return Response(ClaimSerializer(claim).data)


class CommentView(APIView):
    """Comment on the entry, or on one seed example."""

    @extend_schema(request=CommentRequestSerializer, responses={201: CommentSerializer})
    def post(self, request: Request, pk: int) -> Response:
        visible_entry(request, pk)
        data = valid_data(CommentRequestSerializer, request)
        comment = call_service(
            reviews.review_comment,
            contribution_id=pk,
            author=request.user,
            body=data["body"],
            seed_index=data.get("seed_index"),
        )
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


class _DecisionView(APIView):
    """Record `decision` on the entry's current revision; each decision documents its schema."""

    decision: str = ""
    request_serializer: type[serializers.Serializer] = DecisionRequestSerializer

    def post(self, request: Request, pk: int) -> Response:
        visible_entry(request, pk)
        data = valid_data(self.request_serializer, request)
        review = call_service(
            reviews.review_decide,
            contribution_id=pk,
            reviewer=request.user,
            decision=self.decision,
            reason=data.get("reason", ""),
            revision_number=data.get("revision"),
        )
        return Response(ReviewSerializer(review).data, status=status.HTTP_201_CREATED)


@extend_schema(request=DecisionRequestSerializer, responses={201: ReviewSerializer})
class ApproveView(_DecisionView):
    """Approve the current revision; the last approval needed opens the pull request."""

    decision = Review.Decision.APPROVE


@extend_schema(request=ReasonRequiredSerializer, responses={201: ReviewSerializer})
class RequestChangesView(_DecisionView):
    """Send the entry back to its author; a reason is required."""

    decision = Review.Decision.REQUEST_CHANGES
    request_serializer = ReasonRequiredSerializer


@extend_schema(request=ReasonRequiredSerializer, responses={201: ReviewSerializer})
class RejectView(_DecisionView):
    """Turn the entry down for good; a reason is required."""

    decision = Review.Decision.REJECT
    request_serializer = ReasonRequiredSerializer


class AbandonRequestSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text="Why the entry is given up; its author reads it.")


class AbandonView(APIView):
    """An admin marks an entry whose pull request was closed without merging as abandoned."""

    @extend_schema(request=AbandonRequestSerializer, responses={204: None})
    def post(self, request: Request, pk: int) -> Response:
        from contributions.services.admin_ops import contribution_abandon

        visible_entry(request, pk)
        data = valid_data(AbandonRequestSerializer, request)
        call_service(
            contribution_abandon, contribution_id=pk, actor=request.user, reason=data["reason"]
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
