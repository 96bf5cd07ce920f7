"""API routes of the contributor area."""

from django.urls import path

from .contributor import actions, documents, entries, profile

urlpatterns = [
    path("contributions/", entries.ContributionListView.as_view(), name="api-contributions"),
    path(
        "contributions/import/", entries.ImportNewView.as_view(), name="api-contribution-import-new"
    ),
    path(
        "contributions/<int:contribution_id>/",
        entries.ContributionDetailView.as_view(),
        name="api-contribution",
    ),
    path(
        "contributions/<int:contribution_id>/validate/",
        entries.ValidateView.as_view(),
        name="api-contribution-validate",
    ),
    path(
        "contributions/<int:contribution_id>/import/",
        entries.ImportIntoView.as_view(),
        name="api-contribution-import",
    ),
    path(
        "contributions/<int:contribution_id>/submit/",
        actions.SubmitView.as_view(),
        name="api-contribution-submit",
    ),
    path(
        "contributions/<int:contribution_id>/withdraw/",
        actions.WithdrawView.as_view(),
        name="api-contribution-withdraw",
    ),
    path(
        "contributions/<int:contribution_id>/rebase/",
        actions.RebaseView.as_view(),
        name="api-contribution-rebase",
    ),
    path(
        "contributions/<int:contribution_id>/restore/",
        actions.RestoreView.as_view(),
        name="api-contribution-restore",
    ),
    path(
        "contributions/<int:contribution_id>/duplicate/",
        actions.DuplicateView.as_view(),
        name="api-contribution-duplicate",
    ),
    path(
        "contributions/<int:contribution_id>/files/",
        entries.FilesView.as_view(),
        name="api-contribution-files",
    ),
    path(
        "contributions/<int:contribution_id>/events/",
        entries.EventsView.as_view(),
        name="api-contribution-events",
    ),
    path(
        "contributions/<int:contribution_id>/documents/",
        documents.DocumentListView.as_view(),
        name="api-contribution-documents",
    ),
    path(
        "contributions/<int:contribution_id>/documents/<int:document_id>/",
        documents.DocumentDetailView.as_view(),
        name="api-contribution-document",
    ),
    path("profile/", profile.ProfileView.as_view(), name="api-profile"),
    path("profile/dco-consent/", profile.DcoConsentView.as_view(), name="api-profile-dco-consent"),
]
