"""API routes of the contributor area."""

from django.urls import path

from . import contributor as views

urlpatterns = [
    path("contributions/", views.ContributionListView.as_view(), name="api-contributions"),
    path(
        "contributions/import/", views.ImportNewView.as_view(), name="api-contribution-import-new"
    ),
    path(
        "contributions/<int:contribution_id>/",
        views.ContributionDetailView.as_view(),
        name="api-contribution",
    ),
    path(
        "contributions/<int:contribution_id>/validate/",
        views.ValidateView.as_view(),
        name="api-contribution-validate",
    ),
    path(
        "contributions/<int:contribution_id>/import/",
        views.ImportIntoView.as_view(),
        name="api-contribution-import",
    ),
    path(
        "contributions/<int:contribution_id>/submit/",
        views.SubmitView.as_view(),
        name="api-contribution-submit",
    ),
    path(
        "contributions/<int:contribution_id>/withdraw/",
        views.WithdrawView.as_view(),
        name="api-contribution-withdraw",
    ),
    path(
        "contributions/<int:contribution_id>/restore/",
        views.RestoreView.as_view(),
        name="api-contribution-restore",
    ),
    path(
        "contributions/<int:contribution_id>/duplicate/",
        views.DuplicateView.as_view(),
        name="api-contribution-duplicate",
    ),
    path(
        "contributions/<int:contribution_id>/files/",
        views.FilesView.as_view(),
        name="api-contribution-files",
    ),
    path(
        "contributions/<int:contribution_id>/events/",
        views.EventsView.as_view(),
        name="api-contribution-events",
    ),
    path(
        "contributions/<int:contribution_id>/documents/",
        views.DocumentListView.as_view(),
        name="api-contribution-documents",
    ),
    path(
        "contributions/<int:contribution_id>/documents/<int:document_id>/",
        views.DocumentDetailView.as_view(),
        name="api-contribution-document",
    ),
    path("profile/", views.ProfileView.as_view(), name="api-profile"),
    path("profile/dco-consent/", views.DcoConsentView.as_view(), name="api-profile-dco-consent"),
]
