"""Writing output files and folders safely: checked before the work, complete or not at all.

Every file govgame writes (``--plot FILE``, ``report --out DIR``) goes through this module:

* :func:`check_output_file` and :func:`check_output_folder` refuse a bad destination (an
  empty name, a directory where a file is wanted or the reverse, a parent that is a file, a
  place where nothing can be created such as ``/proc``, ``/sys`` or ``/dev/null``, an unknown
  figure format) with an :class:`~govgame.errors.OutputError` *before* any work is done;
* :func:`atomic_file` and :func:`atomic_folder` write into a temporary file or folder next to
  the destination and move it into place only when it is complete, so an error, a full disk
  or an interrupt never leaves a partial file, and two reports written into one folder at the
  same time never mix (the folder is locked while files are moved, and files left over from
  an earlier report are removed, see :func:`atomic_folder`);
* a failure while writing is a :class:`WriteError` naming the file.

Temporary paths are registered while they exist; :func:`remove_temporaries` deletes them
(the command line calls it when it is interrupted).

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> with atomic_file(d / "out.txt") as tmp:
...     _ = tmp.write_text("done")
>>> sorted(p.name for p in d.iterdir()), (d / "out.txt").read_text()
(['out.txt'], 'done')
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import tempfile
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..errors import OutputError

__all__ = [
    "FIGURE_FORMATS",
    "WriteError",
    "check_output_file",
    "check_output_folder",
    "atomic_file",
    "atomic_folder",
    "remove_temporaries",
]

#: File name endings a figure may be saved as (those :func:`govgame.plot.save` writes).
FIGURE_FORMATS = ("pdf", "png", "svg", "eps")

#: Name of the list of files a report folder holds (used to remove what an earlier report left).
MANIFEST = ".govgame-report.json"

_TEMPORARIES: set[str] = set()
_LOCK = threading.Lock()


class WriteError(OSError):
    """Writing an output file failed (a full disk, a vanished folder); the message names the file."""


def _register(path: Path) -> None:
    with _LOCK:
        _TEMPORARIES.add(os.fspath(path))


def _unregister(path: Path) -> None:
    with _LOCK:
        _TEMPORARIES.discard(os.fspath(path))


def remove_temporaries() -> None:
    """Delete every temporary file and folder that is still being written (after an interrupt).

    Safe to call from a signal handler's thread at any time; never raises.

    >>> remove_temporaries()
    """
    with _LOCK:
        paths = list(_TEMPORARIES)
        _TEMPORARIES.clear()
    for p in paths:
        try:
            if os.path.isdir(p) and not os.path.islink(p):
                shutil.rmtree(p, ignore_errors=True)
            else:
                os.unlink(p)
        except OSError:
            pass


_UMASK: list[int] = []


def _default_mode(mode: int) -> int:
    """``mode`` under the process umask: what ``open``/``mkdir`` would have given (mkstemp gives 0600)."""
    if not _UMASK:
        current = os.umask(0o022)
        os.umask(current)
        _UMASK.append(current)
    return mode & ~_UMASK[0]


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _probe_folder(folder: Path, what: str) -> None:
    """Create and delete a file in ``folder`` (which exists): the only reliable test of writing there."""
    try:
        fd, name = tempfile.mkstemp(dir=folder, prefix=".govgame-probe-")
    except OSError as exc:
        raise OutputError(f"{what}: cannot write into {os.fspath(folder)!r} ({_reason(exc)})") from None
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(name)


def _existing_ancestor(path: Path, what: str) -> Path:
    """The nearest ancestor of ``path`` that exists; it must be a folder."""
    parent = path.parent
    while not parent.exists():
        if parent.parent == parent:
            break
        parent = parent.parent
    if parent.exists() and not parent.is_dir():
        raise OutputError(f"{what}: {os.fspath(parent)!r} is a file, so nothing can be created below it")
    return parent


def check_output_file(path: str | os.PathLike[str], *, what: str = "output file", formats: Iterable[str] = ()) -> Path:
    """Check that a file can be written at ``path``; raise :class:`OutputError` otherwise.

    Parameters
    ----------
    path : str or path-like
    what : str
        How the caller names the file in messages (``"--plot"``).
    formats : iterable of str, optional
        Allowed endings (without the dot), e.g. :data:`FIGURE_FORMATS`; any ending otherwise.

    Examples
    --------
    >>> check_output_file("figure.xyz", what="--plot", formats=FIGURE_FORMATS)
    Traceback (most recent call last):
    ...
    govgame.errors.OutputError: --plot 'figure.xyz': the file name must end in .pdf, .png, .svg or .eps (unknown figure format "xyz")
    >>> check_output_file("/proc/figure.png", what="--plot")
    Traceback (most recent call last):
    ...
    govgame.errors.OutputError: --plot '/proc/figure.png': cannot write into '/proc' (...)
    """
    text = os.fspath(path)
    if not text or not text.strip():
        raise OutputError(f"{what} is empty; name a file")
    p = Path(text)
    shown = f"{what} {text!r}"
    if p.is_dir():
        raise OutputError(f"{shown} is a folder; name a file")
    formats = tuple(formats)
    if formats:
        dotted = [f".{f}" for f in formats]
        endings = ", ".join(dotted[:-1]) + " or " + dotted[-1] if len(dotted) > 1 else dotted[0]
        suffix = p.suffix[1:].lower()
        if not suffix:
            raise OutputError(f"{shown} has no ending to tell the format: the file name must end in {endings}")
        if suffix not in formats:
            raise OutputError(f'{shown}: the file name must end in {endings} (unknown figure format "{suffix}")')
    if p.exists() and not p.is_file():
        raise OutputError(f"{shown} exists and is not a regular file")
    parent = _existing_ancestor(p, shown)
    if parent != p.parent:
        raise OutputError(f"{shown}: the folder {os.fspath(p.parent)!r} does not exist")
    _probe_folder(parent, shown)
    return p


def check_output_folder(path: str | os.PathLike[str], *, what: str = "output folder") -> Path:
    """Check that a folder can be created (or written into) at ``path``; raise :class:`OutputError` otherwise.

    Nothing is created: missing parents are checked by probing the nearest existing one.

    Examples
    --------
    >>> check_output_folder("", what="--out")
    Traceback (most recent call last):
    ...
    govgame.errors.OutputError: --out is empty; name a folder (. is the current one)
    >>> check_output_folder("/dev/null", what="--out")
    Traceback (most recent call last):
    ...
    govgame.errors.OutputError: --out '/dev/null' exists and is not a folder
    """
    text = os.fspath(path)
    if not text or not text.strip():
        raise OutputError(f"{what} is empty; name a folder (. is the current one)")
    p = Path(text)
    shown = f"{what} {text!r}"
    if p.exists():
        if not p.is_dir():
            raise OutputError(f"{shown} exists and is not a folder")
        _probe_folder(p, shown)
        return p
    parent = _existing_ancestor(p, shown)
    _probe_folder(parent, shown)
    return p


def _write_failed(exc: OSError, name: str | os.PathLike[str]) -> WriteError:
    return WriteError(exc.errno or errno.EIO, f"cannot write {os.fspath(name)!r} ({_reason(exc)})")


@contextlib.contextmanager
def atomic_file(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path next to ``path`` (same ending); move it onto ``path`` when the block succeeds.

    On any exception (or an interrupt) the temporary file is deleted and ``path`` is untouched.
    An :class:`OSError` while writing becomes a :class:`WriteError` naming ``path``.
    """
    target = Path(path)
    try:
        fd, name = tempfile.mkstemp(dir=target.parent or ".", prefix=f".{target.stem}.tmp-", suffix=target.suffix)
    except OSError as exc:
        raise _write_failed(exc, target) from None
    os.close(fd)
    tmp = Path(name)
    _register(tmp)
    os.chmod(tmp, _default_mode(0o666))
    try:
        try:
            yield tmp
            os.replace(tmp, target)
        except OSError as exc:
            raise _write_failed(exc, target) from None
    finally:
        _unregister(tmp)
        with contextlib.suppress(OSError):
            tmp.unlink()


def _lock(fd: int) -> None:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        return
    fcntl.flock(fd, fcntl.LOCK_EX)


def _publish(tmp: Path, target: Path) -> None:
    """Move the finished files of ``tmp`` into ``target`` (a new or an existing folder)."""
    names = sorted(p.name for p in tmp.iterdir())
    (tmp / MANIFEST).write_text(json.dumps(names) + "\n", encoding="utf-8")
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.rename(tmp, target)  # a new folder: appears complete, at once
        return
    except OSError as exc:
        if exc.errno not in (errno.EEXIST, errno.ENOTEMPTY, errno.EISDIR, errno.ENOTDIR, errno.EBUSY):
            raise
    if not target.is_dir():
        raise OutputError(f"{os.fspath(target)!r} exists and is not a folder")
    fd = os.open(target, os.O_RDONLY)
    try:
        _lock(fd)  # one report at a time moves its files in (released when fd closes)
        old: list[str] = []
        with contextlib.suppress(OSError, ValueError):
            loaded = json.loads((target / MANIFEST).read_text(encoding="utf-8"))
            old = [n for n in loaded if isinstance(n, str) and "/" not in n and n not in ("", ".", "..")]
        for n in names:
            os.replace(tmp / n, target / n)
        for n in set(old) - set(names):  # files of an earlier report that this one does not write
            with contextlib.suppress(OSError):
                (target / n).unlink()
        os.replace(tmp / MANIFEST, target / MANIFEST)
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_folder(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary folder next to ``path``; when the block succeeds, its files become ``path``'s.

    A new folder is renamed into place in one step. Into an existing folder the files are
    moved while the folder is locked (``flock``), and the files an earlier report listed in
    :data:`MANIFEST` but this one does not write are removed, so the folder then holds exactly
    one report (other files in it are left alone). On any exception or an interrupt nothing
    is moved and the temporary folder is deleted.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()) / "report"
    >>> with atomic_folder(d) as tmp:
    ...     _ = (tmp / "a.tex").write_text("first")
    ...     _ = (tmp / "b.tex").write_text("first")
    >>> with atomic_folder(d) as tmp:
    ...     _ = (tmp / "a.tex").write_text("second")
    >>> sorted(p.name for p in d.iterdir()), (d / "a.tex").read_text()
    (['.govgame-report.json', 'a.tex'], 'second')
    """
    target = Path(path)
    parent = _existing_ancestor(target, os.fspath(target))
    try:
        if parent != target.parent:
            target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.tmp-"))
    except OSError as exc:
        raise _write_failed(exc, target) from None
    _register(tmp)
    os.chmod(tmp, _default_mode(0o777))
    try:
        try:
            yield tmp
            _publish(tmp, target)
        except OSError as exc:
            if isinstance(exc, WriteError):
                raise
            name = os.fspath(exc.filename) if exc.filename else os.fspath(target)
            if name.startswith(os.fspath(tmp)):  # name the file where it was going to be
                name = os.fspath(target) + name[len(os.fspath(tmp)) :]
            raise _write_failed(exc, name) from None
    finally:
        _unregister(tmp)
        shutil.rmtree(tmp, ignore_errors=True)
