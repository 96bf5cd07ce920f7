"""Routes of the review area: the queue and review page, people, notifications, the dashboard."""

from django.urls import path, re_path

from contributions.views import dashboard, notifications, people, review

urlpatterns = [
    path("review/", review.queue, name="review-queue"),
    path("review/<int:pk>/", review.detail, name="review-detail"),
    path("review/<int:pk>/claim/", review.claim, name="review-claim"),
    path("review/<int:pk>/release/", review.release, name="review-release"),
    path("review/<int:pk>/assign/", review.assign, name="review-assign"),
    path("review/<int:pk>/comment/", review.comment, name="review-comment"),
    path("review/<int:pk>/decide/", review.decide, name="review-decide"),
    path("review/<int:pk>/recheck/", review.recheck, name="review-recheck"),
    path("review/<int:pk>/abandon/", review.abandon, name="review-abandon"),
    path("people/", people.board, name="leaderboard"),
    path("people/leaderboard-choice/", people.leaderboard_choice, name="leaderboard-choice"),
    path("people/<str:username>/", people.status, name="contributor-status"),
    path("notifications/", notifications.index, name="notifications"),
    path("notifications/read/", notifications.mark_read, name="notifications-read"),
    path("notifications/<int:pk>/", notifications.open_notification, name="notification-open"),
    path("dashboard/", dashboard.dashboard, name="admin-dashboard"),
    path("dashboard/audit/", dashboard.audit, name="admin-audit"),
    path("dashboard/failures/", dashboard.failures, name="admin-failures"),
    path("dashboard/failures/<int:pk>/retry/", dashboard.failure_retry, name="admin-failure-retry"),
    path(
        "dashboard/failures/<int:pk>/resolve/",
        dashboard.failure_resolve,
        name="admin-failure-resolve",
    ),
    path("dashboard/reviewers/", dashboard.reviewers, name="admin-reviewers"),
    path(
        "dashboard/reviewers/scopes/<int:pk>/remove/",
        dashboard.reviewer_scope_remove,
        name="admin-scope-remove",
    ),
    re_path(
        r"^dashboard/credits\.(?P<fmt>csv|json)$", dashboard.credits_export, name="credits-export"
    ),
]
