"""The real worker (`manage.py db_worker`, django-tasks-db), as a process of its own with
the production settings, against a real database: it takes the task the application
enqueued after the commit and sends the e-mail.

On PostgreSQL the worker connects to the test database itself. On SQLite the test
database lives in memory, which no other process can open: it is copied to a file
(core.backup, the online backup API), the worker runs on the file, and the file is
copied back so the test reads what the worker did."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from core.backup import backup_database, restore_database
from notifications import services
from notifications.kinds import Kind
from notifications.models import OutgoingEmail
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

DATABASE_BACKEND = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
}


def database_url(tmp_path: Path) -> str | None:
    if connection.vendor == "sqlite":
        path = tmp_path / "db.sqlite3"
        backup_database(path)
        return f"sqlite:///{path}"
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        auth = quote(s["USER"] or "")
        if s.get("PASSWORD"):
            auth += ":" + quote(s["PASSWORD"])
        return f"postgres://{auth}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{s['NAME']}"
    return None


def test_the_worker_sends_the_email_the_application_enqueued(settings, tmp_path):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE_BACKEND
    user = UserFactory(username="ada", email="ada@example.org")
    services.notify(recipients=[user], kind=Kind.REFERRAL_SENT, link="/segnalazioni/")
    email = OutgoingEmail.objects.get()
    task = DBTaskResult.objects.get()  # enqueued after the commit, not run
    assert task.status == "READY"
    assert task.args_kwargs == {"args": [email.pk], "kwargs": {}}  # an id, no data
    assert email.status == OutgoingEmail.Status.PENDING

    url = database_url(tmp_path)
    if url is None:
        pytest.skip(f"no worker test for {connection.vendor}")
    mail_dir = tmp_path / "mail"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "true",
        "DATABASE_URL": url,
        "EMAIL_URL": f"filemail:///{mail_dir}",
    }
    # The production settings' own default: the database backend.
    env.pop("TASKS_BACKEND", None)
    done = subprocess.run(  # noqa: S603 - our own manage.py, arguments as a list
        [
            sys.executable,
            str(settings.BASE_DIR / "manage.py"),
            "db_worker",
            "--batch",
            "--no-reload",
            "--no-startup-delay",
            "--interval",
            "0",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    if connection.vendor == "sqlite":
        restore_database(tmp_path / "db.sqlite3")

    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutgoingEmail.Status.SENT, 1)
    task = DBTaskResult.objects.get()
    assert task.status == "SUCCESSFUL"
    assert task.return_value == "sent"
    written = "".join(path.read_text() for path in mail_dir.iterdir())
    assert "To: ada@example.org" in written
    assert email.subject in written
