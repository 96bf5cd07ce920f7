"""Top-level URLs: pages, accounts, the REST API and its schema, Django admin."""

from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from contributions.views import accounts, metrics, pages


class FaviconRedirect(RedirectView):
    """Browsers ask for /favicon.ico whatever the page says; send them to the real icon."""

    permanent = True

    def get_redirect_url(self, *args, **kwargs) -> str:
        return static("favicon.svg")


urlpatterns = [
    path("", pages.home, name="home"),
    path("health/", pages.health, name="health"),
    path("health/live/", pages.health_live, name="health-live"),
    path("health/ready/", pages.health_ready, name="health-ready"),
    path("metrics", metrics.metrics, name="metrics"),
    path("favicon.ico", FaviconRedirect.as_view(), name="favicon"),
    path("accounts/signup/", accounts.signup, name="signup"),
    path("accounts/verify-email/", accounts.verify_email_resend, name="verify-email-resend"),
    path("accounts/verify-email/<str:token>/", accounts.verify_email, name="verify-email"),
    path("accounts/delete/", accounts.delete_account, name="delete-account"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("accounts/social/", include("allauth.urls")),
    path("accounts/github-noreply/", accounts.github_noreply_choice, name="github-noreply-choice"),
    path("api/", include("contributions.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("contributions.urls")),
    path("django-admin/", admin.site.urls),
]
