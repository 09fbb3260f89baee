"""A household that has left keeps its year's records but is no longer registered or
evaluated; moves and phones are checked."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from doanket.households import services
from doanket.households.models import HouseholdYear

from .test_counters import ALL_CRITERIA, decide


def test_a_household_that_left_is_frozen_on_the_registration_list(homes):
    t, user = homes.tree, homes.cast.admin_editor
    first, second = homes.a1[:2]
    services.registration_set(user=user, area=t.A1, year=2026, registered={first.pk, second.pk})
    services.household_gone(
        user=user, household=first, date=datetime.date(2026, 10, 1), reason="Chuyển đi"
    )
    # the page still posts its tick; dropping it or keeping it changes nothing for it
    services.registration_set(user=user, area=t.A1, year=2026, registered={second.pk})
    assert HouseholdYear.objects.get(household=first, year=2026).registered
    services.evaluation_hold_meeting(
        user=user,
        evaluation=services.evaluation_for(t.A1, 2026),
        meeting_on=datetime.date(2026, 11, 1),
        attendees=20,
        chaired_by="Trưởng thôn",
        minutes=SimpleUploadedFile("bb.pdf", b"%PDF-1.4"),
    )
    with pytest.raises(ValidationError, match="đã chuyển đi"):
        services.evaluation_mark(
            user=user,
            evaluation=services.evaluation_for(t.A1, 2026),
            household=first,
            achieved=True,
            criteria=ALL_CRITERIA,
        )
    decide(homes.cast, t.A1, 2026)  # the household that left does not hold up the posting


def test_a_move_cannot_be_dated_before_the_household_was_on_the_register(homes):
    household = homes.a1[0]
    with pytest.raises(ValidationError, match="Ngày chuyển phải từ 01/01/2026"):
        services.household_move(
            user=homes.cast.admin_editor,
            household=household,
            to_area=homes.tree.A2,
            date=datetime.date(2025, 11, 15),
        )
    household.refresh_from_db()
    assert household.area == homes.tree.A1


def test_a_phone_with_letters_is_refused(homes):
    with pytest.raises(ValidationError, match="chỉ gồm chữ số"):
        services.household_create(
            user=homes.cast.admin_editor,
            area=homes.tree.A1,
            data={"head_name": "Cao Thị Yến", "phone": "abc"},
        )
