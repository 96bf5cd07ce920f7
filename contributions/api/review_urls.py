"""API routes of the review area."""

urlpatterns: list = []
