import datetime

import pytest

from doanket.reporting.periods import (
    CALENDAR,
    current_period,
    deadline,
    period_from_code,
    period_make,
    periods_of_year,
)

D = datetime.date


@pytest.mark.parametrize(
    ("code", "start", "end"),
    [
        ("2026Q1", D(2025, 12, 15), D(2026, 3, 14)),
        ("2026Q2", D(2026, 3, 15), D(2026, 6, 14)),
        ("2026Q3", D(2026, 6, 15), D(2026, 9, 14)),
        ("2026Q4", D(2026, 9, 15), D(2026, 12, 14)),
        ("2026S1", D(2025, 12, 15), D(2026, 6, 14)),
        ("2026M9", D(2025, 12, 15), D(2026, 9, 14)),
        ("2026", D(2025, 12, 15), D(2026, 12, 14)),
        ("2024q1", D(2023, 12, 15), D(2024, 3, 14)),
    ],
)
def test_decree_09_cut_off(code, start, end):
    period = period_from_code(code)
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize(
    ("code", "start", "end"),
    [
        ("2026Q1", D(2026, 1, 1), D(2026, 3, 31)),
        ("2026S1", D(2026, 1, 1), D(2026, 6, 30)),
        ("2026M9", D(2026, 1, 1), D(2026, 9, 30)),
        ("2026", D(2026, 1, 1), D(2026, 12, 31)),
        ("2024Q1", D(2024, 1, 1), D(2024, 3, 31)),
    ],
)
def test_calendar_cut_off(code, start, end):
    period = period_from_code(code, CALENDAR)
    assert (period.start, period.end) == (start, end)


def test_codes_round_trip():
    for period in periods_of_year("q_6_9_12", 2026) + periods_of_year("quarterly", 2025):
        assert period_from_code(period.code) == period


@pytest.mark.parametrize("bad", ["2026Q5", "26Q1", "2026-Q1", "", "Q1", "1999", "2026S2"])
def test_bad_codes_are_explained(bad):
    with pytest.raises(ValueError, match="không hợp lệ|ngoài phạm vi"):
        period_from_code(bad)


@pytest.mark.parametrize(
    ("code", "days", "working", "expected"),
    [
        # 14/06/2026 is a Sunday: two working days later is Tuesday 16/06.
        ("2026S1", 2, True, D(2026, 6, 16)),
        ("2026S1", 2, False, D(2026, 6, 16)),
        # 14/03/2026 is a Saturday.
        ("2026Q1", 2, True, D(2026, 3, 17)),
        # Year 2026 ends 14/12/2026, a Monday.
        ("2026", 5, True, D(2026, 12, 21)),
        # Calendar year 2025 ends on Wednesday 31/12; 1/1 is a holiday.
        ("2025", 2, True, D(2026, 1, 5)),
    ],
)
def test_deadlines(code, days, working, expected):
    rule = CALENDAR if code == "2025" else "decree09"
    assert deadline(period_from_code(code, rule), days=days, working_days=working) == expected


def test_a_deadline_skips_tet():
    # A period ending Friday 13/02/2026; Tết 2026 runs 16/02 (29 Tết) to 20/02.
    period = period_make("Q1", 2026, CALENDAR)
    tet_period = type(period)("Q1", 2026, period.start, D(2026, 2, 13))
    assert deadline(tet_period, days=1, working_days=True) == D(2026, 2, 23)


def test_the_current_period_is_the_last_one_ended():
    assert current_period("q_6_9_12", D(2026, 7, 1)).code == "2026S1"
    assert current_period("q_6_9_12", D(2026, 1, 5)).code == "2025"
    assert current_period("6_12", D(2026, 12, 20)).code == "2026"
