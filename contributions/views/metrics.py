"""GET /metrics for Prometheus."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from cephportal.throttling import client_ip
from contributions.metrics import portal_registry

_LOOPBACK = {"127.0.0.1", "::1"}


def _allowed(request: HttpRequest) -> bool:
    if settings.METRICS_TOKEN:
        offered = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        return hmac.compare_digest(offered.encode(), settings.METRICS_TOKEN.encode())
    return client_ip(request) in _LOOPBACK


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """The portal's metrics in Prometheus' text format: with METRICS_TOKEN, or from loopback."""
    if not _allowed(request):
        return HttpResponse("Forbidden\n", status=403, content_type="text/plain")
    return HttpResponse(generate_latest(portal_registry()), content_type=CONTENT_TYPE_LATEST)
