"""What an uploaded file must be before anything keeps it (OWASP File Upload Cheat Sheet,
ASVS 12.1–12.2).

Recognising a file by its first bytes is not enough: a PDF header followed by an HTML
page or a Windows program, a PNG header followed by an SVG, a picture that claims to be
100,000 × 100,000 pixels were all "a PDF" or "a PNG" to such a check. Here the whole file
is read (its size is capped first) and

- parsed by a well-kept library: pypdf for PDFs (structure, page tree, no active
  content), Pillow for images (fully decoded, after refusing more pixels than
  DOCUMENT_MAX_IMAGE_PIXELS);
- searched for the markers of other formats a browser, an unzip tool or Windows would
  act upon (polyglots): HTML, script, SVG, PHP, an executable, a ZIP archive;
- checked for data after the end of the format (after the PDF's last `%%EOF`, a PNG's
  `IEND` chunk, a JPEG's end-of-image marker) beyond a little blank padding.

Each refusal is a `ValidationError` with an Italian message that says what is wrong.
`SizeLimitUploadHandler` stops receiving an upload past DOCUMENT_MAX_UPLOAD_BYTES, so an
oversized file is never written out whole.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.utils.translation import gettext as _

# Blank bytes a scanner or a mail client may leave after the end of a file.
TRAILING_TOLERANCE = 1024
_BLANK = b" \t\r\n\x00\x0c"

# Markers of content that some program would run or render, wherever they are in a file
# (case-insensitive). Checked on the raw bytes: a polyglot must be readable as it is.
_MARKUP = re.compile(
    rb"<\s*(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>]|script[\s>/]|svg[\s>/:]"
    rb"|iframe[\s>/]|object[\s>/]|embed[\s>/]|foreignobject[\s>/])|<\?php",
    re.IGNORECASE,
)
_DOS_STUB = b"This program cannot be run in DOS mode"
_ZIP_LOCAL_HEADER = b"PK\x03\x04"
_ZIP_COMPRESSION_METHODS = {0, 1, 6, 8, 9, 12, 14, 93, 95, 98, 99}


@dataclass(frozen=True)
class Accepted:
    content_type: str
    extension: str


def max_upload_bytes() -> int:
    return int(settings.DOCUMENT_MAX_UPLOAD_BYTES)


def max_image_pixels() -> int:
    return int(settings.DOCUMENT_MAX_IMAGE_PIXELS)


class SizeLimitUploadHandler(FileUploadHandler):
    """First of FILE_UPLOAD_HANDLERS: passes each chunk on until a file goes past
    DOCUMENT_MAX_UPLOAD_BYTES, then drops that file (the parser reads the rest of it
    without keeping it) and notes its field in `request.oversized_uploads`, for the
    view to say so. Django's DATA_UPLOAD_MAX_MEMORY_SIZE covers the other fields."""

    def new_file(self, field_name, *args, **kwargs):
        super().new_file(field_name, *args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > max_upload_bytes():
            oversized = getattr(self.request, "oversized_uploads", set())
            oversized.add(self.field_name)
            self.request.oversized_uploads = oversized
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size):
        return None


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f}"


def too_large_message() -> str:
    return _("Il file è troppo grande: il massimo è %(size)s MB.") % {
        "size": _megabytes(max_upload_bytes())
    }


def read_capped(file) -> bytes:
    """The whole content of an uploaded file, refused before it is read if it is larger
    than the limit (and again should it turn out larger while read)."""
    limit = max_upload_bytes()
    if file.size is not None and file.size > limit:
        raise ValidationError(too_large_message(), code="too_large")
    file.seek(0)
    content = file.read(limit + 1)
    file.seek(0)
    if len(content) > limit:
        raise ValidationError(too_large_message(), code="too_large")
    if not content:
        raise ValidationError(_("Il file è vuoto."), code="empty")
    return content


# Polyglots ------------------------------------------------------------------------------


def _has_executable(content: bytes) -> bool:
    if _DOS_STUB in content:
        return True
    # An MZ header whose e_lfanew points at a PE signature: a Windows program.
    for match in re.finditer(rb"MZ", content):
        at = match.start()
        pointer = content[at + 0x3C : at + 0x40]
        if len(pointer) < 4:
            break
        offset = int.from_bytes(pointer, "little")
        if 0x40 <= offset <= 0x1000 and content[at + offset : at + offset + 4] == b"PE\0\0":
            return True
    return b"\x7fELF\x02\x01\x01" in content or b"\x7fELF\x01\x01\x01" in content


def _has_zip(content: bytes) -> bool:
    # What unzip tools read: an end-of-central-directory record near the end.
    if zipfile.is_zipfile(io.BytesIO(content)):
        return True
    # A local file header that looks like one (plausible version, method, name).
    for match in re.finditer(re.escape(_ZIP_LOCAL_HEADER), content):
        header = content[match.start() : match.start() + 30]
        if len(header) < 30:
            break
        version = int.from_bytes(header[4:6], "little")
        method = int.from_bytes(header[8:10], "little")
        name_length = int.from_bytes(header[26:28], "little")
        name = content[match.start() + 30 : match.start() + 30 + name_length]
        if (
            version <= 63
            and method in _ZIP_COMPRESSION_METHODS
            and 0 < name_length <= 255
            and len(name) == name_length
            and all(32 <= byte < 127 for byte in name)
        ):
            return True
    return False


def refuse_polyglot(content: bytes, kind: str) -> None:
    """Refuse a file that is also another format (`kind` names what it claims to be)."""
    if _MARKUP.search(content):
        raise ValidationError(
            _(
                "Il file %(kind)s contiene codice HTML, SVG o script nascosto: "
                "non è ammesso. Salva o scansiona di nuovo il documento."
            )
            % {"kind": kind},
            code="polyglot_markup",
        )
    if _has_executable(content):
        raise ValidationError(
            _("Il file %(kind)s contiene un programma eseguibile nascosto: non è ammesso.")
            % {"kind": kind},
            code="polyglot_executable",
        )
    if _has_zip(content):
        raise ValidationError(
            _("Il file %(kind)s contiene un archivio compresso (ZIP) nascosto: non è ammesso.")
            % {"kind": kind},
            code="polyglot_zip",
        )


def _refuse_trailing(content: bytes, end: int, kind: str) -> None:
    rest = content[end:]
    if len(rest) > TRAILING_TOLERANCE or rest.strip(_BLANK):
        raise ValidationError(
            _("Il file %(kind)s ha dati aggiunti dopo la sua fine (%(count)s byte): non è ammesso.")
            % {"kind": kind, "count": len(rest)},
            code="trailing_data",
        )


# PDF ------------------------------------------------------------------------------------

# Keys and actions that make a PDF do something when opened: script, launching a
# program, attached files, embedded media.
_ACTIVE_KEYS = {"/JS", "/JavaScript", "/EmbeddedFiles", "/EmbeddedFile", "/RichMedia"}
_ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/RichMediaExecute"}


def _pdf_is_active(reader) -> bool:
    from pypdf.generic import DictionaryObject, IndirectObject

    references = [
        (number, generation) for generation, entries in reader.xref.items() for number in entries
    ]
    references += [(number, 0) for number in reader.xref_objStm]
    for number, generation in references:
        try:
            obj = reader.get_object(IndirectObject(number, generation, reader))
        except Exception:  # noqa: S112 - a free or broken entry holds nothing to run
            continue
        if not isinstance(obj, DictionaryObject):
            continue
        if _ACTIVE_KEYS.intersection(obj.keys()):
            return True
        if obj.get("/S") in _ACTIVE_ACTIONS or obj.get("/Type") == "/EmbeddedFile":
            return True
    return False


def check_pdf(content: bytes) -> None:
    kind = "PDF"
    refuse_polyglot(content, kind)
    end = content.rfind(b"%%EOF")
    if end < 0:
        raise ValidationError(
            _("Il PDF è incompleto: manca la marca di fine file. Salvalo di nuovo."),
            code="pdf_truncated",
        )
    _refuse_trailing(content, end + len(b"%%EOF"), kind)

    from pypdf import PdfReader

    damaged = ValidationError(
        _("Il PDF è danneggiato o non è un vero PDF: non si riesce a leggerlo."),
        code="pdf_damaged",
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(content), strict=False)
            if reader.is_encrypted:
                raise ValidationError(
                    _("Il PDF è protetto da password: caricane una copia senza protezione."),
                    code="pdf_encrypted",
                )
            pages = reader.pages
            if len(pages) == 0:
                raise damaged
            for page in pages:
                page.mediabox  # noqa: B018 - resolves each page of the page tree
            active = _pdf_is_active(reader)
    except ValidationError:
        raise
    except Exception as error:  # pypdf raises many kinds of error on a damaged file
        raise damaged from error
    if active:
        raise ValidationError(
            _(
                "Il PDF contiene contenuti attivi (script, allegati o azioni che "
                "avviano programmi): non è ammesso. Stampalo di nuovo in PDF."
            ),
            code="pdf_active",
        )


# Images ---------------------------------------------------------------------------------


def _png_end(content: bytes) -> int | None:
    """Where a PNG's IEND chunk ends, walking its chunks; None if there is none."""
    at = 8
    while at + 12 <= len(content):
        length = int.from_bytes(content[at : at + 4], "big")
        chunk = content[at + 4 : at + 8]
        at += 12 + length
        if chunk == b"IEND":
            return at if at <= len(content) else None
    return None


def _jpeg_end(content: bytes, start: int = 0) -> int | None:
    """Where a JPEG image starting at `start` ends (after its EOI marker), walking its
    segments and entropy-coded data; None if it has no end."""
    if content[start : start + 2] != b"\xff\xd8":
        return None
    at = start + 2
    size = len(content)
    while at + 2 <= size:
        if content[at] != 0xFF:
            return None
        marker = content[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker == 0xD9:
            return at + 2
        if marker in (0x01, *range(0xD0, 0xD8)):
            at += 2
            continue
        if at + 4 > size:
            return None
        length = int.from_bytes(content[at + 2 : at + 4], "big")
        at += 2 + length
        if marker == 0xDA:  # start of scan: entropy-coded data up to the next marker
            while at + 1 < size:
                if content[at] == 0xFF and content[at + 1] not in (0x00, *range(0xD0, 0xD8)):
                    break
                at += 1
    return None


def _image_end(content: bytes, image_format: str) -> int | None:
    if image_format == "PNG":
        return _png_end(content)
    end = _jpeg_end(content)
    # Phones append further pictures (depth map, HDR gain map: MPF) after the first.
    while end is not None and content[end : end + 2] == b"\xff\xd8":
        end = _jpeg_end(content, end)
    return end


def check_image(content: bytes, image_format: str) -> None:
    """`image_format`: "PNG" or "JPEG", as Pillow names them."""
    from PIL import Image, UnidentifiedImageError

    kind = image_format
    refuse_polyglot(content, kind)
    damaged = ValidationError(
        _("L'immagine %(kind)s è danneggiata o non è una vera immagine %(kind)s.") % {"kind": kind},
        code="image_damaged",
    )
    limit = max_image_pixels()
    try:
        # Pillow's own guard, at open(), for every use of it in the process.
        Image.MAX_IMAGE_PIXELS = limit
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content), formats=[image_format]) as image:
                # The header's size decides before a single pixel is decoded.
                if image.width * image.height > limit:
                    raise _too_many_pixels(image.width, image.height, limit)
                image.verify()
            with Image.open(io.BytesIO(content), formats=[image_format]) as image:
                image.load()
    except ValidationError:
        raise
    except Image.DecompressionBombError as error:
        raise _too_many_pixels(None, None, limit) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as error:
        raise damaged from error
    end = _image_end(content, image_format)
    if end is None:
        raise damaged
    _refuse_trailing(content, end, kind)


def _too_many_pixels(width, height, limit) -> ValidationError:
    megapixels = f"{limit / 1_000_000:.0f}"
    if width is None:
        message = _(
            "L'immagine è troppo grande da decodificare: il massimo è %(limit)s milioni di pixel."
        ) % {"limit": megapixels}
    else:
        message = _(
            "L'immagine è troppo grande: %(width)s × %(height)s pixel, il massimo è "
            "%(limit)s milioni di pixel."
        ) % {"width": width, "height": height, "limit": megapixels}
    return ValidationError(message, code="too_many_pixels")
