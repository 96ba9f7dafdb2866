"""The English catalogue must be complete: every Italian string has its English text.

After `make messages` adds new strings, this fails until each one is translated."""

import re
from pathlib import Path

from django.conf import settings
from django.utils import translation

PO_FILE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")


def _unquote(text):
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), text[1:-1])


def read_po(path):
    """The entries of a .po file: dicts of msgid, msgid_plural, msgstr[...] and flags."""
    entries = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8").strip()):
        entry = {"flags": set(), "line": None}
        key = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#~"):
                key = None  # an obsolete entry: not part of the catalogue
                entry["obsolete"] = True
            elif line.startswith("#"):
                continue
            elif line.startswith('"') and key:
                entry[key] += _unquote(line)
            else:
                key, _, value = line.partition(" ")
                entry[key] = _unquote(value)
        entries.append(entry)
    return [e for e in entries if "msgid" in e and not e.get("obsolete")]


def _translations(entry):
    return [value for key, value in entry.items() if key.startswith("msgstr")]


def test_catalogue_exists_and_has_a_plain_header():
    entries = read_po(PO_FILE)
    header = entries[0]
    assert header["msgid"] == ""
    assert "fuzzy" not in header["flags"], "a fuzzy header makes msgfmt drop the charset"
    assert "charset=UTF-8" in header["msgstr"]
    assert "Plural-Forms: nplurals=2" in header["msgstr"]
    assert len(entries) > 100


def test_every_string_has_an_english_translation():
    untranslated = [
        e["msgid"]
        for e in read_po(PO_FILE)[1:]
        if "fuzzy" in e["flags"] or not all(s.strip() for s in _translations(e))
    ]
    assert untranslated == [], f"translate these in {PO_FILE} (then compilemessages)"


def test_translations_keep_the_placeholders():
    wrong = []
    for entry in read_po(PO_FILE)[1:]:
        wanted = set(_PLACEHOLDER.findall(entry["msgid"] + entry.get("msgid_plural", "")))
        for text in _translations(entry):
            if set(_PLACEHOLDER.findall(text)) - wanted or (
                "msgid_plural" not in entry and set(_PLACEHOLDER.findall(text)) != wanted
            ):
                wrong.append((entry["msgid"], text))
    assert wrong == []


def test_reader_sees_empty_and_fuzzy_entries(tmp_path):
    """The checks above would pass on anything if the reader could not see a gap."""
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Progetti"\nmsgstr ""\n\n'
        '#, fuzzy, python-format\nmsgid "Ciao %(name)s"\nmsgstr "Hi %(name)s"\n\n'
        'msgid ""\n"Una riga "\n"lunga"\nmsgstr ""\n"A long "\n"line"\n',
        encoding="utf-8",
    )
    entries = read_po(po)
    assert [e["msgid"] for e in entries] == ["", "Progetti", "Ciao %(name)s", "Una riga lunga"]
    assert entries[1]["msgstr"] == ""
    assert "fuzzy" in entries[2]["flags"]
    assert entries[3]["msgstr"] == "A long line"


def test_english_is_served_from_the_compiled_catalogue():
    # The .mo files are built by `make install` (compilemessages), not committed.
    with translation.override("en"):
        assert translation.gettext("Progetti") == "Projects", (
            "run: DJANGO_DEBUG=true .venv/bin/python manage.py compilemessages "
            "--ignore=.venv --ignore=node_modules"
        )
        assert translation.ngettext("%(counter)s ente", "%(counter)s enti", 2) == (
            "%(counter)s organisations"
        )
