from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from doanket.api.auth import api_auth
from doanket.api.fund import router as fund_router
from doanket.api.households import router as households_router
from doanket.api.reports import periods_router
from doanket.api.reports import router as reports_router
from doanket.api.units import router as units_router

api = NinjaAPI(
    title="Đoàn Kết API",
    version="1",
    description="Dữ liệu của Mặt trận theo phạm vi của người dùng; xác thực bằng mã truy cập "
    "(Authorization: Bearer …) hoặc phiên đăng nhập.",
    auth=api_auth,
    urls_namespace="api",
)
api.add_router("/units/", units_router)
api.add_router("/periods/", periods_router)
api.add_router("/reports/", reports_router)
api.add_router("/households/", households_router)
api.add_router("/fund/", fund_router)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return api.create_response(
        request,
        {"detail": _("Cần đăng nhập hoặc mã truy cập hợp lệ (Authorization: Bearer …).")},
        status=401,
    )


@api.exception_handler(ValidationError)
def invalid_input(request, exc):
    return api.create_response(
        request,
        {"detail": _("Tham số không hợp lệ: %(fields)s.") % {"fields": _fields(exc)}},
        status=400,
    )


def _fields(exc) -> str:
    names = []
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", []) if part not in ("query", "path")]
        names.append(".".join(location) or "?")
    return ", ".join(names)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(
        request, {"detail": _("Không tìm thấy đối tượng này trong phạm vi của bạn.")}, status=404
    )
