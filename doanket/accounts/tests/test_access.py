from doanket.accounts import access
from doanket.accounts.models import Role


def codes(queryset):
    return sorted(queryset.values_list("code", flat=True))


def test_a_province_role_reaches_every_unit_of_both_maps(cast):
    assert len(codes(access.units_for_user(cast.admin))) == 15


def test_a_new_commune_inherits_what_its_primary_predecessors_held(cast):
    assert codes(access.units_for_user(cast.viewer)) == ["A1", "A2", "A3", "C1", "C2", "N1"]


def test_an_area_of_a_split_commune_follows_its_new_commune(cast):
    assert "A4" not in codes(access.units_for_user(cast.viewer))
    assert "A4" in codes(access.units_for_user(cast.outsider))


def test_the_sibling_commune_sees_only_its_own(cast):
    seen = codes(access.units_for_user(cast.outsider))
    assert seen == ["A4", "A5", "A6", "C3", "C4", "N2"]
    assert "N1" not in seen and "C2" not in seen


def test_a_member_organisation_role_shows_the_organisation_and_its_host_unit(cast):
    assert codes(access.units_for_user(cast.org_editor)) == ["N1"]
    assert list(access.member_orgs_for_user(cast.org_editor)) == [cast.tree.N1_farmers]


def test_roles_are_checked_one_by_one(cast):
    admin_only = frozenset({Role.ADMIN})
    assert access.units_for_user(cast.editor, admin_only).count() == 0
    assert access.can_manage_unit(cast.admin, cast.tree.N1)
    assert not access.can_manage_unit(cast.outsider, cast.tree.N1)
    assert not access.can_manage_unit(cast.viewer, cast.tree.N1)


def test_an_inactive_user_sees_nothing(cast):
    cast.admin.is_active = False
    assert access.units_for_user(cast.admin).count() == 0


def test_people_are_found_only_inside_the_scope(cast):
    assert "Lê Văn Nhập" in [u.full_name for u in access.users_for_user(cast.admin)]
    assert "Lê Văn Nhập" not in [u.full_name for u in access.users_for_user(cast.outsider)]
