"""API routes of the review area: review actions, statistics, notifications, admin."""

from django.urls import path

from .review import dashboard, decisions, failures, notifications, queue

urlpatterns = [
    path("review/queue/", queue.ReviewQueueView.as_view(), name="api-review-queue"),
    path("review/entries/<int:pk>/", queue.ReviewEntryView.as_view(), name="api-review-entry"),
    path("review/entries/<int:pk>/claim/", decisions.ClaimView.as_view(), name="api-review-claim"),
    path(
        "review/entries/<int:pk>/release/",
        decisions.ReleaseView.as_view(),
        name="api-review-release",
    ),
    path(
        "review/entries/<int:pk>/assign/", decisions.AssignView.as_view(), name="api-review-assign"
    ),
    path(
        "review/entries/<int:pk>/comments/",
        decisions.CommentView.as_view(),
        name="api-review-comment",
    ),
    path(
        "review/entries/<int:pk>/approve/",
        decisions.ApproveView.as_view(),
        name="api-review-approve",
    ),
    path(
        "review/entries/<int:pk>/request-changes/",
        decisions.RequestChangesView.as_view(),
        name="api-review-request-changes",
    ),
    path(
        "review/entries/<int:pk>/reject/", decisions.RejectView.as_view(), name="api-review-reject"
    ),
    path(
        "review/entries/<int:pk>/abandon/",
        decisions.AbandonView.as_view(),
        name="api-review-abandon",
    ),
    path("stats/dashboard/", dashboard.DashboardStatsView.as_view(), name="api-stats-dashboard"),
    path("stats/people/", dashboard.LeaderboardView.as_view(), name="api-stats-leaderboard"),
    path(
        "stats/people/<str:username>/",
        dashboard.ContributorStatsView.as_view(),
        name="api-stats-contributor",
    ),
    path("stats/credits/", dashboard.CreditsView.as_view(), name="api-stats-credits"),
    path("notifications/", notifications.NotificationsView.as_view(), name="api-notifications"),
    path(
        "notifications/read/",
        notifications.NotificationsReadView.as_view(),
        name="api-notifications-read",
    ),
    path(
        "admin/task-failures/", failures.TaskFailuresView.as_view(), name="api-admin-task-failures"
    ),
    path(
        "admin/task-failures/<int:pk>/retry/",
        failures.TaskFailureRetryView.as_view(),
        name="api-admin-task-failure-retry",
    ),
    path("admin/audit/", dashboard.AuditLogView.as_view(), name="api-admin-audit"),
]
