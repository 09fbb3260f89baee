from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "doanket.reporting"
    label = "reporting"
    verbose_name = "Báo cáo"
