from django.apps import AppConfig
from django.db.models.signals import post_migrate


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = "Wrongful identification incidents"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported here, not at the top: app loading must finish (models ready) first.
        from . import tasks  # noqa: F401  (app loading) sends submitters' notices once they are queued
        from .domain import receivers  # noqa: F401  (app loading) keeps public records current when what they show changes
        from .preservation import queue  # noqa: F401  (app loading) preserves every new source
        from .public.rebuild import after_migrate  # (app loading) fills what migrations left empty

        post_migrate.connect(after_migrate, sender=self, dispatch_uid="incidents-rebuild-public")
