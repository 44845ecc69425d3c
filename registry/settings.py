"""Settings for the Wrongful Identification Registry, read from the environment.

Local defaults are safe for a developer machine: DEBUG on, loopback hosts only,
and an embedded PostgreSQL when DATABASE_URL is unset. In production set
DEBUG=0, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL.
"""

import os
import sys
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise SystemExit("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "local-development-only-not-secret-" + "x" * 32

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "incidents",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Compresses pages, answers and streamed exports for clients that accept gzip (Django
    # pads each one with random bytes against BREACH-style guessing of the CSRF token).
    "django.middleware.gzip.GZipMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "incidents.middleware.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "incidents.middleware.PrivacyHeadersMiddleware",
    "incidents.middleware.ReplicaReadsMiddleware",
    "incidents.middleware.DatabaseUnavailableMiddleware",
    "axes.middleware.AxesMiddleware",
]

# Moderator accounts resist guessing: after AXES_FAILURE_LIMIT wrong passwords for one
# account, or from one client address, further logins are refused for AXES_COOLOFF_MINUTES
# (django-axes; counted in the database, so across every process). An administrator
# unlocks with `manage.py axes_reset_username NAME` or in the admin (Access attempts).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = __import__("datetime").timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "incidents/desk/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if env_int("TRUSTED_PROXY_COUNT", 0) else ("REMOTE_ADDR",)
# API tokens expire after this many days unless made with another lifetime (api/models.py).
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 90)
# Wrong API tokens from one address before it is refused for the window (api/authentication.py).
TOKEN_FAILURE_LIMIT = env_int("TOKEN_FAILURE_LIMIT", 20)
TOKEN_FAILURE_WINDOW_SECONDS = env_int("TOKEN_FAILURE_WINDOW_SECONDS", 3600)
# A second factor (TOTP, with recovery codes) for every moderator before the desk, the
# admin or an API token: django-otp.
OTP_TOTP_ISSUER = os.environ.get("OTP_ISSUER", "Wrongful Identification Registry")

ROOT_URLCONF = "registry.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "registry.wsgi.application"

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
else:
    from .embedded_db import embedded_database

    DATABASES = {"default": embedded_database(BASE_DIR)}
    DATABASES["default"]["CONN_MAX_AGE"] = 60
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Sort and window memory per query: a search ranks and counts all its matches in one pass;
# with PostgreSQL's default 4 MB that pass spilled to disk on a broad search.
_options = DATABASES["default"].setdefault("OPTIONS", {})
# random_page_cost 1.1 (PostgreSQL's default, 4, is for spinning disks): the registry's
# working set is in memory or on SSD, and at 4 the planner reads every search document in a
# sequential scan rather than count matches from the index (50x slower; docs/performance.md).
# Timeouts on every wait, so one stuck transaction cannot hold the site: a web request's
# statement, a wait for a row lock, and a transaction left idle are cut off (the request
# answers 503 with Retry-After: incidents.middleware). Web processes (WSGI, ASGI, runserver)
# get the short ones; imports, migrations and the worker longer ones (0: none).
REGISTRY_ROLE = os.environ.get("REGISTRY_ROLE") or ("web" if "runserver" in sys.argv else "batch")
DB_TIMEOUTS = {
    "web": {"statement_timeout": os.environ.get("DB_STATEMENT_TIMEOUT", "30s"), "lock_timeout": os.environ.get("DB_LOCK_TIMEOUT", "5s"),
            "idle_in_transaction_session_timeout": os.environ.get("DB_IDLE_TIMEOUT", "60s")},
    "batch": {"statement_timeout": os.environ.get("DB_BATCH_STATEMENT_TIMEOUT", "0"), "lock_timeout": os.environ.get("DB_BATCH_LOCK_TIMEOUT", "60s"),
              "idle_in_transaction_session_timeout": os.environ.get("DB_BATCH_IDLE_TIMEOUT", "10min")},
}[REGISTRY_ROLE]
_options["options"] = (_options.get("options", "") + f" -c work_mem={os.environ.get('DB_WORK_MEM', '16MB')}"
                       f" -c random_page_cost={os.environ.get('DB_RANDOM_PAGE_COST', '1.1')}"
                       + "".join(f" -c {name}={value.replace(' ', '')}" for name, value in DB_TIMEOUTS.items())).strip()
# Read replicas (incidents/replicas.py): DATABASE_REPLICA_URLS="postgres://…,postgres://…"
# names PostgreSQL streaming replicas of the primary; anonymous public reads go to the first
# one that answers and lags less than DATABASE_REPLICA_MAX_LAG seconds, else to the primary.
# A client that has just written reads from the primary for DATABASE_REPLICA_STICKY_SECONDS.
REPLICA_DATABASES = []
for _n, _url in enumerate(u.strip() for u in os.environ.get("DATABASE_REPLICA_URLS", "").split(",") if u.strip()):
    _replica = dj_database_url.parse(_url, conn_max_age=60)
    _replica.update(CONN_HEALTH_CHECKS=True, TEST={"MIRROR": "default"},
                    OPTIONS={**_replica.get("OPTIONS", {}), "options": _options["options"], "connect_timeout": 2})
    DATABASES[f"replica_{_n}"] = _replica
    REPLICA_DATABASES.append(f"replica_{_n}")
DATABASE_ROUTERS = ["incidents.replicas.ReplicaRouter"]
DATABASE_REPLICA_MAX_LAG = float(os.environ.get("DATABASE_REPLICA_MAX_LAG", "5"))
DATABASE_REPLICA_STICKY_SECONDS = env_int("DATABASE_REPLICA_STICKY_SECONDS", 10)
# How long a client is asked to wait after a 503 (a timeout, or the database unreachable).
RETRY_AFTER_SECONDS = env_int("RETRY_AFTER_SECONDS", 30)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The public site, its forms and mails, and the API's messages, in English, Spanish and
# Brazilian Portuguese: the reader's choice (the switcher's cookie), else the browser's
# Accept-Language, else English. Catalogues in locale/ (docs/translating.md).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español"), ("pt-br", "Português (Brasil)")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "lang"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files straight from the apps, so gunicorn needs no collectstatic step.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

LOGIN_URL = "/moderation/login/"
LOGIN_REDIRECT_URL = "/moderation/"

# Request bodies: submissions are small; a larger body is refused with 413.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 256 * 1024)
SUBMISSION_MAX_BODY_BYTES = env_int("SUBMISSION_MAX_BODY_BYTES", 128 * 1024)
# A partner's bulk submission: up to BULK_SUBMISSION_MAX_ITEMS items in one body of at most this size.
BULK_SUBMISSION_MAX_BODY_BYTES = env_int("BULK_SUBMISSION_MAX_BODY_BYTES", 8 * 1024 * 1024)
BULK_SUBMISSION_MAX_ITEMS = env_int("BULK_SUBMISSION_MAX_ITEMS", 500)

# Security headers; the HTTPS-only ones switch on outside DEBUG.
SECURE_CONTENT_TYPE_NOSNIFF = True
# same-origin, not no-referrer: with no-referrer browsers send "Origin: null" on form posts, which CSRF refuses.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# One cache shared by every process and server: rate-limit counters must add up across
# gunicorn workers and machines, and a cached public response is good for all of them.
# Redis when REDIS_URL is set; otherwise PostgreSQL itself (Django's database cache, table
# registry_cache, made by `make run` / `manage.py createcachetable`), so no new service.
if os.environ.get("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}}
else:
    CACHES = {"default": {"BACKEND": "registry.cache.PostgresCache", "LOCATION": "registry_cache",
                          "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 20000)}}}
# Public read responses are cached until the public record changes (incidents/public_cache.py),
# and at most this long. 0 turns the cache off.
PUBLIC_CACHE_SECONDS = env_int("PUBLIC_CACHE_SECONDS", 60)

# Mail: only to tell a requester the decision on their correction request. Locally a
# backend that prints only that a mail went out (registry/logs.py); in production set
# EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and the EMAIL_* below.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "registry.logs.QuietConsoleBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
# Submitters' and requesters' contact addresses are cleared this many days after the final
# decision on what they sent (incidents/retention.py, run daily by the worker).
CONTACT_RETENTION_DAYS = env_int("CONTACT_RETENTION_DAYS", 90)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "registry@localhost")
# The site's public address, for links in mails sent by the worker (no request to take it from).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Background work (source preservation) runs in django-tasks' database worker, which
# `make run` starts beside the web server (`manage.py run_worker`).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Source preservation (incidents/fetcher.py, incidents/preservation.py).
PRESERVATION_ENABLED = env_bool("PRESERVATION_ENABLED", True)
PRESERVATION_MAX_BYTES = env_int("PRESERVATION_MAX_BYTES", 15 * 1024 * 1024)
PRESERVATION_TIMEOUT_SECONDS = env_int("PRESERVATION_TIMEOUT_SECONDS", 30)
PRESERVATION_MAX_REDIRECTS = env_int("PRESERVATION_MAX_REDIRECTS", 5)
# Hosts exempt from the public-address rule. Empty in every real deployment; tests
# list 127.0.0.1 to serve pages from a local server.
PRESERVATION_ALLOWED_HOSTS = env_list("PRESERVATION_ALLOWED_HOSTS", [])
# How often each source is re-fetched to notice a dead link or a changed document.
SOURCE_CHECK_INTERVAL_HOURS = env_int("SOURCE_CHECK_INTERVAL_HOURS", 24)
SOURCE_CHECK_BATCH = env_int("SOURCE_CHECK_BATCH", 200)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.GuardedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.IsModerator"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # Every JSON body: a size limit (413) and a nesting limit (400), checked before anything else.
    "DEFAULT_PARSER_CLASSES": ["api.parsers.LimitedJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    # Limits are kept per client address: REMOTE_ADDR, unless the site runs behind this many
    # reverse proxies that each append to X-Forwarded-For (then the address the nearest one
    # saw). 0 by default: a header any client can send is never trusted.
    "NUM_PROXIES": env_int("TRUSTED_PROXY_COUNT", 0),
    "DEFAULT_THROTTLE_RATES": {
        "submissions": os.environ.get("SUBMISSION_RATE", "20/hour"),
        # A partner's contributors together, per partner (each item of a bulk submission counts).
        "partner_submissions": os.environ.get("PARTNER_SUBMISSION_RATE", "1000/hour"),
        "corrections": os.environ.get("CORRECTION_RATE", "20/hour"),
        "lost_link": os.environ.get("LOST_LINK_RATE", "5/hour"),
    },
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DATETIME_FORMAT": "iso-8601",
    "DATE_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": False,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Wrongful Identification Registry API",
    "DESCRIPTION": (
        "A moderated public record of people wrongly identified by facial recognition "
        "and other biometric or identity-database systems. Public reads need no "
        "account; moderation endpoints need `Authorization: Token <token>`. Query filters "
        "combine with AND; an empty filter value counts as not given, as HTML forms send it."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api.openapi.refuse_unknown_fields", "api.openapi.add_links", "api.openapi.make_strict"],
    "ENUM_NAME_OVERRIDES": {
        "Status": "incidents.choices.Status",
        "OutcomeType": "incidents.choices.OutcomeType",
        "PreservationStatus": "incidents.choices.PreservationStatus",
        "RequestKind": "incidents.choices.RequestKind",
        "SubmitterRole": "incidents.choices.SubmitterRole",
        "OrganizationKind": "incidents.choices.OrganizationKind",
        "DeploymentKind": "incidents.choices.DeploymentKind",
        "FigureKind": "incidents.choices.FigureKind",
        "SearchedDatabase": "incidents.choices.SEARCHED_DATABASES",
        "ClaimStatus": "incidents.evidence.ClaimStatus",
        "ClaimAbout": "incidents.evidence.ClaimAbout",
    },
}

# Every handler masks status tokens in URLs and e-mail addresses (registry/logs.py); the
# development server's request lines go through it too.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_secrets": {"()": "registry.logs.MaskSecrets"}},
    "formatters": {"server": {"format": "[{asctime}] {message}", "style": "{"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["mask_secrets"]},
        "server": {"class": "logging.StreamHandler", "filters": ["mask_secrets"], "formatter": "server"},
    },
    "loggers": {"django.server": {"handlers": ["server"], "level": "INFO", "propagate": False}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Registry-specific settings.
REGISTRY_PUBLIC_ID_PREFIX = "WIR"
