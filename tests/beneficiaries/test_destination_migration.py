"""The data migration to one exit-destination vocabulary: the case exits', follow-ups'
and their audit rows' old codes become the shared ones, and back when unapplied."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("beneficiaries", "0003_who_did_it_may_be_deleted")]
AFTER = [("beneficiaries", "0004_one_exit_destination_vocabulary")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor._create_project_state(with_applied_migrations=True).apps


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def test_old_codes_are_rewritten_and_back():
    case_id = CaseFactory().pk
    latest = _latest()
    try:
        apps = _migrate(BEFORE)
        CaseExit = apps.get_model("beneficiaries", "CaseExit")
        FollowUp = apps.get_model("beneficiaries", "FollowUp")
        AuditEvent = apps.get_model("core", "AuditEvent")
        day = datetime.date(2025, 1, 1)
        exit_id = CaseExit.objects.create(
            case_id=case_id,
            closed_on=day,
            reason="goals_reached",
            destination="own_rented",
            autonomy_reached="yes",
        ).pk
        housed = FollowUp.objects.create(
            case_id=case_id,
            months_after_exit=3,
            due_on=day,
            done_on=day,
            still_housed="yes",
            housing_situation="family",
        ).pk
        unchanged = FollowUp.objects.create(
            case_id=case_id,
            months_after_exit=6,
            due_on=day,
            done_on=day,
            still_housed="yes",
            housing_situation="public_housing",
        ).pk
        event = AuditEvent.objects.create(
            action="update",
            model_label="beneficiaries.FollowUp",
            object_id=str(housed),
            changes={"housing_situation": ["", "family"], "notes": ["", "family"]},
        ).pk

        apps = _migrate(AFTER)
        CaseExit = apps.get_model("beneficiaries", "CaseExit")
        FollowUp = apps.get_model("beneficiaries", "FollowUp")
        AuditEvent = apps.get_model("core", "AuditEvent")
        assert CaseExit.objects.get(pk=exit_id).destination == "own_rented_home"
        assert FollowUp.objects.get(pk=housed).housing_situation == "family_or_friends"
        assert FollowUp.objects.get(pk=unchanged).housing_situation == "public_housing"
        # Only the destination field of the audit row is a code; the notes stay as written.
        assert AuditEvent.objects.get(pk=event).changes == {
            "housing_situation": ["", "family_or_friends"],
            "notes": ["", "family"],
        }

        apps = _migrate(BEFORE)
        CaseExit = apps.get_model("beneficiaries", "CaseExit")
        FollowUp = apps.get_model("beneficiaries", "FollowUp")
        AuditEvent = apps.get_model("core", "AuditEvent")
        assert CaseExit.objects.get(pk=exit_id).destination == "own_rented"
        assert FollowUp.objects.get(pk=housed).housing_situation == "family"
        assert AuditEvent.objects.get(pk=event).changes["housing_situation"] == ["", "family"]
    finally:
        _migrate(latest)
