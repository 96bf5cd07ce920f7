"""Reads for the admin dashboard: where entries stand, throughput, waiting times, reviewer load,
failed background work, GitHub headroom, taxonomy sync and the audit log.

Everything is aggregated in the database: the query count does not depend on the data size.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    DateTimeField,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, TruncWeek
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from contributions import roles
from contributions.event_words import QUIET_EVENTS
from contributions.models import (
    Contribution,
    ContributionEvent,
    Review,
    ReviewClaim,
    ServiceStatus,
    TaskFailure,
    TaxonomyTree,
)
from contributions.workflow import AWAITING_REVIEW, Status

THROUGHPUT_WEEKS = 12
FIRST_REVIEW_DAYS = 90
REVIEWER_LOAD_DAYS = 30
FAILURES_SHOWN = 10
AUDIT_PAGE_SIZE = 50
# Series of the throughput chart: label -> audit events counted.
THROUGHPUT_SERIES: dict[str, tuple[str, ...]] = {
    "Submitted": ("submitted", "resubmitted"),
    "Approved": ("approved",),
    "Merged": ("pr_merged",),
}
# GitHub's primary limit, and the pipeline's own count against its secondary limits.
RATE_LIMIT_LABELS = {
    "core": "REST API (hourly)",
    "content_creating_60s": "Content-creating requests, per minute",
    "content_creating_3600s": "Content-creating requests, per hour",
}
WAITING_BUCKETS = [
    ("Under a day", 0, 1),
    ("1 to 3 days", 1, 3),
    ("3 to 7 days", 3, 7),
    ("Over a week", 7, None),
]


@dataclass
class Week:
    start: date
    counts: dict[str, int]


@dataclass
class Dashboard:
    by_status: list[dict[str, Any]]
    total: int
    weeks: list[Week]
    waiting_total: int
    waiting_buckets: list[dict[str, Any]]
    oldest_waiting: datetime | None
    first_review: dict[str, Any]
    reviewer_load: list[dict[str, Any]]
    failures: list[TaskFailure]
    failures_open: int
    rate_limit: dict[str, Any] | None
    taxonomy_trees: list[TaxonomyTree]
    recent_events: list[ContributionEvent]


def entries_by_status() -> tuple[list[dict[str, Any]], int]:
    counts = {
        row["status"]: row["n"]
        for row in Contribution.objects.order_by().values("status").annotate(n=Count("pk"))
    }
    rows = [{"status": s.value, "label": s.label, "count": counts.get(s.value, 0)} for s in Status]
    return rows, sum(counts.values())


def throughput_by_week(*, now: datetime, weeks: int = THROUGHPUT_WEEKS) -> list[Week]:
    """Entries submitted, approved and merged per calendar week (Monday first), oldest first."""
    this_monday = (now.astimezone(UTC) - timedelta(days=now.astimezone(UTC).weekday())).date()
    first = this_monday - timedelta(weeks=weeks - 1)
    start = datetime.combine(first, datetime.min.time(), tzinfo=UTC)
    event_to_series = {
        event: name for name, events in THROUGHPUT_SERIES.items() for event in events
    }
    rows = (
        ContributionEvent.objects.filter(created_at__gte=start, event__in=list(event_to_series))
        .annotate(week=TruncWeek("created_at", tzinfo=UTC))
        .order_by()
        .values("week", "event")
        .annotate(n=Count("pk"))
    )
    table = {first + timedelta(weeks=i): dict.fromkeys(THROUGHPUT_SERIES, 0) for i in range(weeks)}
    for row in rows:
        week = row["week"]
        week = week.date() if isinstance(week, datetime) else week
        if week in table:
            table[week][event_to_series[row["event"]]] += row["n"]
    return [Week(start=day, counts=counts) for day, counts in sorted(table.items())]


def waiting_entries(*, now: datetime) -> tuple[int, list[dict[str, Any]], datetime | None]:
    """How many entries wait for review, by how long, and since when the oldest waits."""
    aggregates: dict[str, Any] = {"total": Count("pk"), "oldest": Min("submitted_at")}
    for index, (_, at_least, less_than) in enumerate(WAITING_BUCKETS):
        condition = Q()
        if at_least:
            condition &= Q(submitted_at__lte=now - timedelta(days=at_least))
        if less_than:
            condition &= Q(submitted_at__gt=now - timedelta(days=less_than))
        aggregates[f"b{index}"] = Count("pk", filter=condition)
    result = Contribution.objects.filter(status__in=[s.value for s in AWAITING_REVIEW]).aggregate(
        **aggregates
    )
    buckets = [
        {"label": label, "count": result[f"b{index}"]}
        for index, (label, _, _) in enumerate(WAITING_BUCKETS)
    ]
    return result["total"], buckets, result["oldest"]


def first_review_seconds(*, now: datetime, days: int = FIRST_REVIEW_DAYS) -> list[float]:
    """Seconds from first submission to first decision, for entries first decided lately."""
    first_submitted = (
        ContributionEvent.objects.filter(contribution=OuterRef("pk"), event="submitted")
        .order_by("created_at")
        .values("created_at")[:1]
    )
    rows = (
        Contribution.objects.annotate(
            first_review=Min("reviews__created_at"),
            first_submitted=Subquery(first_submitted, output_field=DateTimeField()),
        )
        .filter(first_review__gte=now - timedelta(days=days), first_submitted__isnull=False)
        .values_list("first_submitted", "first_review")
    )
    seconds = [(review - submitted).total_seconds() for submitted, review in rows]
    return [value for value in seconds if value >= 0]


def time_to_first_review(*, now: datetime, days: int = FIRST_REVIEW_DAYS) -> dict[str, Any]:
    """Median and mean time from first submission to first decision, for recent entries."""
    hours = [value / 3600 for value in first_review_seconds(now=now, days=days)]
    if not hours:
        return {"count": 0, "median_hours": None, "mean_hours": None, "days": days}
    return {
        "count": len(hours),
        "median_hours": statistics.median(hours),
        "mean_hours": statistics.fmean(hours),
        "days": days,
    }


def reviewer_load(*, now: datetime, days: int = REVIEWER_LOAD_DAYS) -> list[dict[str, Any]]:
    """Each reviewer: entries they hold now, decisions lately, and their scopes (two queries)."""

    def counted(queryset: QuerySet, by: str) -> Coalesce:
        grouped = queryset.order_by().values(by).annotate(n=Count("pk")).values("n")
        return Coalesce(Subquery(grouped, output_field=IntegerField()), Value(0))

    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(groups__name__in=[roles.REVIEWER, roles.ADMIN]))
        .distinct()
        .select_related("profile")
        .prefetch_related("review_scopes")
        .annotate(
            holding=counted(
                ReviewClaim.objects.filter(reviewer=OuterRef("pk"), expires_at__gt=now),
                "reviewer",
            ),
            decided=counted(
                Review.objects.filter(
                    reviewer=OuterRef("pk"), created_at__gte=now - timedelta(days=days)
                ),
                "reviewer",
            ),
            approved=counted(
                Review.objects.filter(
                    reviewer=OuterRef("pk"),
                    created_at__gte=now - timedelta(days=days),
                    decision=Review.Decision.APPROVE,
                ),
                "reviewer",
            ),
        )
        .order_by("-holding", "-decided", "username")
    )
    rows = []
    for user in users:
        profile = getattr(user, "profile", None)
        rows.append(
            {
                "user": user,
                "username": user.get_username(),
                "name": profile.public_name if profile else user.get_username(),
                "holding": user.holding,
                "decided": user.decided,
                "approved": user.approved,
                "scopes": [s.path_prefix for s in user.review_scopes.all()],
            }
        )
    return rows


def _number(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _reset_time(value: Any) -> datetime | None:
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, tz=UTC)
    if isinstance(value, str):
        if value.isdigit():
            return datetime.fromtimestamp(int(value), tz=UTC)
        return parse_datetime(value)
    return None


def rate_limit_status() -> dict[str, Any] | None:
    """The pipeline's last reading of GitHub's rate limits, per resource; None if never reported.

    Accepts {"limit", "remaining", ...}, {"resources": {name: {...}}} or {name: {...}}.
    """
    row = ServiceStatus.objects.filter(key="github_rate_limit").first()
    if row is None or not isinstance(row.data, Mapping):
        return None
    data = row.data
    if isinstance(data.get("resources"), Mapping):
        sources = dict(data["resources"])
    elif "limit" in data or "remaining" in data:
        sources = {str(data.get("resource") or "core"): data}
    else:
        sources = {k: v for k, v in data.items() if isinstance(v, Mapping)}
    resources = []
    for name, values in sources.items():
        limit, remaining = _number(values.get("limit")), _number(values.get("remaining"))
        percent = round(100 * remaining / limit) if limit and remaining is not None else None
        resources.append(
            {
                "name": name,
                "label": RATE_LIMIT_LABELS.get(name, name.replace("_", " ")),
                "limit": limit,
                "remaining": remaining,
                "used": _number(values.get("used")),
                "reset_at": _reset_time(values.get("reset")),
                "percent": percent,
                "low": percent is not None and percent < 10,
            }
        )
    observed = data.get("observed_at")
    observed_at = parse_datetime(observed) if isinstance(observed, str) else None
    return {"updated_at": observed_at or row.updated_at, "resources": resources}


def dashboard_overview(*, now: datetime | None = None) -> Dashboard:
    """Everything the admin dashboard shows, in a fixed number of queries."""
    now = now or timezone.now()
    by_status, total = entries_by_status()
    waiting_total, buckets, oldest = waiting_entries(now=now)
    open_failures = TaskFailure.objects.filter(resolved_at__isnull=True)
    return Dashboard(
        by_status=by_status,
        total=total,
        weeks=throughput_by_week(now=now),
        waiting_total=waiting_total,
        waiting_buckets=buckets,
        oldest_waiting=oldest,
        first_review=time_to_first_review(now=now),
        reviewer_load=reviewer_load(now=now),
        failures=list(
            open_failures.select_related("contribution")
            .defer("contribution__draft", "contribution__validation_issues")
            .order_by("-created_at")[:FAILURES_SHOWN]
        ),
        failures_open=open_failures.count(),
        rate_limit=rate_limit_status(),
        taxonomy_trees=list(TaxonomyTree.objects.defer("folders").order_by("repo")),
        recent_events=list(
            ContributionEvent.objects.exclude(event__in=QUIET_EVENTS)
            .select_related("actor__profile", "contribution")
            .defer("contribution__draft", "contribution__validation_issues")
            .order_by("-created_at", "-pk")[:10]
        ),
    )


def task_failures_page(*, page_number: Any = 1, include_resolved: bool = False) -> Page:
    queryset = TaskFailure.objects.select_related("contribution").defer(
        "contribution__draft", "contribution__validation_issues"
    )
    if not include_resolved:
        queryset = queryset.filter(resolved_at__isnull=True)
    return Paginator(queryset.order_by("-created_at", "-pk"), AUDIT_PAGE_SIZE).get_page(page_number)


# --- the audit log ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditFilters:
    event: str = ""
    actor: str = ""
    contribution: int | None = None
    since: date | None = None
    until: date | None = None

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> AuditFilters:
        entry = str(params.get("contribution", "") or "").strip().lstrip("#")
        return cls(
            event=str(params.get("event", "") or "").strip()[:64],
            actor=str(params.get("actor", "") or "").strip()[:150],
            contribution=int(entry) if entry.isdigit() else None,
            since=parse_date(str(params.get("since", "") or "")) if params.get("since") else None,
            until=parse_date(str(params.get("until", "") or "")) if params.get("until") else None,
        )


def audit_events(*, filters: AuditFilters) -> QuerySet[ContributionEvent]:
    """The audit log, newest first, narrowed by event, actor, entry and dates."""
    queryset = ContributionEvent.objects.select_related("actor__profile", "contribution").defer(
        "contribution__draft", "contribution__validation_issues"
    )
    if filters.event:
        queryset = queryset.filter(event=filters.event)
    if filters.actor:
        if filters.actor.lower() in {"system", "portal"}:
            queryset = queryset.filter(actor__isnull=True)
        else:
            queryset = queryset.filter(actor__username__iexact=filters.actor)
    if filters.contribution is not None:
        queryset = queryset.filter(contribution_id=filters.contribution)
    if filters.since:
        queryset = queryset.filter(
            created_at__gte=datetime.combine(filters.since, datetime.min.time(), tzinfo=UTC)
        )
    if filters.until:
        queryset = queryset.filter(
            created_at__lt=datetime.combine(
                filters.until + timedelta(days=1), datetime.min.time(), tzinfo=UTC
            )
        )
    return queryset.order_by("-created_at", "-pk")


def audit_page(*, filters: AuditFilters, page_number: Any = 1) -> Page:
    return Paginator(audit_events(filters=filters), AUDIT_PAGE_SIZE).get_page(page_number)


def audit_event_names() -> list[str]:
    """Every event name in the log, for the filter's choices (one query on an indexed column)."""
    return sorted(ContributionEvent.objects.order_by().values_list("event", flat=True).distinct())
