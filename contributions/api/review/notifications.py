"""The caller's notifications: read them, mark them read."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from contributions.api.errors import Refused
from contributions.selectors.notifications import notifications_page, unread_count
from contributions.services.notifications import notifications_mark_read

from .serializers import (
    MarkedReadSerializer,
    MarkReadSerializer,
    NotificationPageSerializer,
    NotificationSerializer,
)


class NotificationsView(APIView):
    """The caller's notifications, newest first, with the unread count."""

    @extend_schema(
        parameters=[
            OpenApiParameter("unread", bool, description="Only unread ones."),
            OpenApiParameter("page", int),
        ],
        responses=NotificationPageSerializer,
    )
    def get(self, request: Request) -> Response:
        page = notifications_page(
            user=request.user,
            unread_only=request.GET.get("unread") in {"1", "true", "yes"},
            page_number=request.GET.get("page"),
        )
        return Response(
            {
                "unread": unread_count(user=request.user),
                "count": page.paginator.count,
                "page": page.number,
                "pages": page.paginator.num_pages,
                "results": NotificationSerializer(page.object_list, many=True).data,
            }
        )


class NotificationsReadView(APIView):
    """Mark some (ids) or all of the caller's notifications read."""

    @extend_schema(
        request=MarkReadSerializer,
        responses=MarkedReadSerializer,
    )
    def post(self, request: Request) -> Response:
        ids = request.data.get("ids") if isinstance(request.data, dict) else None
        if ids is not None and not (isinstance(ids, list) and all(isinstance(i, int) for i in ids)):
            raise Refused("'ids' must be a list of notification ids.")
        return Response({"marked": notifications_mark_read(user=request.user, ids=ids)})
