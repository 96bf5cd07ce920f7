"""API routes of the pipeline area."""

urlpatterns: list = []
