"""The reporting journey in Debian's chromium: submit, return, resubmit, approve, roll-up."""

import os

import pytest

from doanket.conftest import PASSWORD
from doanket.units.tests.test_browser import SCREENSHOTS, browser_type_launch_args  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def log_in(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("text=Xin chào")


def shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_submit_return_resubmit_approve_and_see_the_roll_up(
    page, live_server, cast, committee_form
):
    page.set_viewport_size({"width": 1366, "height": 768})
    page.on("dialog", lambda dialog: dialog.accept())
    log_in(page, live_server, "editor")
    page.goto(f"{live_server.url}/reports/?year=2026")
    row = page.locator("tr", has_text="6 tháng đầu năm 2026")
    row.locator("button:has-text('Lập báo cáo')").click()
    # The households figures come from the registers: shown, marked, never typed.
    assert page.locator("#v_HGD_TONG").count() == 0
    assert "Từ sổ" in page.inner_text("#report-form tr:has-text('Tổng số hộ gia đình')")
    page.fill("#v_TT_BUOI", "12")
    page.fill("#v_TT_NGUOI", "1.250")
    page.fill("#v_KT_HO", "1.150")
    page.fill("#v_DG_TIEN", "12.500.000")
    page.fill("#n_results", "Các khu dân cư tổ chức tuyên truyền đầy đủ.")
    page.click("button[value=save]")
    page.wait_for_selector("text=Đã lưu bản nháp")
    shot(page, "10-report-draft")
    page.click("button[value=submit]")
    page.wait_for_selector("text=Đã gửi báo cáo lên cấp trên")
    report_url = page.url

    log_in(page, live_server, "approver")
    page.goto(report_url)
    page.fill("#id_reason", "Bổ sung số ngày công nhân dân đóng góp.")
    page.click("button[value=return]")
    page.wait_for_selector("text=Đã trả lại báo cáo")

    log_in(page, live_server, "editor")
    page.goto(report_url)
    assert "Bổ sung số ngày công nhân dân đóng góp." in page.inner_text(".alert-danger")
    page.fill("#v_DG_NGAYCONG", "350")
    page.click("button[value=submit]")
    page.wait_for_selector("text=Đã gửi báo cáo lên cấp trên")

    log_in(page, live_server, "approver")
    page.goto(report_url)
    page.click("button[value=approve]")
    page.wait_for_selector("text=Đã duyệt báo cáo")
    shot(page, "11-report-approved")

    page.goto(f"{live_server.url}/reports/{committee_form.code}/{cast.tree.P.pk}/2026S1/")
    total = page.locator("#totals tr[data-code=TT_NGUOI] .total").inner_text()
    assert total == "1.250"
    assert "Phường Cẩm Giàng" in page.inner_text("#children")
    shot(page, "12-rollup")
    page.goto(
        f"{live_server.url}/reports/{committee_form.code}/{cast.tree.P.pk}/2026S1/completeness/"
    )
    shot(page, "13-completeness")
