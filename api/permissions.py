from rest_framework.permissions import BasePermission

from incidents.domain.moderation import is_moderator


class IsModerator(BasePermission):
    """Allow members of the moderators group; the default for every API view."""

    message = "Only moderators can do this. Send `Authorization: Token <token>` (see `manage.py createmoderator`)."

    def has_permission(self, request, view):
        return is_moderator(request.user)
