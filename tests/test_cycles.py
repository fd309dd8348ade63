"""Outcomes of runs against mathematics: centres with known periods, a heteroclinic ring, saddle passages,
slow convergence, and games whose runs converge (no false cycles).

Oracles: scipy's DOP853 with section events (independent periods), the linearised centre's period
2*pi/omega, the exact logistic solution, the exact vertex eigenvalues (payoff differences).
"""

from __future__ import annotations

import itertools
import math
from collections import Counter

import numpy as np
import pytest
import sympy
from scipy.integrate import solve_ivp

from govgame.analysis.dynamics import numeric_payoffs, replicator
from govgame.analysis.equilibria import find_equilibria
from govgame.model import Game, Parameter, Population
from govgame.model.loader import load_model
from govgame.numerics import kernel as K
from govgame.numerics.coordinates import to_full
from govgame.numerics.cycles import Outcome, run_outcomes, summary_key
from govgame.numerics.starts import grid_starts


def outcomes_of(game, values, X, t_end, eqs=None):
    pay, offs = K.pack(game.shape, numeric_payoffs(game, values))
    res = K.integrate_runs(pay, offs, K.stable_vertices(pay, game.shape), to_full(game, X), t_end=t_end)
    if eqs is None:
        eqs = list(find_equilibria(replicator(game), params=values, symbolic=False))
    return run_outcomes(game, values, res.final, res.status, res, eqs, t_end=t_end), eqs, res


def inspection_game():
    """Inspector (x: inspect) and inspectee (y: comply): D_x = (F + l)(y* - y), D_y = F (x - x*)."""
    F, g, c, lo = (Parameter(n, value=v) for n, v in (("F", 4.0), ("g", 1.0), ("c", 1.0), ("l", 1.0)))
    Fs, gs, cs, ls = F.symbol, g.symbol, c.symbol, lo.symbol
    pops = (Population("inspector", ("inspect", "trust"), ("x",)), Population("firm", ("comply", "violate"), ("y",)))
    pay = {
        ("inspect", "comply"): (-cs, 0),
        ("inspect", "violate"): (Fs - cs, gs - Fs),
        ("trust", "comply"): (0, 0),
        ("trust", "violate"): (-ls, gs),
    }
    return Game(name="inspection", populations=pops, parameters=(F, g, c, lo), payoffs=pay)


def test_inspection_game_every_run_is_a_cycle_around_the_centre_with_the_right_period():
    game = inspection_game()
    v = game.values()
    xs, ys = v["g"] / v["F"], (v["F"] + v["l"] - v["c"]) / (v["F"] + v["l"])
    X = grid_starts(game, 3)
    outs, eqs, _ = outcomes_of(game, v, X, t_end=200.0)
    centre = [e.name for e in eqs if str(e.kind) == "interior"]
    assert len(centre) == 1
    assert [o.outcome for o in outs] == [Outcome.CYCLE] * len(X)
    assert {o.around for o in outs} == set(centre)
    assert {summary_key(o, {e.name: e for e in eqs}) for o in outs} == {f"cycle around {centre[0]}"}

    def f(t, s):
        x, y = s
        return [x * (1 - x) * (v["F"] + v["l"]) * (ys - y), y * (1 - y) * v["F"] * (x - xs)]

    def section(t, s):  # y crosses y* upwards: a maximum of log(x / (1 - x))
        return s[1] - ys

    section.direction = 1
    for x0, o in zip(X, outs):
        sol = solve_ivp(f, (0, 200.0), x0, method="DOP853", rtol=1e-11, atol=1e-13, events=section)
        periods = np.diff(sol.t_events[0])
        assert o.period == pytest.approx(float(np.median(periods)), rel=1e-4)
    # near the centre: the linearised centre's period 2 pi / omega
    omega = math.sqrt((v["F"] + v["l"]) * v["F"] * xs * (1 - xs) * ys * (1 - ys))
    near, *_ = outcomes_of(game, v, [[xs + 0.004, ys]], t_end=200.0, eqs=eqs)
    assert near[0].outcome is Outcome.CYCLE and near[0].period == pytest.approx(2 * math.pi / omega, rel=1e-3)


def cyclic_game(a, b, c):
    """x wants to differ from z, y to copy x, z to copy y: a ring of six saddle vertices."""
    pops = tuple(Population(n, ("s", "t"), (s,)) for n, s in (("p", "x"), ("q", "y"), ("r", "z")))
    pay = {}
    for prof in itertools.product("st", repeat=3):
        x, y, z = (1 if s == "s" else 0 for s in prof)
        pay[prof] = (
            sympy.Integer(a * (1 - 2 * z)) if x else sympy.Integer(0),
            sympy.Integer(b * (2 * x - 1)) if y else sympy.Integer(0),
            sympy.Integer(c * (2 * y - 1)) if z else sympy.Integer(0),
        )
    return Game(name="cyclic", populations=pops, parameters=(), payoffs=pay)


def test_heteroclinic_ring_is_named_as_such():
    game = cyclic_game(1, 1, 1)
    vertices = list(find_equilibria(replicator(game), params={}, symbolic=False))
    # every vertex has one payoff difference +1 and two -1: all saddles (a ring of them)
    rng = np.random.default_rng(3)
    X = rng.uniform(0.1, 0.9, size=(16, 3))
    outs, _, res = outcomes_of(game, {}, X, t_end=300.0, eqs=vertices)
    kinds = Counter(o.outcome for o in outs)
    assert kinds[Outcome.EQUILIBRIUM] == 0 and kinds[Outcome.CYCLE] == 0
    assert kinds[Outcome.HETEROCLINIC] >= 10
    # the runs really are ever closer to the boundary: some share below 1e-30 at the end
    assert np.median(np.minimum(res.final[:, ::2], res.final[:, 1::2]).min(axis=1)) < 1e-30


def test_runs_that_converge_are_never_cycles():
    game = load_model("battery_recycling")
    v = game.values()
    outs, eqs, res = outcomes_of(game, v, grid_starts(game, 3), t_end=100.0)
    assert all(o.outcome is Outcome.EQUILIBRIUM for o in outs)
    # each reached vertex is asymptotically stable: its payoff differences are all negative
    stable = K.stable_vertices(K.pack(game.shape, numeric_payoffs(game, v))[0], game.shape)[0]
    by_name = {e.name: e for e in eqs}
    for o in outs:
        prof = by_name[o.reached].profile
        assert stable[game.profiles.index(prof)]


def test_a_run_passing_a_saddle_has_not_reached_it():
    """battery_recycling at S_e=2.1794871794871793, F_e=4.358974358974359: runs sit next to E8 at t=100."""
    game = load_model("battery_recycling")
    v = {**game.values(), "S_e": 2.1794871794871793, "F_e": 4.358974358974359}
    X = grid_starts(game, 3)
    outs, eqs, res = outcomes_of(game, v, X, t_end=100.0)
    e8 = next(e for e in eqs if e.name == "E8")
    assert e8.numeric_point == (1.0, 1.0, 1.0)
    T = numeric_payoffs(game, v)
    # E8 is a saddle: some payoff difference at the vertex is positive (an exact eigenvalue)
    assert max(T[0][1, 0, 0] - T[0][0, 0, 0], T[1][0, 1, 0] - T[1][0, 0, 0], T[2][0, 0, 1] - T[2][0, 0, 0]) > 0
    near = [r for r, o in enumerate(outs) if o.near == "E8"]
    assert len(near) >= 8
    assert all(outs[r].reached is None and outs[r].outcome is not Outcome.EQUILIBRIUM for r in near)
    # an independent integration: within 1e-3 of E8 at t = 100, gone by t = 400
    r = near[0]

    def f(t, zz):
        x, y, z = 1 / (1 + np.exp(-np.asarray(zz)))
        sh = [np.array([x, 1 - x]), np.array([y, 1 - y]), np.array([z, 1 - z])]
        u = [np.einsum("abc,b,c->a", T[0], sh[1], sh[2]), np.einsum("abc,a,c->b", T[1], sh[0], sh[2])]
        u.append(np.einsum("abc,a,b->c", T[2], sh[0], sh[1]))
        return [uu[0] - uu[1] for uu in u]

    z0 = np.log(X[r] / (1 - X[r]))
    sol = solve_ivp(f, (0, 400.0), z0, method="DOP853", rtol=1e-10, atol=1e-12, t_eval=[100.0, 400.0])
    at = 1 / (1 + np.exp(-sol.y.T))
    assert np.max(np.abs(at[0] - 1.0)) < 1e-3 and np.max(np.abs(at[1] - 1.0)) > 0.1


def test_slow_convergence_says_how_long_it_would_take():
    """Population 0's payoff difference is the constant -0.06: x(t) is logistic; population 1 converges fast."""
    lam = Parameter("lam", value=0.06)
    pops = (Population("a", ("p", "q"), ("x",)), Population("b", ("p", "q"), ("y",)))
    pay = {pr: (-lam.symbol if pr[0] == "p" else 0, 1 if pr[1] == "p" else 0) for pr in itertools.product("pq", "pq")}
    game = Game(name="slow", populations=pops, parameters=(lam,), payoffs=pay)
    v = game.values()
    outs, eqs, _ = outcomes_of(game, v, [[0.5, 0.5]], t_end=50.0)
    o = outs[0]
    target = next(e.name for e in eqs if e.numeric_point == (0.0, 1.0))
    assert o.outcome is Outcome.UNSETTLED and o.near == target and o.t_needed is not None
    # exact: x(t) = 1 / (1 + e^{0.06 t}) reaches 1e-3 at t* = log(999) / 0.06
    t_star = math.log(999.0) / 0.06
    assert o.t_needed == pytest.approx(t_star, rel=0.02)
    again, *_ = outcomes_of(game, v, [[0.5, 0.5]], t_end=o.t_needed * 1.05, eqs=eqs)
    assert again[0].outcome is Outcome.EQUILIBRIUM and again[0].reached == target


def test_sweep_counts_cycles_as_their_own_category():
    """Inspection game: the interior centre exists while F > g; its runs are cycles in every cell."""
    from govgame.numerics.sweep import sweep

    game = inspection_game()
    res = sweep(game, {"F": [2.0, 4.0]}, params=game.values(), grid=2, t_end=150.0, progress=False)
    for cell in res.cells:
        assert list(cell.reached) == ["cycle around E5"] and cell.reached["cycle around E5"] == 1.0
        assert cell.ess == ()


@pytest.mark.parametrize(
    "argv,needle",
    [
        (["simulate", "M", "--plot", "out.jpeg"], "must end in .pdf"),
        (["simulate", "M", "--plot", "/no/such/folder/out.png"], "does not exist"),
        (["sweep", "M", "--vary", "F=1:2:2", "--plot", "map.png"], "two --vary parameters"),
    ],
)
def test_plot_option_is_checked_before_any_work(tmp_path, capsys, monkeypatch, argv, needle):
    import govgame.numerics.integrate as integrate
    import govgame.numerics.sweep as sweep_module
    from govgame.cli import main

    def no_work(*a, **k):
        raise AssertionError("integration started before --plot was checked")

    monkeypatch.setattr(integrate, "simulate", no_work)
    monkeypatch.setattr(sweep_module, "sweep", no_work)

    path = tmp_path / "inspection.toml"
    path.write_text(INSPECTION_TOML)
    argv = [str(path) if a == "M" else a for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("govgame: error:") and needle in err[0]


INSPECTION_TOML = """
[game]
name = "inspection"
[[population]]
name = "inspector"
strategies = ["inspect", "trust"]
share = "x"
[[population]]
name = "firm"
strategies = ["comply", "violate"]
share = "y"
[parameters.F]
value = 4.0
[parameters.c]
value = 1.0
[[payoff]]
profile = ["inspect", "comply"]
inspector = "-c"
firm = "0"
[[payoff]]
profile = ["inspect", "violate"]
inspector = "F - c"
firm = "1 - F"
[[payoff]]
profile = ["trust", "comply"]
inspector = "0"
firm = "0"
[[payoff]]
profile = ["trust", "violate"]
inspector = "-1"
firm = "1"
"""
