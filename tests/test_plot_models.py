"""Integration: the 3-D phase portrait drawn from the real analysis of every shipped model.

Needs govgame.loader.load_model and govgame.stability.analyze; no skips on purpose.
"""

import itertools
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402, I001 (govgame.loader not yet present, so isort misplaces it)
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from scipy.integrate import solve_ivp  # noqa: E402

from govgame import plot  # noqa: E402
from govgame.analysis.dynamics import replicator  # noqa: E402
from govgame.model.loader import load_model  # noqa: E402
from govgame.analysis.pipeline import analyze  # noqa: E402

MODELS = sorted((Path(__file__).resolve().parent.parent / "models").glob("*.toml"))
#: The cube portrait is for models with three state coordinates; chosen at collection, so no test passes vacuously.
CUBE_MODELS = [p for p in MODELS if len(load_model(str(p)).state_names) == 3]


def test_models_are_shipped():
    assert any(p.name == "battery_recycling.toml" for p in MODELS)
    assert any(p.name == "battery_recycling.toml" for p in CUBE_MODELS)


@pytest.mark.parametrize("path", CUBE_MODELS, ids=lambda p: p.stem)
def test_phase_portrait_3d_of_shipped_model(path, tmp_path):
    game = load_model(str(path))
    params = game.values()
    analysis = analyze(game, params=params, symbolic=False)  # the picture needs the rest points at the values only
    f = replicator(game).numeric(params).f
    t = np.linspace(0.0, 50.0, 200)
    starts = [np.array(s) for s in itertools.product([0.25, 0.75], repeat=3)]
    paths = np.stack([solve_ivp(lambda _t, s: f(s), (0, 50), s, t_eval=t, rtol=1e-8).y.T for s in starts])
    ax = plot.phase_portrait_3d(game, paths, equilibria=analysis.equilibria)
    assert len(ax.lines) == len(starts)
    assert ax.get_xlim() == ax.get_ylim() == ax.get_zlim() == (0.0, 1.0)
    drawn = {c.get_gid().split(":", 1)[1] for c in ax.collections if (c.get_gid() or "").startswith("equilibrium:")}
    vertices = {st.equilibrium.name for st in analysis.equilibria if st.equilibrium.kind == "pure"}
    assert len(vertices) == 8 and vertices <= drawn
    assert game.populations[0].label in ax.get_xlabel()
    assert plot.save(ax, tmp_path / f"{game.name}.pdf").stat().st_size > 0
    plt.close("all")
