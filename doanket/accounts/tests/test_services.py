import pytest
from django.core.exceptions import ValidationError

from doanket.accounts import services
from doanket.accounts.models import Membership, Role, User
from doanket.core.models import AuditEvent


def test_an_admin_grants_a_role_below_and_it_is_audited(cast):
    membership = services.membership_grant(
        admin=cast.admin, user=cast.viewer, role=Role.EDITOR, unit=cast.tree.A1
    )
    event = AuditEvent.objects.get(action="membership.grant")
    assert event.actor == cast.admin
    assert event.after["role"] == "editor" and event.after["unit"] == "A1"
    assert membership.granted_by == cast.admin


def test_a_role_outside_the_admins_subtree_is_refused_and_nothing_is_written(cast):
    with pytest.raises(ValidationError, match="trong phạm vi của bạn"):
        services.membership_grant(
            admin=cast.outsider, user=cast.viewer, role=Role.ADMIN, unit=cast.tree.N1
        )
    assert not Membership.objects.filter(user=cast.viewer, role=Role.ADMIN).exists()
    assert not AuditEvent.objects.filter(action="membership.grant").exists()


def test_a_role_on_an_organisation_outside_the_scope_is_refused(cast):
    with pytest.raises(ValidationError):
        services.membership_grant(
            admin=cast.outsider,
            user=cast.viewer,
            role=Role.VIEWER,
            member_org=cast.tree.N1_farmers,
        )


def test_a_duplicate_role_is_refused(cast):
    with pytest.raises(ValidationError, match="đã có vai trò"):
        services.membership_grant(
            admin=cast.admin, user=cast.viewer, role=Role.VIEWER, unit=cast.tree.N1
        )


def test_revoking_is_audited(cast):
    membership = Membership.objects.get(user=cast.viewer)
    Membership.objects.create(user=cast.viewer, unit=cast.tree.A1, role=Role.EDITOR)
    services.membership_revoke(admin=cast.admin, membership=membership)
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert AuditEvent.objects.get(action="membership.revoke").before["user"] == "viewer"


def test_a_user_is_created_with_a_first_role(cast):
    user = services.user_create(
        admin=cast.admin,
        username="canbo1",
        full_name="Nguye\u0302\u0303n Thị Mới",
        password="mot-mat-khau-dai",
        role=Role.EDITOR,
        unit=cast.tree.N2,
    )
    assert user.full_name == "Nguyễn Thị Mới"
    assert user.memberships.get().unit == cast.tree.N2


def test_a_weak_password_leaves_no_user_behind(cast):
    with pytest.raises(ValidationError):
        services.user_create(
            admin=cast.admin,
            username="canbo2",
            full_name="Người Mới",
            password="12345678",
            role=Role.EDITOR,
            unit=cast.tree.N2,
        )
    assert not User.objects.filter(username="canbo2").exists()
    assert not AuditEvent.objects.filter(action="user.create").exists()


def test_the_last_role_is_not_revoked_but_the_account_can_be_locked(cast):
    membership = Membership.objects.get(user=cast.viewer)
    with pytest.raises(ValidationError, match="khóa tài khoản"):
        services.membership_revoke(admin=cast.admin, membership=membership)
    assert Membership.objects.filter(pk=membership.pk).exists()
    services.user_set_active(admin=cast.admin, user=cast.viewer, active=False)
    cast.viewer.refresh_from_db()
    assert not cast.viewer.is_active
    assert AuditEvent.objects.filter(action="user.lock").exists()


def test_an_admin_cannot_revoke_its_own_admin_role(cast):
    membership = Membership.objects.get(user=cast.admin, role=Role.ADMIN)
    Membership.objects.create(user=cast.admin, unit=cast.tree.P, role=Role.VIEWER)
    with pytest.raises(ValidationError, match="tự thu hồi"):
        services.membership_revoke(admin=cast.admin, membership=membership)


def test_a_new_password_must_be_strong(cast):
    with pytest.raises(ValidationError):
        services.user_set_password(admin=cast.admin, user=cast.viewer, password="12345678")
