import unicodedata

from django.http import QueryDict


def to_nfc(text: str) -> str:
    # A NUL byte is never meant (a paste from a binary file); PostgreSQL refuses it.
    return unicodedata.normalize("NFC", text).replace("\x00", "")


# Passwords are compared byte for byte by Django; normalising them here but not in
# createsuperuser or a script would lock people out.
UNTOUCHED_FIELDS = ("password", "csrfmiddlewaretoken")


def _normalized(query: QueryDict) -> QueryDict:
    copy = QueryDict(mutable=True, encoding=query.encoding)
    for key, values in query.lists():
        if any(marker in key for marker in UNTOUCHED_FIELDS):
            copy.setlist(key, values)
        else:
            copy.setlist(to_nfc(key), [to_nfc(value) for value in values])
    copy._mutable = False
    return copy


class NormalizeInputMiddleware:
    """Store NFC whatever keyboard setting (Unicode dựng sẵn or tổ hợp) the user typed with."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.GET = _normalized(request.GET)
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            request.POST = _normalized(request.POST)
        return self.get_response(request)
