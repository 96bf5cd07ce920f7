"""Routes of the contributor area."""

from django.urls import path

from contributions.views import contributor, contributor_editor, profile

urlpatterns = [
    path("contributions/", contributor.my_contributions, name="my-contributions"),
    path("contributions/new/", contributor.new_entry, name="contribution-new"),
    path("contributions/<int:contribution_id>/", contributor.detail, name="contribution-detail"),
    path(
        "contributions/<int:contribution_id>/edit/",
        contributor_editor.editor,
        name="contribution-edit",
    ),
    path(
        "contributions/<int:contribution_id>/autosave/",
        contributor_editor.autosave,
        name="contribution-autosave",
    ),
    path(
        "contributions/<int:contribution_id>/yaml/",
        contributor_editor.yaml_view,
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
        contributor_editor.document_upload,
        name="document-upload",
    ),
    path(
        "contributions/<int:contribution_id>/documents/write/",
        contributor_editor.document_write,
        name="document-write",
    ),
    path(
        "contributions/<int:contribution_id>/documents/<int:document_id>/delete/",
        contributor_editor.document_delete,
        name="document-delete",
    ),
    path(
        "contributions/documents/preview/",
        contributor_editor.document_preview,
        name="document-preview",
    ),
    path("taxonomy/folders/", contributor_editor.taxonomy_folders, name="taxonomy-folders"),
    path(
        "taxonomy/folders/check/",
        contributor_editor.taxonomy_folder_check,
        name="taxonomy-folder-check",
    ),
    path("profile/", profile.profile, name="profile"),
    path("profile/dco/", profile.dco, name="profile-dco"),
]
