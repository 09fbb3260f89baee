"""Households of the cast tree, and the people of the residential areas.

N1 (Phường Cẩm Giàng) holds areas A1, A2, A3 from 01/07/2025; N2 holds A4–A6.
`area_editor` keeps A1's list, `area_viewer` reads it, `commune_approver` approves on N1
and decides A1's results; `outsider_editor` works in N2.
"""

from types import SimpleNamespace

import pytest

from doanket.accounts.models import Role
from doanket.conftest import make_user
from doanket.households.models import Household, HouseholdYear
from doanket.households.poverty import standards_install

THIS_YEAR = 2026


@pytest.fixture
def people(cast):
    t = cast.tree
    cast.area_editor = make_user("area_editor", "Bùi Văn Thôn", **{Role.EDITOR: t.A1})
    cast.area_viewer = make_user("area_viewer", "Đinh Thị Đọc", **{Role.VIEWER: t.A1})
    cast.commune_approver = make_user("commune_approver", "Lý Văn Xã", **{Role.APPROVER: t.N1})
    cast.area_approver = make_user("area_approver", "Mai Văn Khu", **{Role.APPROVER: t.A1})
    standards_install()
    return cast


def add_households(area, names, year=THIS_YEAR):
    created = []
    for n, name in enumerate(names, start=1):
        household = Household.objects.create(
            area=area, head_name=name, address=f"Số {n}, {area.name}", members=3
        )
        HouseholdYear.objects.create(household=household, year=year, area=area)
        created.append(household)
    from doanket.households.counters import counters_rebuild

    counters_rebuild()
    return created


@pytest.fixture
def homes(people):
    """Five households in A1, two in A2, two in A4 (the sibling commune), this year."""
    t = people.tree
    h = SimpleNamespace(cast=people, tree=t)
    h.a1 = add_households(
        t.A1,
        ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Đỗ Văn Em"],
    )
    h.a2 = add_households(t.A2, ["Hoàng Văn Giang", "Vũ Thị Hoa"])
    h.a4 = add_households(t.A4, ["Ngô Văn Khánh", "Dương Thị Lan"])
    return h
