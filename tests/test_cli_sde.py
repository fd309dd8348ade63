"""``govgame simulate --sigma`` and ``govgame analyze --sigma`` (SPEC §6) through the command's entry point."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest

from conftest import PRISONERS_DILEMMA, THREE_STRATEGIES
from govgame.analysis.pipeline import analyze
from govgame.analysis.stochastic import stochastic_stability
from govgame.cli import main
from govgame.model.loader import loads_model

# (c, c) pays b = 2, (d, d) pays 1, miscoordination 0: a coordination game
COORDINATION = PRISONERS_DILEMMA.replace("row = 0\ncol = 3", "row = 0\ncol = 0").replace(
    "row = 3\ncol = 0", "row = 0\ncol = 0"
)
assert COORDINATION.count("col = 0") == 2


@pytest.fixture
def coord(tmp_path):
    path = tmp_path / "coord.toml"
    path.write_text(COORDINATION)
    return str(path)


def run_json(capsys, argv):
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_simulate_json_is_spec_section_6(coord, capsys):
    argv = ["simulate", coord, "--grid", "2", "--sigma", "0.6", "--sigma", "col=0.2", "--paths", "7", "--seed", "3"]
    d = run_json(capsys, [*argv, "--t-end", "30", "--dt", "0.02", "--format", "json"])
    assert list(d)[:5] == ["model", "state", "parameters", "t_end", "stochastic"]
    assert d["stochastic"] == {"sigma": {"row": 0.6, "col": 0.2}, "noise": "tangent", "scheme": "milstein",
                               "dt": 0.02, "seed": 3, "paths": 7}  # fmt: skip
    assert len(d["runs"]) == 4 * 7 and sum(d["summary"].values()) == 28
    assert [r["path"] for r in d["runs"]] == list(range(7)) * 4
    for r in d["runs"]:
        assert set(r) >= {"from", "to", "reached", "profile", "path", "left_state_space"}
        if r["reached"] is not None:
            assert (
                r["reached"] in {"E1", "E4"} and max(abs(a - b) for a, b in zip(r["to"], _vertex(r["profile"]))) <= 1e-3
            )
    # the same command gives the same JSON; another seed does not (workers: see test_sde.py)
    again = run_json(capsys, [*argv, "--t-end", "30", "--dt", "0.02", "--format", "json"])
    assert again == d
    other = run_json(capsys, [*argv[:-1], "4", "--t-end", "30", "--dt", "0.02", "--format", "json"])
    assert other["runs"] != d["runs"]


def _vertex(profile):
    return [1.0 if s == "c" else 0.0 for s in profile]


def test_simulate_text_markdown_latex(coord, capsys):
    base = ["simulate", coord, "--from", "0.5,0.5", "--sigma", "0.8", "--paths", "20", "--t-end", "20"]
    assert main(base) == 0
    out = capsys.readouterr().out
    assert "20 paths from each of 1 starts" in out and "Itô SDE, tangent noise" in out and "Summary (paths):" in out
    for fmt, needle in (("markdown", "| from | outcome |"), ("latex", r"\toprule")):
        assert main([*base, "--format", fmt]) == 0
        assert needle in capsys.readouterr().out


def test_linear_noise_says_so_once_and_reports_paths_that_leave(coord, capsys):
    d = run_json(
        capsys,
        ["simulate", coord, "--from", "0.9,0.9", "--sigma", "0.5", "--noise", "linear", "--paths", "30", "--format",
         "json"],
    )  # fmt: skip
    assert len(d["notes"]) == 1 and "does not keep the state space" in d["notes"][0]
    left = [r for r in d["runs"] if r["left_state_space"]]
    assert left and d["summary"]["left-state-space"] == len(left)
    assert all(max(r["to"]) > 1 or min(r["to"]) < 0 for r in left)  # the first state outside, not clipped
    assert all(r["reached"] is None and r["t_stop"] < 100 for r in left)


def test_trajectories_csv_holds_every_sampled_path(coord, capsys, tmp_path):
    out = tmp_path / "paths.csv"
    d = run_json(
        capsys,
        ["simulate", coord, "--grid", "1", "--sigma", "0.5", "--paths", "3", "--t-end", "10", "--trajectories",
         str(out), "--format", "json"],
    )  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert list(rows[0]) == ["start", "path", "t", "x", "y"]
    assert len(rows) == 3 * 201
    last = [r for r in rows if float(r["t"]) == 10.0]
    assert [[float(r["x"]), float(r["y"])] for r in last] == [run["to"] for run in d["runs"]]
    det = tmp_path / "det.csv"
    assert main(["simulate", coord, "--grid", "1", "--t-end", "10", "--trajectories", str(det)]) == 0
    rows = list(csv.DictReader(io.StringIO(det.read_text())))
    assert list(rows[0]) == ["run", "t", "x", "y"] and float(rows[0]["x"]) == 0.5


def test_plots_of_paths_and_of_several_intensities(coord, capsys, tmp_path):
    one, many = tmp_path / "one.png", tmp_path / "many.png"
    assert main(["simulate", coord, "--from", "0.5,0.4", "--sigma", "0.5", "--paths", "10", "--plot", str(one)]) == 0
    capsys.readouterr()
    argv = ["simulate", coord, "--from", "0.5,0.4", "--sigma", "0.2", "--sigma", "1", "--paths", "10", "--format"]
    d = run_json(capsys, [*argv, "json", "--plot", str(many)])
    assert one.stat().st_size > 0 and many.stat().st_size > 0
    assert list(d) == ["model", "state", "parameters", "t_end", "ensembles"]
    assert [e["stochastic"]["sigma"]["row"] for e in d["ensembles"]] == [0.2, 1.0]


def test_deterministic_output_unchanged_without_sigma(coord, capsys):
    d = run_json(capsys, ["simulate", coord, "--grid", "2", "--format", "json"])
    assert "stochastic" not in d and all("path" not in r for r in d["runs"])
    a = run_json(capsys, ["analyze", coord, "--format", "json"])
    assert "stochastic" not in a and all("stochastic" not in e for e in a["equilibria"])


@pytest.mark.parametrize(
    "argv,needle",
    [
        (["--sigma", "-0.5"], "--sigma -0.5: a noise intensity must be >= 0"),
        (["--sigma", "nobody=1"], 'no population "nobody"'),
        (["--sigma", "x"], "expected S or NAME=S"),
        (["--sigma", "inf"], "must be a finite number"),
        (["--sigma", "1", "--dt", "0"], "argument --dt: expected a positive number"),
        (["--sigma", "1", "--dt", "-0.1"], "argument --dt: expected a positive number"),
        (["--sigma", "1", "--paths", "0"], "argument --paths: expected a positive integer"),
        (["--sigma", "1", "--seed", "-3"], "argument --seed: expected a whole number >= 0"),
        (["--sigma", "1", "--noise", "white"], "argument --noise: invalid choice"),
        (["--sigma", "1", "--dt", "500"], "--dt 500 is longer than --t-end 100"),
        (["--paths", "10"], "--paths applies to stochastic runs: give the noise intensity with --sigma S"),
        (["--scheme", "euler"], "--scheme applies to stochastic runs"),
        (["--workers", "2"], "--workers applies to stochastic runs"),
        (["--sigma", "1", "--sigma", "2", "--trajectories", "p.csv"], "--trajectories writes the paths of one"),
    ],
)
def test_simulate_bad_options(coord, capsys, argv, needle):
    assert main(["simulate", coord, *argv]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("govgame: error:") and needle in err[-1]
    assert not any("Traceback" in line for line in err)


def test_analyze_sigma_json(capsys, tmp_path):
    path = tmp_path / "k3.toml"
    path.write_text(THREE_STRATEGIES)
    d = run_json(capsys, ["analyze", str(path), "--sigma", "0.5", "--sigma", "recycler=1.5", "--format", "json"])
    assert d["stochastic"]["sigma"] == {"regulator": 0.5, "recycler": 1.5} and d["stochastic"]["noise"] == "tangent"
    game = loads_model(THREE_STRATEGIES)
    want = stochastic_stability(analyze(game), {"regulator": 0.5, "recycler": 1.5})
    vertices = [e for e in d["equilibria"] if e["kind"] == "pure"]
    assert len(vertices) == 6 and all("stochastic" not in e for e in d["equilibria"] if e["kind"] != "pure")
    for e in vertices:
        v = want[e["name"]]
        st = e["stochastic"]
        assert len(st["almost_sure"]) == len(st["mean_square"]) == len(e["eigenvalues"]) == 3
        assert st["populations"] == list(v.populations)
        assert np.allclose(st["numeric"]["almost_sure_exponents"], v.almost_sure_exponents)
        lams = [float(x) if not isinstance(x, dict) else x["re"] for x in e["numeric"]["eigenvalues"]]
        sig = [0.5 if who == "regulator" else 1.5 for who in st["populations"]]
        assert sorted(np.array(st["numeric"]["almost_sure_exponents"]) + np.square(sig) / 2) == pytest.approx(
            sorted(lams)
        )
        assert st["numeric"]["almost_sure"] == all(x < 0 for x in st["numeric"]["almost_sure_exponents"])
    lin = run_json(capsys, ["analyze", str(path), "--sigma", "0.5", "--noise", "linear", "--format", "json"])
    rest = [e["name"] for e in lin["equilibria"] if e["kind"] == "pure" and e["stochastic"]["rest_point"]]
    assert len(rest) == 1 and any("not keep the state space" in n for n in lin["notes"])


def test_analyze_sigma_text_and_errors(coord, capsys):
    assert main(["analyze", coord, "--sigma", "2"]) == 0
    out = capsys.readouterr().out
    assert "Stochastic stability under the linearisation" in out and "a.s.: yes" in out
    for argv, needle in [
        (["--sigma", "1", "--sigma", "2"], "analyze takes one --sigma S"),
        (["--noise", "linear"], "--noise sets the noise form of the stochastic conditions: give --sigma S"),
        (["--sigma", "-2"], "a noise intensity must be >= 0"),
        (["--sigma", "1", "--paths", "5"], "unrecognized arguments: --paths 5"),
    ]:
        assert main(["analyze", coord, *argv]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert err[-1].startswith("govgame: error:") and needle in err[-1]
