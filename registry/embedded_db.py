"""Start (or reuse) the embedded PostgreSQL that runs when DATABASE_URL is unset.

pgserver ships a real PostgreSQL 16 inside a wheel. With ``cleanup_mode=None`` the
server outlives the process that started it, so ``make run``, ``manage.py``
commands, the task worker and the tests all share one server and one data folder.
"""

from pathlib import Path

DATA_DIR_NAME = ".pgdata"
DATABASE_NAME = "registry"


def database_name() -> str:
    """EMBEDDED_DB_NAME picks another database on the same server (the benchmark uses its own)."""
    import os

    return os.environ.get("EMBEDDED_DB_NAME") or DATABASE_NAME


def embedded_database(base_dir: Path) -> dict:
    """Return Django DATABASES settings for the embedded server, starting it if needed."""
    import warnings

    # pgserver asks platformdirs for a runtime folder it does not use here.
    warnings.filterwarnings("ignore", module="platformdirs")
    try:
        import pgserver
    except ImportError as exc:  # pragma: no cover - only outside the venv
        raise SystemExit(
            "DATABASE_URL is not set and the embedded PostgreSQL (pgserver) is not "
            "installed. Run `make run` (it creates .venv), or set DATABASE_URL."
        ) from exc
    root = base_dir / DATA_DIR_NAME
    data_dir = root / "data"
    root.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(str(data_dir), cleanup_mode=None)
    # Creating the database once is cheaper than asking the server on every start.
    name = database_name()
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"EMBEDDED_DB_NAME={name!r}: use letters, digits and underscores only.")
    marker = root / f"created-{name}"
    if not marker.exists():
        exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}';")
        if "(1 row)" not in exists:
            server.psql(f"CREATE DATABASE {name};")
        marker.touch()
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": str(data_dir),
        "PORT": "",
    }
