"""Runs that end near a continuum: named after it only on its attracting part, and only when they are on it.

Oracles: the transversal eigenvalue of the nashpy issue 222 edge derived by hand from the payoff table
(7x - 2: attracting for x < 2/7), and the curved surface of rest points (x, (2z-1)/(3z-2), z) whose
points are known in closed form.
"""

import itertools
import warnings

import numpy as np
from strategies import numeric_game

import govgame
from govgame.analysis.dynamics import replicator
from govgame.analysis.equilibria import Kind, search_equilibria
from govgame.io.json import simulation_to_dict
from govgame.numerics.outcomes import Outcome, classify, run_outcomes

A222 = np.array([[-3.0, 3.0], [-3.0, 5.0]])
B222 = np.array([[2.0, 7.0], [4.0, 2.0]])


def _rest_points(game):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return list(search_equilibria(replicator(game), params=game.values()).equilibria)


def test_runs_end_on_the_nashpy_222_line_only_where_it_attracts():
    game = numeric_game([A222, B222])
    eqs = _rest_points(game)
    (line,) = [e for e in eqs if e.kind is Kind.CONTINUUM]
    x0 = np.array([[x, y] for x in np.linspace(0.05, 0.95, 10) for y in (0.9, 0.97, 0.995)])
    traj = govgame.simulate(game, x0, params=game.values(), t_end=200.0)
    outs = run_outcomes(traj, eqs)
    on_line = [i for i, o in enumerate(outs) if o.outcome is Outcome.EQUILIBRIUM and o.reached == line.name]
    assert on_line, "some runs must settle on the attracting part of the line"
    for i in on_line:
        x_end, y_end = traj.final[i]
        assert abs(y_end - 1.0) <= 1e-3
        assert x_end < 2 / 7 + 1e-3  # the attracting part, from the hand-derived eigenvalue 7x - 2
        assert outs[i].part == "attracting"
        assert abs(outs[i].on["x"] - x_end) <= 1e-3
    runs = simulation_to_dict(game, traj, eqs)["runs"]
    assert [r["part"] for r in runs if r["reached"] == line.name] == ["attracting"] * len(on_line)


def test_a_state_on_the_repelling_part_of_the_line_is_passing_not_reached():
    game = numeric_game([A222, B222])
    eqs = _rest_points(game)
    (line,) = [e for e in eqs if e.kind is Kind.CONTINUUM]
    # a state 1e-6 from the line at x = 0.6, where 7x - 2 > 0: the column player's second strategy grows
    far = govgame.simulate(game, [[0.6, 1 - 1e-6]], params=game.values(), t_end=1e-9)
    assert classify(far.final, eqs) == [line.name]  # within 1e-3 of the line ...
    (o,) = run_outcomes(far, eqs)
    assert o.outcome is not Outcome.EQUILIBRIUM  # ... but the line repels there: not reached
    assert o.near == line.name
    near_attracting = govgame.simulate(game, [[0.1, 1 - 1e-6]], params=game.values(), t_end=50.0)
    (o,) = run_outcomes(near_attracting, eqs)
    assert (o.outcome, o.reached) == (Outcome.EQUILIBRIUM, line.name)


def test_curved_surface_is_named_only_for_states_on_it():
    s = (2, 2, 2)
    A, B, C = np.zeros(s), np.zeros(s), np.zeros(s)
    for j, k in itertools.product(range(2), range(2)):
        y, z = 1 - j, 1 - k
        A[0, j, k] = 3 * y * z - 2 * y - 2 * z + 1  # D_x = 3yz - 2y - 2z + 1 vanishes on y = (2z-1)/(3z-2)
    game = numeric_game([A, B, C])
    eqs = _rest_points(game)
    (surf,) = [e for e in eqs if e.kind is Kind.CONTINUUM and e.support == ((0, 1), (0, 1), (0, 1))]
    z = 0.25
    on = [0.4, (2 * z - 1) / (3 * z - 2), z]
    names = classify([[0.5, 0.9, 0.5], on], eqs)
    assert names[0] is None  # f_x = -0.1125 there: not a rest point, far from the surface
    assert names[1] == surf.name
