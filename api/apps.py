from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "Public API"

    def ready(self):
        from . import openapi  # noqa: F401  (app loading) registers the schema extension for the token scheme
