"""The lifecycle of a contribution: its statuses and the moves allowed between them.

Pure code with no ORM: the one place that says which status may follow which. Services ask
`check_transition` before every move; anything not in the table raises `IllegalTransition`.
Validation (pending / passed / failed) is deliberately not a status: it is a separate field.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    PR_OPEN = "pr_open"
    PR_CHANGES_REQUESTED = "pr_changes_requested"
    MERGED = "merged"
    CLOSED = "closed"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    ABANDONED = "abandoned"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS: dict[Status, str] = {
    Status.DRAFT: "Draft",
    Status.SUBMITTED: "Waiting for review",
    Status.IN_REVIEW: "In review",
    Status.CHANGES_REQUESTED: "Changes requested",
    Status.APPROVED: "Approved",
    Status.PR_OPEN: "Pull request open",
    Status.PR_CHANGES_REQUESTED: "Maintainer asked for changes",
    Status.MERGED: "Merged",
    Status.CLOSED: "Pull request closed",
    Status.REJECTED: "Rejected",
    Status.WITHDRAWN: "Withdrawn",
    Status.ABANDONED: "Abandoned",
}

# (from, to) -> the event recorded in the audit log for that move.
TRANSITIONS: dict[tuple[Status, Status], str] = {
    (Status.DRAFT, Status.SUBMITTED): "submitted",
    (Status.DRAFT, Status.WITHDRAWN): "withdrawn",
    (Status.SUBMITTED, Status.IN_REVIEW): "review_started",
    (Status.SUBMITTED, Status.APPROVED): "approved",
    (Status.SUBMITTED, Status.CHANGES_REQUESTED): "changes_requested",
    (Status.SUBMITTED, Status.REJECTED): "rejected",
    (Status.SUBMITTED, Status.WITHDRAWN): "withdrawn",
    (Status.IN_REVIEW, Status.SUBMITTED): "review_released",
    (Status.IN_REVIEW, Status.APPROVED): "approved",
    (Status.IN_REVIEW, Status.CHANGES_REQUESTED): "changes_requested",
    (Status.IN_REVIEW, Status.REJECTED): "rejected",
    (Status.IN_REVIEW, Status.WITHDRAWN): "withdrawn",
    (Status.CHANGES_REQUESTED, Status.SUBMITTED): "resubmitted",
    (Status.CHANGES_REQUESTED, Status.WITHDRAWN): "withdrawn",
    (Status.CHANGES_REQUESTED, Status.MERGED): "pr_merged",
    (Status.APPROVED, Status.PR_OPEN): "pr_opened",
    # The pull request's files were taken upstream: the author must move the entry first.
    (Status.APPROVED, Status.CHANGES_REQUESTED): "path_taken",
    (Status.APPROVED, Status.PR_CHANGES_REQUESTED): "path_taken",
    # A revision approved while its pull request was open, and merged before it was pushed.
    (Status.APPROVED, Status.MERGED): "pr_merged",
    (Status.PR_OPEN, Status.MERGED): "pr_merged",
    (Status.PR_OPEN, Status.CLOSED): "pr_closed",
    (Status.PR_OPEN, Status.PR_CHANGES_REQUESTED): "maintainer_changes_requested",
    # The author revises the open pull request: through portal review, or straight to GitHub.
    (Status.PR_OPEN, Status.SUBMITTED): "revision_submitted",
    (Status.PR_OPEN, Status.APPROVED): "revision_sent",
    (Status.PR_CHANGES_REQUESTED, Status.SUBMITTED): "revision_submitted",
    (Status.PR_CHANGES_REQUESTED, Status.APPROVED): "revision_sent",
    (Status.PR_CHANGES_REQUESTED, Status.PR_OPEN): "maintainer_changes_resolved",
    (Status.PR_CHANGES_REQUESTED, Status.MERGED): "pr_merged",
    (Status.PR_CHANGES_REQUESTED, Status.CLOSED): "pr_closed",
    # A pull request merged on GitHub while a newer revision waited for portal review.
    (Status.SUBMITTED, Status.MERGED): "pr_merged",
    (Status.IN_REVIEW, Status.MERGED): "pr_merged",
    (Status.CLOSED, Status.PR_OPEN): "pr_reopened",
    (Status.CLOSED, Status.MERGED): "pr_merged",
    # Closed without merge: revise and resubmit (a new pull request after review), or give up.
    (Status.CLOSED, Status.SUBMITTED): "resubmitted_after_close",
    (Status.CLOSED, Status.ABANDONED): "abandoned",
    (Status.WITHDRAWN, Status.DRAFT): "restored",
}

# Moves that can mean more than one thing: the event names allowed besides the table's own.
EVENT_VARIANTS: dict[tuple[Status, Status], frozenset[str]] = {
    (Status.APPROVED, Status.PR_OPEN): frozenset({"pr_updated"}),
    (Status.PR_OPEN, Status.PR_CHANGES_REQUESTED): frozenset({"path_taken", "base_conflict"}),
}

TERMINAL: frozenset[Status] = frozenset({Status.MERGED, Status.REJECTED, Status.ABANDONED})
# Statuses in which the author may still change the content.
EDITABLE: frozenset[Status] = frozenset(
    {
        Status.DRAFT,
        Status.CHANGES_REQUESTED,
        Status.PR_OPEN,
        Status.PR_CHANGES_REQUESTED,
        Status.CLOSED,
    }
)
# Statuses in which the entry has (or had) a pull request that a new revision goes to.
ON_GITHUB: frozenset[Status] = frozenset(
    {Status.PR_OPEN, Status.PR_CHANGES_REQUESTED, Status.CLOSED}
)
# Statuses that sit in a reviewer's queue.
AWAITING_REVIEW: frozenset[Status] = frozenset({Status.SUBMITTED, Status.IN_REVIEW})


class IllegalTransition(ValueError):
    """A move the transition table does not allow."""

    def __init__(self, from_status: str, to_status: str) -> None:
        self.from_status = from_status
        self.to_status = to_status
        allowed = ", ".join(sorted(s.value for s in allowed_targets(from_status))) or "none"
        super().__init__(
            f"A contribution cannot move from '{from_status}' to '{to_status}' "
            f"(allowed from '{from_status}': {allowed})."
        )


def _as_status(value: str) -> Status | None:
    try:
        return Status(value)
    except ValueError:
        return None


def allowed_targets(from_status: str) -> frozenset[Status]:
    """Every status reachable in one move from `from_status`."""
    source = _as_status(from_status)
    return frozenset(to for (frm, to) in TRANSITIONS if frm == source)


def is_allowed(from_status: str, to_status: str) -> bool:
    """Whether the table allows this move."""
    source, target = _as_status(from_status), _as_status(to_status)
    return source is not None and target is not None and (source, target) in TRANSITIONS


def check_transition(from_status: str, to_status: str, event: str = "") -> str:
    """Return the audit event name of an allowed move, or raise IllegalTransition.

    `event` picks one of the move's variant names (EVENT_VARIANTS); anything else raises.
    """
    if not is_allowed(from_status, to_status):
        raise IllegalTransition(from_status, to_status)
    pair = (Status(from_status), Status(to_status))
    if event and event != TRANSITIONS[pair]:
        if event not in EVENT_VARIANTS.get(pair, frozenset()):
            raise ValueError(f"'{event}' is not an event of the move {pair[0]} -> {pair[1]}.")
        return event
    return TRANSITIONS[pair]
