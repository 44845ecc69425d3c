from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = "Wrongful identification incidents"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import public_cache  # noqa: F401 - connects the signals that keep cached pages honest
