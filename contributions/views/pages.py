"""The landing page and the health endpoint."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from contributions.health import health_report, readiness_report


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html")


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """Report database, broker and worker liveness; 503 when any is down.

    Monitors get JSON; a person following the footer's link gets the same report as a page.
    """
    report = health_report()
    status = 200 if report["ok"] else 503
    wants_page = request.accepts("text/html") and "json" not in request.GET.get("format", "")
    if (wants_page and not request.accepts("application/json")) or (
        wants_page and request.headers.get("Accept", "").startswith("text/html")
    ):
        return render(request, "portal/health.html", {"report": report}, status=status)
    return JsonResponse(report, status=status)


@never_cache
@require_GET
def health_live(request: HttpRequest) -> JsonResponse:
    """Liveness for a process manager: this process answers; nothing else is checked."""
    return JsonResponse({"ok": True})


@never_cache
@require_GET
def health_ready(request: HttpRequest) -> JsonResponse:
    """Readiness for a process manager or load balancer: database and broker answer."""
    report = readiness_report()
    return JsonResponse(report, status=200 if report["ok"] else 503)
