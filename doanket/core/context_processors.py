from django.conf import settings
from django.utils.functional import SimpleLazyObject


def site(request):
    def unread():
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return 0
        return user.notifications.filter(read_at__isnull=True).count()

    return {"SITE_NAME": settings.SITE_NAME, "unread_notifications": SimpleLazyObject(unread)}
