"""The restore drill (issue 16): a backup holds the database AND the documents — from the
local private folder or from the bucket — encrypted with the key from the environment;
restoring it after everything is lost brings back every row and every file, byte for
byte (row counts and SHA-256 compared). Also: a wrong key, a tampered or cut-off file
and a missing key are refused before anything is replaced; key rotation; keeping only
the newest BACKUP_KEEP backups."""

import hashlib
import os
import stat

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from beneficiaries.models import Document
from core import backup
from core.storage import documents_storage, walk
from tests.beneficiaries.pathway_helpers import PDF_BYTES, PNG_BYTES, make_pdf, pdf_upload


@pytest.fixture
def key(settings):
    settings.BACKUP_ENCRYPTION_KEYS = [backup.generate_key()]
    return settings.BACKUP_ENCRYPTION_KEYS[0]


def checksums():
    storage = documents_storage()
    sums = {}
    for name in walk(storage):
        with storage.open(name, "rb") as handle:
            sums[name] = hashlib.sha256(handle.read()).hexdigest()
    return sums


def wipe_everything():
    """The disaster: every row and every document gone."""
    storage = documents_storage()
    for name in list(walk(storage)):
        storage.delete(name)
    call_command("flush", interactive=False)
    assert not Document.objects.exists()
    assert checksums() == {}


@pytest.fixture
def documents(client_for, alice, case_alfa, household_beta):
    """Three documents uploaded through the page, as a social worker does."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(alice)
    for upload in [
        pdf_upload("carta identità.pdf"),
        pdf_upload("ISEE.pdf", content=make_pdf(b"ISEE 2026")),
        SimpleUploadedFile("foto.png", PNG_BYTES, content_type="image/png"),
    ]:
        response = client.post(
            reverse("beneficiaries:document_upload", args=[case_alfa.public_id]),
            {"kind": "other", "file": upload},
        )
        assert response.status_code == 302
    assert Document.objects.count() == 3
    return Document.objects.all()


def drill(tmp_path):
    counts = backup.row_counts()
    sums = checksums()
    assert len(sums) == 3 and counts["beneficiaries.Document"] == 3
    target = tmp_path / "drill.backup"
    call_command("backup", str(target))
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    raw = target.read_bytes()
    # Encrypted: neither the documents nor the names of people are readable in it.
    assert PDF_BYTES[:20] not in raw and b"El Amrani" not in raw and b"Rossi" not in raw

    wipe_everything()
    call_command("restore", str(target), interactive=False)

    assert backup.row_counts() == counts
    assert checksums() == sums
    for document in Document.objects.all():
        with document.file.open("rb") as handle:
            assert hashlib.sha256(handle.read()).hexdigest() == sums[document.file.name]


@pytest.mark.django_db(transaction=True)
def test_drill_with_documents_in_the_local_folder(tmp_path, key, private_storage_root, documents):
    drill(tmp_path)
    # The restored files are private again.
    for path in private_storage_root.rglob("*"):
        assert stat.S_IMODE(os.stat(path).st_mode) == (0o700 if path.is_dir() else 0o600)


@pytest.mark.django_db(transaction=True)
def test_drill_with_documents_in_the_bucket(tmp_path, key, s3_documents, documents):
    client, bucket = s3_documents
    drill(tmp_path)
    keys = {o["Key"] for o in client.list_objects_v2(Bucket=bucket)["Contents"]}
    assert keys == set(Document.objects.values_list("file", flat=True))
    for name in keys:
        assert client.head_object(Bucket=bucket, Key=name)["ServerSideEncryption"] == "AES256"


@pytest.mark.django_db(transaction=True)
def test_restore_removes_documents_the_backup_does_not_have(
    tmp_path, key, private_storage_root, documents
):
    target = tmp_path / "before.backup"
    call_command("backup", str(target))
    storage = documents_storage()
    stray = storage.save("documents/2099/01/later.pdf", pdf_upload())
    call_command("restore", str(target), interactive=False)
    assert not storage.exists(stray)
    assert len(checksums()) == 3


@pytest.mark.django_db(transaction=True)
def test_backup_without_a_key_is_refused(tmp_path, settings, private_storage_root, alice):
    settings.BACKUP_ENCRYPTION_KEYS = []
    with pytest.raises(CommandError, match="BACKUP_ENCRYPTION_KEY"):
        call_command("backup", str(tmp_path / "x.backup"))
    assert not list(tmp_path.glob("x.backup*"))


@pytest.mark.django_db(transaction=True)
def test_wrong_key_or_tampering_replaces_nothing(
    tmp_path, settings, key, private_storage_root, documents
):
    target = tmp_path / "good.backup"
    call_command("backup", str(target))
    counts, sums = backup.row_counts(), checksums()
    raw = target.read_bytes()

    settings.BACKUP_ENCRYPTION_KEYS = [backup.generate_key()]
    with pytest.raises(CommandError, match="chiave sbagliata"):
        call_command("restore", str(target), interactive=False)
    settings.BACKUP_ENCRYPTION_KEYS = [key]

    flipped = tmp_path / "flipped.backup"
    middle = len(raw) // 2
    flipped.write_bytes(raw[:middle] + bytes([raw[middle] ^ 1]) + raw[middle + 1 :])
    cut = tmp_path / "cut.backup"
    # Cut at a frame boundary: every frame left decrypts, but the last one is missing.
    first_frame = (
        len(backup.MAGIC)
        + backup._LENGTH.size
        + int.from_bytes(raw[len(backup.MAGIC) : len(backup.MAGIC) + 4])
    )
    cut.write_bytes(raw[:first_frame] if first_frame < len(raw) else raw[:-10])
    extended = tmp_path / "extended.backup"
    extended.write_bytes(raw + raw[len(backup.MAGIC) :])
    for bad in [flipped, cut, extended]:
        with pytest.raises(CommandError):
            call_command("restore", str(bad), interactive=False)
        assert backup.row_counts() == counts
        assert checksums() == sums


def test_frames_cut_at_their_boundary_are_noticed(settings):
    import io

    settings.BACKUP_ENCRYPTION_KEYS = [backup.generate_key()]
    fernet = backup._fernet()
    sink = io.BytesIO()
    payload = os.urandom(backup.FRAME_BYTES * 2 + 10)
    with backup._EncryptingWriter(sink, fernet) as writer:
        writer.write(payload)
    whole = sink.getvalue()
    assert backup._DecryptingReader(io.BytesIO(whole), fernet).read() == payload
    # Drop the last frame: what is left decrypts but has no end.
    offset, frames = len(backup.MAGIC), []
    while offset < len(whole):
        length = int.from_bytes(whole[offset : offset + 4])
        frames.append(whole[offset : offset + 4 + length])
        offset += 4 + length
    assert len(frames) == 3
    for broken in [
        backup.MAGIC + frames[0] + frames[1],  # cut off
        backup.MAGIC + frames[1] + frames[0] + frames[2],  # reordered
        backup.MAGIC + frames[0] + frames[0] + frames[1] + frames[2],  # repeated
    ]:
        with pytest.raises(backup.BackupError):
            backup._DecryptingReader(io.BytesIO(broken), fernet).read()


@pytest.mark.django_db(transaction=True)
def test_a_rotated_key_still_reads_older_backups(
    tmp_path, settings, key, private_storage_root, documents
):
    old = tmp_path / "old.backup"
    call_command("backup", str(old))
    settings.BACKUP_ENCRYPTION_KEYS = [backup.generate_key(), key]
    new = tmp_path / "new.backup"
    call_command("backup", str(new))
    settings.BACKUP_ENCRYPTION_KEYS = settings.BACKUP_ENCRYPTION_KEYS[:1]
    # The new key alone reads the new backup, not the old one.
    call_command("restore", str(new), interactive=False)
    with pytest.raises(CommandError, match="chiave sbagliata"):
        call_command("restore", str(old), interactive=False)


@pytest.mark.django_db(transaction=True)
def test_only_the_newest_backups_are_kept(tmp_path, settings, key, private_storage_root, alice):
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.BACKUP_KEEP = 2
    settings.BACKUP_DIR.mkdir()
    older = ["abitare-20260101-010000.backup", "abitare-20260102-010000.backup"]
    for name in older:
        (settings.BACKUP_DIR / name).write_bytes(b"old")
    unrelated = settings.BACKUP_DIR / "notes.txt"
    unrelated.write_text("keep me")
    call_command("backup")
    left = sorted(p.name for p in settings.BACKUP_DIR.iterdir())
    assert left[0] == older[1]
    assert len(left) == 3 and "notes.txt" in left
    assert left[1].startswith("abitare-2") and left[1] not in older


def test_generate_key_prints_a_usable_key(capsys):
    call_command("backup", "--generate-key")
    printed = capsys.readouterr().out.strip()
    assert backup._fernet([printed])
