"""A small local web site for the preservation tests: pages, a PDF, redirects, errors, a slow page.

Served from a thread on 127.0.0.1; tests add 127.0.0.1 to PRESERVATION_ALLOWED_HOSTS
(off by default) so the fetcher's address rule lets them through.
"""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ARTICLE = """<!doctype html><html><head><title>Man wrongly jailed after face match</title>
<script>document.write('never run')</script></head><body>
<nav>Home | World | Sport</nav>
<article><h1>Man wrongly jailed after face match</h1>
<p>Police in Exampleton arrested a man after the facial recognition system returned him as a candidate.
The quokka-coloured surveillance van had photographed someone else entirely, the court later heard.</p>
<p>He spent six days in detention before prosecutors dropped the charges, and his lawyer has filed a lawsuit
against the department over the wrongful arrest and the lack of any corroborating evidence.</p>
</article><footer>Copyright Example News</footer></body></html>"""


def minimal_pdf(text: str) -> bytes:
    """A valid one-page PDF whose text layer says ``text`` (built by hand, with a correct xref)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Title (Order of the court) >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


class Site:
    """Routes can be changed by a test (``site.routes[path] = (status, headers, body)``)."""

    def __init__(self):
        self.routes = {
            "/article": (200, {"Content-Type": "text/html; charset=utf-8"}, ARTICLE.encode()),
            "/ruling.pdf": (200, {"Content-Type": "application/pdf"}, minimal_pdf("The court finds the arrest unlawful")),
            "/hop1": (302, {"Location": "/hop2"}, b""),
            "/hop2": (301, {"Location": "/hop3"}, b""),
            "/hop3": (307, {"Location": "/article"}, b""),
            "/loop": (302, {"Location": "/loop"}, b""),
            "/gone": (404, {"Content-Type": "text/html"}, b"<h1>Not found</h1>"),
            "/big": (200, {"Content-Type": "text/html"}, b"x" * 50_000),
            "/to-private": (302, {"Location": "http://10.20.30.40/admin"}, b""),
            "/to-metadata": (302, {"Location": "http://169.254.169.254/latest/meta-data/"}, b""),
        }
        self.requests = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                site.requests.append({"path": self.path, "headers": dict(self.headers)})
                if self.path == "/slow":
                    time.sleep(3)
                if self.path == "/big-streamed":
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html")
                    self.end_headers()
                    for _ in range(100):
                        self.wfile.write(b"y" * 1000)
                    return
                status, headers, body = site.routes.get(self.path, (404, {}, b"no such page"))
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                if "Content-Length" not in headers:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
