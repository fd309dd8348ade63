from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pytest
import sympy

import govgame.numerics.sweep as sweep_mod
from conftest import PRISONERS_DILEMMA
from govgame.analysis.equilibria import Equilibrium, Kind
from govgame.cli.args import parse_vary
from govgame.errors import ParameterError
from govgame.io.json import sweep_to_dict
from govgame.model import Game, Parameter, Population
from govgame.numerics.sweep import sensitivity, sweep


def three_party():
    """A 3-population binary game with three parameters (sign-constrained)."""
    a = Parameter("a", value=1.0, sign="any")
    b = Parameter("b", value=0.5)
    c = Parameter("c", value=2.0, sign="positive")
    A, B, C = a.symbol, b.symbol, c.symbol
    pops = tuple(Population(n, ("p", "q"), (s,)) for n, s in (("gov", "x"), ("ent", "y"), ("con", "z")))
    pay = {}
    for prof in itertools.product("pq", repeat=3):
        x, y, z = (1 if s == "p" else 0 for s in prof)
        pay[prof] = (
            A * x * y - B * x + z * (1 - x),
            C * y * z - (1 - x) * y + B * (1 - y) * x,
            A * z * y - C * z * (1 - x) + B * (1 - z),
        )
    return Game(name="three", populations=pops, parameters=(a, b, c), payoffs=pay)


def independent_ess(game, values):
    pay = {pr: [float(v.subs(game.subs_map(values))) for v in game.payoffs[pr]] for pr in game.profiles}
    out = []
    for prof in game.profiles:
        ok = True
        for p, pop in enumerate(game.populations):
            for s in pop.strategies:
                if s != prof[p]:
                    alt = list(prof)
                    alt[p] = s
                    ok &= pay[tuple(alt)][p] < pay[prof][p]
        if ok:
            out.append("/".join(prof))
    return out


VARY = {"a": np.linspace(-1.0, 2.0, 4), "b": np.linspace(0.0, 1.0, 3)}


@pytest.fixture(scope="module")
def serial():
    g = three_party()
    return g, sweep(g, VARY, params=g.values(), progress=False)


def test_cells_row_major_ess_and_shares(serial):
    g, res = serial
    combos = list(itertools.product(*VARY.values()))
    assert [tuple(c.params.values()) for c in res.cells] == combos
    assert res.shape == (4, 3) and res.outcome_grid().shape == (4, 3)
    for c in res.cells:
        assert list(c.params) == ["a", "b"]
        assert list(c.ess) == independent_ess(g, {**g.values(), **c.params})
        assert math.isclose(math.fsum(c.reached.values()), 1.0)
        assert all(v > 0 for v in c.reached.values())
        # every run that settles at a vertex settles at a stable one
        for key in c.reached:
            if "/" in key:
                assert key in c.ess


def test_json_shape(serial):
    g, res = serial
    d = json.loads(json.dumps(sweep_to_dict(res)))
    assert list(d) == ["model", "vary", "grid", "cells"]
    assert d["vary"] == {k: list(v) for k, v in VARY.items()} and d["grid"] == 3
    assert list(d["cells"][0]) == ["values", "ess", "reached"]


def test_workers_and_dask_give_identical_json(serial, monkeypatch):
    from distributed import LocalCluster

    g, res = serial
    monkeypatch.setattr(sweep_mod, "RUNS_PER_CHUNK", 60)  # several chunks of cells
    want = json.dumps(sweep_to_dict(res))
    local = sweep(g, VARY, params=g.values(), workers=2, progress=False)
    assert json.dumps(sweep_to_dict(local)) == want
    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cluster:
        remote = sweep(g, VARY, params=g.values(), scheduler=cluster.scheduler_address, progress=False)
    assert json.dumps(sweep_to_dict(remote)) == want


def test_rest_points_computed_lazily_and_used():
    """With e = 0 population a is indifferent: runs end on the edge y = 1 (a continuum of rest points)
    away from the vertices; with e = 1 every run ends at the vertex (p, p)."""
    e = Parameter("e", value=1.0)
    pops = (Population("a", ("p", "q"), ("x",)), Population("b", ("p", "q"), ("y",)))
    pay = {("p", "p"): (e.symbol, 1), ("p", "q"): (e.symbol, 0), ("q", "p"): (0, 1), ("q", "q"): (0, 0)}
    g = Game(name="edge", populations=pops, parameters=(e,), payoffs=pay)
    calls = []

    def rest_points(values):
        calls.append(values["e"])
        return [
            Equilibrium("E5", Kind.CONTINUUM, (sympy.Symbol("x"), sympy.S(1)), numeric_point=(None, 1.0), free=(0,))
        ]

    res = sweep(g, {"e": [0.0, 1.0]}, params={}, grid=3, progress=False, rest_points=rest_points)
    assert calls == [0.0]  # only the cell that needs it
    assert res.cells[0].reached == {"E5": 1.0}
    assert res.cells[1].reached == {"p/p": 1.0} and res.cells[1].ess == ("p/p",)


def test_vary_parsing_and_validation():
    g = three_party()
    assert parse_vary("a=0:1:5")[1].tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    for bad in ["a=0:1", "a:0:1:3", "a=x:1:3", "a=0:1:0", "a=0:1:2.5", "1a=0:1:3"]:
        with pytest.raises(ParameterError):
            parse_vary(bad)
    with pytest.raises(ParameterError, match="unknown parameter"):
        sweep(g, {"nope": [1.0]}, params=g.values(), progress=False)
    with pytest.raises(ParameterError, match="sign"):
        sweep(g, {"c": [0.0, 1.0]}, params=g.values(), progress=False)  # c must be positive


def test_sensitivity_logistic():
    dd = Parameter("d", value=1.0, sign="any")
    pops = (Population("a", ("p", "q"), ("x",)), Population("b", ("p", "q"), ("y",)))
    pay = {("p", "p"): (dd.symbol, 1), ("p", "q"): (dd.symbol, 0), ("q", "p"): (0, 1), ("q", "q"): (0, 0)}
    g = Game(name="sens", populations=pops, parameters=(dd,), payoffs=pay)
    t = np.linspace(0, 3, 7)
    s = sensitivity(g, "d", [-1.0, 0.5, 2.0], params={}, x0=[0.3, 0.5], t_end=3.0, t_eval=t)
    assert s.paths.shape == (3, 7, 2)
    for D, path in zip(s.levels, s.paths):
        exact = 0.3 * np.exp(D * t) / (0.7 + 0.3 * np.exp(D * t))
        assert np.max(np.abs(path[:, 0] - exact)) < 1e-5


def test_cli_sweep_json_and_errors(tmp_path, capsys):
    from govgame.cli import main

    path = tmp_path / "pd.toml"
    path.write_text(PRISONERS_DILEMMA)
    assert main(["sweep", str(path), "--vary", "b=2:4:3", "--grid", "2", "--format", "json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["vary"] == {"b": [2.0, 3.0, 4.0]} and d["grid"] == 2
    assert [c["ess"] for c in d["cells"]] == [["d/d"], ["d/d"], ["c/c", "d/d"]]
    for vary, needle in [("b=0:1", "NAME=START:STOP:NUM"), ("b=0:1:0", "NUM must be"), ("b=-1:1:3", "sign")]:
        assert main(["sweep", str(path), "--vary", vary]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("govgame: error:") and needle in err[0]
