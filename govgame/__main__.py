"""``python -m govgame`` is the ``govgame`` command."""

import os
import signal


def _interrupted_early(signum, frame):  # pragma: no cover - only while the command is being imported
    try:
        os.write(2, b"govgame: interrupted; nothing was written\n")
    finally:
        os._exit(130)


# Ctrl-C while the command is still being imported: one line, status 130 (main() handles it afterwards).
if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
    signal.signal(signal.SIGINT, _interrupted_early)

from .cli import main  # noqa: E402 - after the handler

if signal.getsignal(signal.SIGINT) is _interrupted_early:
    signal.signal(signal.SIGINT, signal.default_int_handler)

raise SystemExit(main())
