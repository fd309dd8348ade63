"""Deprecated alias of govgame.cli.report (issue 10): importing it warns; it goes in the next release."""

from .._deprecation import warn_moved

warn_moved("govgame.report", "govgame.cli.report")

from ..cli.report import key_parameters, write_report  # noqa: E402, F401

__all__ = ["write_report", "key_parameters"]
