"""Dates as Vietnamese people write them, the lunar calendar, public holidays, working days."""

import calendar
import math
import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Literal, NamedTuple
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from doanket.core.lib.vn_text import nfc

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")

_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d+)", re.ASCII)
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})", re.ASCII)


def _local_date(value: date | datetime) -> date:
    if isinstance(value, datetime):
        if value.tzinfo is not None and value.utcoffset() is not None:
            value = value.astimezone(VIETNAM)
        return value.date()
    return value


def format_date(value: date | datetime | None) -> str:
    """05/12/2026; an aware datetime is read in Vietnam's time zone; None gives ""."""
    if value is None:
        return ""
    day = _local_date(value)
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def parse_date(text: str) -> date:
    """A date typed as 5/12/2026, 05/12/2026, 05-12-2026, 05.12.2026 or 2026-12-05."""
    cleaned = nfc(text)
    if not cleaned:
        raise ValueError(_("Chưa nhập ngày; hãy nhập theo dạng dd/mm/yyyy, ví dụ 05/12/2026."))
    if match := _ISO.fullmatch(cleaned):
        year_text, month_text, day_text = match.groups()
    elif match := _DAY_MONTH_YEAR.fullmatch(cleaned):
        day_text, _separator, month_text, year_text = match.groups()
    else:
        raise ValueError(
            _(
                "“%(value)s” không phải là một ngày; "
                "hãy nhập theo dạng dd/mm/yyyy, ví dụ 05/12/2026."
            )
            % {"value": cleaned}
        )
    day, month, year = int(day_text), int(month_text), int(year_text)
    if len(year_text) != 4 or year < 1:
        raise ValueError(
            _(
                "Năm “%(year)s” không hợp lệ, năm cần ghi đủ bốn chữ số như 2026; "
                "hãy nhập theo dạng dd/mm/yyyy, ví dụ 05/12/2026."
            )
            % {"year": year_text}
        )
    if not 1 <= month <= 12:
        raise ValueError(
            _("Tháng %(month)s không tồn tại; hãy nhập theo dạng dd/mm/yyyy, ví dụ 05/12/2026.")
            % {"month": month_text}
        )
    days_in_month = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days_in_month:
        raise ValueError(
            _(
                "Ngày %(date)s không tồn tại vì tháng %(month)s chỉ có %(days)s ngày; "
                "hãy nhập theo dạng dd/mm/yyyy, ví dụ 05/12/2026."
            )
            % {
                "date": f"{day:02d}/{month:02d}/{year_text}",
                "month": f"{month:02d}/{year_text}",
                "days": days_in_month,
            }
        )
    return date(year, month, day)


def document_date_line(place: str, value: date | datetime) -> str:
    """ "Hải Dương, ngày 05 tháng 12 năm 2026", the way Decree 30/2020 writes it.

    Days below 10 and months below 3 take a leading zero: "ngày 15 tháng 02",
    "ngày 20 tháng 3".
    """
    day = _local_date(value)
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return _("%(place)s, ngày %(day)s tháng %(month)s năm %(year)s") % {
        "place": place,
        "day": f"{day.day:02d}",
        "month": month,
        "year": day.year,
    }


# The Vietnamese lunar calendar ---------------------------------------------
#
# Hồ Ngọc Đức's astronomical method: a month starts on the day (in UTC+7) of
# the new moon; the 11th month holds the winter solstice; in a year with
# thirteen months the first one without a major solar term is the leap month.

_TIME_ZONE = 7.0
_SYNODIC_MONTH = 29.530588853
_EPOCH_NEW_MOON = 2415021.076998695
_JULIAN_DAY_OF_ORDINAL_0 = 1721425


class LunarDate(NamedTuple):
    day: int
    month: int
    year: int
    leap: bool = False


def _julian_day(day: date) -> int:
    return day.toordinal() + _JULIAN_DAY_OF_ORDINAL_0


def _from_julian_day(julian_day: int) -> date:
    return date.fromordinal(julian_day - _JULIAN_DAY_OF_ORDINAL_0)


def _new_moon(k: int) -> float:
    """Julian day (UTC) of the k-th new moon after 1/1/1900."""
    t = k / 1236.85
    t2, t3 = t * t, t * t * t
    rad = math.pi / 180
    jd = 2415020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3
    jd += 0.00033 * math.sin((166.56 + 132.87 * t - 0.009173 * t2) * rad)
    m = (359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3) * rad
    mpr = (306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3) * rad
    f = (21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3) * rad
    correction = (0.1734 - 0.000393 * t) * math.sin(m) + 0.0021 * math.sin(2 * m)
    correction += -0.4068 * math.sin(mpr) + 0.0161 * math.sin(2 * mpr)
    correction += -0.0004 * math.sin(3 * mpr)
    correction += 0.0104 * math.sin(2 * f) - 0.0051 * math.sin(m + mpr)
    correction += -0.0074 * math.sin(m - mpr) + 0.0004 * math.sin(2 * f + m)
    correction += -0.0004 * math.sin(2 * f - m) - 0.0006 * math.sin(2 * f + mpr)
    correction += 0.0010 * math.sin(2 * f - mpr) + 0.0005 * math.sin(2 * mpr + m)
    if t < -11:
        delta_t = 0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3
    else:
        delta_t = -0.000278 + 0.000265 * t + 0.000262 * t2
    return jd + correction - delta_t


def _new_moon_day(k: int) -> int:
    return math.floor(_new_moon(k) + 0.5 + _TIME_ZONE / 24)


def _sun_longitude_sector(julian_day: int) -> int:
    """Which of the twelve 30° sectors the sun is in at the start of that local day."""
    t = (julian_day - 0.5 - _TIME_ZONE / 24 - 2451545.0) / 36525
    t2 = t * t
    rad = math.pi / 180
    m = 357.52910 + 35999.05030 * t - 0.0001559 * t2 - 0.00000048 * t * t2
    longitude = 280.46645 + 36000.76983 * t + 0.0003032 * t2
    longitude += (1.914600 - 0.004817 * t - 0.000014 * t2) * math.sin(rad * m)
    longitude += (0.019993 - 0.000101 * t) * math.sin(rad * 2 * m) + 0.000290 * math.sin(
        rad * 3 * m
    )
    longitude *= rad
    longitude -= 2 * math.pi * math.floor(longitude / (2 * math.pi))
    return math.floor(longitude / math.pi * 6)


@lru_cache(maxsize=512)
def _month_11_start(year: int) -> int:
    """Julian day on which the 11th lunar month (the one with the winter solstice) begins."""
    offset = _julian_day(date(year, 12, 31)) - 2415021
    k = math.floor(offset / _SYNODIC_MONTH)
    start = _new_moon_day(k)
    if _sun_longitude_sector(start) >= 9:
        start = _new_moon_day(k - 1)
    return start


def _leap_month_offset(month_11_start: int) -> int:
    k = math.floor((month_11_start - _EPOCH_NEW_MOON) / _SYNODIC_MONTH + 0.5)
    index = 1
    sector = _sun_longitude_sector(_new_moon_day(k + index))
    while True:
        last = sector
        index += 1
        sector = _sun_longitude_sector(_new_moon_day(k + index))
        if sector == last or index >= 14:
            return index - 1


def solar_to_lunar(day: date) -> LunarDate:
    julian_day = _julian_day(day)
    k = math.floor((julian_day - _EPOCH_NEW_MOON) / _SYNODIC_MONTH)
    month_start = _new_moon_day(k + 1)
    if month_start > julian_day:
        month_start = _new_moon_day(k)
    a11 = b11 = _month_11_start(day.year)
    if a11 >= month_start:
        lunar_year = day.year
        a11 = _month_11_start(day.year - 1)
    else:
        lunar_year = day.year + 1
        b11 = _month_11_start(day.year + 1)
    months_since_11 = math.floor((month_start - a11) / 29)
    leap = False
    lunar_month = months_since_11 + 11
    if b11 - a11 > 365:
        leap_offset = _leap_month_offset(a11)
        if months_since_11 >= leap_offset:
            lunar_month = months_since_11 + 10
            leap = months_since_11 == leap_offset
    if lunar_month > 12:
        lunar_month -= 12
    if lunar_month >= 11 and months_since_11 < 4:
        lunar_year -= 1
    return LunarDate(julian_day - month_start + 1, lunar_month, lunar_year, leap)


def lunar_to_solar(day: int, month: int, year: int, *, leap: bool = False) -> date:
    """The solar date of a lunar one; ValueError if that year has no such leap month."""
    if month < 11:
        a11, b11 = _month_11_start(year - 1), _month_11_start(year)
    else:
        a11, b11 = _month_11_start(year), _month_11_start(year + 1)
    k = math.floor(0.5 + (a11 - _EPOCH_NEW_MOON) / _SYNODIC_MONTH)
    offset = (month - 11) % 12
    if b11 - a11 > 365:
        leap_offset = _leap_month_offset(a11)
        leap_month = (leap_offset - 2) % 12
        if leap and month != leap_month:
            raise ValueError(f"lunar year {year} has no leap month {month}")
        if leap or offset >= leap_offset:
            offset += 1
    elif leap:
        raise ValueError(f"lunar year {year} has no leap month")
    return _from_julian_day(_new_moon_day(k + offset) + day - 1)


# Public holidays (Labour Code 2019, art. 112) --------------------------------

NEW_YEAR = (1, 1)
REUNIFICATION_DAY = (4, 30)
LABOUR_DAY = (5, 1)
NATIONAL_DAY = (9, 2)
SOLAR_HOLIDAYS = (NEW_YEAR, REUNIFICATION_DAY, LABOUR_DAY, NATIONAL_DAY)
HUNG_KINGS_DAY = (10, 3)  # lunar: 10th day of the 3rd month
LUNAR_HOLIDAYS = (HUNG_KINGS_DAY,)
TET_DAYS_AFTER_NEW_YEAR = 4  # with the last day of the old year: five days


def tet(year: int) -> date:
    """The first day of the lunar year that begins in `year`."""
    return lunar_to_solar(1, 1, year)


@lru_cache(maxsize=256)
def _holidays(year: int, national_day_adjacent: int) -> frozenset[date]:
    first_day = tet(year)
    days = {first_day + timedelta(days=n) for n in range(-1, TET_DAYS_AFTER_NEW_YEAR)}
    days |= {date(year, month, day) for month, day in SOLAR_HOLIDAYS}
    days |= {lunar_to_solar(day, month, year) for day, month in LUNAR_HOLIDAYS}
    days.add(date(year, 9, national_day_adjacent))
    return frozenset(days)


def public_holidays(
    year: int, *, national_day_adjacent: Literal[1, 3] = 1, extra: Iterable[date] = ()
) -> set[date]:
    """The days off the Labour Code gives in `year`, plus those of `extra` that fall in it.

    Tết is the last day of the lunar year and the first four of the next; the
    National Day 2/9 comes with 1/9 or 3/9. The exact Tết days, make-up days
    for a holiday on a weekend and swapped working days are fixed by the
    government each year: pass them in `extra`.
    """
    if national_day_adjacent not in (1, 3):
        raise ValueError("national_day_adjacent must be 1 or 3 (September)")
    return set(_holidays(year, national_day_adjacent)) | {d for d in extra if d.year == year}


def is_working_day(
    day: date, *, national_day_adjacent: Literal[1, 3] = 1, extra: Iterable[date] = ()
) -> bool:
    """Monday to Friday and not a public holiday nor one of `extra`."""
    if day.weekday() >= 5 or day in extra:
        return False
    return day not in _holidays(day.year, national_day_adjacent)


def add_working_days(
    day: date, count: int, *, national_day_adjacent: Literal[1, 3] = 1, extra: Iterable[date] = ()
) -> date:
    """The date `count` working days after `day` (before it when `count` is negative)."""
    extra = frozenset(extra)
    step = timedelta(days=1 if count >= 0 else -1)
    remaining = abs(count)
    while remaining:
        day += step
        if is_working_day(day, national_day_adjacent=national_day_adjacent, extra=extra):
            remaining -= 1
    return day
