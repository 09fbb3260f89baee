"""The official divisions of the fixture, on both sides of 1/7/2025."""

import datetime

import pytest

from doanket.units import selectors
from doanket.units.loading import (
    divisions_load,
    member_orgs_create_standard,
    residential_areas_generate,
)
from doanket.units.models import Succession, Unit, UnitLink, valid_on

OLD_DAY = datetime.date(2025, 6, 30)
NEW_DAY = datetime.date(2025, 7, 1)


@pytest.fixture(scope="module")
def divisions(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        divisions_load()
        residential_areas_generate()
        member_orgs_create_standard()
    yield
    with django_db_blocker.unblock():
        from doanket.units.models import MemberOrg

        MemberOrg.objects.all().delete()
        Succession.objects.all().delete()
        UnitLink.objects.all().delete()
        Unit.objects.all().delete()


def province(code):
    return Unit.objects.get(code=code, kind=Unit.Kind.PROVINCE)


def count(unit, on, kind):
    return selectors.unit_subtree(unit=unit, on=on).filter(kind=kind).count()


pytestmark = pytest.mark.django_db


def test_legacy_hai_duong_has_12_districts_and_207_communes(divisions):
    hai_duong = province("30")
    assert count(hai_duong, OLD_DAY, Unit.Kind.DISTRICT) == 12
    assert count(hai_duong, OLD_DAY, Unit.Kind.COMMUNE) == 207
    assert selectors.unit_link_on(unit=hai_duong, on=NEW_DAY) is None


def test_hai_phong_has_114_communes_and_no_district_since_the_reform(divisions):
    hai_phong = province("31")
    communes = selectors.unit_subtree(unit=hai_phong, on=NEW_DAY).filter(kind=Unit.Kind.COMMUNE)
    assert communes.count() == 114
    assert communes.filter(name__startswith="Phường").count() == 45
    assert communes.filter(name__startswith="Xã").count() == 67
    assert communes.filter(name__startswith="Đặc khu").count() == 2
    assert count(hai_phong, NEW_DAY, Unit.Kind.DISTRICT) == 0


def test_legacy_hai_phong_is_there_too(divisions):
    assert count(province("31"), OLD_DAY, Unit.Kind.DISTRICT) == 15


def test_every_legacy_hai_duong_commune_has_a_successor_in_hai_phong(divisions):
    communes = selectors.unit_subtree(unit=province("30"), on=OLD_DAY).filter(
        kind=Unit.Kind.COMMUNE
    )
    new_communes = set(
        selectors.unit_subtree(unit=province("31"), on=NEW_DAY).values_list("pk", flat=True)
    )
    for commune in communes:
        heirs = set(Succession.objects.filter(old=commune).values_list("new_id", flat=True))
        assert heirs and heirs <= new_communes, commune.name
        assert Succession.objects.filter(old=commune, primary=True).count() == 1, commune.name


def test_every_commune_has_5_to_15_residential_areas_on_both_maps(divisions):
    for on in (OLD_DAY, NEW_DAY):
        for link in UnitLink.objects.filter(valid_on(on), child__kind=Unit.Kind.COMMUNE)[:400]:
            areas = UnitLink.objects.filter(valid_on(on), parent_id=link.child_id).count()
            if on == OLD_DAY:
                assert 5 <= areas <= 15, link.child.name


def test_residential_areas_move_to_the_new_communes_untouched(divisions):
    old_total = Unit.objects.filter(
        kind=Unit.Kind.RESIDENTIAL_AREA, links__valid_to=OLD_DAY
    ).count()
    new_total = Unit.objects.filter(
        kind=Unit.Kind.RESIDENTIAL_AREA, links__valid_from=NEW_DAY
    ).count()
    assert old_total == new_total > 0
    for on in (OLD_DAY, NEW_DAY):
        placed = list(UnitLink.objects.filter(valid_on(on)).values_list("child_id", flat=True))
        assert len(placed) == len(set(placed))


def test_a_split_commune_sends_areas_to_each_successor(divisions):
    tu_minh = Unit.objects.get(code="10540", valid_to=OLD_DAY)
    heirs = {s.new_id for s in Succession.objects.filter(old=tu_minh)}
    areas = selectors.unit_children(unit=tu_minh, on=OLD_DAY)
    placed_in = {selectors.unit_link_on(unit=area, on=NEW_DAY).parent_id for area in areas}
    assert placed_in == heirs and len(heirs) == 2


def test_cam_thuong_is_found_without_diacritics(divisions):
    assert "Phường Cẩm Thượng" in [u.name for u in selectors.unit_search(text="cam thuong")]


def test_member_organisations_sit_where_they_should(divisions):
    from doanket.units.models import MemberOrg

    commune = Unit.objects.filter(kind=Unit.Kind.COMMUNE, valid_from=NEW_DAY).first()
    types = set(MemberOrg.objects.filter(unit=commune).values_list("org_type", flat=True))
    assert types == {"farmers", "women", "youth", "veterans"}
    assert MemberOrg.objects.filter(unit=province("31"), org_type="labour").exists()


def test_loading_twice_changes_nothing(divisions):
    before = Unit.objects.count()
    assert divisions_load() == {}
    assert residential_areas_generate() == 0
    assert Unit.objects.count() == before
