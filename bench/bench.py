"""Benchmark the book build on a temporary copy of the repository.

Scenarios (each run several times; medians reported):

  cold       `python -m report build` from an empty _build/
  unchanged  the same build again, nothing changed (everything should come from the cache)
  one-row    the build after changing one row of one table (only its readers re-execute)
  baseline   the same book built by Jupyter Book alone, executing every notebook itself
             (`execute_notebooks: force`), from an empty _build/

With --scale, the largest tables with a free-text key are multiplied 10x and 100x (synthetic
rows with new keys, same sources) and a cold build is timed, with the largest page's size, to
show how the cost grows with data.

Usage: python bench/bench.py [--runs 3] [--scale] [--skip-baseline] [--json FILE]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: Tables multiplied in the scale mode, with the text key made unique in each copy.
SCALED = {
    "lab_events": "event_id",
    "hires": "person",
    "aftermath": "description",
    "comparable_deals": "target",
    "model_releases": "model",
}


def copy_repo(dest: Path) -> Path:
    files = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    for rel in files:
        if (ROOT / rel).is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / rel, dest / rel)
    return dest


def timed(cmd: list[str], cwd: Path) -> float:
    env = {**os.environ, "REPORT_ROOT": str(cwd)}
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"command failed: {' '.join(cmd)}\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return elapsed


def report_build(root: Path) -> float:
    return timed([sys.executable, "-m", "report", "build"], root)


def toggle_one_row(root: Path, run: int) -> None:
    path = root / "data" / "departures.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    rows[1][rows[0].index("destination")] = f"Benchmark Labs {run}"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def baseline_copy(root: Path) -> None:
    """Make the copy a plain Jupyter Book that executes its own notebooks."""
    config = (root / "_config.yml").read_text(encoding="utf-8")
    config = config.replace('execute_notebooks: "off"', 'execute_notebooks: "force"')
    config = config.replace('    nb_execution_mode: "off"\n', "")
    (root / "_config.yml").write_text(config, encoding="utf-8")


def jupyter_book_alone(root: Path) -> float:
    shutil.rmtree(root / "_build", ignore_errors=True)
    exe = Path(sys.executable).with_name("jupyter-book")
    return timed([str(exe), "build", str(root), "--builder", "html", "--quiet"], root)


def largest_page(root: Path) -> tuple[str, int]:
    pages = [(p, p.stat().st_size) for p in (root / "_build" / "html").rglob("*.html")]
    path, size = max(pages, key=lambda item: item[1])
    return str(path.relative_to(root / "_build" / "html")), size


def multiply(root: Path, factor: int) -> None:
    for table, key in SCALED.items():
        path = root / "data" / f"{table}.csv"
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
        header, body = rows[0], rows[1:]
        k = header.index(key)
        out = [header]
        for copy in range(factor):
            for row in body:
                new = list(row)
                if copy:
                    new[k] = f"{row[k]} syn{copy}" if key != "event_id" else f"{row[k]}-syn{copy}"
                out.append(new)
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(out)
        path.write_text(buf.getvalue(), encoding="utf-8")


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scale", action="store_true", help="also time 10x and 100x data")
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--json", type=Path, default=None, help="write the results here too")
    args = parser.parse_args()

    results: dict[str, object] = {"runs": args.runs, "cpus": os.cpu_count()}
    times: dict[str, list[float]] = {"cold": [], "unchanged": [], "one-row": [], "baseline": []}
    with tempfile.TemporaryDirectory() as tmp:
        root = copy_repo(Path(tmp) / "repo")
        for run in range(args.runs):
            shutil.rmtree(root / "_build", ignore_errors=True)
            times["cold"].append(report_build(root))
            times["unchanged"].append(report_build(root))
            toggle_one_row(root, run)
            times["one-row"].append(report_build(root))
            executed = json.loads((root / "_build" / "changes.json").read_text())["executed"]
            print(
                f"run {run + 1}: cold {times['cold'][-1]:.1f}s, unchanged "
                f"{times['unchanged'][-1]:.1f}s, one row {times['one-row'][-1]:.1f}s "
                f"(re-executed: {', '.join(executed)})",
                flush=True,
            )
        results["one_row_reexecuted"] = executed
        results["largest_page"] = largest_page(root)
        if not args.skip_baseline:
            base = copy_repo(Path(tmp) / "baseline")
            baseline_copy(base)
            for run in range(args.runs):
                times["baseline"].append(jupyter_book_alone(base))
                print(f"run {run + 1}: Jupyter Book alone {times['baseline'][-1]:.1f}s", flush=True)
        if args.scale:
            scale = {}
            for factor in (1, 10, 100):
                scaled = copy_repo(Path(tmp) / f"x{factor}")
                if factor > 1:
                    multiply(scaled, factor)
                seconds = report_build(scaled)
                page, size = largest_page(scaled)
                scale[factor] = {"seconds": seconds, "largest_page": page, "bytes": size}
                print(
                    f"{factor:>3}x data: build {seconds:.1f}s, largest page {page} "
                    f"{size / 1024:.0f} KiB",
                    flush=True,
                )
            results["scale"] = scale

    medians = {name: median(values) for name, values in times.items()}
    results["median_seconds"] = medians
    print("\nmedians (seconds):")
    for name, value in medians.items():
        print(f"  {name:<10} {value:6.1f}")
    if medians["baseline"] == medians["baseline"]:  # not NaN
        print(f"cold / baseline      {medians['cold'] / medians['baseline']:.2f}  (target <= 0.70)")
    print(f"unchanged / cold     {medians['unchanged'] / medians['cold']:.2f}  (target <= 0.20)")
    print(f"one-row / cold       {medians['one-row'] / medians['cold']:.2f}")
    if "scale" in results:
        one = results["scale"][1]
        for factor in (10, 100):
            row = results["scale"][factor]
            print(
                f"{factor}x data: time {row['seconds'] / one['seconds']:.2f}x, largest page "
                f"{row['bytes'] / one['bytes']:.2f}x  (100x targets: <= 2.0x and <= 1.2x)"
            )
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
