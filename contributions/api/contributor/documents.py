"""The documents of the caller's knowledge drafts: list, add, read, replace, remove."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from contributions.api.common import valid_data
from contributions.api.errors import Refused
from contributions.models import Contribution, KnowledgeDocument
from contributions.selectors import contributor as selectors
from contributions.services import documents as document_services

from .access import call, own_entry
from .serializers import (
    DetailSerializer,
    DocumentChangeSerializer,
    DocumentDetailSerializer,
    DocumentSerializer,
    DocumentWriteSerializer,
)


class DocumentListView(APIView):
    """The documents of a knowledge draft; POST adds one (a .md upload, or filename+content)."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(responses={200: DocumentSerializer(many=True), 404: DetailSerializer})
    def get(self, request: Request, contribution_id: int) -> Response:
        contribution = own_entry(request, contribution_id)
        documents = selectors.draft_documents(contribution=contribution)
        return Response(DocumentSerializer(documents, many=True).data)

    @extend_schema(
        request=DocumentWriteSerializer,
        responses={201: DocumentDetailSerializer, 400: DetailSerializer, 404: DetailSerializer},
    )
    def post(self, request: Request, contribution_id: int) -> Response:
        contribution = own_entry(request, contribution_id)
        data = valid_data(DocumentWriteSerializer, request)
        upload = data.get("file")
        if upload is not None:
            if upload.size > settings.MAX_DOCUMENT_BYTES:
                raise Refused(
                    f"{upload.name} is larger than the {settings.MAX_DOCUMENT_BYTES} bytes a "
                    "document may have. Split it into smaller files."
                )
            document = call(
                document_services.document_upload,
                contribution_id=contribution.pk,
                actor=request.user,
                filename=upload.name,
                data=upload.read(),
            )
        else:
            document = call(
                document_services.document_write,
                contribution_id=contribution.pk,
                actor=request.user,
                filename=data["filename"],
                content=data["content"],
            )
        return Response(DocumentDetailSerializer(document).data, status=201)


class DocumentDetailView(APIView):
    """One document of a knowledge draft: read, replace (filename+content), remove."""

    def _document(self, contribution: Contribution, document_id: int) -> KnowledgeDocument:
        document = KnowledgeDocument.objects.filter(
            pk=document_id, contribution=contribution, revision__isnull=True
        ).first()
        if document is None:
            raise Http404
        return document

    @extend_schema(responses={200: DocumentDetailSerializer, 404: DetailSerializer})
    def get(self, request: Request, contribution_id: int, document_id: int) -> Response:
        contribution = own_entry(request, contribution_id)
        return Response(DocumentDetailSerializer(self._document(contribution, document_id)).data)

    @extend_schema(
        request=DocumentChangeSerializer,
        responses={200: DocumentDetailSerializer, 400: DetailSerializer, 404: DetailSerializer},
    )
    def put(self, request: Request, contribution_id: int, document_id: int) -> Response:
        contribution = own_entry(request, contribution_id)
        document = self._document(contribution, document_id)
        data = valid_data(DocumentChangeSerializer, request)
        document = call(
            document_services.document_write,
            contribution_id=contribution.pk,
            actor=request.user,
            filename=data.get("filename") or document.filename,
            content=data["content"],
            document_id=document.pk,
        )
        return Response(DocumentDetailSerializer(document).data)

    @extend_schema(responses={204: None, 400: DetailSerializer, 404: DetailSerializer})
    def delete(self, request: Request, contribution_id: int, document_id: int) -> Response:
        contribution = own_entry(request, contribution_id)
        self._document(contribution, document_id)
        call(
            document_services.document_delete,
            contribution_id=contribution.pk,
            actor=request.user,
            document_id=document_id,
        )
        return Response(status=204)
