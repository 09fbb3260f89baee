from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from doanket.accounts import access, services
from doanket.accounts.forms import (
    GrantForm,
    LoginForm,
    PasswordResetForm,
    SearchForm,
    UserCreateForm,
)
from doanket.accounts.models import Membership, Role
from doanket.core.lib.vn_text import fold
from doanket.units import selectors
from doanket.units.models import Unit, valid_on

ADMIN = frozenset({Role.ADMIN})


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


@login_required
def home(request):
    memberships = (
        Membership.objects.filter(user=request.user)
        .select_related("unit", "member_org__unit")
        .order_by("unit__kind", "role")
    )
    return render(
        request,
        "accounts/home.html",
        {
            "memberships": memberships,
            "today": selectors.today(),
            "is_admin": access.is_unit_admin_anywhere(request.user),
        },
    )


@login_required
def search(request):
    form = SearchForm(request.GET or None)
    units = people = None
    query = ""
    if form.is_valid() and form.cleaned_data["q"].strip():
        query = form.cleaned_data["q"].strip()
        key = fold(query)
        units = selectors.unit_search(text=query, units=access.units_for_user(request.user))[:50]
        people = selectors.in_vietnamese_order(
            access.users_for_user(request.user).filter(full_name_folded__contains=key),
            "full_name",
        )[:50]
    return render(
        request,
        "accounts/search.html",
        {"form": form, "query": query, "search_query": query, "units": units, "people": people},
    )


def _admin_targets(request):
    """Units and organisations an admin may grant roles on.

    Residential areas are many; one is offered when asked for by the link on its page.
    """
    requested = request.POST.get("unit") or request.GET.get("unit") or ""
    granted = Membership.objects.filter(user=request.user, role=Role.ADMIN).values("unit_id")
    wanted = Q(kind__in=[Unit.Kind.PROVINCE, Unit.Kind.DISTRICT, Unit.Kind.COMMUNE])
    wanted |= Q(pk__in=granted)
    if requested.isascii() and requested.isdigit():
        wanted |= Q(pk=int(requested))
    units = access.units_for_user(request.user, ADMIN).filter(valid_on(selectors.today()), wanted)
    orgs = access.member_orgs_for_user(request.user, ADMIN).filter(valid_on(selectors.today()))
    return (
        selectors.in_vietnamese_order(units),
        orgs.select_related("unit").order_by("unit__name", "org_type"),
    )


def _require_admin(user):
    if not access.is_unit_admin_anywhere(user):
        raise Http404


@login_required
def user_list(request):
    _require_admin(request.user)
    form = SearchForm(request.GET or None)
    in_scope = Membership.objects.filter(
        unit__in=access.units_for_user(request.user)
    ) | Membership.objects.filter(member_org__in=access.member_orgs_for_user(request.user))
    users = access.users_managed_by(request.user).prefetch_related(
        Prefetch(
            "memberships",
            queryset=in_scope.select_related("unit", "member_org__unit"),
            to_attr="visible_memberships",
        )
    )
    if form.is_valid() and form.cleaned_data["q"]:
        key = fold(form.cleaned_data["q"])
        users = users.filter(full_name_folded__contains=key) | users.filter(username__icontains=key)
    users = selectors.in_vietnamese_order(users, "full_name")[:200]
    return render(request, "accounts/user_list.html", {"users": users, "form": form})


@login_required
def user_create(request):
    _require_admin(request.user)
    units, orgs = _admin_targets(request)
    form = UserCreateForm(request.POST or None, initial=request.GET or None)
    form.set_targets(units=units, member_orgs=orgs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_create(
                admin=request.user,
                username=data["username"],
                full_name=data["full_name"],
                password=data["password"],
                role=data["role"],
                unit=data["unit"],
                member_org=data["member_org"],
                email=data["email"],
                phone=data["phone"],
                position=data["position"],
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request, _("Đã tạo người dùng %(name)s.") % {"name": user.get_full_name()}
            )
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form})


@login_required
def user_detail(request, pk):
    _require_admin(request.user)
    person = access.access_managed_user(request.user, pk)
    units, orgs = _admin_targets(request)
    form = GrantForm(request.POST or None)
    form.set_targets(units=units, member_orgs=orgs)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_grant(
                admin=request.user,
                user=person,
                role=form.cleaned_data["role"],
                unit=form.cleaned_data["unit"],
                member_org=form.cleaned_data["member_org"],
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Đã cấp vai trò."))
            return redirect("accounts:user_detail", pk=person.pk)
    memberships = person.memberships.select_related("unit", "member_org__unit").order_by("id")
    manageable_units = set(access.units_for_user(request.user, ADMIN).values_list("pk", flat=True))
    rows = [
        m
        for m in memberships
        if (m.unit_id if m.unit_id else m.member_org.unit_id) in manageable_units
    ]
    return render(
        request,
        "accounts/user_detail.html",
        {
            "person": person,
            "rows": rows,
            "hidden_roles": len(memberships) - len(rows),
            "form": form,
            "can_manage_account": access.can_manage_account(request.user, person),
            "password_form": PasswordResetForm(),
        },
    )


@login_required
@require_POST
def user_account(request, pk):
    """Lock, unlock or set a new password for a user wholly inside the admin's scope."""
    _require_admin(request.user)
    person = access.access_managed_user(request.user, pk)
    if not access.can_manage_account(request.user, person):
        raise Http404
    action = request.POST.get("action")
    try:
        if action == "lock":
            services.user_set_active(admin=request.user, user=person, active=False)
            messages.success(request, _("Đã khóa tài khoản."))
        elif action == "unlock":
            services.user_set_active(admin=request.user, user=person, active=True)
            messages.success(request, _("Đã mở khóa tài khoản."))
        elif action == "password":
            form = PasswordResetForm(request.POST)
            if not form.is_valid():
                for message in form.errors.get("password", []):
                    messages.error(request, message)
                return redirect("accounts:user_detail", pk=person.pk)
            services.user_set_password(
                admin=request.user, user=person, password=form.cleaned_data["password"]
            )
            messages.success(request, _("Đã đặt mật khẩu mới; hãy báo cho người dùng."))
        else:
            raise Http404
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("accounts:user_detail", pk=person.pk)


@login_required
@require_POST
def membership_revoke(request, pk):
    _require_admin(request.user)
    membership = get_object_or_404(
        Membership.objects.select_related("unit", "member_org__unit", "user"), pk=pk
    )
    person = access.access_managed_user(request.user, membership.user_id)
    if not access.can_manage_unit(request.user, membership.unit or membership.member_org.unit):
        raise Http404
    try:
        services.membership_revoke(admin=request.user, membership=membership)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Đã thu hồi vai trò."))
    return redirect("accounts:user_detail", pk=person.pk)
