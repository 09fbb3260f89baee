"""Both databases must sort names the same, Vietnamese way, through the ORM."""

import pytest

from doanket.core.lib.vn_text import vi_natural_key
from doanket.core.tests.test_vn_text import POSTGRES_ORDER
from doanket.units.models import Unit
from doanket.units.selectors import in_vietnamese_order

# PostgreSQL 15's ICU "vi-VN-u-kn-true" order of these names.
NATURAL_ORDER = [
    "2 Tháng 9",
    "Ấp 1",
    "ấp 10",
    "Đội 5",
    "Đội 15",
    "Khu 0",
    "Khu 00",
    "Khu 9",
    "Khu 10",
    "Khu 100",
    "Khu dân cư số 2",
    "Khu dân cư số 3",
    "Khu dân cư số 12",
    "Nguyễn Văn A",
    "Nguyễn Văn Ân",
    "Thôn 3",
    "Thôn 3 Đông",
    "Thôn 30",
    "Thôn Đông",
    "Tổ 1 B",
    "Tổ 1A",
    "Tổ 10a",
    "Tổ dân phố 1",
    "tổ dân phố 2",
    "Tổ dân phố 02",
    "Tổ dân phố 2",
    "Tổ dân phố 12",
    "Xã An Bình",
]


def test_numbers_inside_names_sort_as_numbers():
    assert sorted(reversed(NATURAL_ORDER), key=vi_natural_key) == NATURAL_ORDER


@pytest.mark.parametrize("names", [NATURAL_ORDER, POSTGRES_ORDER])
def test_the_database_sorts_like_icu_vietnamese_with_numbers(db, names):
    shuffled = sorted(names, key=lambda name: hash(name))
    Unit.objects.bulk_create(
        Unit(code=str(i), name=name, name_folded="", kind=Unit.Kind.COMMUNE)
        for i, name in enumerate(shuffled)
    )
    ordered = list(in_vietnamese_order(Unit.objects.all()).values_list("name", flat=True))
    assert ordered == sorted(names, key=vi_natural_key)
