"""The test suite's lockout backend.

django-axes' backend refuses to authenticate without a request, and the test client's
`client.login(username=..., password=...)` calls `authenticate()` without one. This
subclass lets those calls through (there is no client address to count failures
against); every request-bearing login — the login form, the admin login — is checked
for lockouts exactly as in production."""

from axes.backends import AxesStandaloneBackend


class RequestOptionalAxesBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
