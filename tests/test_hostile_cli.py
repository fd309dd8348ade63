"""The command under attack and under faults, class by class (SPEC §2: exit 2 and one line for bad input).

Most classes run in-process through :func:`govgame.cli.main` (the same code, no start-up cost),
with the computations replaced by tripwires where the point is that the check comes *before*
the work. What only a real process shows (closed or full standard streams, an ASCII terminal,
signals, worker processes) runs in subprocesses, several at a time.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import PRISONERS_DILEMMA, THREE_STRATEGIES, TRIPARTITE
from govgame import limits
from govgame.cli import main

ROOT = Path(__file__).resolve().parents[1]
TESTS = Path(__file__).resolve().parent
G1 = 'government = "benefit - C_g"'


def edit(old: str, new: str, text: str = TRIPARTITE) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def payoff(expr: str) -> str:
    return edit(G1, f"government = '''{expr}'''")


def binary_game(populations: int, params: str = "") -> str:
    import itertools

    s = '[game]\nname = "big"\n'
    for i in range(populations):
        s += f'[[population]]\nname = "p{i}"\nstrategies = ["a", "b"]\nshare = "x{i}"\n'
    s += params
    for prof in itertools.product("ab", repeat=populations):
        s += "[[payoff]]\nprofile = [" + ", ".join(f'"{c}"' for c in prof) + "]\n"
        s += "".join(f"p{i} = {j}\n" for j, i in enumerate(range(populations)))
    return s


def many_strategies(k: int) -> str:
    strategies = ", ".join(f'"s{i}"' for i in range(k))
    shares = ", ".join(f'"y{i}"' for i in range(k - 1))
    s = f'[game]\nname = "wide"\n[[population]]\nname = "a"\nstrategies = [{strategies}]\nshares = [{shares}]\n'
    s += '[[population]]\nname = "b"\nstrategies = ["p", "q"]\nshare = "x"\n[parameters.c]\nvalue = 1.0\n'
    for i in range(k):
        for t in "pq":
            s += f'[[payoff]]\nprofile = ["s{i}", "{t}"]\na = "{i % 3} * c"\nb = {i % 2}\n'
    return s


PARAMS_1200 = binary_game(2, "".join(f"[parameters.a{i}]\nvalue = 1.0\n" for i in range(1200)))


def _five() -> str:
    """Five binary populations with random integer payoffs: exact solving of its faces takes minutes."""
    import itertools
    import random

    rnd = random.Random(1)
    s = '[game]\nname = "five"\n'
    for i in range(5):
        s += f'[[population]]\nname = "p{i}"\nstrategies = ["a", "b"]\nshare = "x{i}"\n'
    for prof in itertools.product("ab", repeat=5):
        s += "[[payoff]]\nprofile = [" + ", ".join(f'"{c}"' for c in prof) + "]\n"
        s += "".join(f"p{i} = {rnd.randint(-5, 5)}\n" for i in range(5))
    return s


FIVE = _five()

# id -> (model text, command and options with {m} for the model path and {d} for a scratch folder, expected)
CASES: dict[str, tuple[str | None, list[str], str]] = {
    # numbers
    "int 400 digits in a value": (edit("value = 3.0", "value = " + "9" * 400), ["analyze", "{m}"], "at most 1e+12"),
    "int 5000 digits": (edit("value = 3.0", "value = " + "9" * 5000), ["analyze", "{m}"], "4300 digits"),
    "int 400 digits in a payoff": (
        edit("consumer = 0\n", "consumer = " + "9" * 400 + "\n"),
        ["simulate", "{m}"],
        "1e+12",
    ),
    "payoff near 1e308": (payoff("1.7e308 * C_g"), ["analyze", "{m}"], "at most 1e+12"),
    "payoff folded beyond the bound": (payoff("1e11 * 1e11 * C_g"), ["report", "{m}", "--out", "{d}/r"], "1e+12"),
    "--set beyond the bound": (TRIPARTITE, ["analyze", "{m}", "--set", "C_g=1e400"], "finite number"),
    "--set huge": (TRIPARTITE, ["simulate", "{m}", "--set", "F=1e13"], "at most 1e+12"),
    # names
    "strategy with a newline": (
        edit('strategies = ["strict", "lax"]', 'strategies = ["strict\\n", "lax"]'),
        ["analyze", "{m}"],
        "not a valid name",
    ),
    "definition named 1x y": (
        edit('expected_fine = "p_d * F"', 'expected_fine = "p_d * F"\n"1x y" = "F"'),
        ["analyze", "{m}"],
        "'1x y'",
    ),  # fmt: skip
    "escape in a population name": (
        edit('name = "government"', 'name = "gov\\u001b[2J"'),
        ["analyze", "{m}"],
        "not a valid name",
    ),
    # latex
    "latex input": (
        edit("[parameters.C_g]", '[parameters.C_g]\nlatex = "\\\\input{/etc/passwd}"'),
        ["report", "{m}", "--out", "{d}/r"],
        "\\input is not allowed",
    ),  # fmt: skip
    "latex write18": (
        edit("[parameters.C_g]", '[parameters.C_g]\nlatex = "\\\\write18{id}"'),
        ["analyze", "{m}"],
        "\\write is not allowed",
    ),  # fmt: skip
    "latex caret notation": (
        edit("[parameters.C_g]", '[parameters.C_g]\nlatex = "^^5cinput"'),
        ["analyze", "{m}"],
        "^^",
    ),  # fmt: skip
    # expressions at the values (every command)
    "pole / analyze": (payoff("1/(C_g - 3)"), ["analyze", "{m}"], "undefined at C_g = 3: division by zero"),
    "pole / simulate": (payoff("1/(C_g - 3)"), ["simulate", "{m}"], "undefined at C_g = 3: division by zero"),
    "pole / sweep": (payoff("1/(C_g - 3)"), ["sweep", "{m}", "--vary", "C_g=2:4:3"], "undefined at C_g = 3"),
    "sqrt of a negative / simulate": (payoff("sqrt(B - 2)"), ["simulate", "{m}"], "sqrt of the negative number"),
    "log of a negative / sweep": (payoff("log(B - 2)"), ["sweep", "{m}", "--vary", "C_g=0:1:2"], "log of the negative"),
    "exp overflow / simulate": (payoff("exp(1000 * C_g)"), ["simulate", "{m}"], "overflows"),
    "exp overflow / report": (payoff("exp(1000 * C_g)"), ["report", "{m}", "--out", "{d}/r"], "overflows"),
    # work limits of expressions
    "degree": (payoff("C_g**100"), ["analyze", "{m}"], "degree 100"),
    "exp of exp of exp": (payoff("exp(exp(exp(p_d)))"), ["simulate", "{m}"], "nests exp 3 deep"),
    "nested powers": (payoff("((C_g + 1)**10 + E)**10"), ["analyze", "{m}"], "degree 100"),
    # sizes
    "1200 parameters": (PARAMS_1200, ["analyze", "{m}"], "1,200 parameters; the limit is 200"),
    "12 populations": (binary_game(12), ["simulate", "{m}"], "12 populations; the limit is 8"),
    "50 strategies": (many_strategies(50), ["analyze", "{m}"], "50 strategies"),
    "8 strategies, default grid / simulate": (many_strategies(8), ["simulate", "{m}"], "--grid 3: a grid of N = 3"),
    "8 strategies, default grid / sweep": (many_strategies(8), ["sweep", "{m}", "--vary", "c=0:1:2"], "N >= 7"),
    "--grid 100000": (TRIPARTITE, ["simulate", "{m}", "--grid", "100000"], "the limit is 10,000,000 runs"),
    "--vary 10^7 cells": (
        TRIPARTITE,
        ["sweep", "{m}", "--vary", "C_g=0:1:4000", "--vary", "F=0:1:2500"],
        "10,000,000 cells",
    ),  # fmt: skip
    "--vary NUM huge": (TRIPARTITE, ["sweep", "{m}", "--vary", "C_g=0:1:10000000000000"], "exceeds the limit"),
    "--vary runs": (TRIPARTITE, ["sweep", "{m}", "--vary", "C_g=0:1:100000", "--grid", "10"], "runs"),
    # arguments
    "--from negative": (TRIPARTITE, ["simulate", "{m}", "--from", "-0.1,0.5,0.5"], "x = -0.1 lies outside [0, 1]"),
    "--from just above 1": (
        TRIPARTITE,
        ["simulate", "{m}", "--from", "0.5,1.0000000000001,0.5"],
        "y = 1.0000000000001 lies outside",
    ),  # fmt: skip
    "--from shares above 1": (
        THREE_STRATEGIES,
        ["simulate", "{m}", "--from", "0.5,0.6,0.5"],
        "y1 + y2 = 1.1 exceeds 1",
    ),
    "--vary twice": (TRIPARTITE, ["sweep", "{m}", "--vary", "C_g=0:1:3", "--vary", "C_g=0:2:3"], "given twice"),
    "--scheduler garbage": (
        TRIPARTITE,
        ["sweep", "{m}", "--vary", "C_g=0:1:3", "--scheduler", "not an address"],
        "not of the form tcp://HOST:PORT",
    ),  # fmt: skip
    "--scheduler empty": (TRIPARTITE, ["sweep", "{m}", "--vary", "C_g=0:1:3", "--scheduler", ""], "address is empty"),
    "--scheduler port 0": (
        TRIPARTITE,
        ["sweep", "{m}", "--vary", "C_g=0:1:3", "--scheduler", "tcp://h:0"],
        "tcp://HOST:PORT",
    ),  # fmt: skip
    # output
    "--out empty": (TRIPARTITE, ["report", "{m}", "--out", ""], "--out is empty"),
    "--out a file": (TRIPARTITE, ["report", "{m}", "--out", "{m}"], "exists and is not a folder"),
    "--out below a file": (TRIPARTITE, ["report", "{m}", "--out", "{m}/r"], "is a file, so nothing can be created"),
    "--out /dev/null": (TRIPARTITE, ["report", "{m}", "--out", "/dev/null"], "exists and is not a folder"),
    "--out /proc": (TRIPARTITE, ["report", "{m}", "--out", "/proc/govgame"], "cannot write into '/proc'"),
    "--out /sys": (TRIPARTITE, ["report", "{m}", "--out", "/sys/govgame"], "cannot write into '/sys'"),
    "--plot unknown format": (TRIPARTITE, ["simulate", "{m}", "--plot", "{d}/f.gif"], 'unknown figure format "gif"'),
    "--plot no ending": (TRIPARTITE, ["simulate", "{m}", "--plot", "{d}/figure"], "has no ending"),
    "--plot a folder": (TRIPARTITE, ["sweep", "{m}", "--vary", "C_g=0:1:2", "--plot", "{d}"], "is a folder"),
    "--plot /proc": (TRIPARTITE, ["simulate", "{m}", "--plot", "/proc/f.png"], "cannot write into '/proc'"),
    "--plot below a file": (TRIPARTITE, ["simulate", "{m}", "--plot", "{m}/f.png"], "is a file"),
    # files that are not files
    "/dev/zero": (None, ["analyze", "/dev/zero"], "character device, not a regular file"),
    "/dev/urandom": (None, ["simulate", "/dev/urandom"], "character device, not a regular file"),
    "a folder": (None, ["analyze", "{d}"], "is a directory"),
    "a FIFO without writer": (None, ["analyze", "{fifo}"], "pipe (FIFO), not a regular file"),
}


@pytest.fixture
def tripwires(monkeypatch):
    """Simulations, sweeps and report files fail loudly: a bad-input case must be refused before any of them runs."""
    import govgame.analysis.pipeline as pipeline
    import govgame.cli.report as report
    import govgame.numerics.kernel as kernel
    import govgame.numerics.sweep as sweep

    def tripwire(*args, **kwargs):
        raise AssertionError("the work started before the input was checked")

    for module, name in ((kernel, "integrate_runs"), (sweep, "_execute"), (report, "_write_all")):
        monkeypatch.setattr(module, name, tripwire)
    return lambda: monkeypatch.setattr(pipeline, "analyze", tripwire)


def prepare(case: str, root: Path) -> list[str]:
    text, argv, _ = CASES[case]
    model = root / "model.toml"
    if text is not None:
        model.write_text(text, encoding="utf-8")
    fifo = root / "model.fifo"
    if "{fifo}" in " ".join(argv):
        os.mkfifo(fifo)
    return [a.format(m=model, d=root, fifo=fifo) for a in argv]


def check_one_error_line(status: int, err: str, out: str, expected: str) -> None:
    assert status == 2, err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("govgame: error: "), err
    assert expected in lines[0], err
    assert lines[0].isprintable(), repr(lines[0])  # control characters are shown escaped, never raw
    assert out == "" and "Traceback" not in err


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_one_line_exit_2_before_any_work(case, tmp_path, capsys, tripwires):
    if case.startswith(("--out", "--plot", "--scheduler")):
        tripwires()  # a bad destination is refused before the analysis too
    argv = prepare(case, tmp_path)
    before = set(os.listdir(tmp_path))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        status = main(argv)
    out, err = capsys.readouterr()
    check_one_error_line(status, err, out, CASES[case][2])
    assert set(os.listdir(tmp_path)) == before  # nothing written, not even a temporary file


USAGE = [
    [],
    ["frobnicate"],
    ["analyze"],
    ["analyze", "m.toml", "--format", "pdf"],
    ["simulate", "m.toml", "--grid", "0"],
    ["simulate", "m.toml", "--grid", "x" * 5000],
    ["simulate", "m.toml", "--t-end", "-1"],
    ["simulate", "m.toml", "--t-end", "nan"],
    ["sweep", "m.toml", "--workers", "0"],
    ["sweep", "m.toml", "--workers", str(limits.MAX_WORKERS + 1)],
    ["sweep", "m.toml", "--workers", "2", "--scheduler", "tcp://x:1"],
    ["report", "m.toml"],
    ["analyze", "m.toml", "--unknown-option"],
    ["analyze", "m.toml", "--sce", "x", "--set"],
]


@pytest.mark.parametrize("argv", USAGE, ids=lambda a: " ".join(a)[:40] or "nothing")
def test_usage_errors_are_one_line_with_a_pointer_to_help(argv, capsys):
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("govgame: error: ") and "--help" in lines[0], err
    assert len(lines[0]) <= 2000


def test_control_characters_in_arguments_are_escaped(tmp_path, capsys):
    model = tmp_path / "m.toml"
    model.write_text(TRIPARTITE)
    assert main(["analyze", str(model), "--set", "C\x1b]8;;http://x\x07g=1"]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\x07" not in err and "\\x1b" in err


# ------------------------------------------------------------------------------ subprocesses
def run(args, *, timeout=240, env=None, stdin=None, **kwargs) -> subprocess.CompletedProcess:
    full_env = dict(os.environ, PYTHONPATH=str(ROOT), **(env or {}))
    return subprocess.run(
        [sys.executable, "-m", "govgame", *args], capture_output=kwargs.pop("capture_output", True),
        text=False, timeout=timeout, env=full_env, stdin=stdin, **kwargs
    )  # fmt: skip


#: The prisoner's dilemma with escape sequences in its title, a label, a description and a scenario.
ESCAPES = edit(
    'title = "Prisoner', 'title = "\\u001b[31mRed\\u001b]8;;http://evil\\u0007 \\u202e\\r Prisoner', PRISONERS_DILEMMA
)
ESCAPES = edit('name = "row"', 'name = "row"\nlabel = "Row\\u001b[2J"', ESCAPES)
ESCAPES = edit(
    "[parameters.b]", '[scenario.s]\ndescription = "\\u001b[1A\\u001b[2Kweak"\nb = 1.0\n\n[parameters.b]', ESCAPES
)


def _close(fd: int):
    return lambda: os.close(fd)


@pytest.fixture(scope="module")
def environment_runs(tmp_path_factory):
    """The cases only a real process shows, run two at a time."""
    root = tmp_path_factory.mktemp("env")
    (root / "pd.toml").write_text(PRISONERS_DILEMMA)
    (root / "bad.toml").write_text(payoff("C_g.real"))
    (root / "esc.toml").write_text(ESCAPES)
    os.mkfifo(root / "nowriter.fifo")
    pd, bad, esc = (str(root / n) for n in ("pd.toml", "bad.toml", "esc.toml"))

    def endless_pipe():
        p = subprocess.Popen(
            [sys.executable, "-m", "govgame", "analyze", "/dev/stdin"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=dict(os.environ, PYTHONPATH=str(ROOT)),
        )  # fmt: skip

        def feed():
            try:
                while True:
                    p.stdin.write(b"# an endless comment\n" * 1000)
            except (BrokenPipeError, ValueError, OSError):
                pass

        threading.Thread(target=feed, daemon=True).start()
        out, err = p.communicate(timeout=240)
        return subprocess.CompletedProcess(p.args, p.returncode, out, err)

    with open(os.devnull, "wb") as null, open("/dev/full", "wb") as full:
        jobs = {
            "stderr closed, bad input": lambda: run(["analyze", bad], preexec_fn=_close(2)),
            "stderr closed, json": lambda: run(["analyze", pd, "--format", "json"], preexec_fn=_close(2)),
            "stdout closed": lambda: run(["models"], preexec_fn=_close(1)),
            "stdout full": lambda: run(
                ["analyze", pd, "--format", "json"], stdout=full, capture_output=False, stderr=subprocess.PIPE
            ),  # fmt: skip
            "utf-8 terminal": lambda: run(["analyze", pd], env={"PYTHONIOENCODING": "utf-8"}),
            "ascii terminal": lambda: run(["analyze", pd, "--format", "markdown"], env={"PYTHONIOENCODING": "ascii"}),
            "C locale": lambda: run(["analyze", esc], env={"LANG": "C", "LC_ALL": "C", "PYTHONIOENCODING": "ascii"}),
            "escapes, text": lambda: run(["analyze", esc, "--scenario", "s"]),
            "escapes, markdown": lambda: run(["analyze", esc, "--format", "markdown"]),
            "escapes, latex": lambda: run(["analyze", esc, "--format", "latex"]),
            "fifo without writer": lambda: run(["analyze", str(root / "nowriter.fifo")], stdin=null),
            "endless pipe": endless_pipe,
        }
        with ThreadPoolExecutor(max_workers=2) as pool:
            futures = {k: pool.submit(fn) for k, fn in jobs.items()}
            return {k: f.result() for k, f in futures.items()}


def test_with_stderr_closed_errors_go_nowhere_and_json_stays_clean(environment_runs):
    bad = environment_runs["stderr closed, bad input"]
    assert bad.returncode == 2 and bad.stdout == b""
    good = environment_runs["stderr closed, json"]
    assert good.returncode == 0
    assert json.loads(good.stdout)["model"] == "pd"


def test_a_closed_or_full_stdout_is_one_line_and_exit_1(environment_runs):
    for case in ("stdout closed", "stdout full"):
        proc = environment_runs[case]
        err = proc.stderr.decode()
        assert proc.returncode == 1, err
        assert err.splitlines() == [err.strip()] and err.startswith("govgame: error: cannot write the output"), err


def test_an_ascii_terminal_gets_ascii_symbols(environment_runs):
    assert "λ".encode() in environment_runs["utf-8 terminal"].stdout  # what the fallback replaces
    for case in ("ascii terminal", "C locale"):
        proc = environment_runs[case]
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.isascii() and b"Traceback" not in proc.stderr
    assert b"lambda" in environment_runs["ascii terminal"].stdout  # the prisoner's dilemma has no parameter lambda


@pytest.mark.parametrize("case", ["escapes, text", "escapes, markdown", "escapes, latex", "C locale"])
def test_escape_sequences_in_model_text_never_reach_the_terminal(case, environment_runs):
    proc = environment_runs[case]
    assert proc.returncode == 0, proc.stderr
    for raw in (b"\x1b", b"\x07", b"\r", "\u202e".encode()):
        assert raw not in proc.stdout and raw not in proc.stderr
    assert b"Red" in proc.stdout


@pytest.mark.parametrize("case", ["fifo without writer", "endless pipe"])
def test_pipes_as_model_files_are_refused_at_once(case, environment_runs):
    proc = environment_runs[case]
    assert proc.returncode == 2
    assert proc.stderr.decode().startswith("govgame: error: ") and b"pipe (FIFO)" in proc.stderr


# ------------------------------------------------------------------------------ signals
def _children(pid: int) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.append(int(entry))
    return out


def interrupt(args, *, after: float, sig=signal.SIGINT, cwd=None, wait_for_children: int = 0):
    """Start the command, send ``sig`` once it works (``after`` seconds, or once it has children)."""
    p = subprocess.Popen(
        [sys.executable, "-m", "govgame", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env=dict(os.environ, PYTHONPATH=str(ROOT)), cwd=cwd,
    )  # fmt: skip
    start = time.monotonic()
    kids: list[int] = []
    while time.monotonic() - start < (300 if wait_for_children else after):
        time.sleep(0.2)
        kids = _children(p.pid)
        if wait_for_children and len(kids) >= wait_for_children and time.monotonic() - start > after:
            break
    p.send_signal(sig)
    out, err = p.communicate(timeout=120)
    time.sleep(1.0)
    alive = [k for k in kids if os.path.exists(f"/proc/{k}") and _state(k) != "Z"]
    return p.returncode, out, err.decode(), kids, alive


def _state(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"


@pytest.fixture(scope="module")
def interrupted(tmp_path_factory):
    root = tmp_path_factory.mktemp("sig")
    (root / "tri.toml").write_text(TRIPARTITE)
    tri = str(root / "tri.toml")
    (root / "five.toml").write_text(FIVE)  # its exact analysis takes minutes
    jobs = {
        "analyze": lambda: interrupt(["analyze", str(root / "five.toml")], after=4),
        "analyze, SIGTERM": lambda: interrupt(["analyze", str(root / "five.toml")], after=4, sig=signal.SIGTERM),
        "simulate": lambda: interrupt(["simulate", tri, "--grid", "80", "--format", "json"], after=6),
        "simulate --plot": lambda: interrupt(["simulate", tri, "--grid", "60", "--plot", str(root / "f.png")], after=6),
        "sweep": lambda: interrupt(["sweep", tri, "--vary", "C_g=0:10:3000", "--grid", "10"], after=6),
        "sweep --workers 2": lambda: interrupt(
            ["sweep", tri, "--vary", "C_g=0:10:3000", "--grid", "10", "--workers", "2"], after=2, wait_for_children=2
        ),
        # the five-population model's analysis takes tens of seconds on any machine, so the interrupt comes mid-report
        "report": lambda: interrupt(["report", str(root / "five.toml"), "--out", str(root / "report")], after=4),
    }
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {k: pool.submit(fn) for k, fn in jobs.items()}
        results = {k: f.result() for k, f in futures.items()}
    return root, results


@pytest.mark.parametrize(
    "case", ["analyze", "analyze, SIGTERM", "simulate", "simulate --plot", "sweep", "sweep --workers 2", "report"]
)
def test_an_interrupt_ends_the_command_at_once_and_cleanly(case, interrupted):
    root, results = interrupted
    status, out, err, kids, alive = results[case]
    assert status == (143 if "SIGTERM" in case else 130), err
    assert err.splitlines() == [f"govgame: {'terminated' if 'SIGTERM' in case else 'interrupted'}; nothing was written"]
    assert not alive, (kids, alive)  # no worker process outlives the command
    if case == "sweep --workers 2":
        assert len(kids) >= 2
    assert not [p.name for p in root.iterdir() if p.name not in ("tri.toml", "five.toml")]  # no partial output


# ------------------------------------------------------------------------------ executors
def test_workers_ignore_sigint_and_a_dead_worker_is_replaced_once(tmp_path):
    sys.path.insert(0, str(TESTS))
    import faults

    from govgame.numerics.executors import WorkerError, run_tasks

    assert run_tasks(faults.sigint_disposition, [(1,), (2,), (3,)], workers=2) == [True, True, True]
    marker = str(tmp_path / "died")
    with pytest.warns(RuntimeWarning, match=r"a worker process died \(SIGKILL"):
        got = run_tasks(faults.die_once, [(marker, x) for x in range(6)], workers=2)
    assert got == [x * x for x in range(6)]
    with pytest.raises(WorkerError, match=r"died twice \(SIGKILL.*run again with fewer --workers"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            run_tasks(faults.die_always, [(x,) for x in range(4)], workers=2)


def test_scheduler_addresses_are_checked_before_connecting():
    from govgame.numerics.executors import SchedulerError, check_scheduler_address

    for ok in ("tcp://127.0.0.1:8786", "scheduler.local:8786", "tls://[::1]:9000"):
        assert check_scheduler_address(ok).endswith(ok.split("//")[-1])
    for bad in ("", "  ", "tcp://", "host", "host:", "host:99999", "tcp://a b:1", "http://x:80", "x" * 500):
        with pytest.raises(SchedulerError):
            check_scheduler_address(bad)


def test_a_foreign_server_or_no_server_is_named_with_the_timeout(monkeypatch):
    pytest.importorskip("distributed")
    from govgame.numerics import executors

    monkeypatch.setattr(executors.limits, "CONNECT_TIMEOUT", 2.0)
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]

    def babble():  # answers every connection with bytes that are not Dask's protocol
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            conn.sendall(b"\xff" * 64)
            conn.close()

    threading.Thread(target=babble, daemon=True).start()
    try:
        with pytest.raises(executors.SchedulerError, match="is not a Dask scheduler"):
            executors.run_tasks(pow, [(2, 2)], scheduler=f"tcp://127.0.0.1:{port}")
    finally:
        server.close()
    free = socket.socket()
    free.bind(("127.0.0.1", 0))
    port = free.getsockname()[1]
    free.close()  # nothing listens there
    with pytest.raises(executors.SchedulerError, match=r"no Dask scheduler answered at tcp://127.0.0.1:\d+ within 2 s"):
        executors.run_tasks(pow, [(2, 2)], scheduler=f"tcp://127.0.0.1:{port}")


def test_dask_survives_a_dead_worker_and_names_a_cluster_without_workers(monkeypatch):
    distributed = pytest.importorskip("distributed")
    sys.path.insert(0, str(TESTS))
    import faults

    from govgame.numerics.executors import WorkerError, run_tasks

    monkeypatch.setenv("GOVGAME_NO_WORKER_TIMEOUT", "3")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(TESTS), str(ROOT), os.environ.get("PYTHONPATH", "")]))
    tasks = [(x, 0.2) for x in range(30)]
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            pids = list(client.run(os.getpid).values())

            def kill_one():
                time.sleep(1.5)
                os.kill(pids[0], signal.SIGKILL)

            killer = threading.Thread(target=kill_one)
            killer.start()
            got = run_tasks(faults.square, tasks, scheduler=cluster.scheduler_address)
            killer.join()
            assert got == [x * x for x, _ in tasks]  # one of two workers killed: the same result
            cluster.scale(0)
            deadline = time.monotonic() + 60
            while client.scheduler_info()["workers"] and time.monotonic() < deadline:
                time.sleep(0.2)
            start = time.monotonic()
            with pytest.raises(WorkerError, match="has had no worker for 3 s"):
                run_tasks(faults.square, tasks[:4], scheduler=cluster.scheduler_address)
            assert time.monotonic() - start < 120  # a bound, not a speed measurement


def test_a_sweep_from_a_shipped_model_is_the_same_after_a_worker_died(tmp_path):
    """End to end: kill a worker of ``sweep --workers 2``; the JSON equals the serial run's."""
    model = tmp_path / "pd.toml"
    model.write_text(PRISONERS_DILEMMA)
    args = ["sweep", str(model), "--vary", "b=0:6:900", "--grid", "6", "--format", "json"]
    serial = run(args)
    assert serial.returncode == 0
    p = subprocess.Popen(
        [sys.executable, "-m", "govgame", *args, "--workers", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )  # fmt: skip
    start = time.monotonic()
    killed = None
    while p.poll() is None and killed is None and time.monotonic() - start < 120:
        time.sleep(0.2)
        workers = [k for k in _children(p.pid) if b"resource_tracker" not in Path(f"/proc/{k}/cmdline").read_bytes()]
        if len(workers) >= 2 and time.monotonic() - start > 1:
            os.kill(workers[0], signal.SIGKILL)
            killed = workers[0]
    out, err = p.communicate(timeout=300)
    assert p.returncode == 0, err
    if killed is not None and b"died" in err:
        assert err.decode().startswith("govgame: warning: a worker process died")
    assert out == serial.stdout


# ------------------------------------------------------------------------------ a full disk
def test_a_full_disk_names_the_file_and_leaves_nothing(tmp_path, capsys, monkeypatch):
    import errno

    import govgame.plot as plot

    model = tmp_path / "pd.toml"
    model.write_text(PRISONERS_DILEMMA)
    real = Path.write_text

    def full(self, *a, **k):
        if self.name == "equilibria.tex":
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return real(self, *a, **k)

    monkeypatch.setattr(Path, "write_text", full)
    assert main(["report", str(model), "--out", str(tmp_path / "report")]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith("govgame: error: cannot write "), err
    assert str(tmp_path / "report" / "equilibria.tex") in err[0] and "No space left on device" in err[0]
    assert sorted(os.listdir(tmp_path)) == ["pd.toml"]

    def no_space(ax, path, **kwargs):
        Path(path).write_bytes(b"half a figure")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(plot, "save", no_space)
    assert main(["simulate", str(model), "--grid", "2", "--plot", str(tmp_path / "f.png")]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and f"cannot write '{tmp_path / 'f.png'}' (No space left on device)" in err[0], err
    assert sorted(os.listdir(tmp_path)) == ["pd.toml"]


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupt_while_workers_start_waits_until_they_have_started(sig):
    # A signal sent to the process reaches any thread that does not block it (numba's OpenMP
    # threads once a kernel has run), and Python then raises it in the main thread at once: in the
    # middle of writing a spawned worker's start-up data, which left a child printing an EOFError
    # traceback after "interrupted". The signal must be held until the workers are started.
    from govgame.numerics.executors import _interrupts_held

    class Raised(BaseException):
        pass

    def on_signal(signum, frame):
        raise Raised(signum)

    old = signal.signal(sig, on_signal)
    try:
        other = threading.Thread(target=time.sleep, args=(1.0,))
        other.start()  # before: a thread started inside inherits the blocked mask
        inside = False
        with pytest.raises(Raised) as raised:
            with _interrupts_held():
                signal.pthread_kill(other.ident, sig)  # delivered in a thread whose mask lets it through
                deadline = time.monotonic() + 0.3
                while time.monotonic() < deadline:  # Python code runs on: no handler may fire here
                    pass
                inside = True
        assert inside, "the signal interrupted the start-up"
        assert raised.value.args == (sig,)  # ... and was delivered once it was over, not lost
        other.join()
    finally:
        signal.signal(sig, old)
