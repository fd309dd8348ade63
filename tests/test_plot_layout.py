"""What a reader of the figures sees: legends off the data, readable text, no labels on top of each other,
one look per outcome in every figure, lines that stay apart in greyscale."""

import itertools

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402

from govgame import plot  # noqa: E402
from govgame.analysis.pipeline import analyze  # noqa: E402
from govgame.model.loader import load_model  # noqa: E402
from govgame.numerics.integrate import simulate  # noqa: E402
from govgame.numerics.outcomes import outcome_key, outcomes  # noqa: E402
from govgame.numerics.starts import grid_starts  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def recycling():
    game = load_model("battery_recycling")
    values = game.values()
    analysis = analyze(game, params=values, symbolic=False)
    t = np.linspace(0, 60, 241)
    traj = simulate(game, grid_starts(game, 2), params=values, t_end=60, t_eval=t)
    keys = [outcome_key(e) for e in outcomes(traj, analysis.equilibria)]
    return game, analysis, t, traj, keys


def _boxes(fig):
    fig.canvas.draw()
    return fig.canvas.get_renderer()


def _grey(colour) -> float:
    r, g, b, _ = to_rgba(colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_legends_sit_outside_the_data(recycling):
    game, analysis, t, traj, keys = recycling
    axes = [
        plot.time_series(game, t, traj.paths[0]),
        plot.basin_curves(game, "F_e", [0, 1, 2], [{keys[0]: 1.0}, {keys[0]: 0.5, keys[-1]: 0.5}, {keys[-1]: 1.0}]),
        plot.region_map(game, "S_e", [0, 1], "F_e", [0, 1], [[keys[0], keys[-1]], [keys[-1], "none"]]),
    ]
    axes += list(plot.sensitivity(game, "F_e", [1.0, 2.0], t, traj.paths[:2]))
    for ax in axes:
        renderer = _boxes(ax.figure)
        legend = ax.figure.legends[0] if ax.figure.legends else ax.get_legend()
        if legend is None:
            continue
        data = ax.get_window_extent(renderer)
        assert not legend.get_window_extent(renderer).overlaps(data), f"legend over the data of {ax.get_xlabel()}"
        if ax.xaxis.label.get_text():  # nor on the axis label
            assert not legend.get_window_extent(renderer).overlaps(ax.xaxis.label.get_window_extent(renderer))


def test_3d_portrait_is_readable(recycling):
    game, analysis, t, traj, keys = recycling
    ax = plot.phase_portrait_3d(game, traj.paths, equilibria=analysis.equilibria, outcomes=keys)
    fig = ax.figure
    renderer = _boxes(fig)
    texts = [a for a in fig.findobj(matplotlib.text.Text) if a.get_visible() and a.get_text().strip()]
    assert min(t.get_fontsize() for t in texts) >= 6.0  # at print size: no 3-4 pt text
    for axis in (ax.xaxis, ax.yaxis, ax.zaxis):
        assert axis.label.get_rotation() == 0  # horizontal axis labels
    names = [a for a in ax.texts if a.get_gid() == "equilibrium-label"]
    assert {n for a in names for n in a.get_text().split(", ")} >= {f"E{i}" for i in range(1, 9)}
    label_boxes = [a.get_window_extent(renderer) for a in names]
    for a, b in itertools.combinations(label_boxes, 2):
        assert not a.overlaps(b), "rest-point names on top of each other"
    ticks = [b for axis in (ax.xaxis, ax.yaxis, ax.zaxis) for b in plot._axis3d_boxes(axis, renderer)]
    for a in label_boxes:
        assert not any(a.overlaps(b) for b in ticks), "a rest-point name covers a tick or axis label"


def test_one_look_per_outcome_in_every_figure(recycling):
    game, analysis, t, traj, keys = recycling
    key = keys[0]
    ax3 = plot.phase_portrait_3d(game, traj.paths, equilibria=analysis.equilibria, outcomes=keys)
    path_colour = {to_rgba(line.get_color()) for line, k in zip(ax3.lines, keys) if k == key}
    bars = plot.basin_shares({key: 0.7, "lax/informal/sell_informal": 0.3}, game=game)
    bar_colour = {to_rgba(p.get_facecolor()) for p in bars.patches if p.get_gid() == f"bar:{key}"}
    region = plot.region_map(game, "S_e", [0, 1], "F_e", [0, 1], [["lax/formal/return", key], [key, key]])
    leg = region.get_legend()
    region_colour = {to_rgba(p.get_facecolor()) for t, p in zip(leg.get_texts(), leg.get_patches())
                     if t.get_text() == key}  # fmt: skip
    curves = plot.basin_curves(game, "F_e", [0, 1], [{key: 1.0}, {"none": 1.0}])
    curve_colour = {to_rgba(line.get_color()) for line in curves.lines if line.get_label() == key}
    assert len(path_colour) == 1
    assert path_colour == bar_colour == region_colour == curve_colour


def test_outcomes_stay_apart_in_greyscale():
    game = load_model("battery_echelon")
    keys = ["/".join(p) for p in game.profiles] + ["none", "cycle", "E13"]
    styles = plot.outcome_styles(keys, game=game)
    for a, b in itertools.combinations(keys, 2):
        sa, sb = styles[a], styles[b]
        same_fill = abs(_grey(sa.color) - _grey(sb.color)) < 0.08 and sa.hatch == sb.hatch
        same_line = abs(_grey(sa.color) - _grey(sb.color)) < 0.08 and sa.linestyle == sb.linestyle
        assert not same_fill, f"{a} and {b} fill alike in greyscale"
        assert not (same_line and sa.marker == sb.marker), f"{a} and {b} draw alike in greyscale"


def test_time_series_lines_stay_apart_in_greyscale():
    game = load_model("battery_four_party")
    n = len(game.state_names)
    t = np.linspace(0, 1, 5)
    ax = plot.time_series(game, t, np.full((5, n), 0.5))
    looks = [(round(_grey(line.get_color()), 2), str(line.get_linestyle()), str(line._unscaled_dash_pattern))
             for line in ax.lines]  # fmt: skip
    assert len(set(looks)) == n


def test_models_with_more_than_three_coordinates_get_a_projection():
    game = load_model("battery_echelon")
    values = game.values()
    analysis = analyze(game, params=values, symbolic=False)
    t = np.linspace(0, 30, 121)
    traj = simulate(game, grid_starts(game, 2), params=values, t_end=30, t_eval=t)
    ax = plot.phase_portrait_3d(game, traj.paths, equilibria=analysis.equilibria)
    assert "projection" in ax.get_title()
    assert "$z$" in ax.get_zlabel()  # default: the first share of each population (x, y1, z)
    ax = plot.phase_portrait_3d(game, traj.paths, coords=(1, 2, 3))
    assert "$y_{1}$" in ax.get_xlabel() and "$y_{2}$" in ax.get_ylabel()
    with pytest.raises(ValueError, match="three different"):
        plot.phase_portrait_3d(game, traj.paths, coords=(0, 0, 1))


def test_dashboard_shows_portrait_time_series_and_basins(recycling):
    game, analysis, t, traj, keys = recycling
    shares = {k: keys.count(k) / len(keys) for k in set(keys)}
    fig = plot.dashboard(game, t, traj.paths, equilibria=analysis.equilibria, outcomes=keys, shares=shares)
    kinds = sorted(getattr(a, "name", "") for a in fig.axes)
    assert kinds == ["3d", "rectilinear", "rectilinear"]
    bars = [p for a in fig.axes for p in a.patches if (p.get_gid() or "").startswith("bar:")]
    assert sorted(round(p.get_width(), 6) for p in bars) == sorted(round(v, 6) for v in shares.values())
