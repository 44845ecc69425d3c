"""Keep secrets and addresses out of every log line the project controls.

``MaskSecrets`` is a logging filter on every handler: a submission's status token in a
logged URL (``/submissions/status/<token>/``) and e-mail addresses are replaced before the
line is written. ``QuietConsoleBackend`` is the development mail backend: it says that a
mail was sent and its subject, never the recipient or the body (a correction requester's
address and the decision they are told).
"""

import logging
import re
import sys

from django.core.mail.backends.base import BaseEmailBackend

TOKEN = re.compile(r"(/status/)[^/\s?\"']+")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


def mask(text: str) -> str:
    return EMAIL.sub("[address]", TOKEN.sub(r"\1[secret]", text))


class MaskSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: leave it to the handler
            return True
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


class QuietConsoleBackend(BaseEmailBackend):
    """Print one line per mail to standard error: that it was sent, and its subject (masked)."""

    def send_messages(self, email_messages):
        for message in email_messages:
            sys.stderr.write(f"[mail] sent to {len(message.recipients())} recipient(s): {mask(message.subject)}\n")
        return len(email_messages)


def gunicorn_logger():
    """gunicorn's logger class with the access log masked as every other log line is
    (gunicorn.conf.py names it): the request line, path and query carry status tokens."""
    from gunicorn.glogging import Logger

    class MaskedAccessLogger(Logger):
        def atoms(self, resp, req, environ, request_time):
            atoms = super().atoms(resp, req, environ, request_time)
            for key in ("r", "U", "q", "f", "{raw_uri}e"):
                if isinstance(atoms.get(key), str):
                    atoms[key] = mask(atoms[key])
            return atoms

    return MaskedAccessLogger
