"""Simulation benchmarks: govgame's compiled kernel against the loop paper authors write.

Run ``python benchmarks/bench_simulate.py`` (a few minutes) or ``--quick`` (a smoke run).
Prints, in one run:

(a) trajectories per second of ``govgame.simulate`` vs a Python loop of
    ``scipy.integrate.solve_ivp(method="RK45", rtol=1e-6)`` with the right-hand side from
    ``sympy.lambdify`` (timed on a subset and scaled), and the largest difference between
    their final states; shipped model ``battery_recycling``, ``t_end = 50``;
(b) wall time and peak memory for 10^6 trajectories;
(c) wall time of a 100 x 100 region map (``govgame.sweep``) with 27 starts per cell;
(d) start-up: a fresh process's import and first call (on-disk kernel cache), and the
    one-time compilation with an empty cache;
(e) a state-dependent model: the same game with a dynamic penalty, the fine ``F_e`` replaced by
    ``F_e * (1 - y)`` (it falls as formal recycling spreads), through the payoff-program
    interpreter, against the same loop on the state-dependent replicator equations.

Every ratio is measured in this process against a baseline run in this process, and the answers
are matched: the largest difference of final states to a tight reference (DOP853, rtol 1e-12,
in log-ratio coordinates) is printed for govgame and for the loop.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time

import numpy as np

clock = time.perf_counter  # --cpu: time.process_time with one thread (robust to other work on the machine)


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def load_game():
    from govgame.model.loader import load_model

    game = load_model("battery_recycling")
    return game, game.values()


def loop_baseline(game, params, X, t_end):
    """What a paper's code does: lambdify the replicator equations, call solve_ivp once per start."""
    import sympy
    from scipy.integrate import solve_ivp

    from govgame.analysis.dynamics import replicator

    dyn = replicator(game)
    rhs = [sympy.sympify(e).subs(game.subs_map(params)) for e in dyn.rhs]
    f = sympy.lambdify([sympy.Symbol("t"), dyn.state], rhs, modules="numpy")
    finals = []
    t0 = clock()
    for x in X:
        sol = solve_ivp(f, (0.0, t_end), x, method="RK45", rtol=1e-6)
        finals.append(sol.y[:, -1])
    return clock() - t0, np.array(finals)


def dynamic_penalty(game):
    """The payoffs with F_e -> F_e * (1 - y): sympy expressions in the parameters and the shares."""
    F = game.parameter("F_e").symbol
    y = game.state_symbols[1]
    return {pr: tuple(v.subs(F, F * (1 - y)) for v in vals) for pr, vals in game.payoffs.items()}


def dynamic_rhs(game, payoffs):
    """The replicator equations of state-dependent payoffs, written out in sympy (what authors do)."""
    import itertools

    import sympy

    pops = game.populations
    full = [p.full_shares for p in pops]
    rhs = []
    for pi, pop in enumerate(pops):
        u = []
        for si in range(2):
            total = sympy.Integer(0)
            for idx in itertools.product(range(2), repeat=len(pops)):
                if idx[pi] != si:
                    continue
                w = sympy.Integer(1)
                for qi, qj in enumerate(idx):
                    if qi != pi:
                        w *= full[qi][qj]
                total += payoffs[tuple(q.strategies[j] for q, j in zip(pops, idx))][pi] * w
            u.append(total)
        x = pop.share_symbols[0]
        rhs.append(x * (1 - x) * (u[0] - u[1]))
    return rhs


def state_dependent(game, params, X, t_end, n_loop):
    """(e): govgame's kernel with the payoff program vs the loop, on the dynamic-penalty game."""
    import sympy
    from scipy.integrate import solve_ivp

    from govgame.analysis.dynamics import parameter_vector
    from govgame.model.program import compile_program, full_share_symbols
    from govgame.numerics import kernel as _kernel
    from govgame.numerics.coordinates import to_full, to_reduced

    payoffs = dynamic_penalty(game)
    P = len(game.populations)
    diffs = []
    for p in range(P):
        for rest in np.ndindex(*([2] * (P - 1))):
            hi = [
                game.populations[q].strategies[rest[q - (q > p)]] if q != p else game.populations[p].strategies[0]
                for q in range(P)
            ]
            lo = list(hi)
            lo[p] = game.populations[p].strategies[1]
            diffs.append(payoffs[tuple(hi)][p] - payoffs[tuple(lo)][p])
    prog = compile_program(diffs, params=game.parameter_symbols, shares=full_share_symbols(game))
    regs = _kernel.payoff_registers(prog, parameter_vector(game, params)[None, :])
    table = compile_program(
        [v for pr in game.profiles for v in payoffs[pr]], params=game.parameter_symbols, shares=full_share_symbols(game)
    )
    J = 2**P
    pay = np.zeros((1, P, J))
    stable = _kernel.stable_vertices_at(table, parameter_vector(game, params)[None, :], game.shape)
    offs = np.arange(0, 2 * P + 1, 2)
    Y0 = to_full(game, X)
    _kernel.integrate_runs(pay, offs, stable, Y0[:10], t_end=t_end, program=prog, registers=regs)
    t0 = clock()
    res = _kernel.integrate_runs(pay, offs, stable, Y0, t_end=t_end, program=prog, registers=regs)
    fast = clock() - t0
    rhs = [e.subs(game.subs_map(params)) for e in dynamic_rhs(game, payoffs)]
    f = sympy.lambdify([sympy.Symbol("t"), list(game.state_symbols)], rhs, modules="numpy")
    loop = []
    t0 = clock()
    for x in X[:n_loop]:
        loop.append(solve_ivp(f, (0.0, t_end), x, method="RK45", rtol=1e-6).y[:, -1])
    slow = clock() - t0
    ref = tight_reference(differences_function(game, params, payoffs), X[:n_loop], t_end)
    got = to_reduced(game, res.final[:n_loop])
    per_fast, per_loop = fast / len(X), slow / n_loop
    print(
        f"(e) state-dependent (F_e -> F_e (1 - y)): govgame {per_fast * 1e6:.1f} us/run, loop {per_loop * 1e3:.2f} ms/run"
    )
    print(
        f"    ratio: {per_loop / per_fast:,.0f}x   largest |difference| to the tight reference: govgame "
        f"{np.max(np.abs(got - ref)):.1e}, loop {np.max(np.abs(np.array(loop) - ref)):.1e}; mean steps {res.steps.mean():.1f}\n"
    )


def tight_reference(differences, X, t_end):
    """DOP853 at rtol = atol = 1e-12 in log-ratio coordinates: the answer both sides must match.

    ``differences(x)`` gives each binary population's payoff difference at the shares ``x``;
    in log-ratio coordinates ``z = log(x / (1 - x))`` the replicator equation is ``dz/dt = D(x)``.
    """
    from scipy.integrate import solve_ivp

    def g(t, z):
        return np.asarray(differences(1.0 / (1.0 + np.exp(-z))), dtype=float)

    out = []
    for x in X:
        sol = solve_ivp(g, (0.0, t_end), np.log(x / (1.0 - x)), method="DOP853", rtol=1e-12, atol=1e-12)
        out.append(1.0 / (1.0 + np.exp(-sol.y[:, -1])))
    return np.array(out)


def differences_function(game, params, payoffs=None):
    """The payoff differences of a binary game as a numpy function of the shares (sympy, lambdified)."""
    import sympy

    rhs = dynamic_rhs(game, payoffs if payoffs is not None else game.payoffs)
    diffs = []
    for e, s in zip(rhs, game.state_symbols):
        diffs.append(sympy.cancel(e.subs(game.subs_map(params)) / (s * (1 - s))))
    return sympy.lambdify([list(game.state_symbols)], diffs, modules="numpy")


def startup(quick: bool) -> None:
    code = (
        "import time; t0 = time.perf_counter(); import govgame.numerics.integrate as s; from govgame.model.loader import load_model; "
        "g = load_model('battery_recycling'); t1 = time.perf_counter(); "
        "c1 = time.process_time(); s.simulate(g, [[0.3, 0.3, 0.3]], params=g.values(), t_end=50.0); t2 = time.perf_counter(); "
        "c2 = time.process_time(); "
        "s.simulate(g, [[0.3, 0.3, 0.3]], params=g.values(), t_end=50.0); t3 = time.perf_counter(); "
        "print(f'{t1 - t0:.2f} {t2 - t1:.2f} {t3 - t2:.4f} {c2 - c1:.2f}')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    print(f"(d) start-up, fresh process: import + load model {out[0]} s; first simulate call (loads the cached")
    print(f"    kernel) {out[1]} s; second call {float(out[2]) * 1e3:.1f} ms")
    if quick:
        return
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, NUMBA_CACHE_DIR=tmp)
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
        ).stdout.split()
    print(f"    one-time compilation with an empty cache (first call ever): {out[1]} s wall, {out[3]} s CPU")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small sizes, a smoke run")
    ap.add_argument("--runs", type=int, help="govgame runs in (a) and (e) (default 100,000; --quick 2,000)")
    ap.add_argument("--loop-runs", type=int, help="loop runs in (a) and (e) (default 200; --quick 20)")
    ap.add_argument(
        "--cpu", action="store_true", help="one thread, CPU time of this process (for a machine shared with other work)"
    )
    ap.add_argument("--only", default="abcde", help="the figures to measure, e.g. 'ae' (default: all)")
    args = ap.parse_args()
    quick = args.quick
    only = set(args.only)

    import numba

    global clock
    if args.cpu:
        numba.set_num_threads(1)
        clock = time.process_time

    from govgame.numerics import kernel as _kernel
    from govgame.numerics.integrate import simulate
    from govgame.numerics.sweep import sweep

    t0 = clock()
    _kernel.warm()
    warm = clock() - t0
    game, params = load_game()
    t_end = 50.0
    rng = np.random.default_rng(2024)
    print(
        f"model battery_recycling (3 binary populations), t_end = {t_end:g}; numba threads: {numba.get_num_threads()},"
    )
    print(
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (other work on the machine slows every figure)"
    )
    print(f"kernel ready in {warm:.2f} s in this process (cache load)\n")

    # (a) throughput vs the loop
    n_fast = args.runs or (2_000 if quick else 100_000)
    n_loop = args.loop_runs or (20 if quick else 200)
    X = rng.uniform(0.0, 1.0, size=(n_fast, 3))
    if "a" in only:
        figure_a(game, params, X, n_loop, t_end, simulate)
    if "b" in only:
        figure_b(game, params, rng, quick, t_end, simulate)
    if "c" in only:
        figure_c(game, params, quick, sweep)
    if "e" in only:
        state_dependent(game, params, X, t_end, n_loop)
    if "d" in only:
        startup(quick)


def figure_a(game, params, X, n_loop, t_end, simulate):
    n_fast = len(X)
    simulate(game, X[:10], params=params, t_end=t_end)  # payoff function compiled, kernel loaded
    t0 = clock()
    tr = simulate(game, X, params=params, t_end=t_end)
    fast = clock() - t0
    loop_time, loop_final = loop_baseline(game, params, X[:n_loop], t_end)
    per_fast = fast / n_fast
    per_loop = loop_time / n_loop
    diff = np.max(np.abs(loop_final - tr.final[:n_loop]))
    counts = dict(zip(*np.unique(tr.status, return_counts=True)))
    print(
        f"(a) govgame.simulate: {n_fast} runs in {fast:.2f} s = {per_fast * 1e6:.1f} us/run ({1 / per_fast:,.0f} runs/s)"
    )
    print(f"    statuses: {', '.join(f'{k} {v}' for k, v in counts.items())}; mean stop time {tr.t_stop.mean():.1f}")
    print(
        f"    solve_ivp loop: {n_loop} runs in {loop_time:.2f} s = {per_loop * 1e3:.2f} ms/run ({1 / per_loop:,.0f} runs/s)"
    )
    ref = tight_reference(differences_function(game, params), X[:n_loop], t_end)
    print(f"    ratio: {per_loop / per_fast:,.0f}x   largest |difference| of final states: {diff:.1e}")
    print(
        f"    largest |difference| to the tight reference: govgame {np.max(np.abs(tr.final[:n_loop] - ref)):.1e}, "
        f"loop {np.max(np.abs(loop_final - ref)):.1e}; govgame's mean steps per run "
        f"{np.mean(tr.steps) if hasattr(tr, 'steps') else float('nan'):.1f} (loop: scipy's default atol 1e-6)\n"
    )


def figure_b(game, params, rng, quick, t_end, simulate):
    n_big = 100_000 if quick else 1_000_000
    before = rss_mb()
    Xb = rng.uniform(0.0, 1.0, size=(n_big, 3))
    t0 = clock()
    big = simulate(game, Xb, params=params, t_end=t_end)
    wall = clock() - t0
    peak = rss_mb()
    print(f"(b) {n_big:,} trajectories: {wall:.1f} s ({wall / n_big * 1e6:.1f} us/run); peak RSS {peak:.0f} MB")
    print(
        f"    (process before the call {before:.0f} MB; inputs + results {Xb.nbytes * 2 / 2**20 + big.t_stop.nbytes / 2**20:.0f} MB)\n"
    )
    del big, Xb


def figure_c(game, params, quick, sweep):
    side = 10 if quick else 100
    vary = {"S_e": np.linspace(0.0, 3.0, side), "F_e": np.linspace(0.0, 6.0, side)}
    t0 = clock()
    res = sweep(game, vary, params=params, grid=3, progress=False)
    wall = clock() - t0
    outcomes = dict(zip(*np.unique(res.outcome_grid().ravel().astype(str), return_counts=True)))
    print(f"(c) {side}x{side} region map, 27 starts per cell, t_end 100: {wall:.1f} s")
    print(f"    cells by main outcome: {outcomes}\n")


if __name__ == "__main__":
    main()
