from django.urls import path

from .views import gdpr, households, referrals, support

app_name = "beneficiaries"
urlpatterns = [
    # Households, people, consent, history (views/households.py)
    path("casi/", households.caseload, name="caseload"),
    path("nuclei/nuovo/", households.household_create, name="household_create"),
    path("nuclei/verifica-doppioni/", households.duplicate_check, name="duplicate_check"),
    path("nuclei/<uuid:public_id>/", households.household_detail, name="household_detail"),
    path("nuclei/<uuid:public_id>/modifica/", households.household_update, name="household_update"),
    path(
        "nuclei/<uuid:public_id>/storico/", households.household_history, name="household_history"
    ),
    path(
        "nuclei/<uuid:public_id>/componenti/nuovo/", households.person_create, name="person_create"
    ),
    path("persone/<uuid:public_id>/modifica/", households.person_update, name="person_update"),
    path(
        "nuclei/<uuid:public_id>/consensi/nuovo/", households.consent_create, name="consent_create"
    ),
    path("consensi/<int:pk>/revoca/", households.consent_withdraw, name="consent_withdraw"),
    # Referrals, waiting list, cases (views/referrals.py)
    path("segnalazioni/", referrals.referral_list, name="referral_list"),
    path("nuclei/<uuid:public_id>/segnala/", referrals.referral_create, name="referral_create"),
    path("segnalazioni/<uuid:public_id>/", referrals.referral_detail, name="referral_detail"),
    path(
        "segnalazioni/<uuid:public_id>/stato/",
        referrals.referral_transition,
        name="referral_transition",
    ),
    path(
        "segnalazioni/<uuid:public_id>/presa-in-carico/",
        referrals.case_open,
        name="case_open",
    ),
    path("progetti/<slug:slug>/lista-attesa/", referrals.waiting_list, name="waiting_list"),
    path("prese-in-carico/<uuid:public_id>/", referrals.case_detail, name="case_detail"),
    path(
        "prese-in-carico/<uuid:public_id>/operatori/",
        referrals.case_assign_workers,
        name="case_assign_workers",
    ),
    # Support pathway: plan, assessments, diary, documents, exit (views/support.py)
    path("prese-in-carico/<uuid:public_id>/progetto/", support.plan_detail, name="plan_detail"),
    path(
        "prese-in-carico/<uuid:public_id>/progetto/nuovo/",
        support.plan_create,
        name="plan_create",
    ),
    path(
        "prese-in-carico/<uuid:public_id>/progetto/modifica/",
        support.plan_update,
        name="plan_update",
    ),
    path(
        "prese-in-carico/<uuid:public_id>/progetto/obiettivi/nuovo/",
        support.goal_create,
        name="goal_create",
    ),
    path("obiettivi/<int:pk>/conclusione/", support.goal_close, name="goal_close"),
    path("obiettivi/<int:pk>/azioni/nuova/", support.action_create, name="action_create"),
    path("azioni/<int:pk>/stato/", support.action_status, name="action_status"),
    path("verifiche/<int:pk>/", support.review_record, name="review_record"),
    path(
        "prese-in-carico/<uuid:public_id>/valutazioni/",
        support.assessment_list,
        name="assessment_list",
    ),
    path(
        "prese-in-carico/<uuid:public_id>/valutazioni/nuova/",
        support.assessment_create,
        name="assessment_create",
    ),
    path("scala-autonomia/", support.autonomy_scale, name="autonomy_scale"),
    path("prese-in-carico/<uuid:public_id>/diario/", support.diary_list, name="diary_list"),
    path(
        "prese-in-carico/<uuid:public_id>/diario/nuova/",
        support.diary_create,
        name="diary_create",
    ),
    path(
        "prese-in-carico/<uuid:public_id>/documenti/",
        support.document_list,
        name="document_list",
    ),
    path(
        "prese-in-carico/<uuid:public_id>/documenti/nuovo/",
        support.document_upload,
        name="document_upload",
    ),
    path(
        "documenti/<uuid:public_id>/scarica/",
        support.document_download,
        name="document_download",
    ),
    path("prese-in-carico/<uuid:public_id>/uscita/", support.case_exit, name="case_exit"),
    path("follow-up/<int:pk>/", support.follow_up_record, name="follow_up_record"),
    # The rights of a person over their data (views/gdpr.py)
    path("persone/<uuid:public_id>/dati-personali/", gdpr.person_data, name="person_data"),
    path(
        "persone/<uuid:public_id>/dati-personali.json",
        gdpr.person_data_json,
        name="person_data_json",
    ),
    path(
        "nuclei/<uuid:public_id>/anonimizza/",
        gdpr.household_anonymise,
        name="household_anonymise",
    ),
]
