"""The kernel's limits and ends of runs at their boundaries (issue 9.7, the survivor kinds of tests/README.md).

Each case is built so that the boundary matters, and the expected ends come from independent oracles:
scipy's ``RK45`` stepped by hand on the log-ratio equations written here (the kernel's controller is scipy's,
so its accepted steps and step attempts are scipy's), with the stopping rules of the kernel's docstring
applied to scipy's steps by hand.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import RK45

from govgame.model import Game, Population
from govgame.numerics import kernel as K
from govgame.numerics.integrate import simulate


def _edge_game(c):
    """Two binary populations; b's strategy c always earns 1 more, a's strategy c earns ``c`` more when b plays d.

    With x, y the shares of c: dlogit(x)/dt = c (1 - y), dlogit(y)/dt = 1. The edge y = 1 is made of rest points
    (a is indifferent there), none of them asymptotically stable: a run from inside stalls on that edge."""
    pops = (Population("a", ("c", "d"), ("x",)), Population("b", ("c", "d"), ("y",)))
    pay = {("c", "c"): (0, 1), ("c", "d"): (c, 0), ("d", "c"): (0, 1), ("d", "d"): (0, 0)}
    return Game(name="edge", populations=pops, parameters=(), payoffs=pay)


def _edge_oracle(c, x0, y0, t_end):
    """scipy's RK45 on the kernel's coordinates, the stall rule of the docstring applied after every step.

    Coordinates (the reference of each population is its larger share): z_a = log(x / (1 - x)) for x0 < 1/2,
    z_b = log((1 - y) / y) for y0 > 1/2. Returns (accepted steps, step attempts, time) of the step on which the
    run stalls: max |f| < STALL_F on every step since a time at least t_end / 10 before, t < t_end, and no share
    can grow by more than FROZEN_GROWTH by t_end at its growth rate."""
    assert x0 < 0.5 < y0

    def shares(z):
        return 1.0 / (1.0 + math.exp(-z[0])), 1.0 / (1.0 + math.exp(z[1]))  # x, y

    def rhs(_t, z):
        return np.array([c / (1.0 + math.exp(-z[1])), -1.0])  # c (1 - y), -1

    solver = RK45(rhs, 0.0, np.array([math.log(x0 / (1 - x0)), math.log((1 - y0) / y0)]), t_end, rtol=1e-6, atol=1e-9)
    since, steps = None, 0
    while solver.status == "running":
        solver.step()
        steps += 1
        x, y = shares(solver.y)
        xd, yd = 1.0 / (1.0 + math.exp(solver.y[0])), 1.0 / (1.0 + math.exp(-solver.y[1]))  # 1 - x, 1 - y
        adv = c * yd  # a's advantage of c
        fmax = max(x * xd * adv, y * yd)  # |f| of each share: y_i |u_i - u_bar|
        if fmax >= K.STALL_F:
            since = None
            continue
        if since is None:
            since = solver.t
            continue
        if solver.t - since >= t_end / 10 and solver.t < t_end:
            rest = t_end - solver.t
            growth = [(x, xd * adv), (xd, -x * adv), (y, yd), (yd, -y)]  # (share, its growth rate u_i - u_bar)
            if all(g <= 0 or s * math.expm1(g * rest) <= K.FROZEN_GROWTH for s, g in growth):
                attempts = (solver.nfev - 2) / 6  # two evaluations for the initial step, six per attempt
                assert attempts == int(attempts)
                return steps, int(attempts), solver.t
    raise AssertionError("no stall before t_end")


def test_a_run_that_stalls_on_its_last_allowed_step_attempt_is_stalled_not_out_of_steps():
    """``max_steps`` is the number of step attempts a run may use: a run whose stall is decided on its
    ``max_steps``-th attempt has stalled (and stops there: no further attempt can fail it); with one attempt
    fewer it ends ``max-steps`` at the step before."""
    c, x0, y0, t_end = 2.0, 0.3, 0.6, 1000.0
    steps, attempts, t_stall = _edge_oracle(c, x0, y0, t_end)
    assert attempts >= steps >= 5 and t_stall < t_end
    game = _edge_game(c)
    for max_steps in (attempts, attempts + 1, 10**6):
        tr = simulate(game, [[x0, y0]], params={}, t_end=t_end, max_steps=max_steps)
        assert [str(s) for s in tr.status] == ["stalled"], max_steps
        assert int(tr.steps[0]) == steps
        assert tr.t_stop[0] == pytest.approx(t_stall, rel=1e-9)
    with pytest.warns(RuntimeWarning, match="1 max-steps"):
        tr = simulate(game, [[x0, y0]], params={}, t_end=t_end, max_steps=attempts - 1)
    assert [str(s) for s in tr.status] == ["max-steps"]
