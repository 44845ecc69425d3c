"""A small progress line for long commands, without a dependency."""

import time


class Progress:
    def __init__(self, label: str, total: int, stream, every: float = 0.5):
        self.label, self.total, self.stream, self.every = label, total, stream, every
        self.started = self.last = time.monotonic()
        self.interactive = hasattr(stream, "isatty") and stream.isatty()

    def update(self, n: int) -> None:
        now = time.monotonic()
        if now - self.last < self.every and n < self.total:
            return
        self.last = now
        rate = n / max(now - self.started, 1e-6)
        pct = f"{100 * n / self.total:5.1f}%" if self.total else ""
        line = f"{self.label}: {n}/{self.total} {pct} ({rate:,.0f}/s)"
        self.stream.write(("\r" + line) if self.interactive else line + "\n", ending="") if hasattr(self.stream, "style_func") else self.stream.write(("\r" + line) if self.interactive else line + "\n")

    def done(self) -> None:
        if self.interactive:
            self.stream.write("\n")
