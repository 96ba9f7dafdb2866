"""Where documents are kept (issue 16): the local private folder, readable by the
application's user only, or a private S3-compatible bucket (a real moto server on
loopback); in both cases they leave only through the permission-checked download view."""

import os
import stat

import pytest
from django.urls import reverse

from beneficiaries.models import Document
from tests.beneficiaries.pathway_helpers import PDF_BYTES, pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def upload(client_for):
    """Upload a PDF as `user` through the upload page (the service behind it keeps it in
    STORAGES["documents"]); the new Document."""

    def upload(user, case, name="ISEE 2026.pdf"):
        before = set(Document.objects.values_list("pk", flat=True))
        response = client_for(user).post(
            reverse("beneficiaries:document_upload", args=[case.public_id]),
            {"kind": "other", "file": pdf_upload(name)},
        )
        assert response.status_code == 302, response.content.decode()[:500]
        return Document.objects.exclude(pk__in=before).get()

    return upload


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def permissive_umask():
    """A umask that would leave everything world-readable and writable: the modes of
    the documents must not depend on it."""
    previous = os.umask(0)
    yield
    os.umask(previous)


# The local private folder ---------------------------------------------------------------


def test_local_documents_are_0600_in_0700_folders(
    upload, alice, case_alfa, private_storage_root, permissive_umask
):
    document = upload(alice, case_alfa)
    path = private_storage_root / document.file.name
    assert path.read_bytes() == PDF_BYTES
    assert mode(path) == 0o600
    folder = path.parent
    # Every folder from the private root down to the file's: documents/YYYY/MM.
    while True:
        assert mode(folder) == 0o700, folder
        if folder == private_storage_root:
            break
        folder = folder.parent


def test_a_document_has_no_url(upload, alice, case_alfa, private_storage_root):
    document = upload(alice, case_alfa)
    with pytest.raises(ValueError, match="no URL"):
        document.file.url  # noqa: B018


# An S3-compatible bucket ----------------------------------------------------------------


def test_s3_upload_goes_to_the_bucket_encrypted_and_private(upload, alice, case_alfa, s3_documents):
    client, bucket = s3_documents
    document = upload(alice, case_alfa)
    head = client.head_object(Bucket=bucket, Key=document.file.name)
    assert head["ServerSideEncryption"] == "AES256"
    assert client.get_object(Bucket=bucket, Key=document.file.name)["Body"].read() == PDF_BYTES
    grants = client.get_object_acl(Bucket=bucket, Key=document.file.name)["Grants"]
    assert grants and all(
        "AllUsers" not in g["Grantee"].get("URI", "")
        and "AuthenticatedUsers" not in g["Grantee"].get("URI", "")
        for g in grants
    )
    # Nothing on this machine's disk.
    from django.conf import settings

    assert not settings.PRIVATE_STORAGE_ROOT.exists()
    with pytest.raises(ValueError, match="no URL"):
        document.file.url  # noqa: B018


def test_s3_download_streams_through_the_checked_view(
    upload, client_for, alice, bruno, case_alfa, s3_documents
):
    document = upload(alice, case_alfa)
    url = reverse("beneficiaries:document_download", args=[document.public_id])
    response = client_for(alice).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    # No redirect to the bucket: the outsider gets nothing.
    assert client_for(bruno).get(url).status_code == 404


def test_s3_document_missing_from_the_bucket_is_a_404(
    upload, client_for, alice, case_alfa, s3_documents
):
    client, bucket = s3_documents
    document = upload(alice, case_alfa)
    client.delete_object(Bucket=bucket, Key=document.file.name)
    response = client_for(alice).get(
        reverse("beneficiaries:document_download", args=[document.public_id])
    )
    assert response.status_code == 404


def test_s3_same_name_never_replaces_a_document(alice, case_alfa, s3_documents):
    from core.storage import documents_storage

    storage = documents_storage()
    first = storage.save("documents/x.pdf", pdf_upload())
    second = storage.save("documents/x.pdf", pdf_upload())
    assert first != second
    assert Document.objects.count() == 0
