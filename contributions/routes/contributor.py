"""Routes of the contributor area."""

from django.urls import path

from contributions.views import contributor, profile
from contributions.views.editor import autosave, conversions, documents, folders, pages

urlpatterns = [
    path("contributions/", contributor.my_contributions, name="my-contributions"),
    path("contributions/new/", contributor.new_entry, name="contribution-new"),
    path("contributions/<int:contribution_id>/", contributor.detail, name="contribution-detail"),
    path(
        "contributions/<int:contribution_id>/edit/",
        pages.editor,
        name="contribution-edit",
    ),
    path(
        "contributions/<int:contribution_id>/autosave/",
        autosave.autosave,
        name="contribution-autosave",
    ),
    path(
        "contributions/<int:contribution_id>/yaml/",
        pages.yaml_view,
        name="contribution-yaml",
    ),
    path(
        "contributions/<int:contribution_id>/submit/",
        contributor.submit,
        name="contribution-submit",
    ),
    path(
        "contributions/<int:contribution_id>/withdraw/",
        contributor.withdraw,
        name="contribution-withdraw",
    ),
    path(
        "contributions/<int:contribution_id>/restore/",
        contributor.restore,
        name="contribution-restore",
    ),
    path(
        "contributions/<int:contribution_id>/rebase/",
        contributor.rebase,
        name="contribution-rebase",
    ),
    path(
        "contributions/<int:contribution_id>/duplicate/",
        contributor.duplicate,
        name="contribution-duplicate",
    ),
    path(
        "contributions/<int:contribution_id>/import/",
        contributor.import_into,
        name="contribution-import",
    ),
    path(
        "contributions/<int:contribution_id>/documents/upload/",
        documents.document_upload,
        name="document-upload",
    ),
    path(
        "contributions/<int:contribution_id>/documents/write/",
        documents.document_write,
        name="document-write",
    ),
    path(
        "contributions/<int:contribution_id>/documents/<int:document_id>/delete/",
        documents.document_delete,
        name="document-delete",
    ),
    path(
        "contributions/<int:contribution_id>/conversions/<int:conversion_id>/",
        conversions.conversion_status,
        name="conversion-status",
    ),
    path(
        "contributions/<int:contribution_id>/conversions/<int:conversion_id>/accept/",
        conversions.conversion_accept,
        name="conversion-accept",
    ),
    path(
        "contributions/<int:contribution_id>/conversions/<int:conversion_id>/discard/",
        conversions.conversion_discard,
        name="conversion-discard",
    ),
    path(
        "contributions/documents/preview/",
        documents.document_preview,
        name="document-preview",
    ),
    path("taxonomy/folders/", folders.taxonomy_folders, name="taxonomy-folders"),
    path(
        "taxonomy/folders/check/",
        folders.taxonomy_folder_check,
        name="taxonomy-folder-check",
    ),
    path("profile/", profile.profile, name="profile"),
    path("profile/dco/", profile.dco, name="profile-dco"),
]
