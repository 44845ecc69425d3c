"""A real PostgreSQL streaming replica of the embedded server, for the router tests.

pg_basebackup (shipped in the pgserver wheel with the server) copies the running cluster,
test database included, and writes the standby settings (-R); the copy starts as a hot
standby on its own socket and follows the primary's WAL. Tests commit their data (the
replica sees only committed rows) and wait for it to arrive, as a reader would.
"""

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections

MAX_CLUSTER_BYTES = 8 * 2**30


def _skip(reason: str):
    """Skip on a developer's machine; fail in CI, which starts from a fresh, small cluster."""
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


def _bin(name: str) -> str:
    import pgserver

    return str(Path(pgserver.__file__).parent / "pginstall" / "bin" / name)


def _run_as_server(*command, timeout=600):
    """Run a PostgreSQL program as the user the embedded server runs as (pgserver's own user
    when the tests run as root: PostgreSQL refuses root). Output goes to files, not pipes:
    pg_ctl's server keeps pipes open (pgserver does the same)."""
    user = "pgserver" if os.geteuid() == 0 else None
    with tempfile.TemporaryFile("w+") as out:
        done = subprocess.run(list(command), stdout=out, stderr=subprocess.STDOUT, text=True, timeout=timeout, user=user)
        out.seek(0)
        return done.returncode, out.read()


def _pg_ctl(data: Path, *args):
    return _run_as_server(_bin("pg_ctl"), "-D", str(data), *args, timeout=120)


def start_replica(data: Path) -> tuple[int, str]:
    return _pg_ctl(data, "-o", f"-h '' -k {data} -c hot_standby=on", "-l", str(data.parent / "log"), "-w", "start")


@pytest.fixture(scope="session")
def streaming_replica(django_db_setup, django_db_blocker):
    primary = settings.DATABASES["default"]
    if not str(primary.get("HOST", "")).startswith("/"):
        _skip("The replica tests copy the embedded PostgreSQL (DATABASE_URL is set).")
    cluster = Path(primary["HOST"])
    size = sum(f.stat().st_size for f in cluster.rglob("*") if f.is_file())
    if size > MAX_CLUSTER_BYTES:
        _skip(f"The embedded cluster is {size / 2**30:.1f} GB (benchmark databases? drop them): too large to copy for a replica.")
    # Beside the primary's folder, which the server's user can already reach (a short socket path, too).
    root = cluster.parent / f"replica-{os.getpid()}"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir()
    if os.geteuid() == 0:
        import pwd

        entry = pwd.getpwnam("pgserver")
        os.chown(root, entry.pw_uid, entry.pw_gid)
    data = root / "d"
    started = time.monotonic()
    code, output = _run_as_server(_bin("pg_basebackup"), "-D", str(data), "-h", str(cluster), "-U", "postgres", "-X", "stream", "-R", "-c", "fast")
    assert code == 0, output
    for leftover in [*data.glob(".s.PGSQL.*"), data / "postmaster.opts"]:  # the primary's socket lock sits in its data folder
        leftover.unlink(missing_ok=True)
    code, output = start_replica(data)
    log = root / "log"
    assert code == 0, output + (log.read_text() if log.exists() else "")
    replica = {"socket": str(data), "data": data, "root": root, "seconds": time.monotonic() - started}
    yield replica
    _pg_ctl(data, "-m", "immediate", "stop")
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def replica_alias(streaming_replica, transactional_db, settings):
    """Django's connection to the replica as ``replica_0``, named in REPLICA_DATABASES.

    Made as a connection of its own rather than a DATABASES entry, so that pytest-django
    neither blocks it (it allows only the test's databases) nor flushes it afterwards (a hot
    standby cannot be written to)."""
    from django.db.utils import load_backend

    from incidents import replicas

    primary = connections["default"].settings_dict
    config = connections.configure_settings({"default": dict(primary), "replica_0": {**primary, "HOST": streaming_replica["socket"], "CONN_MAX_AGE": 0,
                                                           "OPTIONS": {**primary.get("OPTIONS", {}), "connect_timeout": 2}}})["replica_0"]
    wrapper = load_backend(config["ENGINE"]).DatabaseWrapper(config, "replica_0")
    setattr(connections._connections, "replica_0", wrapper)
    settings.REPLICA_DATABASES = ["replica_0"]
    settings.DATABASE_REPLICA_MAX_LAG = 5.0
    replicas.forget_health()
    yield "replica_0"
    wrapper.close()
    delattr(connections._connections, "replica_0")
    replicas.forget_health()


def wait_for_replay(alias: str = "replica_0", timeout: float = 15.0):
    """Wait until the replica has replayed everything the primary has written."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        target = cursor.fetchone()[0]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
            if cursor.fetchone()[0]:
                return
        time.sleep(0.05)
    raise AssertionError(f"the replica did not replay {target} in {timeout} s")
