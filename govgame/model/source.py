"""Reading a model file safely (no sympy: the shipped-model list uses it too).

A model path can name anything: a FIFO that never gets a writer, ``/dev/zero``, an endless
pipe, a file that grows while it is read. :func:`read_model_text` refuses every file that is
not a regular file without blocking, and never reads more than the size limit plus one byte.
"""

from __future__ import annotations

import errno
import os
import stat

from ..errors import ModelError
from ..limits import MAX_FILE_BYTES

__all__ = ["MAX_FILE_SIZE", "read_model_text"]

#: Largest model file accepted, in bytes (:data:`govgame.limits.MAX_FILE_BYTES`).
MAX_FILE_SIZE = MAX_FILE_BYTES

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def read_model_text(path: str | os.PathLike[str]) -> str:
    """The text of a model file, read safely: a regular file of at most :data:`MAX_FILE_SIZE` bytes.

    The file is opened without blocking (``O_NONBLOCK``) and checked with ``fstat`` on the
    open descriptor, so a FIFO without a writer, ``/dev/zero``, ``/dev/urandom``, a terminal
    or a socket is refused at once, whatever name or symbolic link leads to it. At most
    :data:`MAX_FILE_SIZE` + 1 bytes are ever read, so a file that grows while it is read cannot
    exhaust memory either. A UTF-8 byte-order mark is dropped.

    Raises
    ------
    ModelError
        One line naming the file and the reason.

    Examples
    --------
    >>> read_model_text("/dev/zero")
    Traceback (most recent call last):
    ...
    govgame.errors.ModelError: /dev/zero: is a character device, not a regular file; a model must be a .toml file
    """
    where = os.fspath(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise ModelError(f"{where}: no such file") from None
    except IsADirectoryError:
        raise ModelError(f"{where}: is a directory, not a model file") from None
    except OSError as exc:
        if exc.errno == errno.ENXIO:  # a socket or a FIFO opened for writing only
            raise ModelError(f"{where}: is not a regular file; a model must be a .toml file") from None
        raise ModelError(f"{where}: cannot read the file ({exc.strerror or exc})") from None
    try:
        info = os.fstat(fd)
        for test, kind in _KINDS:
            if test(info.st_mode):
                if kind == "a directory":
                    raise ModelError(f"{where}: is a directory, not a model file")
                raise ModelError(f"{where}: is {kind}, not a regular file; a model must be a .toml file")
        if not stat.S_ISREG(info.st_mode):
            raise ModelError(f"{where}: is not a regular file; a model must be a .toml file")
        if info.st_size > MAX_FILE_SIZE:
            raise ModelError(
                f"{where}: file is {info.st_size:,} bytes; model files are limited to {MAX_FILE_SIZE:,} bytes"
            )
        chunks = []
        size = 0
        while size <= MAX_FILE_SIZE:
            chunk = os.read(fd, min(1 << 20, MAX_FILE_SIZE + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise ModelError(f"{where}: cannot read the file ({exc.strerror or exc})") from None
    finally:
        os.close(fd)
    if size > MAX_FILE_SIZE:  # the file grew while it was read
        raise ModelError(f"{where}: file is larger than {MAX_FILE_SIZE:,} bytes, the limit for model files")
    raw = b"".join(chunks)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ModelError(f"{where}: not a TOML model file (not UTF-8 text: byte {exc.start} is invalid)") from None
    return text.removeprefix("\ufeff")
