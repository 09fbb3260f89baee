from django.urls import reverse

from doanket.core.models import Notification


def test_a_user_sees_and_opens_own_notifications(client_for, cast):
    item = Notification.objects.create(user=cast.editor, text="Báo cáo bị trả lại", url="/reports/")
    client = client_for(cast.editor)
    page = client.get(reverse("home")).content.decode()
    assert 'id="unread-count">1<' in page
    assert "Báo cáo bị trả lại" in client.get(reverse("core:notifications")).content.decode()
    response = client.post(reverse("core:notification_open", args=[item.pk]))
    assert response["Location"] == "/reports/"
    item.refresh_from_db()
    assert item.read_at is not None


def test_others_notifications_are_invisible_and_untouched(client_for, cast):
    item = Notification.objects.create(user=cast.editor, text="Riêng của biên tập", url="/")
    for user in (cast.viewer, cast.outsider):
        client = client_for(user)
        assert (
            "Riêng của biên tập" not in client.get(reverse("core:notifications")).content.decode()
        )
        client.post(reverse("core:notification_open", args=[item.pk]))
        client.post(reverse("core:notifications_read_all"))
    item.refresh_from_db()
    assert item.read_at is None


def test_an_outside_link_is_not_followed(client_for, cast):
    item = Notification.objects.create(user=cast.editor, text="Lạ", url="https://example.com/")
    response = client_for(cast.editor).post(reverse("core:notification_open", args=[item.pk]))
    assert response["Location"] == reverse("core:notifications")


def test_mark_all_read(client_for, cast):
    Notification.objects.create(user=cast.editor, text="Một")
    Notification.objects.create(user=cast.editor, text="Hai")
    client_for(cast.editor).post(reverse("core:notifications_read_all"))
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_notifications_need_a_login(client, db):
    assert client.get(reverse("core:notifications")).status_code == 302
