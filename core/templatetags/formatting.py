"""`{% load formatting %}`: `{{ amount|euro }}` and `{{ days|number }}` (core/formatting.py)."""

from django import template

from core import formatting

register = template.Library()


@register.filter
def euro(value):
    return formatting.euro(value)


@register.filter
def number(value, decimal_pos=1):
    return formatting.number(value, int(decimal_pos))
