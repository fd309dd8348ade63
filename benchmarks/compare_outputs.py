"""Output identity of `govgame analyze` before and after a change: save the outputs, then compare them.

    cd OLD_TREE && PYTHONPATH=$PWD python benchmarks/compare_outputs.py save /tmp/outputs
    cd NEW_TREE && PYTHONPATH=$PWD python benchmarks/compare_outputs.py compare /tmp/outputs

Runs `python -m govgame analyze M --format json` and `--format text` for every shipped model and for
every model file embedded in the tests (string constants in tests/*.py holding a `[[payoff]]` table,
written to DIR/fixtures), and both formats for every scenario of the shipped models. `save` writes
each output (exit status, stdout, stderr) into DIR; `compare` reports the outputs that are not
byte-identical and, for those, whether the differences are only witness values (JSON: paths ending in
`.witness.NAME`; text: the `e.g.` lines), whether each changed witness satisfies the stability
conditions of its vertex (or of both vertices of a pair), the parameters' signs and the assumptions
exactly, and its scaled L1 distance to the reference values next to the old one's. Keep DIR outside
the repository. Exit status 0 when every output is identical, 1 otherwise.
"""

from __future__ import annotations

import ast
import concurrent.futures as cf
import hashlib
import json
import os
import pathlib
import re
import subprocess
import sys

import tomllib

ROOT = pathlib.Path.cwd()
KEYWORDS = ("lambda", "yield", "in", "is")


def fixture_models(out: pathlib.Path) -> list[str]:
    out.mkdir(parents=True, exist_ok=True)
    paths = set()
    for f in sorted((ROOT / "tests").glob("*.py")):
        for node in ast.walk(ast.parse(f.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and "[[payoff]]" in node.value:
                p = out / f"{f.stem}_{hashlib.sha1(node.value.encode()).hexdigest()[:10]}.toml"
                p.write_text(node.value)
                paths.add(str(p))
    return sorted(paths)


def shipped() -> list[str]:
    r = subprocess.run([sys.executable, "-m", "govgame", "models"], capture_output=True, text=True, check=True)
    return [line.split()[0] for line in r.stdout.splitlines() if line.strip()]


def jobs(d: pathlib.Path):
    models = shipped()
    for m in models + fixture_models(d / "fixtures"):
        for fmt in ("json", "text"):
            yield m, fmt, None
    for m in models:
        data = tomllib.loads((ROOT / "models" / f"{m}.toml").read_text())
        for s in sorted(data.get("scenario", {})):
            for fmt in ("json", "text"):
                yield m, fmt, s


def run(job):
    m, fmt, sc = job
    argv = [sys.executable, "-m", "govgame", "analyze", m, "--format", fmt] + (["--scenario", sc] if sc else [])
    r = subprocess.run(argv, capture_output=True)
    return job, b"rc=%d\n--stdout--\n" % r.returncode + r.stdout + b"--stderr--\n" + r.stderr


def key(job) -> str:
    m, fmt, sc = job
    return pathlib.Path(m).stem + (f"@{sc}" if sc else "") + "." + fmt


def stdout_of(blob: str) -> str:
    return blob.split("--stdout--\n", 1)[1].rsplit("--stderr--\n", 1)[0]


def walk(a, b, path=""):
    """(path, old, new) for every leaf where two JSON values differ."""
    if type(a) is not type(b):
        yield path, a, b
    elif isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                yield f"{path}.{k}", a.get(k, "<missing>"), b.get(k, "<missing>")
            else:
                yield from walk(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list):
        if len(a) != len(b):
            yield path + "[len]", len(a), len(b)
        else:
            for i, (x, y) in enumerate(zip(a, b)):
                yield from walk(x, y, f"{path}[{i}]")
    elif a != b:
        yield path, a, b


def mask_witness_lines(text: str) -> str:
    """The text with every `e.g.` paragraph (and its continuation lines) replaced by a placeholder."""
    out, indent = [], None
    for line in text.splitlines():
        ind = len(line) - len(line.lstrip())
        if indent is not None and line.strip() and ind > indent:
            continue
        indent = None
        if line.lstrip().startswith("e.g. "):
            indent = ind
            out.append(" " * ind + "e.g. <witness>")
        else:
            out.append(line)
    return "\n".join(out)


def explain_json(name: str, old: dict, new: dict, fixtures: pathlib.Path) -> bool:
    import sympy

    from govgame.analysis.regions import as_condition
    from govgame.model.loader import load_model

    diffs = list(walk(old, new))
    paths = {re.sub(r"\.witness\..*$", ".witness", p) for p, _, _ in diffs}
    other = sorted(p for p in paths if not p.endswith(".witness"))
    ok = True
    for p in other:
        changes = "; ".join(f"{x!r} -> {y!r}" for q, x, y in diffs if q == p)
        print(f"  {name}: not a witness: {p}: {changes}")
        ok = ok and bool(re.fullmatch(r"\.multistability\.pairs\[\d+\]\.method", p))
    model = name.split("@")[0].rsplit(".", 1)[0]
    src = model if (ROOT / "models" / f"{model}.toml").exists() else str(fixtures / f"{model}.toml")
    game = load_model(src)
    ref = new["parameters"]
    eqs = {e["name"]: e for e in new["equilibria"]}
    names = {(f"kw_{s}" if str(s) in KEYWORDS else str(s)): s for s in game.parameter_symbols}

    def conditions(vertices):
        pattern = r"\b(" + "|".join(KEYWORDS) + r")\b"
        return [
            sympy.parse_expr(re.sub(pattern, r"kw_\1", c), local_dict=names)
            for v in vertices
            for c in eqs[v]["stability_conditions"]
        ]

    def distance(w):
        if not ref or any(ref.get(k) is None for k in w):
            return float("nan")
        return sum(abs(w[k] - ref[k]) / max(abs(ref[k]), 1.0) for k in w)

    for p in sorted(q for q in paths if q.endswith(".witness")):
        i = int(re.search(r"\[(\d+)\]", p).group(1))
        if p.startswith(".equilibria"):
            w_old, w_new = old["equilibria"][i]["witness"], new["equilibria"][i]["witness"]
            vertices = [new["equilibria"][i]["name"]]
        else:
            pair = new["multistability"]["pairs"][i]
            w_old, w_new, vertices = old["multistability"]["pairs"][i]["witness"], pair["witness"], pair["pair"]
        if w_new is None or w_old is None:
            print(f"  {name}: {p}: a witness appeared or vanished ({w_old} -> {w_new})")
            ok = False
            continue
        subs = {game.parameter(k).symbol: sympy.Rational(repr(v)) for k, v in w_new.items()}
        good = all(bool(c.xreplace(subs)) for c in conditions(vertices))
        good = good and all(game.parameter(k).sign_ok(v) for k, v in w_new.items())
        for rel in game.assumptions:
            g, strict = as_condition(rel)
            val = g.xreplace(subs)
            good = good and bool(val > 0 if strict else val >= 0)
        changed = {k: (w_old.get(k), v) for k, v in w_new.items() if w_old.get(k) != v}
        print(
            f"  {name}: {p} ({'/'.join(vertices)}) satisfies its conditions: {good}; "
            f"L1 distance to the reference {distance(w_old):.4g} -> {distance(w_new):.4g}; {changed}"
        )
        ok = ok and good
    return ok


def main() -> None:
    mode, d = sys.argv[1], pathlib.Path(sys.argv[2])
    if mode not in ("save", "compare"):
        raise SystemExit("usage: compare_outputs.py save|compare DIR")
    d.mkdir(parents=True, exist_ok=True)
    only = re.compile(os.environ.get("ONLY", ""))  # e.g. ONLY=battery_recycling for a quick look
    js = [j for j in jobs(d) if only.search(key(j))]
    different = []
    with cf.ThreadPoolExecutor(int(os.environ.get("JOBS", "2"))) as ex:
        for job, blob in ex.map(run, js):
            p = d / key(job)
            if mode == "save":
                p.write_bytes(blob)
            elif not p.exists():
                print(f"  {key(job)}: no saved output to compare with")
            elif p.read_bytes() != blob:
                different.append((key(job), p.read_text(), blob.decode()))
    print(f"{mode}: {len(js)} outputs" + ("" if mode == "save" else f", {len(different)} not byte-identical"))
    explained = True
    for name, old, new in different:
        if name.endswith(".text"):
            same = mask_witness_lines(stdout_of(old)) == mask_witness_lines(stdout_of(new))
            print(f"  {name}: {'only the e.g. lines differ' if same else 'differs outside the e.g. lines'}")
            explained = explained and same
        else:
            try:
                old_doc, new_doc = json.loads(stdout_of(old)), json.loads(stdout_of(new))
            except json.JSONDecodeError:
                print(f"  {name}: differs (not JSON: an error message?)")
                explained = False
                continue
            explained = explain_json(name, old_doc, new_doc, d / "fixtures") and explained
    if different:
        print(
            "every difference is a witness that satisfies its conditions (or a pair's method)"
            if explained
            else "SOME DIFFERENCES ARE NOT EXPLAINED"
        )
    sys.exit(1 if different else 0)


if __name__ == "__main__":
    main()
