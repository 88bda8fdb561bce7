"""Command line: ``python -m report build [--dry-run] | refresh | validate | params | pdf``.

A thin layer: it parses arguments, calls the library, prints, and turns known
failures into a clear message and a non-zero exit code.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from report import data, paths
from report.build import lock, stop, toc
from report.build import params as params_mod
from report.build.execute import ExecutionError, cell_timeout, is_full_disk
from report.data.validation import DataError, format_problems
from report.publish import book

EXIT_DATA = 2
EXIT_PARAMS = 3
EXIT_EXECUTION = 4
EXIT_BUILD = 5
EXIT_LOCKED = 6
EXIT_NOT_WRITABLE = 7
EXIT_NO_SPACE = 8
EXIT_INTERRUPTED = 130  # Ctrl-C; SIGTERM exits 143


class _Parser(argparse.ArgumentParser):
    """A command line whose usage errors exit 3 (bad parameters), never 2 (bad data)."""

    def error(self, message: str) -> None:  # noqa: D102
        self.print_usage(sys.stderr)
        self.exit(EXIT_PARAMS, f"{self.prog}: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m report",
        description="Build, refresh and check the report on Meta's superintelligence bet.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    b = sub.add_parser(
        "build", help="validate, execute every chapter, compile, publish to _build/html"
    )
    b.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="CHAPTER.NAME=VALUE",
        help="override one parameter (repeatable); see `python -m report params`",
    )
    b.add_argument(
        "--params",
        type=Path,
        default=None,
        metavar="FILE",
        help="parameters file to use instead of params.yaml",
    )
    b.add_argument("--scenario", default=None, help="a named scenario from the parameters file")
    b.add_argument(
        "--data",
        type=Path,
        default=None,
        metavar="DIR",
        help="a data folder with the same layout as data/ (default: data/)",
    )
    b.add_argument(
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help="notebooks executed in parallel (default: one per CPU)",
    )
    b.add_argument("--force", action="store_true", help="ignore the cache; execute everything")
    b.add_argument(
        "--build-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help=f"write everything the build makes into DIR instead of _build (also "
        f"${paths.BUILD_DIR_ENV}); the book is then in DIR/html",
    )
    b.add_argument(
        "--no-wait",
        action="store_true",
        help="if another build is running in this folder, stop at once (exit 6) instead of waiting",
    )
    b.add_argument(
        "--dry-run",
        action="store_true",
        help="validate the data, check every parameter, show which notebooks would run and "
        "which would be reused from the cache; execute and write nothing (same exit codes)",
    )

    r = sub.add_parser("refresh", help="re-execute chapters/ in place with default parameters")
    r.add_argument("notebooks", nargs="*", help="only these notebooks (default: all)")
    r.add_argument("--jobs", type=int, default=None, metavar="N")

    v = sub.add_parser("validate", help="check the data package only")
    v.add_argument("--data", type=Path, default=None, metavar="DIR")

    p = sub.add_parser("params", help="list every notebook's parameters and the scenarios")
    p.add_argument(
        "--params",
        type=Path,
        default=None,
        metavar="FILE",
        help="parameters file whose scenarios to list (default: params.yaml)",
    )
    sub.add_parser(
        "pdf", help="print the built book to _build/pdf/report.pdf with Debian's chromium"
    )
    return parser


def _validate(data_dir: Path | None) -> int:
    chosen = data.resolve_dir(data_dir or paths.DATA_DIR)
    problems = data.problems(chosen)
    errors = [p for p in problems if p.severity == "error"]
    for warning in (p for p in problems if p.severity == "warning"):
        print(f"warning: {warning}")
    if errors:
        print(format_problems(errors), file=sys.stderr)
        return EXIT_DATA
    pkg = data.Package(chosen)
    print(f"{chosen}: valid ({len(pkg.tables)} tables, edition {pkg.edition})")
    return 0


def _list_params(params_file: Path | None) -> int:
    scenarios = params_mod.scenarios(params_file or paths.PARAMS_FILE)  # a broken file: exit 3
    for name, path in toc.notebooks().items():
        print(f"{name} ({path.relative_to(paths.ROOT)}):")
        for spec in params_mod.declared(path).values():
            print(f"  {spec.describe()}")
    if scenarios:
        print("scenarios (--scenario NAME):")
        for name, text in scenarios.items():
            print(f"  {name}: {text}")
    return 0


def _pdf() -> int:
    from report.publish import pdf

    try:
        made = pdf.build_pdf()
    except pdf.PdfError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BUILD
    print(f"{made.path}: {made.pages} pages, printed in {made.seconds:.1f}s")
    return 0


def _elsewhere() -> Path:
    """A folder a build could write into instead of a read-only checkout's ``_build``."""
    return Path(tempfile.gettempdir()) / f"{paths.ROOT.name}-build"


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code (0, or one of ``EXIT_*``, see the README)."""
    args = _parser().parse_args(argv)
    stop.raise_on_sigterm()
    build_dir = paths.build_dir(getattr(args, "build_dir", None))
    try:
        if args.command in ("build", "refresh"):
            try:  # a bad limit is refused before anything runs, never silently off
                cell_timeout()
            except ValueError as exc:
                raise params_mod.ParameterError(str(exc)) from exc
        if args.command == "validate":
            return _validate(args.data)
        if args.command == "params":
            return _list_params(args.params)
        if args.command == "pdf":
            return _pdf()
        if args.command == "refresh":
            results = book.refresh(jobs=args.jobs, only=args.notebooks or None)
            print(f"Refreshed {len(results)} notebook(s); commit them with the data they reflect.")
            return 0
        if args.dry_run:
            planned = book.plan(
                params_file=args.params,
                scenario=args.scenario,
                cli_params=args.param,
                data_dir=args.data,
                force=args.force,
                build_dir=build_dir,
            )
            print(planned.summary())
            return 0
        report = book.build(
            params_file=args.params,
            scenario=args.scenario,
            cli_params=args.param,
            data_dir=args.data,
            jobs=args.jobs,
            force=args.force,
            wait=not args.no_wait,
            build_dir=build_dir,
        )
        print(report.summary())
        return 0
    except (KeyboardInterrupt, stop.Interrupted) as exc:
        code = exc.code if isinstance(exc, stop.Interrupted) else EXIT_INTERRUPTED
        stop.kill_descendants()
        stop.clean_stage(build_dir / "stage")
        print(f"interrupted; {_shown(build_dir / 'html')} is unchanged", file=sys.stderr)
        return code
    except lock.BuildLocked as exc:
        print(f"error: {exc}; nothing was done (without --no-wait, build waits).", file=sys.stderr)
        return EXIT_LOCKED
    except lock.NotWritable as exc:
        other = _elsewhere()
        print(
            f"error: {exc.strerror}; build elsewhere with --build-dir {other} "
            f"(or {paths.BUILD_DIR_ENV}={other}), or from a writable copy; nothing was done.",
            file=sys.stderr,
        )
        return EXIT_NOT_WRITABLE
    except book.NoSpace as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_NO_SPACE
    except DataError as exc:
        print(f"error: the data is invalid; nothing was executed.\n{exc}", file=sys.stderr)
        return EXIT_DATA
    except (params_mod.ParameterError, KeyError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"error: {message}\nNothing was executed.", file=sys.stderr)
        return EXIT_PARAMS
    except ExecutionError as exc:
        print(
            f"error: execution failed; the published book was left as it was.\n{exc}",
            file=sys.stderr,
        )
        return EXIT_EXECUTION
    except (book.BuildError, toc.TocError) as exc:
        print(f"error: {exc}\nThe published book was left as it was.", file=sys.stderr)
        return EXIT_BUILD
    except OSError as exc:
        if not is_full_disk(exc):
            raise
        print(
            f"error: no space left on the device (writing {exc.filename or build_dir}); "
            f"{_shown(build_dir / 'html')} holds the last complete book: free some space and "
            "build again",
            file=sys.stderr,
        )
        return EXIT_NO_SPACE


def _shown(path: Path) -> str:
    """``path`` as the messages name it: relative to the repository when inside it."""
    try:
        return str(path.relative_to(paths.ROOT))
    except ValueError:
        return str(path)
