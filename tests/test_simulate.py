from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import solve_ivp

from conftest import PRISONERS_DILEMMA
from govgame.analysis.dynamics import replicator
from govgame.analysis.equilibria import Equilibrium, Kind
from govgame.errors import SimulationError
from govgame.io.json import simulation_to_dict
from govgame.model import Game, Parameter, Population
from govgame.numerics.integrate import simulate
from govgame.numerics.outcomes import basins, classify, outcome_key, outcomes, vertex_equilibria
from govgame.numerics.starts import check_starts, grid_starts


def make_game(shape, seed=0, name="g"):
    rng = np.random.default_rng(seed)
    pops = []
    for p, k in enumerate(shape):
        strategies = tuple(f"s{p}{i}" for i in range(k))
        shares = (f"x{p}",) if k == 2 else tuple(f"x{p}_{i}" for i in range(k - 1))
        pops.append(Population(f"pop{p}", strategies, shares))
    payoffs = {}
    for prof in itertools.product(*(p.strategies for p in pops)):
        payoffs[prof] = tuple(sympy.Float(round(float(v), 3)) for v in rng.normal(size=len(shape)))
    return Game(name=name, populations=tuple(pops), parameters=(), payoffs=payoffs)


def pennies():
    pops = (Population("a", ("h", "t"), ("x",)), Population("b", ("h", "t"), ("y",)))
    pay = {("h", "h"): (1, -1), ("h", "t"): (-1, 1), ("t", "h"): (-1, 1), ("t", "t"): (1, -1)}
    return Game(name="pennies", populations=pops, parameters=(), payoffs=pay)


# ---------------------------------------------------------------- starts
def test_grid_count_three_binary_populations():
    assert grid_starts(make_game((2, 2, 2)), 3).shape == (27, 3)


def test_grid_three_strategy_population_drops_sums_of_one():
    g = make_game((3, 2))
    pts = grid_starts(g, 3)
    assert pts.shape == (3 * 3, 3)
    assert np.all(pts[:, 0] + pts[:, 1] < 1)
    assert {tuple(p[:2]) for p in pts} == {(0.25, 0.25), (0.25, 0.5), (0.5, 0.25)}


@settings(max_examples=15, deadline=None)
@given(shape=st.lists(st.integers(2, 3), min_size=2, max_size=3), n=st.integers(1, 5))
def test_grid_count_formula(shape, n):
    # a k-strategy population contributes the number of (k-1)-tuples of 1..N with sum <= N
    expected = 1
    for k in shape:
        expected *= math.comb(n, k - 1)
    if expected == 0:  # no point of the grid fits a population with many strategies: said, not silent
        with pytest.raises(SimulationError, match="has no start inside the state space"):
            grid_starts(make_game(tuple(shape)), n)
        return
    pts = grid_starts(make_game(tuple(shape)), n)
    assert len(pts) == expected
    assert np.all((pts > 0) & (pts < 1))


def test_bad_starts_are_named():
    g = make_game((2, 2, 2))
    with pytest.raises(SimulationError, match=r"start \(0.5, 1.2, 0.3\) lies outside the state space"):
        simulate(g, [[0.1, 0.1, 0.1], [0.5, 1.2, 0.3]], params={})
    with pytest.raises(SimulationError, match="needs 3 coordinates"):
        check_starts(g, [0.5, 0.5])
    with pytest.raises(SimulationError, match=r"start \(0.6, 0.5, 0.5\)"):
        check_starts(make_game((3, 2)), [0.6, 0.5, 0.5])  # shares of one population sum above 1
    with pytest.raises(SimulationError, match="grid size"):
        grid_starts(g, 0)


# ---------------------------------------------------------------- simulate
@pytest.mark.parametrize("shape,seed", [((2, 2, 2), 1), ((2, 3), 2), ((3, 2, 2), 3)])
def test_simulate_matches_sympy_reference_rhs(shape, seed):
    """Oracle: scipy RK45 (tight) on the library's independent sympy-derived right-hand side."""
    g = make_game(shape, seed)
    nd = replicator(g).numeric({})
    X = grid_starts(g, 2)
    tr = simulate(g, X, params={}, t_end=5.0)
    for x, y in zip(X, tr.final):
        sol = solve_ivp(lambda t, s: nd.f(s), (0, 5.0), x, method="RK45", rtol=1e-10, atol=1e-12)
        assert np.max(np.abs(y - sol.y[:, -1])) < 1e-5


def test_paths_and_statuses():
    g = make_game((2, 2, 2), 4)
    t = np.linspace(0, 10, 11)
    tr = simulate(g, grid_starts(g, 2), params={}, t_end=10.0, t_eval=t)
    assert tr.paths.shape == (8, 11, 3)
    assert np.allclose(tr.paths[:, 0], tr.x0)
    assert set(tr.status) <= {"converged", "stalled", "t_end", "no-convergence"}
    assert np.all(tr.t_stop <= 10.0)


def test_centre_runs_are_cycles_around_it_not_equilibria():
    g = pennies()
    tr = simulate(g, [[0.2, 0.3], [0.45, 0.5]], params={})
    assert list(tr.status) == ["no-convergence", "no-convergence"]
    centre = Equilibrium("E5", Kind.INTERIOR, (sympy.Rational(1, 2),) * 2, numeric_point=(0.5, 0.5))
    eqs = [*vertex_equilibria(g), centre]
    assert outcomes(tr, eqs) == [None, None]  # no equilibrium reached
    d = simulation_to_dict(g, tr, eqs)
    assert d["summary"] == {"cycle around E5": 2} and [r["reached"] for r in d["runs"]] == [None, None]
    assert [r["outcome"] for r in d["runs"]] == ["cycle", "cycle"] and {r["around"] for r in d["runs"]} == {"E5"}
    # D_x = 4y - 2, D_y = 2 - 4x: the linearised centre has omega = 1; the small orbit (0.2 in log-ratio)
    # has the period 2 pi (1 + O(0.2^2))
    assert d["runs"][1]["period"] == pytest.approx(2 * math.pi, rel=5e-3)
    assert d["runs"][0]["period"] > d["runs"][1]["period"]


# ---------------------------------------------------------------- classify
def test_classify_prefers_vertices_and_handles_continua():
    v = Equilibrium("E1", Kind.PURE, (sympy.S(1), sympy.S(0)), ("a", "b"), numeric_point=(1.0, 0.0))
    seg = Equilibrium("E5", Kind.CONTINUUM, (sympy.S(1), sympy.Symbol("y")), numeric_point=(1.0, None), free=(1,))
    inner = Equilibrium("E6", Kind.INTERIOR, (sympy.S(0.5),) * 2, numeric_point=(0.5, 0.5))
    final = [[1.0, 0.0005], [0.9995, 0.7], [0.5004, 0.4999], [0.991, 0.5], [1.0, 0.0015]]
    assert classify(final, [seg, inner, v]) == ["E1", "E5", "E6", None, "E5"]
    assert classify(final, [seg, inner, v], reach_tol=1e-2) == ["E1", "E5", "E6", "E5", "E1"]
    assert outcome_key(v) == "a/b" and outcome_key(seg) == "E5" and outcome_key(None) == "none"


def test_basins_sum_to_one_and_json_follows_spec():
    g = make_game((2, 2, 2), 5)
    tr = simulate(g, grid_starts(g, 3), params={})
    b = basins(tr, vertex_equilibria(g))
    assert math.isclose(math.fsum(b.values()), 1.0)
    d = json.loads(json.dumps(simulation_to_dict(g, tr)))
    assert list(d) == ["model", "state", "parameters", "t_end", "runs", "summary"]
    assert d["state"] == ["x0", "x1", "x2"] and d["t_end"] == 100.0 and len(d["runs"]) == 27
    assert sum(d["summary"].values()) == 27
    for run in d["runs"]:
        # SPEC §4: the version-1 keys in order, then version 2's outcome (and its extra keys)
        assert list(run)[:5] == ["from", "to", "reached", "profile", "outcome"]
        assert set(run) <= {"from", "to", "reached", "profile", "outcome", "period", "around", "near", "t_needed"}
        assert (run["outcome"] == "equilibrium") == (run["reached"] is not None)
        if run["outcome"] == "cycle":
            assert run["period"] > 0
        if run["profile"] is not None:
            key = "/".join(run["profile"])
            assert key in d["summary"]
            assert max(abs(a - b) for a, b in zip(run["to"], _vertex_point(g, run["profile"]))) <= 1e-3


def _vertex_point(g, profile):
    out = []
    for p, s in zip(g.populations, profile):
        i = p.strategies.index(s)
        out += [1.0 if i == a else 0.0 for a in range(p.k - 1)]
    return out


def test_parameters_are_used():
    b = Parameter("b", value=1.0, sign="any")
    pops = (Population("a", ("p", "q"), ("x",)), Population("c", ("p", "q"), ("y",)))
    pay = {("p", "p"): (b.symbol, 0), ("p", "q"): (b.symbol, 0), ("q", "p"): (0, 1), ("q", "q"): (0, 0)}
    g = Game(name="par", populations=pops, parameters=(b,), payoffs=pay)
    up = simulate(g, [0.5, 0.5], params={"b": 1.0}).final[0, 0]
    down = simulate(g, [0.5, 0.5], params={"b": -1.0}).final[0, 0]
    assert up > 1 - 1e-6 and down < 1e-6


# ---------------------------------------------------------------- command line


def test_cli_simulate_json_and_errors(tmp_path, capsys):
    from govgame.cli import main

    path = tmp_path / "pd.toml"
    path.write_text(PRISONERS_DILEMMA)
    assert main(["simulate", str(path), "--grid", "2", "--from", "0.9,0.9", "--format", "json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["state"] == ["x", "y"] and d["parameters"] == {"b": 2.0} and len(d["runs"]) == 5
    assert d["summary"] == {"d/d": 5} and d["runs"][-1]["from"] == [0.9, 0.9]
    assert {r["reached"] for r in d["runs"]} == {"E1"}  # (0, 0) is the first vertex of the analysis
    for argv, needle in [
        (["--from", "0.5,1.2"], '--from "0.5,1.2": y = 1.2 lies outside [0, 1]'),
        (["--from", "0.5"], '--from "0.5": expected 2 comma-separated numbers'),
        (["--from", "0.5,abc"], '"abc" is not a number'),
    ]:
        assert main(["simulate", str(path), *argv]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("govgame: error:") and needle in err[0]


def test_failed_runs_are_never_silent():
    g = pennies()
    with pytest.warns(RuntimeWarning, match=r"2 of 3 runs failed \(2 max-steps\)"):
        tr = simulate(g, [[0.2, 0.3], [0.45, 0.5], [1.0, 1.0]], params={}, t_end=1000.0, max_steps=20)
    assert [str(s) for s in tr.status] == ["max-steps", "max-steps", "t_end"]
    d = simulation_to_dict(g, tr, vertex_equilibria(g))
    assert [r["outcome"] for r in d["runs"][:2]] == ["unsettled", "unsettled"] and d["summary"]["none"] == 2
    with pytest.raises(SimulationError, match="max-steps"):
        simulate(g, [[0.2, 0.3]], params={}, t_end=1000.0, max_steps=20, throw=True)
    for bad in ({"rtol": float("nan")}, {"atol": 0.0}):
        with pytest.raises(SimulationError):
            simulate(g, [[0.2, 0.3]], params={}, **bad)
