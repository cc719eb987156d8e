from django.apps import AppConfig


class ApiTokensConfig(AppConfig):
    name = "rehabdesk.apitokens"
    label = "apitokens"
    verbose_name = "API tokens"
