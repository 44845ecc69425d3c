import pytest

from tests.factories import make_moderator

# The three standing actors: an anonymous visitor, a submitter holding a status token, a moderator.


@pytest.fixture
def visitor():
    """The public, anonymous: no session, no token."""
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def submitter(db):
    """Someone who sent a case: their incident, submission, token and status page address."""
    from types import SimpleNamespace

    from tests.factories import submit

    incident, submission, token = submit()
    return SimpleNamespace(incident=incident, submission=submission, token=token, status_url=f"/submissions/status/{token}/")


@pytest.fixture
def moderator(db):
    return make_moderator(username="mod-ada")


@pytest.fixture
def other_moderator(db):
    return make_moderator(username="mod-grace")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """PBKDF2 is deliberately slow; tests do not need it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_cache(request):
    """Rate limits count in the cache (a database table, shared by every process); each test
    that uses the database starts with none used. Tests without the database have no cache."""
    marker = request.node.get_closest_marker("django_db")
    names = set(request.fixturenames)
    if marker is None and not names & {"db", "transactional_db"}:
        yield
        return
    transactional = (marker is not None and marker.kwargs.get("transaction")) or "transactional_db" in names
    request.getfixturevalue("transactional_db" if transactional else "db")
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def rate_limits(settings, monkeypatch):
    """Set rate limits for one test: ``rate_limits(submissions="3/hour")``. DRF reads the
    rates into a class attribute at import, so that is set too (and put back after)."""
    from rest_framework.throttling import SimpleRateThrottle

    def apply(**rates):
        merged = dict(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **rates)
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": merged}
        monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", merged)

    return apply


@pytest.fixture(autouse=True)
def verified_logins(monkeypatch):
    """``client.force_login(moderator)`` stands for a full sign-in, second factor included:
    the session is marked verified by the moderator's authenticator app, as django-otp's
    login does. A user without a confirmed app gets a plain session."""
    from django.test import Client

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is not None:
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture
def mod_client(moderator):
    """The API as the standing moderator sees it, with a token."""
    from rest_framework.test import APIClient

    from api.models import ApiToken

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {ApiToken.issue(moderator)[1]}")
    return api
