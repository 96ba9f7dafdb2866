from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from dashboard.views.home import home

admin.site.site_header = "Abitare"
admin.site.site_title = "Abitare"

urlpatterns = [
    path("", home, name="home"),
    path("", include("core.urls")),
    path("", include("users.urls")),
    path("enti/", include("partners.urls")),
    path("progetti/", include("dashboard.urls")),
    path("progetti/", include("projects.urls")),
    path("", include("beneficiaries.urls")),
    path("", include("privacy.urls")),
    path("alloggi/", include("housing.urls")),
    path("notifiche/", include("notifications.urls")),
    # The household's own view (no staff login), and the workers' page of its accesses.
    path("percorso/", include("household_view.urls")),
    path("accessi-nucleo/", include("household_view.staff_urls")),
    # Choosing the language must work on the login page too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]
