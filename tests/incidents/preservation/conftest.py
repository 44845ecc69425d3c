import pytest

from tests.incidents.preservation.local_site import Site


@pytest.fixture
def site():
    with Site() as s:
        yield s


@pytest.fixture
def local_allowed(settings):
    """Let the fetcher reach the local test server; off by default everywhere else."""
    settings.PRESERVATION_ALLOWED_HOSTS = ["127.0.0.1"]
    return settings
