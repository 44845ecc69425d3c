"""Django's database cache, with ``set`` as one PostgreSQL upsert.

Django's own ``set`` counts the table, then reads the key, then writes it, inside a
savepoint: five statements for each rate-limit hit and each public response stored. Here it
is one ``INSERT ... ON CONFLICT``; expired rows are pruned, and the table culled to
MAX_ENTRIES, by the worker every few minutes (``prune``, task ``incidents.tasks.prune_cache``)
instead of on every write. Reads, ``add``, ``touch`` and deletes are Django's.
"""

import base64
import pickle
from datetime import UTC, datetime

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router
from django.utils.timezone import now as tz_now


class PostgresCache(DatabaseCache):
    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        timeout = self.get_backend_timeout(timeout)
        expires = datetime.max.replace(tzinfo=UTC) if timeout is None else datetime.fromtimestamp(timeout, tz=UTC)
        value = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        table = connection.ops.quote_name(self._table)
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {table} (cache_key, value, expires) VALUES (%s, %s, %s) "
                           f"ON CONFLICT (cache_key) DO UPDATE SET value = EXCLUDED.value, expires = EXCLUDED.expires",
                           [key, value, expires.replace(microsecond=0)])

    def prune(self) -> int:
        """Delete expired entries, then cull to MAX_ENTRIES as Django does; return the rows left."""
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        table = connection.ops.quote_name(self._table)
        now = tz_now().replace(microsecond=0)
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE expires < %s", [now])
            cursor.execute(f"SELECT count(*) FROM {table}")
            count = cursor.fetchone()[0]
            for _ in range(20):  # Django's cull removes 1/CULL_FREQUENCY of the rows at a time
                if count <= self._max_entries:
                    break
                self._cull(db, cursor, now, count)
                cursor.execute(f"SELECT count(*) FROM {table}")
                count = cursor.fetchone()[0]
        return count
