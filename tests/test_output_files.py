"""Output files and folders: bad destinations refused before the work, files complete or absent."""

from __future__ import annotations

import errno
import os
import threading
import warnings
from pathlib import Path

import pytest

from conftest import PRISONERS_DILEMMA
from govgame.errors import OutputError
from govgame.io import files
from govgame.io.files import (
    FIGURE_FORMATS,
    WriteError,
    atomic_file,
    atomic_folder,
    check_output_file,
    check_output_folder,
)


def listing(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


@pytest.fixture
def a_file(tmp_path):
    p = tmp_path / "a_file"
    p.write_text("keep me")
    return p


@pytest.mark.parametrize(
    ("dest", "match"),
    [
        ("", "is empty"),
        ("   ", "is empty"),
        ("{file}", "exists and is not a folder"),
        ("{file}/report", "is a file, so nothing can be created below it"),
        ("{file}/deeper/report", "is a file, so nothing can be created below it"),
        ("/dev/null", "exists and is not a folder"),
        ("/proc/govgame-report", "cannot write into '/proc'"),
        ("/sys/govgame-report", "cannot write into '/sys'"),
        ("/proc/self/govgame", "cannot write into"),
    ],
)
def test_bad_report_folders_are_refused(dest, match, a_file):
    with pytest.raises(OutputError, match=match) as info:
        check_output_folder(dest.format(file=a_file), what="--out")
    assert str(info.value).startswith("--out") and "\n" not in str(info.value)
    assert a_file.read_text() == "keep me"


def test_good_report_folders_are_accepted_and_not_created(tmp_path):
    for dest in (tmp_path, tmp_path / "new", tmp_path / "new" / "deeper"):
        assert check_output_folder(dest) == Path(dest)
    assert listing(tmp_path) == set()


@pytest.mark.parametrize(
    ("dest", "match"),
    [
        ("", "is empty"),
        ("figure", "has no ending"),
        ("figure.xyz", 'unknown figure format "xyz"'),
        ("figure.PNG.txt", 'unknown figure format "txt"'),
        ("{dir}", "is a folder"),
        ("{dir}/missing/figure.png", "does not exist"),
        ("{file}/figure.png", "is a file, so nothing can be created below it"),
        ("/proc/figure.png", "cannot write into '/proc'"),
        ("/sys/figure.png", "cannot write into '/sys'"),
        ("/dev/null", "unknown figure format|not a regular file|has no ending"),
    ],
)
def test_bad_figure_files_are_refused(dest, match, tmp_path, a_file):
    with pytest.raises(OutputError, match=match):
        check_output_file(dest.format(dir=tmp_path, file=a_file), what="--plot", formats=FIGURE_FORMATS)


@pytest.mark.parametrize("name", ["f.png", "f.PDF", "f.svg", "sub.dir.f.eps"])
def test_good_figure_files_are_accepted(name, tmp_path):
    assert check_output_file(tmp_path / name, formats=FIGURE_FORMATS) == tmp_path / name
    assert listing(tmp_path) == set()  # the probe left nothing


def test_atomic_file_replaces_only_when_complete(tmp_path):
    target = tmp_path / "fig.png"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_file(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("boom")
    assert target.read_text() == "old" and listing(tmp_path) == {"fig.png"}
    with atomic_file(target) as tmp:
        assert tmp.suffix == ".png" and tmp.parent == tmp_path
        tmp.write_text("new")
    assert target.read_text() == "new" and listing(tmp_path) == {"fig.png"}
    assert oct(target.stat().st_mode & 0o777) != oct(0o600)  # the umask's mode, not mkstemp's


@pytest.mark.parametrize("interrupt", [KeyboardInterrupt, SystemExit, MemoryError])
def test_atomic_folder_leaves_nothing_on_any_exception(interrupt, tmp_path):
    target = tmp_path / "report"
    with pytest.raises(interrupt), atomic_folder(target) as tmp:
        (tmp / "a.tex").write_text("x")
        raise interrupt()
    assert listing(tmp_path) == set()


def test_temporaries_are_removed_by_the_interrupt_handler(tmp_path):
    target = tmp_path / "report"
    with atomic_folder(target) as tmp:
        (tmp / "a.tex").write_text("x")
        with atomic_file(tmp_path / "fig.png") as ftmp:
            ftmp.write_text("x")
            files.remove_temporaries()  # what the command does on SIGINT, before exiting
            assert not tmp.exists() and not ftmp.exists()
            ftmp.write_text("x")  # the block goes on in this test only
        (tmp.mkdir())
    assert listing(tmp_path) <= {"fig.png", "report"}


def test_disk_full_names_the_file_and_leaves_nothing(tmp_path, monkeypatch):
    target = tmp_path / "report"
    target.mkdir()
    (target / "mine.txt").write_text("user file")
    real = Path.write_text

    def full(self, *a, **k):
        if self.name == "b.tex":
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return real(self, *a, **k)

    monkeypatch.setattr(Path, "write_text", full)
    with pytest.raises(WriteError, match=r"cannot write '.*report/b.tex' \(No space left on device\)"):
        with atomic_folder(target) as tmp:
            (tmp / "a.tex").write_text("x")
            (tmp / "b.tex").write_text("x")
    assert listing(target) == {"mine.txt"} and listing(tmp_path) == {"report"}


def test_a_new_report_replaces_an_old_one_and_keeps_other_files(tmp_path):
    target = tmp_path / "report"
    with atomic_folder(target) as tmp:
        for n in ("a.tex", "b.tex", "fig.pdf"):
            (tmp / n).write_text("first")
    (target / "notes.txt").write_text("mine")
    with atomic_folder(target) as tmp:
        (tmp / "a.tex").write_text("second")
    assert listing(target) == {"a.tex", "notes.txt", files.MANIFEST}
    assert (target / "a.tex").read_text() == "second"


@pytest.mark.parametrize("existing", [False, True])
def test_two_reports_at_once_never_mix(existing, tmp_path):
    """Two writers into one folder: it ends up holding exactly one report's files, whole."""
    sets = {"A": ["a.tex", "b.tex", "c.pdf", "d.png"], "B": ["a.tex", "e.tex"]}
    for trial in range(8):
        target = tmp_path / f"report{trial}"
        if existing:
            target.mkdir()
        barrier = threading.Barrier(2)
        errors = []

        def write(who, target=target, barrier=barrier, errors=errors):
            try:
                with atomic_folder(target) as tmp:
                    for n in sets[who]:
                        (tmp / n).write_text(who)
                    barrier.wait()  # both complete, both publish now
            except Exception as exc:  # noqa: BLE001
                errors.append(exc)

        threads = [threading.Thread(target=write, args=(w,)) for w in sets]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert not errors
        names = listing(target) - {files.MANIFEST}
        owners = {(target / n).read_text() for n in names}
        assert len(owners) == 1, (names, owners)
        (owner,) = owners
        assert names == set(sets[owner])
        assert listing(tmp_path) == {f"report{i}" for i in range(trial + 1)}  # no temporary left


def test_write_report_checks_the_folder_before_any_work(tmp_path, monkeypatch, a_file):
    from govgame.analysis import pipeline
    from govgame.cli import report
    from govgame.model.loader import loads_model

    def no_work(*a, **k):
        raise AssertionError("the analysis ran before the folder was checked")

    monkeypatch.setattr(pipeline, "analyze", no_work)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        game = loads_model(PRISONERS_DILEMMA)
    for dest in ("", a_file, "/proc/x", a_file / "x"):
        with pytest.raises(OutputError):
            report.write_report(game, out_dir=dest)
    assert os.listdir(tmp_path) == ["a_file"]
