"""Settings for the test suite: the production settings, with a throwaway key, a fast
password hasher and plain static files (no manifest to build before each run)."""

import os

os.environ.setdefault(
    "DJANGO_SECRET_KEY", "test-only-secret-key-that-is-long-enough-for-django-checks"
)
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")

from config.settings import *  # noqa: E402,F403

# The suite tests the demo and the benchmark generator too.
if "demo" not in INSTALLED_APPS:  # noqa: F405
    INSTALLED_APPS += ["demo"]  # noqa: F405

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# SQLite's test database is a file, not Django's default shared in-memory one. The
# browser tests' live server answers each request in its own thread; with an in-memory
# database all those threads (and the test itself) share one connection, so a page's
# request racing the notification bell's (it loads with every page) could read an empty
# session and land on the login page (a flaky CI failure). With a file each thread has
# its own connection, locked and isolated as in production. pytest-xdist gives each
# worker its own file (…_gw0, …_gw1).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    (BASE_DIR / "var").mkdir(exist_ok=True)  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / "test-db.sqlite3")}  # noqa: F405
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0

# whitenoise would warn that the collected static folder is missing; finders serve.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# The test client's login() authenticates without a request, which django-axes refuses;
# this subclass lets only those through (tests/core/security_backend.py).
AUTHENTICATION_BACKENDS = [
    "tests.core.security_backend.RequestOptionalAxesBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Tasks run at once, in the test's own thread (the worker itself is tested against a real
# database in tests/notifications/test_worker.py); e-mails stay in django.core.mail.outbox.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
