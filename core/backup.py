"""Backups of everything — the database and the documents — encrypted, and their
restore (`manage.py backup` / `manage.py restore`; whole backups at the end of this file).

The database copy is consistent while the application runs:

SQLite: the online backup API (sqlite3.Connection.backup) copies the database page by
page under a read lock, so the copy is one consistent moment even while others write.
PostgreSQL: `pg_dump --format=custom` takes its snapshot in one transaction (MVCC), and
`pg_restore --clean --if-exists` puts it back in a single transaction.

Backups hold personal data: the file is created readable by its owner only, and
encrypted with a key that is not kept beside it.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import secrets
import shutil
import sqlite3
import struct
import subprocess  # noqa: S404 - pg_dump/pg_restore with argument lists, no shell
import tarfile
import tempfile
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.conf import settings
from django.core.files import File
from django.db import connections
from django.utils import timezone

from .storage import documents_storage, walk


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


# Whole backups: database and documents, encrypted ----------------------------------------
#
# A backup is one file: a gzipped tar of the database copy (above), every file of the
# documents' storage (core/storage.py: the local private folder or the bucket) and a
# manifest with the SHA-256 of each, encrypted with the key from the environment.
#
# Encryption is Fernet (the `cryptography` library: AES-128-CBC with HMAC-SHA256) over
# frames of at most FRAME_BYTES, so neither writing nor reading holds the whole archive
# in memory. Each frame's plaintext starts with the archive's random id, the frame's
# number and whether it is the last: a frame moved, dropped, repeated, taken from
# another backup or cut off at the end is refused, not restored.
# BACKUP_ENCRYPTION_KEY may list several keys (comma-separated): the first encrypts, all
# decrypt, so a key can be rotated while older backups stay readable.

MAGIC = b"ABITARE-BACKUP-1\n"
FRAME_BYTES = 1024 * 1024
_FRAME_HEADER = struct.Struct(">16sQ?")
_LENGTH = struct.Struct(">I")
BACKUP_SUFFIX = ".backup"
MANIFEST = "manifest.json"


def _fernet(keys: list[str] | None = None) -> MultiFernet:
    keys = list(settings.BACKUP_ENCRYPTION_KEYS if keys is None else keys)
    if not keys:
        raise BackupError(
            "Manca la chiave di cifratura dei backup (BACKUP_ENCRYPTION_KEY): generane una "
            "con `manage.py backup --generate-key` e conservala fuori da questo server."
        )
    try:
        return MultiFernet([Fernet(key.strip()) for key in keys])
    except ValueError as exc:
        raise BackupError(f"BACKUP_ENCRYPTION_KEY non è una chiave valida: {exc}") from exc


def generate_key() -> str:
    return Fernet.generate_key().decode()


class _EncryptingWriter(io.RawIOBase):
    """A write-only file that encrypts what it is given, frame by frame, into `target`."""

    def __init__(self, target, fernet: MultiFernet):
        self._target = target
        self._fernet = fernet
        self._id = secrets.token_bytes(16)
        self._index = 0
        self._buffer = bytearray()
        target.write(MAGIC)

    def writable(self):
        return True

    def write(self, data):
        self._buffer += data
        while len(self._buffer) > FRAME_BYTES:
            self._emit(bytes(self._buffer[:FRAME_BYTES]), last=False)
            del self._buffer[:FRAME_BYTES]
        return len(data)

    def _emit(self, chunk: bytes, *, last: bool) -> None:
        token = self._fernet.encrypt(_FRAME_HEADER.pack(self._id, self._index, last) + chunk)
        self._target.write(_LENGTH.pack(len(token)) + token)
        self._index += 1

    def close(self):
        if not self.closed:
            self._emit(bytes(self._buffer), last=True)
            self._buffer.clear()
        super().close()


class _DecryptingReader(io.RawIOBase):
    """A read-only file of the plaintext of a backup written by _EncryptingWriter."""

    def __init__(self, source, fernet: MultiFernet):
        self._source = source
        self._fernet = fernet
        self._id = None
        self._index = 0
        self._done = False
        self._buffer = b""
        if source.read(len(MAGIC)) != MAGIC:
            raise BackupError("Il file non è un backup di Abitare.")

    def readable(self):
        return True

    def _next_frame(self) -> None:
        length = self._source.read(_LENGTH.size)
        if len(length) != _LENGTH.size:
            raise BackupError("Il backup è troncato: manca la sua fine.")
        token = self._source.read(_LENGTH.unpack(length)[0])
        try:
            plain = self._fernet.decrypt(token)
        except InvalidToken as exc:
            raise BackupError(
                "Il backup non si decifra: chiave sbagliata o file alterato."
            ) from exc
        archive_id, index, last = _FRAME_HEADER.unpack_from(plain)
        if self._id is None:
            self._id = archive_id
        if archive_id != self._id or index != self._index:
            raise BackupError("Il backup è alterato: parti fuori posto.")
        self._index += 1
        self._buffer += plain[_FRAME_HEADER.size :]
        if last:
            self._done = True
            if self._source.read(1):
                raise BackupError("Il backup è alterato: dati dopo la fine.")

    def readinto(self, target):
        while not self._buffer and not self._done:
            self._next_frame()
        size = min(len(target), len(self._buffer))
        target[:size] = self._buffer[:size]
        self._buffer = self._buffer[size:]
        return size


class _Hashing:
    """Reads from `source` and keeps the SHA-256 of what was read."""

    def __init__(self, source):
        self._source = source
        self.sha256 = hashlib.sha256()

    def read(self, size=-1):
        data = self._source.read(size)
        self.sha256.update(data)
        return data


def sha256_of(handle) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(1024 * 1024), b""):
        digest.update(chunk)
    return digest.hexdigest()


def row_counts() -> dict[str, int]:
    """Rows of each table of the project's models, by model label."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


def _private_create(path: Path):
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")


def backup_all(path: Path | str, *, using: str = "default") -> dict:
    """Write an encrypted backup of the database and the documents to `path`; return
    its manifest (without the file contents)."""
    path = Path(path)
    fernet = _fernet()
    storage = documents_storage()
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    manifest = {
        "format": 1,
        "created_at": timezone.now().isoformat(),
        "vendor": vendor(using),
        "documents": {},
    }
    try:
        with tempfile.TemporaryDirectory(prefix="abitare-backup-") as work:
            database = Path(work) / f"database{default_suffix(using)}"
            backup_database(database, using=using)
            # Counted after the copy: rows written in between are in neither, or in the
            # counts only; the restore drill compares with the database as it was.
            manifest["row_counts"] = row_counts()
            with database.open("rb") as handle:
                manifest["database"] = {"name": database.name, "sha256": sha256_of(handle)}
            with (
                _private_create(partial) as raw,
                _EncryptingWriter(raw, fernet) as encrypted,
                tarfile.open(fileobj=encrypted, mode="w|gz") as archive,
            ):
                archive.add(database, arcname=database.name)
                for name in walk(storage):
                    info = tarfile.TarInfo(f"documents/{name}")
                    info.size = storage.size(name)
                    info.mode = 0o600
                    with storage.open(name, "rb") as handle:
                        hashing = _Hashing(handle)
                        archive.addfile(info, hashing)
                    manifest["documents"][name] = hashing.sha256.hexdigest()
                data = json.dumps(manifest, indent=2, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size = len(data)
                info.mode = 0o600
                archive.addfile(info, io.BytesIO(data))
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return manifest


def _safe_member(member: tarfile.TarInfo) -> bool:
    name = member.name
    return (
        member.isfile()
        and not name.startswith("/")
        and ".." not in Path(name).parts
        and (name == MANIFEST or name.startswith("database") or name.startswith("documents/"))
    )


def restore_all(path: Path | str, *, using: str = "default") -> dict:
    """Replace the database and the documents with the backup at `path`: everything is
    decrypted and checked against the manifest first; only then is anything replaced.
    Documents in the storage that the backup does not have are deleted (their rows are
    gone with the database). Returns the manifest."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"Il file di backup non esiste: {path}")
    fernet = _fernet()
    _refuse_inside_transaction(connections[using])
    with tempfile.TemporaryDirectory(prefix="abitare-restore-") as work:
        work = Path(work)
        with (
            path.open("rb") as raw,
            _DecryptingReader(raw, fernet) as plain,
            tarfile.open(fileobj=plain, mode="r|gz") as archive,
        ):
            for member in archive:
                if not _safe_member(member):
                    raise BackupError(f"Il backup contiene un elemento inatteso: {member.name}")
                target = work / member.name
                target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                with archive.extractfile(member) as source, _private_create(target) as out:
                    shutil.copyfileobj(source, out)
            # Drain to the end, so a cut-off or extended file is noticed.
            while plain.read(FRAME_BYTES):
                pass
        manifest_path = work / MANIFEST
        if not manifest_path.is_file():
            raise BackupError("Il backup è incompleto: manca il manifesto.")
        manifest = json.loads(manifest_path.read_text())
        if manifest.get("vendor") != vendor(using):
            raise BackupError(
                f"Il backup è di un database {manifest.get('vendor')}, questo è {vendor(using)}."
            )
        database = work / manifest["database"]["name"]
        expected = {database: manifest["database"]["sha256"]} | {
            work / "documents" / name: digest for name, digest in manifest["documents"].items()
        }
        for file, digest in expected.items():
            if not file.is_file():
                raise BackupError(f"Il backup è incompleto: manca {file.relative_to(work)}.")
            with file.open("rb") as handle:
                if sha256_of(handle) != digest:
                    raise BackupError(f"Il backup è alterato: {file.relative_to(work)}.")

        restore_database(database, using=using)
        storage = documents_storage()
        for name in list(walk(storage)):
            if name not in manifest["documents"]:
                storage.delete(name)
        for name in manifest["documents"]:
            if storage.exists(name):
                storage.delete(name)
            with (work / "documents" / name).open("rb") as handle:
                saved = storage.save(name, File(handle, name=name))
            if saved != name:
                raise BackupError(f"Il documento {name} è stato salvato come {saved}.")
    return manifest


def rotate(folder: Path | str, *, keep: int) -> list[Path]:
    """Delete all but the `keep` newest backups (abitare-*.backup) in `folder`; return
    the deleted ones. Names carry the time, so sorting them sorts by age."""
    if keep < 1:
        raise BackupError("Bisogna conservare almeno un backup.")
    backups = sorted(Path(folder).glob(f"abitare-*{BACKUP_SUFFIX}"))
    old = backups[:-keep]
    for file in old:
        file.unlink()
    return old
