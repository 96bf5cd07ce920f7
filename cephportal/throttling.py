"""Who may try how often: failed logins (django-axes), the API (DRF throttles) and sign-ups.

All count in the cache named by THROTTLE_CACHE / AXES_CACHE (Redis in production, so every web
process shares the counts), keyed by the client's address as `client_ip` works it out.
"""

from __future__ import annotations

import ipaddress
import time

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle


def client_ip(request: HttpRequest) -> str:
    """The client's address: X-Forwarded-For's last untrusted hop when a trusted proxy sent it."""
    request = getattr(request, "_request", request)  # a DRF request wraps Django's
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    trusted = set(settings.TRUSTED_PROXIES)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if remote not in trusted or not forwarded:
        return remote
    for hop in reversed([part.strip() for part in forwarded.split(",")]):
        if hop not in trusted:
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return remote
    return remote


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' check before the password is, for logins that come with a request.

    Logins without one (a shell, the test client) are not reachable by an attacker, so they pass
    to the next backend instead of failing as axes' own backend makes them.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        try:
            return super().authenticate(request, username=username, password=password, **kwargs)
        except AxesBackendPermissionDenied:
            # DRF wraps the request; the middleware that answers 429 looks at Django's own.
            inner = getattr(request, "_request", None)
            if inner is not None:
                inner.axes_locked_out = True
            raise


class _SharedCacheMixin:
    @property
    def cache(self):
        return caches[settings.THROTTLE_CACHE]

    def get_ident(self, request) -> str:
        return client_ip(request)


class AnonApiThrottle(_SharedCacheMixin, AnonRateThrottle):
    """Anonymous API calls, per client address."""


class UserApiThrottle(_SharedCacheMixin, UserRateThrottle):
    """Signed-in API calls, per user."""


class TokenLoginThrottle(_SharedCacheMixin, SimpleRateThrottle):
    """POST /api/token/ per client address, on top of django-axes' count of failures."""

    scope = "login"

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def _parse_rate(rate: str) -> tuple[int, int]:
    count, _, period = rate.partition("/")
    seconds = {"s": 1, "min": 60, "m": 60, "h": 3600, "day": 86400, "d": 86400}[period.strip()]
    return int(count), seconds


def rate_allows(*, scope: str, ident: str, rate: str) -> bool:
    """Count one attempt in a fixed window; False once `rate` ("5/h") is used up."""
    limit, seconds = _parse_rate(rate)
    cache = caches[settings.THROTTLE_CACHE]
    window = int(time.time() // seconds)
    key = f"cephportal:rate:{scope}:{ident}:{window}"
    if cache.add(key, 1, timeout=seconds + 1):
        return limit >= 1
    try:
        return cache.incr(key) <= limit
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=seconds + 1)
        return limit >= 1
