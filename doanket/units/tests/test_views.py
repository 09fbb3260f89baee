from django.urls import reverse

from doanket.conftest import AFTER


def test_the_tree_shows_the_new_map_today(client_for, cast):
    page = client_for(cast.admin).get(reverse("units:tree")).content.decode()
    assert "Thành phố Thử Nghiệm" in page


def test_the_tree_of_a_commune_on_the_old_map_shows_its_predecessors(client_for, cast):
    page = client_for(cast.viewer).get(reverse("units:tree"), {"on": "01/06/2024"})
    text = page.content.decode()
    assert "Xã Cẩm Thượng" in text and "Xã Ái Quốc" in text
    assert "Phường Cẩm Giàng" not in text


def test_a_bad_date_is_explained_in_vietnamese(client_for, cast):
    response = client_for(cast.viewer).get(reverse("units:tree"), {"on": "31/02/2026"})
    assert response.status_code == 200
    assert "31/02/2026" in response.content.decode()
    assert "không tồn tại" in response.content.decode()


def test_a_month_13_is_refused(client_for, cast):
    response = client_for(cast.viewer).get(reverse("units:tree"), {"on": "2026-13-01"})
    assert "dd/mm/yyyy" in response.content.decode()


def test_tree_search_ignores_diacritics(client_for, cast):
    page = client_for(cast.admin).get(
        reverse("units:tree"), {"q": "cam thuong", "on": "01/06/2024"}
    )
    assert "Xã Cẩm Thượng" in page.content.decode()


def test_the_outsider_search_finds_nothing_of_the_sibling(client_for, cast):
    page = client_for(cast.outsider).get(reverse("units:tree"), {"q": "cam", "on": "01/06/2024"})
    assert "Xã Cẩm Thượng" not in page.content.decode()


def test_children_arrive_for_the_date(client_for, cast):
    url = reverse("units:children", args=[cast.tree.P.pk])
    page = client_for(cast.admin).get(url, {"on": "01/06/2024"}).content.decode()
    assert "Huyện Đông" in page and "Phường Cẩm Giàng" not in page


def test_the_outsider_gets_no_children(client_for, cast):
    url = reverse("units:children", args=[cast.tree.N1.pk])
    assert client_for(cast.outsider).get(url).status_code == 404


def test_a_split_commune_shows_its_successors_and_the_primary(client_for, cast):
    page = client_for(cast.admin).get(reverse("units:detail", args=[cast.tree.C2.pk]))
    text = page.content.decode()
    assert "Phường Cẩm Giàng" in text and "Xã Đoàn Kết" in text
    assert "kế thừa chính" in text


def test_a_new_commune_shows_where_it_came_from(client_for, cast):
    text = client_for(cast.viewer).get(reverse("units:detail", args=[cast.tree.N1.pk])).content
    assert "Hình thành từ" in text.decode() and "Xã Cẩm Thượng" in text.decode()


def test_the_read_only_role_sees_the_unit_but_no_user_management(client_for, cast):
    response = client_for(cast.viewer).get(reverse("units:detail", args=[cast.tree.N1.pk]))
    assert response.status_code == 200
    assert "Thêm người dùng cho đơn vị này" not in response.content.decode()


def test_the_admin_is_offered_user_management(client_for, cast):
    response = client_for(cast.admin).get(reverse("units:detail", args=[cast.tree.N1.pk]))
    assert "Thêm người dùng cho đơn vị này" in response.content.decode()


def test_the_outsider_gets_not_found_for_every_unit_of_the_sibling(client_for, cast):
    client = client_for(cast.outsider)
    for unit in (cast.tree.N1, cast.tree.C1, cast.tree.C2, cast.tree.A1, cast.tree.P):
        assert client.get(reverse("units:detail", args=[unit.pk])).status_code == 404


def test_the_outsider_sees_its_own_commune(client_for, cast):
    response = client_for(cast.outsider).get(reverse("units:detail", args=[cast.tree.N2.pk]))
    assert response.status_code == 200


def test_member_organisation_page(client_for, cast):
    url = reverse("units:member_org", args=[cast.tree.N1_farmers.pk])
    assert client_for(cast.org_editor).get(url).status_code == 200
    assert client_for(cast.viewer).get(url).status_code == 200
    assert client_for(cast.outsider).get(url).status_code == 404


def test_a_unit_page_on_a_date_after_its_end_shows_its_last_day(client_for, cast):
    url = reverse("units:detail", args=[cast.tree.C2.pk])
    page = client_for(cast.admin).get(url, {"on": AFTER.strftime("%d/%m/%Y")}).content.decode()
    assert "30/06/2025" in page and "Thôn Thượng" in page


def test_out_of_scope_units_are_named_without_a_link(client_for, cast):
    page = client_for(cast.outsider).get(reverse("units:detail", args=[cast.tree.N2.pk]))
    text = page.content.decode()
    assert "Xã Ái Quốc" in text
    assert reverse("units:detail", args=[cast.tree.C2.pk]) not in text
    assert reverse("units:detail", args=[cast.tree.P.pk]) not in text


def test_the_tree_of_an_ended_district_points_to_the_old_map(client_for, cast):
    from doanket.accounts.models import Membership, Role

    Membership.objects.create(user=cast.viewer, unit=cast.tree.D1, role=Role.VIEWER)
    page = client_for(cast.viewer).get(reverse("units:tree")).content.decode()
    assert "Huyện Đông đã kết thúc hoạt động ngày 30/06/2025" in page


def test_an_over_long_search_keeps_the_date_and_says_why(client_for, cast):
    page = client_for(cast.admin).get(reverse("units:tree"), {"q": "x" * 101, "on": "01/06/2024"})
    text = page.content.decode()
    assert "dài quá 100 ký tự" in text and 'value="01/06/2024"' in text


def test_children_after_the_session_ended_send_htmx_to_the_login(client, cast):
    url = reverse("units:children", args=[cast.tree.P.pk])
    response = client.get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Redirect"] == "/accounts/login/"
