from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "doanket.accounts"
    label = "accounts"
    verbose_name = "Người dùng"
