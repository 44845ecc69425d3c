from django.contrib import admin
from django.urls import include, path

from . import admin_site  # noqa: F401 - the admin asks for the second factor

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("", include("incidents.urls")),
]

handler400 = "api.exceptions.bad_request"
handler404 = "api.exceptions.page_not_found"
handler500 = "api.exceptions.server_error"
