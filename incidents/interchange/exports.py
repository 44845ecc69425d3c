"""Streaming exports of any filtered set of public incidents, in constant memory.

Both stream text PostgreSQL made and stored in the public read model (``PublicRecord``): a
CSV line (``public.csv_sql``) and the JSON record (``public.record_sql``), rebuilt on every change.
"""

import csv
import datetime
import json
from collections.abc import Iterator

from django.utils.text import slugify

from ..public.csv_sql import (  # noqa: F401  (CSV_COLUMNS: the export's documented columns)
    CSV_COLUMNS,
    CSV_HEADER,
)
from ..public.format import as_v1


class _Echo:
    def write(self, value):
        return value


def _quote(value: str) -> str:
    return f'"{value.replace(chr(34), chr(34) * 2)}"' if not value or any(c in value for c in ',"\r\n') else value


NOT_SELECTIONS = {"bom", "cursor", "page_size", "ordering", "format"}


def download_name(params, extension: str, today=None) -> str:
    """A file name that says what was selected and when: wrongful-identifications_system-clearview-ai_2026-12-02.csv."""
    parts = [f"{key}-{slugify(value)}" for key in sorted(params) if key not in NOT_SELECTIONS for value in params.getlist(key) if value]
    selection = "_".join(parts)[:120].strip("_-")
    day = (today or datetime.date.today()).isoformat()
    return f"wrongful-identifications{'_' + selection if selection else ''}_{day}.{extension}"


def csv_rows(rows, site_url: str = "", chunk_size: int = 2000, bom: bool = False) -> Iterator[str]:
    """Yield the CSV: the header, then one line per read-model row of ``rows`` (a filtered
    ``selectors.public_facts()``), in its order.

    The same columns in the same form as CSV_COLUMNS says (empty for unknown, true/false,
    '; '-joined lists). Each row keeps its line ready (``PublicRecord.csv_line``), so an
    export streams stored text through a server-side cursor, in flat memory.
    """
    if bom:  # a UTF-8 byte-order mark: spreadsheets then read accents and non-Latin names right
        yield "\ufeff"
    yield csv.writer(_Echo(), lineterminator="\r\n").writerow(CSV_HEADER)
    prefix = f"{site_url}/incidents/"
    for public_id, line in rows.values_list("public_id", "csv_line").iterator(chunk_size=chunk_size):
        yield f"{public_id},{_quote(f'{prefix}{public_id}/')},{line}\r\n"


def jsonl_rows(rows, chunk_size: int = 2000, record_format: int = 2) -> Iterator[str]:
    """Yield one JSON line per read-model row of ``rows``, in its order: the stored public records
    (in version 1 of the format when asked: ``format.as_v1``)."""
    for record in rows.values_list("record", flat=True).iterator(chunk_size=chunk_size):
        yield (record if record_format == 2 else json.dumps(as_v1(json.loads(record)), ensure_ascii=False)) + "\n"


def batched(lines: Iterator[str | bytes], size: int = 64 * 1024) -> Iterator[bytes]:
    """Join small lines into larger chunks: fewer writes to the socket."""
    buffer, length = [], 0
    for line in lines:
        if isinstance(line, bytes) and len(line) >= size and not buffer:
            yield line  # already a large block
            continue
        buffer.append(line.encode() if isinstance(line, str) else line)
        length += len(line)
        if length >= size:
            yield b"".join(buffer)
            buffer, length = [], 0
    if buffer:
        yield b"".join(buffer)
