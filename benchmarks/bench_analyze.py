"""Full analysis time of every shipped model, against a baseline run in the same process.

The baseline is the minimum a paper author does by hand with sympy: build the replicator equations,
the Jacobian, and the eigenvalues at every vertex (no faces, no interior, no conditions, no witnesses).
govgame's ``analyze`` does all of that plus every other rest point, existence conditions, exact
verdicts, ESS conditions with LP witnesses, multistability and, with values, the numeric results.

    python benchmarks/bench_analyze.py            # every shipped model, 3 repetitions
    python benchmarks/bench_analyze.py --quick    # one repetition

Targets (issue 3): a 3-population binary model in < 2 s, a 4-population model in < 10 s.
"""

from __future__ import annotations

import argparse
import itertools
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one repetition")
    args = parser.parse_args()
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
