"""Lighthouse (mobile preset) on the built book, served gzip-compressed as a static host would.

    .venv/bin/python bench/lighthouse.py [--book _build/html] [--runs 3] [--check] [PAGE ...]

PAGE defaults to the landing page and the heaviest chapter (``index``,
``chapters/infrastructure``). Lighthouse is the npm package pinned in
``bench/lighthouse/package-lock.json`` (``npm ci --prefix bench/lighthouse`` installs it;
this script does so when it is missing) and runs Debian's chromium (``CHROME_PATH``), with
Lighthouse's default mobile preset: a mid-range phone's screen, simulated slow 4G and a
CPU slowed four times. Each page is measured ``--runs`` times and the median run (by
performance score) is reported. ``--check`` exits 1 when a page misses the book's budget:
performance >= 0.9, first contentful paint <= 2.0 s, cumulative layout shift <= 0.05.

Too slow for ``make test`` (about 20 s a run); the README records its numbers.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIGHTHOUSE_DIR = ROOT / "bench" / "lighthouse"
LIGHTHOUSE = LIGHTHOUSE_DIR / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

#: The budget of issue 29: Lighthouse mobile on the landing page and the heaviest chapter.
BUDGET = {"performance": 0.9, "fcp_s": 2.0, "cls": 0.05}

#: Types a static host compresses.
COMPRESSED = (".html", ".js", ".css", ".json", ".svg", ".csv", ".txt", ".xml", ".map")


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Serve files, gzip-compressed (level 6, cached) when the client accepts it."""

    cache: dict[tuple[str, float], bytes] = {}

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Quiet."""

    def send_head(self):  # noqa: D102 (http.server's hook)
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            index = os.path.join(path, "index.html")
            if self.path.endswith("/") and os.path.isfile(index):
                path = index
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts and path.endswith(COMPRESSED) and os.path.isfile(path)):
            return super().send_head()
        key = (path, os.path.getmtime(path))
        body = self.cache.get(key)
        if body is None:
            with open(path, "rb") as f:
                body = self.cache[key] = gzip.compress(f.read(), compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        import io

        return io.BytesIO(body)


def serve_gzip(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Start serving ``folder`` gzip-compressed on 127.0.0.1; return the server and its URL."""
    handler = functools.partial(GzipHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def ensure_lighthouse() -> None:
    """Install the pinned Lighthouse with ``npm ci`` if it is missing."""
    if not LIGHTHOUSE.is_file():
        subprocess.run(
            ["npm", "ci", "--prefix", str(LIGHTHOUSE_DIR), "--no-audit", "--no-fund"],
            check=True,
        )


def run_once(url: str) -> dict[str, float]:
    """One Lighthouse run (mobile preset, performance only) of ``url``: the numbers we track."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        env = {**os.environ, "CHROME_PATH": CHROMIUM}
        subprocess.run(
            [
                "node",
                str(LIGHTHOUSE),
                url,
                "--only-categories=performance",
                "--output=json",
                f"--output-path={out}",
                "--quiet",
                "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
            ],
            check=True,
            env=env,
        )
        report = json.loads(out.read_text(encoding="utf-8"))
    audits = report["audits"]
    return {
        "performance": report["categories"]["performance"]["score"],
        "fcp_s": audits["first-contentful-paint"]["numericValue"] / 1000,
        "lcp_s": audits["largest-contentful-paint"]["numericValue"] / 1000,
        "tbt_ms": audits["total-blocking-time"]["numericValue"],
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "si_s": audits["speed-index"]["numericValue"] / 1000,
        "bytes_kb": audits["total-byte-weight"]["numericValue"] / 1024,
    }


def measure(base: str, page: str, runs: int) -> dict[str, float]:
    """The median of ``runs`` Lighthouse runs of one page (by performance score)."""
    results = [run_once(f"{base}/{page}.html") for _ in range(runs)]
    results.sort(key=lambda r: r["performance"])
    median = results[len(results) // 2]
    median["runs"] = runs
    median["performance_all"] = [r["performance"] for r in results]
    median["performance_median"] = statistics.median(r["performance"] for r in results)
    return median


def misses(result: dict[str, float]) -> list[str]:
    """What of the budget a page's result misses (empty when it meets it)."""
    found = []
    if result["performance"] < BUDGET["performance"]:
        found.append(f"performance {result['performance']:.2f} < {BUDGET['performance']}")
    if result["fcp_s"] > BUDGET["fcp_s"]:
        found.append(f"FCP {result['fcp_s']:.2f} s > {BUDGET['fcp_s']} s")
    if result["cls"] > BUDGET["cls"]:
        found.append(f"CLS {result['cls']:.3f} > {BUDGET['cls']}")
    return found


def main(argv: list[str] | None = None) -> int:
    """Measure the pages; print one line each; with ``--check``, exit 1 on a missed budget."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="*", default=["index", "chapters/infrastructure"])
    parser.add_argument("--book", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    if not (args.book / "index.html").is_file():
        print(f"no built book in {args.book}: run `python -m report build` first", file=sys.stderr)
        return 2
    ensure_lighthouse()
    server, base = serve_gzip(args.book)
    failed, results = False, {}
    try:
        for page in args.pages:
            r = results[page] = measure(base, page, args.runs)
            bad = misses(r)
            failed |= bool(bad)
            print(
                f"{page:26s} performance {r['performance']:.2f} (runs {r['performance_all']})  "
                f"FCP {r['fcp_s']:.2f} s  LCP {r['lcp_s']:.2f} s  TBT {r['tbt_ms']:.0f} ms  "
                f"CLS {r['cls']:.3f}  SI {r['si_s']:.2f} s  {r['bytes_kb']:.0f} KB"
                + (f"  MISSES: {'; '.join(bad)}" if bad else ""),
                flush=True,
            )
    finally:
        server.shutdown()
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 1 if (args.check and failed) else 0


if __name__ == "__main__":
    sys.exit(main())
