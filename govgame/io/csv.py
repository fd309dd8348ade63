r"""CSV for spreadsheets and plotting programs (``--format csv``, ``--trajectories FILE.csv``; SPEC §4, §5).

Every writer takes the JSON-ready data the other formats print (``simulation_to_dict``,
``SweepResult.to_dict``) or plain arrays, and returns the text of a CSV file that the
:mod:`csv` module, Excel and Origin read: a header row, comma-separated, ``"`` quoting where
needed, ``\n`` line ends, numbers as Python writes them (full precision), empty cells for
missing values.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["runs_csv", "trajectories_csv", "ensemble_csv", "sweep_csv"]


def _text(rows: list[list[Any]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return buf.getvalue()


def runs_csv(data: Mapping[str, Any]) -> str:
    """One row per run (SPEC §4): start and end coordinates, ``reached``, ``outcome``, ``period``.

    Parameters
    ----------
    data : mapping
        The JSON of ``govgame simulate`` (``state`` and ``runs``).

    Returns
    -------
    str

    Examples
    --------
    >>> data = {"state": ["x", "y"], "runs": [
    ...     {"from": [0.1, 0.2], "to": [0.0, 1.0], "reached": "E2", "outcome": "equilibrium"},
    ...     {"from": [0.5, 0.5], "to": [0.4, 0.6], "reached": None, "outcome": "cycle", "period": 6.28}]}
    >>> print(runs_csv(data), end="")
    from_x,from_y,to_x,to_y,reached,outcome,period
    0.1,0.2,0.0,1.0,E2,equilibrium,
    0.5,0.5,0.4,0.6,,cycle,6.28
    """
    state = list(data["state"])
    rows: list[list[Any]] = [
        [*(f"from_{s}" for s in state), *(f"to_{s}" for s in state), "reached", "outcome", "period"]
    ]
    for run in data["runs"]:
        outcome = run.get("outcome")
        if outcome is None:  # data written before outcomes were classified (SPEC §4, version 1)
            outcome = "equilibrium" if run.get("reached") else "unsettled"
        rows.append([*run["from"], *run["to"], run.get("reached"), outcome, run.get("period")])
    return _text(rows)


def trajectories_csv(state: Sequence[str], t: Sequence[float], paths: Any) -> str:
    """The sampled paths, one row per run and time: ``run, t,`` then every share (SPEC §4).

    Parameters
    ----------
    state : sequence of str
        State names (the share columns).
    t : sequence of float
        Sample times.
    paths : array_like, shape (runs, len(t), len(state))

    Returns
    -------
    str

    Examples
    --------
    >>> print(trajectories_csv(["x"], [0.0, 1.0], [[[0.5], [0.7]]]), end="")
    run,t,x
    0,0.0,0.5
    0,1.0,0.7
    """
    rows: list[list[Any]] = [["run", "t", *state]]
    for r, path in enumerate(paths):
        for ti, point in zip(t, path):
            rows.append([r, float(ti), *(float(v) for v in point)])
    return _text(rows)


def ensemble_csv(state: Sequence[str], t: Sequence[float], samples: Any) -> str:
    """Sampled stochastic paths (``simulate --sigma --trajectories``): ``start, path, t,`` then every share.

    Parameters
    ----------
    state : sequence of str
        State names (the share columns).
    t : sequence of float
        Sample times.
    samples : array_like, shape (starts, paths, len(t), len(state))
        ``Ensemble.samples``.

    Returns
    -------
    str

    Examples
    --------
    >>> print(ensemble_csv(["x"], [0.0, 1.0], [[[[0.5], [0.25]]]]), end="")
    start,path,t,x
    0,0,0.0,0.5
    0,0,1.0,0.25
    """
    rows: list[list[Any]] = [["start", "path", "t", *state]]
    for s, block in enumerate(samples):
        for p, path in enumerate(block):
            for ti, point in zip(t, path):
                rows.append([s, p, float(ti), *(float(v) for v in point)])
    return _text(rows)


def sweep_csv(data: Mapping[str, Any]) -> str:
    """One row per parameter cell (SPEC §5): the varied values, the ESS, the share reaching each outcome.

    ``ess`` lists the ESS profiles separated by spaces; one column ``reached:KEY`` per outcome
    reached in any cell (0 where a cell's starts never reach it), in order of first appearance.

    Parameters
    ----------
    data : mapping
        The JSON of ``govgame sweep`` (``vary`` and ``cells``).

    Returns
    -------
    str

    Examples
    --------
    >>> data = {"vary": {"b": [2.0, 4.0]}, "cells": [
    ...     {"values": {"b": 2.0}, "ess": ["d/d"], "reached": {"d/d": 1.0}},
    ...     {"values": {"b": 4.0}, "ess": ["c/c", "d/d"], "reached": {"c/c": 0.75, "d/d": 0.25}}]}
    >>> print(sweep_csv(data), end="")
    b,ess,reached:d/d,reached:c/c
    2.0,d/d,1.0,0.0
    4.0,c/c d/d,0.25,0.75
    """
    names = list(data["vary"])
    keys: list[str] = []
    for cell in data["cells"]:
        for k in cell["reached"]:
            if k not in keys:
                keys.append(k)
    rows: list[list[Any]] = [[*names, "ess", *(f"reached:{k}" for k in keys)]]
    for cell in data["cells"]:
        reached = cell["reached"]
        rows.append(
            [*(cell["values"][n] for n in names), " ".join(cell["ess"]), *(float(reached.get(k, 0.0)) for k in keys)]
        )
    return _text(rows)
