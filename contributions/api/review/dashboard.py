"""Statistics and the audit log: the admin dashboard, the leaderboard, one contributor's
numbers, credits."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from contributions.api.common import paginated_response
from contributions.selectors import dashboard as dashboard_selectors
from contributions.selectors import people as people_selectors

from .policies import IsPortalAdmin
from .serializers import (
    AuditEventSerializer,
    ContributorStatsSerializer,
    CreditRowSerializer,
    DashboardStatsSerializer,
    LeaderboardRowSerializer,
    public_name,
)


class DashboardStatsView(APIView):
    """The admin dashboard's numbers."""

    permission_classes = [IsPortalAdmin]

    @extend_schema(responses=DashboardStatsSerializer)
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

    @extend_schema(responses=LeaderboardRowSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(people_selectors.leaderboard())


class ContributorStatsView(APIView):
    """One contributor's numbers: entries by status, acceptance rate, merged count."""

    @extend_schema(responses=ContributorStatsSerializer)
    def get(self, request: Request, username: str) -> Response:
        subject = people_selectors.people_subject(username=username)
        if subject is None or not people_selectors.can_see_person(request.user, subject):
            raise Http404
        data = people_selectors.contributor_status(subject=subject, viewer=request.user)
        return Response(
            {
                "username": subject.get_username(),
                "name": public_name(subject),
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

    @extend_schema(responses=CreditRowSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(people_selectors.credits_rows())


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
        return paginated_response(self, queryset, AuditEventSerializer)
