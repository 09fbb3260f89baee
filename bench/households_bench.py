"""The household registers' roll-up, through the counters, at 6,000 and 600,000 households.

600,000 households live on the residential areas of the legacy Hải Dương tree (12
districts, 207 communes, 2,117 areas on 30/06/2025), each with its 2024 and 2025 years
(cultured-family registration and official result, poverty status). A twin province
copies that tree unit for unit, with 6,000 households on it (at least one per area, so
both trees have the same 4,234 counter rows).

Why the cost follows units, not households: every change of a household writes the
difference of its contribution to `AreaYearCount` in the change's own transaction, so a
roll-up reads one counter row per area and year. Both provinces have the same areas,
hence the same counter rows to add up; only the numbers inside them are 100 times larger.
The direct count over the household-years is printed beside it to show what that saves.

The generated households are kept in the bench database: a run that finds them all skips
the generation (PostgreSQL: COPY; SQLite: executemany in one transaction), and counts them
again only when the counters are missing or differ from counters.py's rules.
"""

import datetime
import os
import random
import resource
import time

from django.db import connection, transaction
from django.utils import timezone

from doanket.core.lib.vn_text import fold
from doanket.households.counters import counters_rebuild, fresh_counts
from doanket.households.models import (
    AreaYearCount,
    Evaluation,
    Household,
    HouseholdYear,
    Poverty,
    PovertyStandard,
    Result,
)
from doanket.households.selectors import register_figures
from doanket.units.loading import divisions_load, residential_areas_generate
from doanket.units.models import Unit, UnitLink, valid_on

OLD_DAY = datetime.date(2025, 6, 30)
YEAR = 2025
YEARS = (2024, 2025)
LARGE = 600_000
SMALL = 6_000
TWIN = "HB6K"  # code prefix of the twin province's units
TWIN_NAMES = {"province": "Tỉnh", "district": "Huyện", "commune": "Xã", "residential_area": "Thôn"}
SAMPLE_AREAS = 20  # per tree, for checking the SQL counters against counters.fresh_counts

# the links of a subtree, through the path index
SUBTREE = {
    "postgresql": "l.path LIKE %s",
    "sqlite": "l.path >= %s AND l.path < %s",
}
CHILD = {
    "postgresql": "split_part(substr(l.path, {n}), '/', 1)",
    "sqlite": "substr(substr(l.path, {n}), 1, instr(substr(l.path, {n}), '/') - 1)",
}
# The floor: one hand-written query giving what register_figures gives, per child of the
# unit: this year's counters, last year's poor and near-poor, the areas and the cultured
# areas. Each area has at most one counter row per year, so the joins do not multiply.
# Written as the databases run it best: the subtree through the path index (a LIKE prefix
# on PostgreSQL's pattern index; a range on SQLite, whose case-insensitive LIKE cannot use
# an index) and each link's kind looked up by primary key (a join lets PostgreSQL hash
# all ~110,000 units of the bench database).
FLOOR_SQL = """
SELECT {child} AS child, COUNT(*), COUNT(t.id),
       SUM(c.households), SUM(c.registered), SUM(c.achieved), SUM(c.reviewed), SUM(c.poor),
       SUM(c.near_poor), SUM(c.average), SUM(c.escaped), SUM(c.fell_back), SUM(c.new_poor),
       SUM(p.poor), SUM(p.near_poor)
FROM units_unitlink l
LEFT JOIN households_areayearcount c ON c.area_id = l.child_id AND c.year = %s
LEFT JOIN households_areayearcount p ON p.area_id = l.child_id AND p.year = %s
LEFT JOIN households_areatitle t ON t.area_id = l.child_id AND t.year = %s
     AND t.status = 'achieved'
WHERE (SELECT u.kind FROM units_unit u WHERE u.id = l.child_id) = 'residential_area'
  AND l.valid_from <= %s AND l.valid_to >= %s AND {subtree}
GROUP BY 1
"""
# What the counters save: the same sums counted from the household-years themselves
# (without the year-to-year changes, which would need one more self-join).
DIRECT_SQL = """
SELECT {child} AS child, COUNT(*),
       SUM(CASE WHEN y.registered THEN 1 ELSE 0 END),
       SUM(CASE WHEN y.official AND y.result = 'achieved' THEN 1 ELSE 0 END),
       SUM(CASE WHEN y.poverty <> '' THEN 1 ELSE 0 END),
       SUM(CASE WHEN y.poverty = 'poor' THEN 1 ELSE 0 END),
       SUM(CASE WHEN y.poverty = 'near_poor' THEN 1 ELSE 0 END),
       SUM(CASE WHEN y.poverty = 'average' THEN 1 ELSE 0 END)
FROM households_householdyear y JOIN units_unitlink l ON l.child_id = y.area_id
WHERE y.year = %s AND y.present AND l.valid_from <= %s AND l.valid_to >= %s
  AND {subtree}
GROUP BY 1
"""
# The counters of a set of areas in one statement, equal to what counters_rebuild() writes
# (checked on sampled areas at every run; counters_rebuild() takes over when they differ).
# The transitions compare a year with the year before when both were reviewed (the
# self-join on household and year - 1) and, for a return to poverty, with any earlier year.
COUNTERS_SQL = """
INSERT INTO households_areayearcount (area_id, year, households, registered, achieved,
    reviewed, poor, near_poor, average, escaped, fell_back, new_poor)
SELECT y.area_id, y.year, COUNT(*),
    SUM(CASE WHEN y.registered THEN 1 ELSE 0 END),
    SUM(CASE WHEN y.official AND y.result = 'achieved' THEN 1 ELSE 0 END),
    SUM(CASE WHEN y.poverty <> '' THEN 1 ELSE 0 END),
    SUM(CASE WHEN y.poverty = 'poor' THEN 1 ELSE 0 END),
    SUM(CASE WHEN y.poverty = 'near_poor' THEN 1 ELSE 0 END),
    SUM(CASE WHEN y.poverty = 'average' THEN 1 ELSE 0 END),
    SUM(CASE WHEN y.poverty <> '' AND y.poverty <> 'poor' AND p.poverty = 'poor'
        THEN 1 ELSE 0 END),
    SUM(CASE WHEN y.poverty = 'poor' AND p.poverty <> '' AND p.poverty <> 'poor'
        AND EXISTS ({poor_before}) THEN 1 ELSE 0 END),
    SUM(CASE WHEN y.poverty = 'poor' AND p.poverty <> '' AND p.poverty <> 'poor'
        AND NOT EXISTS ({poor_before}) THEN 1 ELSE 0 END)
FROM households_householdyear y
LEFT JOIN households_householdyear p ON p.household_id = y.household_id
     AND p.year = y.year - 1
WHERE y.present AND y.area_id IN ({areas})
GROUP BY y.area_id, y.year
""".format(
    poor_before="SELECT 1 FROM households_householdyear e WHERE e.household_id = y.household_id "
    "AND e.year < y.year - 1 AND e.poverty = 'poor'",
    areas="SELECT a.child_id FROM units_unitlink a WHERE a.path LIKE %s",
)

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Ngọc", "Quang", "Thu", "Hữu"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hoa", "Hùng", "Lan", "Linh", "Long"]
GIVEN += ["Mai", "Nam", "Phương", "Quân", "Sơn", "Thảo", "Trang", "Tuấn", "Yến"]
NAMES = [
    (name, fold(name)) for name in (f"{s} {m} {g}" for s in SURNAMES for m in MIDDLE for g in GIVEN)
]

HOUSEHOLD_COLUMNS = (
    "id",
    "area_id",
    "number",
    "head_name",
    "head_name_folded",
    "address",
    "members",
    "phone",
    "notes",
    "gone_on",
    "gone_reason",
    "match_key",
    "created_at",
    "updated_at",
)
YEAR_COLUMNS = (
    "household_id",
    "year",
    "area_id",
    "present",
    "registered",
    "registered_on",
    "result",
    "criteria",
    "criteria_notes",
    "result_note",
    "evaluation_id",
    "official",
    "poverty",
    "standard_id",
    "zone",
    "income",
    "deprivations",
    "poverty_decision",
    "poverty_decided_on",
    "updated_at",
)


# The trees -------------------------------------------------------------------------


def _path(unit: Unit) -> str:
    return UnitLink.objects.get(valid_on(OLD_DAY), child=unit).path


def _subtree(path: str):
    return (
        UnitLink.objects.filter(valid_on(OLD_DAY), path__startswith=path)
        .select_related("child")
        .order_by("depth", "path")
    )


@transaction.atomic
def _twin_build(hai_duong: Unit) -> Unit:
    """A province copying the legacy Hải Dương tree of 30/06/2025 unit for unit (same
    districts, communes and areas, same spans), under names no search of the other
    benchmarks finds."""
    links = list(_subtree(_path(hai_duong)))
    copies = []
    for number, link in enumerate(links):
        unit = link.child
        name = f"{TWIN_NAMES[unit.kind]} đôi {number}"
        copies.append(
            Unit(
                code=f"{TWIN}-{unit.code}"[:20],
                name=name,
                name_folded=fold(name),
                kind=unit.kind,
                valid_from=unit.valid_from,
                valid_to=unit.valid_to,
            )
        )
    copies = Unit.objects.bulk_create(copies, batch_size=2000)
    twin_of = {link.child_id: copy.pk for link, copy in zip(links, copies, strict=True)}

    def twin_path(path: str) -> str:
        return "/" + "".join(f"{twin_of[int(part)]}/" for part in path.strip("/").split("/"))

    UnitLink.objects.bulk_create(
        (
            UnitLink(
                child_id=twin_of[link.child_id],
                parent_id=twin_of[link.parent_id] if link.parent_id in twin_of else None,
                valid_from=link.valid_from,
                valid_to=link.valid_to,
                path=twin_path(link.path),
                depth=link.depth,
            )
            for link in links
        ),
        batch_size=2000,
    )
    return copies[0]


def _areas(path: str) -> list[tuple[int, str, str, str]]:
    """(area id, name, zone, code) of the areas of a tree; the zone follows the commune's
    kind (a ward or township is urban)."""
    communes = {}
    areas = []
    for link in _subtree(path):
        unit = link.child
        if unit.kind == Unit.Kind.COMMUNE:
            communes[unit.pk] = unit
        elif unit.kind == Unit.Kind.RESIDENTIAL_AREA:
            commune = communes.get(link.parent_id)
            urban = commune is not None and commune.name.startswith(("Phường", "Thị trấn"))
            areas.append((unit.pk, unit.name, "urban" if urban else "rural", unit.code))
    return areas


def _twin_zones(areas: list, original: list) -> list:
    """The twin's areas take the zones of the areas they copy (found by code)."""
    zones = {f"{TWIN}-{code}"[:20]: zone for _pk, _name, zone, code in original}
    return [(pk, name, zones[code], code) for pk, name, _zone, code in areas]


# The households ----------------------------------------------------------------------


def _sizes(count: int, total: int, rng: random.Random) -> list[int]:
    """Households per area: at least one each, the rest spread by random weights."""
    weights = [rng.randint(150, 550) for _ in range(count)]
    spread = total - count
    sizes = [1 + spread * weight // sum(weights) for weight in weights]
    for index in range(total - sum(sizes)):
        sizes[index] += 1
    return sizes


def _poverty_2024(rng: random.Random) -> str:
    draw = rng.random()
    if draw < 0.03:
        return Poverty.POOR
    if draw < 0.07:
        return Poverty.NEAR_POOR
    if draw < 0.12:
        return Poverty.AVERAGE
    return Poverty.NONE


def _poverty_next(status: str, rng: random.Random) -> str:
    """One year later: a third of the poor escape, some near-poor and a few others fall
    (new poor: no earlier poor year is generated, so none falls back)."""
    draw = rng.random()
    if status == Poverty.POOR:
        if draw < 0.35:
            return rng.choice([Poverty.NEAR_POOR, Poverty.NEAR_POOR, Poverty.AVERAGE])
        return Poverty.POOR
    if status == Poverty.NEAR_POOR:
        return Poverty.POOR if draw < 0.1 else Poverty.AVERAGE if draw < 0.3 else status
    if draw < 0.005:
        return Poverty.POOR
    return Poverty.NEAR_POOR if draw < 0.015 else status


INCOME = {
    Poverty.POOR: (700_000, 1_500_000),
    Poverty.NEAR_POOR: (1_000_000, 1_500_000),
    Poverty.AVERAGE: (1_500_001, 2_250_000),
    Poverty.NONE: (2_250_001, 9_000_000),
}


def _rows(plan, first_id: int, evaluations: dict, standard_id, seed: str):
    """Yield (household row, [year rows]) for every planned household."""
    rng = random.Random(seed)
    now = timezone.now()
    if connection.vendor == "sqlite":
        now = now.replace(tzinfo=None)  # stored as naive UTC text, as the ORM does
    gone_day = datetime.date(2025, 5, 1)
    next_id = first_id
    for area_id, area_name, zone, size in plan:
        for number in range(1, size + 1):
            name, folded = rng.choice(NAMES)
            gone = rng.random() < 0.01
            household = (
                next_id,
                area_id,
                str(number),
                name,
                folded,
                area_name,
                rng.randint(1, 7),
                "",
                "",
                gone_day if gone else None,
                "Chuyển đi nơi khác" if gone else "",
                f"#{number}",
                now,
                now,
            )
            registered = rng.random() < 0.9
            status = _poverty_2024(rng)
            years = []
            for year in YEARS:
                present = not (gone and year == 2025)
                achieved = rng.random() < 0.94
                result = (
                    (Result.ACHIEVED if achieved else Result.NOT_ACHIEVED) if registered else ""
                )
                low, high = INCOME[status]
                years.append(
                    (
                        next_id,
                        year,
                        area_id,
                        present,
                        registered,
                        datetime.date(year, 2, 15) if registered else None,
                        result,
                        "{}",
                        "{}",
                        "",
                        evaluations[(area_id, year)] if registered else None,
                        registered,
                        status if present else "",
                        standard_id if present else None,
                        zone,
                        rng.randint(low, high) if present else None,
                        "[]",
                        "",
                        datetime.date(year, 12, 10) if present else None,
                        now,
                    )
                )
                registered = rng.random() < (0.96 if registered else 0.5)
                status = _poverty_next(status, rng)
            next_id += 1
            yield household, years


def _table_write(model, columns, rows) -> None:
    """COPY on PostgreSQL; executemany in the load's one transaction on SQLite."""
    table = model._meta.db_table
    names = ", ".join(columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


def _evaluations(area_ids: list[int]) -> dict[tuple[int, int], int]:
    """One decided evaluation per area and year: the official results hang on it."""
    created = Evaluation.objects.bulk_create(
        (
            Evaluation(
                area_id=area_id,
                year=year,
                status=Evaluation.Status.DECIDED,
                meeting_on=datetime.date(year, 11, 20),
                posted_on=datetime.date(year, 11, 22),
                proposed_on=datetime.date(year, 12, 5),
                decision_number=f"{area_id}/QĐ-UBND",
                decision_on=datetime.date(year, 12, 15),
            )
            for area_id in area_ids
            for year in YEARS
        ),
        batch_size=2000,
    )
    return {(e.area_id, e.year): e.pk for e in created}


def _households_load(areas: list, total: int, seed: str) -> None:
    """Households and their two years, streamed in chunks so memory stays flat."""
    rng = random.Random(seed)
    plan = [
        (pk, name, zone, size)
        for (pk, name, zone, _code), size in zip(areas, _sizes(len(areas), total, rng), strict=True)
    ]
    evaluations = _evaluations([area[0] for area in areas])
    standard = PovertyStandard.objects.filter(first_year__lte=YEAR, last_year__gte=YEAR).first()
    first_id = (Household.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    chunk: list = []
    for household, years in _rows(plan, first_id, evaluations, standard and standard.pk, seed):
        chunk.append((household, years))
        if len(chunk) == 50_000:
            _chunk_write(chunk)
            chunk = []
    _chunk_write(chunk)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('households_household', 'id'), "
                "(SELECT MAX(id) FROM households_household))"
            )


def _chunk_write(chunk: list) -> None:
    _table_write(Household, HOUSEHOLD_COLUMNS, (household for household, _years in chunk))
    _table_write(HouseholdYear, YEAR_COLUMNS, (row for _h, years in chunk for row in years))


def _statistics() -> None:
    """Fresh planner statistics after the load, for the counters' self-join."""
    with connection.cursor() as cursor:
        for model in (Household, HouseholdYear):
            cursor.execute(f"ANALYZE {model._meta.db_table}")


def _counters_build(path: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM households_areayearcount WHERE area_id IN "
            "(SELECT child_id FROM units_unitlink WHERE path LIKE %s)",
            [path + "%"],
        )
        cursor.execute(COUNTERS_SQL, [path + "%"])


def _same(areas: list, seed: str) -> bool:
    """The SQL counters equal what counters_rebuild() would write, on sampled areas."""
    sample = {area[0] for area in random.Random(seed).sample(areas, SAMPLE_AREAS)}
    expected = fresh_counts(sample)
    stored = {
        (row["area_id"], row["year"]): {name: row[name] for name in AreaYearCount.FIELDS}
        for row in AreaYearCount.objects.filter(area_id__in=sample).values(
            "area_id", "year", *AreaYearCount.FIELDS
        )
    }
    return stored == expected


def _households_clear(path: str) -> None:
    """Drop what a broken earlier run left under a tree, before loading it again."""
    below = "(SELECT child_id FROM units_unitlink WHERE path LIKE %s)"
    households = f"(SELECT id FROM households_household WHERE area_id IN {below})"
    with connection.cursor() as cursor:
        for sql in (
            f"DELETE FROM households_areayearcount WHERE area_id IN {below}",
            f"DELETE FROM households_householdyear WHERE household_id IN {households}",
            f"DELETE FROM households_household WHERE area_id IN {below}",
            f"DELETE FROM households_evaluation WHERE area_id IN {below}",
        ):
            cursor.execute(sql, [path + "%"])


def _counts(path: str) -> tuple[int, int]:
    """(households, counter rows) under a tree."""
    below = UnitLink.objects.filter(path__startswith=path).values("child_id")
    return (
        Household.objects.filter(area_id__in=below).count(),
        AreaYearCount.objects.filter(area_id__in=below).count(),
    )


def _tree_ready(label: str, path: str, areas: list, total: int) -> None:
    """Generate the households of a tree unless the bench database holds them already,
    then make sure its counters follow counters.py's rules. The counters come in their own
    transaction, after fresh statistics: a run stopped before them leaves none, and the
    next run counts again."""
    households, counters = _counts(path)
    started = time.perf_counter()
    if households != total:
        with transaction.atomic():
            _households_clear(path)
            _households_load(areas, total, seed=f"households:{label}")
        _statistics()
        loaded = time.perf_counter()
        print(
            f"households {label}: {total:,} households, {total * len(YEARS):,} household-years "
            f"({len(areas):,} areas) loaded in {loaded - started:.1f} s",
            flush=True,
        )
    else:
        print(f"households {label}: {total:,} households already loaded, kept", flush=True)
    if households != total or counters != len(areas) * len(YEARS) or not _same(areas, label):
        started = time.perf_counter()
        with transaction.atomic():
            _counters_build(path)
        print(f"households {label}: counters in {time.perf_counter() - started:.1f} s", flush=True)
    same = _same(areas, label)
    if not same:
        started = time.perf_counter()
        counters_rebuild()
        same = _same(areas, label)
        print(
            f"households {label}: the SQL counters differ from counters.py's rules; "
            f"counters_rebuild() took {time.perf_counter() - started:.1f} s",
            flush=True,
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"households {label}: counters equal counters.py's fresh count on {SAMPLE_AREAS} "
        f"sampled areas: {'yes' if same else 'NO'}; peak memory {peak:,.0f} MB",
        flush=True,
    )


# The cases ---------------------------------------------------------------------------


def _raw(sql: str, path: str, params: list):
    vendor = connection.vendor
    sql = sql.format(child=CHILD[vendor].format(n=len(path) + 1), subtree=SUBTREE[vendor])
    if vendor == "postgresql":
        params = [*params, OLD_DAY, OLD_DAY, path + "%"]
    else:  # every path below starts with `path`, which ends with "/"; "0" follows "/"
        params = [*params, OLD_DAY, OLD_DAY, path, path[:-1] + "0"]

    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    return run


def _floor(unit: Unit):
    return _raw(FLOOR_SQL, _path(unit), [YEAR, YEAR - 1, YEAR])


def _direct(unit: Unit):
    return _raw(DIRECT_SQL, _path(unit), [YEAR])


def _service(unit: Unit):
    return lambda: register_figures(unit, YEAR, OLD_DAY)


def _provinces() -> tuple[Unit, Unit]:
    divisions_load()
    residential_areas_generate()
    hai_duong = Unit.objects.get(code="30", kind=Unit.Kind.PROVINCE)
    twin = Unit.objects.filter(code=f"{TWIN}-30").first() or _twin_build(hai_duong)
    return hai_duong, twin


def _ready() -> tuple[Unit, Unit]:
    hai_duong, twin = _provinces()
    originals = _areas(_path(hai_duong))
    twin_areas = _twin_zones(_areas(_path(twin)), originals)
    _tree_ready("Hải Dương", _path(hai_duong), originals, LARGE)
    _tree_ready("twin province", _path(twin), twin_areas, SMALL)
    return hai_duong, twin


def cases():
    hai_duong, twin = _ready()
    district = Unit.objects.get(code="288", kind=Unit.Kind.DISTRICT)
    commune = (
        UnitLink.objects.filter(valid_on(OLD_DAY), parent=district, child__kind="commune")
        .order_by("child__code")
        .first()
        .child
    )
    return [
        (
            f"households roll-up Hải Dương {YEAR} ({LARGE:,}, old map)",
            _service(hai_duong),
            _floor(hai_duong),
        ),
        (
            f"households roll-up a district {YEAR} (old map)",
            _service(district),
            _floor(district),
        ),
        (
            f"households roll-up a commune {YEAR} (old map)",
            _service(commune),
            _floor(commune),
        ),
        (
            f"households roll-up twin province {YEAR} ({SMALL:,})",
            _service(twin),
            _floor(twin),
        ),
    ]


def report(timed_pair) -> None:
    """The scaling and what the counters save, after the cases."""
    hai_duong = Unit.objects.get(code="30", kind=Unit.Kind.PROVINCE)
    twin = Unit.objects.get(code=f"{TWIN}-30")
    small, large = timed_pair(_service(twin), _service(hai_duong))
    small_floor, large_floor = timed_pair(_floor(twin), _floor(hai_duong))
    print(
        f"households 600k / 6k = ×{large / small:.2f} (target ≤ 1.2): "
        f"{small * 1000:.2f} ms → {large * 1000:.2f} ms; "
        f"floor ×{large_floor / small_floor:.2f}"
    )
    repeat = int(os.getenv("BENCH_DIRECT_REPEAT", "7"))
    counters, direct = timed_pair(_floor(hai_duong), _direct(hai_duong), repeat=repeat)
    print(
        f"households direct COUNT over {LARGE * len(YEARS):,} household-years (province) "
        f"floor {direct * 1000:8.2f} ms  = ×{direct / counters:.0f} the counters floor"
    )
    small_counters, small_direct = timed_pair(_floor(twin), _direct(twin), repeat=repeat)
    print(
        f"households direct COUNT at {SMALL:,} households (twin province) "
        f"floor {small_direct * 1000:8.2f} ms  = ×{small_direct / small_counters:.1f} "
        "the counters floor"
    )
