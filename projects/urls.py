from django.urls import path

from . import dashboard_views, views

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="project_list"),
    # The coordinators' dashboard and caseloads, before "<slug>/" which would take them.
    path("cruscotto/", dashboard_views.dashboard, name="dashboard"),
    path("cruscotto/stampa/", dashboard_views.dashboard_print, name="dashboard_print"),
    path(
        "cruscotto/esporta/<str:table>/<str:fmt>/",
        dashboard_views.dashboard_export,
        name="dashboard_export",
    ),
    path("carichi/", dashboard_views.caseloads, name="caseloads"),
    path("carichi/assegna/", dashboard_views.caseloads_assign, name="caseloads_assign"),
    path(
        "carichi/esporta/<str:table>/<str:fmt>/",
        dashboard_views.caseloads_export,
        name="caseloads_export",
    ),
    path("<slug:slug>/", views.project_detail, name="project_detail"),
    path("<slug:slug>/cruscotto/", dashboard_views.project_dashboard, name="project_dashboard"),
    path(
        "<slug:slug>/cruscotto/stampa/",
        dashboard_views.project_dashboard_print,
        name="project_dashboard_print",
    ),
    path(
        "<slug:slug>/cruscotto/esporta/<str:table>/<str:fmt>/",
        dashboard_views.project_dashboard_export,
        name="project_dashboard_export",
    ),
]
