"""Second factors for moderators (django-otp): a TOTP app, and recovery codes for when the
phone is lost. Every moderator needs a confirmed device before the desk, the admin or an
API token works (``views.desk.moderator_required``, ``registry.admin_site``,
``api.authentication``)."""

from django.db import transaction
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODES = 10


def pending_totp(user) -> TOTPDevice:
    """The user's unconfirmed TOTP device, made once and kept until confirmed (so a reload
    of the set-up page shows the same secret)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


@transaction.atomic
def recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes with RECOVERY_CODES new single-use ones; return them (shown once)."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name="Recovery codes", defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def confirm(device: TOTPDevice) -> list[str]:
    """Confirm a TOTP device whose code was checked; return fresh recovery codes."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    return recovery_codes(device.user)


def enrolled(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def set_up(user) -> tuple[TOTPDevice, list[str]]:
    """Give a user a confirmed TOTP device and recovery codes at once (createmoderator: the
    operator hands both over); return the device (its ``config_url`` for the app) and codes."""
    device = pending_totp(user)
    return device, confirm(device)


has_second_factor = user_has_device
