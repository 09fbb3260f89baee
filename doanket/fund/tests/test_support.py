"""A household's support history comes from the fund's disbursements."""

import datetime

from doanket.fund import services
from doanket.households.tests.conftest import add_households

from .conftest import DAY


def test_the_household_page_lists_what_the_fund_paid_and_not_what_was_voided(funds, client_for):
    household = add_households(funds.tree.A1, ["Đặng Thị Hiền"])[0]
    officer = funds.fund_officer
    services.donation_record(
        user=officer, fund=funds.N1_fund, amount=10_000_000, date=DAY, donor_type="anonymous"
    )
    kept = services.disbursement_record(
        user=officer,
        fund=funds.N1_fund,
        amount=3_000_000,
        date=DAY,
        category="livelihood",
        household=household,
        decision_number="15/QĐ-BTT",
        decision_on=DAY,
    )
    voided = services.disbursement_record(
        user=officer,
        fund=funds.N1_fund,
        amount=777_000,
        date=DAY,
        category="tet",
        household=household,
        decision_number="16/QĐ-BTT",
        decision_on=DAY,
    )
    services.reversal_record(user=officer, posting=voided, reason="Trùng danh sách")
    page = client_for(funds.viewer).get(f"/households/h/{household.pk}/").content.decode()
    support = page[page.index('id="support"') :]
    support = support[: support.index("</ul>")]
    assert "3.000.000 đ" in support and "15/QĐ-BTT" in support
    assert "777.000 đ" not in support
    assert kept.date == datetime.date(2026, 11, 2)
