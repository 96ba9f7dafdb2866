"""The login forms, with a limit on the name typed.

Django's AuthenticationForm sets the username field's max_length after the field is
made, so no validator checks it and any length reaches authenticate(): django-axes
then writes the name into its failed attempts (255 characters at most) and PostgreSQL
refuses a longer one — a server error on the login page, found by
tests/test_property_forms.py. Here a name longer than any user's is refused as a
wrong login, before authentication."""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator


class _BoundedUsernameMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length or 150))


class LoginForm(_BoundedUsernameMixin, AuthenticationForm):
    pass


class AdminLoginForm(_BoundedUsernameMixin, AdminAuthenticationForm):
    pass
