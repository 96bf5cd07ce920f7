"""API routes of the review area: review actions, statistics, notifications, admin."""

from django.urls import path

from . import review

urlpatterns = [
    path("review/queue/", review.ReviewQueueView.as_view(), name="api-review-queue"),
    path("review/entries/<int:pk>/", review.ReviewEntryView.as_view(), name="api-review-entry"),
    path("review/entries/<int:pk>/claim/", review.ClaimView.as_view(), name="api-review-claim"),
    path(
        "review/entries/<int:pk>/release/", review.ReleaseView.as_view(), name="api-review-release"
    ),
    path("review/entries/<int:pk>/assign/", review.AssignView.as_view(), name="api-review-assign"),
    path(
        "review/entries/<int:pk>/comments/", review.CommentView.as_view(), name="api-review-comment"
    ),
    path(
        "review/entries/<int:pk>/approve/", review.ApproveView.as_view(), name="api-review-approve"
    ),
    path(
        "review/entries/<int:pk>/request-changes/",
        review.RequestChangesView.as_view(),
        name="api-review-request-changes",
    ),
    path("review/entries/<int:pk>/reject/", review.RejectView.as_view(), name="api-review-reject"),
    path("stats/dashboard/", review.DashboardStatsView.as_view(), name="api-stats-dashboard"),
    path("stats/people/", review.LeaderboardView.as_view(), name="api-stats-leaderboard"),
    path(
        "stats/people/<str:username>/",
        review.ContributorStatsView.as_view(),
        name="api-stats-contributor",
    ),
    path("stats/credits/", review.CreditsView.as_view(), name="api-stats-credits"),
    path("notifications/", review.NotificationsView.as_view(), name="api-notifications"),
    path(
        "notifications/read/", review.NotificationsReadView.as_view(), name="api-notifications-read"
    ),
    path("admin/task-failures/", review.TaskFailuresView.as_view(), name="api-admin-task-failures"),
    path(
        "admin/task-failures/<int:pk>/retry/",
        review.TaskFailureRetryView.as_view(),
        name="api-admin-task-failure-retry",
    ),
    path("admin/audit/", review.AuditLogView.as_view(), name="api-admin-audit"),
]
