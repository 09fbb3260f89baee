import json
from decimal import Decimal

import pytest

from doanket.accounts.models import ApiToken
from doanket.reporting.models import Indicator, Report
from doanket.reporting.registry import computed_values


@pytest.fixture
def call(client):
    def request(user, method, path, body=None, **params):
        _token, raw = ApiToken.issue(user=user)
        headers = {"Authorization": f"Bearer {raw}"}
        if method == "get":
            return client.get(f"/api{path}", params, headers=headers)
        return getattr(client, method)(
            f"/api{path}", json.dumps(body or {}), content_type="application/json", headers=headers
        )

    return request


def test_period_bounds_and_deadline(call, cast, committee_form):
    data = call(cast.viewer, "get", "/periods/2026Q2", form="BC-CVD")
    assert data.status_code == 400  # the committee form has Q1, 6, 9 months and the year
    data = call(cast.viewer, "get", "/periods/2026S1", form="BC-CVD").json()
    assert (data["start"], data["end"], data["deadline"]) == (
        "2025-12-15",
        "2026-06-14",
        "2026-06-16",
    )


def test_bad_period_and_unknown_form(call, cast, committee_form):
    response = call(cast.viewer, "get", "/periods/2026Q9", form="BC-CVD")
    assert response.status_code == 400 and "không hợp lệ" in response.json()["detail"]
    assert call(cast.viewer, "get", "/periods/2026", form="KHONG").status_code == 404


def test_put_submit_approve_and_the_rollup(call, cast, committee_form):
    path = "/reports/BC-CVD/N1/2026S1"
    response = call(cast.editor, "put", path, {"values": {"TT_NGUOI": "1.250", "KT_HO": 3}})
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["values"]["TT_NGUOI"] == "1250.0000" or float(data["values"]["TT_NGUOI"]) == 1250
    response = call(cast.editor, "post", f"{path}/submit", {"version": data["version"]})
    assert response.json()["status"] == "submitted"
    rollup = call(
        cast.admin, "get", "/reports/rollup", form="BC-CVD", unit="P", period="2026S1"
    ).json()
    assert float(rollup["values"]["TT_NGUOI"]) == 1250
    assert {c["code"] for c in rollup["children"]} == {"N1", "N2"}
    approved = call(
        cast.approver, "post", f"{path}/approve", {"version": response.json()["version"]}
    )
    assert approved.json()["status"] == "approved"
    only = call(
        cast.admin,
        "get",
        "/reports/rollup",
        form="BC-CVD",
        unit="P",
        period="2026S1",
        approved_only=1,
    )
    assert float(only.json()["values"]["TT_NGUOI"]) == 1250


def test_a_stale_version_gets_409(call, cast, committee_form):
    path = "/reports/BC-CVD/N1/2026S1"
    call(cast.editor, "put", path, {"values": {"TT_NGUOI": "1"}})
    response = call(cast.editor, "put", path, {"values": {"TT_NGUOI": "2"}, "version": 1})
    assert response.status_code == 409 and "tải lại" in response.json()["detail"]


def test_bad_values_get_400_with_vietnamese_errors(call, cast, committee_form):
    response = call(
        cast.editor, "put", "/reports/BC-CVD/N1/2026S1", {"values": {"TT_NGUOI": "abc", "KHONG": 1}}
    )
    assert response.status_code == 400
    assert "KHONG" in " ".join(response.json()["errors"])
    response = call(cast.editor, "put", "/reports/BC-CVD/N1/2026S1", {"values": {"TT_NGUOI": -5}})
    assert response.status_code == 400 and "âm" in " ".join(response.json()["errors"])


def test_a_figure_of_the_registers_cannot_be_put(call, cast, committee_form):
    path = "/reports/BC-CVD/N1/2026S1"
    response = call(cast.editor, "put", path, {"values": {"HGD_TONG": "1.250", "TT_NGUOI": 5}})
    assert response.status_code == 400
    assert "HGD_TONG" in " ".join(response.json()["errors"])
    assert not Report.objects.get().values.exists()
    rollup = call(cast.editor, "get", "/reports/rollup", form="BC-CVD", unit="N1", period="2026S1")
    period = committee_form.period("2026S1")
    register = computed_values(
        Indicator.objects.filter(code="HGD_TONG"), unit=cast.tree.N1, period=period, on=period.end
    )
    assert register["HGD_TONG"] is not None
    assert Decimal(rollup.json()["values"]["HGD_TONG"]) == register["HGD_TONG"]


def test_a_malformed_body_gets_400(client, cast, committee_form):
    _token, raw = ApiToken.issue(user=cast.editor)
    response = client.put(
        "/api/reports/BC-CVD/N1/2026S1",
        "{not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 400


def test_return_needs_a_reason(call, cast, committee_form):
    path = "/reports/BC-CVD/N1/2026S1"
    call(cast.editor, "put", path, {"values": {"TT_NGUOI": "1"}})
    call(cast.editor, "post", f"{path}/submit", {})
    response = call(cast.approver, "post", f"{path}/return", {"reason": ""})
    assert response.status_code == 400
    response = call(cast.approver, "post", f"{path}/return", {"reason": "Thiếu số liệu"})
    assert response.json()["status"] == "returned"


def test_completeness(call, cast, committee_form):
    call(cast.editor, "put", "/reports/BC-CVD/N1/2026S1", {"values": {"TT_NGUOI": "1"}})
    data = call(
        cast.approver, "get", "/reports/completeness", form="BC-CVD", unit="P", period="2026S1"
    ).json()
    assert data["counts"]["expected"] == 2
    assert {r["code"]: r["state"] for r in data["reporters"]} == {"N1": "draft", "N2": "missing"}


def test_the_read_only_role_reads_but_cannot_write(call, cast, committee_form):
    assert (
        call(
            cast.viewer, "get", "/reports/rollup", form="BC-CVD", unit="N1", period="2026S1"
        ).status_code
        == 200
    )
    assert (
        call(
            cast.viewer, "put", "/reports/BC-CVD/N1/2026S1", {"values": {"TT_NGUOI": "1"}}
        ).status_code
        == 404
    )
    assert not Report.objects.exists()


def test_the_outsider_gets_not_found_for_every_route(call, cast, committee_form):
    call(cast.editor, "put", "/reports/BC-CVD/N1/2026S1", {"values": {"TT_NGUOI": "1"}})
    path = "/reports/BC-CVD/N1/2026S1"
    assert (
        call(
            cast.outsider, "get", "/reports/rollup", form="BC-CVD", unit="N1", period="2026S1"
        ).status_code
        == 404
    )
    assert (
        call(
            cast.outsider, "get", "/reports/completeness", form="BC-CVD", unit="N1", period="2026S1"
        ).status_code
        == 404
    )
    assert call(cast.outsider, "put", path, {"values": {"TT_NGUOI": "9"}}).status_code == 404
    for action in ("submit", "approve", "return"):
        assert (
            call(cast.outsider, "post", f"{path}/{action}", {"reason": "xxxxxx"}).status_code == 404
        )
    assert Report.objects.get().status == "draft"
