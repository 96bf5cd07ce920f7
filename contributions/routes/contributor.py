"""Routes of the contributor area."""

urlpatterns: list = []
