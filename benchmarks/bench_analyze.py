"""Full analysis time of every shipped model, against a baseline run in the same process.

The baseline is the minimum a paper author does by hand with sympy: build the replicator equations,
the Jacobian, and the eigenvalues at every vertex (no faces, no interior, no conditions, no witnesses).
govgame's ``analyze`` does all of that plus every other rest point, existence conditions, exact
verdicts, ESS conditions with LP witnesses, multistability and, with values, the numeric results.

    python benchmarks/bench_analyze.py            # every shipped model, 3 repetitions
    python benchmarks/bench_analyze.py --quick    # one repetition
    python benchmarks/bench_analyze.py --speed [--runs 7] [--pynamo]   # one model, first and repeated calls

``--speed`` (issue 9.8 / 10.6) times the full symbolic analysis of one model (``--model``, default
battery_recycling): the first call in a fresh process (what the command pays), repeated calls in one
process, and the command ``govgame analyze MODEL`` itself, each as minimum and median of ``--runs``
runs, in wall time and CPU time (user + system; the figure to compare on a shared machine), with
bare ``python -c pass`` as the baseline. ``--pynamo`` adds pyNamo-EGT's ``analyze_equilibria`` on the
same model at its default values (numeric rest points and stability only) and the ratio.

Targets (issue 3): a 3-population binary model in < 2 s, a 4-population model in < 10 s.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import statistics
import subprocess
import sys
import time

import sympy

from govgame.analysis.dynamics import replicator
from govgame.analysis.pipeline import analyze
from govgame.model.loader import load_model
from govgame.model.shipped import shipped_models


def baseline(game) -> None:
    """Replicator equations, Jacobian and vertex eigenvalues by plain sympy (what authors do by hand)."""
    dyn = replicator(game)
    J = sympy.Matrix(dyn.rhs).jacobian(sympy.Matrix(dyn.state))
    for values in itertools.product((0, 1), repeat=len(dyn.state)):
        J.subs(dict(zip(dyn.state, values))).eigenvals()


def best_of(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


_CHILD = """
import json, sys, time
w0, c0 = time.perf_counter(), time.process_time()
from govgame import analyze, load_model
game = load_model(sys.argv[1])
w1, c1 = time.perf_counter(), time.process_time()
analyze(game)
w2, c2 = time.perf_counter(), time.process_time()
print(json.dumps({"import_wall": w1 - w0, "import_cpu": c1 - c0, "first_wall": w2 - w1, "first_cpu": c2 - c1}))
"""


def _child_run(argv: list[str]) -> tuple[float, float, str]:
    """Wall and CPU (user + system of the child) time of a fresh process, and its output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    out = subprocess.run(argv, check=True, capture_output=True, text=True).stdout
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), out


def _stats(xs) -> str:
    return f"{min(xs):7.3f} {statistics.median(xs):7.3f}"


def speed(model: str, runs: int, with_pynamo: bool) -> None:
    """First call in a fresh process, repeated calls, the command; min and median, wall and CPU."""
    import govgame

    tree = os.path.dirname(os.path.dirname(os.path.abspath(govgame.__file__)))
    py = sys.executable
    _child_run([py, "-c", "pass"])  # warm the file cache
    bare = [_child_run([py, "-c", "pass"]) for _ in range(runs)]
    fresh = [json.loads(_child_run([py, "-c", _CHILD, model])[2]) for _ in range(runs)]
    command = [_child_run([py, "-m", "govgame", "analyze", model])[:2] for _ in range(runs)]
    game = load_model(model)
    analyze(game)
    walls, cpus = [], []
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        analyze(game)
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    print(f"{model}, {runs} runs each; load average {os.getloadavg()[0]:.1f} (govgame from {tree})")
    print(f"{'':48} {'wall min':>7} {'median':>7} {'cpu min':>7} {'median':>7}")
    print(f"{'python -c pass':48} {_stats([w for w, _, _ in bare])} {_stats([c for _, c, _ in bare])}")
    print(
        f"{'import govgame + load_model (fresh process)':48} {_stats([f['import_wall'] for f in fresh])} "
        f"{_stats([f['import_cpu'] for f in fresh])}"
    )
    print(
        f"{'analyze, first call in a fresh process':48} {_stats([f['first_wall'] for f in fresh])} "
        f"{_stats([f['first_cpu'] for f in fresh])}"
    )
    print(f"{'analyze, repeated calls in one process':48} {_stats(walls)} {_stats(cpus)}")
    print(
        f"{'govgame analyze ' + model + ' (command)':48} {_stats([w for w, _ in command])} "
        f"{_stats([c for _, c in command])}"
    )
    if with_pynamo:
        import warnings

        import numpy as np
        import pynamo_egt as pn
        from pynamo_egt.analysis import analyze_equilibria

        from govgame.analysis.dynamics import numeric_payoffs

        tensors = tuple(np.asarray(t, dtype=float) for t in numeric_payoffs(game, game.values()))
        pg = pn.Game(model, tensors)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            analyze_equilibria(pg)
            c = time.process_time()
            analyze_equilibria(pg)
            t_py = time.process_time() - c
        print(
            f"{'pyNamo-EGT analyze_equilibria (numeric), cpu':48} {t_py:7.3f}; full symbolic analysis / pyNamo "
            f"= {min(cpus) / t_py:.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one repetition")
    parser.add_argument("--speed", action="store_true", help="first and repeated calls and the command, one model")
    parser.add_argument("--model", default="battery_recycling")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--pynamo", action="store_true", help="with --speed: pyNamo-EGT on the same model")
    args = parser.parse_args()
    if args.speed:
        speed(args.model, args.runs, args.pynamo)
        return
    repeat = 1 if args.quick else 3
    analyze(load_model("battery_recycling"))  # warm imports (scipy.optimize, ...) outside the timings
    print(
        f"{'model':<24} {'pops':>4} {'state':>5} {'analyze (s)':>12} {'numeric only (s)':>17} "
        f"{'baseline (s)':>13} {'ratio':>6} {'rest points':>11}"
    )
    for name, _title, _path in shipped_models():
        game = load_model(name)
        binary_vertices = all(p.k == 2 for p in game.populations)
        t_full = best_of(lambda g=game: analyze(g), repeat)
        t_num = best_of(lambda g=game: analyze(g, symbolic=False), repeat)
        t_base = best_of(lambda g=game: baseline(g), repeat) if binary_vertices else float("nan")
        n = len(analyze(game).equilibria)
        print(
            f"{name:<24} {len(game.populations):>4} {len(game.state_names):>5} {t_full:>12.2f} {t_num:>17.2f} "
            f"{t_base:>13.2f} {t_full / t_base:>6.1f} {n:>11}"
        )


if __name__ == "__main__":
    main()
