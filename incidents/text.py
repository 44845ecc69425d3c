"""Text normalisation shared by alias matching and duplicate detection."""

import re
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.utils.text import slugify


def fold(value: str) -> str:
    """Return ``value`` case- and accent-folded, with runs of space collapsed.

    PostgreSQL's unaccent is a contrib extension the embedded server lacks, so
    folding happens here and the folded keys are stored beside each name.
    """
    decomposed = unicodedata.normalize("NFKD", value or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", stripped.casefold()).strip()


def lookup_keys(*names: str) -> list[str]:
    """Return the distinct folded keys under which a system or organisation is found."""
    keys: list[str] = []
    for name in names:
        for key in (fold(name), slugify(fold(name))):
            if key and key not in keys:
                keys.append(key)
    return keys


TRACKING_PARAMS = re.compile(r"^(utm_.*|fbclid|gclid|mc_cid|mc_eid|ref|ref_src|cmpid|ocid|smid|igshid)$", re.I)


def normalize_url(url: str) -> str:
    """Return a key under which the same web page has the same value.

    Drops the scheme, a leading ``www.``, a trailing slash, the fragment and
    tracking parameters, and sorts what is left of the query.
    """
    parts = urlsplit((url or "").strip())
    host = (parts.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    path = parts.path.rstrip("/") or ""
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING_PARAMS.match(k)))
    return urlunsplit(("", host, path, query, "")).lstrip("/")
