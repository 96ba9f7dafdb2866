from django.urls import path

from . import security_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("sessione/resta-collegato/", security_views.session_keep_alive, name="session_keep_alive"),
]
