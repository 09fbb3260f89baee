from django.apps import AppConfig


class FundConfig(AppConfig):
    name = "doanket.fund"
    label = "fund"
    verbose_name = "Quỹ “Vì người nghèo”"

    def ready(self):
        from doanket.fund.figures import register_all

        register_all()
