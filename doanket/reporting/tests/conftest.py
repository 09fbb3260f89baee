import pytest

from doanket.reporting.models import FormItem, Indicator, ValidationRule

WORKS = ("PV_DANGKY", "PV_XONG", "TL_PV_XONG")
WORKS_RULE = "Số phần việc hoàn thành không được lớn hơn số đăng ký."


@pytest.fixture
def works_on_committee_form(committee_form):
    """The committee form also counting the works (phần việc) a unit registered and
    finished, the share finished, and the rule that no more are finished than registered:
    since the households and fund figures come from the registers, this is the committee
    form's rate and rule whose parts are typed."""
    version = committee_form.versions.get(number=1)
    section = version.sections.order_by("order").last()
    for order, code in enumerate(WORKS, start=50):
        FormItem.objects.create(
            section=section, indicator=Indicator.objects.get(code=code), order=order
        )
    ValidationRule.objects.create(
        version=version, left="PV_XONG", comparison="<=", right="PV_DANGKY", message=WORKS_RULE
    )
    return version
