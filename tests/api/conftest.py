import pytest
from rest_framework.test import APIClient


@pytest.fixture
def client():
    return APIClient()


@pytest.fixture(autouse=True)
def no_throttle(rate_limits):
    rate_limits(submissions="1000/minute")
    from django.core.cache import cache

    cache.clear()
