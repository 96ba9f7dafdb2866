"""Every URL of the support pathway, called by every persona.

- bruno, a social worker of another cooperative: 404 everywhere (he may not know the
  records exist);
- marco, the municipal referrer who sent the household: 404 everywhere too — he follows
  the referral's status, never the plan, the diary, the assessments or the documents;
- olga, Alfa's organisation admin (a role that does no casework): 404;
- dave, a social worker of Alfa not assigned to the case: reads and writes the pathway,
  but closing the case and its follow-up are for the assigned workers and the
  coordinators (403);
- alice, the assigned worker: 200;
- a GET on a POST-only URL: 405.

The scale of autonomy has no personal data: every logged-in user reads it.
"""

import datetime

import pytest
from django.urls import reverse

from beneficiaries.models import Action, Document, FollowUp
from tests.beneficiaries.pathway_helpers import PDF_BYTES
from tests.factories import (
    ActionFactory,
    CaseAssignmentFactory,
    CaseFactory,
    GoalFactory,
    PersonFactory,
    ReviewFactory,
    SupportPlanFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pathway(alice, case_alfa, project_alfa, coop_alfa, private_storage_root):
    """One of each record of household_alfa's pathway, and a closed case with a
    follow-up (the same household in an earlier stay)."""
    plan = SupportPlanFactory(case=case_alfa)
    goal = GoalFactory(plan=plan)
    action = ActionFactory(goal=goal)
    review = ReviewFactory(plan=plan)
    (private_storage_root / "documents").mkdir(parents=True)
    (private_storage_root / "documents" / "doc.pdf").write_bytes(PDF_BYTES)
    document = Document.objects.create(
        case=case_alfa,
        kind="other",
        file="documents/doc.pdf",
        original_name="doc.pdf",
        content_type="application/pdf",
        size=len(PDF_BYTES),
    )
    closed = CaseFactory(
        household=PersonFactory(
            household__registered_by=case_alfa.household.registered_by
        ).household,
        project=project_alfa,
        holding_organisation=coop_alfa,
        closed_on=datetime.date(2026, 3, 1),
    )
    CaseAssignmentFactory(case=closed, worker=alice)
    follow_up = FollowUp.objects.create(
        case=closed, months_after_exit=3, due_on=datetime.date(2026, 6, 1)
    )
    return {
        "case": case_alfa.public_id,
        "goal": goal.pk,
        "action": action.pk,
        "review": review.pk,
        "document": document.public_id,
        "follow_up": follow_up.pk,
    }


# (url name, which key of `pathway` is its argument, POST data or None for GET-only)
CASE_PAGES = [
    ("plan_detail", "case", None),
    ("plan_print", "case", None),
    ("plan_pdf", "case", None),
    ("plan_create", "case", {"agreed_on": "2026-02-01", "review_interval_months": "3"}),
    ("plan_update", "case", {"review_interval_months": "2", "summary": "x"}),
    ("goal_create", "case", {"domain": "work", "description": "Lavoro"}),
    ("goal_close", "goal", {"status": "achieved", "closed_on": "2026-06-01"}),
    (
        "action_create",
        "goal",
        {"description": "x", "due_on": "2026-06-01", "responsible": "org:0"},
    ),
    ("review_record", "review", {"held_on": "2026-05-02", "outcome": "Bene"}),
    ("assessment_list", "case", None),
    ("assessment_create", "case", {"moment": "review", "taken_on": "2026-05-02"}),
    ("diary_list", "case", None),
    (
        "diary_create",
        "case",
        {"happened_on": "2026-05-02", "kind": "interview", "duration_minutes": "30", "text": "x"},
    ),
    ("document_list", "case", None),
    ("document_upload", "case", {"kind": "other"}),
    ("document_download", "document", None),
    ("document_replace", "document", {"title": "x"}),
    ("document_delete", "document", {"reason": "Caricato per errore"}),
]
CLOSING_PAGES = [
    ("housing:case_close", "case", {"closed_on": "2026-06-01", "reason": "other"}),
    ("follow_up_record", "follow_up", {"done_on": "2026-06-02", "still_housed": "unknown"}),
]
POST_ONLY = [("action_status", "action", {"status": "done"})]
ALL_PAGES = CASE_PAGES + CLOSING_PAGES + POST_ONLY


def _url(name, key, pathway):
    name = name if ":" in name else f"beneficiaries:{name}"
    return reverse(name, args=[pathway[key]])


def _ids(pages):
    return [p[0] for p in pages]


@pytest.mark.parametrize("persona", ["bruno", "marco", "olga"])
@pytest.mark.parametrize("name,key,data", ALL_PAGES, ids=_ids(ALL_PAGES))
def test_outsider_referrer_and_admin_get_404(
    request, client_for, pathway, persona, name, key, data
):
    client = client_for(request.getfixturevalue(persona))
    target = _url(name, key, pathway)
    if name not in _ids(POST_ONLY):
        assert client.get(target).status_code == 404
    if data is not None:
        assert client.post(target, data).status_code == 404


def test_nothing_changed_by_refused_posts(client_for, bruno, marco, pathway):
    for user in (bruno, marco):
        client = client_for(user)
        client.post(
            reverse("beneficiaries:action_status", args=[pathway["action"]]), {"status": "done"}
        )
    assert Action.objects.get(pk=pathway["action"]).status == "to_do"


@pytest.mark.parametrize("name,key,data", CASE_PAGES, ids=_ids(CASE_PAGES))
def test_assigned_worker_reads_every_page(client_for, alice, pathway, name, key, data):
    assert client_for(alice).get(_url(name, key, pathway)).status_code == 200


@pytest.mark.parametrize("name,key,data", CASE_PAGES, ids=_ids(CASE_PAGES))
def test_unassigned_worker_of_the_holding_organisation_works_on_the_pathway(
    client_for, dave, pathway, name, key, data
):
    assert client_for(dave).get(_url(name, key, pathway)).status_code == 200


def test_unassigned_worker_may_not_close_or_follow_up(client_for, dave, alice, pathway):
    client = client_for(dave)
    exit_url = reverse("housing:case_close", args=[pathway["case"]])
    assert client.get(exit_url).status_code == 200  # sees the state, not the form
    # The tab of the pathway leads there while the case is open.
    tab = client.get(reverse("beneficiaries:case_exit", args=[pathway["case"]]))
    assert tab.status_code == 302 and tab.url == exit_url
    assert client.post(exit_url, {"closed_on": "2026-06-01"}).status_code == 403
    # The closed case is held by Alfa: dave sees it, but is not assigned to it.
    follow_up_url = reverse("beneficiaries:follow_up_record", args=[pathway["follow_up"]])
    assert client.get(follow_up_url).status_code == 403
    assert client.post(follow_up_url, {"done_on": "2026-06-02"}).status_code == 403
    assert client_for(alice).get(follow_up_url).status_code == 200


def test_coordinator_closes_and_follows_up(client_for, carla, pathway):
    client = client_for(carla)
    page = client.get(reverse("housing:case_close", args=[pathway["case"]]))
    assert page.status_code == 200 and "Chiudi la presa in carico" in page.content.decode()
    follow_up_url = reverse("beneficiaries:follow_up_record", args=[pathway["follow_up"]])
    assert client.get(follow_up_url).status_code == 200


def test_get_on_post_only_url_is_405(client_for, alice, pathway):
    for name, key, _data in POST_ONLY:
        assert client_for(alice).get(_url(name, key, pathway)).status_code == 405


@pytest.mark.parametrize("persona", ["alice", "bruno", "marco", "olga"])
def test_the_scale_is_for_every_logged_in_user(request, client_for, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("beneficiaries:autonomy_scale")).status_code == 200


def test_the_scale_needs_login(client):
    response = client.get(reverse("beneficiaries:autonomy_scale"))
    assert response.status_code == 302
