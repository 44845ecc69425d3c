from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from api.models import ApiToken

from ... import mfa
from ...domain.moderation import MODERATORS_GROUP
from ...domain.partners import partner_of

MODERATOR_MODELS = ["incident", "source", "outcome", "system", "organization", "submission", "moderationevent", "incidentversion", "proposedname"]


def moderators_group() -> Group:
    """Return the moderators group, with the admin permissions a moderator needs."""
    group, _ = Group.objects.get_or_create(name=MODERATORS_GROUP)
    perms = Permission.objects.filter(content_type__app_label="incidents", content_type__model__in=MODERATOR_MODELS).exclude(codename__startswith="delete_")
    group.permissions.set(perms)
    return group


def set_checked_password(user, password: str) -> None:
    """Set ``password`` if Django's validators accept it; else stop with their messages."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise CommandError("Password refused: " + " ".join(exc.messages) + " Choose a longer passphrase.") from None
    user.set_password(password)


class Command(BaseCommand):
    help = ("Create or update a moderator, set up their second factor if they have none, and print a new API token "
            "(Authorization: Token <token>; it expires after API_TOKEN_DAYS days and is shown only now).")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument("--password", help="Set a password for the web desk and the admin (omit to keep or leave unusable).")
        parser.add_argument("--rotate-token", action="store_true", help="Revoke the moderator's other tokens.")
        parser.add_argument("--token-name", default="", help="What the token is for (default: made by createmoderator).")
        parser.add_argument("--token-days", type=int, default=None, help="Days until the token expires (default API_TOKEN_DAYS).")

    def handle(self, username, email, password, rotate_token, token_name="", token_days=None, **options):
        user, created = get_user_model().objects.get_or_create(username=username, defaults={"email": email})
        if partner_of(user) is not None:
            raise CommandError(f"{username} is a partner's contributor account; a moderator needs an account of its own.")
        user.is_staff = True
        user.is_active = True
        if email:
            user.email = email
        if password:
            set_checked_password(user, password)
        elif created:
            user.set_unusable_password()
        user.save()
        user.groups.add(moderators_group())
        if rotate_token:
            for old in ApiToken.objects.active().filter(user=user):
                old.revoke()
        if not mfa.enrolled(user):
            device, codes = mfa.set_up(user)
            self.stderr.write("Second factor: add this to the moderator's authenticator app (a QR code of it works too), "
                              f"and hand over the recovery codes; neither is shown again.\n  {device.config_url}\n"
                              f"  recovery codes: {' '.join(codes)}")
        token, key = ApiToken.issue(user, token_name or f"made by createmoderator on {timezone.now():%Y-%m-%d}", token_days)
        self.stderr.write(f"{'Created' if created else 'Updated'} moderator {username}.")
        self.stderr.write(f"API token {token.prefix}… expires {token.expires_at:%Y-%m-%d}; list or revoke tokens with manage.py api_tokens.")
        self.stdout.write(key)
