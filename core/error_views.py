"""The page shown when a form comes back without a valid CSRF token (CSRF_FAILURE_VIEW):
in the user's language and in the site's layout, not Django's bare English page. The
reason Django gives is for developers and stays out of the page."""

from django.shortcuts import render


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)
