"""The contributor's pages: my contributions, a new entry, an entry's story, and its actions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from contributions import permissions
from contributions.event_words import QUIET_EVENTS, event_happened, event_sentence
from contributions.forms_contributor import EditorData, ImportForm, NewEntryForm, SubmitForm
from contributions.models import Contribution
from contributions.selectors import contributor as selectors
from contributions.services import contributions as services
from contributions.services import importing, pull_request_revise, validation
from contributions.services.accounts import (
    DCO_TEXT,
    profile_get_or_create,
    profile_give_dco_consent,
)
from contributions.services.core import ConflictError, ServiceError
from contributions.workflow import STATUS_LABELS, Status

from .editor.access import own_entry
from .editor.context import editor_context, editor_view


def event_text(event) -> str:
    """One line of the entry's history, in the words the rest of the portal uses."""
    return event_sentence(event) if event.actor_id is None else event_happened(event.event)


@login_required
def my_contributions(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in {s.value for s in Status}:
        status = ""
    entries = selectors.my_contributions(user=request.user, status=status or None)
    page = Paginator(entries, 25).get_page(request.GET.get("page"))
    counts = selectors.my_status_counts(user=request.user)
    return render(
        request,
        "contributions/list.html",
        {
            "page": page,
            "counts": counts,
            "total": sum(c.count for c in counts),
            "status": status,
            "status_label": STATUS_LABELS.get(Status(status)) if status else "",
        },
    )


@login_required
def new_entry(request: HttpRequest) -> HttpResponse:
    """Start an entry: empty, or from a qna.yaml file."""
    kind = request.GET.get("kind", Contribution.Kind.KNOWLEDGE)
    form = NewEntryForm(initial={"kind": kind})
    import_form = ImportForm()
    if request.method == "POST" and request.POST.get("start") == "import":
        import_form = ImportForm(request.POST, request.FILES)
        if import_form.is_valid():
            try:
                contribution, notes = importing.contribution_import(
                    actor=request.user,
                    qna_text=import_form.cleaned_data["qna_text"],
                    attribution_text=import_form.cleaned_data["attribution_text"],
                )
            except ServiceError as error:
                import_form.add_error(None, str(error))
            else:
                messages.success(request, "Imported. Check each part, then choose where it goes.")
                for note in notes:
                    messages.info(request, note)
                return redirect("contribution-edit", contribution_id=contribution.pk)
    elif request.method == "POST":
        form = NewEntryForm(request.POST)
        if form.is_valid():
            contribution = services.contribution_create_draft(
                author=request.user,
                kind=form.cleaned_data["kind"],
                summary=form.cleaned_data["summary"],
            )
            return redirect("contribution-edit", contribution_id=contribution.pk)
    return render(request, "contributions/new.html", {"form": form, "import_form": import_form})


@login_required
def detail(request: HttpRequest, contribution_id: int) -> HttpResponse:
    """The author's view of one entry: status, feedback, pull request, history."""
    contribution = own_entry(request, contribution_id)
    timeline = [
        {"event": e, "text": event_text(e)}
        for e in selectors.contribution_timeline(contribution=contribution)
        if e.event not in QUIET_EVENTS
    ]
    revision = contribution.current_revision
    profile = profile_get_or_create(user=request.user)
    pull = selectors.contribution_pull_request(contribution=contribution)
    return render(
        request,
        "contributions/detail.html",
        {
            "contribution": contribution,
            "timeline": timeline,
            "feedback": selectors.contribution_feedback(contribution=contribution),
            "revisions": selectors.contribution_revisions(contribution=contribution),
            "pull_request": pull,
            "pull_commits": selectors.pull_request_commits(pull=pull) if pull else [],
            "earlier_pulls": selectors.earlier_pull_requests(contribution=contribution),
            "can_rebase": pull is not None
            and pull.conflict == "conflict"
            and pull_request_revise.can_request_rebase(request.user, pull),
            "revision_documents": selectors.revision_documents(revision=revision)
            if revision
            else [],
            "can_edit": permissions.can_edit(request.user, contribution),
            "can_withdraw": contribution.status
            in {Status.DRAFT, Status.SUBMITTED, Status.IN_REVIEW, Status.CHANGES_REQUESTED}
            and not (pull and pull.state == "open"),
            "can_restore": contribution.status == Status.WITHDRAWN,
            "submit_form": SubmitForm(),
            "profile": profile,
            "dco_text": DCO_TEXT,
        },
    )


def _refusal_in_checks_words(contribution: Contribution, refusal: str) -> str:
    """A refusal for failed checks, counted as the Checks panel counts (one set of numbers)."""
    contribution.refresh_from_db()
    # The refused submit rolled its checks back; run them again (nothing is saved).
    report = validation.report_for(contribution)
    for name, value in validation.validation_fields(report).items():
        setattr(contribution, name, value)
    if contribution.validation_state != Contribution.Validation.FAILED:
        return refusal
    checks = editor_view(contribution).checks
    if not checks.count_text:
        return refusal
    return (
        f"Not submitted yet: {checks.count_text}. Each one is marked at its field and listed "
        "under Checks."
    )


@require_POST
@login_required
def submit(request: HttpRequest, contribution_id: int) -> HttpResponse:
    """Submit (or resubmit); from the editor, what is on the screen is saved first."""
    contribution = own_entry(request, contribution_id)
    form = SubmitForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    if "seeds" in request.POST and permissions.can_edit(request.user, contribution):
        posted = EditorData.parse(
            kind=contribution.kind, data=request.POST, previous=contribution.draft or {}
        )
        try:
            contribution = services.contribution_save_draft(
                contribution_id=contribution.pk,
                actor=request.user,
                draft=posted.draft,
                summary=posted.summary,
                taxonomy_path=posted.taxonomy_path,
                expected_version=None if posted.force else posted.draft_version,
            )
        except ServiceError as error:
            state = "conflict" if isinstance(error, ConflictError) else "error"
            context = editor_context(
                request, contribution, posted=posted, state=state, message=str(error)
            )
            return render(request, "contributions/editor.html", context, status=409)
    if data.get("dco_consent"):
        # Agreeing stands on its own, even if the entry still needs work before it goes.
        profile_give_dco_consent(user=request.user)
    try:
        services.contribution_submit(
            contribution_id=contribution.pk, actor=request.user, note=data.get("note", "")
        )
    except ServiceError as error:
        if permissions.can_edit(request.user, contribution):
            messages.error(request, _refusal_in_checks_words(contribution, str(error)))
            url = reverse("contribution-edit", kwargs={"contribution_id": contribution.pk})
            return redirect(f"{url}#submit")
        messages.error(request, str(error))
        return redirect("contribution-detail", contribution_id=contribution.pk)
    messages.success(
        request,
        "Submitted for review. You will be notified when a reviewer has looked at it.",
    )
    return redirect("contribution-detail", contribution_id=contribution.pk)


@require_POST
@login_required
def withdraw(request: HttpRequest, contribution_id: int) -> HttpResponse:
    contribution = own_entry(request, contribution_id)
    try:
        services.contribution_withdraw(
            contribution_id=contribution.pk,
            actor=request.user,
            note=request.POST.get("note", "")[:2000],
        )
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, "Withdrawn. You can bring it back as a draft at any time from this page."
        )
    return redirect("contribution-detail", contribution_id=contribution.pk)


@require_POST
@login_required
def restore(request: HttpRequest, contribution_id: int) -> HttpResponse:
    contribution = own_entry(request, contribution_id)
    try:
        services.contribution_restore(contribution_id=contribution.pk, actor=request.user)
    except ServiceError as error:
        messages.error(request, str(error))
        return redirect("contribution-detail", contribution_id=contribution.pk)
    messages.success(request, "It is a draft again: change what you like and submit it.")
    return redirect("contribution-edit", contribution_id=contribution.pk)


@require_POST
@login_required
def duplicate(request: HttpRequest, contribution_id: int) -> HttpResponse:
    contribution = own_entry(request, contribution_id)
    try:
        copy = importing.contribution_duplicate(contribution_id=contribution.pk, actor=request.user)
    except ServiceError as error:
        messages.error(request, str(error))
        return redirect("contribution-detail", contribution_id=contribution.pk)
    messages.success(request, "This is a copy: change it as you like. The original is unchanged.")
    return redirect("contribution-edit", contribution_id=copy.pk)


@require_POST
@login_required
def import_into(request: HttpRequest, contribution_id: int) -> HttpResponse:
    """Refill a draft from a qna.yaml (and attribution.txt)."""
    contribution = own_entry(request, contribution_id)
    form = ImportForm(request.POST, request.FILES)
    url = reverse("contribution-edit", kwargs={"contribution_id": contribution.pk})
    if not form.is_valid():
        errors = [e for field_errors in form.errors.values() for e in field_errors]
        messages.error(request, " ".join(errors) or "Choose a qna.yaml file to import.")
        return redirect(f"{url}#import")
    try:
        version = int(request.POST.get("draft_version", ""))
    except ValueError:
        version = None
    try:
        _, notes = importing.contribution_import(
            actor=request.user,
            contribution_id=contribution.pk,
            qna_text=form.cleaned_data["qna_text"],
            attribution_text=form.cleaned_data["attribution_text"],
            expected_version=version,
        )
    except ServiceError as error:
        messages.error(request, str(error))
        return redirect(f"{url}#import")
    messages.success(
        request,
        "Imported: the form now holds the file's content. What was here before is kept in "
        "the entry's history.",
    )
    for note in notes:
        messages.info(request, note)
    return redirect(url)


@require_POST
@login_required
def rebase(request: HttpRequest, contribution_id: int) -> HttpResponse:
    """Ask for the entry's pull request to be written again on top of the latest taxonomy."""
    contribution = own_entry(request, contribution_id)
    pull = selectors.contribution_pull_request(contribution=contribution)
    if pull is None:
        messages.error(request, "This entry has no pull request to bring up to date.")
        return redirect("contribution-detail", contribution.pk)
    try:
        pull_request_revise.pull_request_request_rebase(pull_request_id=pull.pk, actor=request.user)
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            "The portal is writing your entry again on top of the latest taxonomy. The pull "
            "request gets a new commit in a minute or so.",
        )
    return redirect("contribution-detail", contribution.pk)
