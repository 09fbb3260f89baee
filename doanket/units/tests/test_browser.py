"""The main journey of the foundation, in Debian's chromium."""

import os
from pathlib import Path

import pytest

from doanket.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path(os.getenv("SCREENSHOT_DIR", "var/screenshots"))


# Playwright's sync API keeps an event loop in the test thread for the whole session; the
# ORM calls of the fixtures and test bodies are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args():
    return {
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--no-sandbox",
            "--headless",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


def shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_log_in_switch_the_map_and_open_a_split_commune(page, live_server, cast):
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "sai-mat-khau")
    page.click("button[type=submit]")
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in page.inner_text(".alert-danger")
    page.fill("#id_username", "admin")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("text=Xin chào")
    shot(page, "01-home")

    page.click("nav >> text=Đơn vị")
    page.wait_for_selector("#unit-tree")
    page.fill("#id_on", "01/06/2024")
    page.click("button:has-text('Xem')")
    page.click("#unit-tree [data-tree-toggle]")
    page.wait_for_selector("#unit-tree >> text=Huyện Đông")
    assert page.locator("#unit-tree >> text=Phường Cẩm Giàng").count() == 0
    shot(page, "02-tree-old-map")

    page.click("text=01/07/2025 · bản đồ mới")
    page.click("#unit-tree [data-tree-toggle]")
    page.wait_for_selector("#unit-tree >> text=Phường Cẩm Giàng")
    assert page.locator("#unit-tree >> text=Huyện Đông").count() == 0
    shot(page, "03-tree-new-map")

    page.fill("#id_on", "01/06/2024")
    page.fill("#id_q", "ai quoc")
    page.click("button:has-text('Xem')")
    page.click("#search-results >> text=Xã Ái Quốc")
    became = page.locator("#became")
    assert "Phường Cẩm Giàng" in became.inner_text()
    assert "Xã Đoàn Kết" in became.inner_text()
    assert "kế thừa chính" in became.inner_text()
    shot(page, "04-split-commune")

    page.click("#became >> text=Xã Đoàn Kết")
    assert "Xã Ái Quốc" in page.locator("#came-from").inner_text()


def test_the_tree_reads_on_a_phone(page, live_server, cast):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "viewer")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/units/{cast.tree.N1.pk}/")
    assert page.locator("h1").inner_text() == "Phường Cẩm Giàng"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page scrolls sideways on a phone"
    shot(page, "05-phone-unit")
