from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for a first run: it sits above every other app and imports them all."""

    name = "doanket.demo"
    label = "demo"
    verbose_name = "Dữ liệu mẫu"
