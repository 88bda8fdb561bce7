"""Benchmark a fresh machine's first run: clone the repository, then `make book` from nothing.

Times, on a clean `git clone` of the current commit into a temporary folder: the set-up step
(`make setup`: a new .venv, uv bootstrapped with pip, requirements.txt installed with uv) and the
build that follows (`make book` with the venv in place), and reports their sum, which is what a
new user waits for. With --test it also times `make test` in the same clone.

The package caches of uv and pip are pointed at empty folders so nothing installed earlier on
this machine is reused (PyPI must be reachable).

Usage: python bench/fresh.py [--test] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(cmd: list[str], cwd: Path, env: dict[str, str]) -> float:
    """Seconds ``cmd`` took; on failure, its last 60 lines are printed before raising."""
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-60:])
        print(f"{' '.join(cmd)} failed (exit {proc.returncode}):\n{tail}")
        raise SystemExit(proc.returncode)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--test", action="store_true", help="also time `make test`")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="report-fresh-") as tmp:
        clone = Path(tmp) / "clone"
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
        env = {
            **os.environ,
            "UV_CACHE_DIR": str(Path(tmp) / "uv-cache"),
            "PIP_CACHE_DIR": str(Path(tmp) / "pip-cache"),
            "PIP_NO_CACHE_DIR": "1",
        }
        env.pop("VIRTUAL_ENV", None)
        results = {"setup_s": timed(["make", "setup"], clone, env)}
        results["book_s"] = timed(["make", "book"], clone, env)
        results["setup_and_book_s"] = results["setup_s"] + results["book_s"]
        if args.test:
            results["test_s"] = timed(["make", "test"], clone, env)
    for key, value in results.items():
        print(f"{key:>18}: {value:7.1f} s")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
