from django.urls import reverse

from doanket.accounts.models import Membership, Role, User


def test_home_lists_the_users_units_and_roles(client_for, cast):
    page = client_for(cast.editor).get(reverse("home")).content.decode()
    assert "Phường Cẩm Giàng" in page and "Nhập liệu" in page
    assert "Quản lý người dùng" not in page


def test_home_of_an_admin_offers_user_management(client_for, cast):
    assert "Quản lý người dùng" in client_for(cast.admin).get(reverse("home")).content.decode()


def test_search_finds_units_and_people_without_diacritics(client_for, cast):
    page = client_for(cast.admin).get(reverse("search"), {"q": "nhap"}).content.decode()
    assert "Lê Văn Nhập" in page
    page = client_for(cast.admin).get(reverse("search"), {"q": "doan ket"}).content.decode()
    assert "Xã Đoàn Kết" in page


def test_search_by_the_outsider_finds_nothing_of_the_sibling(client_for, cast):
    page = client_for(cast.outsider).get(reverse("search"), {"q": "nhap"}).content.decode()
    assert "Lê Văn Nhập" not in page
    page = client_for(cast.outsider).get(reverse("search"), {"q": "cam"}).content.decode()
    assert "Cẩm" not in page


def test_an_over_long_search_is_refused(client_for, cast):
    response = client_for(cast.viewer).get(reverse("search"), {"q": "x" * 101})
    assert response.status_code == 200 and "100" in response.content.decode()


def test_user_list_for_an_admin(client_for, cast):
    page = client_for(cast.admin).get(reverse("accounts:user_list")).content.decode()
    assert "Lê Văn Nhập" in page and "Đỗ Văn Ngoài" in page


def test_user_list_of_the_outsider_shows_only_its_people(client_for, cast):
    page = client_for(cast.outsider).get(reverse("accounts:user_list")).content.decode()
    assert "Lê Văn Nhập" not in page and "Đỗ Văn Ngoài" in page


def test_user_pages_are_not_found_for_a_read_only_role(client_for, cast):
    client = client_for(cast.viewer)
    assert client.get(reverse("accounts:user_list")).status_code == 404
    assert client.get(reverse("accounts:user_create")).status_code == 404
    assert client.get(reverse("accounts:user_detail", args=[cast.editor.pk])).status_code == 404


def test_the_outsider_cannot_open_a_user_of_the_sibling(client_for, cast):
    url = reverse("accounts:user_detail", args=[cast.editor.pk])
    assert client_for(cast.outsider).get(url).status_code == 404


def new_user_form(target, **overrides):
    data = {
        "username": "canbo_moi",
        "full_name": "Nguyễn Thị Mới",
        "password": "mot-mat-khau-dai",
        "role": Role.EDITOR,
        "unit": target.pk,
        "member_org": "",
        "email": "",
        "phone": "0912 345 678",
        "position": "Cán bộ",
    }
    data.update(overrides)
    return data


def test_an_admin_creates_a_user_with_a_role_below(client_for, cast):
    response = client_for(cast.admin).post(
        reverse("accounts:user_create"), new_user_form(cast.tree.N1)
    )
    assert response.status_code == 302
    user = User.objects.get(username="canbo_moi")
    assert user.memberships.get().unit == cast.tree.N1


def test_an_admin_creates_a_user_on_a_residential_area_asked_for(client_for, cast):
    url = reverse("accounts:user_create") + f"?unit={cast.tree.A1.pk}"
    assert f'value="{cast.tree.A1.pk}"' in client_for(cast.admin).get(url).content.decode()
    response = client_for(cast.admin).post(url, new_user_form(cast.tree.A1))
    assert response.status_code == 302


def test_the_outsider_cannot_create_a_user_in_the_sibling(client_for, cast):
    response = client_for(cast.outsider).post(
        reverse("accounts:user_create"), new_user_form(cast.tree.N1)
    )
    assert response.status_code == 200
    assert "không có trong phạm vi của bạn" in response.content.decode()
    assert not User.objects.filter(username="canbo_moi").exists()


def test_bad_user_input_is_explained_and_nothing_is_written(client_for, cast):
    client = client_for(cast.admin)
    cases = [
        ({"username": "Nguyễn Văn"}, "Tên đăng nhập chỉ gồm"),
        ({"username": "viewer"}, "đã có người dùng"),
        ({"full_name": ""}, "bắt buộc"),
        ({"full_name": "X" * 151}, "151"),
        ({"phone": "abc"}, "Số điện thoại"),
        ({"password": "123"}, "8"),
        ({"unit": ""}, "chỉ một trong hai"),
        ({"member_org": cast.tree.N1_farmers.pk}, "chỉ một trong hai"),
        ({"unit": 999999}, "không có trong phạm vi"),
    ]
    for change, message in cases:
        response = client.post(
            reverse("accounts:user_create"), new_user_form(cast.tree.N1, **change)
        )
        assert response.status_code == 200, change
        assert message in response.content.decode(), change
    assert not User.objects.filter(username="canbo_moi").exists()


def test_an_admin_grants_and_revokes_a_role(client_for, cast):
    client = client_for(cast.admin)
    url = reverse("accounts:user_detail", args=[cast.viewer.pk])
    response = client.post(url, {"role": Role.APPROVER, "unit": cast.tree.N1.pk, "member_org": ""})
    assert response.status_code == 302
    membership = Membership.objects.get(user=cast.viewer, role=Role.APPROVER)
    response = client.post(reverse("accounts:membership_revoke", args=[membership.pk]))
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_the_outsider_cannot_revoke_a_role_of_the_sibling(client_for, cast):
    membership = Membership.objects.get(user=cast.viewer)
    url = reverse("accounts:membership_revoke", args=[membership.pk])
    assert client_for(cast.outsider).post(url).status_code == 404
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_a_read_only_role_cannot_revoke(client_for, cast):
    membership = Membership.objects.get(user=cast.editor)
    url = reverse("accounts:membership_revoke", args=[membership.pk])
    assert client_for(cast.viewer).post(url).status_code == 404


def test_an_admin_grants_a_role_on_a_member_organisation(client_for, cast):
    url = reverse("accounts:user_detail", args=[cast.viewer.pk])
    response = client_for(cast.admin).post(
        url, {"role": Role.VIEWER, "unit": "", "member_org": cast.tree.N1_farmers.pk}
    )
    assert response.status_code == 302
    assert Membership.objects.filter(user=cast.viewer, member_org=cast.tree.N1_farmers).exists()


def test_a_strange_digit_in_the_unit_parameter_is_harmless(client_for, cast):
    client = client_for(cast.admin)
    assert client.get(reverse("accounts:user_create"), {"unit": "²"}).status_code == 200
    url = reverse("accounts:user_detail", args=[cast.viewer.pk])
    assert client.get(url, {"unit": "²"}).status_code == 200


def test_an_admin_locks_and_resets_a_password(client_for, cast):
    client = client_for(cast.admin)
    url = reverse("accounts:user_account", args=[cast.viewer.pk])
    assert client.post(url, {"action": "lock"}).status_code == 302
    cast.viewer.refresh_from_db()
    assert not cast.viewer.is_active
    client.post(url, {"action": "password", "password": "mot-mat-khau-moi-dai"})
    cast.viewer.refresh_from_db()
    assert cast.viewer.check_password("mot-mat-khau-moi-dai")
    page = client.post(url, {"action": "password", "password": "123"}, follow=True)
    assert "8" in page.content.decode()


def test_a_commune_admin_cannot_lock_a_province_officer(client_for, cast):
    Membership.objects.create(user=cast.outsider, unit=cast.tree.N1, role=Role.ADMIN)
    url = reverse("accounts:user_account", args=[cast.approver.pk])
    assert client_for(cast.outsider).post(url, {"action": "lock"}).status_code == 404
    cast.approver.refresh_from_db()
    assert cast.approver.is_active


def test_the_account_actions_are_not_found_for_others(client_for, cast):
    url = reverse("accounts:user_account", args=[cast.editor.pk])
    assert client_for(cast.viewer).post(url, {"action": "lock"}).status_code == 404
    assert client_for(cast.outsider).post(url, {"action": "lock"}).status_code == 404


def test_the_outsider_does_not_see_roles_outside_its_scope(client_for, cast):
    Membership.objects.create(user=cast.viewer, unit=cast.tree.N2, role=Role.VIEWER)
    page = client_for(cast.outsider).get(reverse("accounts:user_detail", args=[cast.viewer.pk]))
    text = page.content.decode()
    assert "Phường Cẩm Giàng" not in text and "1 vai trò khác ngoài phạm vi" in text


def test_login_ignores_the_case_of_the_username(client, cast):
    from doanket.conftest import PASSWORD

    client.post("/accounts/login/", {"username": "VIEWER", "password": PASSWORD})
    assert client.session.get("_auth_user_id") == str(cast.viewer.pk)


def test_an_english_browser_still_gets_vietnamese(client, db):
    response = client.post(
        "/accounts/login/", {"username": "", "password": ""}, HTTP_ACCEPT_LANGUAGE="en-US"
    )
    assert "This field is required" not in response.content.decode()


def test_the_not_found_page_is_vietnamese(client_for, cast, settings):
    settings.DEBUG = False
    response = client_for(cast.outsider).get(reverse("units:detail", args=[cast.tree.N1.pk]))
    assert response.status_code == 404 and "Không tìm thấy trang này" in response.content.decode()
