import pytest

from doanket.reporting.models import ReportForm
from doanket.reporting.services import report_open, report_save, report_submit
from doanket.reporting.standard import COMMITTEE_FORM, ORG_FORM, standard_forms_install


@pytest.fixture
def forms(db):
    standard_forms_install()
    return ReportForm.objects.get(code=COMMITTEE_FORM), ReportForm.objects.get(code=ORG_FORM)


@pytest.fixture
def committee_form(forms):
    return forms[0]


@pytest.fixture
def file_report(committee_form):
    """A report typed and, unless told otherwise, submitted by `user`."""

    def make(user, unit, period_code, values, submit=True, member_org=None, form=None):
        form = form or committee_form
        report = report_open(
            form=form,
            period=form.period(period_code),
            unit=unit,
            member_org=member_org,
            user=user,
        )
        report_save(report=report, user=user, values=values)
        if submit:
            report = report_submit(report=report, user=user)
        return report

    return make
