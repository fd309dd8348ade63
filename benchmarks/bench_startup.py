"""Start-up of the command: fresh processes, minimum and median of repeated runs, against bare Python.

    python benchmarks/bench_startup.py            # 15 runs of each command
    python benchmarks/bench_startup.py --runs 5

Each command runs in a fresh interpreter (what a user pays per command); CPU time is the
children's user + system time from ``resource.getrusage``, wall time ``time.perf_counter``. The
baseline is ``python -c pass`` in the same run, so the ratios hold on a busy machine too.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time

COMMANDS = {
    "python -c pass (baseline)": [sys.executable, "-c", "pass"],
    "python -c 'import govgame'": [sys.executable, "-c", "import govgame"],
    "govgame models": [sys.executable, "-m", "govgame", "models"],
    "govgame analyze battery_recycling": [sys.executable, "-m", "govgame", "analyze", "battery_recycling"],
}


def run(argv: list[str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()
    results = {}
    for name, argv in COMMANDS.items():
        run(argv)  # warm the file cache (and numba's on-disk cache)
        samples = [run(argv) for _ in range(args.runs)]
        results[name] = samples
    base_cpu = statistics.median(c for _, c in results["python -c pass (baseline)"])
    print(f"{'command':36} {'wall min':>9} {'wall med':>9} {'cpu min':>8} {'cpu med':>8} {'cpu med / baseline':>19}")
    for name, samples in results.items():
        walls = [w for w, _ in samples]
        cpus = [c for _, c in samples]
        print(
            f"{name:36} {min(walls):9.3f} {statistics.median(walls):9.3f} {min(cpus):8.3f} "
            f"{statistics.median(cpus):8.3f} {statistics.median(cpus) / base_cpu:19.2f}"
        )


if __name__ == "__main__":
    main()
