"""API of the pull-request pipeline: an entry's pull request, and the pipeline's health."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from contributions import permissions
from contributions.models import Contribution, PullRequest, ServiceStatus, TaskFailure, TaxonomyTree
from contributions.services.pipeline import OPEN_TASK, RATE_LIMIT_KEY


class PullRequestSerializer(serializers.ModelSerializer):
    revision = serializers.IntegerField(source="revision.number")

    class Meta:
        model = PullRequest
        fields = [
            "repo",
            "number",
            "url",
            "state",
            "branch",
            "head_sha",
            "docs_commit_sha",
            "merged_at",
            "revision",
            "last_synced_at",
            "created_at",
        ]


class EntryPullRequestView(APIView):
    """The pull request opened for an entry (404 until there is one)."""

    @extend_schema(responses=PullRequestSerializer)
    def get(self, request, contribution_id: int):
        contribution = get_object_or_404(Contribution, pk=contribution_id)
        if not permissions.can_view(request.user, contribution):
            raise NotFound()
        pull = (
            PullRequest.objects.select_related("revision")
            .filter(contribution=contribution)
            .order_by("-created_at")
            .first()
        )
        if pull is None:
            raise NotFound("This entry has no pull request yet.")
        return Response(PullRequestSerializer(pull).data)


class PipelineStatusSerializer(serializers.Serializer):
    github = serializers.DictField(help_text="Last rate-limit reading, by resource.")
    taxonomy_tree = serializers.DictField(allow_null=True)
    open_failures = serializers.IntegerField()
    fork_mode = serializers.BooleanField()
    webhooks_configured = serializers.BooleanField()


def _require_admin(request) -> None:
    if not permissions.can_assign_reviews(request.user):
        raise PermissionDenied("Only admins can see and drive the pipeline.")


class PipelineStatusView(APIView):
    """GitHub headroom, taxonomy sync and failed pull-request work (admins)."""

    @extend_schema(responses=PipelineStatusSerializer)
    def get(self, request):
        _require_admin(request)
        reading = ServiceStatus.objects.filter(key=RATE_LIMIT_KEY).first()
        tree = (
            TaxonomyTree.objects.filter(repo__iexact=settings.TAXONOMY_REPO)
            .values("repo", "branch", "commit_sha", "synced_at", "last_error", "last_attempt_at")
            .first()
        )
        data = {
            "github": {
                **(reading.data if reading else {}),
                "updated_at": reading.updated_at if reading else None,
            },
            "taxonomy_tree": tree,
            "open_failures": TaskFailure.objects.filter(
                task_name=OPEN_TASK, resolved_at__isnull=True
            ).count(),
            "fork_mode": settings.GITHUB_FORK_MODE,
            "webhooks_configured": bool(settings.GITHUB_WEBHOOK_SECRETS),
        }
        return Response(PipelineStatusSerializer(data).data)


class QueuedSerializer(serializers.Serializer):
    queued = serializers.CharField()


class ReconcileView(APIView):
    """Re-read every open pull request from GitHub now, instead of at the next beat (admins)."""

    @extend_schema(request=None, responses={202: QueuedSerializer})
    def post(self, request):
        from contributions.tasks.pipeline import reconcile_pull_requests

        _require_admin(request)
        transaction.on_commit(reconcile_pull_requests.delay)
        return Response({"queued": reconcile_pull_requests.name}, status=202)


class TaxonomySyncView(APIView):
    """Refresh the taxonomy tree from its repository now (admins)."""

    @extend_schema(request=None, responses={202: QueuedSerializer})
    def post(self, request):
        from contributions.tasks.pipeline import sync_taxonomy_tree

        _require_admin(request)
        transaction.on_commit(sync_taxonomy_tree.delay)
        return Response({"queued": sync_taxonomy_tree.name}, status=202)
