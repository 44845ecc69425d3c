"""Public pages: content, status codes, filters as URLs, feeds, and bounded query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from incidents.domain import moderation
from tests.factories import OrganizationFactory, SystemFactory, publish_new

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(moderator):
    vendor = OrganizationFactory(name="Clearview AI Inc", slug="clearview-inc", kind="vendor", country="US")
    clearview = SystemFactory(name="Clearview AI", slug="clearview-ai", vendor=vendor, aliases=["Clearview"])
    fortify = SystemFactory(name="Mobile Fortify", slug="mobile-fortify")
    ice = OrganizationFactory(name="Immigration and Customs Enforcement", slug="ice", kind="federal_agency", country="US")
    met = OrganizationFactory(name="Metropolitan Police", slug="met-police", kind="police", country="GB")
    a = publish_new(moderator, title="Man detained after an app scan", systems=[fortify.slug], operators=[ice.slug], country="US",
                    incident_date="2025-06-01", outcomes=[{"type": "detained", "days": 3, "sources": [0]}])
    b = publish_new(moderator, title="Shopper banned after a watch-list match", systems=[clearview.slug], operators=[met.slug], country="GB",
                    incident_date="2024-03-02", narrative="A retailer's watch-list flagged the wrong shopper at the till.")
    c = publish_new(moderator, title="Teen stopped on the subway", systems=[clearview.slug], country="AR", incident_date="2019-05",
                    affected={"count": 1, "has_minor": True})
    return {"a": a, "b": b, "c": c, "clearview": clearview, "fortify": fortify, "ice": ice, "vendor": vendor}


def test_home_shows_search_latest_and_counts_by_system(client, world):
    html = client.get("/").content.decode()
    assert 'name="q"' in html and "Man detained after an app scan" in html
    assert "Clearview AI" in html and "<svg" in html
    assert "3 published incidents" in html


def test_list_filters_by_facets_and_shows_counts(client, world):
    html = client.get("/incidents/").content.decode()
    assert "3 incidents" in html
    # Facet values carry counts and link to the filtered list.
    assert "?system=clearview-ai" in html and "?country=GB" in html
    filtered = client.get("/incidents/?system=clearview-ai&country=GB").content.decode()
    assert "Shopper banned" in filtered and "Man detained" not in filtered and "Teen stopped" not in filtered
    assert "1 incident" in filtered
    assert 'href="/api/v1/incidents/export.csv?system=clearview-ai&amp;country=GB"' in filtered


def test_list_full_text_search_and_minor_facet(client, world):
    assert "Shopper banned" in client.get("/incidents/?q=watch-list").content.decode()
    minors = client.get("/incidents/?has_minor=true").content.decode()
    assert "Teen stopped" in minors and "Shopper banned" not in minors


def test_list_bad_filter_is_a_400_that_says_which(client, world):
    response = client.get("/incidents/?has_minor=maybe&year=1800x")
    assert response.status_code == 400
    assert "has_minor" in response.content.decode() and "Use true or false." in response.content.decode()


def test_list_pages_with_a_cursor(client, moderator, world):
    for n in range(26):
        publish_new(moderator, title=f"Bulk case {n}")
    first = client.get("/incidents/")
    assert first.context["next_url"]
    second = client.get(first.context["next_url"])
    titles = {r["title"] for r in first.context["rows"]} | {r["title"] for r in second.context["rows"]}
    assert len(titles) == 29 and second.context["next_url"] is None


def test_incident_page_shows_the_whole_record_and_citations(client, world):
    html = client.get(f"/incidents/{world['a'].public_id}/").content.decode()
    for expected in ("Man detained after an app scan", "Mobile Fortify", "Immigration and Customs Enforcement", "Detained", "3 days",
                     "Cite this record", "@misc{", world["a"].public_id, "change history", "version 1"):
        assert expected in html, expected


def test_incident_page_shows_correction_notes(client, moderator, world):
    moderation.correct(world["b"], moderator, {"city": "Croydon"}, "The store was in Croydon, per the court record.")
    html = client.get(f"/incidents/{world['b'].public_id}/").content.decode()
    assert "Croydon, per the court record" in html and "version 2" in html
    history = client.get(f"/incidents/{world['b'].public_id}/history/").content.decode()
    assert "Version 2" in history and "Croydon" in history


def test_a_merged_id_redirects_and_a_withdrawn_one_is_410(client, moderator, world):
    moderation.merge(world["a"], moderator, into=world["b"])
    response = client.get(f"/incidents/{world['a'].public_id}/")
    assert response.status_code == 301 and response["Location"] == f"/incidents/{world['b'].public_id}/"
    moderation.withdraw(world["c"], moderator, "The source was retracted.")
    gone = client.get(f"/incidents/{world['c'].public_id}/")
    assert gone.status_code == 410 and "The source was retracted." in gone.content.decode()
    assert "Teen stopped" not in gone.content.decode()
    assert client.get("/incidents/WIR-1999-0001/").status_code == 404


def test_system_page_has_cases_operators_and_charts(client, world):
    html = client.get("/systems/clearview-ai/").content.decode()
    assert "Clearview AI Inc" in html and "Shopper banned" in html and "Teen stopped" in html
    assert "Metropolitan Police" in html and html.count("<svg") >= 2 and "Cases per year" in html
    assert 'href="/systems/clearview-ai/feed.atom"' in html
    assert client.get("/systems/no-such-system/").status_code == 404


def test_organization_page_covers_operated_and_made(client, world):
    assert "Man detained" in client.get("/organizations/ice/").content.decode()
    vendor = client.get("/organizations/clearview-inc/").content.decode()
    assert "Clearview AI" in vendor and "Shopper banned" in vendor


def test_systems_index_and_stats(client, world):
    assert "Mobile Fortify" in client.get("/systems/").content.decode()
    stats = client.get("/stats/").content.decode()
    assert "By system" in stats and "By country" in stats and stats.count("<svg") >= 5


def test_feeds_list_new_incidents_overall_and_per_system(client, world):
    feed = client.get("/feed.atom")
    assert feed["Content-Type"].startswith("application/atom+xml")
    body = feed.content.decode()
    assert body.count("<entry>") == 3 and world["a"].public_id in body
    system_feed = client.get("/systems/mobile-fortify/feed.atom").content.decode()
    assert system_feed.count("<entry>") == 1 and "Man detained" in system_feed


def test_pages_load_nothing_from_other_sites(client, world):
    for url in ("/", "/incidents/", f"/incidents/{world['a'].public_id}/", "/systems/clearview-ai/", "/stats/", "/submit/",
                "/submit/thanks/", "/submissions/lost-link/"):
        response = client.get(url)
        html = response.content.decode()
        assert "default-src 'self'" in response["Content-Security-Policy"]
        for tag in ('src="http', "href=\"http://", "@import", "fonts.googleapis", "cdn"):
            if tag == 'href="http://':
                continue
            assert tag not in html.replace("https://example.org", ""), (url, tag)


@pytest.mark.parametrize("url", ["/", "/incidents/", "/incidents/?system=clearview-ai&q=shopper", "/systems/clearview-ai/",
                                 "/organizations/clearview-inc/", "/stats/", "/feed.atom", "/systems/clearview-ai/feed.atom"])
def test_page_query_count_does_not_grow_with_rows(client, moderator, world, url):
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for n in range(8):
        publish_new(moderator, title=f"More shopper case {n}", systems=["clearview-ai"], operators=["ice"], country="GB")
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after) == len(before), [q["sql"][:120] for q in after.captured_queries]
    assert len(after) <= 16


def test_incident_page_query_count_is_fixed(client, moderator, world):
    with CaptureQueriesContext(connection) as ctx:
        client.get(f"/incidents/{world['a'].public_id}/")
    assert len(ctx) <= 7  # the public version (cache key), the shared cache read and write, the record, its versions, the lookups
