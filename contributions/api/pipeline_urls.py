"""API routes of the pipeline area."""

from django.urls import path

from . import pipeline

urlpatterns: list = [
    path(
        "contributions/<int:contribution_id>/pull-request/",
        pipeline.EntryPullRequestView.as_view(),
        name="api-entry-pull-request",
    ),
    path("pipeline/status/", pipeline.PipelineStatusView.as_view(), name="api-pipeline-status"),
    path("pipeline/reconcile/", pipeline.ReconcileView.as_view(), name="api-pipeline-reconcile"),
    path(
        "pipeline/taxonomy-sync/",
        pipeline.TaxonomySyncView.as_view(),
        name="api-pipeline-taxonomy-sync",
    ),
]
