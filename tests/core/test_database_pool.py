"""Pooled database connections (issue 16): DATABASE_POOL turns on psycopg's pool in
Django's PostgreSQL backend, with persistent connections off (the two exclude each
other); on SQLite nothing changes. CI runs the whole PostgreSQL suite pooled."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

BASE_DIR = Path(__file__).resolve().parents[2]
ON_POSTGRES = connection.vendor == "postgresql"


def database_settings(**environment):
    """The default database settings that config/settings.py makes from `environment`."""
    code = (
        "import json, django; from django.conf import settings; django.setup();"
        "d = settings.DATABASES['default'];"
        "pool = d.get('OPTIONS', {}).get('pool');"
        "print(json.dumps({'engine': d['ENGINE'], 'conn_max_age': d.get('CONN_MAX_AGE'),"
        " 'pool': pool and {k: v for k, v in pool.items() if k != 'check'},"
        " 'pool_check': bool(pool and callable(pool.get('check')))}))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "DJANGO_"))}
    env |= {"DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_DEBUG": "true", **environment}
    out = subprocess.run(  # noqa: S603 - this interpreter, fixed code
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_pool_is_off_by_default_with_persistent_connections():
    made = database_settings(DATABASE_URL="postgres://u@127.0.0.1:5432/abitare")
    assert made["pool"] is None
    assert made["conn_max_age"] == 600


def test_pool_on_turns_persistent_connections_off():
    made = database_settings(
        DATABASE_URL="postgres://u@127.0.0.1:5432/abitare",
        DATABASE_POOL="true",
        DATABASE_POOL_MAX_SIZE="7",
    )
    assert made["pool"]["max_size"] == 7
    assert made["pool"]["min_size"] == 1
    assert made["pool_check"]
    assert made["conn_max_age"] == 0


def test_sqlite_ignores_the_pool():
    made = database_settings(DATABASE_POOL="true")
    assert made["engine"] == "django.db.backends.sqlite3"
    assert made["pool"] is None


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason="psycopg's pool is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_pooled_connections_are_reused_on_postgres():
    from django.db.backends.postgresql.base import DatabaseWrapper
    from psycopg_pool import ConnectionPool

    settings_dict = {
        **connection.settings_dict,
        "CONN_MAX_AGE": 0,
        "OPTIONS": {
            **connection.settings_dict.get("OPTIONS", {}),
            "pool": {"min_size": 1, "max_size": 1, "check": ConnectionPool.check_connection},
        },
    }
    pooled = DatabaseWrapper(settings_dict, alias="pooled")
    try:
        backends = set()
        for _ in range(3):
            # One "request": borrow, query, give back (close returns it to the pool).
            with pooled.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                backends.add(cursor.fetchone()[0])
            pooled.close()
        assert isinstance(pooled.pool, ConnectionPool)
        # The same server connection served all three: it was pooled, not reopened.
        assert len(backends) == 1
        assert pooled.pool.get_stats()["requests_num"] >= 3
    finally:
        pooled.close_pool()
