import pytest

from tests.factories import make_moderator


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
def fresh_cache():
    """Rate limits count in the cache; each test starts with none used."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
