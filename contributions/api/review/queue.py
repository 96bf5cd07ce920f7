"""The review queue, and one entry as the reviewer sees it."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from contributions import permissions
from contributions.api.common import paginated_response
from contributions.models import Contribution
from contributions.selectors.review import (
    AGE_FILTERS,
    CLAIM_FILTERS,
    QueueFilters,
    review_page,
    review_queue,
)

from .policies import IsReviewer, visible_entry
from .serializers import (
    ClaimSerializer,
    CommentSerializer,
    QueueEntrySerializer,
    ReviewEntrySerializer,
    ReviewSerializer,
)


class QueuePagination(PageNumberPagination):
    page_size = 25


QUEUE_PARAMETERS = [
    OpenApiParameter("kind", str, enum=list(Contribution.Kind.values)),
    OpenApiParameter("path", str, description="Taxonomy folder the entries are under."),
    OpenApiParameter("validation", str, enum=list(Contribution.Validation.values)),
    OpenApiParameter("author", str, description="User name, or part of the display name."),
    OpenApiParameter("age", str, enum=list(AGE_FILTERS), description="How long it waited."),
    OpenApiParameter("claim", str, enum=list(CLAIM_FILTERS)),
]


class ReviewQueueView(APIView):
    """Entries waiting for review in the caller's scope, oldest first."""

    permission_classes = [IsReviewer]

    @extend_schema(parameters=QUEUE_PARAMETERS, responses=QueueEntrySerializer(many=True))
    def get(self, request: Request) -> Response:
        queryset = review_queue(user=request.user, filters=QueueFilters.from_params(request.GET))
        return paginated_response(
            self, queryset, QueueEntrySerializer, pagination_class=QueuePagination
        )


class ReviewEntryView(APIView):
    """One entry as the reviewer sees it: content, YAML, checks, changes, comments, decisions."""

    @extend_schema(
        parameters=[OpenApiParameter("base", int, description="Revision to compare with.")],
        responses=ReviewEntrySerializer,
    )
    def get(self, request: Request, pk: int) -> Response:
        contribution = visible_entry(request, pk)
        base = request.GET.get("base", "")
        data = review_page(
            contribution=contribution, base_number=int(base) if base.isdigit() else None
        )
        revision = data.revision
        body = {
            "id": contribution.pk,
            "summary": revision.summary,
            "kind": revision.kind,
            "taxonomy_path": revision.taxonomy_path,
            "status": contribution.status,
            "author": contribution.author.get_username(),
            "revision": revision.number,
            "revisions": data.revision_numbers,
            "compared_with": data.base.number if data.base else None,
            "content": revision.content,
            "attribution": revision.attribution,
            "files": [vars(f) for f in data.files],
            "validation_state": contribution.validation_state,
            "validation_current": data.validation_current,
            "validation_issues": data.validation_issues,
            "changes": [vars(c) for c in data.changes],
            "comments": CommentSerializer(
                data.entry_comments + [c for s in data.seeds for c in s.comments], many=True
            ).data,
            "reviews": ReviewSerializer(data.reviews, many=True).data,
            "approvals": data.approvals,
            "required_approvals": data.required,
            "claim": ClaimSerializer(data.claim).data if data.claim else None,
            "can_decide": permissions.can_review(request.user, contribution),
        }
        return Response(body)
