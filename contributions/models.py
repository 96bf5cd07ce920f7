"""The data model of cephportal.

A Contribution is one taxonomy entry (a skill or a knowledge entry) on its way to the taxonomy
repo. While the author edits, the working copy lives in `Contribution.draft`; each submit freezes
it into an immutable Revision. Reviews and pull requests point at the revision they concern.
Status changes only through `contributions.services` (see `workflow.py` for the allowed moves).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q

from .workflow import Status


class ImmutableError(RuntimeError):
    """Raised when code tries to change or delete a row that is append-only."""


class AppendOnlyModel(models.Model):
    """A row that may be created, never changed or deleted (revisions, the audit log)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ImmutableError(f"{type(self).__name__} rows are immutable once written.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError(f"{type(self).__name__} rows cannot be deleted.")


class ContributorProfile(models.Model):
    """Who a contributor is to the portal and to git."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    display_name = models.CharField(max_length=150, blank=True)
    commit_name = models.CharField(
        max_length=150, blank=True, help_text="Name used as git author; display name if empty."
    )
    commit_email = models.EmailField(
        blank=True, help_text="E-mail used as git author; the portal's noreply address if empty."
    )
    github_handle = models.CharField(max_length=39, blank=True)
    dco_consented_at = models.DateTimeField(null=True, blank=True)
    dco_version = models.CharField(max_length=20, blank=True)
    show_on_leaderboard = models.BooleanField(default=False)
    # When the account's e-mail address was confirmed by its link; entries wait for it.
    email_verified_at = models.DateTimeField(null=True, blank=True)
    # From a GitHub sign-in: the address GitHub credits the account under, and whether the person
    # chose to sign their entries with it (GitHub then shows them as the commits' author).
    github_noreply_email = models.EmailField(blank=True)
    credit_github_noreply = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.public_name

    @property
    def public_name(self) -> str:
        return self.display_name or self.user.get_username()

    @property
    def noreply_email(self) -> str:
        return f"{self.user_id}+{self.user.get_username()}@{settings.NOREPLY_EMAIL_DOMAIN}"

    @property
    def commit_identity(self) -> tuple[str, str]:
        """The (name, email) pair that authors this contributor's commits."""
        if self.credit_github_noreply and self.github_noreply_email:
            return (self.commit_name or self.public_name, self.github_noreply_email)
        return (self.commit_name or self.public_name, self.commit_email or self.noreply_email)

    @property
    def has_dco_consent(self) -> bool:
        return self.dco_consented_at is not None and self.dco_version == settings.DCO_VERSION


class Contribution(models.Model):
    """One skill or knowledge entry, from first draft to merged pull request."""

    class Kind(models.TextChoices):
        SKILL = "skill", "Skill"
        KNOWLEDGE = "knowledge", "Knowledge"

    class Validation(models.TextChoices):
        PENDING = "pending", "Not checked yet"
        PASSED = "passed", "Passes the checks"
        FAILED = "failed", "Has problems"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="contributions"
    )
    summary = models.CharField(max_length=200, blank=True)
    taxonomy_path = models.CharField(
        max_length=400, blank=True, help_text="Folder of the entry, e.g. knowledge/technology/ceph"
    )
    status = models.CharField(
        max_length=32,
        choices=[(s.value, s.label) for s in Status],
        default=Status.DRAFT.value,
        db_index=True,
    )
    # The editable working copy: the taxonomy entry and its attribution as JSON.
    draft = models.JSONField(default=dict, blank=True)
    draft_version = models.PositiveIntegerField(default=0)
    draft_saved_at = models.DateTimeField(null=True, blank=True)
    current_revision = models.ForeignKey(
        "Revision", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    validation_state = models.CharField(
        max_length=16, choices=Validation.choices, default=Validation.PENDING, db_index=True
    )
    validation_issues = models.JSONField(default=list, blank=True)
    validated_at = models.DateTimeField(null=True, blank=True)
    # Content quality (grounding, near-duplicates): warnings with evidence, apart from validation.
    quality_findings = models.JSONField(default=list, blank=True)
    quality_warnings = models.PositiveIntegerField(default=0, db_index=True)
    # Set when an approved revision is handed to the pull-request pipeline (once per revision);
    # also the commit date of that revision's commit, so a rerun makes the same commit.
    handed_over_at = models.DateTimeField(null=True, blank=True)
    pipeline_error = models.TextField(blank=True)
    # Set by the periodic re-check when an entry that passed no longer does (new rules, new
    # taxonomy); cleared when it passes again.
    checks_regressed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["status", "submitted_at"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.summary or '(untitled)'}"

    @property
    def status_label(self) -> str:
        return Status(self.status).label

    @property
    def qna_path(self) -> str:
        return f"{self.taxonomy_path.strip('/')}/qna.yaml" if self.taxonomy_path else ""


class Revision(AppendOnlyModel):
    """An immutable snapshot of a contribution's content, made at each submit."""

    contribution = models.ForeignKey(
        Contribution, on_delete=models.CASCADE, related_name="revisions"
    )
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=Contribution.Kind.choices)
    taxonomy_path = models.CharField(max_length=400)
    summary = models.CharField(max_length=200)
    content = models.JSONField(help_text="The taxonomy entry (qna.yaml data) as JSON.")
    attribution = models.JSONField(default=dict, blank=True)
    content_sha256 = models.CharField(max_length=64)
    # Whether the folder already held a qna.yaml (in the synced taxonomy) when this revision was
    # submitted: the author knowingly replaces it. Otherwise a qna.yaml found there upstream
    # means someone else took the folder.
    replaces_existing = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["contribution", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["contribution", "number"], name="revision_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.contribution_id} r{self.number}"


class KnowledgeDocument(models.Model):
    """A markdown document behind a knowledge entry, stored by the portal.

    Rows without a revision are the draft's working set; submit copies them onto the new
    revision, and those copies are never changed.
    """

    contribution = models.ForeignKey(
        Contribution, on_delete=models.CASCADE, related_name="documents"
    )
    revision = models.ForeignKey(
        Revision, on_delete=models.CASCADE, null=True, blank=True, related_name="documents"
    )
    filename = models.CharField(max_length=200)
    content = models.TextField()
    sha256 = models.CharField(max_length=64, editable=False)
    size = models.PositiveIntegerField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["filename"]
        constraints = [
            models.UniqueConstraint(
                fields=["contribution", "filename"],
                condition=Q(revision__isnull=True),
                name="draft_document_filename_unique",
            ),
            models.UniqueConstraint(
                fields=["revision", "filename"], name="revision_document_filename_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.filename

    def save(self, *args, **kwargs):
        if self.pk is not None and self.revision_id is not None:
            frozen = type(self).objects.filter(pk=self.pk, revision__isnull=False).exists()
            if frozen:
                raise ImmutableError("Documents of a submitted revision cannot change.")
        data = self.content.encode("utf-8")
        self.sha256 = hashlib.sha256(data).hexdigest()
        self.size = len(data)
        super().save(*args, **kwargs)


class Review(models.Model):
    """A reviewer's decision on one revision."""

    class Decision(models.TextChoices):
        APPROVE = "approve", "Approved"
        REQUEST_CHANGES = "request_changes", "Changes requested"
        REJECT = "reject", "Rejected"

    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="reviews")
    revision = models.ForeignKey(Revision, on_delete=models.PROTECT, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews"
    )
    decision = models.CharField(max_length=20, choices=Decision.choices)
    reason = models.TextField(blank=True)
    # A later revision clears approvals: they stay for the record but stop counting.
    is_current = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["revision", "reviewer"],
                condition=Q(decision="approve"),
                name="one_approval_per_reviewer_and_revision",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} by {self.reviewer} on {self.revision}"


class Comment(models.Model):
    """A comment on an entry, optionally on one seed example; also maintainers' GitHub feedback."""

    contribution = models.ForeignKey(
        Contribution, on_delete=models.CASCADE, related_name="comments"
    )
    revision = models.ForeignKey(
        Revision, on_delete=models.PROTECT, null=True, blank=True, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    external_author = models.CharField(max_length=100, blank=True, help_text="GitHub login")
    external_id = models.CharField(max_length=100, blank=True)
    seed_index = models.PositiveIntegerField(null=True, blank=True)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    # Issue 12: a maintainer's inline comment on a line of the PR's files, and the field of the
    # entry that line holds ("seed example 2, answer"); withdrawn: dismissed or deleted on GitHub.
    github_path = models.CharField(max_length=300, blank=True)
    github_line = models.PositiveIntegerField(null=True, blank=True)
    field_label = models.CharField(max_length=120, blank=True)
    withdrawn = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["contribution", "external_id"],
                condition=~Q(external_id=""),
                name="comment_external_id_unique",
            )
        ]

    def __str__(self) -> str:
        return f"comment on {self.contribution_id}"


class ContributionEvent(AppendOnlyModel):
    """The append-only audit log: every state change and every write, who did it, when."""

    contribution = models.ForeignKey(
        Contribution, on_delete=models.CASCADE, related_name="events", null=True, blank=True
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for the system (a worker or a webhook).",
    )
    event = models.CharField(max_length=64, db_index=True)
    from_status = models.CharField(max_length=32, blank=True)
    to_status = models.CharField(max_length=32, blank=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.event} on {self.contribution_id}"


class PullRequest(models.Model):
    """A GitHub pull request of an entry; `revision` is the revision its branch holds now.

    Later revisions are pushed to the same pull request as new commits (PullRequestCommit);
    after a close without merge, a resubmitted entry gets a new pull request (`follows`).
    """

    class State(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"
        MERGED = "merged", "Merged"

    class Conflict(models.TextChoices):
        NONE = "", "None"
        CONFLICT = "conflict", "Conflicts with the base branch"
        PATH_TAKEN = "path_taken", "Another entry took the folder"

    contribution = models.ForeignKey(
        Contribution, on_delete=models.CASCADE, related_name="pull_requests"
    )
    revision = models.ForeignKey(Revision, on_delete=models.PROTECT, related_name="+")
    follows = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="followed_by"
    )
    # GitHub's word on merging into the base: None while unknown (GitHub computes it lazily).
    mergeable = models.BooleanField(null=True, blank=True)
    conflict = models.CharField(max_length=16, choices=Conflict.choices, blank=True, default="")
    conflict_noticed_at = models.DateTimeField(null=True, blank=True)
    # When a rebase was asked for: the commit date of the recreated commit (same on a rerun).
    rebase_requested_at = models.DateTimeField(null=True, blank=True)
    repo = models.CharField(max_length=200)
    number = models.PositiveIntegerField()
    url = models.URLField(max_length=500)
    branch = models.CharField(max_length=255)
    head_sha = models.CharField(max_length=40, blank=True)
    docs_commit_sha = models.CharField(max_length=40, blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.OPEN)
    merged_at = models.DateTimeField(null=True, blank=True)
    etag = models.CharField(max_length=200, blank=True)
    # ETags of its reviews and comments, so a reconcile asks "anything new?" for free.
    reviews_etag = models.CharField(max_length=200, blank=True)
    comments_etag = models.CharField(max_length=200, blank=True)
    review_comments_etag = models.CharField(max_length=200, blank=True)
    # GitHub's updated_at as last read: the reconcile's one list call compares it (issue 12).
    remote_updated_at = models.DateTimeField(null=True, blank=True)
    last_synced_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["repo", "number"], name="pull_request_unique"),
            models.UniqueConstraint(fields=["revision"], name="one_pull_request_per_revision"),
        ]

    def __str__(self) -> str:
        return f"{self.repo}#{self.number}"


class PullRequestCommit(models.Model):
    """A commit the portal put on a pull request's branch, and why."""

    class Reason(models.TextChoices):
        OPENED = "opened", "Opened the pull request"
        REVISION = "revision", "New revision"
        REBASE = "rebase", "Brought up to date with the base branch"

    pull_request = models.ForeignKey(PullRequest, on_delete=models.CASCADE, related_name="commits")
    revision = models.ForeignKey(Revision, on_delete=models.PROTECT, related_name="+")
    sha = models.CharField(max_length=40)
    reason = models.CharField(max_length=16, choices=Reason.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["pull_request", "sha"], name="pull_request_commit_once")
        ]

    def __str__(self) -> str:
        return f"{self.pull_request} {self.sha[:7]} ({self.reason})"


class ReviewerScope(models.Model):
    """Limits a reviewer to entries under some taxonomy path prefixes (none: everywhere)."""

    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_scopes"
    )
    path_prefix = models.CharField(max_length=400)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["reviewer", "path_prefix"], name="reviewer_scope_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} → {self.path_prefix}"


class ReviewClaim(models.Model):
    """A reviewer's claim on an entry, so two reviewers don't do the same work; it expires."""

    contribution = models.OneToOneField(
        Contribution, on_delete=models.CASCADE, related_name="claim"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_claims"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    expires_at = models.DateTimeField(db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.reviewer} claims {self.contribution_id}"


class Notification(models.Model):
    """Something a person should know about; shown in the portal and maybe e-mailed."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40, db_index=True)
    contribution = models.ForeignKey(
        Contribution, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    message = models.TextField()
    url = models.CharField(max_length=500, blank=True)
    dedupe_key = models.CharField(max_length=200, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="notification_dedupe_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient}"


class NotificationPreference(models.Model):
    """Per person and per kind of notification: in the portal, by e-mail, or neither."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=40)
    in_portal = models.BooleanField(default=True)
    by_email = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.kind}"


class TaskFailure(models.Model):
    """A background task that failed for good; admins see it and may retry it."""

    task_name = models.CharField(max_length=200)
    task_args = models.JSONField(default=list, blank=True)
    contribution = models.ForeignKey(
        Contribution, on_delete=models.CASCADE, null=True, blank=True, related_name="failures"
    )
    error = models.TextField()
    permanent = models.BooleanField(default=True)
    attempts = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    retried_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.task_name} failed"


class WebhookDelivery(models.Model):
    """A GitHub webhook delivery, kept so a redelivery is recognised and ignored."""

    delivery_id = models.CharField(max_length=100, unique=True)
    event = models.CharField(max_length=60)
    action = models.CharField(max_length=60, blank=True)
    repo = models.CharField(max_length=200, blank=True)
    pr_number = models.PositiveIntegerField(null=True, blank=True)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name_plural = "webhook deliveries"

    def __str__(self) -> str:
        return f"{self.event} {self.delivery_id}"


class TaxonomyTree(models.Model):
    """The folder tree of the target taxonomy, as last synced from its repository."""

    repo = models.CharField(max_length=200, unique=True)
    branch = models.CharField(max_length=200)
    commit_sha = models.CharField(max_length=40, blank=True)
    # {"compositional_skills/...": {"has_qna": true}, ...}: every folder under the two roots.
    folders = models.JSONField(default=dict, blank=True)
    synced_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.repo}@{self.commit_sha[:7]}"


class ServiceStatus(models.Model):
    """Latest reading of an outside service (e.g. GitHub rate-limit headroom), for the dashboard."""

    key = models.CharField(max_length=100, unique=True)
    data = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "service statuses"

    def __str__(self) -> str:
        return self.key


class TaxonomyEntryText(models.Model):
    """One qna.yaml of the synced taxonomy, as the near-duplicate index holds it.

    `signatures` are the MinHash rows of `texts` (in order), so a process builds its index
    from stored numbers instead of hashing the whole taxonomy again.
    """

    repo = models.CharField(max_length=200)
    path = models.CharField(max_length=400)
    blob_sha = models.CharField(max_length=40)
    kind = models.CharField(max_length=16)
    # [{"field": "question", "seed": 1, "qa": 2, "text": "..."}, ...]
    texts = models.JSONField(default=list, blank=True)
    signatures = models.BinaryField(default=b"")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["repo", "path"], name="taxonomy_entry_text_unique")
        ]

    def __str__(self) -> str:
        return self.path


class DocumentConversion(models.Model):
    """An uploaded PDF, Word, PowerPoint or HTML file, and the markdown made from it.

    The original is kept; the markdown is shown for correction and becomes a KnowledgeDocument
    only when the contributor accepts it.
    """

    class State(models.TextChoices):
        PENDING = "pending", "Waiting to be converted"
        CONVERTING = "converting", "Converting"
        READY = "ready", "Ready to check"
        FAILED = "failed", "Could not be converted"
        USED = "used", "Added as a document"

    contribution = models.ForeignKey(
        Contribution, on_delete=models.CASCADE, related_name="conversions"
    )
    filename = models.CharField(max_length=200)
    original = models.BinaryField()
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    pages = models.PositiveIntegerField(null=True, blank=True)
    markdown = models.TextField(blank=True)
    error = models.TextField(blank=True)
    document = models.ForeignKey(
        KnowledgeDocument, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.filename

    @property
    def markdown_name(self) -> str:
        """The document name the markdown gets: the original's, ending in .md."""
        stem = self.filename.rsplit(".", 1)[0] if "." in self.filename else self.filename
        return f"{stem}.md"
