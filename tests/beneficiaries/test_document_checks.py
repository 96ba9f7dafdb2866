"""Uploads are checked whole, not on their first bytes (issue 11, item 7): each file the
first-bytes check let through — a PDF header carrying HTML or a program, a PNG header
carrying SVG, a compression bomb, a 100,000 × 100,000 picture — is refused with a message
that says what is wrong, and nothing is stored; real PDFs, PNGs and JPEGs still are."""

import io
import struct
import zipfile
import zlib

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from beneficiaries.models import Document
from beneficiaries.services import pathway as pathway_services
from tests.beneficiaries.pathway_helpers import JPEG_BYTES, PNG_BYTES, make_image, make_pdf

pytestmark = pytest.mark.django_db


def upload(user, case, name, content, content_type="application/pdf"):
    return pathway_services.document_upload(
        user=user,
        case=case,
        kind="other",
        file=SimpleUploadedFile(name, content, content_type=content_type),
    )


def refused(user, case, name, content, content_type="application/pdf") -> str:
    """The message of the refusal; and nothing kept, neither row nor file."""
    with pytest.raises(ValidationError) as caught:
        upload(user, case, name, content, content_type)
    assert not Document.objects.exists()
    root = django_settings.PRIVATE_STORAGE_ROOT
    assert not root.exists() or not [p for p in root.rglob("*") if p.is_file()]
    return " ".join(caught.value.message_dict["file"])


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_claiming(width: int, height: int) -> bytes:
    """A few hundred bytes whose header says width × height (8-bit grey): decoding it
    would need width × height bytes of memory."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + png_chunk(b"IEND", b"")
    )


def windows_program() -> bytes:
    """The start of a Windows executable: MZ header, DOS stub, PE signature."""
    stub = b"This program cannot be run in DOS mode.\r\r\n$"
    header = bytearray(b"MZ" + b"\x90\x00" + b"\x00" * 0x38)
    header[0x3C:0x40] = (0x80).to_bytes(4, "little")
    body = bytes(header) + stub
    return body + b"\x00" * (0x80 - len(body)) + b"PE\x00\x00" + b"\x4c\x01" + b"\x00" * 64


# Accepted ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,content,content_type",
    [
        ("isee.pdf", make_pdf(b"ISEE 2026"), "application/pdf"),
        ("foto.png", PNG_BYTES, "image/png"),
        ("foto.jpg", JPEG_BYTES, "image/jpeg"),
        # A little blank padding after the end, as scanners leave.
        ("scansione.pdf", make_pdf() + b"\r\n\x00\x00  ", "application/pdf"),
    ],
)
def test_real_pdfs_and_pictures_are_accepted(
    alice, case_alfa, private_storage_root, name, content, content_type
):
    document = upload(alice, case_alfa, name, content, content_type)
    assert (private_storage_root / document.file.name).read_bytes() == content
    assert document.content_type == content_type


# Polyglots --------------------------------------------------------------------------------


def test_a_pdf_carrying_an_html_page_is_refused(alice, case_alfa, private_storage_root):
    # A well-formed PDF (pypdf reads it) with a page of HTML and script inside a stream.
    html = b"<html><body><script>fetch('/x?'+document.cookie)</script></body></html>"
    content = make_pdf(
        extra_objects=[b"<< /Length %d >>\nstream\n" % len(html) + html + b"\nendstream"]
    )
    message = refused(alice, case_alfa, "isee.pdf", content)
    assert message == (
        "Il file PDF contiene codice HTML, SVG o script nascosto: non è ammesso. "
        "Salva o scansiona di nuovo il documento."
    )


@pytest.mark.parametrize("inside", [True, False], ids=["inside-a-stream", "after-the-header"])
def test_a_program_after_a_pdf_header_is_refused(alice, case_alfa, private_storage_root, inside):
    program = windows_program()
    if inside:
        content = make_pdf(
            extra_objects=[b"<< /Length %d >>\nstream\n" % len(program) + program + b"\nendstream"]
        )
    else:
        content = b"%PDF-1.7\n" + program + b"\n%%EOF\n"
    message = refused(alice, case_alfa, "ricevuta.pdf", content)
    assert message == "Il file PDF contiene un programma eseguibile nascosto: non è ammesso."


def test_a_png_header_carrying_svg_is_refused(alice, case_alfa, private_storage_root):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
    # Both as the bytes after the signature and in a well-formed text chunk of a real PNG.
    for content in (
        b"\x89PNG\r\n\x1a\n" + svg,
        PNG_BYTES[:33] + png_chunk(b"tEXt", b"Comment\x00" + svg) + PNG_BYTES[33:],
    ):
        message = refused(alice, case_alfa, "foto.png", content, "image/png")
        assert "Il file PNG contiene codice HTML, SVG o script nascosto" in message


def test_a_zip_archive_behind_a_pdf_header_is_refused(alice, case_alfa, private_storage_root):
    # A compression bomb: 200 MB of zeros in an archive of a few hundred kilobytes.
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("bomba.bin", "w", force_zip64=True) as member,
    ):
        chunk = b"\x00" * (1024 * 1024)
        for _ in range(200):
            member.write(chunk)
    bomb = buffer.getvalue()
    assert len(bomb) < 1024 * 1024
    message = refused(alice, case_alfa, "documento.pdf", b"%PDF-1.4\n" + bomb)
    assert message == ("Il file PDF contiene un archivio compresso (ZIP) nascosto: non è ammesso.")


def test_data_after_the_end_of_the_file_is_refused(alice, case_alfa, private_storage_root):
    assert refused(alice, case_alfa, "a.pdf", make_pdf() + b"1 0 obj (di nuovo) endobj") == (
        "Il file PDF ha dati aggiunti dopo la sua fine (26 byte): non è ammesso."
    )
    assert "Il file PNG ha dati aggiunti dopo la sua fine (7 byte)" in refused(
        alice, case_alfa, "a.png", PNG_BYTES + b"segreto", "image/png"
    )
    assert "Il file JPEG ha dati aggiunti dopo la sua fine (2048 byte)" in refused(
        alice, case_alfa, "a.jpg", JPEG_BYTES + b" " * 2048, "image/jpeg"
    )


def test_a_pdf_that_runs_script_is_refused(alice, case_alfa, private_storage_root):
    content = make_pdf(extra_objects=[b"<< /Type /Action /S /JavaScript /JS (app.alert(1)) >>"])
    assert "Il PDF contiene contenuti attivi" in refused(alice, case_alfa, "a.pdf", content)


def test_a_pdf_that_pypdf_cannot_read_is_refused(alice, case_alfa, private_storage_root):
    content = b"%PDF-1.4\nnon sono un PDF\n%%EOF\n"
    assert refused(alice, case_alfa, "a.pdf", content) == (
        "Il PDF è danneggiato o non è un vero PDF: non si riesce a leggerlo."
    )


def test_a_truncated_picture_is_refused(alice, case_alfa, private_storage_root):
    picture = make_image("JPEG", size=(64, 64))
    assert "L'immagine JPEG è danneggiata" in refused(
        alice, case_alfa, "a.jpg", picture[: len(picture) // 2], "image/jpeg"
    )


# Sizes ------------------------------------------------------------------------------------


def test_a_picture_claiming_100000_by_100000_pixels_is_refused_undecoded(
    alice, case_alfa, private_storage_root
):
    content = png_claiming(100_000, 100_000)
    assert len(content) < 200
    message = refused(alice, case_alfa, "foto.png", content, "image/png")
    assert message == (
        "L'immagine è troppo grande da decodificare: il massimo è 50 milioni di pixel."
    )


def test_a_picture_just_over_the_pixel_limit_is_refused_with_its_size(
    alice, case_alfa, private_storage_root, settings
):
    settings.DOCUMENT_MAX_IMAGE_PIXELS = 1_000_000
    message = refused(alice, case_alfa, "foto.png", png_claiming(1001, 1000), "image/png")
    assert message == (
        "L'immagine è troppo grande: 1001 × 1000 pixel, il massimo è 1 milioni di pixel."
    )


def test_the_upload_handler_drops_an_oversized_file_as_it_arrives(
    client_for, alice, case_alfa, private_storage_root, settings
):
    settings.DOCUMENT_MAX_UPLOAD_BYTES = 1024 * 1024
    big = make_pdf(b"x" * (1024 * 1024))
    response = client_for(alice).post(
        reverse("beneficiaries:document_upload", args=[case_alfa.public_id]),
        {"kind": "other", "file": SimpleUploadedFile("grande.pdf", big, "application/pdf")},
    )
    assert response.status_code == 200
    assert "Il file è troppo grande: il massimo è 1 MB." in response.content.decode()
    assert "Scegli il file da caricare." not in response.content.decode()
    assert not Document.objects.exists()
    assert not private_storage_root.exists() or not any(private_storage_root.rglob("*.pdf"))


def test_the_size_limit_is_also_kept_by_the_service(
    alice, case_alfa, private_storage_root, settings
):
    settings.DOCUMENT_MAX_UPLOAD_BYTES = 1024 * 1024
    assert refused(alice, case_alfa, "a.pdf", make_pdf(b"y" * 1024 * 1024)) == (
        "Il file è troppo grande: il massimo è 1 MB."
    )


def test_upload_settings_keep_files_private(settings):
    assert settings.FILE_UPLOAD_HANDLERS[0] == "core.uploads.SizeLimitUploadHandler"
    assert settings.FILE_UPLOAD_PERMISSIONS == 0o600
    assert settings.FILE_UPLOAD_DIRECTORY_PERMISSIONS == 0o700
    assert settings.DOCUMENT_MAX_UPLOAD_BYTES == 10 * 1024 * 1024


def test_an_upload_through_the_page_is_parsed_once(
    client_for, alice, case_alfa, private_storage_root, monkeypatch
):
    """The view checks the form with the service's rules and the service checks again;
    the file is parsed once (the verdict stays on the upload)."""
    from core import uploads

    parsed = []
    real_check_pdf = uploads.check_pdf
    monkeypatch.setattr(
        uploads, "check_pdf", lambda content: parsed.append(1) or real_check_pdf(content)
    )
    response = client_for(alice).post(
        reverse("beneficiaries:document_upload", args=[case_alfa.public_id]),
        {"kind": "other", "file": SimpleUploadedFile("a.pdf", make_pdf(), "application/pdf")},
    )
    assert response.status_code == 302
    assert Document.objects.count() == 1
    assert parsed == [1]
