"""Reporting periods as values: (kind, year) with stable codes, bounds and deadlines.

The Front reports cumulatively within a year: quý I, 6 tháng, 9 tháng, năm; quarters
Q1–Q4 exist for forms that report each quarter on its own. Bounds follow a cut-off rule:
Decree 09/2019 (from the 15th of the month before to the 14th of the closing month) by
default, or calendar months.
"""

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from doanket.core.lib.dates import add_working_days, format_date

DECREE_09 = "decree09"
CALENDAR = "calendar"

# kind → (first calendar month, last calendar month) of a period of that kind
SPANS = {
    "Q1": (1, 3),
    "Q2": (4, 6),
    "Q3": (7, 9),
    "Q4": (10, 12),
    "S1": (1, 6),
    "M9": (1, 9),
    "Y": (1, 12),
}
SCHEDULES = {
    "q_6_9_12": ["Q1", "S1", "M9", "Y"],
    "6_12": ["S1", "Y"],
    "quarterly": ["Q1", "Q2", "Q3", "Q4"],
    "yearly": ["Y"],
}
CODE = re.compile(r"^(\d{4})(Q[1-4]|S1|M9)?$")


def kind_label(kind: str) -> str:
    return {
        "Q1": _("Quý I"),
        "Q2": _("Quý II"),
        "Q3": _("Quý III"),
        "Q4": _("Quý IV"),
        "S1": _("6 tháng đầu năm"),
        "M9": _("9 tháng"),
        "Y": _("Năm"),
    }[kind]


@dataclass(frozen=True)
class Period:
    kind: str
    year: int
    start: datetime.date
    end: datetime.date

    @property
    def code(self) -> str:
        return str(self.year) if self.kind == "Y" else f"{self.year}{self.kind}"

    @property
    def label(self) -> str:
        return f"{kind_label(self.kind)} {self.year}"

    @property
    def span_label(self) -> str:
        return f"{format_date(self.start)} – {format_date(self.end)}"

    def contains(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end


def _last_day(year: int, month: int) -> datetime.date:
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


def period_make(kind: str, year: int, rule: str = DECREE_09) -> Period:
    if kind not in SPANS:
        raise ValueError(_("Loại kỳ báo cáo “%(kind)s” không có.") % {"kind": kind})
    if not 2000 <= year <= 2100:
        raise ValueError(_("Năm %(year)s nằm ngoài phạm vi 2000–2100.") % {"year": year})
    first, last = SPANS[kind]
    if rule == CALENDAR:
        return Period(kind, year, datetime.date(year, first, 1), _last_day(year, last))
    if rule != DECREE_09:
        raise ValueError(_("Quy tắc chốt số liệu “%(rule)s” không có.") % {"rule": rule})
    start = datetime.date(year - 1, 12, 15) if first == 1 else datetime.date(year, first - 1, 15)
    return Period(kind, year, start, datetime.date(year, last, 14))


def period_from_code(code: str, rule: str = DECREE_09) -> Period:
    """'2026Q2', '2026S1', '2026M9' or '2026' → the period under `rule`."""
    match = CODE.match((code or "").strip().upper())
    if not match:
        raise ValueError(
            _(
                "Mã kỳ báo cáo “%(code)s” không hợp lệ. Hãy dùng dạng 2026Q2 (quý), 2026S1 "
                "(6 tháng), 2026M9 (9 tháng) hoặc 2026 (năm)."
            )
            % {"code": code}
        )
    year, kind = int(match.group(1)), match.group(2) or "Y"
    return period_make(kind, year, rule)


def periods_of_year(schedule: str, year: int, rule: str = DECREE_09) -> list[Period]:
    return [period_make(kind, year, rule) for kind in SCHEDULES[schedule]]


def deadline(period: Period, *, days: int, working_days: bool) -> datetime.date:
    """The last day to send: `days` (working) days after the period's end."""
    if working_days:
        return add_working_days(period.end, days)
    return period.end + datetime.timedelta(days=days)


def current_period(schedule: str, today: datetime.date, rule: str = DECREE_09) -> Period:
    """The latest period of the schedule that has ended on or before `today`, else the
    first of the year: the one an officer is most likely reporting on."""
    candidates = periods_of_year(schedule, today.year, rule) + periods_of_year(
        schedule, today.year + 1, rule
    )
    ended = [
        p for p in periods_of_year(schedule, today.year - 1, rule) + candidates if p.end < today
    ]
    running = [p for p in candidates if p.contains(today)]
    return ended[-1] if ended else running[0]
