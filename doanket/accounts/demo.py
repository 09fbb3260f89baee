"""Demo people for a first run. Their password exists only here and in `make run`'s output."""

from django.db import transaction

from doanket.accounts.models import Membership, Role, User
from doanket.units.loading import (
    divisions_load,
    member_orgs_create_standard,
    residential_areas_generate,
)
from doanket.units.models import MemberOrg, Unit

DEMO_PASSWORD = "doanket-demo-2025"

# (username prefix, unit code, valid before the reform?, human label)
DEMO_PLACES = [
    ("tinh", "31", False, "Ủy ban MTTQ thành phố Hải Phòng"),
    ("huyen", "288", True, "Thành phố Hải Dương (cấp huyện, bản đồ cũ)"),
    ("xa", "10891", False, "Phường Tứ Minh (mới)"),
    ("khu", "10540.01", None, "Khu dân cư thuộc phường Tứ Minh"),
]
OUTSIDER = ("ngoai", "10543", "Phường Việt Hòa (phường bên cạnh)")
ROLE_SUFFIX = {
    Role.VIEWER: "xem",
    Role.EDITOR: "nhap",
    Role.APPROVER: "duyet",
    Role.ADMIN: "quantri",
}
ROLE_TITLE = {
    Role.VIEWER: "Cán bộ theo dõi",
    Role.EDITOR: "Cán bộ nhập liệu",
    Role.APPROVER: "Lãnh đạo duyệt",
    Role.ADMIN: "Quản trị đơn vị",
}
DEMO_NAMES = [
    "Nguyễn Văn An",
    "Trần Thị Bình",
    "Lê Văn Cường",
    "Phạm Thị Dung",
    "Hoàng Văn Đức",
    "Vũ Thị Hạnh",
    "Đặng Văn Hùng",
    "Bùi Thị Lan",
    "Đỗ Văn Minh",
    "Ngô Thị Ngọc",
    "Dương Văn Phúc",
    "Lý Thị Quỳnh",
    "Đinh Văn Sơn",
    "Trịnh Thị Thu",
    "Mai Văn Tuấn",
    "Cao Thị Uyên",
    "Phan Văn Vinh",
    "Tạ Thị Xuân",
]


def _unit(code: str, legacy: bool | None) -> Unit:
    units = Unit.objects.filter(code=code)
    if legacy is True:
        units = units.filter(valid_to__lt="2025-07-01")
    elif legacy is False:
        units = units.filter(valid_from__gte="2025-07-01") | units.filter(code="31")
    return units.get()


def _demo_user(username: str, full_name: str, position: str, **extra) -> User:
    user, created = User.objects.get_or_create(
        username=username, defaults={"full_name": full_name, "position": position, **extra}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def demo_load() -> list[tuple[str, str]]:
    """Divisions, areas, organisations and one user per role at each demo level."""
    divisions_load()
    residential_areas_generate()
    member_orgs_create_standard()
    logins = []
    names = iter(DEMO_NAMES)
    admin = _demo_user(
        "quantri", "Quản trị hệ thống", "Quản trị hệ thống", is_staff=True, is_superuser=True
    )
    logins.append((admin.username, "Quản trị hệ thống (toàn quyền)"))
    for prefix, code, legacy, label in DEMO_PLACES:
        unit = _unit(code, legacy)
        for role, suffix in ROLE_SUFFIX.items():
            user = _demo_user(f"{prefix}_{suffix}", next(names), ROLE_TITLE[role])
            Membership.objects.get_or_create(user=user, unit=unit, role=role)
            logins.append((user.username, f"{Role(role).label} · {label}"))
    prefix, code, label = OUTSIDER
    outsider = _demo_user(f"{prefix}_quantri", next(names), ROLE_TITLE[Role.ADMIN])
    Membership.objects.get_or_create(user=outsider, unit=_unit(code, False), role=Role.ADMIN)
    logins.append((outsider.username, f"{Role.ADMIN.label} · {label}"))
    org = MemberOrg.objects.get(unit=_unit("10891", False), org_type=MemberOrg.OrgType.FARMERS)
    farmer = _demo_user("hoind_nhap", next(names), "Cán bộ Hội Nông dân")
    Membership.objects.get_or_create(user=farmer, member_org=org, role=Role.EDITOR)
    logins.append((farmer.username, f"{Role.EDITOR.label} · {org.name}"))
    return logins
