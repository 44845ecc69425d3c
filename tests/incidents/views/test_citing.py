"""Citing and reading (#14, the citing part): a working plain citation, BibTeX that compiles,
CSL-JSON and RIS downloads, citation meta tags and JSON-LD, a page per published version,
print styles, Atom entries that update and announce withdrawals, and CSV downloads for
spreadsheets."""

import csv
import datetime
import io
import json
import re
import xml.etree.ElementTree as ET

import pytest

from incidents.domain import moderation, redaction
from incidents.public import citations
from tests.factories import publish_new

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def record(moderator):
    return publish_new(moderator, title="Detroit pays $300,000 & changes its Face-Recognition rules_2024")


def test_the_plain_citation_has_a_real_date_and_names_the_version(client, record):
    html = client.get(f"/incidents/{record.public_id}/").content.decode()
    assert "{date}" not in html and f"(accessed {datetime.datetime.now(datetime.UTC).date().isoformat()})" in html
    assert f"/incidents/{record.public_id}/v/1/" in html and "version 1" in html


def test_bibtex_titles_are_brace_protected_and_escaped():
    text = citations.bibtex({"public_id": "WIR-2026-0001", "version": 2, "title": "Detroit pays $300,000 & 50% to_A {B}",
                             "published_at": "2026-01-02T00:00:00+00:00", "updated_at": "2026-02-03T00:00:00+00:00"}, "https://x.example/incidents/WIR-2026-0001/")
    assert r"title = {{Detroit pays \$300,000 \& 50\% to\_A \{B\}}}" in text
    assert "url = {https://x.example/incidents/WIR-2026-0001/v/2/}" in text and "urldate = {" in text
    assert text.count("{") == text.count("}") + text.count(r"\{") - text.count(r"\}")


def test_csl_json_and_ris_download(client, record):
    csl = client.get(f"/incidents/{record.public_id}/cite.json")
    assert csl["Content-Type"].startswith("application/vnd.citationstyles.csl+json")
    item = json.loads(csl.content)[0]
    assert item["type"] == "dataset" and item["title"] == record.title and item["URL"].endswith(f"/incidents/{record.public_id}/v/1/")
    assert item["issued"]["date-parts"][0][0] == datetime.date.today().year
    ris = client.get(f"/incidents/{record.public_id}/cite.ris")
    assert ris["Content-Type"].startswith("application/x-research-info-systems")
    text = ris.content.decode()
    assert text.startswith("TY  - DATA\r\n") and f"TI  - {record.title}\r\n" in text and text.endswith("ER  - \r\n")
    assert f'filename="{record.public_id}-v1.ris"' in ris["Content-Disposition"]


def test_meta_tags_and_json_ld_for_scholar_and_zotero(client, record):
    html = client.get(f"/incidents/{record.public_id}/").content.decode()
    assert '<meta name="citation_title" content="Detroit pays $300,000 &amp; changes its Face-Recognition rules_2024">' in html
    assert '<meta name="citation_author" content="Wrongful Identification Registry">' in html
    assert re.search(r'<meta name="citation_publication_date" content="\d{4}/\d{2}/\d{2}">', html)
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    data = json.loads(block)
    assert data["@type"] == "Dataset" and data["identifier"] == record.public_id and "<" not in block


def test_a_version_page_shows_that_version_as_published(client, moderator, record):
    moderation.correct(record, moderator, {"city": "Dearborn"}, "The court record gives Dearborn.")
    first = client.get(f"/incidents/{record.public_id}/v/1/").content.decode()
    second = client.get(f"/incidents/{record.public_id}/v/2/").content.decode()
    assert "version 1</strong>" in first and "Detroit" in first and "read the current version (2)" in first
    assert "Dearborn" in second and "It is the current version" in second
    assert client.get(f"/incidents/{record.public_id}/v/3/").status_code == 404


def test_a_removed_name_is_gone_from_earlier_versions_too(client, moderator):
    named = publish_new(moderator, title="Case naming Porcia Examplename", narrative="Porcia Examplename was arrested.")
    redaction.redact(named, moderator, "Removed on request.", remove=["Porcia Examplename"])
    for n in (1, 2):
        assert "Examplename" not in client.get(f"/incidents/{named.public_id}/v/{n}/").content.decode()


def test_the_print_stylesheet_keeps_source_addresses_and_drops_navigation(client):
    css = client.get("/static/incidents/site.css")
    text = b"".join(css.streaming_content).decode() if css.streaming else css.content.decode()
    block = text[text.index("@media print"):]
    assert "nav" in block and 'content: " <" attr(href) ">"' in block


def test_atom_feed_names_its_author_updates_corrected_entries_and_announces_withdrawals(client, moderator, record):
    other = publish_new(moderator, title="A case later withdrawn")
    moderation.correct(record, moderator, {"city": "Dearborn"}, "City corrected.")
    moderation.withdraw(other, moderator, "The only source retracted the story.")
    feed = ET.fromstring(client.get("/feed.atom").content)
    assert feed.find(f"{ATOM}author/{ATOM}name").text == "Wrongful Identification Registry"
    entries = {e.find(f"{ATOM}id").text: e for e in feed.findall(f"{ATOM}entry")}
    corrected = entries[f"urn:wir:{record.public_id}"]
    assert corrected.find(f"{ATOM}updated").text > corrected.find(f"{ATOM}published").text
    withdrawn = entries[f"urn:wir:{other.public_id}"]
    assert withdrawn.find(f"{ATOM}title").text == f"Withdrawn: {other.public_id}"
    assert "retracted the story" in withdrawn.find(f"{ATOM}summary").text and "A case later withdrawn" not in ET.tostring(withdrawn, encoding="unicode")


def test_csv_for_spreadsheets_names_beside_slugs_and_a_file_name_that_says_what(client, moderator):
    from tests.factories import SystemFactory

    SystemFactory(name="Clearview AI", slug="clearview-ai")
    publish_new(moderator, systems=["clearview-ai"])
    response = client.get("/api/v1/incidents/export.csv?system=clearview-ai&bom=1")
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode()) and not client_body_starts_with_bom(client, "/api/v1/incidents/export.csv")
    today = datetime.date.today().isoformat()
    assert f'filename="wrongful-identifications_system-clearview-ai_{today}.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0]["systems"] == "clearview-ai" and rows[0]["system_names"] == "Clearview AI"


def client_body_starts_with_bom(client, url) -> bool:
    return b"".join(client.get(url).streaming_content).startswith("\ufeff".encode())


def test_a_bad_bom_value_is_refused_by_name(client):
    response = client.get("/api/v1/incidents/export.csv?bom=yes-please")
    assert response.status_code == 400 and "bom" in response.json()["error"]["fields"]
