"""Right of reply: a system's and an organisation's pages list the operators' and vendors'
own responses cited by their public cases, and say so where none was found."""

import pytest

from tests.factories import OrganizationFactory, SystemFactory, publish_new, submit

pytestmark = pytest.mark.django_db

RESPONSE = {"url": "https://example.org/police-statement", "title": "Statement on the use of face search", "publisher": "Detroit Police Department",
            "published_date": "2024-07-01", "source_type": "official_response"}
NEWS = {"url": "https://example.org/news", "title": "Man wrongly arrested", "publisher": "Daily", "source_type": "news"}


@pytest.fixture
def world(moderator):
    police = OrganizationFactory(name="Detroit Police Department", slug="detroit-police", kind="police")
    SystemFactory(name="Face Search", slug="face-search")
    SystemFactory(name="Other Search", slug="other-search")
    answered = publish_new(moderator, systems=["face-search"], operators=["detroit-police"], sources=[NEWS, RESPONSE],
                           outcomes=[{"type": "arrested", "sources": [0]}])
    publish_new(moderator, systems=["other-search"], sources=[NEWS], outcomes=[{"type": "arrested", "sources": [0]}])
    # A draft's response is not public.
    submit(systems=["other-search"], sources=[{**RESPONSE, "url": "https://example.org/draft-statement", "title": "Zyxdraftresponse"}],
           outcomes=[{"type": "arrested", "sources": [0]}])
    return {"answered": answered, "police": police}


def test_a_system_page_lists_the_responses_its_cases_cite(client, world):
    page = client.get("/systems/face-search/").content.decode()
    assert "Responses from the operator or vendor" in page and "Statement on the use of face search" in page
    assert "https://example.org/police-statement" in page and f"/incidents/{world['answered'].public_id}/" in page
    assert "2024-07-01" in page


def test_a_page_says_where_no_response_was_found(client, world):
    page = client.get("/systems/other-search/").content.decode()
    assert "No response from the operator or the vendor was found" in page and "Zyxdraftresponse" not in page
    spanish = client.get("/systems/other-search/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "no se encontró ninguna respuesta del operador ni del proveedor" in spanish


def test_an_organisation_page_lists_them_too(client, world):
    page = client.get("/organizations/detroit-police/").content.decode()
    assert "Statement on the use of face search" in page
