import datetime

import pytest
from django.core.exceptions import ValidationError

from doanket.conftest import AFTER, BEFORE, LAST_OLD_DAY, make_unit
from doanket.units import selectors
from doanket.units.models import REFORM_DATE, Unit, UnitLink
from doanket.units.services import unit_end, unit_link_create, unit_move


def codes(units):
    return sorted(unit.code for unit in units)


def test_the_old_map_has_districts_and_their_communes(tree):
    assert codes(selectors.unit_children(unit=tree.P, on=BEFORE)) == ["D1", "D2"]
    assert codes(selectors.unit_children(unit=tree.D1, on=BEFORE)) == ["C1", "C2"]


def test_the_new_map_has_communes_straight_under_the_province(tree):
    assert codes(selectors.unit_children(unit=tree.P, on=AFTER)) == ["N1", "N2"]
    assert codes(selectors.unit_children(unit=tree.N1, on=AFTER)) == ["A1", "A2", "A3"]


def test_the_subtree_follows_the_date(tree):
    before = codes(selectors.unit_subtree(unit=tree.P, on=LAST_OLD_DAY))
    after = codes(selectors.unit_subtree(unit=tree.P, on=REFORM_DATE))
    assert before == sorted(
        ["P", "D1", "D2", "C1", "C2", "C3", "C4", *[f"A{i}" for i in range(1, 7)]]
    )
    assert after == sorted(["P", "N1", "N2", *[f"A{i}" for i in range(1, 7)]])


def test_ancestors_are_read_from_the_placement_of_the_day(tree):
    assert codes(selectors.unit_ancestors(unit=tree.A3, on=BEFORE)) == ["C2", "D1", "P"]
    assert [u.code for u in selectors.unit_ancestors(unit=tree.A3, on=AFTER)] == ["P", "N1"]


def test_residential_areas_keep_their_identity_across_the_reform(tree):
    history = list(selectors.unit_history(unit=tree.A4))
    assert [(link.parent.code, link.valid_to) for link in history] == [
        ("C2", LAST_OLD_DAY),
        ("N2", datetime.date(9999, 12, 31)),
    ]


def test_a_split_commune_shows_its_successors_with_the_primary_first(tree):
    became, _came_from = selectors.unit_successions(unit=tree.C2)
    assert [(s.new.code, s.kind, s.primary) for s in became] == [
        ("N1", "split", True),
        ("N2", "split", False),
    ]


def test_a_new_commune_shows_where_it_came_from(tree):
    _became, came_from = selectors.unit_successions(unit=tree.N2)
    assert codes(s.old for s in came_from) == ["C2", "C3", "C4"]


def test_search_ignores_diacritics_and_sorts_in_vietnamese_order(tree):
    assert codes(selectors.unit_search(text="cam thuong")) == ["C1"]
    assert codes(selectors.unit_search(text="Cẩm")) == ["C1", "N1"]
    names = [u.name for u in selectors.unit_search(text="xa ")]
    assert names == ["Xã Ái Quốc", "Xã Ân Thi", "Xã Cẩm Thượng", "Xã Đoàn Kết"]


def test_search_finds_d_with_stroke_from_plain_d(tree):
    assert "Xã Đoàn Kết" in [u.name for u in selectors.unit_search(text="doan ket")]


def test_a_unit_code_is_read_on_a_date(tree):
    reused = make_unit("C1", "Phường Mới", Unit.Kind.COMMUNE, valid_from=REFORM_DATE)
    assert selectors.unit_by_code(code="C1", on=BEFORE) == tree.C1
    assert selectors.unit_by_code(code="C1", on=AFTER) == reused


class TestBadInput:
    def test_it_refuses_a_cycle(self, tree):
        with pytest.raises(ValidationError, match="vòng lặp"):
            unit_move(unit=tree.P, parent=tree.A1, on=AFTER)
        assert UnitLink.objects.filter(child=tree.P).count() == 1

    def test_it_refuses_a_second_parent_at_the_same_time(self, tree):
        with pytest.raises(ValidationError, match="đã có quan hệ trực thuộc khác"):
            unit_link_create(child=tree.A1, parent=tree.N2, valid_from=AFTER)
        assert UnitLink.objects.filter(child=tree.A1).count() == 2

    def test_it_refuses_a_parent_that_did_not_exist_then(self, tree):
        area = make_unit("A9", "Thôn Mới", Unit.Kind.RESIDENTIAL_AREA)
        with pytest.raises(ValidationError, match="không có vị trí trong cây"):
            unit_link_create(child=area, parent=tree.N1, valid_from=BEFORE)
        assert not UnitLink.objects.filter(child=area).exists()

    def test_it_refuses_a_unit_as_its_own_parent(self, tree):
        with pytest.raises(ValidationError, match="chính nó"):
            unit_link_create(child=tree.N1, parent=tree.N1, valid_from=AFTER)

    def test_it_refuses_an_inverted_span(self, tree):
        area = make_unit("A9", "Thôn Mới", Unit.Kind.RESIDENTIAL_AREA)
        with pytest.raises(ValidationError, match="phải sau ngày bắt đầu"):
            unit_link_create(child=area, parent=tree.N1, valid_from=AFTER, valid_to=REFORM_DATE)

    def test_it_refuses_to_end_a_unit_that_still_has_children(self, tree):
        with pytest.raises(ValidationError, match="vẫn còn đơn vị trực thuộc"):
            unit_end(unit=tree.N1, last_day=AFTER)
        tree.N1.refresh_from_db()
        assert tree.N1.shown_valid_to is None

    def test_an_empty_name_is_refused(self, tree):
        unit = Unit(code="X", name="   ", kind=Unit.Kind.COMMUNE)
        with pytest.raises(ValidationError, match="không được để trống"):
            unit.full_clean()

    def test_an_over_long_name_is_refused(self, tree):
        unit = Unit(code="X", name="X" * 201, kind=Unit.Kind.COMMUNE)
        with pytest.raises(ValidationError):
            unit.full_clean()
