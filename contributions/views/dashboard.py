"""The admin dashboard, the audit log, failed background work, reviewers' scopes and credits."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from contributions import permissions
from contributions.selectors.dashboard import (
    THROUGHPUT_SERIES,
    AuditFilters,
    Week,
    audit_event_names,
    audit_page,
    dashboard_overview,
    task_failures_page,
)
from contributions.selectors.people import CREDIT_FIELDS, credits_rows
from contributions.selectors.review import eligible_reviewers
from contributions.services import admin_ops
from contributions.services.core import ServiceError

from .review import forbidden

SERIES_COLOURS = {"Submitted": "#64748b", "Approved": "#2563eb", "Merged": "#15803d"}


def _admin_required(request: HttpRequest) -> HttpResponse | None:
    if not permissions.can_assign_reviews(request.user):
        return forbidden(request, "The dashboard is for the portal's admins.")
    return None


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    label: str


@dataclass
class Chart:
    width: int
    height: int
    bars: list[Bar]
    ticks: list[tuple[float, int]]
    x_labels: list[tuple[float, str]]
    legend: list[tuple[str, str]]
    plot_left: int
    plot_right: int
    plot_bottom: int


def throughput_chart(weeks: list[Week], *, width: int = 720, height: int = 240) -> Chart:
    """Grouped bars per week as SVG geometry: drawn on the server, no script needed."""
    left, right, top, bottom = 36, 8, 12, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    series = list(THROUGHPUT_SERIES)
    peak = max([1] + [week.counts[name] for week in weeks for name in series])
    step = max(1, -(-peak // 4))  # four gridlines, whole numbers
    top_value = step * 4
    group = plot_w / max(1, len(weeks))
    bar_w = group * 0.8 / len(series)
    bars, x_labels = [], []
    for index, week in enumerate(weeks):
        x0 = left + index * group + group * 0.1
        for position, name in enumerate(series):
            value = week.counts[name]
            bar_h = plot_h * value / top_value
            bars.append(
                Bar(
                    x=round(x0 + position * bar_w, 1),
                    y=round(top + plot_h - bar_h, 1),
                    width=round(bar_w - 1, 1),
                    height=round(bar_h, 1),
                    colour=SERIES_COLOURS[name],
                    label=f"{name}: {value} in the week of {week.start:%d %b}",
                )
            )
        if index % 2 == 0 or len(weeks) <= 6:
            x_labels.append((round(left + index * group + group / 2, 1), f"{week.start:%d %b}"))
    ticks = [(round(top + plot_h - plot_h * i / 4, 1), step * i) for i in range(5)]
    return Chart(
        width=width,
        height=height,
        bars=bars,
        ticks=ticks,
        x_labels=x_labels,
        legend=[(name, SERIES_COLOURS[name]) for name in series],
        plot_left=left,
        plot_right=width - right,
        plot_bottom=top + plot_h,
    )


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    denied = _admin_required(request)
    if denied:
        return denied
    data = dashboard_overview()
    peak_status = max([row["count"] for row in data.by_status] + [1])
    peak_waiting = max([row["count"] for row in data.waiting_buckets] + [1])
    return render(
        request,
        "dashboard/dashboard.html",
        {
            "data": data,
            "chart": throughput_chart(data.weeks),
            "series": list(THROUGHPUT_SERIES),
            "peak_status": peak_status,
            "peak_waiting": peak_waiting,
            "now": timezone.now(),
        },
    )


@login_required
@require_GET
def audit(request: HttpRequest) -> HttpResponse:
    denied = _admin_required(request)
    if denied:
        return denied
    filters = AuditFilters.from_params(request.GET)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "dashboard/audit.html",
        {
            "page": audit_page(filters=filters, page_number=request.GET.get("page")),
            "filters": filters,
            "event_names": audit_event_names(),
            "query": query.urlencode(),
        },
    )


@login_required
@require_GET
def failures(request: HttpRequest) -> HttpResponse:
    denied = _admin_required(request)
    if denied:
        return denied
    include_resolved = request.GET.get("all") == "1"
    return render(
        request,
        "dashboard/failures.html",
        {
            "page": task_failures_page(
                page_number=request.GET.get("page"), include_resolved=include_resolved
            ),
            "include_resolved": include_resolved,
        },
    )


def _report(request: HttpRequest, action: Callable[[], Any], success: Callable[[Any], str]) -> None:
    """Run a service call and tell the admin how it went, in a message on the next page."""
    try:
        result = action()
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success(result))


def _after_failure_action(request: HttpRequest) -> HttpResponse:
    return redirect(
        "admin-failures" if request.POST.get("next") == "failures" else "admin-dashboard"
    )


@login_required
@require_POST
def failure_retry(request: HttpRequest, pk: int) -> HttpResponse:
    denied = _admin_required(request)
    if denied:
        return denied
    _report(
        request,
        lambda: admin_ops.task_failure_retry(failure_id=pk, actor=request.user),
        lambda failure: f"'{failure.task_name}' was queued again.",
    )
    return _after_failure_action(request)


@login_required
@require_POST
def failure_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    denied = _admin_required(request)
    if denied:
        return denied
    _report(
        request,
        lambda: admin_ops.task_failure_resolve(failure_id=pk, actor=request.user),
        lambda _: "Marked as resolved.",
    )
    return _after_failure_action(request)


@login_required
def reviewers(request: HttpRequest) -> HttpResponse:
    """Who reviews what: each reviewer's taxonomy folders, added and removed here."""
    denied = _admin_required(request)
    if denied:
        return denied
    if request.method == "POST":
        reviewer = get_user_model().objects.filter(username=request.POST.get("reviewer")).first()
        try:
            if reviewer is None:
                raise ServiceError("Choose a reviewer.")
            scope = admin_ops.reviewer_scope_add(
                reviewer=reviewer,
                path_prefix=request.POST.get("path_prefix", ""),
                actor=request.user,
            )
        except ServiceError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"{reviewer.get_username()} now reviews {scope.path_prefix}.")
        return redirect("admin-reviewers")
    return render(request, "dashboard/reviewers.html", {"reviewers": eligible_reviewers()})


@login_required
@require_POST
def reviewer_scope_remove(request: HttpRequest, pk: int) -> HttpResponse:
    denied = _admin_required(request)
    if denied:
        return denied
    _report(
        request,
        lambda: admin_ops.reviewer_scope_remove(scope_id=pk, actor=request.user),
        lambda _: "Scope removed.",
    )
    return redirect("admin-reviewers")


def credits_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    # RFC 4180 line ends: the writer then quotes any value holding a CR or LF.
    writer = csv.DictWriter(out, fieldnames=CREDIT_FIELDS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: spreadsheet_safe(v) for k, v in row.items()})
    return out.getvalue()


# A cell starting with one of these would run as a formula in a spreadsheet (OWASP CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """Prefix an apostrophe to text a spreadsheet would read as a formula; leave the rest alone."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


@login_required
@require_GET
def credits_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """Who contributed what, as CSV or JSON, for release notes and thanks."""
    denied = _admin_required(request)
    if denied:
        return denied
    rows = credits_rows()
    stamp = timezone.now().strftime("%Y%m%d")
    if fmt == "csv":
        response = HttpResponse(credits_csv(rows), content_type="text/csv; charset=utf-8")
    else:
        body = json.dumps(
            {"generated_at": timezone.now(), "credits": rows}, cls=DjangoJSONEncoder, indent=2
        )
        response = HttpResponse(body, content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="cephportal-credits-{stamp}.{fmt}"'
    return response
