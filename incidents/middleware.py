"""Headers that keep pages from talking to anyone but the registry."""

CSP = "; ".join([
    "default-src 'self'",
    "img-src 'self' data:",
    "style-src 'self'",
    "script-src 'self'",
    "font-src 'self'",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
    "base-uri 'none'",
])


PRIVATE_PREFIXES = ("/api/v1/moderation/", "/moderation/", "/admin/", "/submissions/", "/api/v1/submissions/")


class PrivacyHeadersMiddleware:
    """Forbid third-party content and browser features the registry never needs.

    People reporting to the registry may be at risk: no page may load anything from
    another origin, which the Content-Security-Policy makes the browser enforce.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
        # Moderators' pages and answers carry contact details, and status pages a secret:
        # no browser, proxy or shared cache may keep them.
        user = getattr(request, "user", None)
        if request.path.startswith(PRIVATE_PREFIXES) or (user is not None and user.is_authenticated) or "HTTP_AUTHORIZATION" in request.META:
            response.headers["Cache-Control"] = "no-store, private"
        return response
