"""Routes of the review area."""

urlpatterns: list = []
