"""Routes of the pipeline area."""

from django.urls import path

from contributions.views import webhooks

urlpatterns: list = [
    path("github/webhook/", webhooks.github_webhook, name="github-webhook"),
]
