"""Routes of the pipeline area."""

urlpatterns: list = []
