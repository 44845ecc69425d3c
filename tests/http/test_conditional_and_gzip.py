"""HTTP that saves readers' data: HEAD carries the ETag and answers 304 when fresh, and
pages, answers and streamed exports are gzip-compressed for clients that accept it."""

import gzip
import json

import pytest

from tests.factories import publish_new

pytestmark = pytest.mark.django_db

PUBLIC = ["/", "/incidents/", "/api/v1/incidents/", "/api/v1/stats/", "/systems/"]


@pytest.fixture
def record(moderator):
    return publish_new(moderator, title="Phone app misidentified a woman twice", country="US")


@pytest.mark.parametrize("path", PUBLIC)
def test_head_carries_the_etag_and_a_conditional_head_answers_304(client, record, path):
    get = client.get(path)
    head = client.head(path)
    assert head.status_code == 200 and head.content == b""
    assert head["ETag"] == get["ETag"]
    assert client.head(path, HTTP_IF_NONE_MATCH=head["ETag"]).status_code == 304
    assert client.head(path, HTTP_IF_MODIFIED_SINCE=get["Last-Modified"]).status_code == 304


def test_head_of_an_incident_page_and_record(client, record):
    for path in (f"/incidents/{record.public_id}/", f"/api/v1/incidents/{record.public_id}/"):
        etag = client.head(path)["ETag"]
        assert client.head(path, HTTP_IF_NONE_MATCH=etag).status_code == 304
        assert client.head(path, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


@pytest.mark.parametrize("path", ["/incidents/", "/api/v1/incidents/"])
def test_pages_and_answers_are_gzipped_for_clients_that_accept_it(client, record, path):
    plain = client.get(path)
    packed = client.get(path, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed["Vary"]
    assert gzip.decompress(packed.content) == plain.content


@pytest.mark.parametrize("path", ["/api/v1/incidents/export.jsonl", "/api/v1/incidents/export.csv"])
def test_streamed_exports_are_gzipped_and_still_streamed(client, record, path):
    packed = client.get(path, HTTP_ACCEPT_ENCODING="gzip")
    assert packed.streaming and packed["Content-Encoding"] == "gzip"
    body = gzip.decompress(b"".join(packed.streaming_content)).decode("utf-8-sig")
    assert record.public_id in body
    if path.endswith(".jsonl"):
        assert json.loads(body.splitlines()[0])["public_id"] == record.public_id
