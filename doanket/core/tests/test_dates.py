from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from doanket.core.lib.dates import (
    LunarDate,
    add_working_days,
    document_date_line,
    format_date,
    is_working_day,
    lunar_to_solar,
    parse_date,
    public_holidays,
    solar_to_lunar,
    tet,
)

EXPECTED_FORM = "hãy nhập theo dạng dd/mm/yyyy, ví dụ 05/12/2026"


# format_date, parse_date ----------------------------------------------------


def test_it_formats_a_date_as_day_month_year():
    assert format_date(date(2026, 12, 5)) == "05/12/2026"


def test_it_formats_an_aware_datetime_in_vietnam_time():
    assert format_date(datetime(2026, 12, 4, 20, 30, tzinfo=UTC)) == "05/12/2026"


def test_it_formats_a_naive_datetime_as_it_is():
    assert format_date(datetime(2026, 12, 5, 23, 59)) == "05/12/2026"


def test_it_formats_nothing_as_an_empty_string():
    assert format_date(None) == ""


@pytest.mark.parametrize(
    "text",
    [
        "5/12/2026",
        "05/12/2026",
        "05-12-2026",
        "05.12.2026",
        "5.12.2026",
        "2026-12-05",
        " 05/12/2026 ",
    ],
)
def test_it_parses_the_forms_people_type(text):
    assert parse_date(text) == date(2026, 12, 5)


def test_it_parses_a_leap_day():
    assert parse_date("29/02/2024") == date(2024, 2, 29)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("31/02/2026", "Ngày 31/02/2026 không tồn tại"),
        ("29/02/2026", "tháng 02/2026 chỉ có 28 ngày"),
        ("32/1/2026", "Ngày 32/01/2026 không tồn tại"),
        ("0/1/2026", "Ngày 00/01/2026 không tồn tại"),
        ("2026-13-01", "Tháng 13 không tồn tại"),
        ("05/13/2026", "Tháng 13 không tồn tại"),
        ("05/12/26", "bốn chữ số"),
        ("05/12/0000", "không hợp lệ"),
        ("", "Chưa nhập ngày"),
        ("hôm qua", "không phải là một ngày"),
        ("05/12-2026", "không phải là một ngày"),
        ("2026/12/05", "không phải là một ngày"),
    ],
)
def test_it_refuses_a_date_that_is_wrong_and_says_how_to_write_it(text, message):
    with pytest.raises(ValueError, match=message) as error:
        parse_date(text)
    assert EXPECTED_FORM in str(error.value)


@given(st.dates())
def test_parse_date_reads_back_what_format_date_writes(day):
    assert parse_date(format_date(day)) == day


@given(
    st.datetimes(
        min_value=datetime(1976, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    )
)
def test_an_aware_datetime_is_shown_on_its_date_at_utc_plus_7(moment):
    in_vietnam = moment.replace(tzinfo=None) + timedelta(hours=7)
    assert format_date(moment) == format_date(in_vietnam.date())


# document_date_line ---------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "line"),
    [
        (date(2026, 12, 5), "Hải Dương, ngày 05 tháng 12 năm 2026"),
        (date(2026, 2, 15), "Hải Dương, ngày 15 tháng 02 năm 2026"),
        (date(2026, 1, 1), "Hải Dương, ngày 01 tháng 01 năm 2026"),
        (date(2026, 3, 20), "Hải Dương, ngày 20 tháng 3 năm 2026"),
        (date(2026, 10, 9), "Hải Dương, ngày 09 tháng 10 năm 2026"),
    ],
)
def test_it_writes_the_place_and_date_line_as_decree_30_does(day, line):
    assert document_date_line("Hải Dương", day) == line


# the lunar calendar ---------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "first_day"),
    [
        (2023, date(2023, 1, 22)),
        (2024, date(2024, 2, 10)),
        (2025, date(2025, 1, 29)),
        (2026, date(2026, 2, 17)),
        (2027, date(2027, 2, 6)),
        (2020, date(2020, 1, 25)),
        (1985, date(1985, 1, 21)),
        (2007, date(2007, 2, 17)),
    ],
)
def test_it_knows_when_tet_falls_in_vietnam_time(year, first_day):
    assert tet(year) == first_day
    assert solar_to_lunar(first_day) == LunarDate(1, 1, year)


@pytest.mark.parametrize(
    ("year", "day"),
    [
        (2023, date(2023, 4, 29)),
        (2024, date(2024, 4, 18)),
        (2025, date(2025, 4, 7)),
        (2026, date(2026, 4, 26)),
    ],
)
def test_it_knows_the_hung_kings_commemoration(year, day):
    assert lunar_to_solar(10, 3, year) == day


def test_it_knows_the_leap_months():
    assert solar_to_lunar(date(2023, 3, 22)) == LunarDate(1, 2, 2023, leap=True)
    assert solar_to_lunar(date(2020, 5, 23)) == LunarDate(1, 4, 2020, leap=True)
    assert lunar_to_solar(1, 4, 2020, leap=True) == date(2020, 5, 23)


def test_it_refuses_a_leap_month_the_year_does_not_have():
    with pytest.raises(ValueError):
        lunar_to_solar(1, 5, 2020, leap=True)
    with pytest.raises(ValueError):
        lunar_to_solar(1, 1, 2026, leap=True)


@given(st.dates(min_value=date(1900, 3, 1), max_value=date(2100, 12, 31)))
def test_lunar_dates_convert_back_to_the_same_day(day):
    lunar = solar_to_lunar(day)
    assert 1 <= lunar.day <= 30
    assert lunar_to_solar(lunar.day, lunar.month, lunar.year, leap=lunar.leap) == day


# holidays and working days --------------------------------------------------


def test_it_lists_the_public_holidays_of_2026():
    assert public_holidays(2026) == {
        date(2026, 1, 1),
        date(2026, 2, 16),
        date(2026, 2, 17),
        date(2026, 2, 18),
        date(2026, 2, 19),
        date(2026, 2, 20),
        date(2026, 4, 26),
        date(2026, 4, 30),
        date(2026, 5, 1),
        date(2026, 9, 1),
        date(2026, 9, 2),
    }


def test_tet_holidays_start_on_the_last_day_of_the_lunar_year():
    assert date(2024, 2, 9) in public_holidays(2024)
    assert solar_to_lunar(date(2024, 2, 9)) == LunarDate(30, 12, 2023)
    assert date(2025, 1, 28) in public_holidays(2025)
    assert solar_to_lunar(date(2025, 1, 28)) == LunarDate(29, 12, 2024)


def test_the_day_next_to_national_day_can_be_the_third():
    holidays = public_holidays(2026, national_day_adjacent=3)
    assert date(2026, 9, 3) in holidays
    assert date(2026, 9, 1) not in holidays


def test_callers_can_add_days_off():
    make_up_day = date(2026, 4, 27)
    assert make_up_day in public_holidays(2026, extra={make_up_day, date(2027, 1, 4)})
    assert date(2027, 1, 4) not in public_holidays(2026, extra={date(2027, 1, 4)})
    assert not is_working_day(make_up_day, extra={make_up_day})


def test_it_skips_weekends():
    assert add_working_days(date(2026, 3, 13), 1) == date(2026, 3, 16)


def test_it_skips_tet():
    assert add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 23)


def test_it_skips_reunification_and_labour_day():
    assert add_working_days(date(2026, 4, 29), 1) == date(2026, 5, 4)


def test_it_counts_back_with_a_negative_count():
    assert add_working_days(date(2026, 5, 4), -1) == date(2026, 4, 29)


def test_zero_working_days_is_the_same_day():
    assert add_working_days(date(2026, 2, 17), 0) == date(2026, 2, 17)


def test_it_skips_days_the_caller_adds():
    assert add_working_days(date(2026, 4, 24), 1, extra={date(2026, 4, 27)}) == date(2026, 4, 28)


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)),
    st.integers(min_value=-40, max_value=40),
)
def test_the_result_is_a_working_day_that_many_working_days_away(day, count):
    result = add_working_days(day, count)
    step = 1 if count >= 0 else -1
    between = [day + timedelta(days=step * n) for n in range(1, abs((result - day).days) + 1)]
    assert sum(is_working_day(d) for d in between) == abs(count)
    if count:
        assert is_working_day(result)
