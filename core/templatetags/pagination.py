"""`{% load pagination %}`: `{% page_query number param %}`, the current query string with
the page `param` ("page" unless told) set to `number`; the filters and the other lists'
pages of the same page are kept (templates/includes/pagination.html)."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_query(context, number, param="page"):
    query = context["request"].GET.copy()
    query[param] = number
    return f"?{query.urlencode()}"
