"""Settings for the Hub: one file, driven by environment variables, safe local defaults.

Every variable read here is listed with its default in `.env.example`.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from hub.logging import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    try:
        return int(value) if value else default
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from exc


DEBUG = env_bool("DJANGO_DEBUG", default=False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable "
            "(see .env.example), or set DJANGO_DEBUG=1 for local development."
        )
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # modeltranslation must come before the admin so its translation tabs apply.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "django_filters",
    "django_countries",
    "simple_history",
    "anymail",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "resources",
    "concierge",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # ETag from the body and 304 answers to If-None-Match, for every response (performance).
    "django.middleware.http.ConditionalGetMiddleware",
    "csp.middleware.CSPMiddleware",
    "hub.middleware.SecurityHeadersMiddleware",
    # LocaleMiddleware only reads the URL prefix and Accept-Language, never the
    # session, so it sits before SessionMiddleware: public pages then carry no
    # `Vary: Cookie` and a CDN can cache one copy per language URL.
    "django.middleware.locale.LocaleMiddleware",
    # Below LocaleMiddleware so the error page it fills in is in the visitor's language.
    "hub.middleware.ErrorPageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # AxesMiddleware must be last: it answers locked-out logins.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hub.urls"
WSGI_APPLICATION = "hub.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hub.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite keeps no persistent connections worth checking; WAL lets readers
    # and the one writer work at once in the local setup.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "hub"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if os.environ.get("DJANGO_PASSWORD_HASHERS") == "md5":
    # Tests only: hashing speed matters more than strength there.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 60))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Failures are stored in the database (the default handler), so every web
# process and machine sees the same count.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_LOCKOUT_CALLABLE = "hub.errors.login_locked_out"
AXES_CLIENT_IP_CALLABLE = "hub.middleware.client_ip"
# How many reverse proxies in front of the site append to X-Forwarded-For; 0
# means REMOTE_ADDR is the client (never trust a header nobody controls).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# Internationalisation -------------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("es", _("Spanish")),
    ("pt-br", _("Brazilian Portuguese")),
    ("fr", _("French")),
    ("de", _("German")),
    ("it", _("Italian")),
    ("nl", _("Dutch")),
    ("sv", _("Swedish")),
    ("pl", _("Polish")),
    ("tr", _("Turkish")),
    ("ar", _("Arabic")),
    ("hi", _("Hindi")),
    ("id", _("Indonesian")),
    ("ja", _("Japanese")),
    ("ko", _("Korean")),
    ("zh-hans", _("Simplified Chinese")),
]
LANGUAGE_CODES = [code for code, _name in LANGUAGES]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_LANGUAGES = tuple(LANGUAGE_CODES)
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
# Curators' admin: modeltranslation's tabbed admin would load jQuery UI from a CDN; the
# CSP and "no third-party requests" forbid that, so a small local tabs widget is served.
JQUERY_UI_URL = "js/admin-translation-tabs.js"

# Static and uploaded files ---------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"
STORAGES = {
    # Uploads (concierge attachments) are private: never served from MEDIA_URL,
    # only through an authorised view. Point it at object storage in production.
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not env_bool("DJANGO_PLAIN_STATIC", default=False)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_MAX_AGE = 3600

# Email -----------------------------------------------------------------------

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Backline Concierge <global@backline.care>"
)
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", "hub@backline.care")
CONCIERGE_ADDRESS = os.environ.get("CONCIERGE_ADDRESS", "global@backline.care")
ANYMAIL = {
    "WEBHOOK_SECRET": os.environ.get("ANYMAIL_WEBHOOK_SECRET", ""),
}

# Background work -------------------------------------------------------------

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Security --------------------------------------------------------------------

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
# Not "no-referrer": with it Chromium sends `Origin: null` on form posts and
# Django's CSRF check rejects them (tests/browser/test_security.py shows it).
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", default=True)
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "sync-xhr",
        "usb",
        "xr-spatial-tracking",
    )
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "frame-src": ["'none'"],
        "worker-src": ["'none'"],
        "manifest-src": ["'self'"],
        "media-src": ["'self'"],
    }
}
ADMIN_PATH = (os.environ.get("ADMIN_PATH") or "admin/").strip("/") + "/"
if ADMIN_PATH == "/":
    raise ImproperlyConfigured("ADMIN_PATH must name a path such as admin/, not the site root.")
LOGIN_URL = "admin:login"

# Product settings --------------------------------------------------------------

QUICK_EXIT_URL = os.environ.get("QUICK_EXIT_URL", "https://www.bbc.com/weather")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Curation: days from a staff verification to the entry's next review.
RESOURCE_REVIEW_INTERVAL_DAYS = env_int("RESOURCE_REVIEW_INTERVAL_DAYS", 180)

# Concierge intake (issue 5) -----------------------------------------------------
# Attachments go to their own storage that is never served from MEDIA_URL; only an
# authorised staff view may stream them. Point it at private object storage in production.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "private"))
STORAGES["private"] = {
    "BACKEND": "concierge.storage.PrivateFileSystemStorage",
    "OPTIONS": {"location": PRIVATE_MEDIA_ROOT},
}
# Bigger messages keep only their header and are quarantined for a human to look at.
CONCIERGE_MAX_MESSAGE_BYTES = env_int("CONCIERGE_MAX_MESSAGE_BYTES", 25 * 1024 * 1024)
CONCIERGE_MAX_ATTACHMENT_BYTES = env_int("CONCIERGE_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024)
# Hours until the first response is due, by priority.
CONCIERGE_FIRST_RESPONSE_HOURS = {"urgent": 1, "high": 4, "normal": 24, "low": 72}
CONCIERGE_MESSAGE_ID_DOMAIN = os.environ.get(
    "CONCIERGE_MESSAGE_ID_DOMAIN", CONCIERGE_ADDRESS.rpartition("@")[2] or "backline.care"
)
CONCIERGE_IMAP = {
    "HOST": os.environ.get("CONCIERGE_IMAP_HOST", ""),
    "PORT": env_int("CONCIERGE_IMAP_PORT", 993),
    # "ssl" (implicit TLS), "starttls", or "none" (loopback tests only).
    "SECURITY": os.environ.get("CONCIERGE_IMAP_SECURITY", "ssl"),
    "USER": os.environ.get("CONCIERGE_IMAP_USER", ""),
    "PASSWORD": os.environ.get("CONCIERGE_IMAP_PASSWORD", ""),
    "FOLDER": os.environ.get("CONCIERGE_IMAP_FOLDER", "INBOX"),
    # After the raw copy is committed: "move" (to MOVE_TO), "delete", or "seen" (set \Seen
    # and only fetch unseen mail; people reading the mailbox elsewhere would hide mail).
    "AFTER": os.environ.get("CONCIERGE_IMAP_AFTER", "move"),
    "MOVE_TO": os.environ.get("CONCIERGE_IMAP_MOVE_TO", "Processed"),
    # Messages over CONCIERGE_MAX_MESSAGE_BYTES are moved here, never deleted.
    "QUARANTINE_TO": os.environ.get("CONCIERGE_IMAP_QUARANTINE_TO", "Quarantine"),
    "TIMEOUT": env_int("CONCIERGE_IMAP_TIMEOUT", 60),
}
CONCIERGE_FETCH_LOCK_SECONDS = env_int("CONCIERGE_FETCH_LOCK_SECONDS", 600)
# An inbound message whose filing was started this often without finishing is quarantined.
CONCIERGE_INBOUND_MAX_ATTEMPTS = env_int("CONCIERGE_INBOUND_MAX_ATTEMPTS", 3)
CONCIERGE_OUTBOUND_MAX_ATTEMPTS = env_int("CONCIERGE_OUTBOUND_MAX_ATTEMPTS", 10)
CONCIERGE_OUTBOUND_BACKOFF_SECONDS = env_int("CONCIERGE_OUTBOUND_BACKOFF_SECONDS", 60)
# How long a worker's claim on an email lasts; then a worker that died is presumed dead and
# the email is sent again. Keep it well above the longest SMTP conversation.
CONCIERGE_OUTBOUND_CLAIM_SECONDS = env_int("CONCIERGE_OUTBOUND_CLAIM_SECONDS", 600)
# Web form: submissions allowed per window, per email address and per client IP. Behind a
# proxy, name the META key it sets (e.g. HTTP_X_FORWARDED_FOR); else REMOTE_ADDR is used.
CONCIERGE_CLIENT_IP_HEADER = os.environ.get("CONCIERGE_CLIENT_IP_HEADER", "")
CONCIERGE_FORM_RATE = {
    "PER_EMAIL": env_int("CONCIERGE_FORM_PER_EMAIL", 3),
    "PER_IP": env_int("CONCIERGE_FORM_PER_IP", 10),
    "WINDOW_SECONDS": env_int("CONCIERGE_FORM_WINDOW_SECONDS", 3600),
}
# Inbound webhook: which anymail provider posts to /anymail/<provider>/inbound/. Anymail
# checks ANYMAIL_WEBHOOK_SECRET ("user:password" basic auth) and the provider's signature.
CONCIERGE_INBOUND_PROVIDER = os.environ.get("CONCIERGE_INBOUND_PROVIDER", "mailgun")
if os.environ.get("MAILGUN_WEBHOOK_SIGNING_KEY"):
    # Only when set: an empty HMAC key would let anyone sign a request.
    ANYMAIL["MAILGUN_WEBHOOK_SIGNING_KEY"] = os.environ["MAILGUN_WEBHOOK_SIGNING_KEY"]
# Open data (HSDS 3.0 export) -------------------------------------------------------
# Published as `assurer_email` of staff-verified services; empty leaves the field out.
HSDS_ASSURER_EMAIL = os.environ.get("HSDS_ASSURER_EMAIL", "")
# JSON lines on stdout with email addresses and message text redacted (hub/logging.py).
LOGGING = logging_config(
    level=os.environ.get("LOG_LEVEL", "INFO"),
    json_lines=os.environ.get("LOG_FORMAT", "json") != "plain",
)

# Errors, limits and database outages -------------------------------------------
# Error pages (hub/errors.py) show emergency numbers without the database: from
# the cache, else from this committed seed fixture.
CSRF_FAILURE_VIEW = "hub.errors.csrf_failure"
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
EMERGENCY_FIXTURE = Path(
    os.environ.get("EMERGENCY_FIXTURE") or BASE_DIR / "fixtures" / "directory.json"
)
EMERGENCY_CACHE_SECONDS = env_int("EMERGENCY_CACHE_SECONDS", 3600)
# Sent with the 503 page while the database is unreachable.
RETRY_AFTER_SECONDS = env_int("RETRY_AFTER_SECONDS", 30)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Fail fast instead of hanging a worker when the database host is unreachable.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault(
        "connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 5)
    )

# Concierge triage (issue 6) --------------------------------------------------------
# Closed tickets untouched this long are erased by `manage.py purge_tickets`.
CONCIERGE_RETENTION_DAYS = env_int("CONCIERGE_RETENTION_DAYS", 365)
# How long a staff member counts as "has this ticket open" after their last heartbeat.
CONCIERGE_PRESENCE_SECONDS = env_int("CONCIERGE_PRESENCE_SECONDS", 90)

# Performance: page cache and benchmark -------------------------------------------
# Rendered public pages are kept in the shared cache only when there is one (REDIS_URL):
# a save in one worker must make every worker's copy stale. See resources/caching.py.
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE", default=bool(REDIS_URL))
# Length of a cache time bucket; "open now" badges are never older than this.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 60)
# /<lang>/bench/floor/: a trivial view through the whole middleware stack, for bench/run only.
BENCH_FLOOR = env_bool("BENCH_FLOOR", default=False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # jit=off: compiling a plan costs more than running the short queries of a web page.
    # Search matches names by trigram word similarity through the indexed `%>` operator,
    # whose threshold is this setting (resources/search.TRIGRAM_THRESHOLD, migration 0003).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        "-c jit=off -c pg_trgm.word_similarity_threshold=0.6"
    )
