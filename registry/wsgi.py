import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")
os.environ.setdefault("REGISTRY_ROLE", "web")  # request timeouts on the database (settings.DB_TIMEOUTS)
application = get_wsgi_application()
