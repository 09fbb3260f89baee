"""Roll-ups through the service against the raw SQL aggregate of the same figures.

Province scale: the legacy Hải Dương tree (12 districts, 207 communes, ~1,700 areas) with
two years of the standard form (the demo data). National scale: a synthetic tree of 34
provinces, 3,400 communes and 100,000 residential areas, one period, every commune
reporting.
"""

import datetime
import random

from django.db import connection, transaction

from doanket.reporting.demo import demo_reports_load
from doanket.reporting.models import Indicator, Report, ReportForm, ReportValue
from doanket.reporting.selectors import report_rollup
from doanket.reporting.standard import COMMITTEE_FORM
from doanket.units.loading import member_orgs_create_standard, residential_areas_generate
from doanket.units.models import BEGINNING, END, Unit, UnitLink

NATION = "VN-BENCH"
# The floor: one hand-written query giving what the roll-up page shows, the sums per
# child unit and indicator of the submitted reports below a unit on a map date.
FLOOR_SQL = (
    "SELECT {child} AS child, v.indicator_id, SUM(v.number) FROM reporting_reportvalue v "
    "JOIN reporting_report r ON r.id = v.report_id "
    "JOIN units_unitlink l ON l.child_id = r.unit_id "
    "WHERE r.form_id = %s AND r.period_code = %s AND r.status IN ('submitted', 'approved') "
    "AND v.number IS NOT NULL AND l.valid_from <= %s AND l.valid_to >= %s AND l.path LIKE %s "
    "GROUP BY 1, 2"
)
CHILD = {
    "postgresql": "split_part(substr(l.path, {n}), '/', 1)",
    "sqlite": "substr(substr(l.path, {n}), 1, instr(substr(l.path, {n}), '/') - 1)",
}


def _floor(form, period, on, path):
    sql = FLOOR_SQL.format(child=CHILD[connection.vendor].format(n=len(path) + 1))

    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, [form.pk, period.code, on, on, path + "%"])
            return cursor.fetchall()

    return run


def _service(form, unit, period, on=None):
    return lambda: report_rollup(form=form, unit=unit, period=period, on=on)


def _path(unit, on):
    return UnitLink.objects.get(child=unit, valid_from__lte=on, valid_to__gte=on).path


@transaction.atomic
def _build_nation(form) -> Unit:
    """34 provinces × 100 communes × ~30 areas, bulk-inserted with their paths."""
    rng = random.Random(7)
    nation = Unit.objects.create(code=NATION, name="Toàn quốc (thử tải)", kind="province")
    UnitLink.objects.create(child=nation, path=f"/{nation.pk}/", depth=0)
    provinces = Unit.objects.bulk_create(
        Unit(code=f"B{p:02d}", name=f"Tỉnh thử {p}", name_folded=f"tinh thu {p}", kind="province")
        for p in range(34)
    )
    UnitLink.objects.bulk_create(
        UnitLink(child=u, parent=nation, path=f"/{nation.pk}/{u.pk}/", depth=1) for u in provinces
    )
    communes = Unit.objects.bulk_create(
        Unit(
            code=f"B{p:02d}-{c:03d}",
            name=f"Xã thử {p}-{c}",
            name_folded=f"xa thu {p}-{c}",
            kind="commune",
        )
        for p in range(34)
        for c in range(100)
    )
    commune_paths = {}
    links = []
    for index, commune in enumerate(communes):
        province = provinces[index // 100]
        path = f"/{nation.pk}/{province.pk}/{commune.pk}/"
        commune_paths[commune.pk] = path
        links.append(UnitLink(child=commune, parent=province, path=path, depth=2))
    UnitLink.objects.bulk_create(links, batch_size=2000)
    areas_per = [rng.randint(25, 34) for _ in communes]
    scale = 100_000 / sum(areas_per)
    areas = []
    owners = []
    for commune, count in zip(communes, areas_per, strict=True):
        for a in range(max(1, round(count * scale))):
            areas.append(
                Unit(
                    code=f"{commune.code}.{a:02d}",
                    name=f"Thôn {a}",
                    name_folded=f"thon {a}",
                    kind="residential_area",
                )
            )
            owners.append(commune)
    areas = Unit.objects.bulk_create(areas, batch_size=5000)
    UnitLink.objects.bulk_create(
        (
            UnitLink(
                child=area,
                parent=owner,
                path=f"{commune_paths[owner.pk]}{area.pk}/",
                depth=3,
                valid_from=BEGINNING,
                valid_to=END,
            )
            for area, owner in zip(areas, owners, strict=True)
        ),
        batch_size=5000,
    )
    period = form.period("2026S1")
    version = form.version_for(period)
    typed = list(
        Indicator.objects.filter(
            source="typed", code__in=[item.indicator.code for item in version.items()]
        )
    )
    reports = Report.objects.bulk_create(
        Report(
            form=form,
            form_version=version,
            unit=commune,
            period_code=period.code,
            period_start=period.start,
            period_end=period.end,
            deadline=form.deadline(period),
            status="submitted",
        )
        for commune in communes
    )
    ReportValue.objects.bulk_create(
        (
            ReportValue(report=report, indicator=indicator, number=rng.randint(0, 5000))
            for report in reports
            for indicator in typed
        ),
        batch_size=10_000,
    )
    return nation


def cases():
    residential_areas_generate()
    member_orgs_create_standard()
    demo_reports_load()
    form = ReportForm.objects.get(code=COMMITTEE_FORM)
    hai_duong = Unit.objects.get(code="30", kind="province")
    district = Unit.objects.get(code="288", kind="district")
    year_2024 = form.period("2024")
    legacy_day = year_2024.end
    nation = Unit.objects.filter(code=NATION).first() or _build_nation(form)
    half_2026 = form.period("2026S1")
    today_map = datetime.date(2026, 1, 15)
    hai_phong = Unit.objects.get(code="31", kind="province")
    return [
        (
            "roll-up Hải Dương 2024 (219 reporters, old map)",
            _service(form, hai_duong, year_2024),
            _floor(form, year_2024, legacy_day, _path(hai_duong, legacy_day)),
        ),
        (
            "roll-up a district 2024 (old map)",
            _service(form, district, year_2024),
            _floor(form, year_2024, legacy_day, _path(district, legacy_day)),
        ),
        (
            "roll-up Hải Phòng 2024 on today's map (map switch)",
            _service(form, hai_phong, year_2024, today_map),
            _floor(form, year_2024, legacy_day, _path(hai_duong, legacy_day)),
        ),
        (
            "roll-up national 2026S1 (3,400 communes, 100,000 areas)",
            _service(form, nation, half_2026),
            _floor(form, half_2026, half_2026.end, _path(nation, half_2026.end)),
        ),
    ]
