"""API routes under /api/. Each area adds its routes in its own module."""

from django.urls import include, path

from . import views

urlpatterns = [
    path("token/", views.TokenView.as_view(), name="api-token"),
    path("health/", views.HealthView.as_view(), name="api-health"),
    path("me/", views.MeView.as_view(), name="api-me"),
    path("", include("contributions.api.routes")),
]
