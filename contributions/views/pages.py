"""The landing page and the health endpoint."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from contributions.health import health_report


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html")


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """Report database, broker and worker liveness; 503 when any is down."""
    report = health_report()
    return JsonResponse(report, status=200 if report["ok"] else 503)
