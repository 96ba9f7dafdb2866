"""The Django admin in Italian (and in English): every page of every model loads in
both languages, Django's and the installed apps' strings have their Italian, and the
messages naming a model do not put a masculine article on a feminine noun."""

import re
from pathlib import Path

import django
import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils.translation.trans_real import DjangoTranslation

from projects.models import Participation
from tests.factories import OrganisationFactory, ProjectFactory

pytestmark = pytest.mark.django_db

DJANGO = Path(django.__file__).parent
ADMIN_LOCALE = DJANGO / "contrib" / "admin" / "locale"
MODELS = sorted(
    f"{model._meta.app_label}_{model._meta.model_name}" for model in admin.site._registry
)
# English that must never show in the Italian admin (each was seen there once).
ENGLISH_LEFTOVERS = [
    "Delete selected",
    "Choose all",
    "was added successfully",
    "was changed successfully",
    "Add another",
]
# Names of third-party models and apps. The permission lists of the group and user
# forms still show them: Django stores permission names in the database, in English
# ("Can add access attempt"), once, when the tables are made.
ENGLISH_MODEL_NAMES = ["access attempt", "TOTP device", "Otp_Totp", "Otp_Static", "Axes"]


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def in_language(client, language):
    client.cookies["django_language"] = language
    return client


@pytest.mark.parametrize("language", ["it", "en"])
@pytest.mark.parametrize("model", MODELS)
def test_every_admin_list_and_add_page_loads_in_both_languages(admin_client, model, language):
    client = in_language(admin_client, language)
    for url in (reverse(f"admin:{model}_changelist"), reverse(f"admin:{model}_add")):
        response = client.get(url)
        if response.status_code == 403:  # a model without an add page (the security log)
            continue
        html = response.content.decode()
        assert response.status_code == 200, url
        assert f'<html lang="{language}"' in html
        if language == "it":
            found = [text for text in ENGLISH_LEFTOVERS if text in html]
            if not url.endswith("/add/"):  # add forms list the permissions (see above)
                found += [text for text in ENGLISH_MODEL_NAMES if f">{text}" in html]
            assert not found, (url, found)


def test_the_admin_index_names_every_app_and_model_in_italian(admin_client):
    html = in_language(admin_client, "it").get(reverse("admin:index")).content.decode()
    for name in [
        "Tentativi di accesso",
        "Autenticazione a due fattori: app",
        "app di autenticazione",
        "Partecipazioni",
        "tentativi di accesso",
    ]:
        assert name.lower() in html.lower(), name
    assert not [text for text in ENGLISH_LEFTOVERS if text in html]
    assert not [text for text in ENGLISH_MODEL_NAMES if f">{text}" in html]


def test_the_admin_messages_have_no_article_to_agree_with_the_model(admin_client):
    project = ProjectFactory()
    organisation = OrganisationFactory()
    response = in_language(admin_client, "it").post(
        reverse("admin:projects_participation_add"),
        {"project": project.pk, "organisation": organisation.pk, "role": "partner", "notes": ""},
        follow=True,
    )
    html = response.content.decode()
    assert "Aggiunta riuscita: partecipazione" in html
    assert "Il partecipazione" not in html
    changelist = admin_client.get(reverse("admin:projects_participation_changelist"))
    assert "Elimina la selezione (partecipazioni)" in changelist.content.decode()


def test_the_javascript_catalogue_of_the_admin_is_italian(admin_client):
    text = in_language(admin_client, "it").get("/admin/jsi18n/").content.decode()
    assert "Scegli tutti: %s" in text
    assert "Nota: scrivi gli orari nel fuso orario" in text
    english = in_language(admin_client, "en").get("/admin/jsi18n/").content.decode()
    assert "Scegli tutti" not in english


def _msgids(po: Path):
    """(context, msgid, plural) of a catalogue's entries."""
    entries = []
    for block in re.split(r"\n\s*\n", po.read_text(encoding="utf-8")):
        fields, key = {}, None
        for line in block.splitlines():
            if line.startswith("#"):
                continue
            match = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr\S*) "(.*)"$', line)
            if match:
                key = match.group(1)
                fields[key] = match.group(2)
            elif line.startswith('"') and key:
                fields[key] += line[1:-1]
        if fields.get("msgid"):
            unescape = lambda s: s.replace('\\"', '"').replace("\\n", "\n")  # noqa: E731
            entries.append(
                (
                    fields.get("msgctxt"),
                    unescape(fields["msgid"]),
                    unescape(fields.get("msgid_plural", "")),
                )
            )
    return entries


def _translated_by_django(catalogue: Path) -> set:
    """The msgids that Django's own Italian catalogue translates."""
    italian = catalogue.parent.parent.parent / "it" / "LC_MESSAGES" / catalogue.name
    done = set()
    for block in re.split(r"\n\s*\n", italian.read_text(encoding="utf-8")):
        if "#, fuzzy" in block:
            continue
        strings = re.findall(r'^msgstr(?:\[\d\])? "(.*)"((?:\n".*")*)', block, re.M)
        if strings and all(first or rest for first, rest in strings):
            for context, msgid, _plural in _msgids_of(block):
                done.add((context, msgid))
    return done


def _msgids_of(block: str):
    class _Text:
        def read_text(self, encoding):
            return block

    return _msgids(_Text())


# Strings whose Italian is the same as the English.
SAME_IN_ITALIAN = {", ", "IPv4", "IPv6", "server"}


@pytest.mark.parametrize(
    "catalogue",
    [
        ADMIN_LOCALE / "en" / "LC_MESSAGES" / "django.po",
        ADMIN_LOCALE / "en" / "LC_MESSAGES" / "djangojs.po",
        DJANGO / "conf" / "locale" / "en" / "LC_MESSAGES" / "django.po",
        DJANGO / "contrib" / "auth" / "locale" / "en" / "LC_MESSAGES" / "django.po",
        DJANGO / "contrib" / "humanize" / "locale" / "en" / "LC_MESSAGES" / "django.po",
    ],
    ids=["admin", "admin-js", "django", "auth", "humanize"],
)
def test_what_django_leaves_untranslated_in_italian_our_catalogue_translates(catalogue):
    """locale/it fills in the strings Django's Italian catalogues lack (their number
    grows with each Django version: this test names the new ones)."""
    translated = _translated_by_django(catalogue)
    lacking = [
        (context, msgid)
        for context, msgid, _plural in _msgids(catalogue)
        if (context, msgid) not in translated and msgid not in SAME_IN_ITALIAN
    ]
    assert lacking, "Django translates them all now: drop our copies from locale/it"
    if catalogue.name == "djangojs.po":
        catalog = DjangoTranslation("it", domain="djangojs", localedirs=[str(ADMIN_LOCALE)])
    else:
        catalog = DjangoTranslation("it")
    untranslated = [
        msgid
        for context, msgid in lacking
        if (catalog.pgettext(context, msgid) if context else catalog.gettext(msgid)) == msgid
    ]
    assert untranslated == []


def test_a_second_lead_is_refused_in_the_project_form_with_a_clear_message(admin_client):
    project = ProjectFactory()
    first, second = OrganisationFactory(), OrganisationFactory()
    url = reverse("admin:projects_project_change", args=[project.pk])
    page = admin_client.get(url)
    form = page.context["adminform"].form
    data = {
        name: (value if value is not None else "")
        for name, value in form.initial.items()
        if not isinstance(value, list)
    }
    data.update(
        {
            "name": project.name,
            "slug": project.slug,
            "kind": project.kind,
            "status": project.status,
            "max_stay_months": project.max_stay_months or "",
            "participations-TOTAL_FORMS": "2",
            "participations-INITIAL_FORMS": "0",
            "participations-0-organisation": first.pk,
            "participations-0-role": "lead",
            "participations-1-organisation": second.pk,
            "participations-1-role": "lead",
            "services-TOTAL_FORMS": "0",
            "services-INITIAL_FORMS": "0",
            "priority_rules-TOTAL_FORMS": "0",
            "priority_rules-INITIAL_FORMS": "0",
        }
    )
    response = in_language(admin_client, "it").post(url, data)
    assert response.status_code == 200, "the form comes back with its errors"
    assert "Un progetto ha un solo ente capofila: ne hai indicati 2." in response.content.decode()
    assert not Participation.objects.filter(project=project).exists()
