"""Search finds what people type (part of #14): a system's, a vendor's or an operator's name
or alias, a region or a city finds every case the matching filter finds."""

import pytest
from rest_framework.test import APIClient

from incidents.models import Organization, System
from tests.factories import OrganizationFactory, SystemFactory, publish_new

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(moderator):
    dpd = OrganizationFactory(name="Detroit Police Department", slug="detroit-police-department", aliases=["DPD"])
    msp = OrganizationFactory(name="Michigan State Police", slug="michigan-state-police")
    vendor = OrganizationFactory(name="DataWorks Plus", slug="dataworks-plus", kind="vendor")
    SystemFactory(name="Statewide Network of Agency Photos", slug="snap", aliases=["SNAP"], vendor=vendor)
    SystemFactory(name="Sistema de Reconocimiento Facial de Prófugos", slug="srfp", aliases=["SRFP"])
    # Titles and narratives that do not repeat the names: only the links and places carry them.
    publish_new(moderator, title="Man held over a theft he did not commit", narrative="He was released.", systems=["snap"],
                operators=["detroit-police-department"], region="Michigan", city="Detroit")
    publish_new(moderator, title="Pregnant woman charged after a wrong match", narrative="Charges were dropped.", systems=["snap"],
                operators=["detroit-police-department", "michigan-state-police"], region="Michigan", city="Detroit")
    publish_new(moderator, title="Shopper questioned at a mall", narrative="She was let go.", operators=["michigan-state-police"],
                region="Michigan", city="Farmington Hills")
    publish_new(moderator, title="Man detained six days", narrative="A data entry error.", systems=["srfp"], country="AR",
                region="Ciudad Autónoma de Buenos Aires", city="Buenos Aires")
    return dpd, msp


def _ids(api, **params):
    return {r["public_id"] for r in api.get("/api/v1/incidents/", {**params, "page_size": 100}).json()["results"]}


def test_every_system_vendor_and_operator_name_and_alias_finds_what_its_filter_finds(cases):
    api = APIClient()
    for system in System.objects.all():
        expected = _ids(api, system=system.slug)
        for name in [system.name, *system.aliases]:
            assert _ids(api, q=f'"{name}"') >= expected and expected, (system.slug, name)
        if system.vendor:
            assert _ids(api, q=f'"{system.vendor.name}"') >= _ids(api, vendor=system.vendor.slug)
    for org in Organization.objects.exclude(kind="vendor"):
        expected = _ids(api, operator=org.slug)
        for name in [org.name, *org.aliases]:
            assert _ids(api, q=f'"{name}"') >= expected and expected, (org.slug, name)


def test_regions_and_cities_find_their_cases(cases):
    api = APIClient()
    assert _ids(api, q="Michigan") == _ids(api, region="Michigan") and len(_ids(api, region="Michigan")) == 3
    assert len(_ids(api, q='"Buenos Aires"')) == 1 and len(_ids(api, q='"Farmington Hills"')) == 1
    assert _ids(api, q='"Detroit Police Department"') == _ids(api, operator="detroit-police-department")


def test_a_renamed_operator_is_found_by_its_new_name(cases):
    api = APIClient()
    dpd, _ = cases
    dpd.aliases = ["Detroit PD"]
    dpd.save()
    assert _ids(api, q='"Detroit PD"') == _ids(api, operator="detroit-police-department")
