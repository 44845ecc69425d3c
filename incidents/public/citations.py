"""How a published record is cited: plain text, BibTeX, CSL-JSON and RIS, the Highwire
``citation_*`` meta tags Google Scholar and Zotero read, and schema.org JSON-LD. One place,
so every format says the same thing (author, title, version, dates, address).

A citation names the version: the record's address plus ``/v/<n>/`` shows that version
exactly as it was published.
"""

import datetime
import json

AUTHOR = "Wrongful Identification Registry"

# BibTeX (and LaTeX) specials: escaped so a title such as "pays $300,000 & apologises" compiles.
_LATEX = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "%": r"\%", "#": r"\#", "_": r"\_",
          "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def latex(text: str) -> str:
    return "".join(_LATEX.get(ch, ch) for ch in text)


def _date(value: str | None) -> str:
    return (value or "")[:10]


def version_url(url: str, record: dict) -> str:
    return f"{url}v/{record['version']}/"


def plain(record: dict, url: str, today: datetime.date | None = None) -> str:
    today = today or datetime.datetime.now(datetime.UTC).date()
    return (f"{AUTHOR}. \u201c{record['title']}.\u201d Record {record['public_id']}, version {record['version']} "
            f"(updated {_date(record['updated_at'])}). {version_url(url, record)} (accessed {today.isoformat()}).")


def bibtex(record: dict, url: str, today: datetime.date | None = None) -> str:
    today = today or datetime.datetime.now(datetime.UTC).date()
    key = record["public_id"].replace("-", "") + f"v{record['version']}"
    # Double braces keep the title's capitals: BibTeX styles lower-case what is not braced.
    return (f"@misc{{{key},\n  title = {{{{{latex(record['title'])}}}}},\n  author = {{{{{AUTHOR}}}}},\n"
            f"  year = {{{_date(record['published_at'])[:4]}}},\n  version = {{{record['version']}}},\n"
            f"  note = {{Record {record['public_id']}, version {record['version']}, updated {_date(record['updated_at'])}}},\n"
            f"  url = {{{version_url(url, record)}}},\n  urldate = {{{today.isoformat()}}}\n}}")


def _parts(value: str) -> list[int]:
    return [int(x) for x in _date(value).split("-") if x]


def csl_json(record: dict, url: str) -> list[dict]:
    """CSL-JSON (what Zotero, Mendeley and citeproc read): a list of one item."""
    return [{"id": f"{record['public_id']}-v{record['version']}", "type": "dataset", "title": record["title"],
             "author": [{"literal": AUTHOR}], "publisher": AUTHOR, "version": str(record["version"]),
             "number": record["public_id"], "URL": version_url(url, record),
             "issued": {"date-parts": [_parts(record["published_at"])]},
             "accessed": {"date-parts": [[*datetime.datetime.now(datetime.UTC).date().timetuple()[:3]]]},
             "abstract": record["narrative"][:1000]}]


def ris(record: dict, url: str) -> str:
    """RIS (EndNote, Zotero, reference managers), CRLF lines as the format asks."""
    lines = [("TY", "DATA"), ("TI", record["title"]), ("AU", AUTHOR), ("PB", AUTHOR), ("PY", _date(record["published_at"])[:4]),
             ("DA", _date(record["published_at"]).replace("-", "/")), ("ET", f"version {record['version']}"), ("M1", record["public_id"]),
             ("UR", version_url(url, record)), ("Y2", datetime.datetime.now(datetime.UTC).date().isoformat().replace("-", "/")),
             ("AB", " ".join(record["narrative"].split())[:1000]), ("ER", "")]
    return "".join(f"{tag}  - {value}\r\n" for tag, value in lines)


def meta_tags(record: dict, url: str) -> list[tuple[str, str]]:
    """Highwire Press tags, as Google Scholar's inclusion guidelines list them."""
    return [("citation_title", record["title"]), ("citation_author", AUTHOR),
            ("citation_publication_date", _date(record["published_at"]).replace("-", "/")),
            ("citation_online_date", _date(record["updated_at"]).replace("-", "/")), ("citation_publisher", AUTHOR),
            ("citation_technical_report_number", f"{record['public_id']} v{record['version']}"),
            ("citation_public_url", url)]


def json_ld(record: dict, url: str) -> str:
    """schema.org JSON-LD for the page (a data block: no script runs, so the CSP is untouched)."""
    data = {"@context": "https://schema.org", "@type": "Dataset", "name": record["title"], "identifier": record["public_id"],
            "url": url, "version": str(record["version"]), "datePublished": _date(record["published_at"]),
            "dateModified": _date(record["updated_at"]), "description": record["narrative"][:5000],
            "creator": {"@type": "Organization", "name": AUTHOR}, "publisher": {"@type": "Organization", "name": AUTHOR},
            "isAccessibleForFree": True, "spatialCoverage": ", ".join(x for x in (record["city"], record["region"], record["country"]) if x),
            "temporalCoverage": record["incident_date"] or None,
            "citation": [s["url"] for s in record["sources"] if s["url"]]}
    # No "<" at all inside the script element: nothing in a text can close it or open a comment.
    return json.dumps({k: v for k, v in data.items() if v is not None}, ensure_ascii=False).replace("<", "\\u003c")
