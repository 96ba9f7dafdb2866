"""Paper for the household: printable pages and their PDF.

A printout is a page of its own (templates/print/base.html, static/css/print.css) that
the browser prints as it is, in the user's language; its PDF, made here with WeasyPrint,
is always in Italian — it is the paper the household reads and signs.

The view that calls `pdf_response` has already asked the access object (404 / 403)
and gives only what the page itself shows. WeasyPrint fetches nothing: the one style
sheet is read from the static files, and every other URL in the page is refused, so a
printout cannot make the server reach anything on the network.
"""

from __future__ import annotations

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation

from core import security_log

PRINT_CSS = "css/print.css"
# The language of the paper the household signs.
HOUSEHOLD_LANGUAGE = "it"


def _refuse(url, *args, **kwargs):
    raise ValueError(f"A printout fetches nothing: {url}")


def render_pdf(template: str, context: dict, *, request) -> bytes:
    """The PDF of a print page, rendered in Italian whatever the user's language."""
    import weasyprint  # heavy (pango, cairo): loaded on the first PDF, not at start-up

    with translation.override(HOUSEHOLD_LANGUAGE):
        html = render_to_string(
            template, {**context, "pdf": True, "print_language": HOUSEHOLD_LANGUAGE}, request
        )
    stylesheet = weasyprint.CSS(filename=finders.find(PRINT_CSS), url_fetcher=_refuse)
    return weasyprint.HTML(string=html, url_fetcher=_refuse).write_pdf(stylesheets=[stylesheet])


def pdf_response(
    template: str, context: dict, *, request, filename: str, what: str
) -> HttpResponse:
    """A PDF download of a print page; personal data leaving the network, so it goes in
    the security log (as a document download does)."""
    content = render_pdf(template, context, request=request)
    security_log.record(security_log.Kind.DOWNLOAD, request=request, details={"printout": what})
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Personal data: no browser or proxy may keep a copy.
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    return response
