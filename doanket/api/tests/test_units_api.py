import pytest

from doanket.accounts.models import ApiToken


@pytest.fixture
def api(client):
    def call(user, path, **params):
        headers = {}
        if user is not None:
            _token, raw = ApiToken.issue(user=user)
            headers["Authorization"] = f"Bearer {raw}"
        return client.get(f"/api{path}", params, headers=headers)

    return call


def test_children_on_the_old_map(api, cast):
    response = api(cast.admin, "/units/", parent="P", on="2024-06-01")
    assert response.status_code == 200
    assert [u["code"] for u in response.json()] == ["D2", "D1"]  # Đoài before Đông
    assert all(u["parent_code"] == "P" for u in response.json())


def test_children_on_the_new_map(api, cast):
    response = api(cast.admin, "/units/", parent="P", on="01/07/2025")
    assert sorted(u["code"] for u in response.json()) == ["N1", "N2"]


def test_detail_carries_the_successions(api, cast):
    data = api(cast.admin, "/units/C2", on="2024-06-01").json()
    assert data["name"] == "Xã Ái Quốc" and data["parent_code"] == "D1"
    assert data["valid_to"] == "2025-06-30"
    assert [(s["code"], s["kind"], s["primary"]) for s in data["became"]] == [
        ("N1", "split", True),
        ("N2", "split", False),
    ]


def test_search_without_diacritics(api, cast):
    data = api(cast.admin, "/units/", q="cam thuong", on="2024-06-01").json()
    assert [u["code"] for u in data] == ["C1"]


def test_the_read_only_role_reads(api, cast):
    assert api(cast.viewer, "/units/N1").status_code == 200
    assert [u["code"] for u in api(cast.viewer, "/units/").json()] == ["N1"]


def test_the_outsider_gets_not_found_for_the_sibling(api, cast):
    for code in ("N1", "C1", "C2", "A1", "P"):
        response = api(cast.outsider, f"/units/{code}", on="2024-06-01")
        assert response.status_code == 404, code
        assert "phạm vi" in response.json()["detail"]
    assert api(cast.outsider, "/units/", parent="N1").status_code == 404
    found = api(cast.outsider, "/units/", q="cam", on="2024-06-01").json()
    assert found == []


def test_session_auth_works_too(client, cast):
    client.force_login(cast.viewer)
    assert client.get("/api/units/N1").status_code == 200


def test_no_credentials_get_a_vietnamese_401(api, db):
    response = api(None, "/units/")
    assert response.status_code == 401
    assert "mã truy cập" in response.json()["detail"]


def test_a_wrong_token_is_refused(client, db):
    response = client.get("/api/units/", headers={"Authorization": "Bearer dk_sai"})
    assert response.status_code == 401


@pytest.mark.parametrize("bad", ["31/02/2026", "2026-13-01", "hôm qua", "1/1/26"])
def test_bad_dates_get_a_vietnamese_400(api, cast, bad):
    response = api(cast.admin, "/units/", parent="P", on=bad)
    assert response.status_code == 400
    assert "dd/mm/yyyy" in response.json()["detail"] or "không tồn tại" in response.json()["detail"]


def test_an_unknown_code_is_not_found(api, cast):
    assert api(cast.admin, "/units/KHONG-CO").status_code == 404


def test_an_empty_or_over_long_search_is_refused(api, cast):
    assert api(cast.admin, "/units/", q=" ").status_code == 400
    assert api(cast.admin, "/units/", q="x" * 101).status_code == 400


def test_the_openapi_document_is_served(client, db):
    assert client.get("/api/openapi.json").status_code == 200


def test_a_code_reused_by_a_sibling_unit_is_not_found_for_the_outsider(api, cast):
    from doanket.units.models import Unit

    Unit.objects.filter(pk=cast.tree.C3.pk).update(code="N1")  # an old commune of N2's past
    assert api(cast.outsider, "/units/N1", on="2026-01-01").status_code == 404
    assert api(cast.outsider, "/units/", parent="N1", on="2026-01-01").status_code == 404


def test_an_over_long_date_is_not_echoed(api, cast):
    response = api(cast.admin, "/units/", on="9" * 5000)
    assert response.status_code == 400 and len(response.json()["detail"]) < 200


def test_the_api_docs_are_served_without_a_cdn(client, db):
    page = client.get("/api/docs").content.decode()
    assert "cdn.jsdelivr" not in page and "swagger-ui-bundle.js" in page
