"""API routes of the contributor area."""

urlpatterns: list = []
