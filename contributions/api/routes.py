"""API routes of each area of the portal, gathered in one list."""

from django.urls import include, path

urlpatterns = [
    path("", include("contributions.api.contributor_urls")),
    path("", include("contributions.api.review_urls")),
    path("", include("contributions.api.pipeline_urls")),
]
