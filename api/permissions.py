from rest_framework.permissions import BasePermission

from incidents.domain.moderation import is_moderator
from incidents.domain.partners import partner_of


class IsModerator(BasePermission):
    """Allow members of the moderators group; the default for every API view."""

    message = "Only moderators can do this. Send `Authorization: Token <token>` (see `manage.py createmoderator`)."

    def has_permission(self, request, view):
        return is_moderator(request.user)


class IsContributor(BasePermission):
    """Allow a partner's contributor accounts (``manage.py createcontributor``)."""

    message = "Only a partner's contributor account can do this. Send `Authorization: Token <token>` (see `manage.py createcontributor`)."

    def has_permission(self, request, view):
        return partner_of(request.user) is not None
