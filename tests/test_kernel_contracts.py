"""The compiled kernel against independent oracles on paths the other kernel tests leave open.

* state-dependent payoffs of two, three and four binary populations (the kernel's scalar paths, which write
  the shares into the payoff program's registers by hand) with parameters and constants in the
  state-dependent terms: step-for-step parity with ``solve_ivp(method="RK45")`` on the log-ratio equations,
  the payoffs evaluated here by Python from the same formula strings;
* a start at rest (an interior equilibrium): scipy's initial step for a zero field, step for step;
* the hold contract of ``t_eval``: a run that ends before a requested time reports its end state there,
  also when it ends at time 0 (``t_end = 0`` or a start on a stable vertex).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy.integrate import solve_ivp
from test_integrate_oracles import _log_ratio_run

from govgame.model import Game, Population
from govgame.model.loader import loads_model
from govgame.numerics import kernel
from govgame.numerics.integrate import simulate

_K = (0.7, -1.1, 1.3, 0.4, -0.6, 0.9, 1.7, -0.8)  # parameter values k0 .. k7
_NS = {"Abs": abs, "Min": min, "Max": max, "exp": math.exp, "sqrt": math.sqrt, "log": math.log}


def _formula(P, p, prof):
    """Population ``p``'s payoff at profile ``prof``: reads every share, every parameter k0..k7 (each times a
    share, so the program reads the parameter's register while the state changes) and some constants."""
    j = sum(s << q for q, s in enumerate(prof))  # 0 .. 2^P - 1
    terms = []
    for q in range(P):
        i = (p + 3 * q + j) % 8
        terms.append(f"k{i} * x{q}")
    i2 = (p + j + 5) % 8
    q2 = (p + j) % P
    q3 = (p + 1 + j) % P
    terms.append(f"k{i2} * x{q2} * x{q3}")
    terms.append(f"Abs(x{q3} - 0.37)")
    terms.append(f"0.25 * x{q2}**2")
    if j % 2:
        terms.append(f"Min(x{q2}, 0.61)")
    for k in range(8):  # every parameter read by every population's payoff at some profile
        if (k + p + j) % (2**P) == 0:
            terms.append(f"k{k} * x{(q2 + 1) % P}")
    return f"{0.1 * (j + 1) - 0.3 * p:.2f} + " + " + ".join(terms)


def _model(P):
    pops = "".join(f'[[population]]\nname = "a{q}"\nstrategies = ["p", "q"]\nshare = "x{q}"\n' for q in range(P))
    pars = "".join(f'[parameters.k{i}]\nvalue = {v}\nsign = "any"\n' for i, v in enumerate(_K))
    pays = ""
    for prof in itertools.product((0, 1), repeat=P):
        names = ", ".join('"' + "pq"[s] + '"' for s in prof)
        pays += f"[[payoff]]\nprofile = [{names}]\n"
        pays += "".join(f'a{p} = "{_formula(P, p, prof)}"\n' for p in range(P))
    return f'[game]\nname = "sd{P}"\nformat = 2\n{pops}{pars}{pays}'


def _oracle_payoff(P):
    """Expected payoffs of each population's two strategies, the formulas evaluated by Python's floats."""
    forms = {
        (p, prof): compile(_formula(P, p, prof), "<payoff>", "eval")
        for p in range(P)
        for prof in itertools.product((0, 1), repeat=P)
    }

    def payoff(sh):
        env = dict(_NS, **{f"k{i}": v for i, v in enumerate(_K)}, **{f"x{q}": float(sh[q][0]) for q in range(P)})
        out = []
        for p in range(P):
            u = np.zeros(2)
            for prof in itertools.product((0, 1), repeat=P):
                w = math.prod(float(sh[q][prof[q]]) for q in range(P) if q != p)
                u[prof[p]] += w * eval(forms[(p, prof)], env)  # noqa: S307 - the test's own formula strings
            out.append(u)
        return out

    return payoff


@pytest.mark.parametrize(
    ("P", "starts"),
    [
        (2, [(0.3, 0.65), (0.8, 0.2)]),
        (3, [(0.3, 0.65, 0.45), (0.8, 0.2, 0.6)]),
        (4, [(0.3, 0.65, 0.45, 0.55), (0.7, 0.2, 0.6, 0.35)]),
    ],
)
def test_state_dependent_binary_payoffs_with_parameters_follow_solve_ivp_step_for_step(P, starts):
    """Two to four binary populations whose state-dependent payoffs read every share, parameter and constant."""
    game = loads_model(_model(P))
    t_end = 2.0
    tr = simulate(game, np.array(starts), params={f"k{i}": v for i, v in enumerate(_K)}, t_end=t_end)
    payoff = _oracle_payoff(P)
    for r, x in enumerate(starts):
        shares = [np.array([v, 1 - v]) for v in x]
        steps, end = _log_ratio_run(None, shares, t_end, 1e-6, 1e-9, payoff=payoff)
        assert str(tr.status[r]) in ("t_end", "no-convergence"), tr.status[r]
        assert int(tr.steps[r]) == steps
        assert steps >= 5
        np.testing.assert_allclose(tr.final[r], [e[0] for e in end], atol=1e-12)


def _pennies():
    pops = (Population("a", ("h", "t"), ("x",)), Population("b", ("h", "t"), ("y",)))
    pay = {("h", "h"): (1, -1), ("h", "t"): (-1, 1), ("t", "h"): (-1, 1), ("t", "t"): (1, -1)}
    return Game(name="pennies", populations=pops, parameters=(), payoffs=pay)


def test_a_start_at_rest_takes_scipys_initial_step_for_a_zero_field():
    """From the interior equilibrium of matching pennies the field is exactly 0: scipy starts with h = 1e-6
    (its rule for a zero field) and grows it tenfold per step (zero error estimate). The kernel must take
    the same steps up to wherever it stops, and stay on the equilibrium."""
    tr = simulate(_pennies(), [[0.5, 0.5]], params={}, t_end=5.0)
    t_stop = float(tr.t_stop[0])
    assert 0.0 < t_stop <= 5.0
    sol = solve_ivp(lambda _t, z: np.zeros(2), (0.0, t_stop), [0.0, 0.0], method="RK45", rtol=1e-6, atol=1e-9)
    assert int(tr.steps[0]) == len(sol.t) - 1
    # by hand: steps 1e-6 * 10^k, so t_stop is a sum of such steps (the last one possibly cut at t_end)
    hs = np.diff(sol.t)
    np.testing.assert_allclose(hs[:-1], 1e-6 * 10.0 ** np.arange(len(hs) - 1), rtol=1e-12)
    np.testing.assert_array_equal(tr.final[0], [0.5, 0.5])


def test_runs_that_end_at_time_zero_hold_their_start_at_every_requested_time():
    """``t_end = 0``: every requested time is 0 and holds the start; a start on a stable vertex (the run
    is converged at once) holds the vertex at every requested time up to t_end."""
    game = loads_model(
        '[game]\nname = "pd"\n[[population]]\nname = "a"\nstrategies = ["c", "d"]\nshare = "x"\n'
        '[[population]]\nname = "b"\nstrategies = ["c", "d"]\nshare = "y"\n'
        '[[payoff]]\nprofile = ["c", "c"]\na = "3"\nb = "3"\n[[payoff]]\nprofile = ["c", "d"]\na = "0"\nb = "5"\n'
        '[[payoff]]\nprofile = ["d", "c"]\na = "5"\nb = "0"\n[[payoff]]\nprofile = ["d", "d"]\na = "1"\nb = "1"\n'
    )
    starts = np.array([[0.3, 0.6], [0.0, 0.0], [0.9, 0.2]])
    zero = simulate(game, starts, params={}, t_end=0.0, t_eval=[0.0, 0.0, 0.0])
    assert zero.paths.shape == (3, 3, 2)
    for r in range(3):
        np.testing.assert_allclose(zero.paths[r], np.repeat(starts[r : r + 1], 3, axis=0), atol=1e-15)
    # (0, 0): both defect, the stable vertex of the prisoner's dilemma
    t = np.linspace(0.0, 4.0, 9)
    at = simulate(game, starts[1:2], params={}, t_end=4.0, t_eval=t)
    assert [str(s) for s in at.status] == ["converged"] and at.t_stop[0] == 0.0 and at.steps[0] == 0
    np.testing.assert_array_equal(at.paths[0], np.zeros((9, 2)))
    # a run converging during the horizon holds its end state after the stop
    run = simulate(game, starts[:1], params={}, t_end=40.0, t_eval=np.linspace(0.0, 40.0, 81))
    assert str(run.status[0]) == "converged" and run.t_stop[0] < 40.0
    after = np.linspace(0.0, 40.0, 81) > run.t_stop[0]
    assert after.sum() >= 2
    np.testing.assert_array_equal(run.paths[0, after], np.repeat(run.final[:1], after.sum(), axis=0))


def _coordination(r1, c1, r2, c2):
    """Two binary populations; v = (c, c). With b_p the share of d: a's advantage of c is r1 - c1 b_b, b's is
    r2 - c2 b_a (the payoffs of d are 0)."""
    pops = (Population("a", ("c", "d"), ("x",)), Population("b", ("c", "d"), ("y",)))
    pay = {("c", "c"): (r1, r2), ("c", "d"): (r1 - c1, 0), ("d", "c"): (0, r2 - c2), ("d", "d"): (0, 0)}
    return Game(name="coordination", populations=pops, parameters=(), payoffs=pay)


@pytest.mark.parametrize("start", [(0.7, 0.45), (0.8, 0.35), (0.9, 0.3)])
def test_the_certified_stop_is_tried_when_the_distance_has_halved_and_holds_where_the_box_bound_does(start):
    """The documented schedule ("Certified stop" in the kernel's docstring): after each accepted step near a
    stable vertex, tried again each time the distance has halved since the last try; it holds (and the run
    stops converged at t_c = t_k + max_p (xi_p - log VERTEX_TOL) / mu_p) as soon as every mu_p > 0.

    Here a_a = r1 - c1 b_b and a_b = r2 - c2 b_a, so over the box {b <= b(t_k)}: mu_a = r1 - c1 b_b(t_k),
    M_a = r1 and likewise for b (by hand). The accepted steps are those of solve_ivp (step parity); the try
    schedule and the bound are applied to its steps here."""
    r1, c1, r2, c2 = 1.0, 2.4, 0.8, 1.6
    t_end = 60.0
    x0 = np.array(start)  # shares of c
    tr = simulate(_coordination(r1, c1, r2, c2), [list(x0)], params={}, t_end=t_end)
    refs = [0 if v >= 0.5 else 1 for v in x0]
    sg = np.array([1.0 if rf == 1 else -1.0 for rf in refs])  # z_p = sg_p log(x_p / (1 - x_p))

    def rhs(_t, z):
        x = 1.0 / (1.0 + np.exp(-sg * z))
        b = 1.0 - x
        return sg * np.array([r1 - c1 * b[1], r2 - c2 * b[0]])

    z0 = sg * np.log(x0 / (1 - x0))
    sol = solve_ivp(rhs, (0.0, t_end), z0, method="RK45", rtol=1e-6, atol=1e-9)
    cert_next, tries, expect = 1.0, 0, None
    for k in range(1, len(sol.t)):
        x = 1.0 / (1.0 + np.exp(-sg * sol.y[:, k]))
        b = 1.0 - x
        dist = max(min(v, 1 - v) for v in x)
        if not (np.all(x > 0.5) and dist <= cert_next):
            continue
        tries += 1
        mu = np.array([r1 - c1 * b[1], r2 - c2 * b[0]])
        if np.all(mu > 0):
            xi = np.log(b / (1 - b))
            need = float(np.max((xi - np.log(1e-7)) / mu))
            assert sol.t[k] + need <= t_end
            mid = xi - 0.5 * (mu + np.array([r1, r2])) * need  # the centre of the enclosure at t_c
            expect = (k, sol.t[k] + need, 1.0 / (1.0 + np.exp(mid)))
            break
        cert_next = 0.5 * dist
    assert expect is not None and tries >= 2, tries  # the first try fails: the schedule matters
    k, t_c, x_c = expect
    assert [str(s) for s in tr.status] == ["converged"]
    assert int(tr.steps[0]) == k
    assert tr.t_stop[0] == pytest.approx(t_c, abs=1e-5)
    np.testing.assert_allclose(tr.final[0], x_c, rtol=0, atol=1e-12)
    assert np.all(1.0 - tr.final[0] <= 1e-7)


def _face_run(tables, start_shares, t_end, rtol=1e-6, atol=1e-9):
    """solve_ivp on the log-ratios of the positive shares only (a zero share stays 0: it has no coordinate)."""
    from test_integrate_oracles import _expected_payoffs

    refs = [int(np.argmax(s)) for s in start_shares]
    others = [[i for i in range(len(s)) if i != r and s[i] > 0] for s, r in zip(start_shares, refs)]
    z0 = np.concatenate([np.log(s[o] / s[r]) for s, r, o in zip(start_shares, refs, others)])

    def shares_of(z):
        out, k = [], 0
        for s, o in zip(start_shares, others):
            w = np.where(np.asarray(s) > 0, 1.0, 0.0)
            w[o] = np.exp(z[k : k + len(o)])
            k += len(o)
            out.append(w / w.sum())
        return out

    def rhs(_t, z):
        u = _expected_payoffs(tables, shares_of(z))
        return np.concatenate([u_[o] - u_[r] for u_, r, o in zip(u, refs, others)])

    sol = solve_ivp(rhs, (0.0, t_end), z0, method="RK45", rtol=rtol, atol=atol)
    assert sol.success
    return len(sol.t) - 1, shares_of(sol.y[:, -1])


@pytest.mark.parametrize(("P", "face"), [(2, 0), (2, 1), (3, 0), (3, 1), (3, 2), (4, 0), (4, 2), (4, 3)])
def test_binary_games_with_a_population_on_a_vertex_follow_solve_ivp_step_for_step(P, face):
    """A binary population whose share starts at exactly 0 or 1 has no coordinate, so the run takes the
    general field (payoff differences contracted with every population's shares) instead of the scalar one:
    step parity with solve_ivp on the other populations' log-ratios, the fixed population staying put."""
    from test_integrate_oracles import _game, _reduced

    game, tables = _game((2,) * P, 40 + 10 * P + face)
    rng = np.random.default_rng(P + 7 * face)
    starts = []
    for r in range(2):
        s = [np.array([v, 1 - v]) for v in rng.uniform(0.2, 0.8, size=P)]
        s[face] = np.array([1.0, 0.0]) if r == 0 else np.array([0.0, 1.0])
        starts.append(s)
    tr = simulate(game, np.array([_reduced(s) for s in starts]), params={}, t_end=2.0)
    for r, s in enumerate(starts):
        steps, end = _face_run(tables, s, 2.0)
        assert str(tr.status[r]) in ("t_end", "no-convergence"), tr.status[r]
        assert int(tr.steps[r]) == steps and steps >= 3
        np.testing.assert_allclose(tr.full_final[r], np.concatenate(end), atol=1e-12)
        assert tr.full_final[r, 2 * face : 2 * face + 2].tolist() == s[face].tolist()


_SINGULAR = """
[game]
name = "singular"
format = 2
[[population]]
name = "a"
strategies = ["p", "q"]
share = "x"
[[population]]
name = "b"
strategies = ["p", "q"]
share = "y"
[[payoff]]
profile = ["p", "p"]
a = "1 + 0.5 * (0.6 - x)**0.7"
b = "0.3 + y"
[[payoff]]
profile = ["p", "q"]
a = "1 + 0.5 * (0.6 - x)**0.7"
b = "0"
[[payoff]]
profile = ["q", "p"]
a = "0"
b = "0.3 + y"
[[payoff]]
profile = ["q", "q"]
a = "0"
b = "0"
"""


def test_a_field_that_turns_nan_ends_the_run_non_finite_after_the_steps_before_it():
    """Population a's advantage ``1 + (0.6 - x)^0.7 / 2`` is not a real number once x > 0.6, where the run is
    heading: the first step whose stages reach past 0.6 fails (the kernel does not retry a step whose error
    is not finite). Oracle: scipy's RK45 stepped by hand on the log-ratio equations; the kernel's steps are
    those scipy accepted before its first evaluation with a nan, its end state scipy's there. From x > 0.6
    the field is nan at once: no step at all. Paths requested after the failure are nan."""
    from scipy.integrate import RK45

    game = loads_model(_SINGULAR)
    starts = [(0.3, 0.4), (0.45, 0.7), (0.65, 0.4)]
    t_eval = np.array([0.0, 0.05, 30.0])
    with pytest.warns(RuntimeWarning, match="3 non-finite"):
        tr = simulate(game, np.array(starts), params={}, t_end=30.0)
    with pytest.warns(RuntimeWarning, match="3 non-finite"):
        tp = simulate(game, np.array(starts), params={}, t_end=30.0, t_eval=t_eval)
    for r, (x0, y0) in enumerate(starts):
        assert str(tr.status[r]) == "non-finite"
        if x0 > 0.6:
            assert tr.steps[r] == 0 and tr.t_stop[r] == 0.0
            np.testing.assert_allclose(tr.final[r], [x0, y0], atol=1e-15)
            np.testing.assert_allclose(tp.paths[r, 0], [x0, y0], atol=1e-15)  # t = 0 is stored before the field
            assert np.all(np.isnan(tp.paths[r, 1:]))
            continue
        sg = np.array([1.0 if x0 < 0.5 else -1.0, 1.0 if y0 < 0.5 else -1.0])  # reference: the larger share
        seen = []

        def rhs(_t, z, sg=sg, seen=seen):
            x, y = 1.0 / (1.0 + np.exp(-sg * z))
            with np.errstate(invalid="ignore"):
                da = 1.0 + 0.5 * np.power(0.6 - x, 0.7)
            db = 0.3 + y
            if not np.isfinite(da):
                seen.append(True)
            return sg * np.array([da, db])

        solver = RK45(rhs, 0.0, sg * np.log(np.array([x0, y0]) / (1 - np.array([x0, y0]))), 30.0, rtol=1e-6, atol=1e-9)
        steps = 0
        while not seen:
            t_prev, z_prev = solver.t, solver.y.copy()
            solver.step()
            if not seen:
                steps += 1
        assert steps >= 3
        assert int(tr.steps[r]) == steps
        assert tr.t_stop[r] == pytest.approx(t_prev, rel=1e-9)
        np.testing.assert_allclose(tr.final[r], 1.0 / (1.0 + np.exp(-sg * z_prev)), atol=1e-12)
        # the paths: the state at the output times before the failure, nan from there on
        assert tp.status[r] == tr.status[r] and tp.steps[r] == tr.steps[r]
        np.testing.assert_allclose(tp.paths[r, 0], [x0, y0], atol=1e-15)
        assert np.all(np.isfinite(tp.paths[r, 1])) and np.all(np.isnan(tp.paths[r, 2]))


def test_a_run_of_no_length_or_without_coordinates_is_settled_only_at_rest_or_near_a_stable_vertex():
    """``t_end = 0``: ``t_end`` when the field is within f_tol (a rest point) or the start is within NEAR_TOL
    of a stable vertex, else ``no-convergence``; a start on an unstable vertex has no coordinate at all and
    is at rest: ``t_end`` at t_end with no step."""
    g = _pennies()
    zero = simulate(g, [[0.5, 0.5], [0.3, 0.6]], params={}, t_end=0.0)
    assert [str(s) for s in zero.status] == ["t_end", "no-convergence"]
    assert zero.t_stop.tolist() == [0.0, 0.0] and zero.steps.tolist() == [0, 0]
    pd = _coordination(1.0, 2.4, 0.8, 1.6)  # (c, c) and (d, d) stable, (c, d) and (d, c) not
    near = simulate(pd, [[1 - 5e-4, 1 - 2e-4], [1 - 5e-3, 1 - 2e-4], [1.0, 0.0], [0.0, 1.0]], params={}, t_end=0.0)
    assert [str(s) for s in near.status] == ["t_end", "no-convergence", "t_end", "t_end"]
    vert = simulate(pd, [[1.0, 0.0], [0.0, 1.0]], params={}, t_end=7.0)
    assert [str(s) for s in vert.status] == ["t_end", "t_end"]
    assert vert.t_stop.tolist() == [7.0, 7.0] and vert.steps.tolist() == [0, 0]
    assert vert.final.tolist() == [[1.0, 0.0], [0.0, 1.0]]


@pytest.mark.parametrize("y_ref", [0.6, 0.75])
def test_f_tol_is_compared_with_the_replicator_field_itself(y_ref):
    """One binary population whose strategy 0 earns 1 more: the replicator field is x (1 - x) (by hand). With
    ``t_end = 0`` the verdict is the start's: ``t_end`` when max |f| = y (1 - y) <= f_tol, else
    ``no-convergence`` (tolerances 5 % either side of y (1 - y); the larger share is the reference)."""
    pops = (Population("a", ("p", "q"), ("x",)),)
    g = Game(name="lead", populations=pops, parameters=(), payoffs={("p",): (1,), ("q",): (0,)})
    f = y_ref * (1 - y_ref)
    for x0 in (y_ref, 1 - y_ref):
        below = simulate(g, [[x0]], params={}, t_end=0.0, f_tol=1.05 * f)
        above = simulate(g, [[x0]], params={}, t_end=0.0, f_tol=0.95 * f)
        assert [str(below.status[0]), str(above.status[0])] == ["t_end", "no-convergence"], x0


@pytest.mark.parametrize(("x0", "y0"), [(0.9, 0.6), (0.6, 0.9), (0.2, 0.35)])
def test_f_tol_is_compared_with_the_largest_component_of_the_field_of_every_population(x0, y0):
    """Two binary populations, strategy 0 earning 1 more in a and 2 more in b whatever the other plays: the
    field is (x (1 - x), 2 y (1 - y)) by hand; ``t_end = 0`` with f_tol 5 % either side of its largest
    component."""
    pops = (Population("a", ("p", "q"), ("x",)), Population("b", ("p", "q"), ("y",)))
    pay = {("p", "p"): (1, 2), ("p", "q"): (1, 0), ("q", "p"): (0, 2), ("q", "q"): (0, 0)}
    g = Game(name="leads", populations=pops, parameters=(), payoffs=pay)
    f = max(x0 * (1 - x0), 2 * y0 * (1 - y0))
    below = simulate(g, [[x0, y0]], params={}, t_end=0.0, f_tol=1.05 * f)
    above = simulate(g, [[x0, y0]], params={}, t_end=0.0, f_tol=0.95 * f)
    assert [str(below.status[0]), str(above.status[0])] == ["t_end", "no-convergence"]


@pytest.mark.parametrize("scale", [0.15, 0.45])
def test_extremes_of_a_slow_cycle_are_those_of_solve_ivp_events(scale):
    """Matching pennies with payoffs scaled by ``scale``: z = log(x / (1 - x)) moves as 2 scale (2 y - 1), so
    |dz/dt| < 1 everywhere; the extremes (where y = 1/2) and their times from solve_ivp events on the same
    equations at tight tolerances."""
    pops = (Population("a", ("h", "t"), ("x",)), Population("b", ("h", "t"), ("y",)))
    s = scale
    pay = {("h", "h"): (s, -s), ("h", "t"): (-s, s), ("t", "h"): (-s, s), ("t", "t"): (s, -s)}
    g = Game(name="slow_pennies", populations=pops, parameters=(), payoffs=pay)
    x0, y0 = 0.2, 0.3
    t_end = 30.0 / scale
    tr = simulate(g, [[x0, y0]], params={}, t_end=t_end, rtol=1e-10, atol=1e-12)

    def rhs(_t, z):
        x, y = 1 / (1 + np.exp(-z[0])), 1 / (1 + np.exp(-z[1]))
        return [2 * s * (2 * y - 1), -2 * s * (2 * x - 1)]

    def y_half(_t, z):
        return z[1]

    z0 = [np.log(x0 / (1 - x0)), np.log(y0 / (1 - y0))]
    sol = solve_ivp(rhs, (0, t_end), z0, rtol=1e-12, atol=1e-13, events=[y_half])
    zx, tx = sol.y_events[0][:, 0], sol.t_events[0]
    assert len(tx) >= 8
    res = tr.cycles
    np.testing.assert_allclose([res.box_lo[0, 0], res.box_hi[0, 0]], [zx.min(), zx.max()], rtol=1e-8)
    assert res.period[0] == pytest.approx(np.mean(np.diff(tx[::2])), rel=1e-8)


def test_payoffs_scaled_down_give_the_same_orbit_in_scaled_time():
    """Replicator dynamics with payoffs times ``s`` is the same orbit at time ``t s``: with ``s = 2^-60`` (payoffs
    near 1e-18, general path: a population of three strategies) the run to ``2.5 / s`` ends where the unscaled
    run to 2.5 does, within the tolerances (scipy's initial-step rule has absolute thresholds, so the steps
    differ)."""
    from test_integrate_oracles import _game, _reduced

    game, _ = _game((3, 2), 5)
    s = 2.0**-60
    small = Game(
        name="small",
        populations=game.populations,
        parameters=(),
        payoffs={k: tuple(v * s for v in vals) for k, vals in game.payoffs.items()},
    )
    starts = [[np.array([0.5, 0.3, 0.2]), np.array([0.35, 0.65])], [np.array([0.2, 0.2, 0.6]), np.array([0.7, 0.3])]]
    x0 = np.array([_reduced(st) for st in starts])
    ref = simulate(game, x0, params={}, t_end=2.5, rtol=1e-10, atol=1e-12)
    got = simulate(small, x0, params={}, t_end=2.5 / s, rtol=1e-10, atol=1e-12)
    assert np.max(np.abs(ref.final - x0)) > 0.05  # the runs move
    np.testing.assert_allclose(got.final, ref.final, atol=1e-8)
    np.testing.assert_array_equal(got.t_stop * s, ref.t_stop)


def _dense_slope(K):
    """Coefficients (constant first) of d/dtheta of scipy RK45's dense output over a step with stages ``K``."""
    from scipy.integrate._ivp.rk import RK45

    return [(k + 1) * float(K[:, 0] @ RK45.P[:, k]) for k in range(4)]


def test_an_extreme_is_the_root_of_the_dense_output_derivative_also_when_the_start_slope_is_one():
    """``kernel._locate`` with ``dz/dtheta = 1`` exactly at the step's start (and random other stages, one
    root bracketed inside the step): the root of scipy's dense-output derivative, by numpy's roots."""
    rng = np.random.default_rng(11)
    checked = 0
    while checked < 10:
        K = rng.normal(size=(7, 1))
        K[0, 0] = 1.0
        coef = _dense_slope(K)
        roots = [r.real for r in np.roots(coef[::-1]) if abs(r.imag) < 1e-12 and 0 < r.real < 1]
        if len(roots) != 1 or np.polyval(coef[::-1], 1.0) >= 0:
            continue
        th, _ = kernel._locate(K, 0, 0.5, 0.0)
        assert th == pytest.approx(roots[0], abs=1e-10)
        checked += 1


def test_an_extreme_at_the_start_of_the_step_is_located_there():
    """``dz/dtheta = 0`` exactly at the step's start and no other root in the step: the extreme is at theta = 0,
    with the step's starting value."""
    rng = np.random.default_rng(12)
    checked = 0
    while checked < 5:
        K = rng.normal(size=(7, 1))
        K[0, 0] = 0.0
        coef = _dense_slope(K)
        if any(abs(r.imag) < 1e-12 and 1e-9 < r.real <= 1 for r in np.roots(coef[::-1])):
            continue
        th, zz = kernel._locate(K, 0, 0.5, 0.3)
        assert th == 0.0 and zz == 0.3
        checked += 1
