"""A worker that survives (#13): a database that goes away for a few seconds (as in a restart)
is logged and reconnected to, and tasks run again afterwards; /healthz and /readyz say how
the site and the worker are."""

import socket
import subprocess
import sys
import threading
import time
import urllib.parse

import pytest
from django.core.cache import cache
from django.db import connection

from incidents import worker
from tests.servers import ROOT

pytestmark = pytest.mark.django_db


class FlakyProxy:
    """A TCP proxy in front of PostgreSQL that can drop every connection and refuse new ones
    for a while, as a database restart does."""

    def __init__(self):
        s = connection.settings_dict
        self.target = (s["HOST"] or "127.0.0.1", int(s["PORT"] or 5432))
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.listener.listen(50)
        self.up = True
        self.open = []
        threading.Thread(target=self.accept, daemon=True).start()

    def upstream(self):
        host, port = self.target
        if host.startswith("/"):
            sock = socket.socket(socket.AF_UNIX)
            sock.connect(f"{host}/.s.PGSQL.{port}")
        else:
            sock = socket.create_connection((host, port))
        return sock

    def accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            server = self.upstream()
            self.open += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self.pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def pipe(a, b):
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (a, b):
                try:
                    sock.close()
                except OSError:
                    pass

    def restart(self, seconds: float):
        self.up = False
        for sock in self.open:
            try:
                sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            except OSError:
                pass
        self.open = []
        time.sleep(seconds)
        self.up = True

    def close(self):
        self.listener.close()
        self.up = False
        for sock in self.open:
            try:
                sock.close()
            except OSError:
                pass

    def url(self):
        s = connection.settings_dict
        auth = urllib.parse.quote(s["USER"]) + (":" + urllib.parse.quote(s["PASSWORD"]) if s["PASSWORD"] else "")
        return f"postgres://{auth}@127.0.0.1:{self.port}/{s['NAME']}"


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_worker_survives_a_database_restart_and_goes_on_working():
    proxy = FlakyProxy()
    env = {"DATABASE_URL": proxy.url(), "PRESERVATION_ENABLED": "0", "PYTHONUNBUFFERED": "1", "LOG_LEVEL": "INFO"}
    import os

    process = subprocess.Popen([sys.executable, "manage.py", "run_worker", "--interval", "0.2"], cwd=ROOT, env={**os.environ, **env},
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 30
        while worker.last_heartbeat() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert worker.last_heartbeat() is not None, "no heartbeat"
        proxy.restart(4)
        time.sleep(1)
        assert process.poll() is None, process.stdout.read()
        from incidents.tasks import check_sources

        result = check_sources.enqueue()
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline:
            result.refresh()
            if result.status == "SUCCESSFUL":
                break
            time.sleep(0.3)
        assert result.status == "SUCCESSFUL", result.status
        assert process.poll() is None
    finally:
        process.terminate()
        output = process.communicate(timeout=20)[0]
        proxy.close()
    assert "worker lost the database" in output, output[-3000:]


def test_the_worker_loop_reconnects_with_back_off(monkeypatch):
    from django.db import OperationalError
    from django_tasks_db.management.commands.db_worker import Worker

    calls, sleeps = [], []

    def run(self):
        calls.append(1)
        if len(calls) < 4:
            raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(Worker, "run", run)
    monkeypatch.setattr(worker, "_heartbeats", lambda stop: None)
    monkeypatch.setattr(worker.connections, "close_all", lambda: None)  # keep the test's own connection
    assert worker.run(interval=1, batch=True, worker_id="w", sleep=sleeps.append) == 3
    assert sleeps == [1.0, 2.0, 4.0]


def test_health_and_readiness(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready["status"] == "ok" and ready["worker"]["ok"] is False and ready["queue"]["due"] == 0
    worker.beat()
    assert client.get("/readyz").json()["worker"]["ok"] is True
    cache.clear()


def test_readiness_says_503_when_the_database_is_away(client, monkeypatch):
    from django.db import OperationalError

    def broken(*args, **kwargs):
        raise OperationalError("connection refused")

    with monkeypatch.context() as patched:
        patched.setattr(connection, "cursor", broken)
        response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["status"] == "unavailable"
