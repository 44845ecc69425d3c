"""The API's face of incidents.pagination: bad paging parameters become a 400 naming the field."""

from urllib.parse import urlencode

from rest_framework.exceptions import ValidationError

from incidents.public import pagination
from incidents.public.pagination import (  # noqa: F401 (re-exported for the schema)
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
)


def paginate(queryset, request, **options):
    try:
        return pagination.paginate(queryset, request.query_params, **options)
    except pagination.PageError as exc:
        raise ValidationError({exc.field: [exc.message]}) from None


def next_link(request, cursor):
    if not cursor:
        return None
    params = [(k, v) for k, values in request.query_params.lists() for v in values if k != "cursor"]
    params.append(("cursor", cursor))
    return request.build_absolute_uri(request.path) + "?" + urlencode(params)
