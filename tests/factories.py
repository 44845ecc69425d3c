"""Factories and helpers. Incidents are made through the real services, so tests
exercise the same path as submitters and moderators."""

import itertools

import factory
from django.contrib.auth import get_user_model

from incidents.domain import moderation
from incidents.domain import submissions as services
from incidents.management.commands.createmoderator import moderators_group
from incidents.models import Organization, System

_seq = itertools.count(1)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Police Department {n}")
    kind = "police"
    country = "US"


class SystemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = System

    name = factory.Sequence(lambda n: f"FaceMatch {n}")
    technology = "face"
    vendor = factory.SubFactory(OrganizationFactory, kind="vendor", name=factory.Sequence(lambda n: f"Vendor {n}"))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"user{n}")
    # Hashed before saving, so the stored hash matches the one a logged-in session carries.
    password = factory.django.Password("correct horse battery staple")


def make_moderator(mfa_device: bool = True, **kwargs):
    """A moderator; with a confirmed authenticator app unless ``mfa_device`` is False."""
    from incidents import mfa

    user = UserFactory(is_staff=True, **kwargs)
    user.groups.add(moderators_group())
    if mfa_device:
        mfa.set_up(user)
    return user


def totp_code(user) -> str:
    """The code the moderator's authenticator app shows now."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=user, confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def payload(**overrides) -> dict:
    """Return a valid submission body; ``overrides`` replace top-level fields."""
    n = next(_seq)
    body = {
        "title": f"Man arrested after a face search matched the wrong person ({n})",
        "narrative": "Police ran a surveillance still through face recognition and arrested the top candidate without other evidence.",
        "incident_date": "2023-02-16",
        "country": "US",
        "region": "Michigan",
        "city": "Detroit",
        "systems": [],
        "operators": [],
        "identification_mode": "investigative_search",
        "error_type": "false_match",
        "contributing_factors": ["over_reliance", "no_corroboration"],
        "affected": {"count": 1, "has_minor": False, "name": ""},
        "sources": [
            {"url": f"https://news.example.org/story-{n}", "title": f"Wrongful arrest story {n}", "publisher": "Example News",
             "published_date": "2023-08-06", "source_type": "news"},
            {"url": f"https://court.example.gov/case-{n}.pdf", "title": f"Complaint {n}", "publisher": "US District Court",
             "published_date": "2023-08", "source_type": "court_record"},
        ],
        "outcomes": [
            {"type": "arrested", "detail": "Arrested at home.", "sources": [0]},
            {"type": "detained", "days": 1, "detail": "Held 11 hours.", "sources": [0, 1]},
        ],
        "submitter": {"role": "journalist", "contact_email": f"reporter{n}@private.example"},
    }
    body.update(overrides)
    return body


def submit(**overrides):
    """Return (incident, submission, token) for a fresh submission."""
    submission, token = services.submit(payload(**overrides))
    return submission.incident, submission, token


def publish_new(moderator, proposed=None, **overrides):
    """Return a freshly published incident."""
    incident, _, _ = submit(**overrides)
    moderation.claim(incident, moderator)
    return moderation.publish(incident, moderator, proposed=proposed)
