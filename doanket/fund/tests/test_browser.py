"""The fund journey in Debian's chromium: open a drive, take two donations, print a
receipt, void one, support a household, remit to the city, close the month, and see the
public page."""

import os

import pytest

from doanket.fund.models import Posting, ReceiptPrint
from doanket.households.tests.conftest import add_households
from doanket.reporting.tests.test_browser import log_in, shot
from doanket.units.tests.test_browser import browser_type_launch_args  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PRINT = """async () => {
  const form = document.querySelector("form[action$='/pdf/']");
  const answer = await fetch(form.action, {method: "POST", body: new FormData(form)});
  const bytes = new Uint8Array(await answer.arrayBuffer());
  return [answer.status, answer.headers.get("content-type"),
          String.fromCharCode(...bytes.slice(0, 5))];
}"""


def donate(page, base, fund, amount, donor_type, name=""):
    page.goto(f"{base}/fund/{fund.pk}/donations/new/")
    page.check(f"input[name=donor_type][value={donor_type}]")
    if name:
        page.fill("#id_donor_name", name)
    page.check("input[name=method][value=cash]")
    page.select_option("#id_drive", index=1)
    page.fill("#id_date", "20/10/2026")
    page.fill("#id_amount", amount)
    page.click("form button.btn-primary")
    page.wait_for_selector("text=PT-2026")


def test_a_drive_two_donations_a_void_support_a_transfer_a_closing_and_the_public_page(
    page, live_server, funds
):
    base = live_server.url
    fund = funds.N1_fund
    household = add_households(funds.tree.A1, ["Đặng Thị Hiền"])[0]
    page.set_viewport_size({"width": 1366, "height": 900})
    page.on("dialog", lambda dialog: dialog.accept())
    log_in(page, live_server, "fund_officer")

    page.goto(f"{base}/fund/{fund.pk}/drives/new/")
    page.fill("#id_name", "Tháng cao điểm “Vì người nghèo” năm 2026")
    page.fill("#id_starts_on", "17/10/2026")
    page.fill("#id_ends_on", "18/11/2026")
    page.fill("#id_target", "100.000.000")
    page.click("form button.btn-primary")
    page.wait_for_selector("text=Tháng cao điểm")

    donate(page, base, fund, "1.250.000", "individual", "Ông Nguyễn Văn Hảo")
    assert "Một triệu hai trăm năm mươi nghìn đồng" in page.content()
    status, kind, head = page.evaluate(PRINT)
    assert (status, kind, head) == (200, "application/pdf", "%PDF-")
    shot(page, "30-fund-receipt")
    assert ReceiptPrint.objects.count() == 1

    donate(page, base, fund, "3.000.000", "anonymous")
    second = Posting.objects.filter(kind="donation").order_by("-pk").first()
    page.goto(f"{base}/fund/{fund.pk}/postings/{second.pk}/")
    page.fill("#id_reason", "Ghi nhầm số tiền")
    page.click("button:has-text('Hủy chứng từ')")
    page.wait_for_selector("text=Ghi nhầm số tiền")

    page.goto(f"{base}/fund/{fund.pk}/disbursements/new/")
    page.select_option("#id_category", "livelihood")
    page.fill("#household-search", "dang thi")
    page.wait_for_selector(f"#id_household option[value='{household.pk}']", state="attached")
    page.select_option("#id_household", str(household.pk))
    page.fill("#id_decision_number", "15/QĐ-BTT")
    page.fill("#id_decision_on", "24/10/2026")
    page.fill("#id_date", "25/10/2026")
    page.fill("#id_amount", "1.000.000")
    page.click("form button.btn-primary")
    page.wait_for_url(f"**/fund/{fund.pk}/**")

    page.goto(f"{base}/fund/{fund.pk}/transfers/new/")
    page.select_option("#id_to_fund", str(funds.P_fund.pk))
    page.fill("#id_date", "26/10/2026")
    page.fill("#id_amount", "200.000")
    page.click("form button.btn-primary")
    page.wait_for_url(f"**/fund/{fund.pk}/**")

    page.goto(f"{base}/fund/{fund.pk}/?year=2026&month=10")
    shot(page, "31-fund-ledger")
    page.goto(f"{base}/fund/{fund.pk}/periods/")
    page.fill("#id_year", "2026")
    page.select_option("#id_month", "10")
    page.click("button:has-text('Khóa sổ')")
    page.wait_for_selector("text=10/2026")
    assert Posting.objects.filter(fund=fund).count() == 5

    page.context.clear_cookies()
    page.goto(f"{base}/public/fund/{fund.pk}/2026/10/")
    text = page.inner_text("main") if page.locator("main").count() else page.inner_text("body")
    assert "Ông Nguyễn Văn Hảo" in text
    assert "giấu tên" in text
    assert "Đặng Thị Hiền" not in text and "Đ.T.H" in text  # initials only, by default
    closing = page.locator("tr", has_text="Số dư cuối kỳ").first.inner_text().split()
    # the void was posted today, so October still shows the receipt and ends with
    # 1.250.000 + 3.000.000 − 1.000.000 − 200.000
    assert closing[-2:] == ["3.050.000", "đ"]
    shot(page, "32-fund-public")
    page.goto(f"{base}/public/fund/{fund.pk}/2026/0/")
    closing = page.locator("tr", has_text="Số dư cuối kỳ").first.inner_text().split()
    assert closing[-2:] == ["50.000", "đ"]  # the whole year, with the void
