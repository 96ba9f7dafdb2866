"""Bad input at scale (issue 7, ASVS 5.1.3–5.1.4; GDPR art. 32(1)(b) — integrity):
hypothesis posts generated data — text with odd unicode, NUL and control characters,
right-to-left marks, huge numbers, impossible dates, empty values, very long strings —
to every form and every filter of the app, as the page offers them. Never a server
error, and a refused form saves nothing: the rows of every table stay as they were.

How: each page is fetched as its user would see it; its <form> is read from the HTML
(every input, select and textarea, with the choices the page offers, including inputs
tied to it with form="..."); each field gets either a value the page would send or a
hostile one, chosen by hypothesis; the form is sent to its action with its method.
The Django test client raises any exception of a view, so a crash fails the example
with the data that caused it."""

from __future__ import annotations

import datetime
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.contrib.messages import ERROR, get_messages
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from beneficiaries.models import FollowUp, Referral
from core.models import AuditEvent
from tests.factories import (
    ActionFactory,
    CaseFactory,
    GoalFactory,
    HousingUnitFactory,
    PersonFactory,
    ReferralFactory,
    ReviewFactory,
    SupportPlanFactory,
    WaitingListEntryFactory,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()

# ---------------------------------------------------------------------------------------
# Reading a form from a page


class _FormReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._current: dict | None = None
        self._select: dict | None = None
        self._textarea: dict | None = None
        self._orphans: list[tuple[str, dict]] = []  # fields with form="id"

    def _target(self, attrs) -> dict | None:
        if attrs.get("form"):
            holder = {"fields": []}
            self._orphans.append((attrs["form"], holder))
            return holder
        return self._current

    def handle_starttag(self, tag, attrs):
        attrs = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._current = {
                "id": attrs.get("id", ""),
                "method": attrs.get("method", "get").lower(),
                "action": attrs.get("action", ""),
                "fields": [],
            }
            self.forms.append(self._current)
            return
        target = self._target(attrs)
        if target is None or not attrs.get("name"):
            return
        name = attrs["name"]
        if tag == "input":
            kind = attrs.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                if attrs.get("value"):
                    # A submit button with a value (e.g. the referral's next state).
                    target["fields"].append(
                        {"name": name, "kind": "choice", "options": [attrs["value"]], "value": ""}
                    )
                return
            checked = "checked" in attrs
            target["fields"].append(
                {
                    "name": name,
                    "kind": kind,
                    "value": attrs.get("value", ""),
                    "checked": checked,
                    "options": [attrs.get("value", "on")],
                }
            )
        elif tag == "select":
            self._select = {
                "name": name,
                "kind": "select",
                "multiple": "multiple" in attrs,
                "options": [],
                "value": "",
            }
            target["fields"].append(self._select)
        elif tag == "textarea":
            self._textarea = {"name": name, "kind": "textarea", "value": ""}
            target["fields"].append(self._textarea)

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["value"] += data

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)


class _OptionReader(_FormReader):
    def handle_starttag(self, tag, attrs):
        if tag == "option" and self._select is not None:
            attrs = dict(attrs)
            value = attrs.get("value") or ""
            self._select["options"].append(value)
            if "selected" in attrs:
                self._select["value"] = value
            return
        super().handle_starttag(tag, attrs)


def read_forms(html: str) -> list[dict]:
    reader = _OptionReader()
    reader.feed(html)
    by_id = {form["id"]: form for form in reader.forms if form["id"]}
    for form_id, holder in reader._orphans:
        if form_id in by_id:
            by_id[form_id]["fields"].extend(holder["fields"])
    return reader.forms


def find_form(html: str, page_url: str, action_url: str, method: str) -> dict:
    for form in read_forms(html):
        action = urlsplit(form["action"]).path or page_url
        if action == action_url and form["method"] == method:
            return form
    found = [(f["method"], f["action"]) for f in read_forms(html)]
    raise AssertionError(f"no {method} form to {action_url} on {page_url}: {found}")


# ---------------------------------------------------------------------------------------
# What hypothesis sends

ODD_TEXT = st.text(
    alphabet=st.characters(
        # Letters of every script, marks, symbols, spaces and control characters,
        # right-to-left marks, zero-width joiners; never lone surrogates (no browser
        # can send them).
        blacklist_categories=("Cs",),
    ),
    max_size=120,
)
TRICKY = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "abc\x00def",
        "\u202egnp.exe",
        "\u200b",
        "Zoë Ñandú 山田 محمد",
        "2026-02-30",
        "2026-13-01",
        "0000-00-00",
        "0001-01-01",
        "9999-12-31",
        "99999-01-01",
        "31/12/2026",
        "-1",
        "0",
        "1e309",
        "-1e309",
        "NaN",
        "Infinity",
        "99999999999999999999999999999999",
        "1" * 400,
        "0x10",
        "١٢٣",
        "Ⅻ",
        "null",
        "[]",
        "{}",
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "a" * 5000,
        "../../etc/passwd",
    ]
)
HUGE = st.integers(min_value=-(10**40), max_value=10**40).map(str)
HOSTILE = st.one_of(ODD_TEXT, TRICKY, HUGE)


def plausible(field: dict) -> st.SearchStrategy:
    """What the page itself would send for the field."""
    kind = field["kind"]
    if kind in ("select", "choice"):
        options = list(field["options"]) or [""]
        if field.get("multiple"):
            return st.lists(st.sampled_from(options), max_size=3, unique=True)
        return st.sampled_from(options)
    if kind in ("checkbox", "radio"):
        return st.sampled_from([field["options"][0], None])
    if kind == "date":
        return st.sampled_from([field["value"] or TODAY.isoformat(), "2026-01-15", ""])
    if kind == "number":
        return st.sampled_from([field["value"] or "1", "0", "120"])
    if kind == "hidden":
        return st.just(field["value"])
    return st.sampled_from([field["value"], "testo di prova"])


@st.composite
def form_data(draw, form: dict) -> dict:
    data: dict[str, list[str]] = {}
    for field in form["fields"]:
        if field["kind"] == "file":
            continue
        value = draw(st.one_of(plausible(field), HOSTILE))
        if value is None:
            continue
        values = value if isinstance(value, list) else [value]
        data.setdefault(field["name"], []).extend(values)
    return data


# ---------------------------------------------------------------------------------------
# Nothing partly saved

COUNTED_APPS = (
    "users",
    "partners",
    "projects",
    "housing",
    "beneficiaries",
    "otp_totp",
    "otp_static",
)


def row_counts() -> dict[str, int]:
    """The number of rows of every table of the app's data (one query: the examples
    are many)."""
    from django.db import connection

    labels, parts = [], []
    for label in COUNTED_APPS:
        for model in apps.get_app_config(label).get_models():
            labels.append(model._meta.label)
            table = connection.ops.quote_name(model._meta.db_table)
            parts.append(f"(SELECT COUNT(*) FROM {table})")  # noqa: S608 - a table name
            for field in model._meta.local_many_to_many:
                through = field.remote_field.through
                if through._meta.auto_created:
                    labels.append(through._meta.label)
                    table = connection.ops.quote_name(through._meta.db_table)
                    parts.append(f"(SELECT COUNT(*) FROM {table})")  # noqa: S608
    labels.append("core.AuditEvent")
    audit_table = connection.ops.quote_name(AuditEvent._meta.db_table)
    parts.append(f"(SELECT COUNT(*) FROM {audit_table} WHERE action <> 'view')")  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))  # noqa: S608 - table names only
        return dict(zip(labels, cursor.fetchone(), strict=True))


def refused(response) -> bool:
    """The form was not accepted: shown again, or sent back with an error."""
    if response.status_code not in (301, 302, 303) and "HX-Redirect" not in response:
        return True
    # Only the messages this request added: earlier examples' wait unread in the session.
    added = getattr(get_messages(response.wsgi_request), "_queued_messages", [])
    return any(m.level >= ERROR for m in added)


# ---------------------------------------------------------------------------------------
# The world every form is tried in


@pytest.fixture
def world(household_alfa, case_alfa, project_alfa, coop_alfa, comune_uno, alice, carla, marco):
    """The little network with something behind every form: a sent referral, a plan
    with a goal, an action and a review, a closed case with a follow-up, a housing
    unit with a waiting household, a placement."""
    from housing import services as housing_services

    referred = PersonFactory(household__registered_by=comune_uno).household
    sent = ReferralFactory(household=referred, project=project_alfa, status="sent")
    plan = SupportPlanFactory(case=case_alfa)
    goal = GoalFactory(plan=plan)
    action = ActionFactory(goal=goal)
    review = ReviewFactory(plan=plan, scheduled_on=TODAY)
    closed_household = PersonFactory(household__registered_by=comune_uno).household
    closed = CaseFactory(
        household=closed_household,
        project=project_alfa,
        holding_organisation=coop_alfa,
        opened_on=TODAY - datetime.timedelta(days=400),
        closed_on=TODAY - datetime.timedelta(days=100),
    )
    follow_up = FollowUp.objects.create(
        case=closed, months_after_exit=3, due_on=TODAY - datetime.timedelta(days=10)
    )
    unit = HousingUnitFactory(project=project_alfa, capacity=6)
    waiting_household = PersonFactory(household__registered_by=comune_uno).household
    waiting = WaitingListEntryFactory(
        referral=ReferralFactory(
            household=waiting_household, project=project_alfa, status="accepted"
        ),
        added_on=TODAY - datetime.timedelta(days=30),
    )
    placement = housing_services.placement_start(
        user=carla,
        unit=unit,
        household=household_alfa,
        members=list(household_alfa.members.all()),
        start_date=TODAY - datetime.timedelta(days=20),
        out_of_order_reason="Prima del nucleo in lista, per il test.",
    )
    consent_page = reverse("beneficiaries:household_detail", args=[household_alfa.public_id])
    from beneficiaries.models import Consent

    consent = Consent.objects.create(
        household=household_alfa,
        purpose=Consent.Purpose.CASE_MANAGEMENT,
        legal_basis=Consent.LegalBasis.CONSENT,
        given_on=TODAY - datetime.timedelta(days=10),
    )
    consent.organisations.set([coop_alfa])
    from beneficiaries.models import Document

    document = Document.objects.create(
        case=case_alfa,
        kind="other",
        file="documents/property-test.pdf",
        original_name="property-test.pdf",
        content_type="application/pdf",
        size=10,
    )
    return {
        "document": document,
        "alice": alice,
        "carla": carla,
        "marco": marco,
        "household": household_alfa,
        "person": household_alfa.members.get(),
        "case": case_alfa,
        "sent": sent,
        "goal": goal,
        "action": action,
        "review": review,
        "closed": closed,
        "follow_up": follow_up,
        "unit": unit,
        "waiting": waiting,
        "placement": placement,
        "consent": consent,
        "consent_page": consent_page,
    }


def b(name, *args):
    return reverse(f"beneficiaries:{name}", args=args)


# (id, user, page, action, method): the page that shows the form, where it is sent.
FORMS = {
    # Households, people, consent
    "household_create": ("alice", lambda w: b("household_create"), None, "post"),
    "household_update": (
        "carla",
        lambda w: b("household_update", w["household"].public_id),
        None,
        "post",
    ),
    "person_create": (
        "carla",
        lambda w: b("person_create", w["household"].public_id),
        None,
        "post",
    ),
    "person_update": ("carla", lambda w: b("person_update", w["person"].public_id), None, "post"),
    "consent_create": (
        "carla",
        lambda w: b("consent_create", w["household"].public_id),
        None,
        "post",
    ),
    "consent_withdraw": (
        "carla",
        lambda w: w["consent_page"],
        lambda w: b("consent_withdraw", w["consent"].pk),
        "post",
    ),
    "caseload_search": ("alice", lambda w: b("caseload"), None, "post"),
    # Referrals and cases
    "referral_create": (
        "marco",
        lambda w: b("referral_create", w["household"].public_id),
        None,
        "post",
    ),
    "referral_transition": (
        "carla",
        lambda w: b("referral_detail", w["sent"].public_id),
        lambda w: b("referral_transition", w["sent"].public_id),
        "post",
    ),
    "case_open": ("carla", lambda w: b("case_open", w["sent"].public_id), None, "post"),
    "case_assign_workers": (
        "carla",
        lambda w: b("case_detail", w["case"].public_id),
        lambda w: b("case_assign_workers", w["case"].public_id),
        "post",
    ),
    "referral_filters": ("carla", lambda w: b("referral_list"), None, "get"),
    # Support pathway
    "plan_update": ("alice", lambda w: b("plan_update", w["case"].public_id), None, "post"),
    "goal_create": ("alice", lambda w: b("goal_create", w["case"].public_id), None, "post"),
    "goal_close": ("alice", lambda w: b("goal_close", w["goal"].pk), None, "post"),
    "action_create": ("alice", lambda w: b("action_create", w["goal"].pk), None, "post"),
    "action_status": (
        "alice",
        lambda w: b("plan_detail", w["case"].public_id),
        lambda w: b("action_status", w["action"].pk),
        "post",
    ),
    "review_record": ("alice", lambda w: b("review_record", w["review"].pk), None, "post"),
    "assessment_create": (
        "alice",
        lambda w: b("assessment_create", w["case"].public_id),
        None,
        "post",
    ),
    "diary_create": ("alice", lambda w: b("diary_create", w["case"].public_id), None, "post"),
    "diary_filters": ("alice", lambda w: b("diary_list", w["case"].public_id), None, "get"),
    "document_upload": (
        "alice",
        lambda w: b("document_upload", w["case"].public_id),
        None,
        "post",
    ),
    "document_replace": (
        "alice",
        lambda w: b("document_replace", w["document"].public_id),
        None,
        "post",
    ),
    "document_delete": (
        "alice",
        lambda w: b("document_delete", w["document"].public_id),
        None,
        "post",
    ),
    "case_exit": (
        "carla",
        lambda w: reverse("housing:case_close", args=[w["case"].public_id]),
        None,
        "post",
    ),
    "follow_up_record": (
        "carla",
        lambda w: b("follow_up_record", w["follow_up"].pk),
        None,
        "post",
    ),
    # Housing
    "unit_update": (
        "carla",
        lambda w: reverse("housing:unit_update", args=[w["unit"].pk]),
        None,
        "post",
    ),
    "placement_create": (
        "carla",
        lambda w: reverse("housing:placement_create", args=[w["unit"].pk, w["waiting"].pk]),
        None,
        "post",
    ),
    "placement_end": (
        "carla",
        lambda w: reverse("housing:placement_end", args=[w["placement"].public_id]),
        None,
        "post",
    ),
    "placement_move": (
        "carla",
        lambda w: reverse("housing:placement_move", args=[w["placement"].public_id]),
        None,
        "post",
    ),
    # Dashboard, caseloads, directory
    "dashboard_filters": ("carla", lambda w: reverse("dashboard:dashboard"), None, "get"),
    "project_dashboard_filters": (
        "carla",
        lambda w: reverse("dashboard:project_dashboard", args=["casa-alfa"]),
        None,
        "get",
    ),
    "caseloads_filters": ("carla", lambda w: reverse("dashboard:caseloads"), None, "get"),
    "caseloads_assign": (
        "carla",
        lambda w: reverse("dashboard:caseloads"),
        lambda w: reverse("dashboard:caseloads_assign"),
        "post",
    ),
    "directory_filters": ("alice", lambda w: reverse("partners:organisation_list"), None, "get"),
    # Account
    "login": (None, lambda w: reverse("login"), None, "post"),
    "admin_login": (None, lambda w: reverse("admin:login"), None, "post"),
    "two_factor_setup": ("alice", lambda w: reverse("two_factor_setup"), None, "post"),
    "recovery_codes_regenerate": (
        "carla",
        lambda w: reverse("account_security"),
        lambda w: reverse("recovery_codes_regenerate"),
        "post",
    ),
    "two_factor_disable": (
        "carla",
        lambda w: reverse("account_security"),
        lambda w: reverse("two_factor_disable"),
        "post",
    ),
}


@pytest.mark.parametrize("form_id", sorted(FORMS))
def test_no_generated_input_breaks_a_form_or_saves_half(
    form_id, world, client, private_storage_root
):
    user_key, page_of, action_of, method = FORMS[form_id]
    if user_key:
        client.force_login(world[user_key])
    page_url = page_of(world)
    action_url = action_of(world) if action_of else page_url
    page = client.get(page_url)
    assert page.status_code == 200, (form_id, page.status_code)
    form = find_form(page.content.decode(), page_url, action_url, method)
    assert form["fields"], f"{form_id}: the form has no fields"

    @settings(
        max_examples=25,
        deadline=None,
        # The world is made once per form by pytest fixtures and shared by the
        # examples; each example is judged on what it changes, so that is right here.
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        database=None,
    )
    @given(data=form_data(form))
    def send(data):
        before = row_counts()
        if method == "get":
            response = client.get(action_url, data)
        else:
            response = client.post(action_url, data)
        assert response.status_code < 500, (form_id, data, response.status_code)
        if refused(response):
            assert row_counts() == before, f"{form_id}: a refused form saved something"

    send()


def test_the_form_reader_finds_fields_choices_and_outside_inputs():
    html = """
    <form method="post" action="/x/" id="f"><input name="a" value="1">
      <select name="s"><option value="">—</option><option value="k" selected>K</option></select>
      <textarea name="t">hi</textarea><input type="submit" name="go" value="sent">
    </form><input type="checkbox" name="c" value="7" form="f">
    <form method="get"><input name="q"></form>
    """
    post, get = read_forms(html)
    by_name = {f["name"]: f for f in post["fields"]}
    assert set(by_name) == {"a", "s", "t", "go", "c"}
    assert by_name["s"]["options"] == ["", "k"] and by_name["s"]["value"] == "k"
    assert by_name["t"]["value"] == "hi"
    assert get["method"] == "get" and get["fields"][0]["name"] == "q"


def test_the_row_check_sees_a_partial_save(world):
    """row_counts() must notice one row more anywhere, or the test above proves
    nothing."""
    before = row_counts()
    ReferralFactory(household=world["household"], project=world["sent"].project)
    assert row_counts() != before
    assert Referral.objects.count() == before["beneficiaries.Referral"] + 1


def test_a_huge_id_in_a_multiple_choice_matches_nothing_instead_of_crashing(world):
    """Found by the test above: `pk__in` with an id no column can hold (core/lookups.py)."""
    from partners.models import Organisation

    organisation = world["case"].holding_organisation
    assert not Organisation.objects.filter(pk__in=[10**40]).exists()
    assert list(Organisation.objects.filter(pk__in=[10**40, organisation.pk])) == [organisation]
    assert not Organisation.objects.filter(pk__in=[-(10**40)]).exists()


def test_the_bulk_assignment_goes_back_only_to_a_path(client, world):
    """Found by the test above: a `next` that is a bare word was taken for a view's name."""
    client.force_login(world["carla"])
    for bad in ("0", "home", "https://evil.example/"):
        response = client.post(reverse("dashboard:caseloads_assign"), {"next": bad})
        assert response.status_code == 302
        assert response.url == reverse("dashboard:caseloads")


@pytest.mark.parametrize("url_name", ["login", "admin:login"])
def test_a_name_longer_than_any_user_is_a_wrong_login_not_a_crash(client, url_name, carla):
    """Found by the test above on PostgreSQL: the name went to django-axes' 255-character
    column (users/forms.py)."""
    from axes.models import AccessAttempt

    response = client.post(reverse(url_name), {"username": "a" * 5000, "password": "x"})
    assert response.status_code == 200
    assert "150" in response.content.decode()
    assert not AccessAttempt.objects.filter(username__startswith="aaaa").exists()
    # A real name still logs in.
    ok = client.post(reverse("login"), {"username": "carla", "password": "correct-horse-battery"})
    assert ok.status_code == 302
