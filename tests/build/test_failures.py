"""Builds that fail halfway publish nothing wrong (#30 cases 3, 6 and 7).

Each case asserts the exit code, the message, that ``_build/html`` is byte-identical afterwards
and that nothing is left behind (no ``.html-incoming``, no half-written take-away file trusted
by the next build).
"""

from __future__ import annotations

import errno
import os
import textwrap
from pathlib import Path

import pytest
from buildkit import tree_digest
from conftest import run_report

from report.build import lock
from report.publish import book

#: Adds an extension Sphinx cannot import: Jupyter Book fails at once, at the compile step.
BROKEN_EXTENSION = "    - report.publish.sphinxext\n    - no_such_extension_for_this_test\n"


def _leftovers(build_dir: Path) -> list[str]:
    """Staging debris the publish step must never leave."""
    return sorted(
        str(p.relative_to(build_dir))
        for p in build_dir.iterdir()
        if p.name.startswith(".html-") or p.name.endswith(".tmp")
    )


@pytest.mark.pipeline
def test_a_failed_compile_does_not_poison_the_next_builds_downloads(built_copy):
    """Case 3: change a figure, fail at the compile step, undo, rebuild: downloads are right.

    Before the fix the take-away files of the failed build stayed in the staging copy, their
    notebook's manifest still said the old ones were current, and the rebuild published the
    undone figure in the CSV and a parameter the page did not use in the JSON.
    """
    html = built_copy / "_build" / "html"
    charts = html / "_static" / "charts" / "acquisition"
    before = {p.name: p.read_bytes() for p in charts.iterdir()}
    config = built_copy / "_config.yml"
    good = config.read_text(encoding="utf-8")
    assert BROKEN_EXTENSION.splitlines()[0] + "\n" in good
    config.write_text(
        good.replace(BROKEN_EXTENSION.splitlines()[0] + "\n", BROKEN_EXTENSION), encoding="utf-8"
    )
    digest = tree_digest(html)
    failed = run_report(built_copy, "build", "--param", "acquisition.stake_pct=40")
    assert failed.returncode == 5, failed.stdout + failed.stderr
    assert "Jupyter Book failed" in failed.stderr
    assert "The published book was left as it was." in failed.stderr
    assert tree_digest(html) == digest
    assert _leftovers(built_copy / "_build") == []

    config.write_text(good, encoding="utf-8")  # undo both changes and build again
    rebuilt = run_report(built_copy, "build")
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    after = {p.name: p.read_bytes() for p in charts.iterdir()}
    assert sorted(after) == sorted(before)
    stale = [name for name in before if after[name] != before[name]]
    assert stale == [], f"take-away files of the failed build were published: {stale}"


def test_a_read_only_build_folder_is_one_line_exit_7_naming_where_to_write(tmp_path):
    """Case 6: the folder cannot be written: one line, exit 7, and a place that can."""
    root = tmp_path / "repo"
    root.mkdir()
    (root / "_build").write_text("a file where the build folder should be")
    proc = run_report(root, "build", "--build-dir", str(root / "_build" / "inner"), timeout=60)
    assert proc.returncode == 7, proc.stdout + proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr
    assert f"cannot write the build folder {root / '_build' / 'inner'}" in lines[0]
    assert "--build-dir" in lines[0] and "REPORT_BUILD_DIR" in lines[0]
    suggested = lines[0].split("--build-dir ", 1)[1].split()[0]
    assert os.access(Path(suggested).parent, os.W_OK)
    assert "executing" not in proc.stdout


def test_the_build_dir_is_checked_before_anything_runs(tmp_path, monkeypatch):
    """Case 6 without a real read-only disk (tests run as root): os.access says no."""
    monkeypatch.setattr(os, "access", lambda *a, **k: False)
    with pytest.raises(lock.NotWritable, match="cannot write the build folder"):
        lock.check_writable(tmp_path / "_build")


def test_the_build_dir_comes_from_the_option_then_the_environment(tmp_path, monkeypatch):
    from report import paths

    monkeypatch.delenv(paths.BUILD_DIR_ENV, raising=False)
    assert paths.build_dir(None, tmp_path) == tmp_path / "_build"
    monkeypatch.setenv(paths.BUILD_DIR_ENV, str(tmp_path / "env"))
    assert paths.build_dir(None, tmp_path) == tmp_path / "env"
    assert paths.build_dir(tmp_path / "opt", tmp_path) == tmp_path / "opt"


@pytest.mark.pipeline
def test_build_dir_builds_elsewhere_and_leaves_the_repository_build_untouched(built_copy, tmp_path):
    """Case 6: ``--build-dir`` (a copy of the cache, so nothing executes) makes a whole book."""
    import shutil

    repo_build = built_copy / "_build"
    before = tree_digest(repo_build / "html")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for sub in ("stage", "cache", "sphinx"):  # a warm cache: the cheap path of a real build
        shutil.copytree(repo_build / sub, elsewhere / sub, symlinks=True)
    proc = run_report(built_copy, "build", "--build-dir", str(elsewhere))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (elsewhere / "html" / "index.html").is_file()
    assert (elsewhere / ".lock").is_file()
    assert str(elsewhere / "html") in proc.stdout
    assert tree_digest(repo_build / "html") == before


def _book(folder: Path, text: str) -> Path:
    for i in range(5):
        page = folder / "sub" / f"page{i}.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(f"{text} {i}", encoding="utf-8")
    (folder / "index.html").write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize("after_files", [0, 3])
def test_a_full_disk_while_publishing_removes_the_partial_copy(tmp_path, monkeypatch, after_files):
    """Case 7: ENOSPC at any write of the copy: NoSpace, the partial copy gone, book unchanged."""
    new = _book(tmp_path / "sphinx" / "html", "new")
    target = _book(tmp_path / "_build" / "html", "old")
    before = tree_digest(target)
    real, copied = book.shutil.copy2, []

    def copy_until_full(src, dst, *args, **kwargs):
        if len(copied) >= after_files:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(dst))
        copied.append(dst)
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(book.shutil, "copy2", copy_until_full)
    with pytest.raises(book.NoSpace, match="no space left on the device") as raised:
        book.publish(new, target)
    assert "\n" not in str(raised.value) and len(str(raised.value)) < 600, raised.value
    assert tree_digest(target) == before
    assert _leftovers(target.parent) == []


def test_a_full_disk_at_the_swap_leaves_the_old_book(tmp_path, monkeypatch):
    new = _book(tmp_path / "sphinx" / "html", "new")
    target = _book(tmp_path / "_build" / "html", "old")
    before = tree_digest(target)
    real = book.os.rename

    def rename(src, dst):
        if Path(src).name == ".html-incoming":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(src, dst)

    monkeypatch.setattr(book.os, "rename", rename)
    with pytest.raises(book.NoSpace):
        book.publish(new, target)
    assert tree_digest(target) == before
    assert _leftovers(target.parent) == []


#: Run by the build under test: every copy into the publish step's staging folder fails with
#: ENOSPC after the first few files, as a disk that fills up would.
FULL_DISK = textwrap.dedent(
    """
    import errno, os, shutil
    _copy2 = shutil.copy2
    _done = []
    def _full(src, dst, *args, **kwargs):
        if ".html-incoming" in str(dst):
            if len(_done) >= 5:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(dst))
            _done.append(dst)
        return _copy2(src, dst, *args, **kwargs)
    shutil.copy2 = _full
    """
)


@pytest.mark.pipeline
def test_a_full_disk_while_publishing_exits_8_and_keeps_the_book(built_copy, tmp_path, monkeypatch):
    """Case 7 end to end: one clear line, exit 8, ``_build/html`` as it was, no partial copy."""
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(FULL_DISK, encoding="utf-8")
    methodology = built_copy / "appendix" / "methodology.md"
    methodology.write_text(
        methodology.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8"
    )  # a page changes, nothing executes: the book compiles and is published again
    html = built_copy / "_build" / "html"
    before = tree_digest(html)
    env_path = os.environ.get("PYTHONPATH")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(hook), env_path])))
    proc = run_report(built_copy, "build")
    assert proc.returncode == 8, proc.stdout + proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert "no space left on the device" in lines[0]
    assert "_build/html is unchanged" in lines[0]
    assert tree_digest(html) == before
    assert _leftovers(built_copy / "_build") == []


def test_every_exit_code_is_documented_in_the_readme():
    from report import cli

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    codes = {v for k, v in vars(cli).items() if k.startswith("EXIT_")} | {143}
    missing = [code for code in sorted(codes) if f"\n| {code} | " not in readme]
    assert missing == [], f"exit codes not in the README's table: {missing}"
    assert cli.EXIT_NO_SPACE == 8 and cli.EXIT_NOT_WRITABLE == 7
