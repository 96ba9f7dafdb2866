"""The Django admin, where the amministratore edits organisations, projects, staff and
users of the real network."""

import pytest
from django.urls import reverse

from demo.staff import create_demo_staff
from partners.models import Organisation, StaffMembership
from partners.services import network_load
from projects.models import Project
from users.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def network(db):
    network_load()
    create_demo_staff()


@pytest.fixture
def admin_client(network, client):
    client.force_login(User.objects.get(username="admin"))
    return client


def org(slug):
    return Organisation.objects.get(slug=slug)


def changelist_names(response):
    assert response.status_code == 200
    return {str(obj) for obj in response.context["cl"].result_list}


# Pages load -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "model", ["partners/organisation", "projects/project", "partners/staffmembership", "users/user"]
)
def test_changelist_and_add_pages_load(admin_client, model):
    app_label, model_name = model.split("/")
    assert (
        admin_client.get(reverse(f"admin:{app_label}_{model_name}_changelist")).status_code == 200
    )
    assert admin_client.get(reverse(f"admin:{app_label}_{model_name}_add")).status_code == 200


def test_change_pages_load(admin_client):
    membership = StaffMembership.objects.get(user__username="operatore.pop")
    for url in [
        reverse("admin:partners_organisation_change", args=[org("pop").pk]),
        reverse("admin:projects_project_change", args=[Project.objects.get(slug="case-desio").pk]),
        reverse("admin:partners_staffmembership_change", args=[membership.pk]),
        reverse("admin:users_user_change", args=[membership.user_id]),
    ]:
        assert admin_client.get(url).status_code == 200, url


# Search and filters -----------------------------------------------------------------------


def test_organisation_search_and_filters(admin_client):
    url = reverse("admin:partners_organisation_changelist")
    assert changelist_names(admin_client.get(url, {"q": "Liscate"})) == {"Comune di Liscate"}
    assert changelist_names(admin_client.get(url, {"q": "015177"})) == {
        "Comune di Pozzuolo Martesana"
    }
    assert changelist_names(admin_client.get(url, {"kind__exact": "district"})) == {
        "Ambito territoriale di Desio",
        "Ambito territoriale di Vimercate e Trezzo sull'Adda",
    }
    assert len(changelist_names(admin_client.get(url, {"kind__exact": "municipality"}))) == 4


def test_project_search_and_filter_by_participant_lists_each_project_once(admin_client):
    url = reverse("admin:projects_project_changelist")
    # POP takes part in three projects, in the co-housing under one role only, but the
    # search runs across all participations: each project must still appear once.
    response = admin_client.get(url, {"q": "POP"})
    assert [str(p) for p in response.context["cl"].result_list] == [
        "Abitiamo Vimercate",
        "Co-housing Unione di Comuni Lombarda Adda Martesana",
        "Sistema a rete per l'abitare sociale",
    ]
    response = admin_client.get(
        url, {"participations__organisation__id__exact": org("comune-liscate").pk}
    )
    # Liscate is both promoter and referring body of the co-housing.
    assert [str(p) for p in response.context["cl"].result_list] == [
        "Co-housing Unione di Comuni Lombarda Adda Martesana"
    ]
    assert changelist_names(admin_client.get(url, {"kind__exact": "temporary_housing"})) == {
        "C.A.Se Desio"
    }


def test_staff_search_and_filters(admin_client):
    url = reverse("admin:partners_staffmembership_changelist")
    response = admin_client.get(url, {"q": "referente"})
    assert response.context["cl"].result_count == 6
    response = admin_client.get(url, {"role__exact": "coordinator"})
    assert {m.user.username for m in response.context["cl"].result_list} == {
        "coord.rete",
        "coord.cohousing",
        "coord.desio",
        "coord.vimercate",
    }
    response = admin_client.get(url, {"organisation__id__exact": org("pop").pk})
    assert {m.user.username for m in response.context["cl"].result_list} == {
        "operatore.pop",
        "coord.cohousing",
    }


def test_user_search_and_filters(admin_client):
    url = reverse("admin:users_user_changelist")
    response = admin_client.get(url, {"q": "coord"})
    assert response.context["cl"].result_count == 4
    response = admin_client.get(url, {"staff_memberships__role__exact": "municipal_referrer"})
    assert {u.username for u in response.context["cl"].result_list} == {
        "referente.bellinzago",
        "referente.liscate",
        "referente.pozzuolo",
        "referente.truccazzano",
        "referente.ambitodesio",
        "referente.ambitovimercate",
    }
    response = admin_client.get(url, {"is_superuser__exact": "1"})
    assert [u.username for u in response.context["cl"].result_list] == ["admin"]


# Inlines ----------------------------------------------------------------------------------


def inline_prefixes(response):
    return {f.formset.prefix for f in response.context["inline_admin_formsets"]}


def test_project_change_page_shows_participants_services_and_priority_rules(admin_client):
    project = Project.objects.get(slug="abitiamo-vimercate")
    response = admin_client.get(reverse("admin:projects_project_change", args=[project.pk]))
    assert inline_prefixes(response) == {
        "participations",
        "services",
        "priority_rules",
        "eligibility_questions",
    }
    text = response.text
    assert "Consorzio CSeL" in text
    assert "Centro servizi per il contrasto alla povertà" in text
    assert "Ambito territoriale di Vimercate e Trezzo sull&#x27;Adda" in text  # area served


def test_organisation_change_page_shows_members_parents_staff_and_projects(admin_client):
    response = admin_client.get(
        reverse("admin:partners_organisation_change", args=[org("consorzio-comunita-brianza").pk])
    )
    assert inline_prefixes(response) == {
        "memberships_as_member",
        "memberships_as_parent",
        "staff_memberships",
        "participations",
    }
    text = response.text
    assert "Cooperativa sociale Spazio Giovani" in text  # a member cooperative
    assert "Roberto Esempio" in text  # staff: coord.desio
    assert "C.A.Se Desio" in text  # a project it leads


def test_user_change_page_shows_their_staff_memberships(admin_client):
    user = User.objects.get(username="referente.liscate")
    response = admin_client.get(reverse("admin:users_user_change", args=[user.pk]))
    assert "staff_memberships" in inline_prefixes(response)
    assert "Comune di Liscate" in response.text


def test_area_served_autocomplete_offers_only_territories(admin_client):
    url = reverse("admin:autocomplete")
    params = {"app_label": "projects", "model_name": "project", "field_name": "area_served"}
    found = admin_client.get(url, {**params, "term": "Liscate"}).json()["results"]
    assert [r["text"] for r in found] == ["Comune di Liscate"]
    assert admin_client.get(url, {**params, "term": "POP"}).json()["results"] == []


# Adding an organisation: the codes are checked -------------------------------------------


def add_form_data(admin_client, **fields):
    """What the admin's add form posts: the fields, and empty inline formsets."""
    response = admin_client.get(reverse("admin:partners_organisation_add"))
    data = {
        "name": "Cooperativa sociale Nuova",
        "slug": "nuova",
        "kind": "social_cooperative",
        "is_active": "on",
        **fields,
    }
    for prefix in inline_prefixes(response):
        data |= {
            f"{prefix}-TOTAL_FORMS": "0",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    return data


def post_add(admin_client, **fields):
    return admin_client.post(
        reverse("admin:partners_organisation_add"), add_form_data(admin_client, **fields)
    )


def test_adding_an_organisation_with_valid_codes_saves_it_normalised(admin_client):
    response = post_add(admin_client, tax_code="0119 9250 158", vat_number="01199250158")
    assert response.status_code == 302
    new = org("nuova")
    assert (new.tax_code, new.vat_number) == ("01199250158", "01199250158")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"tax_code": "12345"}, "Il codice fiscale di un ente ha 11 cifre (o 16 caratteri)."),
        (
            {"tax_code": "01199250159"},
            "Il codice fiscale non è valido: la cifra di controllo non corrisponde.",
        ),
        (
            {"vat_number": "01199250159"},
            "La partita IVA non è valida: la cifra di controllo non corrisponde.",
        ),
        ({"vat_number": "0119925015"}, "La partita IVA deve avere 11 cifre."),
    ],
)
def test_adding_an_organisation_with_a_bad_code_shows_the_error_and_saves_nothing(
    admin_client, fields, message
):
    count = Organisation.objects.count()
    response = post_add(admin_client, **fields)
    assert response.status_code == 200
    field = next(iter(fields))
    assert response.context["adminform"].form.errors == {field: [message]}
    assert message in response.text
    assert Organisation.objects.count() == count


def test_adding_an_organisation_with_a_tax_code_already_used_is_refused(admin_client):
    pop = org("pop")
    pop.tax_code = "01199250158"
    pop.save()
    count = Organisation.objects.count()

    # The same code typed with spaces and in another layout is still the same code.
    response = post_add(admin_client, tax_code=" 0119 9250 158")

    assert response.status_code == 200
    assert "Esiste già un ente con questo codice fiscale." in response.text
    assert Organisation.objects.count() == count


# Who may enter ----------------------------------------------------------------------------


def test_non_staff_users_are_sent_to_the_admin_login(network, client):
    client.force_login(User.objects.get(username="operatore.pop"))
    for url in [
        reverse("admin:index"),
        reverse("admin:partners_organisation_changelist"),
        reverse("admin:partners_organisation_add"),
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login"))


def test_staff_without_permissions_cannot_edit_organisations(network, client):
    client.force_login(User.objects.create_user("staff.senza.permessi", is_staff=True))
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:partners_organisation_changelist")).status_code == 403
