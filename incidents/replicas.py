"""Public reads from PostgreSQL streaming replicas, when ``DATABASE_REPLICA_URLS`` names some.

Which requests may read from a replica is decided once per request (``choose``, called by
``incidents.middleware.ReplicaReadsMiddleware``):
an anonymous GET or HEAD of a public page or API answer, from a client that has not written
anything in the last ``DATABASE_REPLICA_STICKY_SECONDS`` (every write answer sets a short
cookie, so a submitter who has just sent a report, or anyone who has just posted, reads their
own write from the primary). Moderators, API tokens, sessions' own tables, the private paths
(desk, admin, status pages) and every write always use the primary.

A replica is used only while it answers and is streaming with a replay lag under
``DATABASE_REPLICA_MAX_LAG`` seconds (checked at most once a second per process; a replica
found down is skipped for ``REPLICA_RETRY_SECONDS``): otherwise the request reads from the
primary, so a replica that is down or far behind changes nothing but where reads go.

The router sends the registry's own models (app ``incidents``) to the chosen replica; raw SQL
reads of public data ask ``read_connection()``. The replicas' user needs ``pg_read_all_stats``
(to see ``pg_stat_wal_receiver``); without it the check fails safe and reads stay on the primary.
"""

import contextvars
import logging
import time

from django.conf import settings
from django.core import signing
from django.db import DatabaseError, connections

from .private_paths import PRIVATE_PREFIXES

_alias = contextvars.ContextVar("replica_alias", default=None)  # the request's replica, or None
_health: dict[str, tuple[float, bool]] = {}
REPLICA_OK_SECONDS = 1.0
REPLICA_RETRY_SECONDS = 5.0
COOKIE = "wir_primary"
LOG = logging.getLogger("registry.replicas")

LAG_SQL = """
SELECT pg_is_in_recovery() AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming'),
       CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
            ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp()) END
"""


class ReplicaRouter:
    """Reads of the registry's models go where the request's routing says; everything else to the primary."""

    def db_for_read(self, model, **hints):
        alias = _alias.get()
        return alias if alias and model._meta.app_label == "incidents" else None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


def read_alias() -> str:
    return _alias.get() or "default"


def read_connection():
    """The connection public raw-SQL reads use: the request's replica, else the primary."""
    return connections[read_alias()]


def replica_state(alias: str) -> tuple[bool, float | None]:
    """(usable, lag in seconds or None) of one replica, asked now."""
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute(LAG_SQL)
            streaming, lag = cursor.fetchone()
    except DatabaseError as exc:
        LOG.warning("replica %s unavailable: %s", alias, str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        connections[alias].close()
        return False, None
    lag = float(lag) if lag is not None else None
    return bool(streaming) and lag is not None and lag <= settings.DATABASE_REPLICA_MAX_LAG, lag


def usable(alias: str) -> bool:
    now = time.monotonic()
    known = _health.get(alias)
    if known and now - known[0] < (REPLICA_OK_SECONDS if known[1] else REPLICA_RETRY_SECONDS):
        return known[1]
    ok, _lag = replica_state(alias)
    _health[alias] = (now, ok)
    return ok


def forget_health():
    """Ask every replica again on the next request (tests; after a failover)."""
    _health.clear()


def choose(request) -> str | None:
    """The replica this request may read from, or None for the primary."""
    replicas = getattr(settings, "REPLICA_DATABASES", [])
    if not replicas or request.method not in ("GET", "HEAD") or request.path.startswith(PRIVATE_PREFIXES):
        return None
    if "HTTP_AUTHORIZATION" in request.META or settings.SESSION_COOKIE_NAME in request.COOKIES:
        return None  # a moderator, a partner, or a visitor with a session: their own writes must show
    if _recently_wrote(request):
        return None
    return next((alias for alias in replicas if usable(alias)), None)


def _recently_wrote(request) -> bool:
    value = request.COOKIES.get(COOKIE)
    if not value:
        return False
    try:
        until = signing.loads(value, salt=COOKIE)
    except signing.BadSignature:
        return False
    return isinstance(until, (int, float)) and until > time.time()


def route(request):
    """Set this request's replica (or the primary); return the token that undoes it."""
    return _alias.set(choose(request))


def reset(token) -> None:
    _alias.reset(token)


def sticky_value(seconds: int) -> str:
    """The signed cookie value that keeps a client on the primary for ``seconds``."""
    return signing.dumps(time.time() + seconds, salt=COOKIE)


def then_reset(chunks, token):
    """Stream ``chunks`` with the request's routing kept, then undo it (an export reads while it is sent)."""
    try:
        yield from chunks
    finally:
        try:
            _alias.reset(token)
        except ValueError:  # finished in another context: nothing to restore there
            _alias.set(None)
