"""govgame's numeric-only analysis against pyNamo-EGT on the same 3-population scenario, side by side.

Both find every rest point of the replicator dynamics of a three-population binary game at fixed
parameter values and classify its stability. pyNamo-EGT takes the game as three (2, 2, 2) payoff
tensors indexed [player-1 strategy, player-2 strategy, player-3 strategy] (its "3Pop2S" class), which
is exactly what ``govgame.analysis.dynamics.numeric_payoffs`` returns.

    pip install --ignore-requires-python pynamo-egt==0.3.4    # not part of the test extra
    python benchmarks/bench_pynamo.py                          # every scenario of the binary shipped models
    python benchmarks/bench_pynamo.py --quick

Each figure is the best of several repetitions in this process, timed alternately.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np

from govgame.analysis.dynamics import numeric_payoffs
from govgame.analysis.pipeline import analyze
from govgame.model.loader import load_model, shipped_models


def best_of(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--model", help="only this shipped model")
    args = parser.parse_args()
    repeat = 2 if args.quick else 5
    import pynamo_egt as pn
    from pynamo_egt.analysis import analyze_equilibria

    print(f"{'model / scenario':<40} {'pyNamo (s)':>10} {'govgame numeric (s)':>20} {'ratio':>6} {'rest points':>12}")
    for name, _t, _p in shipped_models():
        game = load_model(name)
        if game.shape != (2, 2, 2) or (args.model and name != args.model):
            continue
        for scenario in [None, *(s.name for s in game.scenarios)]:
            values = game.values(scenario)
            tensors = tuple(np.asarray(t, dtype=float) for t in numeric_payoffs(game, values))
            pg = pn.Game(f"{name}", tensors)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                analyze_equilibria(pg)  # warm-up
                analyze(game, params=values, symbolic=False)
                t_py = best_of(lambda pg=pg: analyze_equilibria(pg), repeat)
                t_gg = best_of(lambda g=game, v=values: analyze(g, params=v, symbolic=False), repeat)
                n_py = len(analyze_equilibria(pg).equilibria)
                n_gg = len(analyze(game, params=values, symbolic=False).equilibria)
            label = f"{name} / {scenario or 'defaults'}"
            print(f"{label:<40} {t_py:>10.3f} {t_gg:>20.3f} {t_gg / t_py:>6.2f} {n_py:>5} / {n_gg:<5}")


if __name__ == "__main__":
    main()
