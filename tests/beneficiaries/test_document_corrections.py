"""Documents can be corrected (issue 12, item 9): a wrong upload is deleted with a reason
(its file leaves the storage once the transaction commits; the history keeps who and
why, not the file), and a document is replaced by a newer version (the old one stays,
superseded, linked to its successor; lists show the current versions and the old ones
on demand). Who may: the holding organisation's workers and coordinators and the
project's coordinators (core.access.Access.may_correct_document)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from beneficiaries.models import Document
from beneficiaries.services import pathway as pathway_services
from core.audit import rendered_changes
from core.models import AuditEvent
from tests.beneficiaries.pathway_helpers import PNG_BYTES, pdf_upload
from tests.factories import CaseAssignmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def upload(alice, case_alfa):
    def upload(name="permesso.pdf", kind="other", **extra):
        return pathway_services.document_upload(
            user=alice, case=case_alfa, kind=kind, file=pdf_upload(name), **extra
        )

    return upload


def _stored(document) -> bool:
    return document.file.storage.exists(document.file.name)


def _list(client, case, **params):
    return client.get(reverse("beneficiaries:document_list", args=[case.public_id]), params)


# Deleting a wrong upload ----------------------------------------------------------------


def test_delete_removes_row_and_file_after_commit_and_keeps_who_and_why(
    client_for, alice, case_alfa, upload, private_storage_root, django_capture_on_commit_callbacks
):
    document = upload("di-un-altra-persona.pdf")
    path = private_storage_root / document.file.name
    assert path.exists()
    url = reverse("beneficiaries:document_delete", args=[document.public_id])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client_for(alice).post(url, {"reason": "È di un'altra persona"})
    assert response.status_code == 302
    assert not Document.objects.filter(pk=document.pk).exists()
    # Until the transaction commits the file is still there: a rollback would need it.
    assert path.exists()
    assert len(callbacks) == 1
    callbacks[0]()
    assert not path.exists()

    event = AuditEvent.objects.get(action=AuditEvent.Action.DELETE, object_id=str(document.pk))
    assert event.actor == alice
    assert event.case_id == case_alfa.pk
    assert event.changes["deletion_reason"] == [None, "È di un'altra persona"]
    # Who and why, never the file, its name or its description.
    assert "di-un-altra-persona" not in str(event.changes)
    assert document.file.name not in str(event.changes)
    rows = rendered_changes([event], case_alfa.household)[0]["changes"]
    assert {"field": "motivo dell'eliminazione", "old": "—", "new": "È di un'altra persona"} in (
        rows
    )


def test_delete_without_reason_says_so_and_keeps_everything(
    client_for, alice, upload, private_storage_root
):
    document = upload()
    events = AuditEvent.objects.count()
    response = client_for(alice).post(
        reverse("beneficiaries:document_delete", args=[document.public_id]), {"reason": "  "}
    )
    assert response.status_code == 200
    assert "Scrivi perché elimini il documento." in response.content.decode()
    assert Document.objects.filter(pk=document.pk).exists()
    assert _stored(document)
    assert AuditEvent.objects.count() == events


def test_a_rolled_back_delete_keeps_row_and_file(
    alice, upload, private_storage_root, django_capture_on_commit_callbacks
):
    document = upload()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        pathway_services.document_delete(user=alice, document=document, reason="Sbagliato")
        raise RuntimeError("something after it failed")
    assert callbacks == []
    assert Document.objects.filter(pk=document.pk).exists()
    assert _stored(document)
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.DELETE).exists()


def test_delete_removes_the_object_from_the_bucket(
    alice, upload, s3_documents, django_capture_on_commit_callbacks
):
    client, bucket = s3_documents
    document = upload()
    key = document.file.name
    assert client.head_object(Bucket=bucket, Key=key)
    with django_capture_on_commit_callbacks(execute=True):
        pathway_services.document_delete(user=alice, document=document, reason="Sbagliato")
    keys = [item["Key"] for item in client.list_objects_v2(Bucket=bucket).get("Contents", [])]
    assert key not in keys


# Replacing by a newer version -----------------------------------------------------------


def test_replace_keeps_the_old_version_superseded_and_lists_the_current_one(
    client_for, alice, case_alfa, upload, private_storage_root
):
    old = upload("isee-2025.pdf", kind="isee", expires_on="2026-01-15")
    response = client_for(alice).post(
        reverse("beneficiaries:document_replace", args=[old.public_id]),
        {"file": pdf_upload("isee-2026.pdf"), "expires_on": "2027-01-15"},
    )
    assert response.status_code == 302, response.content.decode()[:800]
    old.refresh_from_db()
    new = old.superseded_by
    assert new is not None and new.previous_version == old
    assert (new.kind, new.original_name, str(new.expires_on)) == (
        "isee",
        "isee-2026.pdf",
        "2027-01-15",
    )
    assert _stored(old) and _stored(new)

    page = _list(client_for(alice), case_alfa).content.decode()
    assert "isee-2026.pdf" in page and "isee-2025.pdf" not in page
    assert "Mostra anche 1 versione precedente" in page
    page = _list(client_for(alice), case_alfa, versioni="tutte").content.decode()
    assert "isee-2026.pdf" in page and "isee-2025.pdf" in page
    assert 'data-testid="superseded-document"' in page


def test_a_superseded_version_cannot_be_replaced_again(alice, upload, private_storage_root):
    old = upload()
    pathway_services.document_replace(user=alice, document=old, file=pdf_upload("v2.pdf"))
    with pytest.raises(ValidationError, match="già stato sostituito"):
        pathway_services.document_replace(user=alice, document=old, file=pdf_upload("v3.pdf"))
    assert Document.objects.count() == 2


def test_replace_with_a_bad_file_saves_nothing(client_for, alice, upload, private_storage_root):
    old = upload()
    files_before = sorted(p.name for p in private_storage_root.rglob("*") if p.is_file())
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for(alice).post(
        reverse("beneficiaries:document_replace", args=[old.public_id]),
        {"file": SimpleUploadedFile("scan.pdf", PNG_BYTES, content_type="application/pdf")},
    )
    assert response.status_code == 200
    assert "non corrisponde alla sua estensione" in response.content.decode()
    old.refresh_from_db()
    assert old.superseded_by is None
    assert Document.objects.count() == 1
    assert sorted(p.name for p in private_storage_root.rglob("*") if p.is_file()) == files_before


def test_a_failure_after_the_new_upload_removes_its_file(
    alice, upload, private_storage_root, monkeypatch
):
    old = upload()
    files_before = {p for p in private_storage_root.rglob("*") if p.is_file()}

    def broken(**kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr(pathway_services.audit, "record_update", broken)
    with pytest.raises(RuntimeError):
        pathway_services.document_replace(user=alice, document=old, file=pdf_upload("v2.pdf"))
    assert {p for p in private_storage_root.rglob("*") if p.is_file()} == files_before


def test_deleting_the_current_version_makes_the_previous_one_current(
    alice, case_alfa, upload, private_storage_root
):
    first = upload("v1.pdf")
    second = pathway_services.document_replace(
        user=alice, document=first, file=pdf_upload("v2.pdf")
    )
    pathway_services.document_delete(user=alice, document=second, reason="File sbagliato")
    first.refresh_from_db()
    assert first.is_current
    assert [d.original_name for d in Document.objects.filter(case=case_alfa)] == ["v1.pdf"]


def test_deleting_a_middle_version_links_its_predecessor_to_its_successor(
    alice, upload, private_storage_root
):
    first = upload("v1.pdf")
    second = pathway_services.document_replace(
        user=alice, document=first, file=pdf_upload("v2.pdf")
    )
    third = pathway_services.document_replace(
        user=alice, document=second, file=pdf_upload("v3.pdf")
    )
    pathway_services.document_delete(user=alice, document=second, reason="Doppione")
    first.refresh_from_db()
    assert first.superseded_by == third
    assert list(Document.objects.filter(superseded_by__isnull=True)) == [third]


def test_an_expired_superseded_permit_is_no_longer_announced(
    alice, case_alfa, upload, private_storage_root
):
    import datetime

    from django.utils import timezone

    from dashboard.selectors.my_day import reminder_counts

    soon = timezone.localdate() + datetime.timedelta(days=10)
    old = upload("permesso.pdf", kind="residence_permit", expires_on=soon)
    assert reminder_counts(user=alice).get("permit_expiring") == 1
    pathway_services.document_replace(
        user=alice,
        document=old,
        file=pdf_upload("permesso-rinnovato.pdf"),
        expires_on=soon + datetime.timedelta(days=700),
    )
    assert "permit_expiring" not in reminder_counts(user=alice)


# Who may correct ------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["alice", "dave", "carla"])
def test_holding_organisation_and_project_coordinators_may_correct(
    request, client_for, persona, upload, private_storage_root
):
    document = upload()
    client = client_for(request.getfixturevalue(persona))
    for name in ("document_replace", "document_delete"):
        assert (
            client.get(reverse(f"beneficiaries:{name}", args=[document.public_id])).status_code
            == 200
        )


def test_a_worker_assigned_from_another_organisation_uploads_but_may_not_correct(
    client_for, bruno, case_alfa, upload, private_storage_root
):
    CaseAssignmentFactory(case=case_alfa, worker=bruno)
    document = upload()
    client = client_for(bruno)
    assert _list(client, case_alfa).status_code == 200
    assert reverse("beneficiaries:document_delete", args=[document.public_id]) not in (
        _list(client, case_alfa).content.decode()
    )
    for name, data in (
        ("document_replace", {"file": pdf_upload()}),
        ("document_delete", {"reason": "x"}),
    ):
        url = reverse(f"beneficiaries:{name}", args=[document.public_id])
        assert client.get(url).status_code == 403
        assert client.post(url, data).status_code == 403
    assert Document.objects.filter(pk=document.pk, superseded_by__isnull=True).exists()
    with pytest.raises(Exception) as refused:
        pathway_services.document_delete(user=bruno, document=document, reason="x")
    assert refused.type.__name__ == "PermissionDenied"


# Query budgets ----------------------------------------------------------------------------


def test_document_list_query_budget(
    client_for, alice, case_alfa, upload, private_storage_root, django_assert_num_queries
):
    for n in range(3):
        pathway_services.document_replace(
            user=alice, document=upload(f"d{n}.pdf"), file=pdf_upload(f"d{n}-v2.pdf")
        )
    client = client_for(alice)
    _list(client, case_alfa)
    # session, user, memberships, case, documents, superseded count, and the household's
    # name three times (title, breadcrumb, heading), the read-log row (issue 11, item 9):
    # the same for six rows as for sixty.
    with django_assert_num_queries(10):
        assert _list(client, case_alfa, versioni="tutte").status_code == 200


def test_correction_pages_query_budget(
    client_for, alice, upload, private_storage_root, django_assert_num_queries
):
    document = upload()
    client = client_for(alice)
    url = reverse("beneficiaries:document_delete", args=[document.public_id])
    client.get(url)
    # Each page of the case writes its read-log row (issue 11, item 9).
    with django_assert_num_queries(8):
        assert client.get(url).status_code == 200
    url = reverse("beneficiaries:document_replace", args=[document.public_id])
    with django_assert_num_queries(8):
        assert client.get(url).status_code == 200
