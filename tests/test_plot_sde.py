"""Figures of stochastic simulations: what is drawn is the data given (Agg backend)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_rgb  # noqa: E402

from govgame import plot  # noqa: E402
from govgame.model import Game, Population  # noqa: E402
from govgame.numerics import sde as _sde  # noqa: E402


def coordination():
    pops = (Population("row", ("l", "r"), ("x",)), Population("col", ("l", "r"), ("y",)))
    pay = {("l", "l"): (1, 1), ("l", "r"): (0, 0), ("r", "l"): (0, 0), ("r", "r"): (1, 1)}
    return Game(name="coord", populations=pops, parameters=(), payoffs=pay)


@pytest.fixture(scope="module")
def ensemble():
    g = coordination()
    ens = _sde.simulate_sde(g, [[0.5, 0.45]], params={}, sigma=0.8, t_end=10.0, paths=40, t_eval=np.linspace(0, 10, 51))
    return g, ens


def test_paths_mean_and_band_are_the_ensemble(ensemble, tmp_path):
    g, ens = ensemble
    mean, lo, hi = ens.band(0)
    axes = plot.stochastic_paths(g, ens.t, ens.samples[0], mean, lo, hi, max_paths=7)
    assert len(axes) == 2
    for col, ax in enumerate(axes):
        grey = [ln for ln in ax.lines if ln.get_linewidth() < 0.5]
        assert len(grey) == 7
        for ln, path in zip(grey, ens.samples[0, :7]):
            assert np.array_equal(ln.get_ydata(), path[:, col])
        means = [ln for ln in ax.lines if ln.get_label() == "mean"]
        assert len(means) == 1 and np.allclose(means[0].get_ydata(), ens.samples[0, :, :, col].mean(axis=0))
        dashed = [ln for ln in ax.lines if ln.get_linestyle() == "--"]
        assert np.allclose(dashed[0].get_ydata(), np.quantile(ens.samples[0, :, :, col], 0.05, axis=0))
        assert np.allclose(dashed[1].get_ydata(), np.quantile(ens.samples[0, :, :, col], 0.95, axis=0))
        assert np.all(lo[:, col] <= mean[:, col] + 1e-12) and np.all(mean[:, col] <= hi[:, col] + 1e-12)
    assert plot.save(axes, tmp_path / "paths.png").stat().st_size > 0


def test_noise_comparison_separates_intensities_by_colour_and_line_style():
    g = coordination()
    t = np.linspace(0, 1, 5)
    curves = {
        f"$\\sigma = {s}$": np.stack([t * (k + 1) / 4, 1 - t / (k + 2)], axis=1) for k, s in enumerate((0.1, 0.5, 1.0))
    }
    bands = {k: (v - 0.05, v + 0.05) for k, v in curves.items()}
    axes = plot.noise_comparison(g, t, curves, bands=bands)
    for col, ax in enumerate(axes):
        lines = ax.lines
        assert [ln.get_label() for ln in lines] == list(curves)
        assert len({ln.get_linestyle() for ln in lines}) == 3  # distinguishable in greyscale
        assert len({to_rgb(ln.get_color()) for ln in lines}) == 3
        for ln, v in zip(lines, curves.values()):
            assert np.allclose(ln.get_ydata(), v[:, col])
        assert len(ax.collections) == 3
    with pytest.raises(ValueError, match="must have shape"):
        plot.noise_comparison(g, t, {"bad": np.zeros((4, 2))})
