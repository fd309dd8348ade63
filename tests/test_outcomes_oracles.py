"""Outcomes of runs against the definitions of SPEC §4, fast and deterministic.

The oracles: the maximum-norm distance computed by hand, the documented key and label rules applied
to hand-made cases, and games whose basins are known in closed form.
"""

import itertools
import warnings

import numpy as np
import pytest
import sympy
from scipy.integrate import solve_ivp

from govgame.analysis.equilibria import Equilibrium, Kind
from govgame.model import Game, Population
from govgame.numerics import outcomes as O
from govgame.numerics.integrate import Trajectories, simulate

S = sympy.S


def _coordination():
    """2x2 coordination, 2 each at c/c and 1 each at d/d (x, y: the shares of c)."""
    pops = (Population("a", ("c", "d"), ("x",)), Population("b", ("c", "d"), ("y",)))
    pay = {("c", "c"): (2, 2), ("c", "d"): (0, 0), ("d", "c"): (0, 0), ("d", "d"): (1, 1)}
    return Game("coord", pops, (), pay)


def test_vertices_are_named_keyed_and_placed_as_the_analysis_does():
    g = _coordination()
    vs = O.vertex_equilibria(g)
    assert [v.name for v in vs] == ["E1", "E2", "E3", "E4"]
    pts = {v.profile: v.numeric_point for v in vs}
    # x, y are the shares of the first strategies: (c, c) is (1, 1), (d, d) is (0, 0)
    assert pts == {("c", "c"): (1.0, 1.0), ("c", "d"): (1.0, 0.0), ("d", "c"): (0.0, 1.0), ("d", "d"): (0.0, 0.0)}
    assert all(v.kind is Kind.PURE for v in vs)
    assert [O.outcome_key(v) for v in vs] == ["/".join(v.profile) for v in vs]
    assert O.outcome_key(None) == "none"
    mixed = Equilibrium("E5", Kind.INTERIOR, (S(1) / 3, S(1) / 3), numeric_point=(1 / 3, 1 / 3))
    assert O.outcome_key(mixed) == "E5"


class _Wrapped:
    """A Stability-like object: outcomes accept anything with an ``equilibrium``."""

    def __init__(self, e):
        self.equilibrium = e


def test_classification_is_by_maximum_norm_with_vertices_first():
    v = Equilibrium("E1", Kind.PURE, (S(0), S(1)), ("b", "a"), numeric_point=(0.0, 1.0))
    near = Equilibrium("E5", Kind.BOUNDARY, (S(0), S(999) / 1000), numeric_point=(0.0, 0.999))
    far = Equilibrium("E6", Kind.INTERIOR, (S(1) / 2, S(1) / 2), numeric_point=(0.5, 0.5))
    unplaced = Equilibrium("E7", Kind.INTERIOR, (S(1) / 2, S(1) / 2), numeric_point=None)
    eqs = [near, _Wrapped(v), far, unplaced]
    finals = [
        [0.0, 0.9995],  # within 1e-3 of both E1 and E5: the vertex wins although E5 is nearer
        [0.0009, 0.9991],  # max-norm 9e-4 from E1 (L1 would be 1.8e-3): reached
        [0.0011, 1.0],  # max-norm 1.1e-3 from E1, but within 1e-3 of E5? |0.0011| > 1e-3: no
        [0.5006, 0.4995],  # E6 at max-norm 6e-4 (L1 1.1e-3)
        [0.2, 0.2],
    ]
    assert O.classify(finals, eqs) == ["E1", "E1", None, "E6", None]
    assert O.classify(finals, eqs, reach_tol=2e-3) == ["E1", "E1", "E1", "E6", None]
    assert O.classify(np.zeros((0, 2)), eqs) == []
    assert O.classify(finals, [unplaced]) == [None] * 5
    assert O.classify([0.5, 0.5], [far]) == ["E6"]  # one state, not a list of them


def test_runs_that_did_not_settle_are_never_classified_and_basins_are_shares():
    g = _coordination()
    vs = O.vertex_equilibria(g)
    final = np.array([[1.0, 1.0], [0.0, 0.0], [1.0, 1.0], [0.5, 0.5]])
    code = np.array([0, 2, 3, 0])  # converged, ran to t_end (settled), no-convergence, converged
    traj = Trajectories(x0=final.copy(), final=final, t_stop=np.full(4, 10.0), code=code)
    assert list(traj.status) == ["converged", "t_end", "no-convergence", "converged"]
    got = O.outcomes(traj, vs)
    assert [None if e is None else e.profile for e in got] == [("c", "c"), ("d", "d"), None, None]
    assert O.run_keys(traj, vs) == ["c/c", "d/d", "none", "none"]
    assert O.basins(traj, vs) == {"none": 0.5, "c/c": 0.25, "d/d": 0.25}
    with pytest.raises(ValueError, match="simulate"):
        O.run_outcomes(traj, vs)


def test_basins_of_a_coordination_game_match_an_independent_integration():
    """x' = x (1 - x)(3y - 1), y' = y (1 - y)(3x - 1): each start ends at c/c (1, 1) or d/d (0, 0); which one is
    decided here by scipy on the textbook field, away from the separatrix through the saddle (1/3, 1/3)."""
    g = _coordination()

    def f(_t, s):
        x, y = s
        return [x * (1 - x) * (3 * y - 1), y * (1 - y) * (3 * x - 1)]

    grid = [(x, y) for x, y in itertools.product(np.linspace(0.05, 0.95, 6), repeat=2) if abs(x + y - 2 / 3) > 0.08]
    ends = []
    for x0 in grid:
        end = solve_ivp(f, (0, 100.0), x0, rtol=1e-10, atol=1e-12).y[:, -1]
        assert min(np.abs(end - 1).max(), np.abs(end).max()) < 1e-6
        ends.append("c/c" if end[0] > 0.5 else "d/d")
    traj = simulate(g, grid, params={})
    vs = O.vertex_equilibria(g)
    assert O.run_keys(traj, vs) == ends
    assert [e.profile for e in O.outcomes(traj, vs)] == [tuple(k.split("/")) for k in ends]
    want = {k: ends.count(k) / len(ends) for k in set(ends)}
    got = O.basins(traj, vs)
    assert got == pytest.approx(want) and 0 < got["d/d"] < got["c/c"]
    assert list(got) == sorted(got, key=lambda k: (-got[k], k))  # decreasing share


@pytest.mark.parametrize(
    "reached, label",
    [({}, "none"), ({"none": 1.0}, "none"), ({"a/a": 0.0, "none": 1.0}, "none"), ({"b/b": 0.3}, "b/b"),
     ({"b/b": 0.2, "none": 0.8}, "b/b"), ({"b/b": 2, "a/a": 1}, "bistable: a/a | b/b"),
     ({"z": 0.5, "a": 0.2, "m": 0.3}, "bistable: m | z"), ({"z": 0.4, "b": 0.3, "a": 0.3}, "bistable: a | z"),
     ({"c": 1, "b": 1, "a": 1}, "bistable: a | b"), ({"none": 5, "x": 1, "y": 1}, "bistable: x | y")],
)  # fmt: skip
def test_region_label_is_the_documented_rule(reached, label):
    assert O.region_label(reached) == label


def test_the_deprecated_tolerance_name_warns_and_is_the_reach_tolerance():
    with pytest.warns(DeprecationWarning, match="REACH_TOL"):
        assert O.CLASSIFY_TOL == O.REACH_TOL == 1e-3
    with pytest.raises(AttributeError, match="no_such_name"):
        O.no_such_name  # noqa: B018
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert O.REACH_TOL == 1e-3
