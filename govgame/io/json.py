"""JSON renderers: the JSON of ``govgame analyze``, ``simulate`` and ``sweep`` (SPEC §3-§5).

Each ``*_to_dict`` returns plain Python objects (``str``, ``float``, ``bool``, ``None``, lists and
dicts), so :func:`json.dumps` always works; :func:`json_lines` prints a result with one run (or
cell) per line, the form the command line prints. In the examples, ``demo`` is a small hand-made
analysis of a two-population game (``tests/demo.py``).

Compatible extensions of the JSON of SPEC §3
--------------------------------------------
``analysis_to_dict`` adds, beyond SPEC §3:

* ``"tol"`` (top level): the tolerance of the numeric verdicts, relative to the
  largest |eigenvalue| (:attr:`Analysis.eig_tol <govgame.analysis.pipeline.Analysis.eig_tol>`);
* ``"method"`` (per equilibrium): how ``can_be_ess`` was decided;
* ``"point_method"`` (per equilibrium, only in games whose payoffs depend on the state): how the rest point
  was found, ``vertex``, ``closed form``, ``exact`` or ``krawczyk`` (the guarantees are listed in
  :data:`govgame.analysis.state_dependent.METHODS` and repeated in ``notes``), or the numeric fallback's
  guarantee;
* ``"found_by"`` (per equilibrium, any game): how a rest point was found when not by exact algebra;
* ``"multistability"``: ``{"compatible": [[Ea, Eb], ...], "exclusive": [...]}`` —
  pairs of vertices that can be ESS for the same admissible parameters, and pairs
  that can never be ESS together;
* ``"notes"``: remarks of the analysis (a list of strings, possibly empty).

``"parameters"`` lists the values used when every parameter has one, and is
``{}`` otherwise (the analysis is then symbolic only, and no ``numeric`` appears).
"""

from __future__ import annotations

import json
import math
import warnings
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..numerics.outcomes import (
    REACH_TOL,
    Outcome,
    _eq,
    _is_vertex,
    outcome_key,
    outcomes,
    run_outcomes,
    summary_key,
    vertex_equilibria,
)
from ._format import _complete, _eig_json, _finite, _params_used, format_expr

if TYPE_CHECKING:  # pragma: no cover
    from ..analysis.pipeline import Analysis
    from ..analysis.stability import Stability
    from ..analysis.stochastic import StochasticAnalysis
    from ..model.game import Game
    from ..numerics.integrate import Trajectories
    from ..numerics.sde import Ensemble
    from ..numerics.sweep import SweepResult

__all__ = [
    "analysis_to_dict",
    "simulation_to_dict",
    "sweep_to_dict",
    "ensemble_to_dict",
    "stochastic_to_dict",
    "analysis_with_stochastic",
    "json_lines",
]


#: Values of ``Equilibrium.method`` that name exact algebra (state-dependent games): no ``found_by`` for them.
_EXACT_METHODS = ("vertex", "closed form", "exact")


def _entry_dict(
    s: Stability, state: Sequence[str], numeric_ok: bool, *, state_dependent: bool = False
) -> dict[str, Any]:
    eq = s.equilibrium
    d: dict[str, Any] = {
        "name": eq.name,
        "kind": str(eq.kind),
        "point": {n: format_expr(c) for n, c in zip(state, eq.point)},
        "profile": list(eq.profile) if eq.profile is not None else None,
        "eigenvalues": [format_expr(e) for e in s.eigenvalues],
        "verdict": str(s.verdict),
        "stability_conditions": [format_expr(c) for c in s.stability_conditions],
        "can_be_ess": bool(s.can_be_ess),
        "witness": ({str(k): _finite(v) for k, v in s.witness.items()} if s.witness is not None else None),
        "method": str(s.method),
    }
    if str(eq.kind) != "pure":
        d["exists_if"] = [format_expr(c) for c in eq.exists_if]
    if state_dependent:  # SPEC 1.5: how every rest point of a state-dependent game was found
        d["point_method"] = str(eq.method)
    if eq.method and eq.method not in _EXACT_METHODS:
        d["found_by"] = str(eq.method)
    if eq.notes:
        d["notes"] = [str(n) for n in eq.notes]
    cont = getattr(s, "continuum", None)
    if cont is not None:
        d["free"] = [str(v) for v in cont.free]
        d["nash_if"] = [format_expr(c) for c in cont.nash_conditions]
        d["parts"] = [_part_dict(p, cont) for p in cont.parts]
        d["parts_method"] = str(cont.method)
    if eq.implicit:
        d["implicit"] = [f"{format_expr(q)} = 0" for q in eq.implicit]
        d["samples"] = [[_finite(c) for c in smp] for smp in eq.samples]
    if numeric_ok and s.numeric is not None:
        d["numeric"] = {
            "point": [None if c is None else _finite(c) for c in s.numeric.point],
            "eigenvalues": [_eig_json(v) for v in s.numeric.eigenvalues],
            "verdict": str(s.numeric.verdict),
        }
        if eq.numeric_form is not None:
            d["numeric"]["parametrisation"] = {n: format_expr(c) for n, c in zip(state, eq.numeric_form)}
    return d


def _part_dict(part, cont) -> dict[str, Any]:
    out: dict[str, Any] = {"verdict": str(part.verdict), "conditions": [format_expr(c) for c in part.conditions]}
    if part.interval is not None and len(cont.free) == 1:
        out["interval"] = {str(cont.free[0]): [format_expr(part.interval[0]), format_expr(part.interval[1])]}
    out["nash"] = part.nash
    if part.example is not None:
        out["example"] = {str(v): format_expr(c) for v, c in zip(cont.free, part.example)}
    return out


def _pair_dict(c) -> dict[str, Any]:
    return {
        "pair": [str(c.pair[0]), str(c.pair[1])],
        "status": c.status,
        "proven": bool(c.proven),
        "method": str(c.method),
        "witness": None if c.witness is None else {str(k): _finite(v) for k, v in c.witness.items()},
        "in_ranges": bool(c.in_ranges),
    }


def analysis_to_dict(analysis: Analysis) -> dict[str, Any]:
    """The JSON of ``govgame analyze --format json`` (SPEC §3) as plain Python objects.

    Only ``str``, ``float``, ``bool``, ``None``, lists and dicts appear, so
    :func:`json.dumps` always works. ``numeric`` entries appear only when every
    parameter has a value. See the module docstring for the compatible extensions
    (``tol``, ``method``, ``multistability``, ``notes``).

    Parameters
    ----------
    analysis : govgame.analysis.pipeline.Analysis

    Returns
    -------
    dict

    Examples
    --------
    >>> import json
    >>> d = analysis_to_dict(demo)
    >>> d["model"], d["state"], d["replicator"]["x"]
    ('demo', ['x', 'y'], 'x*(1 - x)*(b - c)')
    >>> d["equilibria"][0]["numeric"]["eigenvalues"]
    [2.0, -1.0]
    >>> json.loads(json.dumps(d)) == d
    True
    """
    game = analysis.game
    state = list(game.state_names)
    numeric_ok = _complete(analysis)
    return {
        "model": game.name,
        "state": state,
        "parameters": _params_used(analysis),
        "replicator": {n: format_expr(r) for n, r in zip(state, analysis.dynamics.rhs)},
        "tol": float(analysis.eig_tol),
        "equilibria": [
            _entry_dict(s, state, numeric_ok, state_dependent=analysis.game.state_dependent)
            for s in analysis.equilibria
        ],
        "multistability": {
            "compatible": [list(map(str, p)) for p in analysis.compatible],
            "exclusive": [list(map(str, p)) for p in analysis.exclusive],
            "not_proven": [list(map(str, p)) for p in getattr(analysis, "not_proven", ())],
            "pairs": [_pair_dict(c) for c in getattr(analysis, "pairs", ())],
        },
        "region": "signs and [assumptions]; parameter ranges do not bound symbolic results",
        "notes": [str(n) for n in analysis.notes],
    }


def simulation_to_dict(
    game: Game,
    traj: Trajectories,
    equilibria: Sequence | None = None,
    *,
    params: Mapping[str, float] | None = None,
    reach_tol: float = REACH_TOL,
) -> dict:
    """The JSON-ready dict of ``govgame simulate --format json`` (SPEC §4).

    Parameters
    ----------
    game : Game
    traj : Trajectories
    equilibria : sequence, optional
        Equilibria from the analysis (names ``E1``...); by default the vertices only.
    params : mapping, optional
        The parameter values to report (default: those the runs used, ``traj.params``).
    reach_tol : float
        Classification tolerance, maximum norm (:data:`~govgame.numerics.outcomes.REACH_TOL`).

    The old order ``simulation_to_dict(game, params, traj, ...)`` and ``tol=`` still work,
    with a :class:`DeprecationWarning`.

    Examples
    --------
    >>> from govgame.model import Game, Population
    >>> from govgame.numerics.integrate import simulate
    >>> g = Game(name="g", populations=(Population("a", ("c", "d"), ("x",)), Population("b", ("c", "d"), ("y",))),
    ...          parameters=(), payoffs={("c", "c"): (2, 2), ("c", "d"): (0, 3), ("d", "c"): (3, 0), ("d", "d"): (1, 1)})
    >>> d = simulation_to_dict(g, simulate(g, [[0.5, 0.5]], params={}))
    >>> d["runs"][0]["reached"], d["runs"][0]["profile"], d["summary"]
    ('E1', ['d', 'd'], {'d/d': 1})
    """
    params = traj.params if params is None else params
    eqs = vertex_equilibria(game) if equilibria is None else [_eq(e) for e in equilibria]
    by_name = {e.name: e for e in eqs}
    runs = []
    if getattr(traj, "cycles", None) is not None and getattr(traj, "game", None) is not None:
        # SPEC §4 version 2: outcome, period, around; extra keys near and t_needed (docs/reference.md)
        found = run_outcomes(traj, eqs, reach_tol=reach_tol)
        for i, o in enumerate(found):
            e = by_name.get(o.reached) if o.reached is not None else None
            run = {
                "from": [float(v) for v in traj.x0[i]],
                "to": [float(v) for v in traj.final[i]],
                "reached": None if e is None else e.name,
                "profile": list(e.profile) if e is not None and _is_vertex(e) else None,
                "outcome": o.outcome.value,
            }
            if o.outcome is Outcome.CYCLE:
                run["period"] = float(o.period)
                run["around"] = o.around
            if o.near is not None:
                run["near"] = o.near
            if o.t_needed is not None:
                run["t_needed"] = float(o.t_needed)
            if o.on is not None:
                run["on"] = o.on
                run["part"] = o.part
            runs.append(run)
        summary = Counter(summary_key(o, by_name) for o in found)
    else:
        reached = outcomes(traj, eqs, reach_tol=reach_tol)
        for i, e in enumerate(reached):
            runs.append(
                {
                    "from": [float(v) for v in traj.x0[i]],
                    "to": [float(v) for v in traj.final[i]],
                    "reached": None if e is None else e.name,
                    "profile": list(e.profile) if e is not None and _is_vertex(e) else None,
                }
            )
        summary = Counter(outcome_key(e) for e in reached)
    return {
        "model": game.name,
        "state": list(game.state_names),
        "parameters": {k: float(params[k]) for k in game.parameter_names if k in params},
        "t_end": float(traj.t_end),
        "runs": runs,
        "summary": dict(sorted(summary.items(), key=lambda kv: (-kv[1], kv[0]))),
    }


def _legacy_simulation_to_dict(func):
    """Accept the old ``(game, params, traj, equilibria, tol=)`` form for one release."""
    import functools

    @functools.wraps(func)
    def wrapper(game, traj, *args, **kwargs):
        if isinstance(traj, Mapping):  # old order: (game, params, traj, ...)
            warnings.warn(
                "simulation_to_dict(game, params, traj, ...) is deprecated; "
                "use simulation_to_dict(game, traj, equilibria, params=...)",
                DeprecationWarning,
                stacklevel=2,
            )
            kwargs.setdefault("params", traj)
            traj, args = args[0], args[1:]
        if "tol" in kwargs:
            warnings.warn(
                "simulation_to_dict(): the keyword tol is deprecated; use reach_tol", DeprecationWarning, stacklevel=2
            )
            kwargs["reach_tol"] = kwargs.pop("tol")
        return func(game, traj, *args, **kwargs)

    return wrapper


simulation_to_dict = _legacy_simulation_to_dict(simulation_to_dict)


def sweep_to_dict(result: SweepResult) -> dict:
    """The JSON-ready dict of ``govgame sweep --format json`` (SPEC §5).

    >>> from govgame.numerics.sweep import _example
    >>> sweep_to_dict(_example())["cells"][1]
    {'values': {'b': 4.0}, 'ess': ['c/c', 'd/d'], 'reached': {'c/c': 0.75, 'd/d': 0.25}}
    """
    return {
        "model": result.model,
        "vary": {k: [float(v) for v in vals] for k, vals in result.vary.items()},
        "grid": result.grid,
        "cells": [{"values": dict(c.params), "ess": list(c.ess), "reached": dict(c.reached)} for c in result.cells],
    }


# --------------------------------------------------------------------------- stochastic (SPEC §6)
#: Quantiles of the end states reported per start by :func:`ensemble_to_dict`.
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


def _floats(v) -> list:
    return [float(a) if math.isfinite(float(a)) else None for a in v]


def ensemble_to_dict(
    game: Game, ens: Ensemble, equilibria: Sequence | None = None, *, params: Mapping[str, float] | None = None
) -> dict:
    """The JSON-ready dict of ``govgame simulate --sigma ... --format json`` (SPEC §4 and §6).

    SPEC §4's keys, plus ``"stochastic"`` (the settings), and per run ``"path"`` (its index among the
    paths of its start); ``summary`` counts paths. Extensions: per run ``"outcome"``, ``"status"``,
    ``"left_state_space"``, ``"t_stop"`` and ``"first_passage"`` (the first time within ``reach_tol``
    of the vertex it ends at); ``"starts"`` (per start: the share of paths ending at each outcome with
    binomial standard errors, first-passage statistics, mean and quantiles of the end states); ``"notes"``.

    Parameters
    ----------
    game : Game
    ens : Ensemble
    equilibria : sequence, optional
        Equilibria from the analysis; vertices are named after them (default: the vertices).
    params : mapping, optional
        The parameter values to report (default: those the paths used).

    Examples
    --------
    >>> from govgame.model import Game, Population
    >>> from govgame.numerics.sde import simulate_sde
    >>> g = Game(name="pd", populations=(Population("a", ("c", "d"), ("x",)), Population("b", ("c", "d"), ("y",))),
    ...          parameters=(), payoffs={("c", "c"): (2, 2), ("c", "d"): (0, 3), ("d", "c"): (3, 0), ("d", "d"): (1, 1)})
    >>> d = ensemble_to_dict(g, simulate_sde(g, [0.5, 0.5], params={}, sigma=0.3, t_end=40.0, paths=3))
    >>> d["stochastic"]["paths"], d["summary"], [r["path"] for r in d["runs"]], d["runs"][0]["reached"]
    (3, {'d/d': 3}, [0, 1, 2], 'E1')
    """
    from ..numerics.sde import LEFT, STATUS, T_END, stochastic_notes

    params = ens.params if params is None else params
    eqs = vertex_equilibria(game) if equilibria is None else [_eq(e) for e in equilibria]
    names = {tuple(e.profile): e.name for e in eqs if _is_vertex(e)}
    keys = ens.outcome_keys()
    runs = []
    S, N = ens.code.shape
    for s in range(S):
        start = [float(v) for v in ens.x0[s]]
        for p in range(N):
            j = int(ens.v_end[s, p])
            profile = list(ens.profiles[j]) if j >= 0 else None
            code = int(ens.code[s, p])
            th = float(ens.t_hit[s, p])
            runs.append(
                {
                    "from": start,
                    "path": p,
                    "to": _floats(ens.final[s, p]),
                    "reached": names.get(tuple(profile)) if profile else None,
                    "profile": profile,
                    "outcome": "equilibrium" if j >= 0 else ("unsettled" if code == T_END else STATUS[code]),
                    "status": STATUS[code],
                    "left_state_space": code == LEFT,
                    "t_stop": float(ens.t_stop[s, p]),
                    "first_passage": None if math.isnan(th) else th,
                }
            )
    summary = Counter(keys.ravel().tolist())
    probs, errs, fpt = ens.probabilities(), ens.standard_errors(), ens.first_passage()
    means, qs = ens.end_mean(), ens.end_quantiles(QUANTILES)
    starts = [
        {
            "from": [float(v) for v in ens.x0[s]],
            "paths": N,
            "reached": probs[s],
            "standard_error": errs[s],
            "first_passage": fpt[s],
            "end_mean": _floats(means[s]),
            "end_quantiles": {f"{q:g}": _floats(qs[s, i]) for i, q in enumerate(QUANTILES)},
        }
        for s in range(S)
    ]
    return {
        "model": game.name,
        "state": list(game.state_names),
        "parameters": {k: float(params[k]) for k in game.parameter_names if k in params},
        "t_end": float(ens.t_end),
        "stochastic": {
            "sigma": {k: float(v) for k, v in ens.sigma.items()},
            "noise": ens.noise,
            "scheme": ens.scheme,
            "dt": float(ens.dt),
            "seed": int(ens.seed),
            "paths": int(ens.paths),
        },
        "runs": runs,
        "summary": dict(sorted(summary.items(), key=lambda kv: (-kv[1], kv[0]))),
        "starts": starts,
        "notes": stochastic_notes(ens),
    }


def stochastic_to_dict(sa: StochasticAnalysis) -> dict:
    """JSON-ready parts of ``analyze --sigma`` (SPEC §6): ``{"stochastic": {...}, "vertices": {name: {...}}, "notes"}``.

    ``vertices[name]`` is added to that vertex's entry of :func:`analysis_to_dict` under the key
    ``"stochastic"``: ``almost_sure`` and ``mean_square`` (the conditions, one per eigenvalue, or
    ``null`` when the vertex is not a rest point of the SDE, with a ``note`` saying why), the population
    of each eigenvalue, whether each list can hold with a witness and the method, and with values
    ``numeric`` (the exponents and whether the conditions hold; ``null`` when an exponent is 0).

    >>> from govgame.model import Game, Population
    >>> from govgame.analysis.pipeline import analyze
    >>> from govgame.analysis.stochastic import stochastic_stability
    >>> g = Game(name="c", populations=(Population("a", ("l", "r"), ("x",)), Population("b", ("l", "r"), ("y",))),
    ...          parameters=(), payoffs={("l", "l"): (1, 1), ("l", "r"): (0, 0), ("r", "l"): (0, 0), ("r", "r"): (1, 1)})
    >>> d = stochastic_to_dict(stochastic_stability(analyze(g), 0.5))
    >>> d["stochastic"]["sigma"], d["vertices"]["E1"]["almost_sure"]
    ({'a': 0.5, 'b': 0.5}, ['-9/8 < 0', '-9/8 < 0'])
    """
    from ..analysis.stochastic import NOISE_FORMS

    def feas(f) -> tuple[bool, dict | None, str]:
        if f is None:
            return False, None, ""
        w = {str(k): float(v) for k, v in f.witness.items()} if f.feasible and f.witness is not None else None
        return bool(f.feasible), w, str(f.method)

    vertices: dict[str, dict] = {}
    for v in sa.vertices:
        if not v.rest_point:
            vertices[v.name] = {
                "noise": sa.noise,
                "rest_point": False,
                "almost_sure": None,
                "mean_square": None,
                "note": v.note,
            }
            continue
        ca, wa, ma = feas(v.almost_sure_feasibility)
        cm, wm, mm = feas(v.mean_square_feasibility)
        d: dict[str, Any] = {
            "noise": sa.noise,
            "rest_point": True,
            "almost_sure": [format_expr(c) for c in v.almost_sure],
            "mean_square": [format_expr(c) for c in v.mean_square],
            "populations": list(v.populations),
            "can_be_almost_sure": ca,
            "witness_almost_sure": wa,
            "method_almost_sure": ma,
            "can_be_mean_square": cm,
            "witness_mean_square": wm,
            "method_mean_square": mm,
        }
        if v.almost_sure_exponents:
            d["numeric"] = {
                "almost_sure": v.numeric_almost_sure,
                "mean_square": v.numeric_mean_square,
                "almost_sure_exponents": _floats(v.almost_sure_exponents),
                "mean_square_exponents": _floats(v.mean_square_exponents),
            }
        vertices[v.name] = d
    return {
        "stochastic": {
            "sigma": {k: float(x) for k, x in sa.sigma.items()},
            "noise": sa.noise,
            "noise_form": NOISE_FORMS[sa.noise],
            "calculus": "Ito",
        },
        "vertices": vertices,
        "notes": list(sa.notes),
    }


def analysis_with_stochastic(analysis: Analysis, sa: StochasticAnalysis) -> dict:
    """``analyze --sigma --format json``: SPEC §3's JSON with ``"stochastic"`` at the top and in every vertex.

    >>> from govgame.model import Game, Population
    >>> from govgame.analysis.pipeline import analyze
    >>> from govgame.analysis.stochastic import stochastic_stability
    >>> g = Game(name="c", populations=(Population("a", ("l", "r"), ("x",)), Population("b", ("l", "r"), ("y",))),
    ...          parameters=(), payoffs={("l", "l"): (1, 1), ("l", "r"): (0, 0), ("r", "l"): (0, 0), ("r", "r"): (1, 1)})
    >>> a = analyze(g)
    >>> d = analysis_with_stochastic(a, stochastic_stability(a, 2.0))
    >>> d["stochastic"]["noise"], d["equilibria"][1]["stochastic"]["numeric"]["almost_sure"]
    ('tangent', True)
    """
    d = analysis_to_dict(analysis)
    sd = stochastic_to_dict(sa)
    out: dict[str, Any] = {}
    for k, v in d.items():
        out[k] = v
        if k == "parameters":
            out["stochastic"] = sd["stochastic"]
    for entry in out["equilibria"]:
        if entry["name"] in sd["vertices"]:
            entry["stochastic"] = sd["vertices"][entry["name"]]
    out["notes"] = [*out.get("notes", []), *sd["notes"]]
    return out


def json_lines(data: Mapping, bulk: str) -> str:
    """JSON with each element of the (possibly huge) list ``data[bulk]`` on a line of its own.

    Valid JSON, readable, and written by the C encoder: ``indent=`` would fall back to the
    pure-Python encoder, which costs seconds for 64,000 runs.

    >>> print(json_lines({"model": "m", "runs": [{"a": 1}, {"a": 2}], "summary": {"x": 2}}, "runs"))
    {
    "model": "m",
    "runs": [
      {"a": 1},
      {"a": 2}
    ],
    "summary": {"x": 2}
    }
    """
    parts = []
    for key, value in data.items():
        if key == bulk:
            items = ",\n".join("  " + json.dumps(v, allow_nan=False) for v in value)
            parts.append(f"{json.dumps(key)}: [\n{items}\n]" if value else f"{json.dumps(key)}: []")
        else:
            parts.append(f"{json.dumps(key)}: {json.dumps(value, allow_nan=False)}")
    return "{\n" + ",\n".join(parts) + "\n}"
