"""Run the registry as real server processes against the test database, for tests that need
more than one process (shared limits) or a real connection (timeouts)."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def database_url(name: str | None = None) -> str:
    """A DATABASE_URL for the database this test run uses (or another on the same server)."""
    settings = connection.settings_dict
    host = urllib.parse.quote(settings["HOST"] or "localhost", safe="")
    auth = urllib.parse.quote(settings["USER"]) + (":" + urllib.parse.quote(settings["PASSWORD"]) if settings["PASSWORD"] else "")
    port = f":{settings['PORT']}" if settings["PORT"] else ""
    return f"postgres://{auth}@{host}{port}/{name or settings['NAME']}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One gunicorn process serving the registry on a free local port."""

    def __init__(self, threads: int = 1, **env):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        environment = {**os.environ, "DATABASE_URL": database_url(), "PRESERVATION_ENABLED": "0", "DEBUG": "1", **env}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "registry.wsgi", "-b", f"127.0.0.1:{self.port}", "-w", "1", "--threads", str(threads), "--timeout", "60"],
            cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )

    def wait(self, timeout: float = 30) -> "Server":
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/about/methods/", timeout=2)
                return self
            except urllib.error.HTTPError:  # up, answering an error
                return self
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(self.process.stderr.read().decode()[-2000:])
                time.sleep(0.2)
        raise TimeoutError(f"the server on {self.url} did not answer in {timeout} s")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
