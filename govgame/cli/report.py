r"""Write every table and standard figure of a model's analysis into a folder (``govgame report``).

:func:`write_report` analyses a game, then writes

* LaTeX tables (``parameters.tex``, ``payoffs.tex``, ``replicator.tex``, ``jacobian.tex``,
  ``equilibria.tex`` and, when every parameter has a value, ``numeric.tex``) rendered by
  :mod:`govgame.io.latex`;
* ``analysis.md`` (the Markdown summary), ``analysis.json`` (``govgame analyze --format json``)
  and ``analysis.txt``;
* when every parameter has a value, the standard figures of :mod:`govgame.cli.figures`, each as
  PDF and PNG: the phase portrait (a phase plane for two state coordinates, a 3-D portrait for
  three, a projection and the shares from the centre for more), the shares over time from a few
  starts, the shares over time for five values of the first parameter varied, the basin shares
  over that parameter, a region map over the first two, and the basin shares at the values;
* ``report.tex``, a standalone article that ``\input``\s every table and includes every figure
  at its natural size (so its text is as large as designed). It needs pdflatex with the
  packages of :data:`PREAMBLE`, and compiles with ``latexmk -pdf report.tex`` (or
  :data:`PASSES` runs of ``pdflatex report.tex``, for the cross-references and the long
  tables' column widths).

Which parameters are varied (``vary``), from which starts the time series run (``starts``),
the horizon (``t_end``) and the grids are options; by default the parameters varied are the
two with a ``range`` that appear most often in the ESS conditions (:func:`key_parameters`).

The model's description is typeset as prose (:func:`govgame.io.latex.latex_prose`): special characters
escaped, declared parameter names and the expressions around them set as mathematics
(``P_i > P_f`` becomes :math:`P_{i} > P_{f}`), and lines starting with ``-`` as a list.

This workflow combines every room (analysis, numerics, io, plot), so it sits with the command,
in the last room (docs/architecture.md).
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ParameterWarning
from ..io import latex
from ..io.files import atomic_folder, check_output_folder
from ..io.latex import latex_prose
from ..model.game import Game
from .args import load, option_names, parse_from, parse_levels, parse_set, say

__all__ = ["run", "write_report", "key_parameters", "PREAMBLE", "PASSES", "COMPILE"]

#: Preamble of ``report.tex``: T1-encoded Latin Modern (Type 1 fonts, real ``<`` and ``>``), the
#: packages of the fragments (:data:`govgame.io.latex.LATEX_PACKAGES`), and array, microtype,
#: adjustbox (figures at natural size, never wider than the text) and geometry.
PREAMBLE = (
    r"\documentclass[11pt]{article}",
    r"\usepackage[T1]{fontenc}",
    r"\usepackage{lmodern}",
    r"\usepackage{textcomp}",
    r"\usepackage{" + ",".join(latex.LATEX_PACKAGES) + "}",
    r"\usepackage{array}",
    r"\usepackage{microtype}",
    r"\usepackage[export]{adjustbox}",
    r"\usepackage[margin=2.5cm]{geometry}",
    r"\setlength{\emergencystretch}{2em}",
    r"\raggedbottom",
)

#: pdflatex runs ``report.tex`` needs (references and long-table widths settle on the second
#: run, and the third confirms them); ``latexmk -pdf`` counts them itself.
PASSES = 3

#: What to run in the report folder.
COMPILE = "latexmk -pdf report.tex"


def run(args: argparse.Namespace) -> int:
    """``govgame report``: LaTeX tables, figures and a standalone ``report.tex`` in ``--out``."""
    from ..io.files import check_output_folder
    from ..numerics.executors import run_interruptibly

    check_output_folder(args.out, what="--out")  # before any work
    overrides = parse_set(args.set)
    game = load(args.model)
    vary: dict[str, Any] = {}
    for item in getattr(args, "vary", []):
        name, levels = parse_levels(item, bare=True)
        with option_names("--vary", [name]):
            par = game.parameter(name)
            for v in levels if levels is not None else ():
                par.check(float(v), where=name)
        vary[name] = levels
    starts = None
    if getattr(args, "starts", None):
        from ..numerics.starts import check_starts

        starts = check_starts(game, parse_from(game, args.starts))
    options = {
        "vary": {k: v for k, v in vary.items()} if vary else None,
        "starts": starts,
        "t_end": getattr(args, "t_end", 60.0),
        "grid": getattr(args, "grid", 4),
        "region_grid": getattr(args, "region_grid", 12),
    }
    with option_names("--set", overrides), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # figures and analysis: the files are the output
        warnings.simplefilter("always", ParameterWarning)  # but a --set value outside its range is said
        files = run_interruptibly(
            write_report, game, out_dir=args.out, scenario=args.scenario, params=overrides, **options
        )
    for f in files:
        print(f)
    say(f"compile with: cd {args.out} && {COMPILE} (or run pdflatex report.tex {PASSES} times)")
    return 0


def key_parameters(game: Game, analysis: Any, *, count: int = 2) -> list[str]:
    """The parameters (with a ``range``) that matter most for which vertex is an ESS.

    Parameters are ranked by how many ESS conditions of vertices that can be ESS
    mention them (ties: declaration order); parameters with a range that appear
    in no condition follow in declaration order.

    Examples
    --------
    ``demo`` is a small hand-made analysis (``tests/demo.py``):

    >>> key_parameters(demo.game, demo)
    ['b']
    """
    ranged = [p for p in game.parameters if p.range is not None]
    counts: Counter[str] = Counter()
    for s in analysis.equilibria:
        if not s.can_be_ess:
            continue
        for c in s.stability_conditions:
            for sym in getattr(c, "free_symbols", ()):
                counts[str(sym)] += 1
    order = {p.name: i for i, p in enumerate(game.parameters)}
    ranked = sorted((p.name for p in ranged if counts[p.name]), key=lambda n: (-counts[n], order[n]))
    rest = [p.name for p in ranged if p.name not in ranked]
    return (ranked + rest)[:count]


# --------------------------------------------------------------------------- files
def _close(obj: Any) -> None:
    """Release a figure (pyplot keeps every figure it made until closed)."""
    from .. import plot

    plt = sys.modules.get("matplotlib.pyplot")
    if plt is not None:
        plt.close(plot._figure_of(obj))


def _save(obj: Any, out: Path, stem: str, formats: Sequence[str]) -> list[Path]:
    from .. import plot

    paths = [plot.save(obj, out / f"{stem}.pdf")]
    paths += [plot.save(obj, out / f"{stem}.{f}", dpi=150) for f in formats if f != "pdf"]
    _close(obj)
    return paths


def _vary_values(game: Game, vary: Any, count: int) -> list[tuple[str, np.ndarray]]:
    """``vary`` as (name, values): names take ``count`` values over their range."""
    out = []
    items = vary.items() if isinstance(vary, Mapping) else [(name, None) for name in vary]
    for name, vals in items:
        par = game.parameter(name)
        if vals is None:
            if par.range is None:
                lo = par.value if par.value is not None else 0.0
                hi = 2 * lo if lo else 1.0
                vals = np.linspace(min(lo, hi), max(lo, hi), count)
            else:
                vals = np.linspace(par.range[0], par.range[1], count)
        out.append((name, np.asarray(vals, dtype=float)))
    return out


def write_report(
    game: Game,
    *,
    out_dir: str | Path,
    scenario: str | None = None,
    params: Mapping[str, float] | None = None,
    vary: Sequence[str] | Mapping[str, Sequence[float]] | None = None,
    starts: Any = None,
    t_end: float = 60.0,
    grid: int = 4,
    region_grid: int = 12,
    basin_grid: int | None = None,
    formats: Sequence[str] = ("pdf", "png"),
) -> list[Path]:
    """Write the tables, figures and a compilable ``report.tex`` of ``game`` into ``out_dir``.

    Parameters
    ----------
    game : Game
    out_dir : str or Path
        Created if missing. Checked before any work (an :class:`~govgame.errors.OutputError`
        for an empty name, a file, a place where nothing can be written). The files are
        written into a temporary folder next to it and moved in only when all are complete
        (:func:`govgame.io.files.atomic_folder`): an error or an interrupt leaves no partial
        report; files of an earlier report are replaced, and those it wrote that this one
        does not are removed.
    scenario : str, optional
        Named scenario of the model to start from.
    params : mapping, optional
        Overrides (as ``--set``), applied after the scenario.
    vary : sequence of names, or mapping name -> values, optional
        The parameters the sensitivity figures (the first) and the region map (the first
        two) vary; names alone take five values (region map: ``region_grid``) over their
        ``range``. Default: :func:`key_parameters`.
    starts : array_like, optional
        Starts (state order) of the time-series figure; default three on the diagonal.
    t_end : float
        Horizon of the simulations.
    grid : int
        ``grid_starts(game, grid)`` starts for the basin shares and the basin curves.
    region_grid : int
        Cells per axis of the region map (when ``vary`` gives names only).
    basin_grid : int, optional
        Former name of ``grid``.
    formats : sequence of str, default ("pdf", "png")
        Files written for each figure; ``report.tex`` includes the PDF, so ``"pdf"`` is always written.

    Returns
    -------
    list of Path
        Every file written, ``report.tex`` last.

    Examples
    --------
    >>> import tempfile
    >>> from govgame.model.loader import load_model
    >>> files = write_report(load_model("battery_recycling"), out_dir=tempfile.mkdtemp(), region_grid=2, grid=1)
    >>> files[-1].name, sum(f.suffix == ".tex" for f in files) >= 4, sum(f.suffix == ".pdf" for f in files) >= 3
    ('report.tex', True, True)
    """
    from ..analysis.pipeline import analyze

    if basin_grid is not None:
        grid = basin_grid
    final = check_output_folder(out_dir, what="report folder")  # before any work
    analysis = analyze(game, scenario=scenario, params=params)  # checks the values
    values = analysis.params
    with atomic_folder(final) as out:
        written = _write_all(game, analysis, values, out, scenario, vary, starts, t_end, grid, region_grid, formats)
    return [final / p.relative_to(out) for p in written]


def _write_all(
    game, analysis, values, out: Path, scenario, vary, starts, t_end, grid, region_grid, formats
) -> list[Path]:
    written: list[Path] = []

    def write(name: str, text: str) -> str:
        path = out / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
        return name

    tables = [
        write("parameters.tex", latex.parameters_latex(game, params=values)),
        write("payoffs.tex", latex.payoff_matrix_latex(game)),
        write("replicator.tex", latex.replicator_latex(analysis.dynamics)),
        write("jacobian.tex", latex.jacobian_latex(analysis.dynamics)),
        write("equilibria.tex", latex.equilibria_latex(analysis)),
    ]
    numeric = latex.numeric_latex(analysis)
    if numeric:
        tables.append(write("numeric.tex", numeric))
    from ..io.json import analysis_to_dict
    from ..io.markdown import analysis_markdown
    from ..io.text import analysis_text

    write("analysis.md", analysis_markdown(analysis))
    write("analysis.txt", analysis_text(analysis))
    write("analysis.json", json.dumps(analysis_to_dict(analysis), indent=2) + "\n")

    figures: list[tuple[str, str]] = []
    if game.complete(values):
        names = list(vary) if vary is not None else key_parameters(game, analysis)
        chosen = {n: (vary[n] if isinstance(vary, Mapping) else None) for n in names}
        figures = _figures(game, analysis, values, out, written, t_end, grid, region_grid, chosen, starts, formats)
    written.append(_report_tex(game, out, tables, figures, scenario))
    return written


def _figures(game, analysis, values, out, written, t_end, grid, region_grid, vary, starts, formats) -> list:
    from . import figures as recipes

    figs: list[tuple[str, str]] = []
    n = len(game.state_names)

    def add(stem: str, fig: Any) -> None:
        written.extend(_save(fig.figure, out, stem, formats))
        figs.append((stem, fig.caption))

    if n >= 2:
        add("phase", recipes.phase_figure(game, values, t_end=t_end, analysis=analysis))
    if n > 3 or n == 1:
        add("centre", recipes.time_series_figure(game, values, starts=recipes.center_start(game), t_end=t_end))
    add("time_series", recipes.time_series_figure(game, values, starts=starts, t_end=t_end))
    family = _vary_values(game, {k: v for k, v in list(vary.items())[:1]}, 5)
    for name, vals in family:
        add(f"family_{name}", recipes.time_series_figure(game, values, vary=(name, vals), t_end=t_end))
        curve_vals = _vary_values(game, {name: vary[name]}, 11)[0][1]
        add(f"sensitivity_{name}", recipes.sensitivity_figure(game, values, (name, curve_vals), grid=min(grid, 3),
                                                              t_end=t_end))  # fmt: skip
    if len(vary) >= 2:
        (xn, xs), (yn, ys) = _vary_values(game, dict(list(vary.items())[:2]), region_grid)
        add("region_map", recipes.region_figure(game, values, (xn, xs), (yn, ys), grid=2, t_end=t_end))
    add("basins", recipes.basins_figure(game, values, grid=grid, t_end=t_end, analysis=analysis))
    return figs


def _report_tex(game: Game, out: Path, tables, figures, scenario) -> Path:
    title = game.title or game.name
    lines = [
        *PREAMBLE,
        r"\title{" + latex.latex_escape(title) + "}",
        r"\author{Generated by govgame}",
        r"\date{}",
        r"\begin{document}",
        r"\maketitle",
        "",
    ]
    if game.description:
        lines += [latex_prose(game.description, game), ""]
    if scenario:
        sc = next((s for s in game.scenarios if s.name == scenario), None)
        text = r"Scenario \emph{" + latex.latex_escape(scenario.replace("_", " ")) + "}"
        if sc is not None and sc.description:
            text += ": " + latex_prose(sc.description, game)
        lines += [text.rstrip(".") + ".", ""]
    for t in tables:
        lines += [r"\input{" + t[:-4] + "}", ""]
    if not figures:
        lines.append("No figures: not every parameter has a value.")
    for stem, caption in figures:
        lines += [
            r"\begin{figure}[htbp]",
            r"\centering",
            r"\includegraphics[max width=\linewidth,max height=0.45\textheight]{" + stem + ".pdf}",
            r"\caption{" + caption + "}",
            r"\label{fig:" + stem + "}",
            r"\end{figure}",
            "",
        ]
    lines.append(r"\end{document}")
    path = out / "report.tex"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
