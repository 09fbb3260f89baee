from django.apps import AppConfig


class HouseholdsConfig(AppConfig):
    name = "doanket.households"
    label = "households"
    verbose_name = "Hộ gia đình"

    def ready(self):
        from doanket.households.figures import register_all

        register_all()
