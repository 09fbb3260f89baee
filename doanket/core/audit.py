from django.db import models

from doanket.core.models import AuditEvent


def audit_record(
    *,
    action: str,
    actor=None,
    unit=None,
    obj: models.Model | None = None,
    object_id: str = "",
    summary: str = "",
    before: dict | None = None,
    after: dict | None = None,
    username: str = "",
    ip_address: str | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        unit=unit,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else object_id,
        summary=summary[:500],
        before=before,
        after=after,
        username=username
        or (actor.get_username() if actor is not None and actor.is_authenticated else ""),
        ip_address=ip_address,
    )


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None
