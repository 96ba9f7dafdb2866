from django.urls import path

from dashboard.views import caseloads as caseloads_views
from dashboard.views import contributions as contributions_views
from dashboard.views import indicators as indicators_views
from dashboard.views import referrals as referrals_views
from dashboard.views import reporting as reporting_views

# Mounted under "progetti/" before projects.urls, whose "<slug>/" would take "cruscotto/".
app_name = "dashboard"
urlpatterns = [
    path("cruscotto/", indicators_views.dashboard, name="dashboard"),
    path("cruscotto/stampa/", indicators_views.dashboard_print, name="dashboard_print"),
    path(
        "cruscotto/esporta/<str:table>/<str:fmt>/",
        indicators_views.dashboard_export,
        name="dashboard_export",
    ),
    path("rendicontazione/", reporting_views.reporting_page, name="reporting"),
    path(
        "rendicontazione/esporta/<str:table>/<str:fmt>/",
        reporting_views.reporting_export,
        name="reporting_export",
    ),
    path(
        "rendicontazione/abitare-temporaneo/",
        reporting_views.temporary_monitoring,
        name="temporary_monitoring",
    ),
    path(
        "rendicontazione/abitare-temporaneo/esporta/<str:fmt>/",
        reporting_views.temporary_monitoring_export,
        name="temporary_monitoring_export",
    ),
    path("rendicontazione/siuss/", reporting_views.siuss_page, name="siuss"),
    path(
        "rendicontazione/siuss/esporta/<str:fmt>/",
        reporting_views.siuss_export,
        name="siuss_export",
    ),
    path("quote/", contributions_views.contributions, name="contributions"),
    path(
        "quote/esporta/<str:fmt>/",
        contributions_views.contributions_export,
        name="contributions_export",
    ),
    path("carichi/", caseloads_views.caseloads, name="caseloads"),
    path("carichi/assegna/", caseloads_views.caseloads_assign, name="caseloads_assign"),
    path(
        "carichi/esporta/<str:table>/<str:fmt>/",
        caseloads_views.caseloads_export,
        name="caseloads_export",
    ),
    path(
        "segnalazioni/<uuid:public_id>/percorso/",
        referrals_views.referral_timeline,
        name="referral_timeline",
    ),
    path("<slug:slug>/cruscotto/", indicators_views.project_dashboard, name="project_dashboard"),
    path(
        "<slug:slug>/rendicontazione/",
        reporting_views.funder_report,
        name="funder_report",
    ),
    path(
        "<slug:slug>/rendicontazione/xlsx/",
        reporting_views.funder_report_xlsx,
        name="funder_report_xlsx",
    ),
    path(
        "<slug:slug>/cruscotto/stampa/",
        indicators_views.project_dashboard_print,
        name="project_dashboard_print",
    ),
    path(
        "<slug:slug>/cruscotto/esporta/<str:table>/<str:fmt>/",
        indicators_views.project_dashboard_export,
        name="project_dashboard_export",
    ),
]
