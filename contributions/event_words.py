"""How the audit log's event names read on a page: the one mapping every page uses.

Each event has two forms:
- `did`: what the actor did, read after their name ("Riley Reviewer started reviewing");
- `happened`: a sentence on its own, for events without an actor (the portal, GitHub) and for
  lists without names (the author's history, the audit filter): "Review started".

tests/unit/test_event_words.py checks that every event name written anywhere in contributions/
has words here.
"""

from __future__ import annotations

from typing import Any, NamedTuple


class EventWords(NamedTuple):
    did: str
    happened: str


EVENT_WORDS: dict[str, EventWords] = {
    # Drafts and documents
    "draft_created": EventWords("started a draft", "Draft started"),
    "draft_saved": EventWords("saved the draft", "Draft saved"),
    "imported": EventWords("filled the entry from a qna.yaml file", "Filled from a qna.yaml file"),
    "duplicated": EventWords(
        "created the entry as a copy of another entry", "Created as a copy of another entry"
    ),
    "document_uploaded": EventWords("added a document", "Document added"),
    "document_written": EventWords("wrote a document", "Document written"),
    "document_changed": EventWords("changed a document", "Document changed"),
    "document_removed": EventWords("removed a document", "Document removed"),
    "document_conversion_started": EventWords(
        "uploaded a file to convert to markdown", "File uploaded for conversion"
    ),
    "document_converted": EventWords("converted a file to markdown", "File converted to markdown"),
    "document_conversion_failed": EventWords(
        "could not convert a file", "File could not be converted"
    ),
    "document_conversion_discarded": EventWords(
        "discarded a converted file", "Converted file discarded"
    ),
    "validated": EventWords("ran the checks", "Checks run"),
    # Submitting and reviewing
    "submitted": EventWords("submitted the entry for review", "Submitted for review"),
    "resubmitted": EventWords("submitted a new revision", "Submitted again after changes"),
    "withdrawn": EventWords("withdrew the entry", "Withdrawn"),
    "restored": EventWords("brought the entry back as a draft", "Brought back as a draft"),
    "review_claimed": EventWords("claimed the review", "A reviewer claimed the review"),
    "review_assigned": EventWords("assigned the review", "The review was assigned to a reviewer"),
    "review_started": EventWords("started reviewing", "Review started"),
    "review_released": EventWords(
        "put the entry back in the review queue", "Put back in the review queue"
    ),
    "comment_added": EventWords("commented", "Comment added"),
    "approval_recorded": EventWords(
        "approved (more approvals needed)", "Approved by a reviewer; more approvals needed"
    ),
    "approvals_cleared": EventWords(
        "cleared the earlier approvals (new revision)",
        "Earlier approvals no longer count (new revision)",
    ),
    "approved": EventWords("approved the entry", "Approved"),
    "changes_requested": EventWords("asked for changes", "Changes requested"),
    "rejected": EventWords("rejected the entry", "Rejected"),
    # The pull request on GitHub
    "pull_request_recorded": EventWords(
        "created the pull request on GitHub", "Pull request created on GitHub"
    ),
    "pr_opened": EventWords("opened the pull request", "Pull request opened"),
    "pull_request_state": EventWords(
        "saw the pull request change on GitHub", "The pull request changed on GitHub"
    ),
    "github_feedback": EventWords(
        "left feedback on the pull request", "A maintainer left feedback on the pull request"
    ),
    "github_feedback_edited": EventWords(
        "edited feedback on the pull request", "A maintainer edited feedback on the pull request"
    ),
    "github_feedback_withdrawn": EventWords(
        "withdrew feedback on the pull request",
        "Feedback on the pull request was dismissed or deleted on GitHub",
    ),
    "pr_merged": EventWords("merged the pull request", "Merged into the taxonomy"),
    "pr_closed": EventWords("closed the pull request", "Pull request closed"),
    "pr_reopened": EventWords("reopened the pull request", "Pull request reopened"),
    # After the pull request opens: maintainers' requests, revisions, conflicts
    "maintainer_changes_requested": EventWords(
        "asked for changes on the pull request", "A maintainer asked for changes on GitHub"
    ),
    "maintainer_changes_resolved": EventWords(
        "withdrew the request for changes", "The maintainer's request for changes was settled"
    ),
    "revision_submitted": EventWords(
        "submitted a new revision for the pull request",
        "New revision submitted for portal review before it goes to the pull request",
    ),
    "revision_sent": EventWords(
        "sent a new revision straight to the pull request",
        "New revision sent straight to the pull request",
    ),
    "resubmitted_after_close": EventWords(
        "submitted a new revision after the pull request was closed",
        "Submitted again after the pull request was closed",
    ),
    "pr_updated": EventWords(
        "added the new revision to the pull request", "New revision added to the pull request"
    ),
    "revision_pushed": EventWords(
        "pushed a commit to the pull request", "A commit was added to the pull request"
    ),
    "pull_request_body_updated": EventWords(
        "updated the pull request's description", "Pull request description updated"
    ),
    "path_taken": EventWords(
        "found the entry's folder taken in the taxonomy",
        "Another entry now uses this folder in the taxonomy",
    ),
    "base_conflict": EventWords(
        "found the pull request in conflict with the taxonomy",
        "The pull request conflicts with the taxonomy",
    ),
    "pull_request_conflict": EventWords(
        "found the pull request in conflict with the taxonomy",
        "The pull request conflicts with the taxonomy's latest version",
    ),
    "pull_request_mergeable": EventWords(
        "found the pull request mergeable again", "The pull request can be merged again"
    ),
    "rebase_requested": EventWords(
        "asked to bring the pull request up to date",
        "Bringing the pull request up to date was requested",
    ),
    "pull_request_rebased": EventWords(
        "brought the pull request up to date",
        "The pull request was brought up to date with the taxonomy",
    ),
    "abandoned": EventWords("marked the entry abandoned", "Marked abandoned"),
    "checks_regressed": EventWords(
        "found the entry no longer passes the checks",
        "No longer passes the checks after the taxonomy or its rules changed",
    ),
    "checks_recovered": EventWords(
        "found the entry passes the checks again", "Passes the checks again"
    ),
    "pipeline_failed": EventWords(
        "could not hand the entry over to GitHub", "Handing the entry over to GitHub failed"
    ),
    "pipeline_requeued": EventWords(
        "queued the hand-over to GitHub again", "Hand-over to GitHub queued again"
    ),
    # Administration
    "task_retried": EventWords("retried a failed task", "A failed task was retried"),
    "task_failure_resolved": EventWords(
        "marked a failed task resolved", "A failed task was marked resolved"
    ),
    "reviewer_scope_added": EventWords("added a reviewer scope", "Reviewer scope added"),
    "reviewer_scope_removed": EventWords("removed a reviewer scope", "Reviewer scope removed"),
    "admin_added": EventWords("added a record in Django admin", "Record added in Django admin"),
    "admin_changed": EventWords(
        "changed a record in Django admin", "Record changed in Django admin"
    ),
    "admin_deleted": EventWords(
        "deleted a record in Django admin", "Record deleted in Django admin"
    ),
    # Accounts
    "user_signed_up": EventWords("signed up", "Account created"),
    "email_verified": EventWords("confirmed their e-mail address", "E-mail address confirmed"),
    "account_deleted": EventWords("deleted an account", "Account deleted"),
    "roles_changed": EventWords("changed a person's roles", "Roles changed"),
    "profile_updated": EventWords("updated their profile", "Profile updated"),
    "dco_consent_given": EventWords(
        "agreed to the Developer Certificate of Origin",
        "Agreed to the Developer Certificate of Origin",
    ),
    "dco_consent_withdrawn": EventWords(
        "withdrew their agreement to the Developer Certificate of Origin",
        "Agreement to the Developer Certificate of Origin withdrawn",
    ),
    "notification_preferences_changed": EventWords(
        "changed their notification settings", "Notification settings changed"
    ),
}


# Events too frequent to read in a history or activity list (every autosave writes one); they stay
# in the audit log.
# Left out of the histories people read (they stay in the audit log): draft saves are noise, and
# the pull-request row's own records repeat the status moves shown beside them.
# Said again by the move that follows them ("revision_pushed" by "pr_updated").
QUIET_EVENTS: tuple[str, ...] = (
    "draft_saved",
    "pull_request_recorded",
    "pull_request_state",
    "revision_pushed",
)


def _fallback(name: str) -> EventWords:
    text = str(name).replace("_", " ").strip() or "did something"
    return EventWords(text, text[:1].upper() + text[1:])


def event_did(name: str) -> str:
    """What the actor did, to follow their name: 'started reviewing'."""
    words = EVENT_WORDS.get(name) or _fallback(name)
    return words.did


def event_happened(name: str) -> str:
    """The event as a sentence on its own: 'Review started'."""
    words = EVENT_WORDS.get(name) or _fallback(name)
    return words.happened


def event_sentence(event: Any) -> str:
    """A ContributionEvent without an actor as a sentence, using its data where that helps."""
    data = getattr(event, "data", None) or {}
    name = getattr(event, "event", "")
    if name == "github_feedback" and data.get("author"):
        return f"{data['author']} left feedback on the pull request on GitHub"
    if name == "pull_request_state" and data.get("to"):
        number = f" #{data['number']}" if data.get("number") else ""
        state = {"open": "reopened", "closed": "closed", "merged": "merged"}.get(
            data["to"], data["to"]
        )
        return f"Pull request{number} {state} on GitHub"
    if name == "pull_request_recorded" and data.get("number"):
        return f"Pull request #{data['number']} created on GitHub"
    return event_happened(name)
