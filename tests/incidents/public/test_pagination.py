"""Paging through a search by relevance gives every match once, in the order the ranking
rule defines (title matches by ts_rank, then the rest newest first), and the same count on
every page, whichever way pagination finds the page: walking the newest rows, gathering
the matches from the index, or (phrases and exclusions) one pass that ranks and counts."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import RequestFactory
from django.utils import timezone

from incidents.models import Incident
from incidents.public import pagination, selectors
from incidents.public.filters import IncidentFilter
from incidents.public.store import refresh as refresh_public_json
from tests.factories import publish_new

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus(moderator):
    """Records with the words in the title (once or twice), only in the narrative, or nowhere;
    published in an order unlike their ids (the rest of the matches come newest published first)."""
    made = []
    for n in range(4):
        made.append(publish_new(moderator, title=f"Turnstile camera flagged a commuter, case {n}", narrative="Stopped at the gate."))
    made.append(publish_new(moderator, title="Turnstile camera and turnstile camera again", narrative="Twice in the title."))
    for n in range(6):
        made.append(publish_new(moderator, title=f"A wrongful stop, case {n}", narrative="The turnstile camera misread her face."))
    for n in range(3):
        made.append(publish_new(moderator, title=f"Unrelated arrest {n}", narrative="Nothing to see."))
    made.append(publish_new(moderator, title="A camera by a turnstile", narrative="Words apart, not the phrase."))
    # Publication times out of id order, some equal (as imported records keep their own).
    start = timezone.now()
    for n, incident in enumerate(made):
        Incident.objects.filter(pk=incident.pk).update(published_at=start - timedelta(minutes=(n * 7) % 11))
    refresh_public_json([incident.pk for incident in made])
    return made


def expected(q: str) -> list[int]:
    """The ranking rule, written directly in SQL over the facts."""
    with connection.cursor() as cursor:
        # The reader's query (public.search.reader_query): folded, stemmed in English or taken as written.
        query = "(websearch_to_tsquery('english', wir_fold(%s)) || websearch_to_tsquery('simple', wir_fold(%s)))"
        cursor.execute(
            f"SELECT incident_id, CASE WHEN headline @@ {query}"
            " THEN ts_rank(headline, websearch_to_tsquery('english', wir_fold(%s)))::float8 ELSE 0 END AS r"
            f" FROM incidents_publicrecord WHERE document @@ {query} ORDER BY r DESC, published_at DESC, incident_id DESC",
            [q] * 5)
        return [row[0] for row in cursor.fetchall()]


def pages(q: str, size: int) -> tuple[list[int], set]:
    ids, totals, cursor = [], set(), None
    while True:
        params = {"q": q, "page_size": str(size)} | ({"cursor": cursor} if cursor else {})
        request = RequestFactory().get("/", params)
        filterset = IncidentFilter(request.GET, queryset=selectors.public_facts(), request=request)
        page = pagination.paginate(filterset.qs, request.GET, search=filterset.search_query)
        ids += [row.pk for row in page.rows]
        totals.add(page.total if page.total is not None else filterset.qs.count())
        if not page.next_cursor:
            return ids, totals
        cursor = page.next_cursor


@pytest.mark.parametrize("walk_factor", [0, 10**9], ids=["walking the newest rows", "gathering from the index"])
@pytest.mark.parametrize("size", [1, 2, 5, 50])
def test_a_word_search_pages_in_rank_order(corpus, monkeypatch, walk_factor, size):
    monkeypatch.setattr(pagination, "WALK_FACTOR", walk_factor)
    want = expected("turnstile camera")
    assert len(want) == 12  # five in the title, six in the narrative, one with the words apart
    titled = {r.pk for r in corpus[:5]}
    assert set(want[:5]) == titled and want[0] == corpus[4].pk  # twice in the title ranks first
    assert want[5:] != sorted(want[5:], reverse=True)  # the rest by publication, not by id
    got, totals = pages("turnstile camera", size)
    assert got == want
    assert totals == {12}


@pytest.mark.parametrize("q, n", [('"turnstile camera"', 11), ("turnstile -gate", 8)])
@pytest.mark.parametrize("size", [1, 3, 50])
def test_phrases_and_exclusions_page_in_rank_order(corpus, q, n, size):
    want = expected(q)
    assert len(want) == n
    got, totals = pages(q, size)
    assert got == want
    assert totals == {n}


def test_a_search_with_no_match_is_an_empty_page(corpus):
    assert pages("nosuchwordanywhere", 10) == ([], {0})


def test_a_cursor_from_another_search_path_is_still_a_valid_position(corpus, monkeypatch):
    """The walk/gather choice can differ between pages (it depends on counts); ranks and
    cursors are the same either way, so a page continues where the last one stopped."""
    want = expected("turnstile camera")
    monkeypatch.setattr(pagination, "WALK_FACTOR", 0)
    request = RequestFactory().get("/", {"q": "turnstile camera", "page_size": "4"})
    filterset = IncidentFilter(request.GET, queryset=selectors.public_facts(), request=request)
    first = pagination.paginate(filterset.qs, request.GET, search=filterset.search_query)
    monkeypatch.setattr(pagination, "WALK_FACTOR", 10**9)
    request = RequestFactory().get("/", {"q": "turnstile camera", "page_size": "50", "cursor": first.next_cursor})
    filterset = IncidentFilter(request.GET, queryset=selectors.public_facts(), request=request)
    rest = pagination.paginate(filterset.qs, request.GET, search=filterset.search_query)
    assert [r.pk for r in first.rows] + [r.pk for r in rest.rows] == want


@pytest.mark.parametrize("cursor", ["WyJyIiwiYSIsMV0", "WyJyIiwxLCJ4Il0"])  # ["r","a",1] and ["r",1,"x"]
def test_a_malformed_relevance_cursor_is_a_named_error(corpus, cursor):
    request = RequestFactory().get("/", {"q": "turnstile", "cursor": cursor})
    filterset = IncidentFilter(request.GET, queryset=selectors.public_facts(), request=request)
    with pytest.raises(pagination.PageError) as error:
        pagination.paginate(filterset.qs, request.GET, search=filterset.search_query)
    assert error.value.field == "cursor"


@pytest.mark.parametrize("walk_factor", [0, 10**9], ids=["walking the newest rows", "gathering from the index"])
@pytest.mark.parametrize("size", [1, 4, 50])
def test_a_list_with_several_filters_pages_newest_first_either_way(corpus, client, monkeypatch, walk_factor, size):
    """Lists with several filters count first and then walk or gather (count_first); either
    way the pages hold every match once, newest first, with the same count on each."""
    monkeypatch.setattr(pagination, "WALK_FACTOR", walk_factor)
    want = [i.public_id for i in Incident.objects.public().filter(country="US", outcomes__type="arrested").distinct()
            .order_by("-published_at", "-id")]
    assert len(want) >= 10
    got, counts, url = [], set(), f"/api/v1/incidents/?country=US&outcome=arrested&page_size={size}"
    while url:
        page = client.get(url).json()
        got += [row["public_id"] for row in page["results"]]
        counts.add(page["count"])
        url = page["next"]
    assert got == want and counts == {len(want)}
