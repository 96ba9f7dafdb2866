"""The household's own pages (no staff login: each view is @login_not_required and
asks for the member's session itself)."""

from django.urls import path

from . import views

app_name = "household_view"

urlpatterns = [
    path("", views.home, name="home"),
    path("benvenuto/", views.start, name="start"),
    path("entra/<str:token>/", views.link_open, name="open"),
    path("pin/", views.pin_set, name="pin_set"),
    path("accedi/", views.pin_login, name="pin_login"),
    path("lingua/", views.language, name="language"),
    path("come-sto/", views.self_assessment, name="self_assessment"),
    path("scrivi/", views.message, name="message"),
    path("consensi/<int:pk>/revoca/", views.consent_withdrawal, name="consent_withdrawal"),
    path("esci/", views.logout, name="logout"),
]
