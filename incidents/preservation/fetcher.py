"""Fetching a source URL without letting a submitter aim the server at itself.

Anyone can submit a URL, and the preservation worker fetches it, so the fetch is
a server-side request forgery waiting to happen unless every connection is
checked. The rules:

- only http and https, only the default or an explicit port of the URL;
- the host name is resolved here, every address it resolves to must be public
  (``ipaddress``'s ``is_global``: no loopback, private, link-local, shared,
  reserved, multicast, ULA or IPv4-mapped loopback), and the connection goes to
  the address we checked, so a second DNS answer cannot switch it (rebinding);
- redirects are followed by hand, at most ``max_redirects``, each hop checked
  again by the same rules;
- at most ``max_bytes`` of body (compressed encodings refused, so no bombs),
  a deadline over the whole fetch, no cookies, no credentials, nothing executed.

``settings.PRESERVATION_ALLOWED_HOSTS`` lists hosts exempt from the address
rule. It is empty by default and exists for tests that serve pages from a local
server.
"""

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from django.conf import settings

USER_AGENT = "WrongfulIdentificationRegistry-Preservation/1 (+source preservation; no tracking)"
REDIRECT_STATUSES = {301, 302, 303, 307, 308}


class FetchError(Exception):
    """The fetch failed; ``kind`` says how (refused, timeout, too_large, network, redirects, bad_url)."""

    def __init__(self, kind: str, message: str, *, url: str = "", chain=()):
        super().__init__(message)
        self.kind = kind
        self.url = url
        self.chain = list(chain)


@dataclass
class Fetched:
    url: str
    final_url: str
    status: int
    content_type: str
    body: bytes
    chain: list[str] = field(default_factory=list)
    elapsed: float = 0.0


def _allowed_hosts() -> set[str]:
    return {h.lower() for h in getattr(settings, "PRESERVATION_ALLOWED_HOSTS", [])}


def is_public_address(address: str) -> bool:
    """True when ``address`` is a globally routable unicast address."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        mapped = ip.ipv4_mapped or ip.sixtofour
        if mapped is not None:
            ip = mapped
        elif ip.teredo:
            ip = ip.teredo[1]
    return ip.is_global and not ip.is_multicast and not ip.is_reserved


def resolve_public(host: str, port: int) -> list[tuple]:
    """Resolve ``host`` and return its socket addresses, refusing if any of them is not public.

    Refusing when *any* answer is private (not just the first) closes the trick of a
    name that answers with one public and one internal address.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise FetchError("network", f"Could not resolve {host}: {exc.strerror or exc}.") from exc
    if not infos:
        raise FetchError("network", f"{host} has no address.")
    if host.lower().strip("[]") in _allowed_hosts():
        return [info[4] for info in infos]
    for info in infos:
        address = info[4][0]
        if not is_public_address(address):
            raise FetchError("refused", f"Refused: {host} resolves to {address}, which is not a public address.")
    return [info[4] for info in infos]


def _check_url(url: str):
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchError("bad_url", f"Only http and https URLs are fetched, not {parts.scheme or 'no scheme'}.", url=url)
    if not parts.hostname:
        raise FetchError("bad_url", "The URL has no host.", url=url)
    if parts.username or parts.password:
        raise FetchError("bad_url", "URLs with credentials are not fetched.", url=url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise FetchError("bad_url", f"Bad port in {url}.", url=url) from exc
    return parts, port


def _open(parts, port: int, deadline: float):
    """Connect to a checked address of the URL's host; return an http.client connection on it."""
    host = parts.hostname
    addresses = resolve_public(host, port)
    last_error = None
    for address in addresses:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchError("timeout", "The fetch took too long.")
        try:
            sock = socket.create_connection(address[:2], timeout=remaining)
        except OSError as exc:
            last_error = exc
            continue
        if parts.scheme == "https":
            context = ssl.create_default_context()
            try:
                sock = context.wrap_socket(sock, server_hostname=host)
            except (ssl.SSLError, OSError) as exc:
                sock.close()
                raise FetchError("network", f"TLS failed with {host}: {exc}.") from exc
            conn = http.client.HTTPSConnection(host, port, timeout=remaining, context=context)
        else:
            conn = http.client.HTTPConnection(host, port, timeout=remaining)
        conn.sock = sock  # http.client skips its own connect (and DNS lookup) when a socket is set
        return conn
    if isinstance(last_error, socket.timeout):
        raise FetchError("timeout", f"Connecting to {host} timed out.")
    raise FetchError("network", f"Could not connect to {host}: {last_error}.")


def _read_body(response, max_bytes: int, deadline: float) -> bytes:
    declared = response.getheader("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise FetchError("too_large", f"The document is {int(declared):,} bytes; the limit is {max_bytes:,}.")
    chunks, size = [], 0
    while True:
        if time.monotonic() > deadline:
            raise FetchError("timeout", "The fetch took too long.")
        chunk = response.read(min(65536, max_bytes + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
        if size > max_bytes:
            raise FetchError("too_large", f"The document is larger than the limit of {max_bytes:,} bytes.")
    return b"".join(chunks)


def fetch(url: str, *, max_bytes: int | None = None, timeout: float | None = None, max_redirects: int | None = None) -> Fetched:
    """GET ``url`` under the rules above; return the final response or raise ``FetchError``.

    A 4xx or 5xx answer is returned, not raised: it is a fact about the source.
    """
    max_bytes = max_bytes or settings.PRESERVATION_MAX_BYTES
    timeout = timeout or settings.PRESERVATION_TIMEOUT_SECONDS
    max_redirects = settings.PRESERVATION_MAX_REDIRECTS if max_redirects is None else max_redirects
    started = time.monotonic()
    deadline = started + timeout
    chain, current = [], url
    while True:
        parts, port = _check_url(current)
        chain.append(current)
        try:
            conn = _open(parts, port, deadline)
            try:
                path = parts.path or "/"
                if parts.query:
                    path += "?" + parts.query
                conn.request("GET", path, headers={
                    "User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml,application/pdf;q=0.9,*/*;q=0.5",
                    "Accept-Encoding": "identity", "Connection": "close",
                })
                response = conn.getresponse()
                location = response.getheader("Location")
                if response.status in REDIRECT_STATUSES and location:
                    response.close()
                    if len(chain) > max_redirects:
                        raise FetchError("redirects", f"More than {max_redirects} redirects.", url=url, chain=chain)
                    current = urljoin(current, location.strip())
                    continue
                encoding = (response.getheader("Content-Encoding") or "identity").lower()
                if encoding not in ("identity", ""):
                    raise FetchError("network", f"The server sent a {encoding}-encoded body although we asked for none.")
                body = _read_body(response, max_bytes, deadline)
                return Fetched(url=url, final_url=current, status=response.status,
                               content_type=(response.getheader("Content-Type") or "").split(";")[0].strip().lower(),
                               body=body, chain=chain, elapsed=time.monotonic() - started)
            finally:
                conn.close()
        except FetchError as exc:
            exc.url, exc.chain = exc.url or url, exc.chain or chain
            raise
        except TimeoutError as exc:
            raise FetchError("timeout", "The server did not answer in time.", url=url, chain=chain) from exc
        except (OSError, http.client.HTTPException) as exc:
            raise FetchError("network", f"The fetch failed: {exc.__class__.__name__}: {exc}.", url=url, chain=chain) from exc
