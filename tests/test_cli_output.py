"""What the command prints and writes, as a user reads it: widths, names, numbers, CSV, figures, messages."""

from __future__ import annotations

import csv
import io
import json
import os
import pathlib
import re
import subprocess
import sys

import pytest

from govgame.cli import main
from govgame.model.loader import load_model


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _names(game) -> list[str]:
    return [*game.parameter_names, *("/".join(p) for p in game.profiles)]


# --------------------------------------------------------------------------- analyze
@pytest.mark.parametrize("model", ["battery_recycling", "battery_four_party"])
def test_analyze_text_fits_100_columns_and_never_splits_a_name(capsys, model):
    status, out, _ = _run(capsys, "analyze", model)
    assert status == 0
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 100  # not a terminal: 100 columns
    game = load_model(model)
    words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_/]*", out))
    for key in ("/".join(p) for p in game.profiles):
        assert key in words, f"profile {key} split or missing"
    for line in lines:  # a line never ends inside a name (a name is never continued on the next line)
        assert not re.search(r"[A-Za-z0-9]_$", line) and not re.match(r"\s*_[A-Za-z]", line)
    assert not re.search(r"\d\.\d{7,}", out), "floating-point noise"
    assert not re.search(r"\de-1[0-9]", out), "floating-point noise"
    assert "never ESS together" not in out  # pairs are summarised, not listed one by one
    assert out.count("excludes each other") == 1


def test_analyze_brief_says_what_decides_the_outcome(capsys):
    _, full, _ = _run(capsys, "analyze", "battery_recycling")
    status, brief, _ = _run(capsys, "analyze", "battery_recycling", "--brief")
    assert status == 0 and len(brief.splitlines()) < len(full.splitlines()) / 2
    assert "ESS E5 strict/informal/sell_informal, E8 strict/formal/return" in brief.replace("\n  ", " ")
    assert max(len(line) for line in brief.splitlines()) <= 100


def test_witnesses_show_only_the_parameters_of_the_conditions(capsys):
    _, out, _ = _run(capsys, "analyze", "battery_recycling")
    block = out[out.index("E8  pure") :].split("\nE9")[0]
    witness = block[block.index("e.g.") :]
    assert "E_g" not in witness  # the environmental benefit enters no ESS condition of E8
    assert "S_e" in witness


# --------------------------------------------------------------------------- scenarios
def test_scenarios_lists_every_scenario(capsys):
    game = load_model("battery_recycling")
    status, out, _ = _run(capsys, "scenarios", "battery_recycling")
    assert status == 0
    for sc in game.scenarios:
        assert f"\n{sc.name}\n" in out
    assert "expects: lax/informal/sell_informal" in out
    status, out, _ = _run(capsys, "scenarios", "battery_recycling", "--format", "json")
    data = json.loads(out)
    assert [s["name"] for s in data["scenarios"]] == [sc.name for sc in game.scenarios]


# --------------------------------------------------------------------------- CSV
def _rps_period(start: tuple[float, float]) -> float:
    """Period of the zero-sum rock-paper-scissors orbit through ``start``: returns to a section, by solve_ivp."""
    import numpy as np
    from scipy.integrate import solve_ivp

    A = np.array([[0, -1, 1], [1, 0, -1], [-1, 1, 0]], float)  # a = b = 1: win +1, loss -1

    def f(_t, s):
        y = np.array([s[0], s[1], 1 - s[0] - s[1]])
        u = A @ y
        return [y[0] * (u[0] - y @ u), y[1] * (u[1] - y @ u)]

    def section(_t, s):
        return s[1] - start[1]

    section.direction = float(np.sign(f(0, start)[1]))
    run = solve_ivp(f, (0, 100), list(start), events=section, rtol=1e-11, atol=1e-12)
    crossings = run.t_events[0][run.t_events[0] > 1e-6]
    return float(crossings[1] - crossings[0])


def test_simulate_text_names_cycles_with_their_period_and_explains_them(capsys):
    status, out, _ = _run(capsys, "simulate", "rock_paper_scissors", "--from", "0.3,0.3", "--from", "0.1,0.1",
                          "--t-end", "200")  # fmt: skip
    assert status == 0
    rows = [line for line in out.splitlines() if line.strip().startswith("(0.")]
    assert len(rows) == 2
    for row, start in zip(rows, [(0.3, 0.3), (0.1, 0.1)]):
        period = float(re.search(r"cycle around E4, period ([0-9.]+)", row).group(1))
        assert period == pytest.approx(_rps_period(start), rel=2e-3)  # printed to 4 digits
    assert "cycle around E4  2" in out
    assert "cycle: the run settled on a closed orbit" in out and "heteroclinic:" not in out


def test_simulate_text_explains_heteroclinic_runs(capsys):
    status, out, _ = _run(capsys, "simulate", "rock_paper_scissors", "--scenario", "losses_outweigh_wins",
                          "--from", "0.3,0.3", "--t-end", "400")  # fmt: skip
    assert status == 0
    assert re.search(r"heteroclinic, near E[123]", out)
    assert "heteroclinic: the run keeps passing ever closer to a ring of saddles" in out
    assert max(len(line) for line in out.splitlines()) <= 100


def test_simulate_csv_has_one_parsable_row_per_run(capsys):
    status, out, _ = _run(capsys, "simulate", "battery_recycling", "--grid", "2", "--format", "csv")
    assert status == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 8
    assert list(rows[0]) == ["from_x", "from_y", "from_z", "to_x", "to_y", "to_z", "reached", "outcome", "period"]
    assert {float(r["from_x"]) for r in rows} == {1 / 3, 2 / 3}
    _, js, _ = _run(capsys, "simulate", "battery_recycling", "--grid", "2", "--format", "json")
    runs = json.loads(js)["runs"]
    assert [r["reached"] or None for r in rows] == [r["reached"] for r in runs]


def test_sweep_csv_one_row_per_cell_and_text_summarised(capsys):
    argv = ["sweep", "battery_recycling", "--vary", "S_e=0:5:6", "--vary", "F_e=0:10:5", "--grid", "2"]
    status, out, _ = _run(capsys, *argv, "--format", "csv")
    assert status == 0
    rows = list(csv.reader(io.StringIO(out)))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["S_e", "F_e", "ess"] and all(h.startswith("reached:") for h in header[3:])
    assert len(body) == 30
    for row in body:
        shares = [float(v) for v in row[3:]]
        assert abs(sum(shares) - 1.0) < 1e-9
    status, text, _ = _run(capsys, *argv)
    lines = text.splitlines()
    assert len(lines) < 40 and max(len(line) for line in lines) <= 100
    assert "Region map" in text and "Key" in text and "none: no run had settled" in text


# --------------------------------------------------------------------------- plot
@pytest.mark.parametrize(
    "argv",
    [
        ["timeseries", "--vary", "F_e=0,3,6"],
        ["phase"],
        ["region", "--vary", "S_e=0:5:3", "--vary", "F_e=0:10:3", "--grid", "1", "--style", "grey"],
        ["basins", "--grid", "2", "--style", "slides"],
        ["sensitivity", "--vary", "F_e=0:10:3", "--grid", "1", "--size", "4,3"],
    ],
    ids=lambda a: a[0],
)
def test_plot_writes_the_figure(capsys, tmp_path, argv):
    out = tmp_path / f"{argv[0]}.pdf"
    status, printed, err = _run(capsys, "plot", "battery_recycling", *argv, "--t-end", "30", "-o", str(out))
    assert status == 0, err
    assert printed.strip() == str(out)
    assert out.read_bytes().startswith(b"%PDF")


def test_plot_models_with_more_than_three_shares(capsys, tmp_path):
    out = tmp_path / "p.png"
    status, _, err = _run(capsys, "plot", "battery_echelon", "phase", "--coords", "x,y1,z", "--t-end", "20", "-o",
                          str(out), "--dpi", "80")  # fmt: skip
    assert status == 0, err
    assert out.read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize(
    "argv, message",
    [
        (["region", "--vary", "S_e=0:5:3"], "needs 2 --vary"),
        (["phase", "--size", "3"], "--size"),
        (["phase", "--coords", "x,q,z"], "--coords"),
        (["timeseries", "--vary", "F_e=-1,2"], "--vary F_e"),
        (["phase", "-o", "fig.jpg"], "suffix"),
        (["phase", "--font", "No Such Font 987"], "not installed"),
        (["timeseries", "--from", "0.5,0.5"], "--from"),
    ],
)
def test_plot_bad_options_give_one_error_line(capsys, argv, message):
    status, out, err = _run(capsys, "plot", "battery_recycling", *argv)
    assert status == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("govgame: error:") and message in lines[0]
    assert "Traceback" not in err


# --------------------------------------------------------------------------- report
def test_report_options_and_compile_message(capsys, tmp_path):
    status, out, err = _run(capsys, "report", "battery_recycling", "--out", str(tmp_path), "--vary", "S_e=0,2,4",
                            "--vary", "F_e", "--from", "0.3,0.3,0.3", "--t-end", "20", "--grid", "1",
                            "--region-grid", "2")  # fmt: skip
    assert status == 0, err
    assert "latexmk -pdf report.tex" in err and "pdflatex report.tex 3 times" in err
    tex = (tmp_path / "report.tex").read_text()
    assert "family_S_e" in tex and "(0.3, 0.3, 0.3)" in tex and "t \\le 20" in tex


# --------------------------------------------------------------------------- simulate --plot with many starts
def test_simulate_plot_draws_evenly_chosen_runs_and_counts_them_all(capsys, tmp_path, monkeypatch):
    import numpy as np

    from govgame import plot
    from govgame.cli import simulate as cli_simulate

    drawn = {}
    real = plot.phase_portrait_3d

    def spy(game, paths, **kwargs):
        drawn["paths"] = np.asarray(paths)
        return real(game, paths[:3], **kwargs)  # drawing three is enough for the file

    monkeypatch.setattr(plot, "phase_portrait_3d", spy)
    monkeypatch.setattr(cli_simulate, "DRAWN", 40)
    out = tmp_path / "p.png"
    status, text, _ = _run(capsys, "simulate", "battery_recycling", "--grid", "4", "--t-end", "20", "--plot",
                           str(out), "--format", "json")  # fmt: skip
    assert status == 0 and out.stat().st_size > 0
    runs = json.loads(text)["runs"]
    assert len(runs) == 64  # every run is integrated and reported
    paths = drawn["paths"]
    assert paths.shape == (40, 401, 3)
    chosen = np.unique(np.linspace(0, 63, 40).round().astype(int))
    np.testing.assert_allclose(paths[:, 0], [runs[i]["from"] for i in chosen])  # the drawn runs are those starts ...
    np.testing.assert_allclose(paths[:, -1], [runs[i]["to"] for i in chosen], atol=1e-6)  # ... and end where reported


def test_a_command_collects_garbage_rarely_and_restores_the_collector(capsys, monkeypatch):
    """While a command runs, the youngest generation is collected after GC_THRESHOLD allocations, not 700;
    an in-process call leaves the collector's thresholds as it found them (also after an error)."""
    import gc

    import govgame.cli as cli
    import govgame.cli.models as models

    seen = []
    real_run = models.run
    monkeypatch.setattr(models, "run", lambda args: seen.append(gc.get_threshold()) or real_run(args))
    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 9, 8)
        assert main(["models"]) == 0
        assert gc.get_threshold() == (700, 9, 8)
        assert seen == [(cli.GC_THRESHOLD, 9, 8)]
        assert main(["analyze", "/no/such/model.toml"]) == 2
        assert gc.get_threshold() == (700, 9, 8)
    finally:
        gc.set_threshold(*before)
    capsys.readouterr()


def test_the_program_freezes_the_collector_at_its_end_and_still_prints_and_exits_as_before(capsys, tmp_path):
    """Run as the program (no ``argv``), ``main`` imports the command's module with the collector paused and
    freezes what it made, and ends with ``gc.freeze()`` (the shutdown's collections then skip the command's
    objects). The program's output is byte for byte the in-process call's, its exit handlers still run, the
    collector is on again and collects garbage made later, a failed import re-enables it too, a collector
    turned off before stays off; an in-process call freezes nothing."""
    import gc

    import govgame.cli as cli

    frozen = gc.get_freeze_count()
    assert main(["analyze", "hawk_dove"]) == 0
    expected = capsys.readouterr().out
    assert gc.get_freeze_count() == frozen
    assert cli._import_command("govgame.cli.analyze", program=False).run
    assert gc.get_freeze_count() == frozen and gc.isenabled()
    script = (
        "import atexit, gc, sys\n"
        "from govgame.cli import _import_command, main\n"
        "_import_command('govgame.cli.analyze', program=True)\n"
        "at_import = gc.get_freeze_count()\n"
        "imported = (at_import > 10_000, 'sympy' in sys.modules and 'numpy' in sys.modules, gc.isenabled())\n"
        "sys.argv = ['govgame', 'analyze', 'hawk_dove']\n"
        "status = main()\n"
        "at_end = (gc.get_freeze_count() > at_import, gc.isenabled())\n"
        "class Cycle:\n"
        "    pass\n"
        "c = Cycle()\n"
        "c.me = c\n"
        "del c\n"
        "collected = gc.collect() > 0\n"
        "try:\n"
        "    _import_command('govgame.cli.no_such_command', program=True)\n"
        "except ImportError:\n"
        "    pass\n"
        "enabled_after_failure = gc.isenabled()\n"
        "gc.disable()\n"
        "_import_command('govgame.cli.models', program=True)\n"
        "checks = (*imported, *at_end, collected, enabled_after_failure, gc.isenabled())\n"
        "gc.enable()\n"
        "atexit.register(lambda: sys.stderr.write(f'exit handler ran; {checks}\\n'))\n"
        "raise SystemExit(status)\n"
    )
    root = pathlib.Path(__file__).resolve().parents[1]
    proc = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env=dict(os.environ, PYTHONPATH=str(root)),
    )
    assert (proc.returncode, proc.stderr) == (
        0,
        "exit handler ran; (True, True, True, True, True, True, True, False)\n",
    )
    assert proc.stdout == expected
