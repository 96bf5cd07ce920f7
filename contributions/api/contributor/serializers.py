"""Serializers of the contributor API: entries, imports, actions, documents, profile."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from contributions.models import Contribution, ContributionEvent, KnowledgeDocument
from contributions.selectors import contributor as selectors


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
