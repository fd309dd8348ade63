"""Start-up of the command: fresh processes, minimum and median of repeated runs, against bare Python.

    python benchmarks/bench_startup.py                       # 15 runs of each command, this tree
    python benchmarks/bench_startup.py --runs 5
    python benchmarks/bench_startup.py --tree /path/to/old/checkout --tree .   # before / after

Each command runs in a fresh interpreter (what a user pays per command); CPU time is the
children's user + system time from ``resource.getrusage``, wall time ``time.perf_counter``. The
baseline is ``python -c pass`` in the same run, so the ratios hold on a busy machine too. With
several ``--tree`` options each command runs with ``PYTHONPATH`` set to each tree in turn (A B A B
...), so a drift of the machine's speed affects both alike; the children run in an empty directory
(``python -m`` puts the working directory first on the path, which would shadow ``PYTHONPATH``). The load average is printed before and
after: on a shared machine, compare CPU times and ratios, not wall times.

Bytecode: an installed package has its ``.pyc`` files; a checkout run with
``PYTHONDONTWRITEBYTECODE`` set would compile every govgame module in every run. The children
therefore write and reuse bytecode in a temporary ``PYTHONPYCACHEPREFIX`` (nothing is written into
the tree), unless ``--compile`` asks to measure the compilation too.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

COMMANDS = {
    "python -c pass (baseline)": ["-c", "pass"],
    "python -c 'import govgame'": ["-c", "import govgame"],
    "govgame models": ["-m", "govgame", "models"],
    "govgame analyze battery_recycling": ["-m", "govgame", "analyze", "battery_recycling"],
}


def run(argv: list[str], env: dict, cwd: str) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, *argv], check=True, stdout=subprocess.DEVNULL, env=env, cwd=cwd)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def environment(tree: str | None, cache: str | None) -> dict:
    env = dict(os.environ)
    if tree is not None:
        env["PYTHONPATH"] = os.path.abspath(tree)
    if cache is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = cache
    return env


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--tree", action="append", help="run with PYTHONPATH=TREE (repeat to compare trees)")
    ap.add_argument("--compile", action="store_true", help="no bytecode cache: count compiling govgame too")
    args = ap.parse_args()
    trees = args.tree or [None]
    with tempfile.TemporaryDirectory() as tmp:
        envs = {
            tree: environment(tree, None if args.compile else os.path.join(tmp, str(k))) for k, tree in enumerate(trees)
        }
        print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        results: dict = {}
        for name, argv in COMMANDS.items():
            for tree in trees:
                run(argv, envs[tree], tmp)  # warm the file cache and the bytecode
            for _ in range(args.runs):
                for tree in trees:
                    results.setdefault((name, tree), []).append(run(argv, envs[tree], tmp))
        print(f"load average after:  {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for tree in trees:
        if tree is not None:
            print(f"\ntree {tree}")
        base_cpu = statistics.median(c for _, c in results[("python -c pass (baseline)", tree)])
        print(
            f"{'command':36} {'wall min':>9} {'wall med':>9} {'cpu min':>8} {'cpu med':>8} {'cpu med / baseline':>19}"
        )
        for name in COMMANDS:
            samples = results[(name, tree)]
            walls = [w for w, _ in samples]
            cpus = [c for _, c in samples]
            print(
                f"{name:36} {min(walls):9.3f} {statistics.median(walls):9.3f} {min(cpus):8.3f} "
                f"{statistics.median(cpus):8.3f} {statistics.median(cpus) / base_cpu:19.2f}"
            )


if __name__ == "__main__":
    main()
