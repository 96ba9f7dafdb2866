"""Helpers of the support pathway tests (issue 5). The fixtures (case_alfa, dave, olga,
private_storage_root) are in tests/conftest.py."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def make_pdf(text: bytes = b"Documento di prova", *, extra_objects=()) -> bytes:
    """A real one-page PDF (catalog, page tree, page, content stream, cross-reference
    table), with `text` on the page and `extra_objects` (raw bodies) after the others,
    that pypdf reads."""
    stream = b"BT /F1 12 Tf 72 720 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        *extra_objects,
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out


def make_image(image_format: str = "PNG", size=(8, 6)) -> bytes:
    """A real picture that Pillow decodes."""
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 90, 160)).save(buffer, image_format)
    return buffer.getvalue()


PDF_BYTES = make_pdf()
PNG_BYTES = make_image("PNG")
JPEG_BYTES = make_image("JPEG")


def pdf_upload(name="carta-identita.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def all_levels(level=2, **overrides):
    """A level for each of the ten domains of the scale."""
    from beneficiaries import autonomy

    levels = {d.value: level for d in autonomy.DOMAINS}
    levels.update(overrides)
    return levels
