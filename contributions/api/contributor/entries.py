"""The caller's entries: list, start, read and save a draft, check, import, files, history."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from contributions.api.common import paginated_response, valid_data
from contributions.models import Contribution
from contributions.selectors import contributor as selectors
from contributions.services import contributions as services
from contributions.services import importing, validation
from contributions.workflow import Status

from .access import call, entry_data, own_entry
from .serializers import (
    ContributionListSerializer,
    ContributionSerializer,
    DetailSerializer,
    DraftCreateSerializer,
    DraftUpdateSerializer,
    EventSerializer,
    FilesSerializer,
    ImportResultSerializer,
    ImportSerializer,
    ReportSerializer,
)


class ContributionListView(APIView):
    """My entries (newest activity first), and starting a new draft."""

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=[s.value for s in Status], required=False),
            OpenApiParameter("kind", str, enum=Contribution.Kind.values, required=False),
            OpenApiParameter("page", int, required=False),
        ],
        responses=ContributionListSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        entries = selectors.my_contributions(
            user=request.user,
            status=request.query_params.get("status") or None,
            kind=request.query_params.get("kind") or None,
        )
        return paginated_response(self, entries, ContributionListSerializer)

    @extend_schema(
        request=DraftCreateSerializer,
        responses={201: ContributionSerializer, 400: DetailSerializer},
    )
    def post(self, request: Request) -> Response:
        data = valid_data(DraftCreateSerializer, request)
        contribution = call(
            services.contribution_create_draft,
            author=request.user,
            kind=data["kind"],
            summary=data["summary"],
            taxonomy_path=data["taxonomy_path"],
            draft=data.get("draft"),
        )
        return Response(ContributionSerializer(contribution).data, status=201)


class ContributionDetailView(APIView):
    """One of my entries; PATCH saves its draft (while it is a draft or changes are requested)."""

    @extend_schema(responses={200: ContributionSerializer, 404: DetailSerializer})
    def get(self, request: Request, contribution_id: int) -> Response:
        return Response(ContributionSerializer(own_entry(request, contribution_id)).data)

    @extend_schema(
        request=DraftUpdateSerializer,
        responses={
            200: ContributionSerializer,
            400: DetailSerializer,
            404: DetailSerializer,
            409: DetailSerializer,
        },
    )
    def patch(self, request: Request, contribution_id: int) -> Response:
        contribution = own_entry(request, contribution_id)
        data = valid_data(DraftUpdateSerializer, request)
        contribution = call(
            services.contribution_save_draft,
            contribution_id=contribution.pk,
            actor=request.user,
            draft=data.get("draft", contribution.draft),
            summary=data.get("summary", contribution.summary),
            taxonomy_path=data.get("taxonomy_path", contribution.taxonomy_path),
            expected_version=data.get("draft_version"),
        )
        return Response(entry_data(contribution.pk))


class ValidateView(APIView):
    """Check the entry now (its draft, or its current revision once submitted) and record it."""

    @extend_schema(request=None, responses={200: ReportSerializer, 404: DetailSerializer})
    def post(self, request: Request, contribution_id: int) -> Response:
        contribution = own_entry(request, contribution_id)
        report = validation.contribution_validate(contribution_id=contribution.pk)
        return Response(report)


class ImportNewView(APIView):
    """Start a new draft from a qna.yaml (and attribution.txt): text fields or file uploads."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        operation_id="contributions_import_new",
        request=ImportSerializer,
        responses={201: ImportResultSerializer, 400: DetailSerializer},
    )
    def post(self, request: Request) -> Response:
        data = valid_data(ImportSerializer, request)
        contribution, notes = call(
            importing.contribution_import,
            actor=request.user,
            qna_text=data["qna"],
            attribution_text=data["attribution"],
            kind=data.get("kind"),
            taxonomy_path=data.get("taxonomy_path", ""),
        )
        body = {"contribution": ContributionSerializer(contribution).data, "notes": notes}
        return Response(body, status=201)


class ImportIntoView(APIView):
    """Refill one of my drafts from a qna.yaml; the replaced draft is kept in its history."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        operation_id="contributions_import_into",
        request=ImportSerializer,
        responses={
            200: ImportResultSerializer,
            400: DetailSerializer,
            404: DetailSerializer,
            409: DetailSerializer,
        },
    )
    def post(self, request: Request, contribution_id: int) -> Response:
        contribution = own_entry(request, contribution_id)
        data = valid_data(ImportSerializer, request)
        contribution, notes = call(
            importing.contribution_import,
            actor=request.user,
            contribution_id=contribution.pk,
            qna_text=data["qna"],
            attribution_text=data["attribution"],
            taxonomy_path=data.get("taxonomy_path", ""),
            expected_version=data.get("draft_version"),
        )
        return Response({"contribution": entry_data(contribution.pk), "notes": notes})


class FilesView(APIView):
    """The exact qna.yaml and attribution.txt of the draft (or of revision ?revision=N)."""

    @extend_schema(
        parameters=[OpenApiParameter("revision", int, required=False)],
        responses={200: FilesSerializer, 404: DetailSerializer},
    )
    def get(self, request: Request, contribution_id: int) -> Response:
        contribution = own_entry(request, contribution_id)
        source: Any = contribution
        number = request.query_params.get("revision")
        if number:
            source = contribution.revisions.filter(number=number).first()
            if source is None:
                raise Http404
        files = validation.entry_for_commit(source)
        return Response(
            {
                "qna_path": source.taxonomy_path.strip("/") + "/qna.yaml",
                "qna_yaml": files.qna_yaml,
                "attribution_txt": files.attribution,
                "documents": list(files.documents),
                "document_commit_placeholder": validation.DOCUMENT_COMMIT_PLACEHOLDER,
            }
        )


class EventsView(APIView):
    """The entry's history (without autosave bookkeeping)."""

    @extend_schema(responses={200: EventSerializer(many=True), 404: DetailSerializer})
    def get(self, request: Request, contribution_id: int) -> Response:
        contribution = own_entry(request, contribution_id)
        events = selectors.contribution_timeline(contribution=contribution)
        return Response(EventSerializer(events, many=True).data)
