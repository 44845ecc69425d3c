"""The API's interactive documentation, under the site's strict Content-Security-Policy.

drf-spectacular's usual Swagger page starts Swagger UI with an inline script and style,
which the CSP (script-src 'self', style-src 'self') refuses, leaving a blank page. The
split view serves the initialiser as a script of its own (``?script``) from the registry's
origin, and the template here (a whole page, so that it can say its language) moves the
inline style into a static file; Swagger UI's own
files come from the drf-spectacular-sidecar package, never a CDN."""

from drf_spectacular.views import SpectacularSwaggerSplitView


class ApiDocs(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"
