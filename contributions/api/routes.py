"""API routes of each area of the portal, gathered in one list."""

urlpatterns: list = []
