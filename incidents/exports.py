"""Streaming exports of any filtered set of public incidents, in constant memory.

CSV rows are built by PostgreSQL (array subqueries) and read through a server-side
cursor; JSON Lines reuse the public record, prefetched per chunk.
"""

import csv
from collections.abc import Iterator

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef

from .interchange import iter_records, partial_date, to_json_line
from .models import Incident, IncidentSource, Outcome

CSV_COLUMNS = [
    ("public_id", "The registry's stable id, e.g. WIR-2026-0001."),
    ("url", "The incident's public page."),
    ("title", "Short neutral title."),
    ("incident_date", "When it happened, as precisely as known: YYYY, YYYY-MM or YYYY-MM-DD."),
    ("country", "ISO 3166-1 alpha-2 code."),
    ("region", "State, province or region."),
    ("city", "City or place."),
    ("systems", "Slugs of the identification systems involved, separated by '; '."),
    ("vendors", "Slugs of the systems' vendors, separated by '; '."),
    ("operators", "Slugs of the agencies or companies that acted, separated by '; '."),
    ("identification_mode", "investigative_search, live_search, verification, record_lookup or unknown."),
    ("error_type", "false_match, false_non_match, wrong_record, outdated_reference or other."),
    ("contributing_factors", "Contributing factors, separated by '; '."),
    ("reference_database", "The database searched, where known."),
    ("human_review", "true if a human examiner reviewed the match; empty if unknown."),
    ("sole_basis", "true if the match was the sole basis for action; empty if unknown."),
    ("affected_count", "Number of people affected, where known."),
    ("has_minor", "true if a minor is among them; empty if unknown."),
    ("outcomes", "Outcome types in order, separated by '; '."),
    ("detention_days", "Total days of detention given by the outcomes, where known."),
    ("source_count", "Number of sources."),
    ("source_urls", "Source URLs, separated by ' | '."),
    ("version", "Version number of the record."),
    ("published_at", "First publication time (ISO 8601, UTC)."),
]
CSV_HEADER = [name for name, _ in CSV_COLUMNS]


def _bool(value):
    return "" if value is None else ("true" if value else "false")


class _Echo:
    def write(self, value):
        return value


def csv_rows(queryset, site_url: str = "") -> Iterator[str]:
    """Yield CSV text: the header, then one line per incident."""
    through_sys = Incident.systems.through.objects.filter(incident_id=OuterRef("pk"))
    through_ops = Incident.operators.through.objects.filter(incident_id=OuterRef("pk"))
    rows = (
        queryset.order_by()
        .annotate(
            system_slugs=ArraySubquery(through_sys.order_by("system__slug").values("system__slug")),
            vendor_slugs=ArraySubquery(through_sys.exclude(system__vendor=None).order_by("system__vendor__slug").values("system__vendor__slug").distinct()),
            operator_slugs=ArraySubquery(through_ops.order_by("organization__slug").values("organization__slug")),
            outcome_types=ArraySubquery(Outcome.objects.filter(incident_id=OuterRef("pk")).order_by("position", "id").values("type")),
            outcome_days=ArraySubquery(Outcome.objects.filter(incident_id=OuterRef("pk"), days__isnull=False).values("days")),
            source_urls=ArraySubquery(IncidentSource.objects.filter(incident_id=OuterRef("pk")).order_by("position", "id").values("source__url")),
        )
        .order_by(*(queryset.query.order_by or ["-published_at", "-id"]))
        .values_list(
            "public_id", "title", "incident_date", "date_precision", "country", "region", "city", "system_slugs", "vendor_slugs",
            "operator_slugs", "identification_mode", "error_type", "contributing_factors", "reference_database", "human_review",
            "sole_basis", "affected_count", "affected_minor", "outcome_types", "outcome_days", "source_urls", "version", "published_at",
        )
    )
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_HEADER)
    for (pid, title, date, precision, country, region, city, systems, vendors, operators, mode, error, factors, refdb,
         human, sole, count, minor, outcomes, days, urls, version, published) in rows.iterator(chunk_size=2000):
        yield writer.writerow([
            pid, f"{site_url}/incidents/{pid}/", title, partial_date(date, precision) or "", country, region, city,
            "; ".join(systems), "; ".join(vendors), "; ".join(operators), mode, error, "; ".join(factors), refdb,
            _bool(human), _bool(sole), "" if count is None else count, _bool(minor), "; ".join(outcomes),
            sum(days) if days else "", len(urls), " | ".join(urls), version, published.isoformat(),
        ])


def jsonl_rows(queryset) -> Iterator[str]:
    """Yield one JSON line per incident in the public record format."""
    for record in iter_records(queryset, chunk_size=1000):
        yield to_json_line(record)


def batched(lines: Iterator[str], size: int = 64 * 1024) -> Iterator[bytes]:
    """Join small lines into larger chunks: fewer writes to the socket."""
    buffer, length = [], 0
    for line in lines:
        buffer.append(line)
        length += len(line)
        if length >= size:
            yield "".join(buffer).encode()
            buffer, length = [], 0
    if buffer:
        yield "".join(buffer).encode()
