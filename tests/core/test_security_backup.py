"""Backups (GDPR art. 32(1)(c)-(d), ASVS 8.1.5: the ability to restore personal data,
and restores that are tested): a consistent copy taken while the application runs, and
a restore that brings every row back — on SQLite and on PostgreSQL. The documents and the
encryption are in tests/core/test_backup_drill.py."""

import os
import sqlite3
import stat

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from beneficiaries.models import Household, Person
from core import backup

ON_SQLITE = connection.vendor == "sqlite"
sqlite_only = pytest.mark.skipif(not ON_SQLITE, reason="SQLite's online backup API")
postgres_only = pytest.mark.skipif(ON_SQLITE, reason="pg_dump/pg_restore need PostgreSQL")


@pytest.fixture(autouse=True)
def _backup_key_and_private_folder(settings, private_storage_root):
    """Backups need their key; the documents a restore replaces are a temporary folder."""
    settings.BACKUP_ENCRYPTION_KEYS = [backup.generate_key()]


def every_row():
    """Every row of every table, as plain values, keyed by model."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


def make_backup_wipe_restore(tmp_path, suffix):
    rows = every_row()
    assert rows["beneficiaries.Household"] and rows["beneficiaries.Person"]
    target = tmp_path / f"copy{suffix}"
    call_command("backup", str(target))
    assert target.stat().st_size > 0
    assert target.read_bytes().startswith(backup.MAGIC)
    # Backups hold personal data: readable and writable by their owner only.
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600

    call_command("flush", interactive=False)
    assert not Household.objects.exists()
    assert not Person.objects.exists()

    call_command("restore", str(target), interactive=False)
    assert every_row() == rows
    return rows


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_sqlite_backup_and_restore_bring_back_every_row(tmp_path, household_alfa, household_beta):
    rows = make_backup_wipe_restore(tmp_path, ".backup")
    assert any(p["last_name"] == "El Amrani" for p in rows["beneficiaries.Person"])
    assert Person.objects.filter(last_name="El Amrani").exists()


@postgres_only
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_backup_and_restore_bring_back_every_row(tmp_path, household_alfa, household_beta):
    make_backup_wipe_restore(tmp_path, ".backup")
    # The restored sequences go on from where they were: a new row gets a new id.
    assert Person.objects.filter(last_name="El Amrani").exists()
    from tests.factories import UserFactory

    new = UserFactory()
    assert new.pk > max(type(new).objects.exclude(pk=new.pk).values_list("pk", flat=True))


@pytest.mark.django_db(transaction=True)
def test_backup_without_a_name_goes_to_the_backup_folder(settings, tmp_path, alice):
    settings.BACKUP_DIR = tmp_path / "backups"
    call_command("backup")
    (made,) = (tmp_path / "backups").iterdir()
    assert made.name.startswith("abitare-")
    assert made.suffix == ".backup"
    assert stat.S_IMODE(os.stat(made).st_mode) == 0o600
    assert not list((tmp_path / "backups").glob("*.partial"))


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_sqlite_restore_of_the_database_refuses_a_file_that_is_not_one(tmp_path, alice):
    bogus = tmp_path / "not-a-database.sqlite3"
    bogus.write_bytes(b"this is not a database" * 100)
    with pytest.raises(backup.BackupError, match="non è un database SQLite valido"):
        backup.restore_database(bogus)
    assert type(alice).objects.filter(username="alice").exists()


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path, alice):
    bogus = tmp_path / "not-a-backup.sqlite3"
    bogus.write_bytes(b"this is not a database" * 100)
    with pytest.raises(CommandError, match="non è un backup di Abitare"):
        call_command("restore", str(bogus), interactive=False)
    assert Person.objects.model._meta.db_table  # the database is still usable
    assert type(alice).objects.filter(username="alice").exists()


@pytest.mark.django_db
def test_restore_of_a_missing_file_fails_cleanly(tmp_path):
    with pytest.raises(CommandError, match="non esiste"):
        call_command("restore", str(tmp_path / "missing"), interactive=False)


@pytest.mark.django_db
def test_restore_asks_before_replacing_the_database(monkeypatch, tmp_path):
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="annullato"):
        call_command("restore", str(tmp_path / "whatever"))


@pytest.mark.django_db
def test_restore_refuses_to_run_inside_a_transaction(tmp_path):
    # The normal django_db test runs inside a transaction: restoring there would mix
    # the restored data with a transaction that is then rolled back.
    path = tmp_path / "valid.sqlite3"
    db = sqlite3.connect(path)
    db.execute("create table t (x)")
    db.close()
    with pytest.raises(backup.BackupError, match="transazione"):
        backup.restore_database(path)


def test_pg_tools_get_the_password_from_settings_not_the_command_line():
    settings_dict = {
        "NAME": "abitare",
        "USER": "abitare_app",
        "PASSWORD": "s3cret-from-settings",
        "HOST": "db.internal",
        "PORT": "5433",
        "OPTIONS": {"sslmode": "require"},
    }
    args, env = backup._pg_connection_args(settings_dict)
    assert args == [
        "--host", "db.internal", "--port", "5433", "--username", "abitare_app",
        "--dbname", "abitare",
    ]  # fmt: skip
    assert env["PGPASSWORD"] == "s3cret-from-settings"
    assert env["PGSSLMODE"] == "require"
