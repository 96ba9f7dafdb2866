"""Settings for Abitare, read from the environment (see .env.example).

SQLite is the embedded default so the app runs with no server; PostgreSQL comes in
through DATABASE_URL in production.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from core.storage import s3_options

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env(
    "DJANGO_SECRET_KEY",
    # Only a development machine may run on a key that is not secret.
    default="django-insecure-dev-only-key-do-not-use-in-production"
    if DEBUG
    else environ.Env.NOTSET,
)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # The admin behind the second factor (core/admin_site.py).
    "core.admin_apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_countries",
    "core",
    "users",
    "partners",
    "projects",
    "housing",
    "beneficiaries",
    # Above the domain: nothing below imports them (docs/architecture.md);
    # domain services call notifications.services.notify.
    "dashboard",
    "privacy",
    "notifications",
    # The household's own view of its pathway, at /percorso/ (docs/architecture.md).
    "household_view",
    "django_tasks_db",
    # With Italian names in the admin (core/admin_apps.py).
    "core.admin_apps.AxesConfig",
    "django_otp",
    "core.admin_apps.TOTPConfig",
    "core.admin_apps.StaticConfig",
]
# Demo data, the national-scale generator and the benchmarks: development only.
if DEBUG:
    INSTALLED_APPS += ["demo"]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A household member's session reaches only the household view, in its language;
    # before LoginRequiredMiddleware, so that not even a public staff page answers it.
    "household_view.middleware.HouseholdAreaMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Ends idle, too long or deactivated sessions before LoginRequiredMiddleware's view
    # check (which then sends to the login page); no-store on logged-in pages.
    "core.middleware.SessionSecurityMiddleware",
    # After the password, coordinators and admins (and whoever turned it on) must give
    # the second factor before anything else (core/two_factor.py).
    "core.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Gives a browser that has just logged in the cookie that makes it known next time
    # (notifications.services.browser_login_check).
    "notifications.middleware.KnownBrowserMiddleware",
    "core.middleware.AccessDeniedLogMiddleware",
    # Last, as django-axes asks: turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.navigation",
                "notifications.context_processors.bell",
            ],
        },
    },
]

# Databases ---------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE takes the write lock when a transaction starts, so two writers queue
        # instead of failing half-way with "database is locked"; WAL lets readers go on.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
elif env.bool("DATABASE_POOL", default=False):
    from psycopg_pool import ConnectionPool

    # psycopg's connection pool inside each process (Django's "pool" option): a worker
    # borrows a connection per request and gives it back. Persistent connections and
    # the pool exclude each other, so CONN_MAX_AGE must be 0. The size is per process:
    # nodes × gunicorn workers × DATABASE_POOL_MAX_SIZE must stay under the server's
    # max_connections (docs/deployment.md).
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("DATABASE_POOL_MIN_SIZE", default=1),
        "max_size": env.int("DATABASE_POOL_MAX_SIZE", default=4),
        "timeout": env.float("DATABASE_POOL_TIMEOUT", default=10.0),
        # Connections idle longer than this are closed (the server or a firewall may
        # have dropped them); the pool checks each one before lending it.
        "max_idle": env.float("DATABASE_POOL_MAX_IDLE", default=300.0),
        "check": ConnectionPool.check_connection,
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=600)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Planner settings for this application's connections only (docs/performance.md).
    planner = []
    if not env.bool("DATABASE_JIT", default=False):
        # PostgreSQL's JIT compiles a plan whose estimated cost is high; the pages'
        # queries are short, and at national size compiling them cost 100-500 ms each,
        # more than running them.
        planner.append("-c jit=off")
    # random_page_cost stays PostgreSQL's own (4): measured at 1.1 (the value suggested
    # for SSDs) one count got faster but the coordinator's day went 1.8 -> 2.5 s
    # (docs/performance.md). DATABASE_RANDOM_PAGE_COST sets it for a server that needs it.
    if env.str("DATABASE_RANDOM_PAGE_COST", default=""):
        planner.append(f"-c random_page_cost={env.float('DATABASE_RANDOM_PAGE_COST')}")
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = " ".join(planner)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Authentication ----------------------------------------------------------------------
AUTH_USER_MODEL = "users.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "core.password_validation.BreachedLookingPasswordValidator"},
]
# django-axes counts failed logins and locks a username from an address out after
# AXES_FAILURE_LIMIT of them, for AXES_COOLOFF_TIME; the login form then shows the
# lockout page. ModelBackend does the authenticating.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# The counters are rows in the database (axes' database handler), so every web node
# counts the same failures: five wrong passwords spread over two nodes still lock out.
# core.lockout adds a second, higher limit per address across usernames, against
# password spraying (axes has one limit for all its parameter sets).
AXES_HANDLER = "core.lockout.AddressAwareDatabaseHandler"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_IP_FAILURE_LIMIT = env.int("AXES_IP_FAILURE_LIMIT", default=20)
AXES_IP_COOLOFF_TIME = timedelta(minutes=env.int("AXES_IP_COOLOFF_MINUTES", default=15))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
# Logins are in our security log (core.SecurityEvent): one copy is enough.
AXES_DISABLE_ACCESS_LOG = True
# Behind the reverse proxy the client's address is in X-Forwarded-For; set the number
# of proxies in front of Django so that header cannot be forged from outside. Without
# it every client has the proxy's address, and five wrong passwords from anywhere lock
# a user out (core.checks warns; docs/deployment.md).
TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT:
    AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")

# Two-factor authentication (core/two_factor.py): the name apps show next to the code;
# the admin never shows the secrets of others' devices.
OTP_TOTP_ISSUER = "Abitare"
# How long an activation code for setting up a required second factor stays valid.
TWO_FACTOR_ACTIVATION_HOURS = env.int("TWO_FACTOR_ACTIVATION_HOURS", default=72)
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Internationalisation ----------------------------------------------------------------
LANGUAGE_CODE = "it"
LANGUAGES = [("it", _("Italiano")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Rome"
# One set of date and number formats per language, used by every template and export.
FORMAT_MODULE_PATH = ["config.formats"]
USE_I18N = True
USE_TZ = True

# Static files ------------------------------------------------------------------------
STATIC_URL = "static/"
# Where `collectstatic` gathers them; every web node serves its own copy (WhiteNoise).
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
# Bootstrap comes from the npm registry (package.json); `make install` puts it here.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
]
# In production every node serves the same hashed, compressed files (WhiteNoise with the
# manifest `collectstatic` writes), so a page from one node and its CSS from another match.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Households' documents ----------------------------------------------------------------
# Personal documents live outside the static and media folders the web server publishes;
# they are read only through the permission-checked download view.
PRIVATE_STORAGE_ROOT = env.path("PRIVATE_STORAGE_ROOT", default=BASE_DIR / "var" / "private")
# "local" (the default: PRIVATE_STORAGE_ROOT on this machine, files 0600 in 0700 folders)
# or "s3": a private bucket of any S3-compatible object storage, which several web nodes
# share (core/storage.py, docs/deployment.md).
DOCUMENTS_STORAGE = env.str("DOCUMENTS_STORAGE", default="local").lower()
if DOCUMENTS_STORAGE == "local":
    STORAGES["documents"] = {"BACKEND": "beneficiaries.documents.PrivateStorage"}
elif DOCUMENTS_STORAGE == "s3":
    STORAGES["documents"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": s3_options(
            bucket=env.str("DOCUMENTS_S3_BUCKET"),
            endpoint_url=env.str("DOCUMENTS_S3_ENDPOINT_URL", default=""),
            region=env.str("DOCUMENTS_S3_REGION", default=""),
            access_key=env.str("DOCUMENTS_S3_ACCESS_KEY_ID", default=""),
            secret_key=env.str("DOCUMENTS_S3_SECRET_ACCESS_KEY", default=""),
            # AES256 (keys kept by the storage) or aws:kms (with DOCUMENTS_S3_KMS_KEY_ID);
            # "none" only for a server that has no server-side encryption.
            server_side_encryption=env.str("DOCUMENTS_S3_SSE", default="AES256"),
            kms_key_id=env.str("DOCUMENTS_S3_KMS_KEY_ID", default=""),
            prefix=env.str("DOCUMENTS_S3_PREFIX", default=""),
        ),
    }
else:
    raise ImproperlyConfigured('DOCUMENTS_STORAGE must be "local" or "s3".')
DOCUMENT_MAX_UPLOAD_BYTES = env.int("DOCUMENT_MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
# Pictures with more pixels are refused before they are decoded (a 600 dpi A4 scan has
# about 35 million); Pillow's own guard is set to the same (core/uploads.py).
DOCUMENT_MAX_IMAGE_PIXELS = env.int("DOCUMENT_MAX_IMAGE_PIXELS", default=50_000_000)
# The first handler drops a file as soon as it goes past DOCUMENT_MAX_UPLOAD_BYTES; the
# other fields of a request stay under DATA_UPLOAD_MAX_MEMORY_SIZE (Django's 2.5 MB).
FILE_UPLOAD_HANDLERS = [
    "core.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Whatever storage writes an uploaded file, only the application's user reads it.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

# Health (core/health.py): /healthz answers 503 when the oldest task ready to run has
# waited longer than this many seconds.
HEALTHZ_MAX_TASK_QUEUE_LAG = env.int("HEALTHZ_MAX_TASK_QUEUE_LAG", default=300)

# Security ----------------------------------------------------------------------------
# Sessions are rows in the database, which every web node shares: a user logged in
# through one node is logged in on all of them (no sticky sessions needed).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Idle and absolute limits of a logged-in session, in seconds (core.middleware); the page
# warns SESSION_TIMEOUT_WARNING seconds before the idle limit.
SESSION_IDLE_TIMEOUT = env.int("DJANGO_SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_ABSOLUTE_TIMEOUT = env.int("DJANGO_SESSION_ABSOLUTE_TIMEOUT", default=10 * 60 * 60)
SESSION_TIMEOUT_WARNING = env.int("DJANGO_SESSION_TIMEOUT_WARNING", default=2 * 60)
# The duplicate check of a registration (core.throttle): at most this many look-ups per
# user in this many seconds; past that nothing is answered and coordinators are told.
PERSON_LOOKUP_LIMIT = env.int("PERSON_LOOKUP_LIMIT", default=30)
PERSON_LOOKUP_WINDOW = env.int("PERSON_LOOKUP_WINDOW", default=60 * 60)
# The security log (core.SecurityEvent) is purged after this many days.
SECURITY_LOG_RETENTION_DAYS = env.int("SECURITY_LOG_RETENTION_DAYS", default=365)
# Households' records are kept this many years after their last case closed, then
# anonymised by `manage.py apply_retention` (beneficiaries/gdpr.py; docs/register-of-
# processing.md says why ten).
RETENTION_YEARS = env.int("RETENTION_YEARS", default=10)
# Where `manage.py backup` writes when given no file name, and how many of its backups
# it keeps there (the oldest go).
BACKUP_DIR = env.path("BACKUP_DIR", default=BASE_DIR / "var" / "backups")
BACKUP_KEEP = env.int("BACKUP_KEEP", default=14)
# Fernet keys (`manage.py backup --generate-key`), comma-separated: the first encrypts,
# every one decrypts, so a new key can go first while older backups stay readable. Keep
# them away from the backups (core/backup.py, docs/deployment.md).
BACKUP_ENCRYPTION_KEYS = [k for k in env.list("BACKUP_ENCRYPTION_KEY", default=[]) if k.strip()]
# Content Security Policy: scripts only from this site and only with the page's nonce;
# no inline styles (Bootstrap's data: SVG icons are images). See docs/security.md.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
# A refused form in the user's language, in the site's layout (templates/403_csrf.html).
CSRF_FAILURE_VIEW = "core.error_views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    # Behind the reverse proxy, which terminates TLS and sets this header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    # The load balancer asks nodes for their health over plain HTTP on the inside.
    SECURE_REDIRECT_EXEMPT = [r"^healthz(/live)?$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)

# Background tasks (Django's django.tasks) -------------------------------------------
# Stored in the database by django-tasks-db and run by its worker, `manage.py db_worker`,
# a process of its own (`make run` starts it beside the web server). No other server.
TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# E-mail ------------------------------------------------------------------------------
# EMAIL_URL, read by django-environ: smtp+tls://user:password@smtp.example.org:587 (or
# smtp+ssl://…:465, smtp://host:25), consolemail:// (printed by the worker),
# filemail:///path/to/folder (one file per e-mail). Development writes to the console,
# so nothing leaves the machine; production defaults to the local mail server.
_email_config = env.email_url(
    "EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25"
)
# (Lower case: Django 6.1 takes mail settings only through MAILERS.)
_email_timeout = env.int("EMAIL_TIMEOUT", default=30)


def _mailer(config: dict) -> dict:
    """Django 6.1's MAILERS entry for django-environ's e-mail settings."""
    backend = config["EMAIL_BACKEND"]
    options = {}
    if backend.endswith("smtp.EmailBackend"):
        options = {
            "host": config.get("EMAIL_HOST") or "localhost",
            "port": config.get("EMAIL_PORT") or 25,
            "username": config.get("EMAIL_HOST_USER") or "",
            "password": config.get("EMAIL_HOST_PASSWORD") or "",
            "use_tls": bool(config.get("EMAIL_USE_TLS")),
            "use_ssl": bool(config.get("EMAIL_USE_SSL")),
            "timeout": _email_timeout,
        }
    elif backend.endswith("filebased.EmailBackend"):
        # filemail:///var/mail is var/mail in the project; filemail:////srv/mail absolute.
        options = {"file_path": str(BASE_DIR / (config.get("EMAIL_FILE_PATH") or "var/mail"))}
    return {"BACKEND": backend, "OPTIONS": options}


MAILERS = {"default": _mailer(_email_config)}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Abitare <noreply@abitare.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address people reach Abitare at, for the one link an e-mail carries.
SITE_URL = env("ABITARE_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# The household's own view (household_view/) ----------------------------------------
# A link works once, within this many hours; the access ends this many days after the
# case closes (the follow-ups); so many wrong PINs in a row lock it for so long; an
# address that gets so many refusals (PINs, links) in the window is refused altogether.
HOUSEHOLD_LINK_HOURS = env.int("HOUSEHOLD_LINK_HOURS", default=72)
HOUSEHOLD_ACCESS_GRACE_DAYS = env.int("HOUSEHOLD_ACCESS_GRACE_DAYS", default=120)
HOUSEHOLD_PIN_FAILURE_LIMIT = env.int("HOUSEHOLD_PIN_FAILURE_LIMIT", default=5)
HOUSEHOLD_PIN_LOCK_MINUTES = env.int("HOUSEHOLD_PIN_LOCK_MINUTES", default=15)
HOUSEHOLD_IP_FAILURE_LIMIT = env.int("HOUSEHOLD_IP_FAILURE_LIMIT", default=20)
HOUSEHOLD_IP_WINDOW_MINUTES = env.int("HOUSEHOLD_IP_WINDOW_MINUTES", default=15)
# A member's session ends after this many idle seconds; the phone's cookie (with the
# PIN) lasts this many days.
HOUSEHOLD_SESSION_SECONDS = env.int("HOUSEHOLD_SESSION_SECONDS", default=30 * 60)
HOUSEHOLD_DEVICE_DAYS = env.int("HOUSEHOLD_DEVICE_DAYS", default=180)

# Notifications (notifications/) ------------------------------------------------------
# In-app notifications are kept this many days, then purged (`purge_notifications`).
NOTIFICATION_RETENTION_DAYS = env.int("NOTIFICATION_RETENTION_DAYS", default=90)
# The daily digest goes out from this hour (HH:MM, network's time zone, TIME_ZONE).
NOTIFICATION_DIGEST_TIME = env("NOTIFICATION_DIGEST_TIME", default="07:30")
# How often the bell asks for the unread count, in seconds.
NOTIFICATION_BELL_POLL_SECONDS = env.int("NOTIFICATION_BELL_POLL_SECONDS", default=60)

# Dashboards (dashboard/figures.py) ---------------------------------------------------
# Their figures are computed once and kept: older than this many minutes, the page still
# shows them with their time and a background task computes them again.
DASHBOARD_FIGURES_FRESH_MINUTES = env.int("DASHBOARD_FIGURES_FRESH_MINUTES", default=15)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
}
