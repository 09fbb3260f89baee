from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from doanket.core.models import Notification


def notify(*, users, text: str, url: str = "", subject: str = "") -> None:
    """An in-app notification for each user, and an e-mail where an address exists,
    sent only once the surrounding transaction has committed."""
    users = [user for user in users if user.is_active]
    Notification.objects.bulk_create(
        Notification(user=user, text=text[:500], url=url[:300]) for user in users
    )
    addresses = sorted({user.email for user in users if user.email})
    if not addresses:
        return

    def send():
        body = f"{text}\n\n{url}" if url else text
        send_mail(
            subject or f"[{settings.SITE_NAME}] {text[:80]}",
            body,
            settings.DEFAULT_FROM_EMAIL,
            addresses,
            fail_silently=True,
        )

    transaction.on_commit(send)
