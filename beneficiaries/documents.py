"""Where the households' documents are kept, and which files are accepted.

Documents (identity cards, residence permits, ISEE certificates, hosting agreements) are
personal data: they live in STORAGES["documents"] (core/storage.py) — by default under
PRIVATE_STORAGE_ROOT, outside the static and media folders the web server publishes,
readable by the application's user only; or in a private S3-compatible bucket — and
have no URL. The only way out is the permission-checked download view
(beneficiaries.views.pathway.document_download), which streams the file.
"""

from __future__ import annotations

import os
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.utils import timezone
from django.utils.translation import gettext as _

from core import uploads
from core.storage import AliasedStorage

# The types a document may be, recognised by their first bytes ("magic numbers"), not by
# the name or the type the browser claims.
SIGNATURES = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
)
EXTENSION_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}
ALLOWED_EXTENSIONS = set(EXTENSION_TYPES)


class PrivateStorage(FileSystemStorage):
    """A file system storage rooted at PRIVATE_STORAGE_ROOT, read at each use (so a test
    may point it elsewhere), with no base URL: asking a file's url() is an error.

    Files are written 0600 and folders 0700 whatever the umask or FILE_UPLOAD_*
    settings say: only the application's own user reads documents, not the web server
    or another account on the machine."""

    file_permissions_mode = 0o600
    directory_permissions_mode = 0o700

    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return str(settings.PRIVATE_STORAGE_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None

    def url(self, name):
        raise ValueError("Private documents have no URL: use the download view.")


def private_storage() -> AliasedStorage:
    """The documents' storage, as the FileField holds it: whichever backend
    STORAGES["documents"] names at the time of each use."""
    return AliasedStorage("documents")


def document_upload_to(instance, filename: str) -> str:
    # The stored name says nothing about the person: a random name, by year and month.
    extension = os.path.splitext(filename)[1].lower()
    return f"documents/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}{extension}"


def sniff(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) of a file from its first bytes, or None."""
    for signature, content_type, extension in SIGNATURES:
        if head.startswith(signature):
            return content_type, extension
    return None


def sniff_extension(extension: str) -> str | None:
    """The content type a file name's extension promises."""
    return EXTENSION_TYPES.get(extension.lower())


def max_upload_bytes() -> int:
    return uploads.max_upload_bytes()


def check_document(file) -> tuple[str, str]:
    """(content type, extension to store) of an uploaded document, or a ValidationError
    saying what is wrong with it. The type is the one the first bytes, the name's
    extension and a full parse of the whole file agree on (core/uploads.py: size cap,
    pypdf or Pillow, polyglots, trailing data). The verdict is kept on the upload, so
    the view's check and the service's do not parse the same file twice."""
    kept = getattr(file, "_abitare_checked", None)
    if kept is not None and kept[0] == (file.name, file.size):
        return kept[1]
    verdict = _check(file)
    file._abitare_checked = ((file.name, file.size), verdict)
    return verdict


def _check(file) -> tuple[str, str]:
    content = uploads.read_capped(file)
    sniffed = sniff(content[:16])
    extension = os.path.splitext(file.name or "")[1].lower()
    if sniffed is None or extension not in ALLOWED_EXTENSIONS:
        raise ValidationError(
            _("Tipo di file non ammesso: carica un PDF o un'immagine JPEG o PNG."),
            code="file_type",
        )
    content_type, stored_extension = sniffed
    if sniff_extension(extension) != content_type:
        raise ValidationError(
            _(
                "Il contenuto del file non corrisponde alla sua estensione: "
                "carica un PDF o un'immagine JPEG o PNG."
            ),
            code="file_extension",
        )
    if content_type == "application/pdf":
        uploads.check_pdf(content)
    else:
        uploads.check_image(content, "PNG" if content_type == "image/png" else "JPEG")
    return content_type, stored_extension
