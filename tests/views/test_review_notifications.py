"""The notifications page, marking read, and the unread badge in the navigation."""

import pytest
from django.urls import reverse

from contributions.models import Notification
from contributions.services.notifications import notify


@pytest.mark.django_db
def test_notifications_list_open_and_mark_read(client, contributor):
    # given two notifications
    first = notify(recipient=contributor, kind="decision", message="Approved!", url="/review/1/")
    notify(recipient=contributor, kind="comment", message="A comment")
    client.force_login(contributor)
    # when the page is opened / then both show, unread
    page = client.get(reverse("notifications"))
    assert page.status_code == 200
    assert "Approved!" in page.content.decode() and page.context["unread"] == 2
    # when one is opened / then it is read and the browser goes where it points
    opened = client.get(reverse("notification-open", args=[first.pk]))
    assert opened.status_code == 302 and opened.url == "/review/1/"
    assert Notification.objects.filter(read_at__isnull=True).count() == 1
    # when all are marked read / then none is unread
    client.post(reverse("notifications-read"))
    assert not Notification.objects.filter(read_at__isnull=True).exists()


@pytest.mark.django_db
def test_nobody_opens_someone_elses_notification(client, contributor, other_contributor):
    note = notify(recipient=other_contributor, kind="decision", message="x")
    client.force_login(contributor)
    assert client.get(reverse("notification-open", args=[note.pk])).status_code == 404
    client.post(reverse("notifications-read"), {"id": [note.pk]})
    note.refresh_from_db()
    assert note.read_at is None


@pytest.mark.django_db
def test_the_unread_badge_costs_one_query(client, contributor, django_assert_num_queries):
    # given three unread notifications
    for n in range(3):
        notify(recipient=contributor, kind="comment", message=f"m{n}")
    client.force_login(contributor)
    # when any page renders / then the nav shows the count
    response = client.get(reverse("home"))
    nav = {item["name"]: item for item in response.context["portal"]["nav"]}
    assert nav["notifications"]["badge"] == 3
    assert 'aria-label="3 unread"' in response.content.decode()
    # and the badge itself is one COUNT query
    from contributions.context_processors import _unread_notifications

    with django_assert_num_queries(1):
        assert _unread_notifications(contributor) == 3
