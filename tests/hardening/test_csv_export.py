"""The CSV export is safe to open in a spreadsheet: formula-like cells are neutralised, rows
end with CRLF (#13), and Python's csv module reads every cell back."""

import csv
import io

import pytest

from tests.factories import publish_new

pytestmark = pytest.mark.django_db

FORMULAS = ["=HYPERLINK(\"http://evil.example\",\"click\")", "+1+1", "-2+3", "@SUM(A1:A2)", "\tTabbed", "=cmd|' /C calc'!A0"]


def test_formula_cells_are_neutralised_and_rows_end_with_crlf(client, moderator):
    for i, text in enumerate(FORMULAS):
        publish_new(moderator, title=f"{text} case {i}" if i else text, region=text, city=text.strip()[:100])
    raw = b"".join(client.get("/api/v1/incidents/export.csv").streaming_content).decode()
    assert raw.endswith("\r\n") and raw.count("\r\n") == len(FORMULAS) + 1
    rows = list(csv.DictReader(io.StringIO(raw, newline="")))
    assert len(rows) == len(FORMULAS)
    for row in rows:
        for column in ("title", "region", "city"):
            value = row[column]
            assert not value or value[0] not in "=+-@\t\r", (column, value)
    # Submitted text is trimmed, so the tab never reaches the record.
    assert {row["region"] for row in rows} == {"'" + text for text in FORMULAS if text[0] != "\t"} | {"Tabbed"}
    assert "'=HYPERLINK(\"http://evil.example\",\"click\")" in {row["title"] for row in rows}


def test_ordinary_text_is_left_as_it_is(client, moderator):
    publish_new(moderator, title="A man, wrongly \"matched\"", region="Michigan", city="Detroit")
    rows = list(csv.DictReader(io.StringIO(b"".join(client.get("/api/v1/incidents/export.csv").streaming_content).decode(), newline="")))
    assert rows[0]["title"] == "A man, wrongly \"matched\"" and rows[0]["region"] == "Michigan"
