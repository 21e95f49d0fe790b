"""Settings read from the environment (django-environ).

Nothing set: SQLite file, eager Celery, console e-mail, DEBUG on (the `make run` default).
Production sets DJANGO_DEBUG=false, DJANGO_SECRET_KEY, QUALIPREF_PUBLIC_URL, DATABASE_URL,
CELERY_BROKER_URL and EMAIL_URL (DJANGO_ALLOWED_HOSTS and DJANGO_CSRF_TRUSTED_ORIGINS default to the public
address); the secure settings below then pass `check --deploy`.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


class SettingsError(ImproperlyConfigured):
    pass


env = environ.Env()


def _read(name, cast, default):
    """Read one variable; a bad value stops start-up naming the variable."""
    try:
        return cast(name, default=default)
    except (ValueError, environ.ImproperlyConfigured) as exc:
        raise SettingsError(f"Invalid value for environment variable {name}: {exc}") from exc


DEBUG = _read("DJANGO_DEBUG", env.bool, True)
# The deployment's declared mode, kept apart from DEBUG (which test runners switch off): a server started
# with DJANGO_DEBUG=false is a production one, where `load_demo` refuses to run without --force.
PRODUCTION = not DEBUG

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise SettingsError(
            "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is false: "
            "set the environment variable DJANGO_SECRET_KEY to a long random string."
        )
    SECRET_KEY = "django-insecure-development-only-key-not-for-production"


def _public_url() -> str:
    """The installation's public address (scheme and host, no path): every link the product prints or
    sends (QR posters, e-mails, the iCal feed, PDFs) starts with it (qualipref.links). Required in
    production: a poster printed from a server reached as 127.0.0.1 must still point to the public site."""
    name = "QUALIPREF_PUBLIC_URL"
    value = env.str(name, default="").strip()
    if not value:
        if not DEBUG:
            raise SettingsError(
                f"{name} is required when DJANGO_DEBUG is false: set it to the address users type to reach "
                "Qualipref, for example https://qualite.prefecture.gouv.fr (it is printed on posters and "
                "in e-mails)."
            )
        return "http://127.0.0.1:8000"
    parts = urlsplit(value)
    try:
        parts.port  # noqa: B018 (a port that is not a number raises here)
    except ValueError:
        parts = urlsplit("")
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/"):
        raise SettingsError(
            f"Invalid value for environment variable {name}: {value!r} (expected https://host[:port], "
            "without a path, for example https://qualite.prefecture.gouv.fr)."
        )
    if parts.query or parts.fragment or parts.username or parts.password:
        raise SettingsError(
            f"Invalid value for environment variable {name}: {value!r} (scheme and host only)."
        )
    return f"{parts.scheme}://{parts.netloc}"


PUBLIC_URL = _public_url()
_PUBLIC_HOST = urlsplit(PUBLIC_URL).hostname

ALLOWED_HOSTS = _read(
    "DJANGO_ALLOWED_HOSTS",
    env.list,
    ["127.0.0.1", "localhost", "testserver"] if DEBUG else [h for h in [_PUBLIC_HOST] if h],
)
CSRF_TRUSTED_ORIGINS = _read("DJANGO_CSRF_TRUSTED_ORIGINS", env.list, [] if DEBUG else [PUBLIC_URL])

INSTALLED_APPS = [
    "qualipref.apps.QualiprefAdminConfig",  # django.contrib.admin, see qualipref.admin_site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "simple_history",
    "axes",
    "csp",
    "qualipref",
    "qualipref.notifications",
    "qualipref.attachments",
    "sites",
    "accounts",
    "referential",
    "audits",
    "surveys",
    "complaints",
    "actionplans",
    "indicators",
    "steering",
    "reports",
    "publication",
]

MIDDLEWARE = [
    "qualipref.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # NUL bytes and invalid UTF-8 in the path, query string or form fields: a French 400, before any view.
    "qualipref.middleware.RejectBadInputMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # What a request writes counts for the user's départements: their cached figures are read again.
    "sites.versions.WritesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "qualipref.middleware.LoginRequiredMiddleware",
    # Last, as django-axes requires: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "qualipref.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sites.context_processors.navigation",
                "reports.context_processors.inbox_badges",
            ],
            # `pluralize` under the French rule in every template (« 0 jour », « 2 jours »)
            "builtins": ["qualipref.templatetags.french"],
        },
    },
]

WSGI_APPLICATION = "qualipref.wsgi.application"

DATABASES = {
    "default": env.db_url_config(
        env.str("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    )
}
if DATABASES["default"].get("ENGINE") not in {"django.db.backends.postgresql", "django.db.backends.sqlite3"}:
    raise SettingsError(
        "Invalid value for environment variable DATABASE_URL: use postgres://user@host:port/name "
        "(or sqlite:///path for the embedded default)."
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers wait for the lock (up to 20 s) instead of failing with "database is locked";
    # IMMEDIATE transactions take the write lock when they begin, so none fails half-way on an upgrade.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
DATABASES["default"]["CONN_MAX_AGE"] = _read("DJANGO_CONN_MAX_AGE", env.int, 0 if DEBUG else 60)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL plans the explicit joins of a query in the order they are written, as Django writes them: the
    # row's table first, then the rows it points to (select_related), which is how they are best read here.
    # Left free to reorder them (its default, 8), it spent 67 to 85 ms planning the findings register's query
    # of 9 tables for 2 ms of work, 43 ms for the action page's: most of those pages' time (issue 22,
    # benchmarks/README.md). A deployment can give it its freedom back: QUALIPREF_PG_JOIN_COLLAPSE_LIMIT=8.
    _join_collapse_limit = _read("QUALIPREF_PG_JOIN_COLLAPSE_LIMIT", env.int, 1)
    if _join_collapse_limit < 1:
        raise SettingsError(
            "Invalid value for environment variable QUALIPREF_PG_JOIN_COLLAPSE_LIMIT: a number, 1 or more."
        )
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c join_collapse_limit={_join_collapse_limit}"
    _options["options"] = _options["options"].strip()
    # Prepared statements: a page's queries are the same SQL on every view, which PostgreSQL planned again
    # each time, and planning took longer than running for most of them (the menu's badges about 1 ms to
    # plan for 0.3 to 1 ms of work; the first-run checklist 1.9 ms for 0.25). With the parameters sent
    # apart (psycopg's server-side binding), a statement run a second time on a connection is prepared, and
    # PostgreSQL keeps its plan once a generic one costs no more than planning for the values
    # (plan_cache_mode auto; forcing generic plans made the home page slower at 1,000,000 requests). The
    # home page's queries: 23-29 -> 16-18 ms; under load, pages' median 48-50 -> 38-39 ms
    # (benchmarks/README.md). Off behind a pooler that cannot keep prepared statements (PgBouncer before
    # 1.21 in transaction mode): QUALIPREF_PG_PREPARED=false.
    if _read("QUALIPREF_PG_PREPARED", env.bool, True):
        _options.setdefault("server_side_binding", True)
        _options.setdefault("prepare_threshold", 1)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# SQLite (the embedded default) cannot enforce UNIQUE … NULLS NOT DISTINCT; PostgreSQL, used in tests and
# production, does, and services use get_or_create on those keys anyway. Nor has it covering indexes
# (INCLUDE, W040): on SQLite the register's index `request_register` keeps its key columns only.
SILENCED_SYSTEM_CHECKS = ["models.W047", "models.W040"]
AUTH_USER_MODEL = "sites.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling (django-axes): after AXES_FAILURE_LIMIT failed logins for one username from one
# address, that login is refused, even with the right password, for the cool-off period; every
# failure and the lockout are logged (qualipref.security). A success resets the count. Attempts are
# kept in the database, so all gunicorn workers share them. The address is REMOTE_ADDR: behind a
# reverse proxy, set AXES_IPWARE_PROXY_COUNT/AXES_IPWARE_META_PRECEDENCE_ORDER accordingly.
AUTHENTICATION_BACKENDS = [
    "qualipref.security.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = _read("QUALIPREF_LOGIN_FAILURE_LIMIT", env.int, 5)
AXES_COOLOFF_TIME = timedelta(minutes=_read("QUALIPREF_LOGIN_COOLOFF_MINUTES", env.int, 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Successful logins go to the logs (qualipref.security), not to an ever-growing table of addresses.
AXES_DISABLE_ACCESS_LOG = True
AXES_LOCKOUT_CALLABLE = "qualipref.security.lockout_response"
AXES_COOLOFF_MESSAGE = "Connexion bloquée après trop d'échecs : réessayez plus tard."
AXES_PERMALOCK_MESSAGE = "Connexion bloquée après trop d'échecs : contactez l'administrateur."

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Paths served without login: the login page itself, health, public pages, static files.
# /api/ authenticates each call by token and answers 401 itself.
# The password reset and the invitation links are for people who cannot log in yet (accounts.urls).
LOGIN_EXEMPT_PREFIXES = (
    "/accounts/login/",
    "/accounts/mot-de-passe-oublie/",
    "/accounts/reinitialiser/",
    "/accounts/invitation/",
    "/healthz",
    "/public/",
    "/static/",
    "/favicon.ico",
    "/api/",
)

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = _read("DJANGO_MEDIA_ROOT", env.path, BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Cache (rate limits of the public forms…): in-process by default, Redis in production (CACHE_URL).
CACHES = {"default": _read("CACHE_URL", env.cache_url, "locmemcache://")}

# Widgets (inputs, the options of a select) rendered by Django's own Jinja2 templates, the same markup as its
# template-language ones without their cost per option: a register's filter form is a tenth of its page
# (issue 22). Forms, crispy's field wrappers and pages stay in Django templates.
FORM_RENDERER = "django.forms.renderers.Jinja2"
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail: console by default, SMTP (or any backend) from EMAIL_URL.
_email = _read("EMAIL_URL", env.email_url, "consolemail://")
vars().update(_email)
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="Qualipref <qualipref@localhost>")

# Celery: eager in-process when no broker is configured.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web request that queues a task must not hang when the broker is down: short connection timeouts
# and a bounded publish retry (about 3 s in all), then the caller handles the failure
# (reports.services: the run stays queued and `reports.requeue_waiting_runs` sends it again).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
# `make run` needs no Redis: CELERY_BROKER_URL=filesystem:// is kombu's filesystem transport, each message
# a file under var/broker/, shared by the web server, the worker and its scheduler on one machine.
if CELERY_BROKER_URL.startswith("filesystem:"):
    _broker_dir = Path(env.str("QUALIPREF_BROKER_DIR", default=str(BASE_DIR / "var" / "broker")))
    for _folder in ("messages", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "messages"),
        "data_folder_out": str(_broker_dir / "messages"),
        "control_folder": str(_broker_dir / "control"),
    }
# Reserve one message at a time: documents take long, and a worker that loses the broker must
# hand back as few reserved messages as possible (kombu's Redis transport can crash while doing so:
# run the worker under a supervisor that restarts it, see docs/OPERATIONS.md).
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}
# The beat schedule is gathered from each app's `schedule.py` (see qualipref.apps).
CELERY_BEAT_SCHEDULE = {}
# Workers log through LOGGING below (JSON lines in production), not Celery's own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Uploads: size and type limits (qualipref.attachments.validators).
UPLOAD_MAX_BYTES = _read("QUALIPREF_UPLOAD_MAX_BYTES", env.int, 10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Spreadsheet imports (qualipref.uploads): checked before parsing, refused beyond these limits.
SPREADSHEET_MAX_BYTES = _read("QUALIPREF_SPREADSHEET_MAX_BYTES", env.int, 10 * 1024 * 1024)
SPREADSHEET_MAX_UNCOMPRESSED_BYTES = _read(
    "QUALIPREF_SPREADSHEET_MAX_UNCOMPRESSED_BYTES", env.int, 50 * 1024 * 1024
)
SPREADSHEET_MAX_RATIO = _read("QUALIPREF_SPREADSHEET_MAX_RATIO", env.int, 100)
SPREADSHEET_MAX_ROWS = _read("QUALIPREF_SPREADSHEET_MAX_ROWS", env.int, 100_000)
SPREADSHEET_MAX_COLUMNS = _read("QUALIPREF_SPREADSHEET_MAX_COLUMNS", env.int, 500)
# Past this many rows an import runs in the background (Celery) and its page shows a progress bar, so that
# no web worker is held for more than a second or two by an upload (qualipref.imports).
IMPORT_BACKGROUND_ROWS = _read("QUALIPREF_IMPORT_BACKGROUND_ROWS", env.int, 1000)

# Logs on stderr, one line per record, each with the request id, user and path (qualipref.logs).
# LOG_FORMAT=json gives one JSON object per line (the production default), plain is for reading.
LOG_FORMAT = _read("LOG_FORMAT", env.str, "plain" if DEBUG else "json")
if LOG_FORMAT not in {"json", "plain"}:
    raise SettingsError(f"Invalid value for environment variable LOG_FORMAT: {LOG_FORMAT!r} (json or plain).")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "qualipref.logs.RequestContextFilter"}},
    "formatters": {
        "plain": {"()": "qualipref.logs.PlainFormatter"},
        "json": {"()": "qualipref.logs.JSONFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_context"]}
    },
    "root": {"handlers": ["console"], "level": _read("LOG_LEVEL", env.str, "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Content-Security-Policy (django-csp): scripts only from our own static files, never inline, never
# eval (no inline <script>, no on* attributes, no hx-on; htmx's eval is off in base.html). Styles
# allow 'unsafe-inline' for the <style> that pygal puts inside its inline SVG charts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

CSRF_FAILURE_VIEW = "qualipref.security.csrf_failure"

X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = _read("DJANGO_SECURE_SSL_REDIRECT", env.bool, True)
    # Container health checks call /healthz over plain HTTP inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = _read("DJANGO_SECURE_HSTS_SECONDS", env.int, 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
