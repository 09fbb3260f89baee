"""Importing a household list: the files offices have, the rows refused and why, nothing
written before the confirmation, all or nothing after it, and who may do it."""

import csv
import io
import os
import struct
import unicodedata
import zipfile

import openpyxl
import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from doanket.conftest import PASSWORD
from doanket.core.lib.vn_text import fold
from doanket.core.models import AuditEvent
from doanket.households import counters, imports
from doanket.households.models import AreaYearCount, Household, HouseholdYear, ImportBatch
from doanket.households.tests.conftest import THIS_YEAR
from doanket.reporting.excel.upload import OLE_MAGIC
from doanket.units.models import REFORM_DATE, Unit
from doanket.units.services import unit_link_create
from doanket.units.tests.test_browser import browser_type_launch_args, shot  # noqa: F401

HEADER = ["STT", "Họ và tên chủ hộ", "Số hộ", "Địa chỉ", "Số nhân khẩu", "Điện thoại", "Ghi chú"]
ROWS = [
    [1, "Nguyễn Thị Mai", "", "Số 10, Thôn Đông", 4, "0912345678", ""],
    [2, "Trần Văn Hùng", "", "Số 11, Thôn Đông", 3, "", "Hộ mới tách"],
    [3, "Lê Thị Hồng", "", "Số 12, Thôn Đông", 2, "", ""],
]


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


# Files as offices make them ----------------------------------------------------------


def xlsx(rows, header=HEADER, title=True) -> bytes:
    """A list under a merged two-line title, as a commune office types it."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    if title:
        sheet.append(["DANH SÁCH HỘ GIA ĐÌNH NĂM 2026"])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
        sheet.append(["(Kèm theo báo cáo của Ban công tác Mặt trận)"])
        sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(header))
        sheet.append([])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


TONES = "\u0300\u0301\u0303\u0309\u0323"


def windows_1258(text: str) -> bytes:
    """Text as Windows saves it in code page 1258: a letter with a tone is the letter
    (â, ơ …) followed by the combining tone, since the page has no room for both."""
    out = []
    for char in text:
        decomposed = unicodedata.normalize("NFD", char)
        tones = "".join(mark for mark in decomposed if mark in TONES)
        base = unicodedata.normalize("NFC", "".join(m for m in decomposed if m not in TONES))
        out.append((base + tones).encode("cp1258"))
    return b"".join(out)


def csv_bytes(rows, header=HEADER, encoding="utf-8", delimiter=",") -> bytes:
    """A list saved by Excel as CSV: quoted where a cell holds the delimiter."""
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter).writerows([header, *rows])
    if encoding == "cp1258":
        return windows_1258(text.getvalue())
    return text.getvalue().encode(encoding)


def _record(kind: int, data: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def _biff8(rows, password=False) -> bytes:
    """The Workbook stream of an Excel 97–2003 file: globals, one sheet, text as LABEL
    and numbers as NUMBER records; FILEPASS when it was saved with a password."""
    bof = struct.pack("<HHHHII", 0x0600, 0x0005, 0, 0, 0, 0)
    head = _record(0x0809, bof)
    if password:
        head += _record(0x002F, struct.pack("<HHH", 1, 1, 1) + b"\0" * 48)
    head += _record(0x0042, struct.pack("<H", 1200))
    name = "Danh sách".encode("utf-16-le")
    eof = _record(0x000A)
    sheet_at = len(head) + 4 + 8 + len(name) + len(eof)
    head += _record(0x0085, struct.pack("<IBBBB", sheet_at, 0, 0, len(name) // 2, 1) + name)
    cells = b""
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value in (None, ""):
                continue
            if isinstance(value, int | float):
                cells += _record(0x0203, struct.pack("<HHHd", r, c, 0, float(value)))
            else:
                raw = str(value).encode("utf-16-le")
                cells += _record(0x0204, struct.pack("<HHHHB", r, c, 0, len(raw) // 2, 1) + raw)
    sheet_bof = _record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0, 0, 0, 0))
    return head + eof + sheet_bof + cells + eof


def xls(rows, password=False) -> bytes:
    """An .xls: the BIFF8 stream in a compound file of 512-byte sectors (FAT, directory,
    then the stream, padded past the 4 KB mini-stream cutoff)."""
    stream = _biff8(rows, password)
    stream = stream.ljust(max(4096, -(-len(stream) // 512) * 512), b"\0")
    sectors = len(stream) // 512
    assert sectors <= 126, "one FAT sector maps 128 sectors"
    end, free, nothing = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFF
    fat = [0xFFFFFFFD, end, *range(3, 2 + sectors), end]
    fat += [free] * (128 - len(fat))
    header = OLE_MAGIC + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
    header += struct.pack("<9I", 0, 1, 1, 0, 4096, end, 0, end, 0)
    header += struct.pack("<I", 0) + struct.pack("<I", free) * 108

    def entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
        raw = (name + "\0").encode("utf-16-le") if name else b""
        return (
            raw.ljust(64, b"\0")
            + struct.pack("<HBBIII", len(raw), kind, 1, nothing, nothing, child)
            + b"\0" * 36
            + struct.pack("<IQ", start, size)
        )

    directory = entry("Root Entry", 5, 1, end, 0) + entry("Workbook", 2, nothing, 2, len(stream))
    directory += entry("", 0, nothing, 0, 0) * 2
    return header + struct.pack("<128I", *fat) + directory + stream


# Helpers -----------------------------------------------------------------------------


def upload(client, unit, content: bytes, name="danh-sach.xlsx", year=THIS_YEAR):
    return client.post(
        reverse("households:import_start"),
        {"unit": unit.pk, "year": year, "file": SimpleUploadedFile(name, content)},
    )


def last_batch() -> ImportBatch:
    return ImportBatch.objects.order_by("-pk").first()


def confirm(client, batch):
    return client.post(reverse("households:import_confirm", args=[batch.pk]))


def names(area) -> list[str]:
    return sorted(Household.objects.filter(area=area).values_list("head_name", flat=True))


def stored():
    return (
        list(Household.objects.order_by("pk").values_list("pk", "head_name", "area_id")),
        list(HouseholdYear.objects.order_by("pk").values_list("pk", "household_id", "year")),
        list(AreaYearCount.objects.order_by("pk").values_list("area_id", "year", "households")),
    )


def reasons(batch) -> dict[int, str]:
    return {row["row"]: row["reason"] for row in batch.rejected}


def counters_match() -> bool:
    kept = {
        (row.area_id, row.year): {name: getattr(row, name) for name in AreaYearCount.FIELDS}
        for row in AreaYearCount.objects.all()
    }
    fresh = counters.fresh_counts()
    kept = {key: counts for key, counts in kept.items() if any(counts.values())}
    fresh = {key: counts for key, counts in fresh.items() if any(counts.values())}
    return kept == fresh


# Reading the files ---------------------------------------------------------------------


def test_an_xlsx_under_merged_titles_is_checked_and_written_only_on_confirm(client_for, homes):
    cast, t = homes.cast, homes.tree
    client = client_for(cast.area_editor)
    before = stored()
    response = upload(client, t.A1, xlsx(ROWS))
    batch = last_batch()
    assert response.status_code == 302
    assert response["Location"] == reverse("households:import_batch", args=[batch.pk])
    assert batch.status == ImportBatch.Status.CHECKED
    assert (batch.accepted, batch.unchanged, batch.rejected) == (3, 0, [])
    assert stored() == before and not AuditEvent.objects.filter(action="households.import")

    page = client.get(reverse("households:import_batch", args=[batch.pk])).content.decode()
    assert "Xác nhận nhập 3 hộ" in page and 'hx-trigger="every 1s"' not in page

    response = confirm(client, batch)
    batch.refresh_from_db()
    assert response.status_code == 302 and batch.status == ImportBatch.Status.DONE
    assert "Nguyễn Thị Mai" in names(t.A1) and len(names(t.A1)) == 8
    mai = Household.objects.get(head_name="Nguyễn Thị Mai")
    assert (mai.members, mai.phone, mai.address) == (4, "0912345678", "Số 10, Thôn Đông")
    assert mai.head_name_folded == "nguyen thi mai"
    assert mai.match_key == Household.key_for("Nguyễn Thị Mai", "Số 10, Thôn Đông")
    assert HouseholdYear.objects.filter(household=mai, year=THIS_YEAR, area=t.A1).exists()
    assert AreaYearCount.objects.get(area=t.A1, year=THIS_YEAR).households == 8
    assert counters_match()
    event = AuditEvent.objects.get(action="households.import")
    assert event.actor == cast.area_editor and event.unit == t.A1
    assert event.after["created"] == 3
    page = client.get(reverse("households:import_batch", args=[batch.pk])).content.decode()
    assert "Đã nhập 3 hộ mới vào sổ năm 2026" in page


def test_an_xls_file_is_read(client_for, people):
    client = client_for(people.area_editor)
    rows = [["DANH SÁCH HỘ"], [], HEADER, *ROWS]
    upload(client, people.tree.A1, xls(rows), name="danh-sach.xls")
    batch = last_batch()
    assert batch.status == ImportBatch.Status.CHECKED, batch.message
    assert batch.accepted == 3
    confirm(client, batch)
    assert names(people.tree.A1) == ["Lê Thị Hồng", "Nguyễn Thị Mai", "Trần Văn Hùng"]
    assert Household.objects.get(head_name="Trần Văn Hùng").notes == "Hộ mới tách"


@pytest.mark.parametrize(
    "encoding, delimiter", [("utf-8", ","), ("utf-8-sig", ";"), ("cp1258", ","), ("cp1258", "\t")]
)
def test_csv_in_utf8_and_windows_1258_is_read(client_for, people, encoding, delimiter):
    client = client_for(people.area_editor)
    rows = [row[:4] + [row[4], "", row[6]] for row in ROWS]
    content = csv_bytes(rows, encoding=encoding, delimiter=delimiter)
    upload(client, people.tree.A1, content, name="danh-sach.csv")
    batch = last_batch()
    assert batch.status == ImportBatch.Status.CHECKED, batch.message
    assert batch.accepted == 3 and not batch.rejected
    confirm(client, batch)
    assert names(people.tree.A1) == ["Lê Thị Hồng", "Nguyễn Thị Mai", "Trần Văn Hùng"]
    assert Household.objects.get(head_name="Nguyễn Thị Mai").address == "Số 10, Thôn Đông"


def test_nfd_and_tcvn3_text_is_converted_to_unicode(client_for, people):
    client = client_for(people.area_editor)
    nfd = unicodedata.normalize("NFD", "Phạm Văn Đức")
    rows = [
        [1, nfd, unicodedata.normalize("NFD", "Xóm Chợ"), 3],
        [2, "Ph¹m ThÞ HuÖ", "Sè 5 ngâ chî §×nh", 2],  # typed with a .VnTime font (TCVN3)
    ]
    header = ["STT", "Hä vµ tªn chñ hé", "®Þa chØ", "Sè nh©n khÈu"]
    upload(client, people.tree.A1, xlsx(rows, header=header))
    batch = last_batch()
    assert batch.status == ImportBatch.Status.CHECKED, batch.message
    confirm(client, batch)
    assert names(people.tree.A1) == ["Phạm Thị Huệ", "Phạm Văn Đức"]
    assert Household.objects.get(head_name="Phạm Văn Đức").address == "Xóm Chợ"
    assert Household.objects.get(head_name="Phạm Thị Huệ").address == "Số 5 ngõ chợ Đình"


def test_blank_numbering_and_total_rows_are_skipped(client_for, people):
    client = client_for(people.area_editor)
    rows = [
        ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)"],
        ROWS[0],
        [],
        ["", "", "", "", "", "", ""],
        ROWS[1],
        [4],  # a numbered row left empty in the template
        ["", "Tổng cộng", "", "", 6, "", ""],
        ["Cộng:", "", "", "", 6, "", ""],
    ]
    upload(client, people.tree.A1, xlsx(rows))
    batch = last_batch()
    assert (batch.accepted, batch.rejected, batch.total_rows) == (2, [], 2)


def test_a_row_without_a_head_or_with_bad_figures_is_rejected_with_its_reason(client_for, people):
    client = client_for(people.area_editor)
    rows = [
        [1, "", "", "Số 1", 3, "", "chưa ghi tên"],
        [2, "Vũ Văn Tâm", "", "Số 2", "ba", "", ""],
        [3, "Vũ Văn Tư", "", "Số 3", 99, "", ""],
        [4, "Vũ Văn Năm", "", "Số 4", 2, "12", ""],
        ROWS[0],
    ]
    upload(client, people.tree.A1, xlsx(rows))
    batch = last_batch()
    found = reasons(batch)
    assert batch.accepted == 1
    assert found[5] == "Hãy ghi họ tên chủ hộ."  # Excel row 5: two titles, a blank, the header
    assert found[6] == "Số nhân khẩu phải là số nguyên."
    assert found[7] == "Số nhân khẩu phải từ 1 đến 50."
    assert found[8] == "Số điện thoại phải có 8 đến 12 chữ số."
    assert batch.rejected[1]["values"] == ["2", "Vũ Văn Tâm", "Số 2", "ba"]
    page = client_for(people.area_editor).get(reverse("households:import_batch", args=[batch.pk]))
    assert "Số nhân khẩu phải là số nguyên." in page.content.decode()


VIETNAMESE = "aàảãáạăằẳẵắặâầẩẫấậđeèẻẽéẹêềểễếệiìỉĩíịoòỏõóọôồổỗốộơờởỡớợuùủũúụưừửữứựyỳỷỹýỵ"
LETTERS = st.sampled_from(VIETNAMESE + VIETNAMESE.upper() + " ,.-/#\t\u0301\u0323")


@given(st.text(LETTERS, max_size=40) | st.text(max_size=20), st.text(LETTERS, max_size=30))
def test_the_quick_keys_are_the_models_keys(head, address):
    """The check computes keys without Household.key_for(): they must never differ."""
    assert imports.quick_fold(head) == fold(head)
    assert imports.household_key(head, address) == Household.key_for(head, address)
    assert imports.household_key(head, address, head) == Household.key_for(head, address, head)


# Columns -----------------------------------------------------------------------------


def test_an_unknown_column_asks_for_the_mapping_then_checks(client_for, people):
    client = client_for(people.area_editor)
    header = ["TT", "Chủ hộ", "Nơi thường trú", "Nhân khẩu", "Nghề nghiệp"]
    rows = [[1, "Đặng Văn Lâm", "Xóm Giữa", 5, "Nông nghiệp"], [2, "Đặng Thị Thu", "", 2, ""]]
    upload(client, people.tree.A1, xlsx(rows, header=header))
    batch = last_batch()
    assert batch.status == ImportBatch.Status.MAPPING
    fields = {h["text"]: (h["field"], h["known"]) for h in batch.headers}
    assert fields["Chủ hộ"] == ("head_name", True)
    assert fields["Nơi thường trú"] == ("", False)
    assert fields["Nghề nghiệp"] == ("", False)
    page = client.get(reverse("households:import_batch", args=[batch.pk])).content.decode()
    assert 'name="col_2"' in page and "Đặng Văn Lâm" in page

    url = reverse("households:import_mapping", args=[batch.pk])
    response = client.post(url, {"col_0": "", "col_1": "", "col_2": "address", "col_3": "members"})
    assert response.status_code == 400
    assert "Hãy chọn cột “Họ và tên chủ hộ”" in response.content.decode()
    response = client.post(
        url, {"col_0": "", "col_1": "head_name", "col_2": "address", "col_3": "head_name"}
    )
    assert (
        response.status_code == 400 and "mỗi trường chỉ chọn một cột" in response.content.decode()
    )

    client.post(
        url,
        {"col_0": "", "col_1": "head_name", "col_2": "address", "col_3": "members", "col_4": ""},
    )
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.CHECKED and batch.accepted == 2
    confirm(client, batch)
    lam = Household.objects.get(head_name="Đặng Văn Lâm")
    assert (lam.address, lam.members, lam.notes) == ("Xóm Giữa", 5, "")


# Duplicates and re-imports -------------------------------------------------------------


def test_a_household_twice_in_the_file_is_rejected_on_both_rows(client_for, people):
    client = client_for(people.area_editor)
    rows = [ROWS[0], ROWS[1], [3, "nguyễn thị  mai", "", "số 10, thôn đông", 5, "", ""], ROWS[2]]
    upload(client, people.tree.A1, xlsx(rows))
    batch = last_batch()
    found = reasons(batch)
    assert batch.accepted == 2
    assert found[5].startswith("Trùng với hộ ở dòng 7 của tệp")
    assert found[7].startswith("Trùng với hộ ở dòng 5 của tệp")
    assert batch.rejected[0]["values"][0] == "Nguyễn Thị Mai"
    confirm(client, batch)
    assert names(people.tree.A1) == ["Lê Thị Hồng", "Trần Văn Hùng"]


def test_the_same_number_twice_is_a_duplicate(client_for, people):
    client = client_for(people.area_editor)
    rows = [[1, "Hà Văn Một", "H-01", "", 2, "", ""], [2, "Hà Văn Hai", "h-01", "", 2, "", ""]]
    upload(client, people.tree.A1, xlsx(rows))
    assert last_batch().accepted == 0 and set(reasons(last_batch())) == {5, 6}


def test_a_numbered_and_an_unnumbered_row_of_one_household_are_duplicates(client_for, people):
    client = client_for(people.area_editor)
    rows = [
        [1, "Hà Văn Một", "H-01", "Số 1", 2, "", ""],
        [2, "Hà Văn Một", "", "số 1", 2, "", ""],
        [3, "Hà Văn Một", "H-02", "Số 1", 2, "", "cùng tên, cùng nhà, số hộ khác"],
    ]
    upload(client, people.tree.A1, xlsx(rows))
    batch = last_batch()
    assert batch.accepted == 1 and set(reasons(batch)) == {5, 6}


def test_a_household_already_in_the_area_listed_twice_is_rejected_twice(client_for, homes):
    client = client_for(homes.cast.area_editor)
    rows = [
        [1, "Nguyễn Văn An", "", "Số 1, Thôn Đông", 3, "", ""],
        ROWS[0],
        [3, "Nguyễn Văn An", "", "Số 1, Thôn Đông", 4, "", ""],
    ]
    upload(client, homes.tree.A1, xlsx(rows))
    batch = last_batch()
    assert (batch.accepted, batch.unchanged) == (1, 0)
    assert set(reasons(batch)) == {5, 7}


def test_importing_the_same_file_again_changes_nothing(client_for, homes):
    client = client_for(homes.cast.area_editor)
    content = xlsx(ROWS)
    upload(client, homes.tree.A1, content)
    confirm(client, last_batch())
    after_first = stored()
    upload(client, homes.tree.A1, content)
    batch = last_batch()
    assert (batch.accepted, batch.unchanged, batch.rejected) == (0, 3, [])
    page = client.get(reverse("households:import_batch", args=[batch.pk])).content.decode()
    assert "không có hộ mới nào" in page and 'id="confirm"' not in page
    assert confirm(client, batch).status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.CHECKED and stored() == after_first


def test_households_already_in_the_area_are_unchanged(client_for, homes):
    """The fixture's households, listed again with a number the register did not have."""
    client = client_for(homes.cast.area_editor)
    rows = [
        [1, "Nguyễn Văn An", "05", "Số 1, Thôn Đông", 3, "", ""],
        [2, "TRẦN THỊ BÌNH", "", "số 2, thôn đông", 3, "", ""],
        [3, "Nguyễn Văn An", "", "Số 9, Thôn Đông", 3, "", "cùng tên, nhà khác"],
    ]
    upload(client, homes.tree.A1, xlsx(rows))
    batch = last_batch()
    assert (batch.accepted, batch.unchanged) == (1, 2)
    confirm(client, batch)
    assert Household.objects.filter(area=homes.tree.A1, head_name="Nguyễn Văn An").count() == 2
    assert Household.objects.filter(area=homes.tree.A1).count() == 6
    assert counters_match()


# A commune's list ----------------------------------------------------------------------


def test_a_commune_list_puts_each_row_in_its_area_and_rejects_others(client_for, homes):
    cast, t = homes.cast, homes.tree
    client = client_for(cast.editor)
    header = ["STT", "Họ tên chủ hộ", "Thôn/Tổ dân phố", "Địa chỉ", "Số khẩu"]
    rows = [
        [1, "Cao Văn Bảy", "Thôn Đông", "Số 20", 4],
        [2, "Cao Thị Tám", "đoài", "Số 21", 3],
        [3, "Cao Văn Chín", t.A3.code, "Số 22", 2],
        [4, "Cao Văn Mười", "Thôn Hạ", "Số 23", 2],  # A4 lies in the sibling commune N2
        [5, "Cao Văn Một", "Thôn Không Có", "Số 24", 2],
        [6, "Cao Văn Hai", "", "Số 25", 2],
    ]
    before_a4 = stored()[0]
    upload(client, t.N1, xlsx(rows, header=header))
    batch = last_batch()
    found = reasons(batch)
    assert batch.accepted == 3
    assert found[8] == (
        "Không có “Thôn Hạ” trong các khu dân cư của Phường Cẩm Giàng mà bạn được quyền nhập."
    )
    assert "Thôn Không Có" in found[9]
    assert found[10] == "Chưa ghi thôn, tổ dân phố của hộ."
    confirm(client, batch)
    assert Household.objects.get(head_name="Cao Văn Bảy").area == t.A1
    assert Household.objects.get(head_name="Cao Thị Tám").area == t.A2
    assert Household.objects.get(head_name="Cao Văn Chín").area == t.A3
    assert HouseholdYear.objects.get(household__head_name="Cao Thị Tám").area == t.A2
    assert not Household.objects.filter(head_name__in=["Cao Văn Mười", "Cao Văn Một"])
    assert [h for h in stored()[0] if h[2] == t.A4.pk] == [h for h in before_a4 if h[2] == t.A4.pk]
    assert counters_match()


def test_area_headings_place_the_rows_below_them(client_for, people):
    t = people.tree
    client = client_for(people.editor)
    header = ["STT", "Họ và tên chủ hộ", "Địa chỉ", "Số nhân khẩu"]
    rows = [
        ["I", "Thôn Đông"],
        [1, "Hồ Văn Xuân", "Số 1", 3],
        ["II. Thôn Đoài"],
        [1, "Hồ Thị Hạ", "Số 1", 2],
        ["III", "Thôn Hạ"],  # the sibling commune's
        [1, "Hồ Văn Thu", "Số 1", 2],
    ]
    upload(client, t.N1, xlsx(rows, header=header))
    batch = last_batch()
    assert batch.accepted == 2
    assert "Không có “Thôn Hạ”" in reasons(batch)[10]
    confirm(client, batch)
    assert Household.objects.get(head_name="Hồ Văn Xuân").area == t.A1
    assert Household.objects.get(head_name="Hồ Thị Hạ").area == t.A2


def test_two_areas_of_one_name_after_a_merger_need_the_code(client_for, people):
    t = people.tree
    twin = Unit.objects.create(code="A7", name="Thôn Đông", kind=Unit.Kind.RESIDENTIAL_AREA)
    unit_link_create(child=twin, parent=t.N1, valid_from=REFORM_DATE)
    client = client_for(people.editor)
    header = ["STT", "Họ và tên chủ hộ", "Thôn", "Số nhân khẩu"]
    rows = [[1, "Mạc Văn Một", "Thôn Đông", 3], [2, "Mạc Văn Hai", "a7", 3]]
    upload(client, t.N1, xlsx(rows, header=header))
    batch = last_batch()
    assert batch.accepted == 1
    assert reasons(batch)[5] == (
        "Có nhiều khu dân cư tên “Thôn Đông” trong Phường Cẩm Giàng; hãy ghi mã khu dân cư."
    )
    confirm(client, batch)
    assert Household.objects.get(head_name="Mạc Văn Hai").area == twin


def test_an_area_list_naming_another_area_is_rejected(client_for, people):
    client = client_for(people.area_editor)
    header = ["STT", "Họ và tên chủ hộ", "Thôn", "Số nhân khẩu"]
    rows = [[1, "Lò Văn Sáu", "Thôn Đông", 3], [2, "Lò Văn Bảy", "Thôn Đoài", 3]]
    upload(client, people.tree.A1, xlsx(rows, header=header))
    batch = last_batch()
    assert batch.accepted == 1 and "Không có “Thôn Đoài”" in reasons(batch)[6]


# Files refused -------------------------------------------------------------------------


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _zip_bomb() -> bytes:
    zeros = b"\0" * (imports.max_unpacked() + 1)
    return _zip({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>", "xl/big.bin": zeros})


REFUSED_AT_UPLOAD = [
    ("too large", lambda: b"x" * (1024 * 1024 + 1), "danh-sach.csv", "Tệp lớn hơn 1 MB"),
    ("far too large", lambda: b"x" * (2 * 1024 * 1024), "danh-sach.csv", "Tệp lớn hơn 1 MB"),
    ("a zip bomb", _zip_bomb, "danh-sach.xlsx", "khi giải nén lớn hơn 10 MB"),
    (
        "an encrypted workbook",
        lambda: OLE_MAGIC + b"\0" * 600 + "EncryptedPackage".encode("utf-16-le"),
        "danh-sach.xlsx",
        "đã được đặt mật khẩu",
    ),
    ("a damaged xlsx", lambda: xlsx(ROWS)[:1500], "danh-sach.xlsx", "bị hỏng"),
    ("a .docx", lambda: _zip({"word/document.xml": b"<x/>"}), "danh-sach.xlsx", "không phải"),
    ("a picture", lambda: b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "anh.png", "không phải tệp Excel"),
    ("an empty file", lambda: b"", "danh-sach.csv", "Tệp trống"),
]


@pytest.mark.parametrize(
    "case, make, name, message", REFUSED_AT_UPLOAD, ids=[c[0] for c in REFUSED_AT_UPLOAD]
)
def test_a_bad_file_is_refused_at_upload_and_nothing_is_kept(
    client_for, homes, settings, case, make, name, message
):
    settings.HOUSEHOLD_IMPORT_MAX_BYTES = 1024 * 1024
    before = stored()
    response = upload(client_for(homes.cast.area_editor), homes.tree.A1, make(), name=name)
    page = response.content.decode()
    assert response.status_code == 400, case
    assert message in page, case
    assert "chưa có hộ nào được ghi" in page
    assert not ImportBatch.objects.exists() and stored() == before


REFUSED_WHEN_READ = [
    ("a password-protected xls", lambda: xls([HEADER, *ROWS], password=True), "mật khẩu"),
    ("a damaged xls", lambda: xls([HEADER, *ROWS])[:1536], "bị hỏng"),
    ("a sheet without a header", lambda: xlsx([[1, 2, 3]] * 5, header=[1, 2, 3]), "dòng tên cột"),
    (
        "an entity bomb",
        lambda: _zip(
            {
                "[Content_Types].xml": b"<x/>",
                "xl/workbook.xml": b'<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>',
            }
        ),
        "bị hỏng",
    ),
]


@pytest.mark.parametrize(
    "case, make, message", REFUSED_WHEN_READ, ids=[c[0] for c in REFUSED_WHEN_READ]
)
def test_a_file_that_cannot_be_read_fails_with_its_reason(client_for, homes, case, make, message):
    client = client_for(homes.cast.area_editor)
    before = stored()
    name = "danh-sach.xls" if case.endswith("xls") else "danh-sach.xlsx"
    upload(client, homes.tree.A1, make(), name=name)
    batch = last_batch()
    assert batch.status == ImportBatch.Status.FAILED, case
    assert message in batch.message, case
    assert not batch.file  # a file that cannot be imported is not kept
    page = client.get(reverse("households:import_batch", args=[batch.pk])).content.decode()
    assert message in page and "chưa có hộ nào được ghi" in page
    assert stored() == before


def test_a_future_year_is_refused(client_for, people):
    response = upload(client_for(people.area_editor), people.tree.A1, xlsx(ROWS), year=2099)
    assert response.status_code == 400 and "Năm 2099 chưa đến" in response.content.decode()
    assert not ImportBatch.objects.exists()


# All or nothing ------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["writing", "counting"])
def test_a_failure_in_the_middle_of_the_commit_writes_nothing(
    client_for, homes, monkeypatch, where
):
    client = client_for(homes.cast.area_editor)
    rows = [[n, f"Hộ thử {n}", "", f"Số {n}", 2, "", ""] for n in range(1, 8)]
    upload(client, homes.tree.A1, xlsx(rows))
    batch = last_batch()
    before = stored()
    monkeypatch.setattr(imports, "COMMIT_CHUNK", 3)
    written = []
    write = imports.Writer.write

    def failing_write(self, new):
        write(self, new)  # the rows of the chunk are in the tables
        written.append(Household.objects.filter(head_name__startswith="Hộ thử").count())
        if where == "writing" and len(written) == 2:
            raise RuntimeError("hết chỗ trên đĩa")

    def failing_apply(deltas):
        raise RuntimeError("mất kết nối")

    monkeypatch.setattr(imports.Writer, "write", failing_write)
    if where == "counting":
        monkeypatch.setattr(imports.counters, "apply", failing_apply)
    confirm(client, batch)
    batch.refresh_from_db()
    assert written[:2] == [3, 6]
    assert stored() == before
    assert not AuditEvent.objects.filter(action="households.import")
    assert batch.status == ImportBatch.Status.CHECKED and "chưa có hộ nào được ghi" in batch.message
    assert cache.get(imports.progress_key(batch.pk)) is None

    monkeypatch.undo()
    confirm(client, batch)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE and batch.accepted == 7
    assert Household.objects.filter(head_name__startswith="Hộ thử").count() == 7
    assert counters_match()


def test_rows_added_by_hand_between_check_and_confirm_are_not_duplicated(client_for, people):
    from doanket.households import services

    client = client_for(people.area_editor)
    upload(client, people.tree.A1, xlsx(ROWS))
    services.household_create(
        user=people.area_editor,
        area=people.tree.A1,
        data={"head_name": "Nguyễn Thị Mai", "address": "Số 10, Thôn Đông"},
        year=THIS_YEAR,
    )
    batch = last_batch()
    confirm(client, batch)
    batch.refresh_from_db()
    assert (batch.accepted, batch.unchanged) == (2, 1)
    assert Household.objects.filter(head_name="Nguyễn Thị Mai").count() == 1
    assert counters_match()


def test_cancelling_writes_nothing_and_drops_the_files(client_for, people):
    client = client_for(people.area_editor)
    upload(client, people.tree.A1, xlsx(ROWS))
    batch = last_batch()
    storage = batch.file.storage
    upload_name = batch.file.name
    assert storage.exists(upload_name) and storage.exists(imports.staged_name(batch))
    response = client.post(reverse("households:import_cancel", args=[batch.pk]))
    batch.refresh_from_db()
    assert response.status_code == 302 and batch.status == ImportBatch.Status.CANCELLED
    assert not storage.exists(upload_name) and not storage.exists(imports.staged_name(batch))
    assert confirm(client, batch).status_code == 302
    assert not Household.objects.exists()


# The page while a job runs ---------------------------------------------------------------


def test_the_page_polls_and_shows_progress_while_a_job_runs(client_for, people):
    client = client_for(people.area_editor)
    upload(client, people.tree.A1, xlsx(ROWS))
    batch = last_batch()
    url = reverse("households:import_batch", args=[batch.pk])
    ImportBatch.objects.filter(pk=batch.pk).update(
        status="checking", done_rows=5000, total_rows=20000
    )
    response = client.get(url, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert 'hx-trigger="every 1s"' in page and "<html" not in page
    assert "width: 25%" in page and "5.000 / 20.000 dòng" in page

    ImportBatch.objects.filter(pk=batch.pk).update(status="importing")
    cache.set(imports.progress_key(batch.pk), {"done": 2, "total": 3})
    page = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "width: 67%" in page and "Đang ghi các hộ" in page
    cache.delete(imports.progress_key(batch.pk))


def test_the_rejected_rows_shown_are_capped_at_500(client_for, people):
    client = client_for(people.area_editor)
    upload(client, people.tree.A1, xlsx(ROWS))
    batch = last_batch()
    rejected = [
        {"row": n, "reason": "Hãy ghi họ tên chủ hộ.", "values": [str(n)]} for n in range(600)
    ]
    ImportBatch.objects.filter(pk=batch.pk).update(rejected=rejected)
    page = client.get(reverse("households:import_batch", args=[batch.pk])).content.decode()
    assert "Chỉ hiện 500 dòng đầu trong 600 dòng bị loại." in page
    assert page.count('data-row="') == 500


def test_the_check_and_commit_can_run_without_the_queue(people):
    """What the benchmark calls: the two jobs as plain functions."""
    batch = ImportBatch(unit=people.tree.A1, year=THIS_YEAR, created_by=people.area_editor)
    batch.original_name = "danh-sach.xlsx"
    batch.file.save("danh-sach.xlsx", io.BytesIO(xlsx(ROWS)), save=False)
    batch.save()
    imports.check_batch(batch)
    assert batch.status == ImportBatch.Status.CHECKED and batch.accepted == 3
    batch = imports.commit_batch(batch)
    assert batch.status == ImportBatch.Status.DONE
    assert imports.commit_batch(batch).status == ImportBatch.Status.DONE  # a second run: nothing
    assert Household.objects.count() == 3


# Who may do it -------------------------------------------------------------------------


def test_editors_see_the_upload_page_with_their_units(client_for, people):
    page = client_for(people.editor).get(reverse("households:import_start")).content.decode()
    assert "Phường Cẩm Giàng (mỗi hộ ghi thôn" in page and "Thôn Đông" in page
    assert "Thôn Hạ" not in page and "Xã Cẩm Thượng" not in page  # N2's area, an ended commune
    response = client_for(people.area_editor).get(reverse("households:import_start"))
    assert response.status_code == 200 and "Phường Cẩm Giàng" not in response.content.decode()


@pytest.mark.parametrize(
    "who", ["area_viewer", "viewer", "outsider", "commune_approver", "org_editor"]
)
def test_a_read_only_role_cannot_import(client_for, people, who):
    client = client_for(getattr(people, who))
    assert client.get(reverse("households:import_start")).status_code == 404
    response = upload(client, people.tree.A1, xlsx(ROWS))
    assert response.status_code == 404 and not ImportBatch.objects.exists()


def test_an_outsider_gets_not_found_and_nothing_is_written(client_for, people):
    t = people.tree
    outsider = client_for(people.outsider_editor)
    response = upload(outsider, t.A1, xlsx(ROWS))
    assert response.status_code == 404 and not ImportBatch.objects.exists()

    upload(client_for(people.area_editor), t.A1, xlsx(ROWS))
    batch = last_batch()
    outsider = client_for(people.outsider_editor)
    for name in ("import_batch", "import_confirm", "import_cancel", "import_mapping"):
        url = reverse(f"households:{name}", args=[batch.pk])
        response = outsider.post(url) if name != "import_batch" else outsider.get(url)
        assert response.status_code == 404, name
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.CHECKED and not Household.objects.exists()


def test_another_editor_of_the_area_does_not_see_the_uploaders_batch(client_for, people):
    upload(client_for(people.area_editor), people.tree.A1, xlsx(ROWS))
    batch = last_batch()
    response = client_for(people.editor).post(reverse("households:import_confirm", args=[batch.pk]))
    assert response.status_code == 404 and not Household.objects.exists()


def test_an_editor_who_lost_the_role_cannot_confirm(client_for, people):
    client = client_for(people.area_editor)
    upload(client, people.tree.A1, xlsx(ROWS))
    batch = last_batch()
    people.area_editor.memberships.all().delete()
    people.area_editor.__dict__.pop("_scope_unit_ids", None)
    assert confirm(client, batch).status_code == 404
    assert imports.commit_batch(batch).status == ImportBatch.Status.FAILED
    assert not Household.objects.exists()


def test_the_pages_need_a_login(client, people):
    response = client.get(reverse("households:import_start"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# In a browser --------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_commune_list_in_the_browser(page, live_server, people, settings):
    """Upload, map an unknown column, read the rejected rows, confirm; on a phone."""
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("text=Xin chào")

    header = ["STT", "Họ và tên chủ hộ", "Thôn", "Nơi ở hiện nay", "Số khẩu"]
    rows = [
        [1, "Cao Văn Bảy", "Thôn Đông", "Số 20", 4],
        [2, "Cao Thị Tám", "Thôn Đoài", "Số 21", 3],
        [3, "Cao Văn Mười", "Thôn Hạ", "Số 23", 2],
        ["", "Tổng cộng", "", "", 9],
    ]
    page.goto(f"{live_server.url}{reverse('households:import_start')}")
    shot(page, "39-household-import-start")
    page.select_option("#id_unit", label="Phường Cẩm Giàng (mỗi hộ ghi thôn, tổ dân phố của mình)")
    page.set_input_files(
        "#id_file",
        {
            "name": "ds-ho.xlsx",
            "mimeType": "application/octet-stream",
            "buffer": xlsx(rows, header),
        },
    )
    page.click("button:has-text('Tải lên và kiểm tra')")
    page.wait_for_selector("#mapping")
    shot(page, "40-household-import-mapping")
    page.select_option("select[name=col_3]", "address")
    page.click("#mapping-submit")
    page.wait_for_selector("#rejected")
    assert "Không có “Thôn Hạ”" in page.inner_text("#rejected")
    assert page.inner_text("#count-accepted") == "2"
    shot(page, "41-household-import-checked")

    # A check still running: the page polls and shows the result when it is ready.
    batch = last_batch()
    ImportBatch.objects.filter(pk=batch.pk).update(status="checking", done_rows=1, total_rows=4)
    page.reload()
    page.wait_for_selector(".progress-bar")
    shot(page, "43-household-import-progress")
    ImportBatch.objects.filter(pk=batch.pk).update(status="checked")
    page.wait_for_selector("#confirm", timeout=5000)
    page.click("#confirm")
    page.wait_for_selector("#done")
    shot(page, "42-household-import-done")
    assert Household.objects.get(head_name="Cao Thị Tám").area == people.tree.A2
