import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


@pytest.fixture
def client():
    return APIClient()


@pytest.fixture
def mod_client(moderator):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=moderator).key}")
    return api


@pytest.fixture(autouse=True)
def no_throttle(rate_limits):
    rate_limits(submissions="1000/minute")
    from django.core.cache import cache

    cache.clear()
