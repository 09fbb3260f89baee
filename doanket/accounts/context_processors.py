from django.utils.functional import SimpleLazyObject

from doanket.accounts.access import is_unit_admin_anywhere


def navigation(request):
    user = getattr(request, "user", None)
    return {"nav_is_admin": SimpleLazyObject(lambda: bool(user and is_unit_admin_anywhere(user)))}
