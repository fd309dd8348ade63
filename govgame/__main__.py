"""``python -m govgame`` is the ``govgame`` command."""

from .cli import main

raise SystemExit(main())
