from django.urls import path

from beneficiaries.views import appointments as appointments_views
from beneficiaries.views import cases as cases_views
from beneficiaries.views import households as households_views
from beneficiaries.views import intake as intake_views
from beneficiaries.views import pathway as pathway_views

app_name = "beneficiaries"
urlpatterns = [
    # Households, people, consent, history (views/households.py, the caseload in views/cases.py)
    path("casi/", cases_views.caseload, name="caseload"),
    path("nuclei/nuovo/", households_views.household_create, name="household_create"),
    path("nuclei/<uuid:public_id>/", households_views.household_detail, name="household_detail"),
    path(
        "nuclei/<uuid:public_id>/modifica/",
        households_views.household_update,
        name="household_update",
    ),
    path(
        "nuclei/<uuid:public_id>/storico/",
        households_views.household_history,
        name="household_history",
    ),
    path(
        "nuclei/<uuid:public_id>/componenti/nuovo/",
        households_views.person_create,
        name="person_create",
    ),
    path(
        "persone/<uuid:public_id>/modifica/", households_views.person_update, name="person_update"
    ),
    path(
        "nuclei/<uuid:public_id>/consensi/nuovo/",
        households_views.consent_create,
        name="consent_create",
    ),
    path("consensi/<int:pk>/revoca/", households_views.consent_withdraw, name="consent_withdraw"),
    # Referrals, waiting list, cases (views/intake.py, views/cases.py)
    path("segnalazioni/", intake_views.referral_list, name="referral_list"),
    path("nuclei/<uuid:public_id>/segnala/", intake_views.referral_create, name="referral_create"),
    path("segnalazioni/<uuid:public_id>/", intake_views.referral_detail, name="referral_detail"),
    path(
        "segnalazioni/<uuid:public_id>/stato/",
        intake_views.referral_transition,
        name="referral_transition",
    ),
    path(
        "segnalazioni/<uuid:public_id>/presa-in-carico/",
        cases_views.case_open,
        name="case_open",
    ),
    path("progetti/<slug:slug>/lista-attesa/", intake_views.waiting_list, name="waiting_list"),
    path("prese-in-carico/<uuid:public_id>/", cases_views.case_detail, name="case_detail"),
    path(
        "prese-in-carico/<uuid:public_id>/operatori/",
        cases_views.case_assign_workers,
        name="case_assign_workers",
    ),
    # Support pathway: plan, assessments, diary, documents, exit (views/pathway.py)
    path(
        "prese-in-carico/<uuid:public_id>/progetto/", pathway_views.plan_detail, name="plan_detail"
    ),
    path(
        "prese-in-carico/<uuid:public_id>/progetto/stampa/",
        pathway_views.plan_print,
        name="plan_print",
    ),
    path(
        "prese-in-carico/<uuid:public_id>/progetto/stampa.pdf",
        pathway_views.plan_pdf,
        name="plan_pdf",
    ),
    path(
        "prese-in-carico/<uuid:public_id>/progetto/nuovo/",
        pathway_views.plan_create,
        name="plan_create",
    ),
    path(
        "prese-in-carico/<uuid:public_id>/progetto/modifica/",
        pathway_views.plan_update,
        name="plan_update",
    ),
    path(
        "prese-in-carico/<uuid:public_id>/progetto/obiettivi/nuovo/",
        pathway_views.goal_create,
        name="goal_create",
    ),
    path("obiettivi/<int:pk>/conclusione/", pathway_views.goal_close, name="goal_close"),
    path("obiettivi/<int:pk>/azioni/nuova/", pathway_views.action_create, name="action_create"),
    path("azioni/<int:pk>/stato/", pathway_views.action_status, name="action_status"),
    path(
        "obiettivi/<int:pk>/condivisione/",
        pathway_views.household_sharing,
        {"kind": "goal"},
        name="goal_sharing",
    ),
    path(
        "azioni/<int:pk>/condivisione/",
        pathway_views.household_sharing,
        {"kind": "action"},
        name="action_sharing",
    ),
    path("verifiche/<int:pk>/", pathway_views.review_record, name="review_record"),
    path(
        "prese-in-carico/<uuid:public_id>/valutazioni/",
        pathway_views.assessment_list,
        name="assessment_list",
    ),
    path(
        "prese-in-carico/<uuid:public_id>/valutazioni/nuova/",
        pathway_views.assessment_create,
        name="assessment_create",
    ),
    path("scala-autonomia/", pathway_views.autonomy_scale, name="autonomy_scale"),
    path("prese-in-carico/<uuid:public_id>/diario/", pathway_views.diary_list, name="diary_list"),
    path(
        "prese-in-carico/<uuid:public_id>/diario/nuova/",
        pathway_views.diary_create,
        name="diary_create",
    ),
    path(
        "prese-in-carico/<uuid:public_id>/documenti/",
        pathway_views.document_list,
        name="document_list",
    ),
    path(
        "prese-in-carico/<uuid:public_id>/documenti/nuovo/",
        pathway_views.document_upload,
        name="document_upload",
    ),
    path(
        "documenti/<uuid:public_id>/scarica/",
        pathway_views.document_download,
        name="document_download",
    ),
    path(
        "documenti/<uuid:public_id>/sostituisci/",
        pathway_views.document_replace,
        name="document_replace",
    ),
    path(
        "documenti/<uuid:public_id>/elimina/",
        pathway_views.document_delete,
        name="document_delete",
    ),
    path("prese-in-carico/<uuid:public_id>/uscita/", pathway_views.case_exit, name="case_exit"),
    path("follow-up/<int:pk>/", pathway_views.follow_up_record, name="follow_up_record"),
    # Appointments, weeks and the calendar feed (views/appointments.py)
    path(
        "prese-in-carico/<uuid:public_id>/appuntamenti/",
        appointments_views.appointment_list,
        name="appointment_list",
    ),
    path(
        "prese-in-carico/<uuid:public_id>/appuntamenti/nuovo/",
        appointments_views.appointment_create,
        name="appointment_create",
    ),
    path(
        "appuntamenti/<uuid:public_id>/",
        appointments_views.appointment_detail,
        name="appointment_detail",
    ),
    path(
        "appuntamenti/<uuid:public_id>/modifica/",
        appointments_views.appointment_update,
        name="appointment_update",
    ),
    path(
        "appuntamenti/<uuid:public_id>/annulla/",
        appointments_views.appointment_cancel,
        name="appointment_cancel",
    ),
    path(
        "appuntamenti/<uuid:public_id>/esito/",
        appointments_views.appointment_outcome,
        name="appointment_outcome",
    ),
    path("agenda/", appointments_views.my_week, name="my_week"),
    path("progetti/<slug:slug>/agenda/", appointments_views.project_week, name="project_week"),
    path("agenda/calendario/", appointments_views.calendar_settings, name="calendar_settings"),
    path(
        "agenda/calendario/<str:token>.ics",
        appointments_views.calendar_feed_view,
        name="calendar_feed",
    ),
]
