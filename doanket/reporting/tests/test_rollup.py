import datetime
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from doanket.reporting.aggregation import rollup_by_walking
from doanket.reporting.models import Report
from doanket.reporting.selectors import completeness_counts, report_completeness, report_rollup
from doanket.reporting.services import report_approve

TODAY_MAP = datetime.date(2026, 1, 15)


def test_a_submitted_figure_is_in_the_province_roll_up_at_once(
    cast, committee_form, works_on_committee_form, file_report
):
    form = committee_form
    file_report(
        cast.editor,
        cast.tree.N1,
        "2026S1",
        {"TT_NGUOI": "100", "PV_DANGKY": "80", "PV_XONG": "60"},
    )
    file_report(
        cast.outsider_editor,
        cast.tree.N2,
        "2026S1",
        {"TT_NGUOI": "300", "PV_DANGKY": "200", "PV_XONG": "190"},
    )
    rollup = report_rollup(form=form, unit=cast.tree.P, period=form.period("2026S1"))
    assert rollup.totals["TT_NGUOI"] == 400
    # 250 finished of 280 registered, not the mean of 75% and 95%.
    assert rollup.totals["TL_PV_XONG"] == Decimal("89.29")
    by_child = {row.unit.code: row.values.get("TT_NGUOI") for row in rollup.children}
    assert by_child == {"N1": 100, "N2": 300}


def test_drafts_are_left_out_and_approved_only_is_a_switch(cast, committee_form, file_report):
    form = committee_form
    file_report(cast.editor, cast.tree.N1, "2026S1", {"TT_NGUOI": "100"}, submit=False)
    submitted = file_report(cast.outsider_editor, cast.tree.N2, "2026S1", {"TT_NGUOI": "300"})
    period = form.period("2026S1")
    assert report_rollup(form=form, unit=cast.tree.P, period=period).totals["TT_NGUOI"] == 300
    assert (
        "TT_NGUOI"
        not in report_rollup(form=form, unit=cast.tree.P, period=period, approved_only=True).totals
    )
    report_approve(report=submitted, user=cast.approver)
    assert (
        report_rollup(form=form, unit=cast.tree.P, period=period, approved_only=True).totals[
            "TT_NGUOI"
        ]
        == 300
    )


def legacy_reports(cast, file_report):
    for code, people in (("C1", 10), ("C2", 20), ("C3", 30), ("C4", 40)):
        file_report(cast.admin_editor, getattr(cast.tree, code), "2024", {"TT_NGUOI": str(people)})


def test_a_2024_period_on_the_old_map(cast, committee_form, file_report):
    legacy_reports(cast, file_report)
    rollup = report_rollup(
        form=committee_form, unit=cast.tree.P, period=committee_form.period("2024")
    )
    assert rollup.on.year == 2024
    assert {row.unit.code: row.values.get("TT_NGUOI") for row in rollup.children} == {
        "D1": 30,
        "D2": 70,
    }


def test_the_same_2024_period_on_todays_map(cast, committee_form, file_report):
    legacy_reports(cast, file_report)
    rollup = report_rollup(
        form=committee_form, unit=cast.tree.P, period=committee_form.period("2024"), on=TODAY_MAP
    )
    # C2 was split; its figures go to its primary successor N1.
    assert {row.unit.code: row.values.get("TT_NGUOI") for row in rollup.children} == {
        "N1": 30,
        "N2": 70,
    }
    assert rollup.totals["TT_NGUOI"] == 100


def test_completeness_counts_the_reporters_of_the_period(cast, committee_form, file_report):
    form = committee_form
    report = file_report(cast.editor, cast.tree.N1, "2026S1", {"TT_NGUOI": "1"})
    on_time = datetime.datetime(2026, 6, 15, 9, tzinfo=datetime.UTC)
    Report.objects.filter(pk=report.pk).update(submitted_at=on_time, first_submitted_at=on_time)
    rows = report_completeness(form=form, unit=cast.tree.P, period=form.period("2026S1"))
    assert {row.unit.code: row.state for row in rows} == {"N1": "submitted", "N2": "missing"}
    counts = completeness_counts(rows)
    assert counts["expected"] == 2 and counts["on_time"] == 1 and counts["missing"] == 1


def test_completeness_of_a_legacy_period_expects_districts_and_communes(cast, committee_form):
    rows = report_completeness(
        form=committee_form, unit=cast.tree.P, period=committee_form.period("2024")
    )
    assert sorted(row.unit.code for row in rows) == ["C1", "C2", "C3", "C4", "D1", "D2"]


def test_a_late_report_is_counted_late(cast, committee_form, file_report):
    report = file_report(cast.editor, cast.tree.N1, "2026S1", {"TT_NGUOI": "1"})
    Report.objects.filter(pk=report.pk).update(
        submitted_at=datetime.datetime(2026, 7, 30, tzinfo=datetime.UTC)
    )
    rows = report_completeness(
        form=committee_form, unit=cast.tree.P, period=committee_form.period("2026S1")
    )
    assert {row.unit.code: row.state for row in rows}["N1"] == "late"


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    figures=st.dictionaries(
        st.sampled_from(["D1", "D2", "C1", "C2", "C3", "C4"]),
        st.integers(min_value=0, max_value=10_000),
        min_size=1,
    )
)
def test_every_roll_up_is_own_figures_plus_the_children_roll_ups(
    cast, committee_form, file_report, figures
):
    Report.objects.all().delete()
    for code, value in figures.items():
        file_report(cast.admin_editor, getattr(cast.tree, code), "2024", {"TT_NGUOI": str(value)})
    period = committee_form.period("2024")
    children = {"P": ["D1", "D2"], "D1": ["C1", "C2"], "D2": ["C3", "C4"]}
    own = {code: {"TT_NGUOI": Decimal(value)} for code, value in figures.items()}
    for code in ("P", "D1", "D2", "C1"):
        unit = getattr(cast.tree, code)
        got = report_rollup(form=committee_form, unit=unit, period=period).totals.get("TT_NGUOI")
        expected = rollup_by_walking(children, own, code, {"TT_NGUOI": "sum"}).get("TT_NGUOI")
        assert got == expected
        rows = report_rollup(form=committee_form, unit=unit, period=period).children
        assert sum((r.values.get("TT_NGUOI") or 0) for r in rows) + own.get(code, {}).get(
            "TT_NGUOI", 0
        ) == (expected or 0)


def test_a_changed_form_version_is_seen_by_the_next_roll_up(cast, committee_form, file_report):
    from doanket.reporting.models import FormItem

    file_report(cast.editor, cast.tree.N1, "2026S1", {"TT_NGUOI": "100"})
    period = committee_form.period("2026S1")
    before = report_rollup(form=committee_form, unit=cast.tree.P, period=period)
    assert "TT_NGUOI" in [i.code for i in before.indicators]
    FormItem.objects.get(indicator__code="TT_NGUOI", section__version__form=committee_form).delete()
    after = report_rollup(form=committee_form, unit=cast.tree.P, period=period)
    assert "TT_NGUOI" not in [i.code for i in after.indicators]
