from django.utils.functional import SimpleLazyObject

from doanket.reporting.definitions import can_define_forms


def navigation(request):
    user = getattr(request, "user", None)
    return {"nav_can_define_forms": SimpleLazyObject(lambda: bool(user and can_define_forms(user)))}
