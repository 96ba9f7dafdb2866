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
