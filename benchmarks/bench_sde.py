"""Stochastic-dynamics benchmarks: govgame's compiled SDE kernel against the numpy loop paper authors write.

Run ``python benchmarks/bench_sde.py`` (a few minutes) or ``--quick`` (a smoke run). Prints, in one run,
on the shipped model ``battery_recycling`` (three binary populations), tangent noise sigma = 0.5,
dt = 0.01, t_end = 100 (10^4 steps):

(a) 10^4 paths x 10^4 steps: wall time of ``simulate_sde`` (Milstein and Euler–Maruyama, all threads
    and one thread) and the ratio of time per path-step against a plain numpy Euler–Maruyama loop in the
    same process (vectorised over the paths, right-hand side from ``sympy.lambdify``, numpy's default
    generator), timed on the same paths for a tenth of the steps and scaled, and against the plain
    Python loop (one path and one step at a time) many papers' code is, timed on 20 paths x 1000 steps;
(b) peak resident memory of (a) (statistics accumulated in the kernel; no paths kept);
(c) sampled paths: the same run keeping 101 times of every path;
(d) start-up: a fresh process's import and first call (numba's on-disk cache), and the one-time
    compilation with an empty cache.
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


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def numpy_loop(game, params, x0, sigma, dt, steps, paths, seed=1):
    """What a paper's code does: lambdify the replicator equations, loop over the steps, vectorised over paths."""
    import sympy

    from govgame.analysis.dynamics import replicator

    dyn = replicator(game)
    rhs = [sympy.sympify(e).subs(game.subs_map(params)) for e in dyn.rhs]
    f = sympy.lambdify(dyn.state, rhs, modules="numpy")
    rng = np.random.default_rng(seed)
    X = [np.full(paths, float(v)) for v in x0]
    sq = np.sqrt(dt)
    t0 = time.perf_counter()
    for _ in range(steps):
        F = f(*X)
        dW = rng.standard_normal((len(X), paths)) * sq
        X = [x + fx * dt + sigma * x * (1 - x) * w for x, fx, w in zip(X, F, dW)]
    return time.perf_counter() - t0, np.array(X).T


def python_loop(game, params, x0, sigma, dt, steps, paths, seed=1):
    """The hand-written loop of many papers: one path at a time, one step at a time, in plain Python."""
    import math
    import random

    import sympy

    from govgame.analysis.dynamics import replicator

    dyn = replicator(game)
    rhs = [sympy.sympify(e).subs(game.subs_map(params)) for e in dyn.rhs]
    f = sympy.lambdify(dyn.state, rhs, modules="math")
    rnd = random.Random(seed)
    sq = math.sqrt(dt)
    t0 = time.perf_counter()
    for _ in range(paths):
        X = [float(v) for v in x0]
        for _ in range(steps):
            F = f(*X)
            X = [x + fx * dt + sigma * x * (1 - x) * sq * rnd.gauss(0.0, 1.0) for x, fx in zip(X, F)]
    return time.perf_counter() - t0


def startup(quick: bool) -> None:
    code = (
        "import time; t0 = time.perf_counter(); from govgame.numerics import sde as _sde; from govgame.model.loader import load_model; "
        "g = load_model('battery_recycling'); t1 = time.perf_counter(); "
        "_sde.simulate_sde(g, [[0.5, 0.5, 0.5]], params=g.values(), sigma=0.5, t_end=1.0, paths=10); "
        "t2 = time.perf_counter(); "
        "_sde.simulate_sde(g, [[0.5, 0.5, 0.5]], params=g.values(), sigma=0.5, t_end=1.0, paths=10); "
        "t3 = time.perf_counter(); print(f'{t1 - t0:.2f} {t2 - t1:.2f} {t3 - t2:.4f}')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    print(f"(d) start-up, fresh process: import + load model {out[0]} s; first call (loads the cached kernel)")
    print(f"    {out[1]} s; second call {float(out[2]) * 1e3:.1f} ms")
    if quick:
        return
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, NUMBA_CACHE_DIR=tmp)
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
        ).stdout.split()
    print(f"    one-time compilation with an empty cache (first call ever): {out[1]} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="smoke run: 10^3 paths")
    args = ap.parse_args()

    import numba

    from govgame.model.loader import load_model
    from govgame.numerics import sde as _sde

    game = load_model("battery_recycling")
    params = game.values()
    x0 = [0.5, 0.5, 0.5]
    sigma, dt, t_end = 0.5, 0.01, 100.0
    steps = int(round(t_end / dt))
    paths = 1_000 if args.quick else 10_000
    threads = numba.get_num_threads()
    print(f"battery_recycling, tangent noise sigma = {sigma}, dt = {dt}, {steps} steps, {paths} paths, ")
    print(f"{threads} numba threads, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")

    _sde.warm()
    base_rss = rss_mb()
    base_steps = steps // 10
    t_np, _ = numpy_loop(game, params, x0, sigma, dt, base_steps, paths)
    per_np = t_np / (paths * base_steps)
    print(f"numpy Euler–Maruyama loop: {t_np:.2f} s for {base_steps} steps ({per_np * 1e9:.1f} ns per path-step)")
    t_py = python_loop(game, params, x0, sigma, dt, 1000, 20)
    per_py = t_py / (20 * 1000)
    print(f"plain Python loop (one path at a time): {per_py * 1e9:.0f} ns per path-step (20 paths x 1000 steps)")

    rows = []
    for scheme in ("milstein", "euler"):
        for nthreads in sorted({threads, 1}, reverse=True):
            numba.set_num_threads(nthreads)
            t0 = time.perf_counter()
            ens = _sde.simulate_sde(
                game, [x0], params=params, sigma=sigma, dt=dt, t_end=t_end, paths=paths, scheme=scheme
            )
            el = time.perf_counter() - t0
            per = el / (paths * steps)
            rows.append((scheme, nthreads, el, per))
            probs = ", ".join(f"{k} {v:.3f}" for k, v in ens.probabilities()[0].items())
            print(
                f"(a) {scheme:8s} {nthreads} thread(s): {el:6.2f} s ({per * 1e9:5.1f} ns per path-step), "
                f"{per_np / per:5.1f}x the numpy loop, {per_py / per:5.0f}x the Python loop; ends: {probs}"
            )
    numba.set_num_threads(threads)
    print(f"(b) peak RSS {rss_mb():.0f} MB ({base_rss:.0f} MB before the runs)")
    t0 = time.perf_counter()
    ens = _sde.simulate_sde(
        game, [x0], params=params, sigma=sigma, dt=dt, t_end=t_end, paths=paths, t_eval=np.linspace(0, t_end, 101)
    )
    el = time.perf_counter() - t0
    print(f"(c) with 101 sampled times per path: {el:.2f} s; samples {ens.samples.nbytes / 1e6:.0f} MB; ")
    print(f"    peak RSS {rss_mb():.0f} MB")
    startup(args.quick)


if __name__ == "__main__":
    main()
