"""gunicorn settings (read from the working directory): `gunicorn hub.wsgi`.

Threads keep slow clients on bad mobile connections from tying up a whole worker; request
limits answer oversized request lines and headers with a 400 before Django sees them;
logs are the same redacted JSON lines as the application's, and the access log leaves
out query strings, client addresses, referrers and user agents.
"""

import os

from hub.logging import logging_config

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190
accesslog = "-"
access_log_format = '"%(m)s %(U)s" %(s)s %(B)s %(M)sms pid=%(p)s'
_config = logging_config(
    level=os.environ.get("LOG_LEVEL", "INFO"),
    json_lines=os.environ.get("LOG_FORMAT", "json") != "plain",
)
_config["loggers"] |= {
    "gunicorn.error": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
    "gunicorn.access": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
}
logconfig_dict = _config
