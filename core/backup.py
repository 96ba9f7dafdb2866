"""Consistent backups of the database while the application runs, and their restore.

SQLite: the online backup API (sqlite3.Connection.backup) copies the database page by
page under a read lock, so the copy is one consistent moment even while others write.
PostgreSQL: `pg_dump --format=custom` takes its snapshot in one transaction (MVCC), and
`pg_restore --clean --if-exists` puts it back in a single transaction.

Backups hold personal data: the file is created readable by its owner only.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess  # noqa: S404 - pg_dump/pg_restore with argument lists, no shell
from pathlib import Path

from django.db import connections


class BackupError(Exception):
    pass


def vendor(using: str = "default") -> str:
    return connections[using].vendor


def default_suffix(using: str = "default") -> str:
    return ".sqlite3" if vendor(using) == "sqlite" else ".dump"


def backup_database(path: Path | str, *, using: str = "default") -> Path:
    """Write a consistent copy of the database `using` to `path`; return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    # Created private before anything is written into it.
    partial.unlink(missing_ok=True)
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        if vendor(using) == "sqlite":
            _sqlite_backup(partial, using)
        elif vendor(using) == "postgresql":
            _pg_dump(partial, using)
        else:
            raise BackupError(f"Database non supportato: {vendor(using)}")
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def restore_database(path: Path | str, *, using: str = "default") -> None:
    """Replace the content of the database `using` with the backup at `path`."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"Il file di backup non esiste: {path}")
    if vendor(using) == "sqlite":
        _sqlite_restore(path, using)
    elif vendor(using) == "postgresql":
        _pg_restore(path, using)
    else:
        raise BackupError(f"Database non supportato: {vendor(using)}")


def _refuse_inside_transaction(connection) -> None:
    if connection.in_atomic_block:
        raise BackupError("Impossibile ripristinare dentro una transazione aperta.")


# SQLite ---------------------------------------------------------------------------------


def _check_sqlite_file(path: Path) -> None:
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = db.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} non è un database SQLite valido: {exc}") from exc
    if result != "ok":
        raise BackupError(f"{path} è danneggiato: {result}")


def _sqlite_backup(path: Path, using: str) -> None:
    connection = connections[using]
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        # pages=-1: the whole database in one step, so under one read lock.
        connection.connection.backup(target, pages=-1)
    finally:
        target.close()
    _check_sqlite_file(path)


def _sqlite_restore(path: Path, using: str) -> None:
    _check_sqlite_file(path)
    connection = connections[using]
    _refuse_inside_transaction(connection)
    connection.ensure_connection()
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        source.backup(connection.connection, pages=-1)
    finally:
        source.close()


# PostgreSQL -----------------------------------------------------------------------------


def _pg_program(name: str) -> str:
    program = shutil.which(name)
    if program is None:
        raise BackupError(f"{name} non trovato: installa il client di PostgreSQL.")
    return program


def _pg_connection_args(settings_dict: dict) -> tuple[list[str], dict[str, str]]:
    """Command-line options and environment for pg_dump/pg_restore from a Django
    connection's settings; the password goes in PGPASSWORD, never on the command line."""
    options = settings_dict.get("OPTIONS", {})
    args = []
    if settings_dict.get("HOST"):
        args += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", str(settings_dict["USER"])]
    args += ["--dbname", str(settings_dict["NAME"])]
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    for option, variable in [
        ("sslmode", "PGSSLMODE"),
        ("sslrootcert", "PGSSLROOTCERT"),
        ("sslcert", "PGSSLCERT"),
        ("sslkey", "PGSSLKEY"),
    ]:
        if options.get(option):
            env[variable] = str(options[option])
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(  # noqa: S603 - fixed program, arguments from settings
        command, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} non riuscito: {result.stderr.strip()}")


def _pg_dump(path: Path, using: str) -> None:
    args, env = _pg_connection_args(connections[using].settings_dict)
    _run([_pg_program("pg_dump"), "--format=custom", "--file", str(path), *args], env)


def _pg_restore(path: Path, using: str) -> None:
    args, env = _pg_connection_args(connections[using].settings_dict)
    # No connection of ours may hold a lock on the tables pg_restore drops.
    _refuse_inside_transaction(connections[using])
    connections[using].close()
    _run(
        [
            _pg_program("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            *args,
            str(path),
        ],
        env,
    )
