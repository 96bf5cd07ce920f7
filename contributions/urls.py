"""Portal pages. Each area of the portal keeps its routes in its own module under routes/."""

from django.urls import include, path

urlpatterns = [
    path("", include("contributions.routes.contributor")),
    path("", include("contributions.routes.review")),
    path("", include("contributions.routes.pipeline")),
]
