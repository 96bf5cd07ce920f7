"""The review API: the queue, one entry's review data, the review actions, statistics,
notifications and the admin's failed-task retry.

Entries the caller may not see answer 404. Refusals from the services answer 403 (not allowed
to do this), 409 (someone else got there first, or a newer revision arrived) or 400 (fix the
request), always with `{"detail": "<what to do>"}`.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.http import Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from contributions import permissions, roles
from contributions.api.errors import Refused, call_service
from contributions.models import Comment, Contribution, Notification, Review, ReviewClaim
from contributions.selectors import dashboard as dashboard_selectors
from contributions.selectors import people as people_selectors
from contributions.selectors.notifications import notifications_page, unread_count
from contributions.selectors.review import (
    AGE_FILTERS,
    CLAIM_FILTERS,
    QueueFilters,
    active_claim,
    review_contribution,
    review_page,
    review_queue,
)
from contributions.services import admin_ops, reviews
from contributions.services.notifications import notifications_mark_read

# --- plumbing -------------------------------------------------------------------------------------


def _call(function: Any, **kwargs: Any) -> Any:
    """Run a service, turning its refusals into API answers."""
    return call_service(function, hide_denied=False, **kwargs)


class IsReviewer(BasePermission):
    message = "Only reviewers can use the review queue."

    def has_permission(self, request, view) -> bool:
        return bool(
            request.user and request.user.is_authenticated and roles.is_reviewer(request.user)
        )


class IsPortalAdmin(BasePermission):
    message = "Only the portal's admins can see this."

    def has_permission(self, request, view) -> bool:
        return bool(
            request.user
            and request.user.is_authenticated
            and permissions.can_assign_reviews(request.user)
        )


def _visible(request: Request, pk: int) -> Contribution:
    contribution = review_contribution(contribution_id=pk)
    if (
        contribution is None
        or contribution.current_revision_id is None
        or not permissions.can_view(request.user, contribution)
    ):
        raise Http404
    return contribution


def _name(user) -> str:
    profile = getattr(user, "profile", None) if user is not None else None
    if user is None:
        return ""
    return profile.public_name if profile is not None else user.get_username()


# --- serializers ----------------------------------------------------------------------------------


class ClaimSerializer(serializers.Serializer):
    reviewer = serializers.CharField(source="reviewer.username")
    reviewer_name = serializers.SerializerMethodField()
    assigned_by = serializers.CharField(
        source="assigned_by.username", allow_null=True, default=None
    )
    expires_at = serializers.DateTimeField()

    def get_reviewer_name(self, claim: ReviewClaim) -> str:
        return _name(claim.reviewer)


class QueueEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    summary = serializers.CharField()
    kind = serializers.CharField()
    taxonomy_path = serializers.CharField()
    status = serializers.CharField()
    validation_state = serializers.CharField()
    author = serializers.CharField(source="author.username")
    author_name = serializers.SerializerMethodField()
    revision = serializers.IntegerField(source="current_revision.number")
    submitted_at = serializers.DateTimeField()
    approvals = serializers.IntegerField(source="approval_count")
    comments = serializers.IntegerField(source="comment_count")
    claim = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    def get_author_name(self, entry: Contribution) -> str:
        return _name(entry.author)

    @extend_schema_field(ClaimSerializer(allow_null=True))
    def get_claim(self, entry: Contribution) -> dict | None:
        claim = active_claim(entry)
        return ClaimSerializer(claim).data if claim else None

    def get_url(self, entry: Contribution) -> str:
        return reverse("review-detail", args=[entry.pk])


class CommentSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    author = serializers.SerializerMethodField()
    external_author = serializers.CharField()
    seed_index = serializers.IntegerField(allow_null=True)
    revision = serializers.IntegerField(source="revision.number", allow_null=True, default=None)
    body = serializers.CharField()
    created_at = serializers.DateTimeField()

    def get_author(self, comment: Comment) -> str:
        return comment.author.get_username() if comment.author else ""


class ReviewSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    reviewer = serializers.CharField(source="reviewer.username")
    decision = serializers.ChoiceField(choices=Review.Decision.choices)
    reason = serializers.CharField()
    revision = serializers.IntegerField(source="revision.number")
    is_current = serializers.BooleanField()
    created_at = serializers.DateTimeField()


class FieldChangeSerializer(serializers.Serializer):
    group = serializers.CharField()
    label = serializers.CharField()
    change = serializers.ChoiceField(choices=["added", "removed", "changed"])
    old = serializers.CharField()
    new = serializers.CharField()
    seed_index = serializers.IntegerField(allow_null=True)


class FileSerializer(serializers.Serializer):
    name = serializers.CharField()
    text = serializers.CharField()
    error = serializers.CharField()


class ReviewEntrySerializer(serializers.Serializer):
    """Everything a reviewer needs to decide, as the review page shows it."""

    id = serializers.IntegerField()
    summary = serializers.CharField()
    kind = serializers.CharField()
    taxonomy_path = serializers.CharField()
    status = serializers.CharField()
    author = serializers.CharField()
    revision = serializers.IntegerField()
    revisions = serializers.ListField(child=serializers.IntegerField())
    compared_with = serializers.IntegerField(allow_null=True)
    content = serializers.DictField(help_text="The entry as written (qna.yaml data).")
    attribution = serializers.DictField()
    files = FileSerializer(many=True)
    validation_state = serializers.CharField()
    validation_current = serializers.BooleanField(
        help_text="Whether the stored checks ran on this revision's content."
    )
    validation_issues = serializers.ListField(child=serializers.DictField())
    changes = FieldChangeSerializer(many=True)
    comments = CommentSerializer(many=True)
    reviews = ReviewSerializer(many=True)
    approvals = serializers.IntegerField()
    required_approvals = serializers.IntegerField()
    claim = ClaimSerializer(allow_null=True)
    can_decide = serializers.BooleanField()


class ClaimRequestSerializer(serializers.Serializer):
    minutes = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=reviews.MAX_CLAIM_MINUTES,
        help_text="How long the claim lasts; the portal's default if left out.",
    )


class AssignRequestSerializer(ClaimRequestSerializer):
    reviewer = serializers.CharField(help_text="User name of the reviewer.")


class CommentRequestSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=reviews.MAX_COMMENT_CHARS)
    seed_index = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, help_text="0-based seed example."
    )


class DecisionRequestSerializer(serializers.Serializer):
    revision = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="The revision number you read; refused (409) if a newer one arrived.",
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ReasonRequiredSerializer(DecisionRequestSerializer):
    reason = serializers.CharField(help_text="Required: what the author should know.")


# --- the queue and one entry ----------------------------------------------------------------------


class QueuePagination(PageNumberPagination):
    page_size = 25


QUEUE_PARAMETERS = [
    OpenApiParameter("kind", str, enum=list(Contribution.Kind.values)),
    OpenApiParameter("path", str, description="Taxonomy folder the entries are under."),
    OpenApiParameter("validation", str, enum=list(Contribution.Validation.values)),
    OpenApiParameter("author", str, description="User name, or part of the display name."),
    OpenApiParameter("age", str, enum=list(AGE_FILTERS), description="How long it waited."),
    OpenApiParameter("claim", str, enum=list(CLAIM_FILTERS)),
]


class ReviewQueueView(APIView):
    """Entries waiting for review in the caller's scope, oldest first."""

    permission_classes = [IsReviewer]

    @extend_schema(parameters=QUEUE_PARAMETERS, responses=QueueEntrySerializer(many=True))
    def get(self, request: Request) -> Response:
        queryset = review_queue(user=request.user, filters=QueueFilters.from_params(request.GET))
        paginator = QueuePagination()
        page = paginator.paginate_queryset(queryset, request, view=self)
        return paginator.get_paginated_response(QueueEntrySerializer(page, many=True).data)


class ReviewEntryView(APIView):
    """One entry as the reviewer sees it: content, YAML, checks, changes, comments, decisions."""

    @extend_schema(
        parameters=[OpenApiParameter("base", int, description="Revision to compare with.")],
        responses=ReviewEntrySerializer,
    )
    def get(self, request: Request, pk: int) -> Response:
        contribution = _visible(request, pk)
        base = request.GET.get("base", "")
        data = review_page(
            contribution=contribution, base_number=int(base) if base.isdigit() else None
        )
        revision = data.revision
        body = {
            "id": contribution.pk,
            "summary": revision.summary,
            "kind": revision.kind,
            "taxonomy_path": revision.taxonomy_path,
            "status": contribution.status,
            "author": contribution.author.get_username(),
            "revision": revision.number,
            "revisions": data.revision_numbers,
            "compared_with": data.base.number if data.base else None,
            "content": revision.content,
            "attribution": revision.attribution,
            "files": [vars(f) for f in data.files],
            "validation_state": contribution.validation_state,
            "validation_current": data.validation_current,
            "validation_issues": data.validation_issues,
            "changes": [vars(c) for c in data.changes],
            "comments": CommentSerializer(
                data.entry_comments + [c for s in data.seeds for c in s.comments], many=True
            ).data,
            "reviews": ReviewSerializer(data.reviews, many=True).data,
            "approvals": data.approvals,
            "required_approvals": data.required,
            "claim": ClaimSerializer(data.claim).data if data.claim else None,
            "can_decide": permissions.can_review(request.user, contribution),
        }
        return Response(body)


# --- actions --------------------------------------------------------------------------------------


class ClaimView(APIView):
    """Claim the entry for review (or renew one's claim)."""

    @extend_schema(request=ClaimRequestSerializer, responses=ClaimSerializer)
    def post(self, request: Request, pk: int) -> Response:
        _visible(request, pk)
        data = ClaimRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        claim = _call(
            reviews.review_claim,
            contribution_id=pk,
            reviewer=request.user,
            minutes=data.validated_data.get("minutes"),
        )
        return Response(ClaimSerializer(claim).data)


class ReleaseView(APIView):
    """Give the entry back to the queue (its claimant or an admin)."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request, pk: int) -> Response:
        _visible(request, pk)
        _call(reviews.review_release, contribution_id=pk, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AssignView(APIView):
    """An admin hands the entry to a reviewer for a while."""

    @extend_schema(request=AssignRequestSerializer, responses=ClaimSerializer)
    def post(self, request: Request, pk: int) -> Response:
        _visible(request, pk)
        data = AssignRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reviewer = get_user_model().objects.filter(username=data.validated_data["reviewer"]).first()
        if reviewer is None:
            raise Refused("There is no reviewer with that user name.")
        claim = _call(
            reviews.review_assign,
            contribution_id=pk,
            reviewer=reviewer,
            assigned_by=request.user,
            minutes=data.validated_data.get("minutes"),
        )
        return Response(ClaimSerializer(claim).data)


class CommentView(APIView):
    """Comment on the entry, or on one seed example."""

    @extend_schema(request=CommentRequestSerializer, responses={201: CommentSerializer})
    def post(self, request: Request, pk: int) -> Response:
        _visible(request, pk)
        data = CommentRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        comment = _call(
            reviews.review_comment,
            contribution_id=pk,
            author=request.user,
            body=data.validated_data["body"],
            seed_index=data.validated_data.get("seed_index"),
        )
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


class _DecisionView(APIView):
    decision: str = ""
    request_serializer: type[serializers.Serializer] = DecisionRequestSerializer

    def post(self, request: Request, pk: int) -> Response:
        _visible(request, pk)
        data = self.request_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        review = _call(
            reviews.review_decide,
            contribution_id=pk,
            reviewer=request.user,
            decision=self.decision,
            reason=data.validated_data.get("reason", ""),
            revision_number=data.validated_data.get("revision"),
        )
        return Response(ReviewSerializer(review).data, status=status.HTTP_201_CREATED)


class ApproveView(_DecisionView):
    """Approve the current revision; the last approval needed opens the pull request."""

    decision = Review.Decision.APPROVE

    @extend_schema(request=DecisionRequestSerializer, responses={201: ReviewSerializer})
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)


class RequestChangesView(_DecisionView):
    """Send the entry back to its author; a reason is required."""

    decision = Review.Decision.REQUEST_CHANGES
    request_serializer = ReasonRequiredSerializer

    @extend_schema(request=ReasonRequiredSerializer, responses={201: ReviewSerializer})
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)


class RejectView(_DecisionView):
    """Turn the entry down for good; a reason is required."""

    decision = Review.Decision.REJECT
    request_serializer = ReasonRequiredSerializer

    @extend_schema(request=ReasonRequiredSerializer, responses={201: ReviewSerializer})
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)


# --- statistics -----------------------------------------------------------------------------------


class DashboardStatsView(APIView):
    """The admin dashboard's numbers."""

    permission_classes = [IsPortalAdmin]

    @extend_schema(
        responses=inline_serializer(
            "DashboardStats",
            {
                "by_status": serializers.DictField(child=serializers.IntegerField()),
                "total": serializers.IntegerField(),
                "throughput": serializers.ListField(child=serializers.DictField()),
                "waiting": serializers.DictField(),
                "time_to_first_review": serializers.DictField(),
                "reviewer_load": serializers.ListField(child=serializers.DictField()),
                "failed_tasks": serializers.IntegerField(),
                "github_rate_limit": serializers.DictField(allow_null=True),
                "taxonomy_sync": serializers.ListField(child=serializers.DictField()),
            },
        )
    )
    def get(self, request: Request) -> Response:
        data = dashboard_selectors.dashboard_overview()
        return Response(
            {
                "by_status": {row["status"]: row["count"] for row in data.by_status},
                "total": data.total,
                "throughput": [
                    {
                        "week": week.start.isoformat(),
                        **{k.lower(): v for k, v in week.counts.items()},
                    }
                    for week in data.weeks
                ],
                "waiting": {
                    "total": data.waiting_total,
                    "oldest_submitted_at": data.oldest_waiting,
                    "by_age": {b["label"]: b["count"] for b in data.waiting_buckets},
                },
                "time_to_first_review": data.first_review,
                "reviewer_load": [
                    {k: v for k, v in row.items() if k != "user"} for row in data.reviewer_load
                ],
                "failed_tasks": data.failures_open,
                "github_rate_limit": data.rate_limit,
                "taxonomy_sync": [
                    {
                        "repo": tree.repo,
                        "branch": tree.branch,
                        "commit_sha": tree.commit_sha,
                        "synced_at": tree.synced_at,
                        "last_attempt_at": tree.last_attempt_at,
                        "last_error": tree.last_error,
                    }
                    for tree in data.taxonomy_trees
                ],
            }
        )


class LeaderboardView(APIView):
    """Contributors who chose to be listed, by merged entries."""

    @extend_schema(
        responses=inline_serializer(
            "LeaderboardRow",
            {
                "rank": serializers.IntegerField(),
                "username": serializers.CharField(),
                "name": serializers.CharField(),
                "github_handle": serializers.CharField(),
                "merged": serializers.IntegerField(),
                "accepted": serializers.IntegerField(),
                "submitted": serializers.IntegerField(),
                "last_active": serializers.DateTimeField(allow_null=True),
            },
            many=True,
        )
    )
    def get(self, request: Request) -> Response:
        return Response(people_selectors.leaderboard())


class ContributorStatsView(APIView):
    """One contributor's numbers: entries by status, acceptance rate, merged count."""

    @extend_schema(
        responses=inline_serializer(
            "ContributorStats",
            {
                "username": serializers.CharField(),
                "name": serializers.CharField(),
                "by_status": serializers.DictField(child=serializers.IntegerField()),
                "total": serializers.IntegerField(),
                "merged": serializers.IntegerField(),
                "accepted": serializers.IntegerField(),
                "rejected": serializers.IntegerField(),
                "acceptance_rate": serializers.FloatField(allow_null=True),
            },
        )
    )
    def get(self, request: Request, username: str) -> Response:
        subject = people_selectors.people_subject(username=username)
        if subject is None or not people_selectors.can_see_person(request.user, subject):
            raise Http404
        data = people_selectors.contributor_status(subject=subject, viewer=request.user)
        return Response(
            {
                "username": subject.get_username(),
                "name": _name(subject),
                "by_status": {row["status"]: row["count"] for row in data.by_status},
                "total": data.total,
                "merged": data.merged,
                "accepted": data.accepted,
                "rejected": data.rejected,
                "acceptance_rate": data.acceptance_rate,
            }
        )


class CreditsView(APIView):
    """Who contributed what (entries approved by reviewers), for release notes and thanks."""

    permission_classes = [IsPortalAdmin]

    @extend_schema(
        responses=inline_serializer(
            "CreditRow",
            {name: serializers.CharField() for name in people_selectors.CREDIT_FIELDS},
            many=True,
        )
    )
    def get(self, request: Request) -> Response:
        return Response(people_selectors.credits_rows())


# --- notifications --------------------------------------------------------------------------------


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "message", "url", "contribution", "created_at", "read_at"]


class NotificationsView(APIView):
    """The caller's notifications, newest first, with the unread count."""

    @extend_schema(
        parameters=[
            OpenApiParameter("unread", bool, description="Only unread ones."),
            OpenApiParameter("page", int),
        ],
        responses=inline_serializer(
            "NotificationPage",
            {
                "unread": serializers.IntegerField(),
                "count": serializers.IntegerField(),
                "page": serializers.IntegerField(),
                "pages": serializers.IntegerField(),
                "results": NotificationSerializer(many=True),
            },
        ),
    )
    def get(self, request: Request) -> Response:
        page = notifications_page(
            user=request.user,
            unread_only=request.GET.get("unread") in {"1", "true", "yes"},
            page_number=request.GET.get("page"),
        )
        return Response(
            {
                "unread": unread_count(user=request.user),
                "count": page.paginator.count,
                "page": page.number,
                "pages": page.paginator.num_pages,
                "results": NotificationSerializer(page.object_list, many=True).data,
            }
        )


class NotificationsReadView(APIView):
    """Mark some (ids) or all of the caller's notifications read."""

    @extend_schema(
        request=inline_serializer(
            "MarkRead",
            {"ids": serializers.ListField(child=serializers.IntegerField(), required=False)},
        ),
        responses=inline_serializer("MarkedRead", {"marked": serializers.IntegerField()}),
    )
    def post(self, request: Request) -> Response:
        ids = request.data.get("ids") if isinstance(request.data, dict) else None
        if ids is not None and not (isinstance(ids, list) and all(isinstance(i, int) for i in ids)):
            raise Refused("'ids' must be a list of notification ids.")
        return Response({"marked": notifications_mark_read(user=request.user, ids=ids)})


# --- admin ----------------------------------------------------------------------------------------


class TaskFailureSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    task_name = serializers.CharField()
    task_args = serializers.JSONField()
    contribution = serializers.IntegerField(source="contribution_id", allow_null=True)
    error = serializers.CharField()
    permanent = serializers.BooleanField()
    attempts = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    retried_at = serializers.DateTimeField(allow_null=True)
    resolved_at = serializers.DateTimeField(allow_null=True)


class TaskFailuresView(APIView):
    """Failed background tasks that are not resolved yet."""

    permission_classes = [IsPortalAdmin]

    @extend_schema(responses=TaskFailureSerializer(many=True))
    def get(self, request: Request) -> Response:
        page = dashboard_selectors.task_failures_page(page_number=request.GET.get("page"))
        return Response(TaskFailureSerializer(page.object_list, many=True).data)


class TaskFailureRetryView(APIView):
    """Queue a failed task again with its arguments."""

    permission_classes = [IsPortalAdmin]

    @extend_schema(request=None, responses=TaskFailureSerializer)
    def post(self, request: Request, pk: int) -> Response:
        failure = _call(admin_ops.task_failure_retry, failure_id=pk, actor=request.user)
        return Response(TaskFailureSerializer(failure).data)


class AuditEventSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    contribution = serializers.IntegerField(source="contribution_id", allow_null=True)
    actor = serializers.CharField(source="actor.username", allow_null=True, default=None)
    event = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    note = serializers.CharField()
    data = serializers.JSONField()
    created_at = serializers.DateTimeField()


class AuditLogView(APIView):
    """The audit log, newest first, filtered like the dashboard's page."""

    permission_classes = [IsPortalAdmin]

    @extend_schema(
        parameters=[
            OpenApiParameter("event", str),
            OpenApiParameter("actor", str, description="User name, or 'system'."),
            OpenApiParameter("contribution", int),
            OpenApiParameter("since", OpenApiTypes.DATE),
            OpenApiParameter("until", OpenApiTypes.DATE),
        ],
        responses=AuditEventSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        queryset = dashboard_selectors.audit_events(
            filters=dashboard_selectors.AuditFilters.from_params(request.GET)
        )
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(queryset, request, view=self)
        return paginator.get_paginated_response(AuditEventSerializer(page, many=True).data)
