from django.urls import path

from . import views

app_name = "housing"
urlpatterns = [
    path("", views.board_index, name="board_index"),
    path("progetti/<slug:slug>/", views.project_board, name="project_board"),
    path("immobili/<int:pk>/", views.property_board, name="property_board"),
    path("unita/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("unita/<int:pk>/modifica/", views.unit_update, name="unit_update"),
    path("unita/<int:pk>/abbinamento/", views.unit_match, name="unit_match"),
    path(
        "unita/<int:pk>/inserimento/<int:entry_pk>/",
        views.placement_create,
        name="placement_create",
    ),
    path(
        "unita/<int:pk>/inserimento/presa-in-carico/<uuid:public_id>/",
        views.placement_create_for_case,
        name="placement_create_for_case",
    ),
    path(
        "prese-in-carico/<uuid:public_id>/chiusura/",
        views.case_close,
        name="case_close",
    ),
    path("inserimenti/<uuid:public_id>/", views.placement_detail, name="placement_detail"),
    path(
        "inserimenti/<uuid:public_id>/patto/",
        views.placement_agreement,
        name="placement_agreement",
    ),
    path(
        "inserimenti/<uuid:public_id>/patto.pdf",
        views.placement_agreement_pdf,
        name="placement_agreement_pdf",
    ),
    path("inserimenti/<uuid:public_id>/uscita/", views.placement_end, name="placement_end"),
    path("inserimenti/<uuid:public_id>/proroga/", views.placement_renew, name="placement_renew"),
    path(
        "inserimenti/<uuid:public_id>/trasferimento/",
        views.placement_move,
        name="placement_move",
    ),
    path(
        "inserimenti/<uuid:public_id>/quota/", views.contribution_detail, name="contribution_detail"
    ),
    path(
        "inserimenti/<uuid:public_id>/quota/addebita/",
        views.charges_generate,
        name="charges_generate",
    ),
    path(
        "inserimenti/<uuid:public_id>/quota/pagamento/",
        views.payment_create,
        name="payment_create",
    ),
    path(
        "inserimenti/<uuid:public_id>/quota/pagamento/<int:pk>/storno/",
        views.payment_reverse,
        name="payment_reverse",
    ),
    path(
        "inserimenti/<uuid:public_id>/quota/variazione/",
        views.contribution_change_create,
        name="contribution_change_create",
    ),
    path(
        "inserimenti/<uuid:public_id>/quota/sospensione/",
        views.contribution_suspension_create,
        name="contribution_suspension_create",
    ),
    path(
        "inserimenti/<uuid:public_id>/quota/non-imputabile/",
        views.arrears_flag_create,
        name="arrears_flag_create",
    ),
    path(
        "inserimenti/<uuid:public_id>/quota/piano-di-rientro/",
        views.repayment_plan_create,
        name="repayment_plan_create",
    ),
    path(
        "prese-in-carico/<uuid:public_id>/quota/",
        views.case_contributions,
        name="case_contributions",
    ),
]
