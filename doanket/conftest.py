"""The fixed cast every test tells its story about.

Before 1/7/2025: province P → districts D1, D2 → communes C1, C2 (in D1) and C3, C4 (in D2),
with residential areas A1, A2 (C1), A3, A4 (C2), A5 (C3), A6 (C4).
From 1/7/2025 the districts are gone: P → N1 (C1 merged, C2 split with N1 primary) and
N2 (C3, C4 merged, the rest of C2). Areas A1–A3 move to N1, A4–A6 to N2.

People: `admin` manages P, `approver` approves on P, `editor` enters data on N1, `viewer`
reads N1, `org_editor` enters data for N1's farmers' association, `admin_editor` enters
data for P, and `outsider` (with `outsider_editor`) works in the sibling commune N2:
nothing of N1's may reach them.
"""

import datetime
from types import SimpleNamespace

import pytest

from doanket.accounts.models import Membership, Role, User
from doanket.reporting.models import ReportForm
from doanket.reporting.services import report_open, report_save, report_submit
from doanket.reporting.standard import COMMITTEE_FORM, ORG_FORM, standard_forms_install
from doanket.units.models import REFORM_DATE, MemberOrg, Succession, Unit
from doanket.units.services import unit_end, unit_link_create

PASSWORD = "mat-khau-thu-nghiem"
LAST_OLD_DAY = REFORM_DATE - datetime.timedelta(days=1)
BEFORE = datetime.date(2024, 6, 1)
AFTER = datetime.date(2026, 1, 15)


def make_unit(code, name, kind, **spans):
    return Unit.objects.create(code=code, name=name, kind=kind, **spans)


def build_cast_tree() -> SimpleNamespace:
    t = SimpleNamespace()
    t.P = make_unit("P", "Thành phố Thử Nghiệm", Unit.Kind.PROVINCE)
    unit_link_create(child=t.P, parent=None)
    for name, code in (("D1", "Huyện Đông"), ("D2", "Huyện Đoài")):
        unit = make_unit(name, code, Unit.Kind.DISTRICT, valid_to=LAST_OLD_DAY)
        unit_link_create(child=unit, parent=t.P, valid_to=LAST_OLD_DAY)
        setattr(t, name, unit)
    communes = {
        "C1": ("Xã Cẩm Thượng", t.D1),
        "C2": ("Xã Ái Quốc", t.D1),
        "C3": ("Phường Đồng Tâm", t.D2),
        "C4": ("Xã Ân Thi", t.D2),
    }
    for key, (name, district) in communes.items():
        unit = make_unit(key, name, Unit.Kind.COMMUNE, valid_to=LAST_OLD_DAY)
        unit_link_create(child=unit, parent=district, valid_to=LAST_OLD_DAY)
        setattr(t, key, unit)
    areas = {"A1": "C1", "A2": "C1", "A3": "C2", "A4": "C2", "A5": "C3", "A6": "C4"}
    names = iter(["Thôn Đông", "Thôn Đoài", "Thôn Thượng", "Thôn Hạ", "Tổ dân phố 5", "Thôn Ấp"])
    for key, commune in areas.items():
        unit = make_unit(key, next(names), Unit.Kind.RESIDENTIAL_AREA)
        unit_link_create(child=unit, parent=getattr(t, commune), valid_to=LAST_OLD_DAY)
        setattr(t, key, unit)
    for key, name in (("N1", "Phường Cẩm Giàng"), ("N2", "Xã Đoàn Kết")):
        unit = make_unit(key, name, Unit.Kind.COMMUNE, valid_from=REFORM_DATE)
        unit_link_create(child=unit, parent=t.P, valid_from=REFORM_DATE)
        setattr(t, key, unit)
    for key, new in (
        ("A1", "N1"),
        ("A2", "N1"),
        ("A3", "N1"),
        ("A4", "N2"),
        ("A5", "N2"),
        ("A6", "N2"),
    ):
        unit_link_create(child=getattr(t, key), parent=getattr(t, new), valid_from=REFORM_DATE)
    for key in ("C1", "C2", "C3", "C4", "D1", "D2"):
        unit_end(unit=getattr(t, key), last_day=LAST_OLD_DAY)
    for old, new, kind, primary in (
        ("C1", "N1", "merge", True),
        ("C2", "N1", "split", True),
        ("C2", "N2", "split", False),
        ("C3", "N2", "merge", True),
        ("C4", "N2", "merge", True),
    ):
        Succession.objects.create(
            old=getattr(t, old), new=getattr(t, new), date=REFORM_DATE, kind=kind, primary=primary
        )
    t.N1_farmers = MemberOrg.objects.create(
        unit=t.N1,
        org_type=MemberOrg.OrgType.FARMERS,
        name="Hội Nông dân Phường Cẩm Giàng",
        valid_from=REFORM_DATE,
    )
    t.N2_women = MemberOrg.objects.create(
        unit=t.N2,
        org_type=MemberOrg.OrgType.WOMEN,
        name="Hội Phụ nữ Xã Đoàn Kết",
        valid_from=REFORM_DATE,
    )
    return t


def make_user(username, full_name, **memberships) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, full_name=full_name)
    for role, target in memberships.items():
        field = "member_org" if isinstance(target, MemberOrg) else "unit"
        Membership.objects.create(user=user, role=role, **{field: target})
    return user


@pytest.fixture
def tree(db):
    return build_cast_tree()


@pytest.fixture
def cast(tree):
    c = SimpleNamespace(tree=tree)
    c.admin = make_user("admin", "Nguyễn Văn Quản", **{Role.ADMIN: tree.P})
    c.approver = make_user("approver", "Trần Thị Duyệt", **{Role.APPROVER: tree.P})
    c.editor = make_user("editor", "Lê Văn Nhập", **{Role.EDITOR: tree.N1})
    c.viewer = make_user("viewer", "Phạm Thị Xem", **{Role.VIEWER: tree.N1})
    c.org_editor = make_user("org_editor", "Hoàng Văn Nông", **{Role.EDITOR: tree.N1_farmers})
    c.outsider = make_user("outsider", "Đỗ Văn Ngoài", **{Role.ADMIN: tree.N2})
    c.outsider_editor = make_user("outsider_editor", "Vũ Thị Bên", **{Role.EDITOR: tree.N2})
    c.admin_editor = make_user("admin_editor", "Ngô Văn Tỉnh", **{Role.EDITOR: tree.P})
    return c


@pytest.fixture
def client_for(client):
    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def media_in_a_temporary_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def forms(db):
    standard_forms_install()
    return ReportForm.objects.get(code=COMMITTEE_FORM), ReportForm.objects.get(code=ORG_FORM)


@pytest.fixture
def committee_form(forms):
    return forms[0]


@pytest.fixture
def file_report(committee_form):
    """A report typed and, unless told otherwise, submitted by `user`."""

    def make(user, unit, period_code, values, submit=True, member_org=None, form=None):
        form = form or committee_form
        report = report_open(
            form=form,
            period=form.period(period_code),
            unit=unit,
            member_org=member_org,
            user=user,
        )
        report_save(report=report, user=user, values=values)
        if submit:
            report = report_submit(report=report, user=user)
        return report

    return make


@pytest.fixture(autouse=True)
def fresh_form_cache():
    """Test databases reuse ids after each rollback; cached form contents must not leak."""
    from doanket.reporting.selectors import _ITEMS_CACHE

    _ITEMS_CACHE.clear()


@pytest.fixture
def living_in(monkeypatch):
    """Move "today" for the code under test, e.g. to report on a period not begun yet."""
    import datetime as dt

    from django.utils import timezone

    def move(day: dt.date):
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)

    return move
