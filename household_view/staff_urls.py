"""The workers' pages of the household's accesses, under a case."""

from django.urls import path

from . import staff_views

app_name = "household_access"

urlpatterns = [
    path("<uuid:public_id>/", staff_views.access_list, name="list"),
    path("<uuid:public_id>/nuovo/", staff_views.access_issue, name="issue"),
    path("<uuid:public_id>/<uuid:access_id>/stampa/", staff_views.access_print, name="print"),
    path("<uuid:public_id>/<uuid:access_id>/revoca/", staff_views.access_revoke, name="revoke"),
]
