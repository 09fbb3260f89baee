"""The household journey in Debian's chromium: import a list, register, hold the meeting,
post, propose, decide, and see the commune's roll-up change."""

import io
import os

import pytest
from openpyxl import Workbook

from doanket.reporting.tests.test_browser import log_in, shot
from doanket.units.tests.test_browser import browser_type_launch_args  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

NAMES = ["Nguyễn Văn Hùng", "Trần Thị Mai", "Lê Văn Toàn", "Phạm Thị Nga"]


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def household_list(path) -> None:
    """The list as an office keeps it: a title over merged cells, then the header."""
    book = Workbook()
    sheet = book.active
    sheet["A1"] = "DANH SÁCH HỘ GIA ĐÌNH THÔN ĐÔNG NĂM 2026"
    sheet.merge_cells("A1:E1")
    sheet.append([])
    sheet.append(["STT", "Họ và tên chủ hộ", "Địa chỉ", "Số nhân khẩu", "Điện thoại"])
    for n, name in enumerate(NAMES, start=1):
        sheet.append([n, name, f"Số {n} đường Đông", 3 + n % 2, ""])
    sheet.append(["", "Tổng cộng", "", 14, ""])
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(buffer.getvalue())


def totals(page, code):
    return page.locator(f"#totals tr[data-code={code}] .total").inner_text().strip()


def test_import_register_evaluate_decide_and_see_the_roll_up(
    page, live_server, people, committee_form, immediate_tasks, tmp_path
):
    t = people.tree
    page.set_viewport_size({"width": 1366, "height": 900})
    page.on("dialog", lambda dialog: dialog.accept())
    rollup_url = f"{live_server.url}/reports/{committee_form.code}/{t.N1.pk}/2026/"

    log_in(page, live_server, "commune_approver")
    page.goto(rollup_url)
    assert totals(page, "HGD_TONG") in ("0", "—")

    log_in(page, live_server, "area_editor")
    page.goto(f"{live_server.url}/households/import/")
    page.select_option("#id_unit", str(t.A1.pk))
    page.fill("#id_year", "2026")
    workbook = tmp_path / "danh-sach-ho.xlsx"
    household_list(workbook)
    page.set_input_files("#id_file", str(workbook))
    page.click("button:has-text('Tải lên và kiểm tra')")
    page.wait_for_selector("#confirm")
    assert page.inner_text("#count-accepted").strip() == "4"
    shot(page, "20-household-import-checked")
    page.click("#confirm")
    page.wait_for_selector("#done")

    page.goto(f"{live_server.url}/households/area/{t.A1.pk}/register/2026/")
    page.check("#tick-all")
    page.click("button:has-text('Lưu danh sách đăng ký')")
    page.wait_for_selector(".alert-success")
    shot(page, "21-household-registration")

    page.goto(f"{live_server.url}/households/evaluation/{t.A1.pk}/2026/")
    page.fill("#id_meeting_on", "01/11/2026")
    page.fill("#id_attendees", "42")
    page.fill("#id_chaired_by", "Bùi Văn Thôn")
    minutes = tmp_path / "bien-ban-hop.pdf"
    minutes.write_bytes(b"%PDF-1.4\n% bien ban hop binh xet\n")
    page.set_input_files("#id_minutes", str(minutes))
    page.click("button:has-text('Ghi thông tin cuộc họp')")
    page.wait_for_selector("#households")
    page.click("button:has-text('chưa bình xét')")
    page.wait_for_selector("#id_posted_on")
    page.fill("#id_posted_on", "02/11/2026")
    page.click("button:has-text('Niêm yết danh sách')")
    page.wait_for_selector("#id_proposed_on")
    page.fill("#id_proposed_on", "13/11/2026")
    page.click("button:has-text('Gửi đề nghị công nhận')")
    page.wait_for_selector("#decision")
    shot(page, "22-household-evaluation-proposed")

    log_in(page, live_server, "commune_approver")
    page.goto(f"{live_server.url}/households/evaluation/{t.A1.pk}/2026/")
    page.fill("#id_number", "125/QĐ-UBND")
    page.fill("#id_decided_on", "20/11/2026")
    page.fill("#id_signer", "Lý Văn Xã")
    page.click("button:has-text('Ghi quyết định')")
    page.wait_for_selector("#locked")
    shot(page, "23-household-evaluation-decided")

    page.goto(rollup_url)
    assert totals(page, "HGD_TONG") == "4"
    assert totals(page, "HGD_DANGKY") == "4"
    assert totals(page, "HGD_DAT") == "4"
    shot(page, "24-household-rollup")
    page.locator("#totals tr[data-code=HGD_DAT] a").first.click()
    page.wait_for_selector("text=Nguyễn Văn Hùng")
    shot(page, "25-household-figure")


def test_the_area_list_reads_on_a_phone(page, live_server, homes):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, "area_editor")
    page.goto(f"{live_server.url}/households/area/{homes.tree.A1.pk}/?year=2026")
    page.wait_for_selector("text=Nguyễn Văn An")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400
    shot(page, "26-household-area-phone")
