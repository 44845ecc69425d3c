from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def get(mapping, key):
    """``{{ values|get:"affected-count" }}``: look up keys that are not valid template names."""
    return mapping.get(key, "") if hasattr(mapping, "get") else ""


@register.simple_tag
def invalid(errors, name, help_id=""):
    """The ARIA attributes of a form field: ``aria-invalid`` when it has an error, and
    ``aria-describedby`` naming its help text and its error message, so a screen reader
    reads both when the field gets focus (``{% invalid errors "title" "title-help" %}``)."""
    has_error = bool(errors.get(name)) if hasattr(errors, "get") else False
    ids = [i for i in (help_id, f"{name}-error" if has_error else "") if i]
    attrs = (' aria-invalid="true"' if has_error else "") + (f' aria-describedby="{" ".join(ids)}"' if ids else "")
    return mark_safe(attrs)  # noqa: S308 (ids are the template's own field names)
