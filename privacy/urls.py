from django.urls import path

from privacy import views

app_name = "privacy"
urlpatterns = [
    path("persone/<uuid:public_id>/dati-personali/", views.person_data, name="person_data"),
    path(
        "persone/<uuid:public_id>/dati-personali.json",
        views.person_data_json,
        name="person_data_json",
    ),
    path(
        "nuclei/<uuid:public_id>/anonimizza/",
        views.household_anonymise,
        name="household_anonymise",
    ),
]
