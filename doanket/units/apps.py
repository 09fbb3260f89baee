from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "doanket.units"
    label = "units"
    verbose_name = "Đơn vị"
