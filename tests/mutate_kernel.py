"""Operator-swap mutants of the numba-compiled functions of ``govgame/numerics/kernel.py`` (tests/README.md).

mutmut skips decorated functions, so the ``@njit`` kernel is mutated here instead: each mutant changes one
token of an ``@njit`` function's body (a comparison, an arithmetic or augmented-assignment operator, ``and`` /
``or``, ``True`` / ``False``, ``break``, ``min`` / ``max``, ``abs`` removed, an integer ``n -> n + 1``, a float
``c -> 2 c``). The mutant is written into a copy of the repository and the selected tests run there with
``NUMBA_DISABLE_JIT=1`` (the kernel as plain Python: no compilation per mutant). Not part of the test suite.

Usage, from the repository root::

    python tests/mutate_kernel.py --sample 100 --seed 1 --work /tmp/kmut -- tests/test_kernel_oracles.py ...
    python tests/mutate_kernel.py --ids 12,40 --work /tmp/kmut -- ...     # re-run chosen mutants

One JSON line per mutant (id, function, line, old and new token, killed / survived / timeout) on stdout.
"""

from __future__ import annotations

import argparse
import ast
import io
import json
import os
import random
import shutil
import subprocess
import sys
import time
import tokenize

SWAP = {
    "<": "<=", "<=": "<", ">": ">=", ">=": ">", "==": "!=", "!=": "==", "+": "-", "-": "+", "*": "/", "/": "*",
    "//": "/", "%": "//", "+=": "-=", "-=": "+=", "*=": "/=", "/=": "*=", "and": "or", "or": "and",
    "True": "False", "False": "True", "break": "continue", "min": "max", "max": "min", "abs": "",
}  # fmt: skip


def mutants(text: str) -> list[dict]:
    """Every single-token mutant inside the bodies (docstrings excluded) of the ``@njit`` functions."""
    ranges = []
    for node in ast.parse(text).body:
        if isinstance(node, ast.FunctionDef) and any("njit" in ast.unparse(d) for d in node.decorator_list):
            first = node.body[0]
            doc = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
            ranges.append((node.name, first.end_lineno + 1 if doc else first.lineno, node.end_lineno))
    offsets = [0]
    for line in text.splitlines(keepends=True):
        offsets.append(offsets[-1] + len(line))
    out = []
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        row = tok.start[0]
        fn = next((n for n, a, b in ranges if a <= row <= b), None)
        if fn is None:
            continue
        new = None
        if tok.type in (tokenize.OP, tokenize.NAME) and tok.string in SWAP:
            new = SWAP[tok.string]
        elif tok.type == tokenize.NUMBER:
            v = ast.literal_eval(tok.string)
            new = str(v + 1) if isinstance(v, int) else (repr(v * 2) if v else "1.0")
        if new is not None:
            a = offsets[row - 1] + tok.start[1]
            b = offsets[tok.end[0] - 1] + tok.end[1]
            out.append({"id": len(out), "fn": fn, "line": row, "old": tok.string, "new": new, "a": a, "b": b})
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sample", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--ids", default="")
    ap.add_argument("--work", required=True)
    ap.add_argument("--timeout", type=float, default=150.0)
    ap.add_argument("pytest_args", nargs="*")
    args = ap.parse_args()
    repo = os.getcwd()
    text = open(os.path.join(repo, "govgame/numerics/kernel.py")).read()
    ms = mutants(text)
    print(f"# {len(ms)} mutants", file=sys.stderr)
    if args.ids:
        chosen = [int(v) for v in args.ids.split(",")]
    else:
        chosen = sorted(random.Random(args.seed).sample(range(len(ms)), min(args.sample, len(ms))))
    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    for item in ("govgame", "tests", "models", "conftest.py", "pyproject.toml"):
        src = os.path.join(repo, item)
        if os.path.isdir(src):
            shutil.copytree(src, os.path.join(args.work, item), ignore=shutil.ignore_patterns("__pycache__"))
        elif os.path.exists(src):
            shutil.copy(src, args.work)
    env = dict(os.environ, NUMBA_DISABLE_JIT="1", PYTHONPATH=args.work, CI="true")
    target = os.path.join(args.work, "govgame/numerics/kernel.py")
    cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *args.pytest_args]
    for i in chosen:
        m = ms[i]
        with open(target, "w") as fh:
            fh.write(text[: m["a"]] + m["new"] + text[m["b"] :])
        t0 = time.time()
        try:
            r = subprocess.run(cmd, cwd=args.work, env=env, capture_output=True, timeout=args.timeout)
            m["status"] = {0: "survived", 1: "killed"}.get(r.returncode, f"exit {r.returncode}")
        except subprocess.TimeoutExpired:
            m["status"] = "timeout"
        m["seconds"] = round(time.time() - t0, 1)
        print(json.dumps({k: v for k, v in m.items() if k not in ("a", "b")}), flush=True)


if __name__ == "__main__":
    main()
