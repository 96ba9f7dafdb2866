"""The health endpoints (issue 16): no login, no data, 503 when a part fails; the
task queue checked only when a database-backed tasks backend is configured."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

pytestmark = pytest.mark.django_db


def health(client):
    response = client.get(reverse("healthz"))
    return response.status_code, json.loads(response.content)


def test_healthz_without_login_says_ok(client, private_storage_root):
    status, body = health(client)
    assert status == 200
    assert body == {
        "status": "ok",
        "checks": {
            "database": "ok",
            "storage": "ok",
            "task_queue": {"status": "not configured"},
        },
    }


def test_healthz_is_never_cached_and_shows_no_data(client, alice, household_alfa):
    response = client.get(reverse("healthz"))
    assert "no-store" in response["Cache-Control"]
    text = response.content.decode()
    assert set(json.loads(text)) == {"status", "checks"}
    assert "alice" not in text
    assert "sessionid" not in response.cookies


def test_healthz_with_s3_storage(client, s3_documents):
    status, body = health(client)
    assert (status, body["checks"]["storage"]) == (200, "ok")


def test_healthz_says_503_when_the_bucket_is_gone(client, s3_documents):
    s3, bucket = s3_documents
    s3.delete_bucket(Bucket=bucket)
    try:
        status, body = health(client)
    finally:
        s3.create_bucket(Bucket=bucket)  # for the fixture's clean-up
    assert status == 503
    assert body["status"] == "error"
    assert body["checks"]["storage"] == "error"
    assert body["checks"]["database"] == "ok"


def test_healthz_says_503_when_the_storage_folder_cannot_be_made(client, settings, tmp_path):
    # A file where the folder should go (root writes anywhere, so not a mode).
    (tmp_path / "taken").write_text("x")
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "taken" / "private"
    status, body = health(client)
    assert (status, body["checks"]["storage"]) == (503, "error")


def test_healthz_says_503_when_the_database_fails(client, monkeypatch, private_storage_root):
    from core import health as health_module

    def broken():
        raise health_module.connections["default"].Database.OperationalError("down")

    monkeypatch.setattr(health_module, "check_database", broken)
    status, body = health(client)
    assert status == 503
    assert body["checks"]["database"] == "error"


def fake_lag(alias, options):
    return options["OPTIONS"]["lag"]


@pytest.mark.parametrize(("lag", "status", "queue"), [(3, 200, "ok"), (301, 503, "error")])
def test_task_queue_lag_of_a_configured_database_backend(
    client, settings, private_storage_root, lag, status, queue
):
    # A stand-in for the database-backed backend of issue 15, plugged in the same way.
    settings.HEALTHZ_TASK_QUEUE_CHECKS = {"tests.fake_tasks": "tests.core.test_health.fake_lag"}
    settings.TASKS = {
        "default": {"BACKEND": "tests.fake_tasks.DatabaseBackend", "OPTIONS": {"lag": lag}}
    }
    got, body = health(client)
    assert got == status
    assert body["checks"]["task_queue"] == {"status": queue, "lag_seconds": lag}


def test_an_immediate_tasks_backend_is_not_a_queue(client, settings, private_storage_root):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    _, body = health(client)
    assert body["checks"]["task_queue"] == {"status": "not configured"}


def test_django_tasks_db_is_known():
    from core.health import TASK_QUEUE_LAG_CHECKS

    assert "django_tasks_db" in TASK_QUEUE_LAG_CHECKS


def test_liveness_touches_no_database(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("healthz_live"))
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert len(queries) == 0


def test_health_is_read_only(client):
    assert client.post(reverse("healthz")).status_code == 405
    assert client.post(reverse("healthz_live")).status_code == 405


def test_health_is_exempt_from_the_https_redirect(client, settings, private_storage_root):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(reverse("healthz")).status_code == 200
    assert client.get(reverse("healthz_live")).status_code == 200
    assert client.get(reverse("login")).status_code == 301
