from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("campanella/", views.notification_bell, name="bell"),
    path("<int:pk>/apri/", views.notification_open, name="open"),
    path("<int:pk>/letta/", views.notification_mark_read, name="mark_read"),
    path("tutte-lette/", views.notifications_mark_all_read, name="mark_all_read"),
    path("preferenze/", views.preferences, name="preferences"),
]
