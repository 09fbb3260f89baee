"""Funds of the cast tree: the province P and the communes N1 and N2 (from 01/07/2025).

`fund_officer` keeps N1's fund (editor on N1), `fund_head` approves on N1, the province's
`approver` is the level above; `outsider_editor` keeps N2's fund.
"""

import datetime

import pytest

from doanket.accounts.models import Role
from doanket.conftest import make_user
from doanket.fund.models import Fund

DAY = datetime.date(2026, 11, 2)


@pytest.fixture
def funds(cast):
    t = cast.tree
    cast.fund_officer = make_user("fund_officer", "Trịnh Văn Quỹ", **{Role.EDITOR: t.N1})
    cast.fund_head = make_user("fund_head", "Lã Thị Trưởng", **{Role.APPROVER: t.N1})
    cast.P_fund = Fund.objects.create(unit=t.P, name="Quỹ “Vì người nghèo” thành phố")
    cast.N1_fund = Fund.objects.create(unit=t.N1, name="Quỹ “Vì người nghèo” phường Cẩm Giàng")
    cast.N2_fund = Fund.objects.create(unit=t.N2, name="Quỹ “Vì người nghèo” xã Đoàn Kết")
    return cast
