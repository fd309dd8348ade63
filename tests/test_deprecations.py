"""The old import paths and keyword names keep working for one release, each with a DeprecationWarning.

Every old module warns when imported (naming its new place) and hands out the very objects of
the new modules; ``govgame.simulate`` / ``govgame.sweep`` are both functions and importable modules,
in either import order (checked in fresh processes).
"""

from __future__ import annotations

import importlib
import subprocess
import sys
import warnings

import numpy as np
import pytest

import govgame
from conftest import PRISONERS_DILEMMA

#: old module -> the new modules its names now live in (the warning names the first).
OLD = {
    "govgame.conditions": ["govgame.analysis.regions"],
    "govgame.dynamics": ["govgame.analysis.dynamics"],
    "govgame.equilibria": ["govgame.analysis.equilibria"],
    "govgame.stability": ["govgame.analysis.stability", "govgame.analysis.pipeline", "govgame.analysis.verdicts"],
    "govgame.simulate": [
        "govgame.numerics.integrate",
        "govgame.numerics.starts",
        "govgame.numerics.coordinates",
        "govgame.numerics.outcomes",
        "govgame.io.json",
    ],
    "govgame.sweep": ["govgame.numerics.sweep", "govgame.cli.args"],
    "govgame.export": [
        "govgame.io.json",
        "govgame.io.text",
        "govgame.io.markdown",
        "govgame.io.latex",
        "govgame.io._format",
    ],
    "govgame.report": ["govgame.cli.report"],
    "govgame.loader": ["govgame.model.loader", "govgame.model.shipped"],
    "govgame.expr": ["govgame.model.expr"],
    "govgame._kernel": ["govgame.numerics.kernel"],
}

#: Names each old module had (the old ``__all__``), which must still be importable from it.
OLD_NAMES = {
    "govgame.stability": ["Verdict", "NumericStability", "Stability", "Analysis", "analyze", "stability",
                          "numeric_verdict", "TOL", "vertex_eigenvalues", "symbolic_verdict"],
    "govgame.simulate": ["Trajectories", "grid_starts", "check_starts", "simulate", "vertex_equilibria", "classify",
                         "outcome_key", "outcomes", "basins", "simulation_to_dict", "to_full", "to_reduced"],
    "govgame.sweep": ["Cell", "SweepResult", "Sensitivity", "sweep", "sensitivity", "parse_vary"],
    "govgame.export": ["LATEX_PACKAGES", "format_expr", "analysis_to_dict", "analysis_text", "analysis_markdown",
                       "analysis_mathjax", "payoff_matrix_mathjax", "latex_escape", "latex_expr", "payoff_matrix_latex",
                       "replicator_latex", "jacobian_latex", "equilibria_latex", "numeric_latex", "parameters_latex",
                       "analysis_latex", "latex_document"],
    "govgame.report": ["write_report", "key_parameters"],
    "govgame.loader": ["load_model", "loads_model", "game_from_dict", "shipped_models", "model_path", "MAX_FILE_SIZE"],
    "govgame.dynamics": ["Dynamics", "replicator", "numeric_payoffs", "NumericDynamics"],
    "govgame.equilibria": ["Kind", "Equilibrium", "Face", "find_equilibria", "vertex_point", "faces"],
    "govgame.conditions": ["Feasibility", "Region", "as_condition"],
    "govgame.expr": ["parse_expression", "parse_relation", "format_expression", "MAX_LENGTH", "MAX_DEPTH"],
    "govgame._kernel": ["STATUS", "VERTEX_TOL", "pack", "stable_vertices", "integrate", "warm", "CONVERGED"],
}  # fmt: skip


def _fresh_import(name: str):
    """Import ``name`` anew, returning the module and the warnings its import emitted."""
    sys.modules.pop(name, None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        module = importlib.import_module(name)
    return module, [w for w in caught if issubclass(w.category, DeprecationWarning)]


@pytest.mark.parametrize("old", sorted(OLD))
def test_old_module_warns_and_hands_out_the_new_objects(old):
    module, caught = _fresh_import(old)
    assert len(caught) == 1, [str(w.message) for w in caught]
    message = str(caught[0].message)
    assert old in message and OLD[old][0] in message
    assert caught[0].filename == __file__  # the warning points at the importing line, not at importlib
    new_modules = [importlib.import_module(m) for m in OLD[old]]
    assert set(OLD_NAMES[old]) <= set(module.__all__)
    for name in module.__all__:
        if name == "CLASSIFY_TOL":
            continue
        homes = [m for m in new_modules if name in vars(m)]
        assert homes, f"{old}.{name} is in no new module"
        assert getattr(module, name) is vars(homes[0])[name], f"{old}.{name}"


def test_old_constant_names():
    from govgame.numerics import outcomes

    simulate_mod, _ = _fresh_import("govgame.simulate")
    assert simulate_mod.CLASSIFY_TOL == outcomes.REACH_TOL == 1e-3
    with pytest.warns(DeprecationWarning, match="REACH_TOL"):
        assert outcomes.CLASSIFY_TOL == 1e-3


SIMULATE_FIRST_FUNCTION = """
import warnings; warnings.simplefilter("ignore", DeprecationWarning)
import govgame
from govgame.model import loads_model
game = loads_model('''{model}''')
a = govgame.simulate(game, [0.5, 0.5], params={{"b": 1.0}}).final.round(6).tolist()
from govgame.simulate import grid_starts, simulate
b = govgame.simulate(game, [0.5, 0.5], params={{"b": 1.0}}).final.round(6).tolist()
assert a == b == [[0.0, 0.0]], (a, b)
assert simulate is govgame.numerics.integrate.simulate and grid_starts(game, 1).tolist() == [[0.5, 0.5]]
r = govgame.sweep(game, {{"b": [1.0]}}, params={{}}, progress=False)
import govgame.sweep
assert govgame.sweep(game, {{"b": [1.0]}}, params={{}}, progress=False).cells == r.cells
print("ok")
"""

SIMULATE_FIRST_MODULE = """
import warnings; warnings.simplefilter("ignore", DeprecationWarning)
from govgame.simulate import grid_starts
import govgame.sweep
import govgame
from govgame import simulate, sweep
from govgame.model import loads_model
game = loads_model('''{model}''')
assert simulate(game, grid_starts(game, 1), params={{"b": 1.0}}).final.round(6).tolist() == [[0.0, 0.0]]
assert govgame.simulate(game, [0.5, 0.5], params={{"b": 1.0}}).final.round(6).tolist() == [[0.0, 0.0]]
assert len(sweep(game, {{"b": [1.0, 2.0]}}, params={{}}, progress=False).cells) == 2
assert govgame.sweep.SweepResult is govgame.numerics.sweep.SweepResult
print("ok")
"""


@pytest.mark.parametrize(
    "code", [SIMULATE_FIRST_FUNCTION, SIMULATE_FIRST_MODULE], ids=["function-first", "module-first"]
)
def test_simulate_and_sweep_are_functions_and_modules_in_any_order(code):
    proc = subprocess.run(
        [sys.executable, "-c", code.format(model=PRISONERS_DILEMMA)], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr


# --------------------------------------------------------------------------- renamed keywords
@pytest.fixture(scope="module")
def pd():
    from govgame.model import loads_model

    return loads_model(PRISONERS_DILEMMA)


def _same_with_warning(match, old, new):
    with pytest.warns(DeprecationWarning, match=match):
        got = old()
    assert got == new()


def test_renamed_tolerances(pd):
    from govgame.analysis.verdicts import numeric_verdict, vertex_ess, vertex_ess_mask
    from govgame.numerics import kernel
    from govgame.numerics.outcomes import classify, vertex_equilibria

    _same_with_warning(
        "eig_tol",
        lambda: numeric_verdict([-1.0, 1e-12], tol=1e-3),
        lambda: numeric_verdict([-1.0, 1e-12], eig_tol=1e-3),
    )
    _same_with_warning("eig_tol", lambda: numeric_verdict([-1.0], 1e-3), lambda: numeric_verdict([-1.0], eig_tol=1e-3))
    pay, _ = kernel.pack(pd.shape, [np.array([[2.0, 0.0], [3.0, 1.0]]), np.array([[2.0, 3.0], [0.0, 1.0]])])
    with pytest.warns(DeprecationWarning, match="eig_tol"):
        old = kernel.stable_vertices(pay, pd.shape, rtol=1e-9)
    assert (old == vertex_ess_mask(pay, pd.shape, eig_tol=1e-9)).all()
    _same_with_warning(
        "eig_tol",
        lambda: vertex_ess(pd, params={"b": 1.0}, rtol=1e-9).names,
        lambda: vertex_ess(pd, params={"b": 1.0}).names,
    )
    _same_with_warning(
        "params", lambda: vertex_ess(pd, {"b": 1.0}).names, lambda: vertex_ess(pd, params={"b": 1.0}).names
    )
    verts = vertex_equilibria(pd)
    final = [[0.0, 0.0005], [0.5, 0.5]]
    _same_with_warning(
        "reach_tol", lambda: classify(final, verts, tol=1e-3), lambda: classify(final, verts, reach_tol=1e-3)
    )


def test_renamed_analysis_options(pd):
    from govgame.analysis.dynamics import replicator
    from govgame.analysis.equilibria import find_equilibria
    from govgame.analysis.pipeline import analyze
    from govgame.analysis.stability import stability

    values = {"b": 1.0}
    with pytest.warns(DeprecationWarning, match="eig_tol"):
        a = analyze(pd, params=values, tol=1e-6)
    assert a.eig_tol == 1e-6
    with pytest.warns(DeprecationWarning, match="eig_tol"):
        assert a.tol == 1e-6
    dyn = replicator(pd)
    with pytest.warns(DeprecationWarning, match="params"):
        eqs = find_equilibria(dyn, values, symbolic=False)
    assert [e.name for e in eqs] == [e.name for e in find_equilibria(dyn, params=values, symbolic=False)]
    with pytest.warns(DeprecationWarning, match="params"):
        old = stability(dyn, eqs, values)
    assert [s.numeric.verdict for s in old] == [s.numeric.verdict for s in stability(dyn, eqs, params=values)]


def test_renamed_numerics_options(pd):
    from govgame.io.json import simulation_to_dict, sweep_to_dict
    from govgame.numerics.integrate import simulate
    from govgame.numerics.sweep import sensitivity, sweep

    traj = simulate(pd, [[0.5, 0.5]], params={"b": 1.0})
    with pytest.warns(DeprecationWarning, match="simulation_to_dict"):
        old = simulation_to_dict(pd, {"b": 1.0}, traj, tol=1e-3)
    assert old == simulation_to_dict(pd, traj)
    result = sweep(pd, {"b": [1.0, 4.0]}, params={}, progress=False)
    with pytest.warns(DeprecationWarning, match="sweep_to_dict"):
        assert result.to_dict() == sweep_to_dict(result)
    with pytest.warns(DeprecationWarning, match="Cell.params"):
        assert result.cells[1].values == {"b": 4.0}
    with pytest.warns(DeprecationWarning, match="reach_tol"):
        assert sweep(pd, {"b": [1.0, 4.0]}, params={}, progress=False, tol=1e-3).cells == result.cells
    with pytest.warns(DeprecationWarning, match="levels"):
        s = sensitivity(pd, "b", values=[1.0, 2.0], params={}, x0=[0.5, 0.5], t_end=1.0)
    with pytest.warns(DeprecationWarning, match="levels"):
        assert s.values.tolist() == s.levels.tolist() == [1.0, 2.0]


def test_renamed_display_options(pd):
    import matplotlib

    matplotlib.use("Agg")
    from govgame.io.text import describe_model
    from govgame.widgets import explore

    _same_with_warning("params", lambda: describe_model(pd, {"b": 2.0}), lambda: describe_model(pd, params={"b": 2.0}))
    with pytest.warns(DeprecationWarning, match="x0"):
        old = explore(pd, params={"b": 4.0}, starts=1, static=True, t_end=1.0)
    assert old.ess == explore(pd, params={"b": 4.0}, grid=1, static=True, t_end=1.0).ess
    import govgame.widgets as w

    with pytest.warns(DeprecationWarning, match="govgame.analysis.verdicts"):
        assert w.vertex_ess is govgame.analysis.verdicts.vertex_ess
    with pytest.warns(DeprecationWarning, match="TOL"):
        assert w.RTOL == govgame.analysis.verdicts.TOL
