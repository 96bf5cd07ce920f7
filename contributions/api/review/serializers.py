"""Serializers of the review API: queue rows, the review page, actions, statistics, admin."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from contributions.models import Comment, Contribution, Notification, Review, ReviewClaim
from contributions.selectors import people as people_selectors
from contributions.selectors.review import active_claim
from contributions.services import reviews


def public_name(user) -> str:
    """The name the portal shows for `user` (their profile's), or "" for nobody."""
    if user is None:
        return ""
    profile = getattr(user, "profile", None)
    return profile.public_name if profile is not None else user.get_username()


# --- the queue, the review page and the review actions ---


class ClaimSerializer(serializers.Serializer):
    reviewer = serializers.CharField(source="reviewer.username")
    reviewer_name = serializers.SerializerMethodField()
    assigned_by = serializers.CharField(
        source="assigned_by.username", allow_null=True, default=None
    )
    expires_at = serializers.DateTimeField()

    def get_reviewer_name(self, claim: ReviewClaim) -> str:
        return public_name(claim.reviewer)


class QueueEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    summary = serializers.CharField()
    kind = serializers.CharField()
    taxonomy_path = serializers.CharField()
    status = serializers.CharField()
    validation_state = serializers.CharField()
    author = serializers.CharField(source="author.username")
    author_name = serializers.SerializerMethodField()
    revision = serializers.IntegerField(source="current_revision.number")
    submitted_at = serializers.DateTimeField()
    approvals = serializers.IntegerField(source="approval_count")
    comments = serializers.IntegerField(source="comment_count")
    claim = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    def get_author_name(self, entry: Contribution) -> str:
        return public_name(entry.author)

    @extend_schema_field(ClaimSerializer(allow_null=True))
    def get_claim(self, entry: Contribution) -> dict | None:
        claim = active_claim(entry)
        return ClaimSerializer(claim).data if claim else None

    def get_url(self, entry: Contribution) -> str:
        return reverse("review-detail", args=[entry.pk])


class CommentSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    author = serializers.SerializerMethodField()
    external_author = serializers.CharField()
    seed_index = serializers.IntegerField(allow_null=True)
    revision = serializers.IntegerField(source="revision.number", allow_null=True, default=None)
    body = serializers.CharField()
    created_at = serializers.DateTimeField()

    def get_author(self, comment: Comment) -> str:
        return comment.author.get_username() if comment.author else ""


class ReviewSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    reviewer = serializers.CharField(source="reviewer.username")
    decision = serializers.ChoiceField(choices=Review.Decision.choices)
    reason = serializers.CharField()
    revision = serializers.IntegerField(source="revision.number")
    is_current = serializers.BooleanField()
    created_at = serializers.DateTimeField()


class FieldChangeSerializer(serializers.Serializer):
    group = serializers.CharField()
    label = serializers.CharField()
    change = serializers.ChoiceField(choices=["added", "removed", "changed"])
    old = serializers.CharField()
    new = serializers.CharField()
    seed_index = serializers.IntegerField(allow_null=True)


class FileSerializer(serializers.Serializer):
    name = serializers.CharField()
    text = serializers.CharField()
    error = serializers.CharField()


class ReviewEntrySerializer(serializers.Serializer):
    """Everything a reviewer needs to decide, as the review page shows it."""

    id = serializers.IntegerField()
    summary = serializers.CharField()
    kind = serializers.CharField()
    taxonomy_path = serializers.CharField()
    status = serializers.CharField()
    author = serializers.CharField()
    revision = serializers.IntegerField()
    revisions = serializers.ListField(child=serializers.IntegerField())
    compared_with = serializers.IntegerField(allow_null=True)
    content = serializers.DictField(help_text="The entry as written (qna.yaml data).")
    attribution = serializers.DictField()
    files = FileSerializer(many=True)
    validation_state = serializers.CharField()
    validation_current = serializers.BooleanField(
        help_text="Whether the stored checks ran on this revision's content."
    )
    validation_issues = serializers.ListField(child=serializers.DictField())
    changes = FieldChangeSerializer(many=True)
    comments = CommentSerializer(many=True)
    reviews = ReviewSerializer(many=True)
    approvals = serializers.IntegerField()
    required_approvals = serializers.IntegerField()
    claim = ClaimSerializer(allow_null=True)
    can_decide = serializers.BooleanField()


class ClaimRequestSerializer(serializers.Serializer):
    minutes = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=reviews.MAX_CLAIM_MINUTES,
        help_text="How long the claim lasts; the portal's default if left out.",
    )


class AssignRequestSerializer(ClaimRequestSerializer):
    reviewer = serializers.CharField(help_text="User name of the reviewer.")


class CommentRequestSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=reviews.MAX_COMMENT_CHARS)
    seed_index = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, help_text="0-based seed example."
    )


class DecisionRequestSerializer(serializers.Serializer):
    revision = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="The revision number you read; refused (409) if a newer one arrived.",
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ReasonRequiredSerializer(DecisionRequestSerializer):
    reason = serializers.CharField(help_text="Required: what the author should know.")


# --- statistics and notifications (these shape the schema; the views build plain dicts) ---


class DashboardStatsSerializer(serializers.Serializer):
    by_status = serializers.DictField(child=serializers.IntegerField())
    total = serializers.IntegerField()
    throughput = serializers.ListField(child=serializers.DictField())
    waiting = serializers.DictField()
    time_to_first_review = serializers.DictField()
    reviewer_load = serializers.ListField(child=serializers.DictField())
    failed_tasks = serializers.IntegerField()
    github_rate_limit = serializers.DictField(allow_null=True)
    taxonomy_sync = serializers.ListField(child=serializers.DictField())


class LeaderboardRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()
    github_handle = serializers.CharField()
    merged = serializers.IntegerField()
    accepted = serializers.IntegerField()
    submitted = serializers.IntegerField()
    last_active = serializers.DateTimeField(allow_null=True)


class ContributorStatsSerializer(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField()
    by_status = serializers.DictField(child=serializers.IntegerField())
    total = serializers.IntegerField()
    merged = serializers.IntegerField()
    accepted = serializers.IntegerField()
    rejected = serializers.IntegerField()
    acceptance_rate = serializers.FloatField(allow_null=True)


# Its fields are the columns the credits selector exports, so the two cannot drift apart.
CreditRowSerializer = type(
    "CreditRowSerializer",
    (serializers.Serializer,),
    {name: serializers.CharField() for name in people_selectors.CREDIT_FIELDS},
)


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "message", "url", "contribution", "created_at", "read_at"]


class NotificationPageSerializer(serializers.Serializer):
    unread = serializers.IntegerField()
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    results = NotificationSerializer(many=True)


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(), required=False)


class MarkedReadSerializer(serializers.Serializer):
    marked = serializers.IntegerField()


# --- admin ---


class TaskFailureSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    task_name = serializers.CharField()
    task_args = serializers.JSONField()
    contribution = serializers.IntegerField(source="contribution_id", allow_null=True)
    error = serializers.CharField()
    permanent = serializers.BooleanField()
    attempts = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    retried_at = serializers.DateTimeField(allow_null=True)
    resolved_at = serializers.DateTimeField(allow_null=True)


class AuditEventSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    contribution = serializers.IntegerField(source="contribution_id", allow_null=True)
    actor = serializers.CharField(source="actor.username", allow_null=True, default=None)
    event = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    note = serializers.CharField()
    data = serializers.JSONField()
    created_at = serializers.DateTimeField()
