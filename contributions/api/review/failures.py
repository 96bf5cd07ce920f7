"""Failed background tasks, for the portal's admins: list them, queue one again."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from contributions.api.errors import call_service
from contributions.selectors import dashboard as dashboard_selectors
from contributions.services import admin_ops

from .policies import IsPortalAdmin
from .serializers import TaskFailureSerializer


class TaskFailuresView(APIView):
    """Failed background tasks that are not resolved yet."""

    permission_classes = [IsPortalAdmin]

    @extend_schema(responses=TaskFailureSerializer(many=True))
    def get(self, request: Request) -> Response:
        page = dashboard_selectors.task_failures_page(page_number=request.GET.get("page"))
        return Response(TaskFailureSerializer(page.object_list, many=True).data)


class TaskFailureRetryView(APIView):
    """Queue a failed task again with its arguments."""

    permission_classes = [IsPortalAdmin]

    @extend_schema(request=None, responses=TaskFailureSerializer)
    def post(self, request: Request, pk: int) -> Response:
        failure = call_service(admin_ops.task_failure_retry, failure_id=pk, actor=request.user)
        return Response(TaskFailureSerializer(failure).data)
