from django import template

register = template.Library()


@register.filter
def get(mapping, key):
    """``{{ values|get:"affected-count" }}``: look up keys that are not valid template names."""
    return mapping.get(key, "") if hasattr(mapping, "get") else ""
