"""The contributor's REST API: drafts, checks, import, submit, withdraw, documents, profile.

Every view works on the caller's own entries only (`permissions.can_manage`); someone else's
entry answers 404, as if it did not exist. Refusals from the services answer 400 (409 for an
edit from a stale draft version) with `{"detail": "<what to do>"}`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from contributions.api.errors import Refused, call_service
from contributions.models import Contribution, ContributionEvent, KnowledgeDocument
from contributions.selectors import contributor as selectors
from contributions.services import contributions as services
from contributions.services import documents as document_services
from contributions.services import importing, validation
from contributions.services.accounts import (
    profile_get_or_create,
    profile_give_dco_consent,
    profile_update,
)
from contributions.workflow import Status


def _call(function: Any, **kwargs: Any) -> Any:
    """Run a service, turning its refusals into API answers."""
    return call_service(function, hide_denied=True, **kwargs)


def _own(request: Request, contribution_id: int) -> Contribution:
    try:
        return selectors.contribution_access(user=request.user, contribution_id=contribution_id)
    except Contribution.DoesNotExist as missing:
        raise Http404 from missing


# --- Serializers ---


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


class PullRequestSummarySerializer(serializers.Serializer):
    repo = serializers.CharField()
    number = serializers.IntegerField()
    url = serializers.URLField()
    state = serializers.CharField()


class ContributionSerializer(serializers.ModelSerializer):
    """An entry as its author sees it, with its working copy (`draft`)."""

    status_label = serializers.CharField(read_only=True)
    qna_path = serializers.CharField(read_only=True)
    revision = serializers.SerializerMethodField()
    pull_request = serializers.SerializerMethodField()

    class Meta:
        model = Contribution
        fields = [
            "id",
            "kind",
            "status",
            "status_label",
            "summary",
            "taxonomy_path",
            "qna_path",
            "draft",
            "draft_version",
            "draft_saved_at",
            "validation_state",
            "validation_issues",
            "validated_at",
            "revision",
            "pull_request",
            "submitted_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_revision(self, obj: Contribution) -> int | None:
        return obj.current_revision.number if obj.current_revision_id else None

    @extend_schema_field(PullRequestSummarySerializer(allow_null=True))
    def get_pull_request(self, obj: Contribution) -> dict[str, Any] | None:
        prs = getattr(obj, "pull_request_list", None)
        if prs is None:
            pr = selectors.contribution_pull_request(contribution=obj)
        else:
            pr = prs[0] if prs else None
        return PullRequestSummarySerializer(pr).data if pr is not None else None


class ContributionListSerializer(ContributionSerializer):
    """An entry in a list: everything but the working copy."""

    comment_count = serializers.IntegerField(read_only=True)

    class Meta(ContributionSerializer.Meta):
        fields = [
            f for f in ContributionSerializer.Meta.fields if f not in ("draft", "validation_issues")
        ] + ["comment_count"]
        read_only_fields = fields


class DraftCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Contribution.Kind.choices)
    summary = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    taxonomy_path = serializers.CharField(
        max_length=400, required=False, allow_blank=True, default=""
    )
    draft = serializers.JSONField(
        required=False,
        help_text='{"entry": <qna.yaml data>, "attribution": {title, link, revision, license, '
        "creators}}. Omit it to start with empty examples.",
    )


class DraftUpdateSerializer(serializers.Serializer):
    summary = serializers.CharField(max_length=200, required=False, allow_blank=True)
    taxonomy_path = serializers.CharField(max_length=400, required=False, allow_blank=True)
    draft = serializers.JSONField(required=False)
    draft_version = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="The draft_version you last read. A save from an older version is refused "
        "with 409, so an edit from another device is never overwritten by mistake. "
        "Omit (or null) to overwrite regardless.",
    )


class ReportSerializer(serializers.Serializer):
    path = serializers.CharField()
    ci_valid = serializers.BooleanField()
    ilab_valid = serializers.BooleanField()
    portal_valid = serializers.BooleanField()
    can_submit = serializers.BooleanField()
    errors = serializers.IntegerField()
    warnings = serializers.IntegerField()
    issues = serializers.ListField(child=serializers.DictField())


class ImportSerializer(serializers.Serializer):
    qna_yaml = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, help_text="qna.yaml text"
    )
    attribution_txt = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, help_text="attribution.txt text"
    )
    qna_file = serializers.FileField(required=False, help_text="or the qna.yaml as a file")
    attribution_file = serializers.FileField(required=False)
    kind = serializers.ChoiceField(choices=Contribution.Kind.choices, required=False)
    taxonomy_path = serializers.CharField(max_length=400, required=False, allow_blank=True)
    draft_version = serializers.IntegerField(required=False, allow_null=True)

    MAX_BYTES = 1024 * 1024

    def _text(self, data: dict[str, Any], text_key: str, file_key: str) -> str | bytes:
        upload = data.get(file_key)
        if upload is not None:
            if upload.size > self.MAX_BYTES:
                raise serializers.ValidationError({file_key: "The file is larger than 1 MB."})
            return upload.read()
        return data.get(text_key, "")

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        data["qna"] = self._text(data, "qna_yaml", "qna_file")
        data["attribution"] = self._text(data, "attribution_txt", "attribution_file")
        if not data["qna"]:
            raise serializers.ValidationError({"qna_yaml": "Give the qna.yaml text or file."})
        return data


class ImportResultSerializer(serializers.Serializer):
    contribution = ContributionSerializer()
    notes = serializers.ListField(child=serializers.CharField())


class SubmitSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    dco_consent = serializers.BooleanField(
        required=False,
        default=False,
        help_text="true: agree to the Developer Certificate of Origin now (needed once).",
    )


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class FilesSerializer(serializers.Serializer):
    qna_path = serializers.CharField()
    qna_yaml = serializers.CharField()
    attribution_txt = serializers.CharField()
    documents = serializers.ListField(child=serializers.CharField())
    document_commit_placeholder = serializers.CharField()


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = ContributionEvent
        fields = ["id", "event", "from_status", "to_status", "note", "actor", "created_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_actor(self, obj: ContributionEvent) -> str | None:
        return obj.actor.get_username() if obj.actor_id else None


class DocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = KnowledgeDocument
        fields = ["id", "filename", "size", "sha256", "created_at", "updated_at"]
        read_only_fields = fields


class DocumentDetailSerializer(DocumentSerializer):
    class Meta(DocumentSerializer.Meta):
        fields = [*DocumentSerializer.Meta.fields, "content"]
        read_only_fields = fields


class DocumentWriteSerializer(serializers.Serializer):
    file = serializers.FileField(required=False, help_text="A .md file (multipart upload)")
    filename = serializers.CharField(max_length=100, required=False)
    content = serializers.CharField(required=False, trim_whitespace=False)

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if data.get("file") is None and not (data.get("filename") and data.get("content")):
            raise serializers.ValidationError(
                "Upload a .md file as 'file', or give 'filename' and 'content'."
            )
        return data


class DocumentChangeSerializer(serializers.Serializer):
    filename = serializers.CharField(max_length=100, required=False, help_text="to rename it")
    content = serializers.CharField(trim_whitespace=False)


class ProfileSerializer(serializers.Serializer):
    display_name = serializers.CharField(max_length=150, allow_blank=True)
    commit_name = serializers.CharField(max_length=150, allow_blank=True)
    commit_email = serializers.EmailField(allow_blank=True)
    github_handle = serializers.RegexField(
        r"^@?[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$|^$",
        max_length=40,
        allow_blank=True,
    )
    show_on_leaderboard = serializers.BooleanField()
    commit_identity = serializers.SerializerMethodField()
    noreply_email = serializers.CharField(read_only=True)
    has_dco_consent = serializers.BooleanField(read_only=True)
    dco_consented_at = serializers.DateTimeField(read_only=True)
    dco_version = serializers.CharField(read_only=True)

    @extend_schema_field(serializers.DictField(child=serializers.CharField()))
    def get_commit_identity(self, obj: Any) -> dict[str, str]:
        name, email = obj.commit_identity
        return {"name": name, "email": email}


# --- Views ---


def _entry(contribution_id: int) -> Contribution:
    return (
        Contribution.objects.select_related("current_revision").filter(pk=contribution_id).first()
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
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(entries, request, view=self)
        return paginator.get_paginated_response(ContributionListSerializer(page, many=True).data)

    @extend_schema(
        request=DraftCreateSerializer,
        responses={201: ContributionSerializer, 400: DetailSerializer},
    )
    def post(self, request: Request) -> Response:
        data = _valid(DraftCreateSerializer, request)
        contribution = _call(
            services.contribution_create_draft,
            author=request.user,
            kind=data["kind"],
            summary=data["summary"],
            taxonomy_path=data["taxonomy_path"],
            draft=data.get("draft"),
        )
        return Response(ContributionSerializer(contribution).data, status=201)


def _valid(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class ContributionDetailView(APIView):
    """One of my entries; PATCH saves its draft (while it is a draft or changes are requested)."""

    @extend_schema(responses={200: ContributionSerializer, 404: DetailSerializer})
    def get(self, request: Request, contribution_id: int) -> Response:
        return Response(ContributionSerializer(_own(request, contribution_id)).data)

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
        contribution = _own(request, contribution_id)
        data = _valid(DraftUpdateSerializer, request)
        contribution = _call(
            services.contribution_save_draft,
            contribution_id=contribution.pk,
            actor=request.user,
            draft=data.get("draft", contribution.draft),
            summary=data.get("summary", contribution.summary),
            taxonomy_path=data.get("taxonomy_path", contribution.taxonomy_path),
            expected_version=data.get("draft_version"),
        )
        return Response(ContributionSerializer(_entry(contribution.pk)).data)


class ValidateView(APIView):
    """Check the entry now (its draft, or its current revision once submitted) and record it."""

    @extend_schema(request=None, responses={200: ReportSerializer, 404: DetailSerializer})
    def post(self, request: Request, contribution_id: int) -> Response:
        contribution = _own(request, contribution_id)
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
        data = _valid(ImportSerializer, request)
        contribution, notes = _call(
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
        contribution = _own(request, contribution_id)
        data = _valid(ImportSerializer, request)
        contribution, notes = _call(
            importing.contribution_import,
            actor=request.user,
            contribution_id=contribution.pk,
            qna_text=data["qna"],
            attribution_text=data["attribution"],
            taxonomy_path=data.get("taxonomy_path", ""),
            expected_version=data.get("draft_version"),
        )
        return Response(
            {"contribution": ContributionSerializer(_entry(contribution.pk)).data, "notes": notes}
        )


def _action_response(contribution_id: int) -> Response:
    return Response(ContributionSerializer(_entry(contribution_id)).data)


class SubmitView(APIView):
    """Submit (or resubmit) for review: a new immutable revision.

    Refused (400) unless the entry passes the taxonomy's checks, the author has a commit
    identity and has agreed to the DCO (send `dco_consent: true` to agree now).
    """

    @extend_schema(
        request=SubmitSerializer,
        responses={200: ContributionSerializer, 400: DetailSerializer, 404: DetailSerializer},
    )
    def post(self, request: Request, contribution_id: int) -> Response:
        contribution = _own(request, contribution_id)
        data = _valid(SubmitSerializer, request)
        _call(
            services.contribution_submit,
            contribution_id=contribution.pk,
            actor=request.user,
            note=data["note"],
            dco_consent=data["dco_consent"],
        )
        return _action_response(contribution.pk)


class WithdrawView(APIView):
    """Take the entry out of the process (it can be restored as a draft)."""

    @extend_schema(
        request=NoteSerializer,
        responses={200: ContributionSerializer, 400: DetailSerializer, 404: DetailSerializer},
    )
    def post(self, request: Request, contribution_id: int) -> Response:
        contribution = _own(request, contribution_id)
        data = _valid(NoteSerializer, request)
        _call(
            services.contribution_withdraw,
            contribution_id=contribution.pk,
            actor=request.user,
            note=data["note"],
        )
        return _action_response(contribution.pk)


class RestoreView(APIView):
    """Bring a withdrawn entry back as a draft."""

    @extend_schema(
        request=None,
        responses={200: ContributionSerializer, 400: DetailSerializer, 404: DetailSerializer},
    )
    def post(self, request: Request, contribution_id: int) -> Response:
        contribution = _own(request, contribution_id)
        _call(services.contribution_restore, contribution_id=contribution.pk, actor=request.user)
        return _action_response(contribution.pk)


class DuplicateView(APIView):
    """Start a new draft from a copy of this entry (and its documents)."""

    @extend_schema(request=None, responses={201: ContributionSerializer, 404: DetailSerializer})
    def post(self, request: Request, contribution_id: int) -> Response:
        contribution = _own(request, contribution_id)
        copy = _call(
            importing.contribution_duplicate, contribution_id=contribution.pk, actor=request.user
        )
        return Response(ContributionSerializer(copy).data, status=201)


class FilesView(APIView):
    """The exact qna.yaml and attribution.txt of the draft (or of revision ?revision=N)."""

    @extend_schema(
        parameters=[OpenApiParameter("revision", int, required=False)],
        responses={200: FilesSerializer, 404: DetailSerializer},
    )
    def get(self, request: Request, contribution_id: int) -> Response:
        contribution = _own(request, contribution_id)
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
        contribution = _own(request, contribution_id)
        events = selectors.contribution_timeline(contribution=contribution)
        return Response(EventSerializer(events, many=True).data)


class DocumentListView(APIView):
    """The documents of a knowledge draft; POST adds one (a .md upload, or filename+content)."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(responses={200: DocumentSerializer(many=True), 404: DetailSerializer})
    def get(self, request: Request, contribution_id: int) -> Response:
        contribution = _own(request, contribution_id)
        documents = selectors.draft_documents(contribution=contribution)
        return Response(DocumentSerializer(documents, many=True).data)

    @extend_schema(
        request=DocumentWriteSerializer,
        responses={201: DocumentDetailSerializer, 400: DetailSerializer, 404: DetailSerializer},
    )
    def post(self, request: Request, contribution_id: int) -> Response:
        contribution = _own(request, contribution_id)
        data = _valid(DocumentWriteSerializer, request)
        upload = data.get("file")
        if upload is not None:
            if upload.size > settings.MAX_DOCUMENT_BYTES:
                raise Refused(
                    f"{upload.name} is larger than the {settings.MAX_DOCUMENT_BYTES} bytes a "
                    "document may have. Split it into smaller files."
                )
            document = _call(
                document_services.document_upload,
                contribution_id=contribution.pk,
                actor=request.user,
                filename=upload.name,
                data=upload.read(),
            )
        else:
            document = _call(
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
        contribution = _own(request, contribution_id)
        return Response(DocumentDetailSerializer(self._document(contribution, document_id)).data)

    @extend_schema(
        request=DocumentChangeSerializer,
        responses={200: DocumentDetailSerializer, 400: DetailSerializer, 404: DetailSerializer},
    )
    def put(self, request: Request, contribution_id: int, document_id: int) -> Response:
        contribution = _own(request, contribution_id)
        document = self._document(contribution, document_id)
        data = _valid(DocumentChangeSerializer, request)
        document = _call(
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
        contribution = _own(request, contribution_id)
        self._document(contribution, document_id)
        _call(
            document_services.document_delete,
            contribution_id=contribution.pk,
            actor=request.user,
            document_id=document_id,
        )
        return Response(status=204)


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
