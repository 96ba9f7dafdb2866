"""Helpers of the support pathway tests (issue 5). The fixtures (case_alfa, dave, olga,
private_storage_root) are in tests/conftest.py."""

from django.core.files.uploadedfile import SimpleUploadedFile

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def pdf_upload(name="carta-identita.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def all_levels(level=2, **overrides):
    """A level for each of the ten domains of the scale."""
    from beneficiaries import autonomy

    levels = {d.value: level for d in autonomy.DOMAINS}
    levels.update(overrides)
    return levels
