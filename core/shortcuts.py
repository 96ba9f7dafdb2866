"""Small helpers every app's selectors share."""

from django.db.models import QuerySet
from django.http import Http404


def get_or_404(queryset: QuerySet, **lookup):
    """The one row of a scoped queryset, or 404: outside the user's scope, and for a
    malformed key (an id that is not a number, a bad UUID), as if it did not exist."""
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
