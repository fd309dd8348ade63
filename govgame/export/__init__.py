"""Deprecated alias of govgame.io.json, govgame.io.text, govgame.io.markdown and govgame.io.latex (issue 10): importing it warns; it goes in the next release."""

from .._deprecation import warn_moved

warn_moved("govgame.export", "govgame.io.json, govgame.io.text, govgame.io.markdown and govgame.io.latex")

from ..io._format import IMAG_TOL, MAX_SHOWN, format_expr  # noqa: E402, F401
from ..io.json import analysis_to_dict  # noqa: E402, F401
from ..io.latex import (  # noqa: E402, F401
    LATEX_PACKAGES,
    analysis_latex,
    analysis_mathjax,
    equilibria_latex,
    jacobian_latex,
    latex_document,
    latex_escape,
    latex_expr,
    numeric_latex,
    parameters_latex,
    payoff_matrix_latex,
    payoff_matrix_mathjax,
    replicator_latex,
)
from ..io.markdown import analysis_markdown  # noqa: E402, F401
from ..io.text import analysis_text  # noqa: E402, F401

__all__ = [
    "format_expr",
    "MAX_SHOWN",
    "IMAG_TOL",
    "analysis_to_dict",
    "analysis_text",
    "analysis_markdown",
    "LATEX_PACKAGES",
    "analysis_mathjax",
    "payoff_matrix_mathjax",
    "latex_escape",
    "latex_expr",
    "payoff_matrix_latex",
    "replicator_latex",
    "jacobian_latex",
    "equilibria_latex",
    "numeric_latex",
    "parameters_latex",
    "analysis_latex",
    "latex_document",
]
