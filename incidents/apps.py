from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = "Wrongful identification incidents"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import public_cache  # noqa: F401 - connects the signals that keep cached pages honest
        from .rebuild import after_migrate

        post_migrate.connect(after_migrate, sender=self, dispatch_uid="incidents-rebuild-public")
