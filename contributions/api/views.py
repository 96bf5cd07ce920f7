"""API views shared by every area: who am I, and health."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from cephportal.throttling import TokenLoginThrottle
from contributions import roles
from contributions.health import health_report
from contributions.services.accounts import profile_get_or_create


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    display_name = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    has_dco_consent = serializers.BooleanField()


class MeView(APIView):
    """The signed-in user, their roles and whether they may submit (DCO consent)."""

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        profile = profile_get_or_create(user=request.user)
        data = {
            "id": request.user.pk,
            "username": request.user.get_username(),
            "display_name": profile.public_name,
            "roles": sorted(roles.user_roles(request.user)),
            "has_dco_consent": profile.has_dco_consent,
        }
        return Response(MeSerializer(data).data)


class HealthCheckSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    checks = serializers.DictField()


class HealthView(APIView):
    """Database, broker and worker liveness."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(responses={200: HealthCheckSerializer, 503: HealthCheckSerializer})
    def get(self, request):
        report = health_report()
        return Response(report, status=200 if report["ok"] else 503)


class TokenView(ObtainAuthToken):
    """Trade a user name and password for an API token; throttled per client address."""

    throttle_classes = [TokenLoginThrottle]
