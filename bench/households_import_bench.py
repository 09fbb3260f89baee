"""A commune's household list of 100,000 rows, imported end to end (check + commit),
against a COPY of the same rows into a table shaped like the households' as the floor.

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/dk_bench_import \\
      .venv/bin/python -c "import django,os; os.environ.setdefault('DJANGO_SETTINGS_MODULE',
      'doanket.settings'); django.setup(); from django.core.management import call_command;
      call_command('migrate', verbosity=0); from bench import households_import_bench as b;
      b.run()"

Memory is the growth of the process's peak resident size (getrusage ru_maxrss) during
the import: it counts what calamine allocates outside Python too, which tracemalloc
would not see. The file is made once (openpyxl write_only) and kept in the temporary
folder between runs.
"""

import datetime
import multiprocessing
import os
import resource
import tempfile
import time
from pathlib import Path

from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

from doanket.accounts.models import Membership, Role, User
from doanket.core.lib.vn_text import fold
from doanket.households import imports
from doanket.households.models import AreaYearCount, Household, HouseholdYear, ImportBatch
from doanket.units.models import Unit
from doanket.units.services import unit_link_create

ROWS = 100_000
AREAS = 20
YEAR = 2026
PREFIX = "BENCH-IMP"
HEADER = ["STT", "Họ và tên chủ hộ", "Số hộ", "Địa chỉ", "Số nhân khẩu", "Điện thoại", "Thôn"]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thanh", "Ngọc", "Quang", "Hữu"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Giang", "Hòa", "Khánh", "Lan", "Mai", "Nam", "Phúc"]


def area_name(index: int) -> str:
    return f"Thôn Thử {index + 1}"


def row(index: int) -> list:
    """One household of the list; every row a different household."""
    name = f"{SURNAMES[index % 10]} {MIDDLE[index // 10 % 8]} {GIVEN[index // 80 % 11]}"
    return [
        index + 1,
        name,
        f"H{index + 1:06d}",
        f"Số {index // 20 + 1}, ngõ {index % 37 + 1}",
        index % 7 + 1,
        f"09{index:08d}",
        area_name(index % AREAS),
    ]


def make_file(path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Danh sách hộ")
    sheet.append(["DANH SÁCH HỘ GIA ĐÌNH XÃ THỬ NHẬP NĂM 2026"])
    sheet.append([])
    sheet.append(HEADER)
    for index in range(ROWS):
        sheet.append(row(index))
    sheet.append(["", "Tổng cộng", "", "", "", "", ""])
    book.save(path)


def the_file() -> Path:
    path = Path(tempfile.gettempdir()) / f"doanket-bench-households-{ROWS}.xlsx"
    if not path.exists():
        started = time.perf_counter()
        # In a child process, so that its memory does not raise this process's peak.
        child = multiprocessing.get_context("fork").Process(
            target=make_file, args=(path.with_suffix(".tmp"),)
        )
        child.start()
        child.join()
        path.with_suffix(".tmp").rename(path)
        print(f"made {path} in {time.perf_counter() - started:.1f} s")
    return path


@transaction.atomic
def tree() -> tuple[Unit, list[Unit], User]:
    """1 province, 1 commune, 20 areas, and an editor of the commune; households and
    counters of an earlier run are removed."""
    province = Unit.objects.filter(code=f"{PREFIX}-P").first()
    if province is None:
        province = Unit.objects.create(
            code=f"{PREFIX}-P", name="Tỉnh Thử Nhập", kind=Unit.Kind.PROVINCE
        )
        unit_link_create(child=province, parent=None)
        commune = Unit.objects.create(code=f"{PREFIX}-X", name="Xã Thử Nhập", kind="commune")
        unit_link_create(child=commune, parent=province)
        for index in range(AREAS):
            area = Unit.objects.create(
                code=f"{PREFIX}-{index + 1:02d}",
                name=area_name(index),
                kind=Unit.Kind.RESIDENTIAL_AREA,
            )
            unit_link_create(child=area, parent=commune)
    commune = Unit.objects.get(code=f"{PREFIX}-X")
    areas = list(Unit.objects.filter(code__startswith=f"{PREFIX}-", kind="residential_area"))
    user, _ = User.objects.get_or_create(
        username="bench_importer", defaults={"full_name": "Người nhập thử"}
    )
    Membership.objects.get_or_create(user=user, unit=commune, role=Role.EDITOR)
    HouseholdYear.objects.filter(area__in=areas).delete()
    Household.objects.filter(area__in=areas).delete()
    AreaYearCount.objects.filter(area__in=areas).delete()
    ImportBatch.objects.filter(unit=commune).delete()
    return commune, areas, user


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def import_once(commune: Unit, user: User, path: Path) -> dict:
    batch = ImportBatch(unit=commune, year=YEAR, created_by=user, original_name=path.name)
    with path.open("rb") as stream:
        batch.file.save("danh-sach.xlsx", stream, save=False)
    batch.save()
    before = _maxrss_mb()
    cpu = time.process_time()
    started = time.perf_counter()
    imports.check_batch(batch)
    checked = time.perf_counter()
    assert batch.status == ImportBatch.Status.CHECKED, batch.message
    assert batch.accepted == ROWS, (batch.accepted, batch.rejected[:3])
    batch = imports.commit_batch(batch)
    done = time.perf_counter()
    assert batch.status == ImportBatch.Status.DONE
    return {
        "check": checked - started,
        "commit": done - checked,
        "total": done - started,
        "cpu": time.process_time() - cpu,
        "memory": _maxrss_mb() - before,
    }


def copy_columns(areas: list[Unit]) -> tuple[list[str], list[tuple]]:
    """The same rows as the import writes them, ready for COPY."""
    ids = {area.name: area.pk for area in areas}
    now = timezone.now()
    columns = [
        "area_id",
        "number",
        "head_name",
        "head_name_folded",
        "address",
        "members",
        "phone",
        "notes",
        "gone_reason",
        "match_key",
        "created_at",
        "updated_at",
    ]
    rows = []
    for index in range(ROWS):
        _n, name, number, address, members, phone, area = row(index)
        key = Household.key_for(name, address, number)
        rows.append(
            (ids[area], number, name, fold(name), address, members, phone, "", "", key, now, now)
        )
    return columns, rows


def copy_floor(areas: list[Unit], repeat: int = 3) -> float:
    """The best of `repeat` COPYs of the rows into a table like the households' (same
    columns, defaults and indexes), each in its own transaction."""
    columns, rows = copy_columns(areas)
    table = "bench_household_copy"
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    times = []
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(f"CREATE TABLE {table} (LIKE households_household INCLUDING ALL)")
    try:
        for _ in range(repeat):
            with connection.cursor() as cursor:
                cursor.execute(f"TRUNCATE {table}")
            started = time.perf_counter()
            with transaction.atomic(), connection.cursor() as cursor:
                with cursor.cursor.copy(sql) as copy:
                    for values in rows:
                        copy.write_row(values)
            times.append(time.perf_counter() - started)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
    return min(times)


def run() -> dict:
    path = the_file()
    commune, areas, user = tree()
    with (
        tempfile.TemporaryDirectory(prefix="bench-media-") as media,
        override_settings(DEBUG=False, MEDIA_ROOT=media),
    ):
        result = import_once(commune, user, path)
    rate = ROWS / result["total"]
    print(f"\n== household import, {connection.vendor}, {ROWS:,} rows, {datetime.date.today()}")
    print(
        f"check {result['check']:.2f} s + commit {result['commit']:.2f} s = "
        f"{result['total']:.2f} s: {rate:,.0f} rows/s"
    )
    print(
        f"this process's CPU time {result['cpu']:.2f} s (the rest is the database, or "
        f"waiting for a core on a busy machine: load average {os.getloadavg()[0]:.1f})"
    )
    print(
        f"peak memory: +{result['memory']:.0f} MB (growth of ru_maxrss during the import; "
        f"the process peaked at {_maxrss_mb():.0f} MB in all)"
    )
    result["rows_per_second"] = rate
    if connection.vendor == "postgresql":
        floor = copy_floor(areas)
        result["copy"] = floor
        print(
            f"COPY floor {floor:.2f} s ({ROWS / floor:,.0f} rows/s): "
            f"import ×{result['total'] / floor:.1f}, commit alone ×{result['commit'] / floor:.1f}"
        )
    tree()  # leave the bench database as it was
    return result
