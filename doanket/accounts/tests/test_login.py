from django.urls import reverse

from doanket.conftest import PASSWORD
from doanket.core.models import AuditEvent

LOGIN = "/accounts/login/"


def test_the_login_page_is_vietnamese(client, db):
    response = client.get(LOGIN)
    assert "Đăng nhập" in response.content.decode()


def test_a_good_password_logs_in_and_is_audited(client, cast):
    response = client.post(LOGIN, {"username": "viewer", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert AuditEvent.objects.filter(action="login.ok", actor=cast.viewer).exists()


def test_a_wrong_password_gets_a_vietnamese_message_and_is_audited(client, cast):
    response = client.post(LOGIN, {"username": "viewer", "password": "sai"})
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()
    assert AuditEvent.objects.filter(action="login.failed", username="viewer").count() == 1


def test_repeated_failures_are_slowed_down(client, cast, settings):
    settings.LOGIN_FAILURES_BEFORE_DELAY = 3
    for _ in range(3):
        client.post(LOGIN, {"username": "viewer", "password": "sai"})
    response = client.post(LOGIN, {"username": "viewer", "password": PASSWORD})
    assert "Bạn đã đăng nhập sai nhiều lần" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_empty_fields_are_refused_in_vietnamese(client, db):
    response = client.post(LOGIN, {"username": "", "password": ""})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_pages_need_a_login(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and LOGIN in response["Location"]
