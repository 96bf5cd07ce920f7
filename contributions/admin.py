"""Django admin for raw data. Status is read-only here: it moves only through the services."""

from __future__ import annotations

from django.contrib import admin

from . import models
from .services.core import event_record


class AuditedAdmin(admin.ModelAdmin):
    """Edits made in Django admin land in the audit log like any other write."""

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        contribution = (
            obj if isinstance(obj, models.Contribution) else getattr(obj, "contribution", None)
        )
        event_record(
            contribution=contribution,
            actor=request.user,
            event="admin_changed" if change else "admin_added",
            data={"model": type(obj).__name__, "id": obj.pk, "fields": sorted(form.changed_data)},
        )

    def delete_model(self, request, obj) -> None:
        contribution = getattr(obj, "contribution", None)
        event_record(
            contribution=contribution if not isinstance(obj, models.Contribution) else None,
            actor=request.user,
            event="admin_deleted",
            data={"model": type(obj).__name__, "id": obj.pk},
        )
        super().delete_model(request, obj)


class ReadOnlyAdmin(admin.ModelAdmin):
    """For append-only rows: viewable, never editable or deletable."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(models.ContributorProfile)
class ContributorProfileAdmin(AuditedAdmin):
    list_display = ("user", "display_name", "github_handle", "dco_consented_at")
    search_fields = ("user__username", "display_name", "github_handle")
    readonly_fields = ("dco_consented_at", "dco_version", "created_at", "updated_at")


@admin.register(models.Contribution)
class ContributionAdmin(AuditedAdmin):
    list_display = ("id", "summary", "kind", "status", "validation_state", "author", "updated_at")
    list_filter = ("status", "kind", "validation_state")
    search_fields = ("summary", "taxonomy_path", "author__username")
    readonly_fields = (
        "status",
        "current_revision",
        "validation_state",
        "validation_issues",
        "validated_at",
        "handed_over_at",
        "draft_version",
        "draft_saved_at",
        "submitted_at",
        "created_at",
        "updated_at",
    )
    raw_id_fields = ("author",)


@admin.register(models.Revision)
class RevisionAdmin(ReadOnlyAdmin):
    list_display = ("contribution", "number", "kind", "taxonomy_path", "created_at")
    search_fields = ("taxonomy_path", "summary")


@admin.register(models.KnowledgeDocument)
class KnowledgeDocumentAdmin(AuditedAdmin):
    list_display = ("filename", "contribution", "revision", "size")
    readonly_fields = ("sha256", "size")


@admin.register(models.Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ("contribution", "revision", "reviewer", "decision", "is_current", "created_at")
    list_filter = ("decision",)


@admin.register(models.Comment)
class CommentAdmin(AuditedAdmin):
    list_display = ("contribution", "author", "external_author", "seed_index", "created_at")


@admin.register(models.ContributionEvent)
class ContributionEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "event", "contribution", "actor", "from_status", "to_status")
    list_filter = ("event",)
    search_fields = ("note",)


@admin.register(models.PullRequest)
class PullRequestAdmin(AuditedAdmin):
    list_display = ("repo", "number", "state", "contribution", "merged_at", "last_synced_at")
    list_filter = ("state",)
    readonly_fields = ("state", "merged_at", "head_sha", "etag", "last_synced_at")


@admin.register(models.ReviewerScope)
class ReviewerScopeAdmin(AuditedAdmin):
    list_display = ("reviewer", "path_prefix")
    search_fields = ("reviewer__username", "path_prefix")


@admin.register(models.ReviewClaim)
class ReviewClaimAdmin(AuditedAdmin):
    list_display = ("contribution", "reviewer", "expires_at")


@admin.register(models.Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("recipient", "kind", "contribution", "created_at", "read_at", "emailed_at")
    list_filter = ("kind",)


@admin.register(models.NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "in_portal", "by_email")


@admin.register(models.TaskFailure)
class TaskFailureAdmin(admin.ModelAdmin):
    list_display = (
        "task_name",
        "contribution",
        "permanent",
        "attempts",
        "created_at",
        "resolved_at",
    )
    readonly_fields = ("task_name", "task_args", "contribution", "error", "created_at")


@admin.register(models.WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = ("delivery_id", "event", "action", "repo", "pr_number", "received_at", "outcome")


@admin.register(models.TaxonomyTree)
class TaxonomyTreeAdmin(admin.ModelAdmin):
    list_display = ("repo", "branch", "commit_sha", "synced_at", "last_attempt_at")
    readonly_fields = ("folders",)


@admin.register(models.ServiceStatus)
class ServiceStatusAdmin(ReadOnlyAdmin):
    list_display = ("key", "updated_at")
