from django.urls import path

from .views import households, referrals

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
]
