"""Tests of govgame.plot: the right artists on the returned Axes, labels from the model, files written."""

import itertools
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402

from govgame import plot  # noqa: E402
from govgame.analysis.equilibria import Equilibrium, Kind  # noqa: E402
from govgame.analysis.stability import NumericStability, Stability  # noqa: E402
from govgame.analysis.verdicts import Verdict  # noqa: E402
from govgame.model import Game, Parameter, Population  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _game(n: int) -> Game:
    specs = [
        ("government", "Government", ("strict", "lax"), "x"),
        ("enterprise", "Enterprise", ("formal", "informal"), "y"),
        ("consumer", "Consumer", ("return", "sell_informal"), "z"),
    ][:n]
    pops = tuple(Population(name, strats, (share,), label=label) for name, label, strats, share in specs)
    params = (Parameter("C_g", value=3.0), Parameter("F", value=4.0), Parameter("beta_1", value=0.5))
    payoffs = {p: (0,) * n for p in itertools.product(*(p.strategies for p in pops))}
    return Game("toy", pops, params, payoffs)


@pytest.fixture
def game3() -> Game:
    return _game(3)


@pytest.fixture
def game2() -> Game:
    return _game(2)


def _stability(name: str, point, verdict: Verdict, *, free=()) -> Stability:
    kind = Kind.CONTINUUM if free else Kind.PURE
    eq = Equilibrium(name, kind, tuple(0 if c is None else c for c in point), numeric_point=tuple(point), free=free)
    return Stability(eq, (), Verdict.CONDITIONAL, numeric=NumericStability(tuple(point), (), verdict))


def _paths(runs: int, times: int, n: int) -> np.ndarray:
    rng = np.random.default_rng(0)
    starts = rng.uniform(0.1, 0.9, size=(runs, n))
    ends = rng.integers(0, 2, size=(runs, n)).astype(float)
    s = np.linspace(0, 1, times)[None, :, None]
    return starts[:, None, :] * (1 - s) + ends[:, None, :] * s


def _equilibrium_collections(ax) -> dict:
    return {c.get_gid().split(":", 1)[1]: c for c in ax.collections if (c.get_gid() or "").startswith("equilibrium:")}


def _is_filled(coll) -> bool:
    face = to_rgba(coll.get_facecolor()[0])
    return face[3] > 0 and face[:3] != (1.0, 1.0, 1.0)


VERTEX_VERDICTS = [Verdict.ESS, Verdict.SADDLE, Verdict.SOURCE, Verdict.NON_HYPERBOLIC]


# ---------------------------------------------------------------------- 3-D portrait
def test_phase_portrait_3d_lines_limits_labels(game3):
    ax = plot.phase_portrait_3d(game3, _paths(5, 40, 3))
    assert ax.name == "3d"
    assert len(ax.lines) == 5
    assert ax.get_xlim() == (0.0, 1.0)
    assert ax.get_ylim() == (0.0, 1.0)
    assert ax.get_zlim() == (0.0, 1.0)
    assert "Government" in ax.get_xlabel() and "$x$" in ax.get_xlabel()
    assert "Enterprise" in ax.get_ylabel() and "formal" in ax.get_ylabel()
    assert "Consumer" in ax.get_zlabel() and "$z$" in ax.get_zlabel()
    starts = [c for c in ax.collections if c.get_gid() == "starts"]
    assert len(starts) == 1


def test_phase_portrait_3d_equilibrium_markers(game3):
    verdicts = dict(zip(["E1", "E2", "E3", "E4"], VERTEX_VERDICTS))
    vertices = [(0, 0, 0), (1, 1, 1), (1, 0, 0), (0, 1, 1)]
    eqs = [_stability(n, p, v) for (n, v), p in zip(verdicts.items(), vertices)]
    eqs.append(_stability("C1", (1.0, 0.0, None), Verdict.NON_HYPERBOLIC, free=(2,)))
    ax = plot.phase_portrait_3d(game3, _paths(3, 20, 3), equilibria=eqs)
    assert len(ax.lines) == 3  # equilibria are not lines
    colls = _equilibrium_collections(ax)
    assert set(colls) == {"E1", "E2", "E3", "E4", "C1"}
    assert _is_filled(colls["E1"])  # ESS: filled
    assert not _is_filled(colls["E2"])  # saddle: hollow
    assert not _is_filled(colls["E3"])  # source: hollow
    assert _is_filled(colls["E4"])  # non-hyperbolic: filled grey diamond ...
    marker_paths = {n: colls[n].get_paths()[0] for n in ("E1", "E4")}
    assert len(marker_paths["E1"].vertices) != len(marker_paths["E4"].vertices)  # ... a different shape
    texts = {t.get_text() for t in ax.texts}
    assert {"E1", "E2", "E3", "E4", "C1"} <= texts
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert len(legend) == 3 and legend[0].startswith("ESS")


def test_phase_portrait_3d_skips_face_continuum_and_symbolic_points(game3):
    face = _stability("C2", (None, None, 1.0), Verdict.NON_HYPERBOLIC, free=(0, 1))
    ax = plot.phase_portrait_3d(game3, _paths(2, 10, 3), equilibria=[face], annotate=False)
    assert _equilibrium_collections(ax) == {}
    assert ax.get_legend() is None


def test_phase_portrait_3d_rejects_wrong_shapes(game2, game3):
    with pytest.raises(ValueError, match="3 state coordinates"):
        plot.phase_portrait_3d(game2, _paths(2, 10, 2))
    with pytest.raises(ValueError, match=r"\(runs, times, 3\)"):
        plot.phase_portrait_3d(game3, np.zeros((2, 10, 2)))
    fig, ax2d = plt.subplots()
    with pytest.raises(ValueError, match="3-D Axes"):
        plot.phase_portrait_3d(game3, _paths(2, 10, 3), ax=ax2d)


def test_phase_portrait_3d_uses_given_axes(game3):
    fig = plt.figure()
    ax = fig.add_subplot(projection="3d")
    assert plot.phase_portrait_3d(game3, _paths(2, 10, 3), ax=ax) is ax


# ---------------------------------------------------------------------- phase plane
def _field(X):
    x, y = X[..., 0], X[..., 1]
    return np.stack([x * (1 - x) * (y - 0.4), y * (1 - y) * (0.6 - x)], axis=-1)


def test_phase_plane_streamlines_paths_equilibria(game2):
    eqs = [
        _stability(f"E{i + 1}", v, verdict)
        for i, (v, verdict) in enumerate(zip([(0, 0), (1, 0), (0, 1), (1, 1)], VERTEX_VERDICTS))
    ]
    eqs.append(_stability("E5", (0.6, 0.4), Verdict.NON_HYPERBOLIC))
    ax = plot.phase_plane(game2, _field, paths=_paths(4, 30, 2), equilibria=eqs)
    assert len(ax.lines) == 4
    assert ax.get_xlim() == (0.0, 1.0) and ax.get_ylim() == (0.0, 1.0)
    assert "Government" in ax.get_xlabel() and "strict" in ax.get_xlabel() and "$x$" in ax.get_xlabel()
    assert "Enterprise" in ax.get_ylabel() and "$y$" in ax.get_ylabel()
    colls = _equilibrium_collections(ax)
    assert set(colls) == {"E1", "E2", "E3", "E4", "E5"}
    assert [_is_filled(colls[n]) for n in ("E1", "E2", "E3")] == [True, False, False]
    # streamlines are a LineCollection besides the equilibrium markers
    from matplotlib.collections import LineCollection

    assert any(isinstance(c, LineCollection) for c in ax.collections)
    assert not ax.spines["top"].get_visible() and not ax.spines["right"].get_visible()


def test_phase_plane_continuum_segment_and_field_shape(game2):
    seg = _stability("C1", (None, 1.0), Verdict.NON_HYPERBOLIC, free=(0,))
    ax = plot.phase_plane(game2, _field, equilibria=[seg])
    assert len(ax.lines) == 0
    assert set(_equilibrium_collections(ax)) == {"C1"}
    with pytest.raises(ValueError, match="shape"):
        plot.phase_plane(game2, lambda X: X[..., 0])


# ---------------------------------------------------------------------- time series
def test_time_series(game3):
    t = np.linspace(0, 10, 25)
    ax = plot.time_series(game3, t, _paths(1, 25, 3)[0])
    assert len(ax.lines) == 3
    labels = ax.get_legend_handles_labels()[1]
    assert labels == ["Government: strict ($x$)", "Enterprise: formal ($y$)", "Consumer: return ($z$)"]
    assert ax.get_xlim() == (0.0, 10.0)
    assert not ax.spines["top"].get_visible()
    with pytest.raises(ValueError, match="shape"):
        plot.time_series(game3, t, np.zeros((25, 2)))


def test_time_series_multi_strategy_population():
    pops = (
        Population("government", ("strict", "lax"), ("x",)),
        Population("enterprise", ("echelon", "direct", "informal_sale"), ("y1", "y2")),
    )
    payoffs = {p: (0, 0) for p in itertools.product(*(p.strategies for p in pops))}
    game = Game("three", pops, (), payoffs)
    t = np.linspace(0, 1, 5)
    ax = plot.time_series(game, t, np.full((5, 3), 0.3))
    labels = ax.get_legend_handles_labels()[1]
    assert labels[1] == "Enterprise: echelon ($y_{1}$)" and labels[2] == "Enterprise: direct ($y_{2}$)"
    assert ax.lines[1].get_color() == ax.lines[2].get_color()
    assert ax.lines[1].get_linestyle() != ax.lines[2].get_linestyle()


# ---------------------------------------------------------------------- sensitivity
def test_sensitivity(game3):
    values = [1.0, 2.0, 3.5]
    t = np.linspace(0, 5, 30)
    paths = _paths(3, 30, 3)
    axes = plot.sensitivity(game3, "C_g", values, t, paths)
    assert len(axes) == 3
    for ax, pop in zip(axes, game3.populations):
        assert len(ax.lines) == len(values)
        assert ax.get_title() == pop.label
        assert pop.strategies[0].replace("_", " ") in ax.get_ylabel()
    np.testing.assert_allclose(axes[1].lines[2].get_ydata(), paths[2, :, 1])
    legend = [t.get_text() for t in axes[-1].get_legend().get_texts()]
    assert legend == ["$C_{g} = 1$", "$C_{g} = 2$", "$C_{g} = 3.5$"]
    colours = [line.get_color() for line in axes[0].lines]
    assert len({tuple(to_rgba(c)) for c in colours}) == 3


def test_sensitivity_given_axes_and_errors(game2):
    fig, axs = plt.subplots(1, 2)
    t = np.linspace(0, 1, 4)
    out = plot.sensitivity(game2, "beta_1", [0.1, 0.2], t, _paths(2, 4, 2), axes=axs)
    assert list(out) == list(axs)
    assert axs[-1].get_legend().get_texts()[0].get_text() == r"$\beta_{1} = 0.1$"
    with pytest.raises(ValueError, match="one Axes per population"):
        plot.sensitivity(game2, "F", [0.1, 0.2], t, _paths(2, 4, 2), axes=axs[:1])
    with pytest.raises(ValueError, match="shape"):
        plot.sensitivity(game2, "F", [0.1], t, _paths(2, 4, 2))
    from govgame.errors import ParameterError

    with pytest.raises(ParameterError, match="unknown parameter"):
        plot.sensitivity(game2, "nope", [0.1, 0.2], t, _paths(2, 4, 2))


# ---------------------------------------------------------------------- region map
def _legend_looks(ax) -> dict:
    leg = ax.get_legend()
    return {
        t.get_text(): (to_rgba(p.get_facecolor()), p.get_hatch() or "", to_rgba(p.get_edgecolor()))
        for t, p in zip(leg.get_texts(), leg.get_patches())
    }


def test_region_map(game3):
    xv = np.linspace(0, 6, 7)
    yv = np.linspace(0, 8, 5)
    X, Y = np.meshgrid(xv, yv)
    labels = np.where(Y > X, "strict/formal/return", "lax/informal/sell_informal").astype(object)
    labels[0, -1] = "none"
    labels[2, 2] = "bistable: lax/informal/sell_informal | strict/formal/return"
    ax = plot.region_map(game3, "C_g", xv, "F", yv, labels)
    looks = _legend_looks(ax)
    assert sorted(looks) == sorted(set(labels.ravel()))
    assert list(looks)[-1] == "none"
    assert ax.get_xlabel() == "$C_{g}$" and ax.get_ylabel() == "$F$"
    assert len({(face, hatch) for face, hatch, _ in looks.values()}) == len(looks)  # every category its own look
    bistable = looks["bistable: lax/informal/sell_informal | strict/formal/return"]
    assert bistable[1]  # hatched ...
    assert bistable[0] == looks["lax/informal/sell_informal"][0]  # ... over the first outcome's colour
    assert bistable[2] == looks["strict/formal/return"][0]  # ... in the second outcome's colour
    assert ax.get_xlim() == (-0.5, 6.5)


def test_region_map_from_sweep_cells_uses_region_label(game3):
    cells = [[{"a/a/a": 1.0}, {"a/a/a": 0.5, "b/b/b": 0.5}], [{"none": 1.0}, {"b/b/b": 0.9, "none": 0.1}]]
    ax = plot.region_map(game3, "F", [0, 1], "C_g", [0, 1], cells)
    assert sorted(_legend_looks(ax)) == ["a/a/a", "b/b/b", "bistable: a/a/a | b/b/b", "none"]


def test_region_map_with_cycles_heteroclinic_and_rest_points_in_bistable_cells(game3):
    # every outcome kind the numerics name (SPEC section 4) can be one of the two of a bistable cell
    labels = np.array(
        [
            ["a/a/a", "bistable: a/a/a | cycle around E9"],
            ["bistable: E12 | heteroclinic", "bistable: cycle around E9 | none"],
        ],
        dtype=object,
    )
    ax = plot.region_map(game3, "F", [0, 1], "C_g", [0, 1], labels)
    looks = _legend_looks(ax)
    assert sorted(looks) == sorted(labels.ravel())
    alone = _legend_looks(plot.region_map(game3, "F", [0], "C_g", [0, 1], np.array([["cycle around E9"], ["E12"]])))
    assert looks["bistable: a/a/a | cycle around E9"][2] == alone["cycle around E9"][0]
    assert looks["bistable: E12 | heteroclinic"][0] == alone["E12"][0]


def test_region_map_fixed_colours_and_shape_check(game3):
    labels = np.array([["a", "b"], ["b", "b"]], dtype=object)
    ax = plot.region_map(game3, "F", [0, 1], "C_g", [0, 1], labels, colors={"b": "#000000"})
    assert _legend_looks(ax)["b"][0] == (0.0, 0.0, 0.0, 1.0)
    with pytest.raises(ValueError, match="shape"):
        plot.region_map(game3, "F", [0, 1, 2], "C_g", [0, 1], labels)


# ---------------------------------------------------------------------- basins
def test_basin_shares():
    shares = {"lax/informal/sell_informal": 0.25, "strict/formal/return": 0.7, "none": 0.05}
    ax = plot.basin_shares(shares)
    assert len(ax.patches) == 3
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert ticks[-1] == "strict/formal/return"  # largest on top
    widths = sorted(p.get_width() for p in ax.patches)
    np.testing.assert_allclose(widths, [0.05, 0.25, 0.7])
    assert ax.get_xlim() == (0.0, 1.0)
    assert {t.get_text() for t in ax.texts} == {"70%", "25%", "5%"}


# ---------------------------------------------------------------------- style, save, lightness
@pytest.mark.parametrize("suffix, magic", [(".pdf", b"%PDF"), (".png", b"\x89PNG")])
def test_save_writes_pdf_and_png(tmp_path, game2, suffix, magic):
    ax = plot.time_series(game2, np.linspace(0, 1, 5), np.full((5, 2), 0.5))
    out = plot.save(ax, tmp_path / f"fig{suffix}")
    data = out.read_bytes()
    assert len(data) > 1000 and data.startswith(magic)


def test_save_png_is_300_dpi_and_accepts_figures_and_axes_arrays(tmp_path, game2):
    from PIL import Image

    fig, ax = plt.subplots(figsize=(1, 1))
    ax.plot([0, 1], [0, 1])
    plot.save(fig, tmp_path / "a.png")
    with Image.open(tmp_path / "a.png") as im:
        assert im.info["dpi"][0] == pytest.approx(300, abs=1)
    axes = plot.sensitivity(game2, "F", [1.0, 2.0], np.linspace(0, 1, 3), _paths(2, 3, 2))
    assert plot.save(axes, tmp_path / "s.pdf").stat().st_size > 0


def test_save_rejects_unknown_suffix(tmp_path, game2):
    ax = plot.basin_shares({"a": 1.0})
    with pytest.raises(ValueError, match="suffix"):
        plot.save(ax, tmp_path / "fig.jpeg2")


def test_style_sets_publication_defaults():
    with plot.style():
        assert plt.rcParams["font.size"] <= 9
        assert plt.rcParams["pdf.fonttype"] == 42
        cycle = list(plt.rcParams["axes.prop_cycle"])
        assert [c["color"] for c in cycle] == list(plot.OKABE_ITO[: len(cycle)])
        assert len({str(c["linestyle"]) for c in cycle}) == len(cycle)  # colours *and* line styles
    assert plt.rcParams["pdf.fonttype"] != 42 or matplotlib.rcParamsDefault["pdf.fonttype"] == 42


def test_style_leaves_interactive_mode_alone():
    # Jupyter's inline backend switches interactive mode on when pyplot first resolves the backend,
    # which can happen inside the style; leaving the style must not switch it off again.
    before = matplotlib.is_interactive()
    try:
        matplotlib.interactive(False)
        with plot.style():
            matplotlib.interactive(True)  # what the backend does on start-up
        assert matplotlib.is_interactive()
    finally:
        matplotlib.interactive(before)


def test_styles_slides_and_grey(game2):
    t = np.linspace(0, 1, 5)
    ax = plot.time_series(game2, t, np.full((5, 2), 0.5), style="slides")
    assert ax.xaxis.label.get_fontsize() >= 12
    ax = plot.time_series(game2, t, np.stack([t, 1 - t], 1), style="grey")
    for line in ax.lines:
        r, g, b, _ = to_rgba(line.get_color())
        assert r == g == b  # greys only
    from govgame.errors import ParameterError

    with pytest.raises(ParameterError, match="unknown figure style"):
        plot.time_series(game2, t, np.full((5, 2), 0.5), style="poster")
    with pytest.raises(ParameterError, match="not installed"):
        with plot.style(font="No Such Font Family 123"):
            pass


def test_chinese_labels_or_a_clear_error(game2, monkeypatch):
    from govgame.errors import ParameterError

    t = np.linspace(0, 1, 5)
    if plot.cjk_font() is None:
        with pytest.raises(ParameterError, match="install"):
            plot.time_series(game2, t, np.full((5, 2), 0.5), style=plot.FigureStyle(lang="zh"))
    else:
        with plot.style(lang="zh"):
            ax = plot.time_series(game2, t, np.full((5, 2), 0.5))
        assert "时间" in ax.get_xlabel()
    monkeypatch.setattr(plot, "cjk_font", lambda: None)
    with pytest.raises(ParameterError, match="fonts-noto-cjk"):
        with plot.style(lang="zh"):
            pass


def test_cjk_font_detection_reads_character_maps(monkeypatch):
    from matplotlib import font_manager

    plot.cjk_font.cache_clear()
    try:
        dejavu = [f for f in font_manager.fontManager.ttflist if f.name == "DejaVu Sans"][:1]
        monkeypatch.setattr(font_manager.fontManager, "ttflist", dejavu)
        assert plot.cjk_font() is None  # DejaVu has no Chinese characters, whatever its name says
    finally:
        plot.cjk_font.cache_clear()


def test_state_label(game3):
    assert plot.state_label(game3, 2) == "Consumer: share playing return ($z$)"
    assert plot.state_label(game3, 0, form="short") == "Government, strict ($x$)"
    with pytest.raises(IndexError):
        plot.state_label(game3, 3)


def test_importing_govgame_plot_does_not_import_matplotlib():
    code = "import sys, govgame, govgame.plot; assert 'matplotlib' not in sys.modules, 'matplotlib imported'"
    subprocess.run([sys.executable, "-c", code], check=True)
