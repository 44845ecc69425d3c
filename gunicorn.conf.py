"""gunicorn settings the registry needs wherever it is served (gunicorn reads this file from
the working folder): the access log, when switched on, masks status tokens and addresses."""

from registry.logs import gunicorn_logger

logger_class = gunicorn_logger()
