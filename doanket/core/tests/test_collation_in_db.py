"""Both databases must sort names the same, Vietnamese way, through the ORM."""

from doanket.core.tests.test_vn_text import POSTGRES_ORDER
from doanket.units.models import Unit
from doanket.units.selectors import in_vietnamese_order


def test_the_database_sorts_like_icu_vietnamese(db):
    shuffled = sorted(POSTGRES_ORDER, key=lambda name: hash(name))
    Unit.objects.bulk_create(
        Unit(code=str(i), name=name, name_folded="", kind=Unit.Kind.COMMUNE)
        for i, name in enumerate(shuffled)
    )
    ordered = list(in_vietnamese_order(Unit.objects.all()).values_list("name", flat=True))
    assert ordered == POSTGRES_ORDER
