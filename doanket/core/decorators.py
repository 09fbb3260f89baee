from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import resolve_url


def login_required_htmx(view):
    """Like login_required, but a partial asked for by htmx after the session ended sends
    the whole page to the login form instead of nesting the form inside the page."""
    guarded = login_required(view)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated and getattr(request, "htmx", False):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = resolve_url(settings.LOGIN_URL)
            return response
        return guarded(request, *args, **kwargs)

    return wrapper
