"""The fetcher against a local server, and its address rules with the allow-list off."""

import socket

import pytest

from incidents.preservation import fetcher
from incidents.preservation.fetcher import FetchError, fetch, is_public_address


def test_html_page(site, local_allowed):
    got = fetch(site.url("/article"))
    assert got.status == 200 and got.content_type == "text/html"
    assert b"quokka-coloured" in got.body
    headers = site.requests[-1]["headers"]
    assert "Cookie" not in headers and "Authorization" not in headers
    assert headers["Accept-Encoding"] == "identity"


def test_redirect_chain_is_followed_and_recorded(site, local_allowed):
    got = fetch(site.url("/hop1"))
    assert got.final_url == site.url("/article")
    assert [u.rsplit("/", 1)[1] for u in got.chain] == ["hop1", "hop2", "hop3", "article"]


def test_redirect_loop_stops(site, local_allowed):
    with pytest.raises(FetchError) as err:
        fetch(site.url("/loop"))
    assert err.value.kind == "redirects"


def test_not_found_is_an_answer_not_an_error(site, local_allowed):
    assert fetch(site.url("/gone")).status == 404


def test_timeout(site, local_allowed):
    with pytest.raises(FetchError) as err:
        fetch(site.url("/slow"), timeout=1)
    assert err.value.kind == "timeout"


@pytest.mark.parametrize("path", ["/big", "/big-streamed"])
def test_oversized_body_declared_or_streamed(site, local_allowed, path):
    with pytest.raises(FetchError) as err:
        fetch(site.url(path), max_bytes=10_000)
    assert err.value.kind == "too_large"


@pytest.mark.parametrize("path", ["/to-private", "/to-metadata"])
def test_a_redirect_into_a_private_address_is_refused(site, local_allowed, path):
    with pytest.raises(FetchError) as err:
        fetch(site.url(path))
    assert err.value.kind == "refused"
    assert [r["path"] for r in site.requests] == [path]  # nothing was sent to the private address


def test_the_local_server_is_refused_without_the_allow_list(site, settings):
    settings.PRESERVATION_ALLOWED_HOSTS = []
    with pytest.raises(FetchError) as err:
        fetch(site.url("/article"))
    assert err.value.kind == "refused"
    assert site.requests == []


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/", "http://127.8.9.10/", "http://10.0.0.1/", "http://172.16.0.1/", "http://172.31.255.254/",
    "http://192.168.1.1/", "http://169.254.169.254/latest/meta-data/", "http://100.64.0.1/", "http://0.0.0.0/",
    "http://[::1]/", "http://[fd00::1]/", "http://[fc00::5]/", "http://[fe80::1]/", "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:10.0.0.1]/", "http://localhost/", "http://224.0.0.1/",
])
def test_non_public_addresses_are_refused(url, settings):
    settings.PRESERVATION_ALLOWED_HOSTS = []
    with pytest.raises(FetchError) as err:
        fetch(url, timeout=2)
    assert err.value.kind == "refused", err.value


def test_a_hostname_resolving_to_a_private_address_is_refused(monkeypatch, settings):
    settings.PRESERVATION_ALLOWED_HOSTS = []
    connected = []

    def fake_dns(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port)),
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("192.168.0.10", port))]

    monkeypatch.setattr(fetcher.socket, "getaddrinfo", fake_dns)
    monkeypatch.setattr(fetcher.socket, "create_connection", lambda *a, **k: connected.append(a) or (_ for _ in ()).throw(AssertionError))
    with pytest.raises(FetchError) as err:
        fetch("https://innocent.example/story")
    assert err.value.kind == "refused" and "192.168.0.10" in str(err.value)
    assert connected == []  # one private answer among public ones is enough to refuse


@pytest.mark.parametrize("url", ["ftp://example.org/x", "file:///etc/passwd", "gopher://x/", "http://user:pw@example.org/", "javascript:alert(1)"])
def test_only_plain_http_urls(url):
    with pytest.raises(FetchError) as err:
        fetch(url)
    assert err.value.kind == "bad_url"


def test_public_address_rule():
    assert is_public_address("93.184.215.14") and is_public_address("2606:4700::1111")
    for address in ("127.0.0.1", "10.1.1.1", "172.20.0.1", "192.168.5.5", "169.254.1.1", "::1", "fd12::1", "fe80::2", "::ffff:192.168.1.1"):
        assert not is_public_address(address), address
