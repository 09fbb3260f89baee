"""The tree on the real divisions: subtree, scope and search against raw SQL."""

import datetime

from django.db import connection

from doanket.accounts import access
from doanket.accounts.models import Membership, Role, User
from doanket.units import selectors
from doanket.units.loading import divisions_load, residential_areas_generate
from doanket.units.models import Unit

TODAY = datetime.date(2026, 1, 15)
OLD_DAY = datetime.date(2025, 6, 30)


def _raw(sql, params):
    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    return run


def cases():
    divisions_load()
    residential_areas_generate()
    city = Unit.objects.get(code="31", kind=Unit.Kind.PROVINCE)
    hai_duong = Unit.objects.get(code="30", kind=Unit.Kind.PROVINCE)
    user, _ = User.objects.get_or_create(username="bench_admin", defaults={"full_name": "Bench"})
    Membership.objects.get_or_create(user=user, unit=city, role=Role.ADMIN)
    city_path = selectors.unit_link_on(unit=city, on=TODAY).path
    hd_path = selectors.unit_link_on(unit=hai_duong, on=OLD_DAY).path
    subtree_sql = (
        "SELECT u.id, u.code, u.name FROM units_unit u JOIN units_unitlink l ON l.child_id = u.id "
        "WHERE l.path LIKE %s AND l.valid_from <= %s AND l.valid_to >= %s"
    )

    def fresh_user():
        return User.objects.get(pk=user.pk)

    return [
        (
            "subtree of Hải Phòng today (~2,000 units)",
            lambda: list(
                selectors.unit_subtree(unit=city, on=TODAY).values_list("id", "code", "name")
            ),
            _raw(subtree_sql, [city_path + "%", TODAY, TODAY]),
        ),
        (
            "subtree of Hải Dương on 30/06/2025 (~2,200 units)",
            lambda: list(
                selectors.unit_subtree(unit=hai_duong, on=OLD_DAY).values_list("id", "code", "name")
            ),
            _raw(subtree_sql, [hd_path + "%", OLD_DAY, OLD_DAY]),
        ),
        (
            "scope of a city admin (both maps, ~4,500 units)",
            lambda: list(access.units_for_user(fresh_user()).values_list("id", flat=True)),
            _raw(
                "SELECT DISTINCT child_id FROM units_unitlink WHERE path LIKE %s OR path LIKE %s",
                [city_path + "%", hd_path + "%"],
            ),
        ),
        (
            "search 'cam' without diacritics",
            lambda: list(selectors.unit_search(text="cam").values_list("id", "name")),
            _raw(
                "SELECT id, name FROM units_unit WHERE name_folded LIKE %s "
                'ORDER BY name COLLATE "vi-VN-x-icu", id',
                ["%cam%"],
            ),
        ),
    ]
