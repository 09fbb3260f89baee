from django.apps import AppConfig
from django.db.models import F
from django.db.models.signals import post_delete, post_save


def _bump(version_ids) -> None:
    from doanket.reporting.models import FormVersion

    FormVersion.objects.filter(pk__in=version_ids).update(revision=F("revision") + 1)


def version_contents_changed(sender, instance, **kwargs):
    from doanket.reporting.models import FormItem, FormSection, Indicator, ValidationRule

    if isinstance(instance, FormSection | ValidationRule):
        _bump([instance.version_id])
    elif isinstance(instance, FormItem):
        _bump(FormSection.objects.filter(pk=instance.section_id).values("version_id"))
    elif isinstance(instance, Indicator):
        _bump(FormItem.objects.filter(indicator=instance).values("section__version_id"))


class ReportingConfig(AppConfig):
    name = "doanket.reporting"
    label = "reporting"
    verbose_name = "Báo cáo"

    def ready(self):
        for model in ("FormItem", "FormSection", "ValidationRule", "Indicator"):
            sender = self.get_model(model)
            post_save.connect(version_contents_changed, sender=sender, dispatch_uid=f"rev-{model}")
            post_delete.connect(
                version_contents_changed, sender=sender, dispatch_uid=f"rev-del-{model}"
            )
