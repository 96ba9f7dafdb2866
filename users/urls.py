from django.contrib.auth import views as auth_views
from django.urls import path

from .forms import LoginForm
from .views import PasswordChangeView

urlpatterns = [
    path(
        "accesso/",
        auth_views.LoginView.as_view(
            redirect_authenticated_user=True, authentication_form=LoginForm
        ),
        name="login",
    ),
    path("uscita/", auth_views.LogoutView.as_view(), name="logout"),
    path("profilo/sicurezza/password/", PasswordChangeView.as_view(), name="password_change"),
]
