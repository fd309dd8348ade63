r"""``govgame report``: every table and standard figure of a model's analysis, written into a folder.

:func:`write_report` analyses a game, then writes

* LaTeX tables (``parameters.tex``, ``payoffs.tex``, ``replicator.tex``, ``jacobian.tex``,
  ``equilibria.tex`` and, when every parameter has a value, ``numeric.tex``) rendered by
  :mod:`govgame.io.latex`;
* ``analysis.md`` (the Markdown summary), ``analysis.json`` (``govgame analyze --format json``)
  and ``analysis.txt``;
* when every parameter has a value, the standard figures, each as PDF and PNG: the phase
  portrait (3-D for three state coordinates, a phase plane for two, a time series otherwise),
  time series from three starts, the sensitivity to the parameter that matters most (the one
  appearing most often in the ESS conditions, among those with a ``range``), a region map over
  the two such parameters, and the basin shares from a grid of starts;
* ``report.tex``, a standalone article that ``\input``\s every table and includes every
  figure; it compiles with ``pdflatex report.tex`` in that folder.

Figures are drawn by :mod:`govgame.plot` (this module never imports matplotlib itself) from
runs of :mod:`govgame.numerics`. The region map is a :func:`govgame.numerics.sweep.sweep` over
``region_grid`` x ``region_grid`` parameter cells with the ``--grid 2`` starts, each cell
labelled by :func:`govgame.numerics.outcomes.region_label`; with the defaults a report takes
well under a minute.

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
from ..model.game import Game
from .args import load, option_names, parse_set, say

__all__ = ["run", "write_report", "key_parameters"]


def run(args: argparse.Namespace) -> int:
    """``govgame report``: LaTeX tables, figures and a standalone ``report.tex`` in ``--out``."""
    from ..io.files import check_output_folder
    from ..numerics.executors import run_interruptibly

    check_output_folder(args.out, what="--out")  # before any work
    overrides = parse_set(args.set)
    game = load(args.model)
    with option_names("--set", overrides), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # figures and analysis: the files are the output
        warnings.simplefilter("always", ParameterWarning)  # but a --set value outside its range is said
        files = run_interruptibly(write_report, game, out_dir=args.out, scenario=args.scenario, params=overrides)
    for f in files:
        print(f)
    say(f"compile with: cd {args.out} && pdflatex report.tex")
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


def _close(obj: Any) -> None:
    """Release a figure (pyplot keeps every figure it made until closed)."""
    from .. import plot

    plt = sys.modules.get("matplotlib.pyplot")
    if plt is not None:
        plt.close(plot._figure_of(obj))


def _save_both(obj: Any, out: Path, stem: str) -> list[Path]:
    from .. import plot

    paths = [plot.save(obj, out / f"{stem}.pdf"), plot.save(obj, out / f"{stem}.png", dpi=150)]
    _close(obj)
    return paths


def _starts(game: Game, values: Sequence[float]) -> np.ndarray:
    """Starts with every strategy of every population at the same share ``v / (k - 1)``."""
    rows = []
    for v in values:
        row = []
        for p in game.populations:
            row += [v if p.k == 2 else v / (p.k - 1)] * (p.k - 1)
        rows.append(row)
    return np.array(rows, dtype=float)


def write_report(
    game: Game,
    *,
    out_dir: str | Path,
    scenario: str | None = None,
    params: Mapping[str, float] | None = None,
    t_end: float = 60.0,
    region_grid: int = 12,
    basin_grid: int = 5,
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
    t_end : float
        Horizon of the simulations.
    region_grid : int
        Cells per axis of the region map.
    basin_grid : int
        ``grid_starts(game, basin_grid)`` starts for the basin shares.

    Returns
    -------
    list of Path
        Every file written, ``report.tex`` last.

    Examples
    --------
    >>> import tempfile
    >>> from govgame.model.loader import load_model
    >>> files = write_report(load_model("battery_recycling"), out_dir=tempfile.mkdtemp(), region_grid=2, basin_grid=1)
    >>> files[-1].name, sum(f.suffix == ".tex" for f in files) >= 4, sum(f.suffix == ".pdf" for f in files) >= 3
    ('report.tex', True, True)
    """
    from ..analysis.pipeline import analyze

    final = check_output_folder(out_dir, what="report folder")  # before any work
    analysis = analyze(game, scenario=scenario, params=params)  # checks the values
    values = analysis.params
    with atomic_folder(final) as out:
        written = _write_all(game, analysis, values, out, scenario, t_end, region_grid, basin_grid)
    return [final / p.relative_to(out) for p in written]


def _write_all(game, analysis, values, out: Path, scenario, t_end, region_grid, basin_grid) -> list[Path]:
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
        figures = _figures(game, analysis, values, out, written, t_end, region_grid, basin_grid)
    written.append(_report_tex(game, analysis, out, tables, figures, scenario))
    return written


def _figures(game, analysis, values, out, written, t_end, region_grid, basin_grid) -> list[tuple[str, str]]:
    from .. import plot
    from ..numerics.integrate import simulate
    from ..numerics.outcomes import basins
    from ..numerics.starts import grid_starts
    from ..numerics.sweep import sensitivity, sweep

    dyn = analysis.dynamics  # the replicator system of the analysis, reused by every run below

    figs: list[tuple[str, str]] = []
    n = len(game.state_names)
    t = np.linspace(0.0, t_end, 301)
    names = game.state_names

    # phase portrait
    starts = grid_starts(game, 2 if n >= 3 else 3)
    traj = simulate(dyn, starts, params=values, t_end=t_end, t_eval=t)
    if n == 3:
        ax = plot.phase_portrait_3d(game, traj.paths, equilibria=analysis.equilibria)
        caption = "Phase portrait: trajectories from a grid of starts and the rest points (filled: ESS)."
    elif n == 2:
        nd = dyn.numeric(values)
        ax = plot.phase_plane(game, nd.f, paths=traj.paths, equilibria=analysis.equilibria)
        caption = "Phase plane: streamlines, trajectories and rest points (filled: ESS)."
    else:
        mid = simulate(dyn, _starts(game, [0.5]), params=values, t_end=t_end, t_eval=t)
        ax = plot.time_series(game, t, mid.paths[0])
        caption = "Evolution of the shares from the centre of the state space."
    written += _save_both(ax, out, "phase")
    figs.append(("phase", caption))

    # time series from a few starts
    ts_starts = _starts(game, [0.2, 0.5, 0.8])
    ts = simulate(dyn, ts_starts, params=values, t_end=t_end, t_eval=t)
    for i, x0 in enumerate(ts_starts):
        ax = plot.time_series(game, t, ts.paths[i])
        stem = f"time_series_{i + 1}"
        written += _save_both(ax, out, stem)
        start = ", ".join(f"{nm} = {v:g}" for nm, v in zip(names, x0))
        figs.append((stem, f"Shares over time from the start {start}."))

    keys = key_parameters(game, analysis)
    x0 = _starts(game, [0.5])
    for name in keys[:1]:
        lo, hi = game.parameter(name).range
        sens = sensitivity(dyn, name, np.linspace(lo, hi, 5), params=values, x0=x0, t_end=t_end, t_eval=t)
        axes = plot.sensitivity(game, name, sens.levels, t, sens.paths)
        stem = f"sensitivity_{name}"
        written += _save_both(axes, out, stem)
        figs.append((stem, f"Sensitivity of the shares to ${game.parameter(name).latex}$ (start at the centre)."))

    if len(keys) >= 2:
        xname, yname = keys[0], keys[1]
        xs = np.linspace(*game.parameter(xname).range, region_grid)
        ys = np.linspace(*game.parameter(yname).range, region_grid)
        starts2 = grid_starts(game, 2)
        result = sweep(dyn, {xname: xs, yname: ys}, params=values, grid=2, t_end=t_end, progress=False)
        labels = result.labels().T  # rows: the second parameter (vertical axis)
        ax = plot.region_map(game, xname, xs, yname, ys, labels)
        stem = "region_map"
        written += _save_both(ax, out, stem)
        figs.append(
            (
                stem,
                f"Outcome over ${game.parameter(xname).latex}$ and ${game.parameter(yname).latex}$ "
                f"({region_grid}$\\times${region_grid} cells, {len(starts2)} starts each).",
            )
        )

    bstarts = grid_starts(game, basin_grid)
    btraj = simulate(dyn, bstarts, params=values, t_end=t_end)
    ax = plot.basin_shares(basins(btraj, analysis.equilibria))
    written += _save_both(ax, out, "basins")
    figs.append(("basins", f"Share of {len(bstarts)} grid starts reaching each outcome (basins of attraction)."))
    return figs


def _report_tex(game, analysis, out: Path, tables, figures, scenario) -> Path:
    title = game.title or game.name
    lines = [
        r"\documentclass[11pt]{article}",
        r"\usepackage{" + ",".join(latex.LATEX_PACKAGES) + "}",
        r"\usepackage[margin=2.5cm]{geometry}",
        r"\title{" + latex.latex_escape(title) + "}",
        r"\author{Generated by govgame}",
        r"\date{}",
        r"\begin{document}",
        r"\maketitle",
    ]
    if game.description:
        lines.append(latex.latex_escape(game.description.strip()))
        lines.append("")
    if scenario:
        lines.append("Scenario: \\texttt{" + latex.latex_escape(scenario) + "}.")
        lines.append("")
    for t in tables:
        lines.append(r"\input{" + t[:-4] + "}")
        lines.append("")
    if not figures:
        lines.append("No figures: not every parameter has a value.")
    for stem, caption in figures:
        lines += [
            r"\begin{figure}[htbp]",
            r"\centering",
            r"\includegraphics[width=0.8\linewidth,height=0.4\textheight,keepaspectratio]{" + stem + ".pdf}",
            r"\caption{" + caption + "}",
            r"\label{fig:" + stem + "}",
            r"\end{figure}",
            "",
        ]
    lines.append(r"\end{document}")
    path = out / "report.tex"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
