"""The caller's profile: names, commit identity, GitHub handle, DCO consent."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from contributions.services.accounts import (
    profile_get_or_create,
    profile_give_dco_consent,
    profile_update,
)

from .serializers import ProfileSerializer


class ProfileView(APIView):
    """My profile: display name, commit identity, GitHub handle, DCO consent."""

    @extend_schema(responses=ProfileSerializer)
    def get(self, request: Request) -> Response:
        return Response(ProfileSerializer(profile_get_or_create(user=request.user)).data)

    @extend_schema(request=ProfileSerializer, responses={200: ProfileSerializer})
    def patch(self, request: Request) -> Response:
        profile = profile_get_or_create(user=request.user)
        serializer = ProfileSerializer(profile, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        profile = profile_update(
            user=request.user,
            display_name=data.get("display_name", profile.display_name),
            commit_name=data.get("commit_name", profile.commit_name),
            commit_email=data.get("commit_email", profile.commit_email),
            github_handle=data.get("github_handle", profile.github_handle),
            show_on_leaderboard=data.get("show_on_leaderboard", profile.show_on_leaderboard),
        )
        return Response(ProfileSerializer(profile).data)


class DcoConsentView(APIView):
    """Agree to the Developer Certificate of Origin (its text is on the profile page)."""

    @extend_schema(request=None, responses={200: ProfileSerializer})
    def post(self, request: Request) -> Response:
        return Response(ProfileSerializer(profile_give_dco_consent(user=request.user)).data)
