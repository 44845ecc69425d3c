"""Public reads: lists, every filter, detail with 301/410, systems, organizations, stats, exports, 304, query counts."""

import csv
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from incidents.domain import moderation
from tests.factories import OrganizationFactory, SystemFactory, publish_new

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(moderator):
    """A small registry: three published cases with different systems, places and outcomes."""
    fortify = SystemFactory(name="Mobile Fortify", aliases=["Fortify"], vendor=OrganizationFactory(name="NEC Corporation of America", kind="vendor"))
    cbp_one = SystemFactory(name="CBP One", vendor=None)
    ice = OrganizationFactory(name="U.S. Immigration and Customs Enforcement", aliases=["ICE"], kind="federal_agency")
    met = OrganizationFactory(name="Metropolitan Police Service", kind="police", country="GB")
    a = publish_new(moderator, title="Oregon woman misidentified twice by a phone app", systems=["mobile fortify"], operators=["ICE"],
                    country="US", region="Oregon", incident_date="2025-10", identification_mode="live_search",
                    outcomes=[{"type": "detained", "days": 3, "sources": [0]}], contributing_factors=["over_reliance"])
    b = publish_new(moderator, title="Asylum app rejected darker-skinned applicants", systems=["CBP One"], country="US",
                    incident_date="2023-01", error_type="false_non_match", identification_mode="verification",
                    outcomes=[{"type": "denied_service", "sources": [0]}], contributing_factors=["failed_liveness"],
                    affected={"count": 300, "has_minor": True})
    c = publish_new(moderator, title="Youth worker stopped by live cameras at London Bridge", operators=["Metropolitan Police Service"],
                    country="GB", region="England", incident_date="2024-05-01", identification_mode="live_search",
                    outcomes=[{"type": "detained", "sources": [0]}, {"type": "lawsuit_filed", "sources": [1]}],
                    contributing_factors=["no_corroboration"])
    return {"a": a, "b": b, "c": c, "fortify": fortify, "cbp_one": cbp_one, "ice": ice, "met": met}


def ids(response):
    assert response.status_code == 200, response.content
    return [row["public_id"] for row in response.json()["results"]]


def test_the_list_is_newest_first_with_summaries(client, world):
    body = client.get("/api/v1/incidents/").json()
    assert [r["public_id"] for r in body["results"]] == [world[k].public_id for k in "cba"]
    first = body["results"][2]
    assert first["systems"] == [{"slug": world["fortify"].slug, "name": "Mobile Fortify"}]
    assert first["outcome_types"] == ["detained"] and first["url"].endswith(f"/api/v1/incidents/{world['a'].public_id}/")


FILTERS = [
    ("system=mobile-fortify", "a"), ("system=Mobile%20Fortify", "a"), ("system=fortify", "a"), ("system=MOBILE%20FORTIFY", "a"),
    ("system=fortify&system=cbp-one", "ab"), ("system=fortify,cbp-one", "ab"), ("system=no-such-system", ""),
    ("vendor=nec-corporation-of-america", "a"), ("vendor=NEC%20Corporation%20of%20America", "a"),
    ("operator=ice", "a"), ("operator=metropolitan-police-service", "c"),
    ("country=GB", "c"), ("country=us", "ab"), ("country=US&country=GB", "abc"),
    ("region=Oregon", "a"),
    ("identification_mode=live_search", "ac"), ("identification_mode=verification", "b"),
    ("error_type=false_non_match", "b"), ("error_type=false_match", "ac"),
    ("contributing_factor=failed_liveness", "b"), ("contributing_factor=over_reliance&contributing_factor=no_corroboration", "ac"),
    ("outcome=detained", "ac"), ("outcome=lawsuit_filed", "c"), ("outcome=denied_service&outcome=lawsuit_filed", "bc"),
    ("has_minor=true", "b"), ("has_minor=false", "ac"),
    ("incident_date_after=2024-01-01", "ac"), ("incident_date_before=2024-01-01", "b"),
    ("incident_date_after=2024-01-01&incident_date_before=2024-12-31", "c"),
    ("year=2023", "b"), ("year=2023&year=2025", "ab"),
    ("published_after=2000-01-01", "abc"), ("published_before=2000-01-01", ""),
    ("technology=face", "ab"),
    ("q=phone%20app", "a"), ("q=london%20OR%20asylum", "bc"), ("q=%22London%20Bridge%22", "c"), ("q=cameras%20-london", ""),
    ("country=US&outcome=detained", "a"), ("system=fortify&country=GB", ""),
]


@pytest.mark.parametrize("query,expected", FILTERS, ids=[f[0] for f in FILTERS])
def test_each_filter(client, world, query, expected):
    assert sorted(ids(client.get(f"/api/v1/incidents/?{query}"))) == sorted(world[k].public_id for k in expected)


def test_full_text_also_searches_source_titles(client, world):
    title = world["c"].sources.first().title
    assert world["c"].public_id in ids(client.get("/api/v1/incidents/", {"q": title.split()[-1]}))


def test_search_ranks_by_relevance(client, moderator, world):
    strong = publish_new(moderator, title="Wrongful arrest: wrongful arrest after wrongful match", narrative="wrongful wrongful arrest")
    assert ids(client.get("/api/v1/incidents/", {"q": "wrongful arrest"}))[0] == strong.public_id


@pytest.mark.parametrize("query,field", [
    ("error_type=bad", "error_type"), ("outcome=abducted", "outcome"), ("has_minor=maybe", "has_minor"),
    ("incident_date_after=yesterday", "incident_date_after"), ("page_size=0", "page_size"), ("page_size=1000", "page_size"),
    ("cursor=garbage", "cursor"), ("colour=blue", "colour"), ("ordering=sideways", "ordering"),
])
def test_bad_query_parameters_are_named(client, world, query, field):
    response = client.get(f"/api/v1/incidents/?{query}")
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]


def test_cursor_pagination_walks_every_row_once(client, moderator, world):
    for _ in range(4):
        publish_new(moderator)
    seen, url = [], "/api/v1/incidents/?page_size=2"
    while url:
        body = client.get(url).json()
        assert len(body["results"]) <= 2
        seen += [r["public_id"] for r in body["results"]]
        url = body["next"]
    assert len(seen) == 7 == len(set(seen))
    oldest = ids(client.get("/api/v1/incidents/?ordering=oldest&page_size=200"))
    assert oldest == list(reversed(seen))


def test_relevance_without_a_search_means_newest(client, world):
    newest = client.get("/api/v1/incidents/").json()["results"]
    assert client.get("/api/v1/incidents/?ordering=relevance").json()["results"] == newest


def test_cursor_pagination_with_search(client, moderator):
    for n in range(5):
        publish_new(moderator, title=f"Facial recognition arrest number {n}")
    seen, url = [], "/api/v1/incidents/?q=arrest&page_size=2"
    for _ in range(10):
        if not url:
            break
        body = client.get(url).json()
        seen += [r["public_id"] for r in body["results"]]
        url = body["next"]
    assert url is None, "pagination did not end"
    assert len(seen) == len(set(seen)) >= 5


def test_detail_is_the_whole_record(client, world):
    body = client.get(f"/api/v1/incidents/{world['c'].public_id}/").json()
    assert body["public_id"] == world["c"].public_id and body["version"] == 1
    assert [o["type"] for o in body["outcomes"]] == ["detained", "lawsuit_filed"]
    assert body["outcomes"][1]["sources"] == [1]
    assert len(body["sources"]) == 2 and body["operators"][0]["slug"] == world["met"].slug
    assert body["history_url"].endswith(f"/api/v1/incidents/{world['c'].public_id}/history/")


def test_a_merged_id_answers_301_to_the_canonical_one(client, moderator, world):
    moderation.merge(world["a"], moderator, into=world["c"])
    response = client.get(f"/api/v1/incidents/{world['a'].public_id}/")
    assert response.status_code == 301
    assert response["Location"].endswith(f"/api/v1/incidents/{world['c'].public_id}/")
    assert "Oregon" not in response.content.decode()


def test_a_chain_of_merges_redirects_to_the_end(client, moderator, world):
    moderation.merge(world["a"], moderator, into=world["b"])
    moderation.merge(world["b"], moderator, into=world["c"])
    assert client.get(f"/api/v1/incidents/{world['a'].public_id}/")["Location"].endswith(f"{world['c'].public_id}/")


def test_a_withdrawn_id_answers_410_with_the_reason(client, moderator, world):
    moderation.withdraw(world["a"], moderator, "The court record showed a different app was used.")
    response = client.get(f"/api/v1/incidents/{world['a'].public_id}/")
    assert response.status_code == 410
    body = response.json()["error"]
    assert body["withdrawn_reason"] == "The court record showed a different app was used."
    assert "Oregon" not in response.content.decode()


def test_an_unknown_or_unpublished_id_is_404(client):
    assert client.get("/api/v1/incidents/WIR-2020-9999/").status_code == 404


def test_history_lists_versions_with_changes_and_notes(client, moderator, world):
    moderation.correct(world["a"], moderator, {"region": "Oregon (Portland area)"}, "Region made more precise from the court filing.")
    body = client.get(f"/api/v1/incidents/{world['a'].public_id}/history/").json()
    assert [v["version"] for v in body["versions"]] == [1, 2]
    assert body["versions"][1]["changes"] == {"region": ["Oregon", "Oregon (Portland area)"]}
    assert body["versions"][1]["note"].startswith("Region made more precise")


def test_systems_list_and_detail(client, world):
    listed = {s["slug"]: s for s in client.get("/api/v1/systems/").json()}
    assert set(listed) == {world["fortify"].slug, world["cbp_one"].slug}
    detail = client.get(f"/api/v1/systems/{world['fortify'].slug}/").json()
    assert detail["incident_count"] == 1 and detail["vendor"]["name"] == "NEC Corporation of America"
    assert detail["aliases"] == ["Fortify"]
    assert detail["operators"] == [{"key": world["ice"].slug, "label": world["ice"].name, "count": 1}]
    assert detail["by_outcome"] == [{"key": "detained", "label": "Detained", "count": 1}]
    assert detail["by_year"] == [{"key": "2025", "label": "2025", "count": 1}]
    assert ids(client.get(f"/api/v1/systems/{world['fortify'].slug}/incidents/")) == [world["a"].public_id]
    assert ids(client.get(f"/api/v1/systems/{world['fortify'].slug}/incidents/?country=GB")) == []
    assert client.get("/api/v1/systems/no-such/").status_code == 404


def test_organizations_list_and_detail(client, world):
    listed = {o["slug"] for o in client.get("/api/v1/organizations/").json()}
    assert {world["ice"].slug, world["met"].slug, world["fortify"].vendor.slug} <= listed
    vendor = client.get(f"/api/v1/organizations/{world['fortify'].vendor.slug}/").json()
    assert vendor["systems_made"] == [{"slug": world["fortify"].slug, "name": "Mobile Fortify"}]
    assert ids(client.get(f"/api/v1/organizations/{world['fortify'].vendor.slug}/incidents/")) == [world["a"].public_id]
    met = client.get(f"/api/v1/organizations/{world['met'].slug}/").json()
    assert met["incident_count"] == 1 and met["by_outcome"][0]["count"] == 1


@pytest.mark.parametrize("group", ["system", "operator", "vendor", "country", "year", "error_type", "identification_mode", "outcome", "has_minor"])
def test_stats_group_every_way(client, world, group):
    body = client.get(f"/api/v1/stats/?group_by={group}").json()
    assert body["total"] == 3
    assert all(row["count"] >= 1 for row in body["groups"][group])


def test_stats_over_a_filtered_set(client, world):
    body = client.get("/api/v1/stats/?group_by=country&group_by=outcome&identification_mode=live_search").json()
    assert body["total"] == 2
    assert {r["key"]: r["count"] for r in body["groups"]["country"]} == {"US": 1, "GB": 1}
    assert {r["key"]: r["count"] for r in body["groups"]["outcome"]} == {"detained": 2, "lawsuit_filed": 1}
    assert client.get("/api/v1/stats/?group_by=colour").status_code == 400


def test_csv_export_streams_the_filtered_set_with_a_documented_header(client, world):
    from incidents.interchange.exports import CSV_HEADER

    response = client.get("/api/v1/incidents/export.csv?country=US")
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == CSV_HEADER
    assert sorted(r[0] for r in rows[1:]) == sorted([world["a"].public_id, world["b"].public_id])
    row = dict(zip(rows[0], next(r for r in rows[1:] if r[0] == world["a"].public_id)))
    assert row["systems"] == world["fortify"].slug and row["outcomes"] == "detained" and row["detention_days"] == "3"


def test_csv_rows_say_what_the_records_say_in_the_list_order(client, world):
    """Every column of the stored CSV lines agrees with the JSON record, and the order is the list's."""
    rows = list(csv.DictReader(io.StringIO(b"".join(client.get("/api/v1/incidents/export.csv").streaming_content).decode())))
    assert [r["public_id"] for r in rows] == [world[k].public_id for k in "cba"]
    for row in rows:
        rec = client.get(f"/api/v1/incidents/{row['public_id']}/").json()
        flag = {True: "true", False: "false", None: ""}
        assert row["url"] == f"http://testserver/incidents/{rec['public_id']}/"
        assert (row["title"], row["incident_date"], row["country"], row["region"], row["city"]) == (
            rec["title"], rec["incident_date"] or "", rec["country"], rec["region"], rec["city"])
        assert row["systems"] == "; ".join(sorted(s["slug"] for s in rec["systems"]))
        assert row["vendors"] == "; ".join(sorted({s["vendor"]["slug"] for s in rec["systems"] if s["vendor"]}))
        assert row["operators"] == "; ".join(sorted(o["slug"] for o in rec["operators"]))
        assert row["contributing_factors"] == "; ".join(rec["contributing_factors"])
        assert (row["identification_mode"], row["error_type"], row["reference_database"]) == (
            rec["identification_mode"], rec["error_type"], rec["reference_database"] or "")
        assert (row["human_review"], row["sole_basis"], row["has_minor"]) == (
            flag[rec["human_review"]], flag[rec["sole_basis"]], flag[rec["affected"]["has_minor"]])
        assert row["affected_count"] == ("" if rec["affected"]["count"] is None else str(rec["affected"]["count"]))
        assert row["outcomes"] == "; ".join(o["type"] for o in rec["outcomes"])
        days = [o["days"] for o in rec["outcomes"] if o["days"] is not None]
        assert row["detention_days"] == (str(sum(days)) if days else "")
        assert row["source_count"] == str(len(rec["sources"])) and row["source_urls"] == " | ".join(s["url"] for s in rec["sources"])
        assert row["version"] == str(rec["version"]) and row["published_at"] == rec["published_at"]


def test_csv_quotes_what_needs_quoting(client, moderator, world):
    from incidents.interchange.exports import CSV_HEADER

    awkward = publish_new(moderator, title='He said "no", twice\nand left', narrative="Commas, quotes and a line break in the title.",
                          region="")
    rows = list(csv.DictReader(io.StringIO(b"".join(client.get("/api/v1/incidents/export.csv").streaming_content).decode())))
    by_id = {r["public_id"]: r for r in rows}
    assert by_id[awkward.public_id]["title"] == 'He said "no", twice\nand left'
    assert by_id[awkward.public_id]["region"] == ""
    assert by_id[world["b"].public_id]["title"] == world["b"].title
    assert all(len(r) == len(CSV_HEADER) and None not in r for r in rows)


def test_jsonl_export_streams_public_records(client, world):
    response = client.get("/api/v1/incidents/export.jsonl?outcome=detained")
    assert response.streaming
    records = [json.loads(line) for line in b"".join(response.streaming_content).decode().splitlines()]
    assert {r["public_id"] for r in records} == {world["a"].public_id, world["c"].public_id}
    assert all(r["schema"] == "wir-incident/2" and "claims" in r for r in records)
    # Version 1 of the format is still served, without the claims.
    response = client.get("/api/v1/incidents/export.jsonl?outcome=detained&record_format=1")
    old = [json.loads(line) for line in b"".join(response.streaming_content).decode().splitlines()]
    assert [r["public_id"] for r in old] == [r["public_id"] for r in records]
    assert all(r["schema"] == "wir-incident/1" and "claims" not in r and "status" not in r["outcomes"][0] for r in old)


def test_conditional_get_answers_304(client, world):
    first = client.get("/api/v1/incidents/")
    assert first["ETag"] and first["Last-Modified"]
    assert client.get("/api/v1/incidents/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert client.get("/api/v1/incidents/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    detail = client.get(f"/api/v1/incidents/{world['a'].public_id}/")
    assert client.get(f"/api/v1/incidents/{world['a'].public_id}/", HTTP_IF_NONE_MATCH=detail["ETag"]).status_code == 304


def test_a_change_invalidates_the_etag(client, moderator, world):
    first = client.get("/api/v1/incidents/")
    moderation.correct(world["a"], moderator, {"title": "Corrected title"}, "Typo.")
    assert client.get("/api/v1/incidents/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_a_search_counts_its_matches_on_every_page(client, moderator):
    for n in range(5):
        publish_new(moderator, title=f"Facial recognition arrest number {n}")
    publish_new(moderator, title="Unrelated", narrative="Nothing to find.")
    for q in ("arrest", '"recognition arrest"'):
        with CaptureQueriesContext(connection) as ctx:
            first = client.get(f"/api/v1/incidents/?q={q}&page_size=2").json()
        if q.startswith('"'):
            # A phrase's first page counts its matches in the ranking pass: checking a phrase
            # reads every candidate's document, so it is done once.
            assert not any("COUNT(*) AS" in q["sql"] for q in ctx.captured_queries)
        pages, url = [first], first["next"]
        while url:
            pages.append(client.get(url).json())
            url = pages[-1]["next"]
        matched = sum(len(page["results"]) for page in pages)
        assert len(pages) >= 3 and matched >= 5
        assert {page["count"] for page in pages} == {matched}
    assert client.get("/api/v1/incidents/?q=nosuchwordanywhere").json()["count"] == 0


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", [
    "/api/v1/incidents/?page_size={n}",
    "/api/v1/incidents/?page_size={n}&system=fortify&country=US&outcome=detained",
    "/api/v1/incidents/?page_size={n}&q=arrest",
    "/api/v1/systems/{system}/incidents/?page_size={n}",
])
def test_list_query_count_does_not_grow_with_the_page(client, moderator, world, url):
    small = count_queries(client, url.format(n=1, system=world["fortify"].slug))
    for _ in range(6):
        publish_new(moderator, systems=["fortify"], operators=["ICE"], country="US", outcomes=[{"type": "detained", "sources": [0]}])
    large = count_queries(client, url.format(n=50, system=world["fortify"].slug))
    assert large == small <= 8


def test_detail_query_count_is_fixed(client, moderator, world):
    few = count_queries(client, f"/api/v1/incidents/{world['a'].public_id}/")
    many = publish_new(moderator, sources=[{"url": f"https://e.org/{n}", "title": f"S{n}"} for n in range(12)],
                       outcomes=[{"type": "arrested", "sources": [n]} for n in range(12)])
    assert count_queries(client, f"/api/v1/incidents/{many.public_id}/") == few <= 8
