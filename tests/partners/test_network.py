"""The real network of seed/network.txt, loaded by `load_network`."""

from io import StringIO

import pytest
from django.core.management import call_command

from core.models import AuditEvent
from partners.models import Organisation, OrganisationMembership
from partners.services import network_load
from projects.models import Participation, PriorityRule, Project, Service

pytestmark = pytest.mark.django_db

Kind = Organisation.Kind
Role = Participation.Role

EXPECTED_ORGANISATIONS = {
    # name: kind
    "Cooperativa sociale POP": Kind.SOCIAL_COOPERATIVE,
    "Consorzio Comunità Brianza": Kind.CONSORTIUM,
    "Cooperativa sociale Meta": Kind.SOCIAL_COOPERATIVE,
    "Cooperativa sociale Sociosfera": Kind.SOCIAL_COOPERATIVE,
    "Cooperativa sociale Treeeffe": Kind.SOCIAL_COOPERATIVE,
    "Cooperativa sociale Novo Millennio": Kind.SOCIAL_COOPERATIVE,
    "Cooperativa sociale Natur&": Kind.SOCIAL_COOPERATIVE,
    "Cooperativa sociale Spazio Giovani": Kind.SOCIAL_COOPERATIVE,
    "Consorzio CSeL": Kind.CONSORTIUM,
    'Azienda Speciale Consortile "Desio-Brianza"': Kind.SPECIAL_CONSORTIUM_COMPANY,
    'Azienda Speciale Consortile "Offerta Sociale"': Kind.SPECIAL_CONSORTIUM_COMPANY,
    "Unione di Comuni Lombarda Adda Martesana": Kind.UNION_OF_MUNICIPALITIES,
    "Comune di Bellinzago Lombardo": Kind.MUNICIPALITY,
    "Comune di Liscate": Kind.MUNICIPALITY,
    "Comune di Pozzuolo Martesana": Kind.MUNICIPALITY,
    "Comune di Truccazzano": Kind.MUNICIPALITY,
    "Ambito territoriale di Desio": Kind.TERRITORIAL_DISTRICT,
    "Ambito territoriale di Vimercate e Trezzo sull'Adda": Kind.TERRITORIAL_DISTRICT,
}

UNION_MUNICIPALITIES = {
    "Comune di Bellinzago Lombardo",
    "Comune di Liscate",
    "Comune di Pozzuolo Martesana",
    "Comune di Truccazzano",
}
DESIO_COOPERATIVES = {
    "Cooperativa sociale Meta",
    "Cooperativa sociale Sociosfera",
    "Cooperativa sociale Treeeffe",
    "Cooperativa sociale Novo Millennio",
    "Cooperativa sociale Natur&",
    "Cooperativa sociale Spazio Giovani",
}
CCB = "Consorzio Comunità Brianza"
POP = "Cooperativa sociale POP"

COHOUSING = "Co-housing Unione di Comuni Lombarda Adda Martesana"
CASE_DESIO = "C.A.Se Desio"
VIMERCATE = "Abitiamo Vimercate"
SISTEMA = "Sistema a rete per l'abitare sociale"


def participations(project_name):
    return {
        (p.organisation.name, p.role)
        for p in Participation.objects.filter(project__name=project_name).select_related(
            "organisation"
        )
    }


def snapshot():
    """Every row the loader writes, with every column, so any change shows up."""
    return {
        model.__name__: sorted(model.objects.values_list(), key=repr)
        for model in (
            Organisation,
            OrganisationMembership,
            Project,
            Participation,
            Service,
            PriorityRule,
            Project.area_served.through,
        )
    }


@pytest.fixture
def loaded(db):
    return network_load()


def test_exact_organisations_with_their_kinds(loaded):
    assert dict(Organisation.objects.values_list("name", "kind")) == EXPECTED_ORGANISATIONS


def test_municipalities_have_their_istat_codes_and_nobody_else_does(loaded):
    codes = dict(Organisation.objects.exclude(istat_code="").values_list("name", "istat_code"))
    assert codes == {
        "Comune di Bellinzago Lombardo": "015016",
        "Comune di Liscate": "015122",
        "Comune di Pozzuolo Martesana": "015177",
        "Comune di Truccazzano": "015222",
    }
    assert set(
        Organisation.objects.filter(kind=Kind.MUNICIPALITY).values_list("province", flat=True)
    ) == {"MI"}


def test_no_tax_code_or_vat_number_is_invented(loaded):
    assert not Organisation.objects.exclude(tax_code="").exists()
    assert not Organisation.objects.exclude(vat_number="").exists()


def test_memberships(loaded):
    pairs = set(OrganisationMembership.objects.values_list("member__name", "parent__name"))
    assert pairs == {
        *((m, "Unione di Comuni Lombarda Adda Martesana") for m in UNION_MUNICIPALITIES),
        *((coop, CCB) for coop in DESIO_COOPERATIVES | {POP}),
    }


def test_exactly_four_projects_with_their_kinds(loaded):
    assert dict(Project.objects.values_list("name", "kind")) == {
        SISTEMA: Project.Kind.NETWORK,
        COHOUSING: Project.Kind.CO_HOUSING,
        CASE_DESIO: Project.Kind.TEMPORARY_HOUSING,
        VIMERCATE: Project.Kind.ANTI_POVERTY,
    }
    for project in Project.objects.all():
        assert project.description
        assert project.target_group


def test_sistema_a_rete_led_by_ccb_with_its_member_cooperatives(loaded):
    assert participations(SISTEMA) == {
        (CCB, Role.LEAD),
        *((coop, Role.PARTNER) for coop in DESIO_COOPERATIVES | {POP}),
    }


def test_cohousing_promoted_by_the_four_municipalities_and_coordinated_by_pop(loaded):
    assert participations(COHOUSING) == {
        *((m, Role.PROMOTER) for m in UNION_MUNICIPALITIES),
        *((m, Role.REFERRING_BODY) for m in UNION_MUNICIPALITIES),
        (POP, Role.OPERATIONAL_COORDINATOR),
    }
    project = Project.objects.get(name=COHOUSING)
    assert set(project.area_served.values_list("name", flat=True)) == UNION_MUNICIPALITIES
    assert project.priority_notes == "in via prioritaria donne con figli"
    assert list(project.priority_rules.values_list("criterion", flat=True)) == [
        PriorityRule.Criterion.WOMAN_WITH_CHILDREN
    ]


def test_case_desio(loaded):
    assert participations(CASE_DESIO) == {
        ('Azienda Speciale Consortile "Desio-Brianza"', Role.PROMOTER),
        ("Ambito territoriale di Desio", Role.PROMOTER),
        ("Ambito territoriale di Desio", Role.REFERRING_BODY),
        (CCB, Role.LEAD),
        *((coop, Role.PARTNER) for coop in DESIO_COOPERATIVES),
    }
    project = Project.objects.get(name=CASE_DESIO)
    assert list(project.area_served.values_list("name", flat=True)) == [
        "Ambito territoriale di Desio"
    ]
    assert "emergenza abitativa" in project.target_group


def test_abitiamo_vimercate_with_its_two_services(loaded):
    assert participations(VIMERCATE) == {
        ('Azienda Speciale Consortile "Offerta Sociale"', Role.PROMOTER),
        ("Ambito territoriale di Vimercate e Trezzo sull'Adda", Role.PROMOTER),
        ("Ambito territoriale di Vimercate e Trezzo sull'Adda", Role.REFERRING_BODY),
        (CCB, Role.LEAD),
        (POP, Role.PARTNER),
        ("Cooperativa sociale Meta", Role.PARTNER),
        ("Cooperativa sociale Sociosfera", Role.PARTNER),
        ("Consorzio CSeL", Role.PARTNER),
    }
    project = Project.objects.get(name=VIMERCATE)
    assert set(project.services.values_list("name", flat=True)) == {
        "Centro servizi per il contrasto alla povertà",
        "Sperimentazione di un sistema integrato di accoglienza residenziale ed "
        "accompagnamento all'autonomia abitativa",
    }
    assert list(project.area_served.values_list("name", flat=True)) == [
        "Ambito territoriale di Vimercate e Trezzo sull'Adda"
    ]
    assert Service.objects.count() == 2


def test_the_load_is_in_the_audit_trail_with_no_person_as_actor(loaded):
    pop = Organisation.objects.get(slug="pop")
    event = AuditEvent.objects.get(
        model_label=Organisation._meta.label, object_id=str(pop.pk), action="create"
    )
    assert event.actor is None
    assert event.changes["name"] == [None, "Cooperativa sociale POP"]


def test_second_run_changes_nothing(loaded):
    before = snapshot()
    events = AuditEvent.objects.count()
    report = network_load()
    assert report.changes == []
    assert snapshot() == before
    assert AuditEvent.objects.count() == events


def test_command_prints_what_it_created_then_that_nothing_changed(db):
    out = StringIO()
    call_command("load_network", stdout=out)
    text = out.getvalue()
    assert "Creato: ente «Cooperativa sociale POP»" in text
    assert "Creato: progetto «C.A.Se Desio»" in text
    assert Organisation.objects.count() == len(EXPECTED_ORGANISATIONS)

    out = StringIO()
    call_command("load_network", stdout=out)
    assert "Creato" not in out.getvalue()
    assert "nessuna modifica" in out.getvalue()


def test_a_row_that_drifted_from_the_text_is_restored_and_only_it_is_saved(loaded):
    Organisation.objects.filter(slug="pop").update(kind=Kind.CONSORTIUM, short_name="Pop!")
    untouched_before = Organisation.objects.get(slug="meta").updated_at

    report = network_load()

    pop = Organisation.objects.get(slug="pop")
    assert (pop.kind, pop.short_name) == (Kind.SOCIAL_COOPERATIVE, "POP")
    assert [(c.action, c.label, set(c.fields)) for c in report.changes] == [
        ("updated", "Cooperativa sociale POP", {"kind", "short_name"})
    ]
    assert Organisation.objects.get(slug="meta").updated_at == untouched_before


def test_what_an_admin_added_or_filled_in_survives_a_rerun(loaded):
    pop = Organisation.objects.get(slug="pop")
    pop.tax_code = "01234567897"
    pop.email = "info@example.org"
    pop.save()
    extra = Organisation.objects.create(
        name="Comune di Melzo", slug="melzo", kind=Kind.MUNICIPALITY
    )
    cohousing = Project.objects.get(name=COHOUSING)
    Participation.objects.create(project=cohousing, organisation=extra, role=Role.REFERRING_BODY)
    cohousing.area_served.add(extra)
    OrganisationMembership.objects.create(
        member=extra, parent=Organisation.objects.get(slug="unione-adda-martesana")
    )
    rule = cohousing.priority_rules.get()
    rule.points = 25
    rule.save()

    network_load()

    pop.refresh_from_db()
    assert (pop.tax_code, pop.email) == ("01234567897", "info@example.org")
    assert (extra.name, Role.REFERRING_BODY) in participations(COHOUSING)
    assert cohousing.area_served.filter(pk=extra.pk).exists()
    assert OrganisationMembership.objects.filter(member=extra).exists()
    assert cohousing.priority_rules.get().points == 25


def test_a_name_clash_with_an_admin_row_stops_the_load_with_a_clear_error(db):
    from django.core.management.base import CommandError

    Organisation.objects.create(
        name="Cooperativa sociale POP", slug="pop-inserita-a-mano", kind=Kind.SOCIAL_COOPERATIVE
    )
    with pytest.raises(CommandError, match="ente «Cooperativa sociale POP»: .*Denominazione"):
        call_command("load_network", stdout=StringIO())
    # All or nothing: nothing of the network was written.
    assert Organisation.objects.count() == 1
