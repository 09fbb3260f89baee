from decimal import Decimal

from django import template

from doanket.core.lib import dates, money

register = template.Library()


@register.filter
def vnd(value):
    """1250000 → "1.250.000 đ"."""
    if value in (None, ""):
        return ""
    return money.format_vnd(int(value))


@register.filter
def vnumber(value, decimals=None):
    if value in (None, ""):
        return ""
    return money.format_number(value, decimals)


@register.filter
def vdate(value):
    """A date as dd/mm/yyyy; the open ends of a validity span show as nothing."""
    return dates.format_date(value)


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template, None when absent."""
    if mapping is None:
        return None
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def vplain(value):
    """A stored figure as people type it: 1250.0000 → "1.250", 97.5000 → "97,5"."""
    if value in (None, ""):
        return ""
    number = Decimal(value)
    if number == number.to_integral():
        return money.format_number(int(number))
    return money.format_number(number.normalize())
