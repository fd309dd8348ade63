"""The command line on bad input: exit status 2, one ``govgame: error:`` line, no traceback.

Hostile model files and arguments run through the real command (``python -m govgame``)
in subprocesses, several at a time; the rest of the behaviour is tested in-process.
"""

from __future__ import annotations

import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

import govgame.io.text
import govgame.model.loader
from conftest import TRIPARTITE
from govgame.cli import build_parser, main
from govgame.model import shipped

P1 = 'profile = ["strict", "formal", "return"]'
G1 = 'government = "benefit - C_g"'


def edit(old: str, new: str) -> str:
    assert old in TRIPARTITE, old
    return TRIPARTITE.replace(old, new, 1)


def payoff(expr: str) -> str:
    """TRIPARTITE with the government payoff of the first profile replaced by ``expr`` (TOML literal string)."""
    return edit(G1, f"government = '''{expr}'''")


def _first_block() -> str:
    start = TRIPARTITE.index("[[payoff]]")
    return TRIPARTITE[start : TRIPARTITE.index("[[payoff]]", start + 1)]


# id -> (file content or None, extra arguments, expected text in the error line)
HOSTILE: dict[str, tuple[str | bytes | None, list[str], str]] = {
    "injection": (payoff("__import__('os').system('touch MARKER')"), [], "attribute access is not allowed"),
    "injection_in_definition": (
        edit('expected_fine = "p_d * F"', "expected_fine = \"__import__('os').system('touch MARKER')\""),
        [],
        "[definitions] expected_fine",
    ),
    "injection_in_assumption": (
        edit('"p_d <= 1"', "\"__import__('os').system('touch MARKER') < 1\""),
        [],
        "[assumptions] relations[1]",
    ),
    "attribute": (payoff("().__class__"), [], "attribute access"),
    "lambda": (payoff("(lambda: 1)()"), [], "lambda functions"),
    "power_tower": (payoff("2**10**10"), [], "absolute value above 100"),
    "power_nines": (payoff("9**9**9"), [], "absolute value above 100"),
    "deep_nesting": (payoff("(" * 100_000 + "C_g" + ")" * 100_000), [], "characters long"),
    "deep_nesting_short": (payoff("(" * 150 + "C_g" + ")" * 150), [], "brackets deep"),
    "ten_megabytes": (payoff("C_g+" * 2_500_000 + "1"), [], "limited to 2,000,000 bytes"),
    "subscript": (payoff("C_g[0]"), [], "subscripts"),
    "string": (payoff('"text"'), [], "strings"),
    "comprehension": (payoff("[q for q in C_g]"), [], "comprehensions"),
    "fstring": (payoff('f"{C_g}"'), [], "f-strings"),
    "walrus": (payoff("(q := C_g)"), [], "assignment expressions"),
    "eval": (payoff("eval('1')"), [], 'calling "eval"'),
    "unknown_function": (payoff("sin(C_g)"), [], 'calling "sin"'),
    "missing_profile": (TRIPARTITE.replace(_first_block(), ""), [], "has no [[payoff]] table"),
    "duplicate_profile": (TRIPARTITE + _first_block(), [], "appears twice"),
    "unknown_strategy": (edit(P1, 'profile = ["strict", "formal", "retrun"]'), [], '"retrun" is not a strategy'),
    "undeclared_symbol": (payoff("C_gg"), [], '"C_gg" is not declared'),
    "duplicate_parameter": (
        edit("[parameters.F]", "[parameters.E]\nvalue = 1.0\n\n[parameters.F]"),
        [],
        "not valid TOML",
    ),
    "share_collides": (edit('share = "z"', 'share = "F"'), [], 'collides with the share symbol "F"'),
    "non_numeric_value": (edit("value = 3.0", 'value = "three"'), [], "must be a number"),
    "value_wrong_sign": (edit("value = 3.0", "value = -3.0"), [], "violates the sign of C_g"),
    "value_out_of_range": (edit("value = 3.0", "value = 30.0"), [], "outside the range [0, 10]"),
    "toml_syntax": (edit("[game]", "[game"), [], "not valid TOML"),
    "binary_garbage": (bytes(range(256)) * 8, [], "not a TOML model file"),
    "empty_file": ("", [], "the file is empty"),
    "missing_file": (None, [], "no such file"),
    "unknown_set_name": (TRIPARTITE, ["--set", "Cg=1"], 'unknown parameter "Cg"'),
    "bad_set_value": (TRIPARTITE, ["--set", "C_g=abc"], '"abc" is not a number'),
    "nan_set_value": (TRIPARTITE, ["--set", "C_g=nan"], "not a finite number"),
    "bad_set_syntax": (TRIPARTITE, ["--set", "C_g"], "expected NAME=VALUE"),
    "wrong_sign_set": (TRIPARTITE, ["--set", "E=-1"], "--set E = -1 violates its sign (positive)"),
    "unknown_scenario": (TRIPARTITE, ["--scenario", "strong"], 'unknown scenario "strong"'),
    "unknown_model_name": ("NAME:no_such_model", [], 'no shipped model named "no_such_model"'),
    "simulate_bad_set": (TRIPARTITE, ["--set", "Cg=1", "COMMAND:simulate"], 'unknown parameter "Cg"'),
    "sweep_bad_model": (payoff("C_g.real"), ["COMMAND:sweep", "--vary", "C_g=0:1:3"], "attribute access"),
}


#: Cases that also run in-process only (the same checks, without the cost of starting Python).
IN_PROCESS = {
    "missing_profile", "duplicate_profile", "unknown_strategy", "undeclared_symbol", "share_collides",
    "non_numeric_value", "value_wrong_sign", "value_out_of_range", "nan_set_value", "bad_set_syntax",
    "wrong_sign_set", "unknown_model_name", "simulate_bad_set", "sweep_bad_model", "deep_nesting_short",
}  # fmt: skip
SUBPROCESS = [c for c in HOSTILE if c not in IN_PROCESS]


def _argv(case: str, root) -> tuple[list[str], object]:
    """The command-line arguments of a case (writing its model file under ``root``) and its marker path."""
    content, extra, _ = HOSTILE[case]
    marker = root / f"{case}.pwned"
    args = [a for a in extra if not a.startswith("COMMAND:")]
    command = next((a.split(":", 1)[1] for a in extra if a.startswith("COMMAND:")), "analyze")
    if isinstance(content, str) and content.startswith("NAME:"):
        model = content.split(":", 1)[1]
    else:
        path = root / f"{case}.toml"
        if isinstance(content, bytes):
            path.write_bytes(content)
        elif content is not None:
            path.write_text(content.replace("MARKER", str(marker)), encoding="utf-8")
        model = str(path)
    return [command, model, *args], marker


@pytest.fixture(scope="module")
def hostile_runs(tmp_path_factory):
    """Run the hostile cases through the real command, two at a time."""
    root = tmp_path_factory.mktemp("hostile")

    def run(case: str):
        argv, marker = _argv(case, root)
        start = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "govgame", *argv], capture_output=True, text=True, timeout=120, cwd=root
        )
        return proc, time.perf_counter() - start, marker

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(SUBPROCESS, pool.map(run, SUBPROCESS)))


def _check(status: int, stderr: str, stdout: str, case: str) -> None:
    assert status == 2, stderr
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("govgame: error: ")
    assert HOSTILE[case][2] in lines[0]
    assert "Traceback" not in stderr and "Traceback" not in stdout


@pytest.mark.parametrize("case", SUBPROCESS)
def test_hostile_input_is_rejected_cleanly(case, hostile_runs):
    proc, _, marker = hostile_runs[case]
    _check(proc.returncode, proc.stderr, proc.stdout, case)
    assert not marker.exists()


@pytest.mark.parametrize("case", sorted(IN_PROCESS))
def test_bad_input_is_rejected_cleanly_in_process(case, tmp_path, capsys):
    argv, marker = _argv(case, tmp_path)
    status = main(argv)
    out, err = capsys.readouterr()
    _check(status, err, out, case)
    assert not marker.exists()


# ------------------------------------------------------------------------- in-process
@pytest.fixture
def tri(model_file):
    return str(model_file(TRIPARTITE))


def test_analyze_prints_the_model(tri, capsys):
    assert main(["analyze", tri]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert "Populations (state: x, y, z)" in out
    assert "lambda" in out and "Reputation gain of the government" in out
    assert "strict/formal/return    -C_g + E*lambda + F*p_d  E - 1       B" in out
    assert "weak: C_g = 5, p_d = 0.1; expect lax/informal/sell (Weak supervision)" in out


def test_scenario_and_set_values_are_shown(tri, capsys):
    assert main(["analyze", tri, "--scenario", "weak", "--set", "C_g=7", "--set", "lambda=0.25"]) == 0
    out, _ = capsys.readouterr()
    row = next(line for line in out.splitlines() if line.strip().startswith("C_g "))
    assert row.split()[:3] == ["C_g", "7", "3"]
    row = next(line for line in out.splitlines() if line.strip().startswith("p_d "))
    assert row.split()[:3] == ["p_d", "0.1", "0.5"]


def test_set_outside_range_is_a_warning(tri, capsys):
    assert main(["analyze", tri, "--set", "C_g=20"]) == 0
    out, err = capsys.readouterr()
    # C_g = 20 also violates the model's assumption E > C_g / 2 (E = 2): both are said, one line each
    assert err.splitlines() == [
        "govgame: warning: --set C_g = 20 lies outside its range [0, 10]",
        'govgame: warning: the values violate the assumption "E > C_g/2"; results that rely on the assumptions '
        "do not describe these values",
    ]
    assert "C_g     20" in out


def test_library_warnings_are_printed_one_line_each(model_file, capsys):
    text = TRIPARTITE.replace("[definitions]", "[parameters.K]\nvalue = 1.0\n\n[definitions]")
    assert main(["analyze", str(model_file(text))]) == 0
    err = capsys.readouterr().err.splitlines()
    assert (
        len(err) == 1
        and err[0].startswith("govgame: warning: ")
        and '"K" is declared but appears in no payoff' in err[0]
    )


def test_models_lists_shipped_models(tmp_path, monkeypatch, capsys):
    (tmp_path / "toy_tripartite.toml").write_text(TRIPARTITE)
    monkeypatch.setattr(shipped, "_model_dirs", lambda: [tmp_path])
    assert main(["models"]) == 0
    assert capsys.readouterr().out == "toy_tripartite  Toy government, enterprise and consumer game\n"
    assert main(["analyze", "toy_tripartite"]) == 0


@pytest.mark.parametrize(
    "argv",
    [[], ["frobnicate"], ["analyze"], ["analyze", "m.toml", "--format", "pdf"], ["simulate", "m.toml", "--grid", "0"],
     ["simulate", "m.toml", "--t-end", "-1"], ["sweep", "m.toml", "--workers", "2", "--scheduler", "tcp://x:1"],
     ["report", "m.toml"]],
)  # fmt: skip
def test_usage_errors_exit_2(argv, capsys):
    assert main(argv) == 2
    assert "govgame: error:" in capsys.readouterr().err


def test_options_of_later_commands_are_parsed():
    args = build_parser().parse_args(
        [
            "simulate",
            "m",
            "--grid",
            "4",
            "--from",
            "0.1,0.2,0.3",
            "--from",
            "0.5,0.5,0.5",
            "--t-end",
            "50",
            "--plot",
            "f.png",
        ]
    )
    assert (args.grid, args.starts, args.t_end, args.plot) == (4, ["0.1,0.2,0.3", "0.5,0.5,0.5"], 50.0, "f.png")
    args = build_parser().parse_args(["sweep", "m", "--vary", "a=0:1:3", "--vary", "b=1:2:2", "--workers", "3"])
    assert (args.vary, args.workers, args.scheduler, args.grid, args.t_end) == (
        ["a=0:1:3", "b=1:2:2"],
        3,
        None,
        None,
        100.0,
    )
    args = build_parser().parse_args(["report", "m", "--out", "d", "--scenario", "s", "--format", "latex"])
    assert (args.out, args.scenario, args.format) == ("d", "s", "latex")


def test_simulate_and_sweep_run_and_print_spec_json(tri, capsys):
    import json

    assert main(["simulate", tri, "--grid", "2", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert len(out["runs"]) == 2 ** len(out["state"]) and sum(out["summary"].values()) == len(out["runs"])
    assert main(["sweep", tri, "--vary", "C_g=0:1:2", "--grid", "1", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [c["values"]["C_g"] for c in out["cells"]] == [0.0, 1.0]


def test_internal_errors_exit_1_without_traceback(tri, monkeypatch, capsys):
    def boom(game, *, params, **options):
        raise RuntimeError("kaput\nsecond line")

    monkeypatch.setattr(govgame.io.text, "describe_model", boom)
    monkeypatch.delenv("GOVGAME_DEBUG", raising=False)
    assert main(["analyze", tri]) == 1
    assert capsys.readouterr().err == "govgame: internal error: RuntimeError: kaput second line\n"


def test_recursion_while_loading_is_a_model_error(tri, monkeypatch, capsys):
    def deep(source):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(govgame.model.loader, "load_model", deep)
    assert main(["analyze", tri]) == 2
    assert capsys.readouterr().err.startswith("govgame: error: ")


def test_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("govgame ")
