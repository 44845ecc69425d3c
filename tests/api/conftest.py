import pytest
from api.models import ApiToken
from rest_framework.test import APIClient


@pytest.fixture
def client():
    return APIClient()


@pytest.fixture
def mod_client(moderator):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {ApiToken.issue(moderator)[1]}")
    return api


@pytest.fixture(autouse=True)
def no_throttle(rate_limits):
    rate_limits(submissions="1000/minute")
    from django.core.cache import cache

    cache.clear()
