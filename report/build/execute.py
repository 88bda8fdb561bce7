"""Execute notebooks with papermill, in parallel, and normalise what they record.

A failure names the notebook, the cell and the error, and keeps the executed
notebook for inspection. A kernel that dies before running any cell (on a loaded
machine: "Kernel died before replying to kernel_info") is started once more, and the
summary says so; a notebook that fails in a cell fails at once. Normalising drops
papermill's timestamps and durations, so two runs of unchanged inputs write
byte-identical notebooks.
"""

from __future__ import annotations

import errno
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import nbformat

from report.build import stop
from report.data import READS_ENV

#: Tags a cell needs so the book hides it (papermill's injected cell shows as a note instead).
HIDDEN_TAGS = ["remove-cell"]

#: How jupyter_client reports a kernel that never became ready (no cell has run).
KERNEL_START_FAILURES = (
    "Kernel died before replying to kernel_info",
    "Kernel didn't respond in",
)


class ExecutionError(RuntimeError):
    """One or more notebooks failed; the message names each notebook and cell."""

    def __init__(self, failures: list[Result]):
        self.failures = failures
        super().__init__("\n".join(f.describe() for f in failures))


@dataclass
class Job:
    """One notebook to execute."""

    name: str
    source: Path
    output: Path
    parameters: dict[str, Any]
    cwd: Path
    keep_failed: Path
    env: dict[str, str] = field(default_factory=dict)
    kernel: str = "python3"
    #: Seconds one cell may run before the notebook fails (:func:`cell_timeout`).
    timeout: int | None = None


@dataclass
class Result:
    """What happened to one job."""

    name: str
    ok: bool
    seconds: float
    output: Path
    reads: list[str] = field(default_factory=list)
    cell: str | None = None
    error: str | None = None
    kept: Path | None = None
    retried: str | None = None

    @property
    def retry_note(self) -> str:
        """``; kernel start retried once (why)`` when the kernel had to be started again."""
        return f"; kernel start retried once ({self.retried})" if self.retried else ""

    def describe(self) -> str:
        """One line for the summary, or the failure in full."""
        if self.ok:
            return f"{self.name}: executed in {self.seconds:.1f}s{self.retry_note}"
        where = f", cell {self.cell}" if self.cell is not None else ""
        kept = f"\n    the executed notebook is kept at {self.kept}" if self.kept else ""
        return f"notebook {self.name!r} failed{where}: {self.error}{self.retry_note}{kept}"


#: Environment variable: seconds one cell may run before its notebook fails (default 600).
CELL_TIMEOUT_ENV = "REPORT_CELL_TIMEOUT"
#: A chapter's slowest cell takes a few seconds; ten minutes means it hangs.
DEFAULT_CELL_TIMEOUT = 600


def cell_timeout(environ: dict[str, str] | None = None) -> int:
    """Seconds a cell may run: ``REPORT_CELL_TIMEOUT`` (a whole number above 0) or 600.

    Raises ``ValueError`` naming the variable when it is set to anything else, so a typo never
    turns the limit off.
    """
    value = (os.environ if environ is None else environ).get(CELL_TIMEOUT_ENV, "").strip()
    if not value:
        return DEFAULT_CELL_TIMEOUT
    if not value.isascii() or not value.isdigit() or int(value) <= 0:
        raise ValueError(
            f"{CELL_TIMEOUT_ENV}={value!r}: seconds a cell may run, a whole number above 0"
        )
    return int(value)


def is_full_disk(exc: BaseException) -> bool:
    """Whether ``exc`` is a full disk (``ENOSPC`` or ``EDQUOT``), however it is wrapped.

    Looks through the chain of causes, at a notebook cell's reported error (``evalue``, as
    papermill gives it) and at ``shutil.Error``'s list of failed copies. The one test of a full
    disk for the whole build: execution (exit 8, not a notebook failure) and publishing use it.
    """
    codes = (errno.ENOSPC, errno.EDQUOT)
    texts = [f"[Errno {c}]" for c in codes] + [os.strerror(c) for c in codes]
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, OSError) and seen.errno in codes:
            return True
        reported = [str(getattr(seen, "evalue", "") or "")]
        if isinstance(seen, shutil.Error) and seen.args and isinstance(seen.args[0], list):
            reported += [str(why) for *_, why in seen.args[0]]  # copytree's (src, dst, reason)
        if any(t in r for r in reported for t in texts):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def normalise(nb: nbformat.NotebookNode, hide_injected: bool = True) -> nbformat.NotebookNode:
    """Drop volatile execution metadata; tag papermill's injected cell for hiding."""
    pm = nb.metadata.get("papermill")
    if pm is not None:
        nb.metadata["papermill"] = {
            k: v for k, v in pm.items() if k in ("parameters", "default_parameters")
        }
        if not nb.metadata["papermill"]:
            del nb.metadata["papermill"]
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        tags = cell.metadata.get("tags", [])
        if hide_injected and "injected-parameters" in tags:
            cell.metadata["tags"] = tags + [t for t in HIDDEN_TAGS if t not in tags]
            cell["id"] = "injected-parameters"
    return nb


def strip_stderr(nb: nbformat.NotebookNode) -> list[str]:
    """Remove every stderr stream output (kernel chatter, library warnings); return their texts.

    A chapter's page shows what its cells display, never what the kernel or a library printed
    to stderr (under load a kernel can log a transport error there); the build writes the texts
    to the notebook's log instead.
    """
    found = []
    for cell in nb.cells:
        outputs = cell.get("outputs")
        if not outputs:
            continue
        kept = []
        for out in outputs:
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                found.append(str(out.get("text", "")))
            else:
                kept.append(out)
        cell["outputs"] = kept
    return found


def _failed_cell(nb_path: Path) -> tuple[str | None, str | None]:
    """Locate the first cell with an error output, numbered as in the source notebook.

    Returns ``("5 (id 'key-figures')", "RuntimeError: ...")``; papermill's injected cell
    is not counted, so the number matches what the author sees.
    """
    try:
        nb = nbformat.read(str(nb_path), as_version=4)
    except Exception:  # noqa: BLE001 - a broken output file just means we cannot locate it
        return None, None
    number = 0
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        if "injected-parameters" in tags or "papermill-error-cell-tag" in tags:
            continue  # cells papermill added, not the author
        number += 1
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                return (
                    f"{number} (id {cell.get('id')!r})",
                    f"{out.get('ename')}: {out.get('evalue')}",
                )
    return None, None


def _no_cell_started(nb_path: Path) -> bool:
    """Whether papermill's output shows that no cell began to run (or cannot be read)."""
    try:
        nb = nbformat.read(str(nb_path), as_version=4)
    except Exception:  # noqa: BLE001 - nothing readable was written: nothing ran
        return True
    # papermill marks every cell "completed" at the end; one that ran has a start time
    return all(c.metadata.get("papermill", {}).get("start_time") is None for c in nb.cells)


def kernel_failed_to_start(error: BaseException, output: Path) -> bool:
    """Whether ``error`` is a kernel that died or hung before running any cell."""
    from papermill.exceptions import PapermillExecutionError

    if isinstance(error, PapermillExecutionError):
        return False  # a cell raised: never retried
    text = str(error)
    return any(marker in text for marker in KERNEL_START_FAILURES) and _no_cell_started(output)


def run(job: Job) -> Result:
    """Execute one notebook (in a worker process); never raises for notebook errors.

    A kernel that fails to start (it dies or hangs before any cell runs) is started once
    more; the result records why in ``retried``.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    job.output.parent.mkdir(parents=True, exist_ok=True)
    # The kernel inherits this worker's stdout/stderr: send its chatter to a log file.
    job.keep_failed.parent.mkdir(parents=True, exist_ok=True)
    log = job.keep_failed.with_suffix(".log")
    with open(log, "w", encoding="utf-8") as fh:
        os.dup2(fh.fileno(), 1)
        os.dup2(fh.fileno(), 2)
    reads = Path(tempfile.mkstemp(prefix=f"reads-{job.name}-", suffix=".txt")[1])
    # this is a worker process of its own: the kernel inherits its environment
    for name in DROPPED_ENV:
        os.environ.pop(name, None)
    os.environ.update({**TOOL_ENV, **job.env})
    os.environ[READS_ENV] = str(reads)
    start = time.perf_counter()
    tmp = job.output.with_name(f".{job.output.stem}.running.ipynb")
    retried = None
    try:
        for attempt in (1, 2):
            try:
                papermill.execute_notebook(
                    str(job.source),
                    str(tmp),
                    parameters=job.parameters,
                    cwd=str(job.cwd),
                    kernel_name=job.kernel,
                    progress_bar=False,
                    log_output=False,
                    execution_timeout=job.timeout or cell_timeout(),
                )
                break
            except PapermillExecutionError:
                raise
            except Exception as exc:
                if attempt == 1 and kernel_failed_to_start(exc, tmp):
                    retried = f"{type(exc).__name__}: {exc}"
                    reads.write_text("", encoding="utf-8")
                    continue
                raise
    except PapermillExecutionError as exc:
        if is_full_disk(exc):  # a cell ran out of space: the build's full-disk error, exit 8
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(job.output)) from exc
        job.keep_failed.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(tmp), job.keep_failed)
        cell, _ = _failed_cell(job.keep_failed)
        return Result(
            job.name,
            False,
            time.perf_counter() - start,
            job.output,
            cell=cell,
            error=f"{exc.ename}: {exc.evalue}",
            kept=job.keep_failed,
            retried=retried,
        )
    except Exception as exc:  # noqa: BLE001 - kernel died (twice), bad notebook JSON, ...
        if is_full_disk(exc):  # not a notebook's failure: the build's full-disk error, exit 8
            raise
        kept = None
        if tmp.exists():
            job.keep_failed.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(tmp), job.keep_failed)
            kept = job.keep_failed
        return Result(
            job.name,
            False,
            time.perf_counter() - start,
            job.output,
            error=f"{type(exc).__name__}: {exc}",
            kept=kept,
            retried=retried,
        )
    finally:
        os.environ.pop(READS_ENV, None)
    nb = normalise(nbformat.read(str(tmp), as_version=4))
    for text in strip_stderr(nb):  # to this worker's log (its stderr), never to the page
        print(text, file=sys.stderr)
    write_notebook(nb, job.output)
    tmp.unlink()
    names = sorted(set(reads.read_text(encoding="utf-8").split())) if reads.exists() else []
    reads.unlink(missing_ok=True)
    return Result(
        job.name, True, time.perf_counter() - start, job.output, reads=names, retried=retried
    )


def write_notebook(nb: nbformat.NotebookNode, path: Path) -> None:
    """Write a notebook atomically, in nbformat's own stable layout."""
    text = nbformat.writes(nb)
    if not text.endswith("\n"):
        text += "\n"
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


#: What the tools the build drives (kernels, Jupyter Book) run under, whatever the machine's
#: settings: warnings as the tools themselves set them (a PYTHONWARNINGS=error of the calling
#: shell would turn a third-party deprecation into a failure), one time zone and one locale,
#: so what is published depends only on data, code and parameters.
TOOL_ENV = {"TZ": "UTC", "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
DROPPED_ENV = ("PYTHONWARNINGS",)


def tool_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """``base`` (default: this process's environment) as the build's tools should see it."""
    env = {k: v for k, v in (os.environ if base is None else base).items() if k not in DROPPED_ENV}
    return {**env, **TOOL_ENV}


def run_all(
    jobs: list[Job],
    workers: int | None = None,
    progress: Callable[[Result, int, int], None] | None = None,
) -> list[Result]:
    """Run jobs in worker processes (default: one per CPU); results in job order.

    Each job runs in a worker process even when ``workers`` is 1, so that kernel output
    can be redirected to the job's log without touching this process's streams.
    """
    if not jobs:
        return []
    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
    results: dict[str, Result] = {}
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=get_context("spawn"), initializer=stop.die_with_parent
    )
    try:
        futures = {pool.submit(run, job): job for job in jobs}
        for future in as_completed(futures):
            result = future.result()
            results[result.name] = result
            if progress:
                progress(result, len(results), len(jobs))
    except BaseException:
        # Interrupted (Ctrl-C, SIGTERM) or broken: end every worker and kernel now instead of
        # waiting for the notebooks already running, and queue nothing more.
        stop.kill_descendants()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return [results[job.name] for job in jobs]
