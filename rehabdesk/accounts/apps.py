from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "rehabdesk.accounts"
    label = "accounts"
    verbose_name = "Accounts"
