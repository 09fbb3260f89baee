import datetime

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from doanket.accounts.access import can_manage_member_org, can_manage_unit
from doanket.accounts.models import Membership, Role, User
from doanket.core.audit import audit_record
from doanket.core.models import AuditEvent
from doanket.units.models import MemberOrg, Unit

LOGIN_FAILED = "login.failed"
LOGIN_OK = "login.ok"


def _membership_facts(membership: Membership) -> dict:
    return {
        "user": membership.user.username,
        "role": membership.role,
        "unit": membership.unit.code if membership.unit_id else None,
        "member_org": membership.member_org_id,
    }


def _check_can_grant(*, admin: User, unit: Unit | None, member_org: MemberOrg | None) -> None:
    allowed = can_manage_unit(admin, unit) if unit else can_manage_member_org(admin, member_org)
    if not allowed:
        raise ValidationError(
            _(
                "Bạn chỉ được phân quyền trên đơn vị mình quản trị và các đơn vị trực thuộc. "
                "Hãy chọn một đơn vị trong phạm vi của bạn."
            )
        )


@transaction.atomic
def membership_grant(
    *,
    admin: User,
    user: User,
    role: str,
    unit: Unit | None = None,
    member_org: MemberOrg | None = None,
) -> Membership:
    if (unit is None) == (member_org is None):
        raise ValidationError(_("Hãy chọn đúng một đơn vị hoặc một tổ chức thành viên."))
    if role not in Role.values:
        raise ValidationError(_("Vai trò không hợp lệ."))
    _check_can_grant(admin=admin, unit=unit, member_org=member_org)
    membership, created = Membership.objects.get_or_create(
        user=user, unit=unit, member_org=member_org, role=role, defaults={"granted_by": admin}
    )
    if not created:
        raise ValidationError(_("Người dùng này đã có vai trò đó trên đơn vị đã chọn."))
    target = unit or member_org
    audit_record(
        action="membership.grant",
        actor=admin,
        unit=unit or member_org.unit,
        obj=membership,
        summary=_("Cấp vai trò %(role)s trên %(target)s cho %(user)s")
        % {"role": membership.get_role_display(), "target": target, "user": user},
        after=_membership_facts(membership),
    )
    return membership


@transaction.atomic
def membership_revoke(*, admin: User, membership: Membership) -> None:
    _check_can_grant(admin=admin, unit=membership.unit, member_org=membership.member_org)
    if membership.user_id == admin.pk and membership.role == Role.ADMIN:
        raise ValidationError(
            _(
                "Bạn không thể tự thu hồi quyền quản trị của mình. Hãy nhờ quản trị đơn vị "
                "cấp trên nếu cần."
            )
        )
    if not Membership.objects.filter(user=membership.user).exclude(pk=membership.pk).exists():
        raise ValidationError(
            _(
                "Đây là vai trò cuối cùng của người dùng này. Nếu người đó thôi công tác, hãy "
                "khóa tài khoản thay vì thu hồi vai trò."
            )
        )
    facts = _membership_facts(membership)
    audit_record(
        action="membership.revoke",
        actor=admin,
        unit=membership.unit or membership.member_org.unit,
        obj=membership,
        summary=_("Thu hồi vai trò %(role)s trên %(target)s của %(user)s")
        % {
            "role": membership.get_role_display(),
            "target": membership.target,
            "user": membership.user,
        },
        before=facts,
    )
    membership.delete()


@transaction.atomic
def user_create(
    *,
    admin: User,
    username: str,
    full_name: str,
    password: str,
    role: str,
    unit: Unit | None = None,
    member_org: MemberOrg | None = None,
    email: str = "",
    phone: str = "",
    position: str = "",
) -> User:
    """Create a user together with a first role, so nobody exists outside every scope."""
    _check_can_grant(admin=admin, unit=unit, member_org=member_org)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(_("Tên đăng nhập “%(name)s” đã có người dùng.") % {"name": username})
    user = User(username=username, full_name=full_name, email=email, phone=phone, position=position)
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    audit_record(
        action="user.create",
        actor=admin,
        unit=unit or member_org.unit,
        obj=user,
        summary=_("Tạo người dùng %(user)s") % {"user": user.username},
        after={"username": user.username, "full_name": user.full_name},
    )
    membership_grant(admin=admin, user=user, role=role, unit=unit, member_org=member_org)
    return user


@transaction.atomic
def user_set_active(*, admin: User, user: User, active: bool) -> None:
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit_record(
        action="user.unlock" if active else "user.lock",
        actor=admin,
        obj=user,
        summary=(_("Mở khóa tài khoản %(user)s") if active else _("Khóa tài khoản %(user)s"))
        % {"user": user.username},
    )


@transaction.atomic
def user_set_password(*, admin: User, user: User, password: str) -> None:
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(
        action="user.password",
        actor=admin,
        obj=user,
        summary=_("Đặt lại mật khẩu cho %(user)s") % {"user": user.username},
    )


def login_wait_seconds(*, username: str, ip_address: str | None) -> int:
    """How long a caller must still wait before another try, after repeated failures.

    Past the allowed number of failures in the window, each further failure doubles the
    wait, up to a ceiling, counted per username and per address.
    """
    since = timezone.now() - datetime.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    failures = AuditEvent.objects.filter(action=LOGIN_FAILED, created_at__gte=since)
    worst = 0
    for scoped in (
        failures.filter(username=username.lower()),
        failures.filter(ip_address=ip_address) if ip_address else failures.none(),
    ):
        count = scoped.count()
        excess = count - settings.LOGIN_FAILURES_BEFORE_DELAY
        if excess < 0:
            continue
        delay = min(2**excess, settings.LOGIN_MAX_DELAY_SECONDS)
        last = scoped.order_by("-created_at").values_list("created_at", flat=True).first()
        remaining = delay - (timezone.now() - last).total_seconds()
        worst = max(worst, int(remaining + 0.999))
    return worst


def login_failed_record(*, username: str, ip_address: str | None) -> None:
    audit_record(
        action=LOGIN_FAILED,
        username=username.lower()[:150],
        ip_address=ip_address,
        summary=_("Đăng nhập không thành công"),
    )


def login_succeeded_record(*, user: User, ip_address: str | None) -> None:
    audit_record(
        action=LOGIN_OK,
        actor=user,
        username=user.username.lower(),
        ip_address=ip_address,
        summary=_("Đăng nhập"),
    )
