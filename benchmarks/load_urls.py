"""The portal's URLs and /bench/bare/: a view that does nothing, through the same middleware."""

from django.http import HttpResponse
from django.urls import include, path


def bare(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), path("", include("cephportal.urls"))]
