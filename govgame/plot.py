r"""Publication-grade figures: data in, Axes out.

This is the only module of govgame that imports matplotlib, and it imports it
lazily, inside the functions, so ``import govgame`` stays light. Nothing here
computes results: every function takes arrays that an earlier stage produced
(trajectories from :func:`govgame.numerics.integrate.simulate`, verdicts from
:func:`govgame.analysis.pipeline.analyze`, basin shares and sweep cells) plus the
:class:`~govgame.model.Game` for the labels, and returns the matplotlib Axes it drew on.

Styles
------
Every function draws inside :func:`style`, which applies one of three looks:

``paper`` (default)
    a single journal column (3.4 in wide): serif text at 7-8 pt with STIX maths, thin
    lines, no top or right spines, the colour-blind-safe Okabe-Ito palette
    (:data:`OKABE_ITO`) *and* line styles, markers and hatches, so that a figure printed
    in greyscale still tells every line and region apart;
``slides``
    the same at about twice the size (14 pt text, thicker lines);
``grey``
    like ``paper`` in shades of grey only.

``style(font="Times New Roman")`` picks the text font; ``style(lang="zh")`` writes the
fixed labels (time, shares, outcome, ...) in Chinese, with a CJK font found by
matplotlib's font manager (:func:`cjk_font`); without one it raises
:class:`~govgame.errors.ParameterError` saying which font to install.

:func:`style` sets and restores only the rc keys it changes. (It is not a
``matplotlib.rc_context``: that restores *every* key on exit, including
``interactive``, which the Jupyter inline backend turns on when pyplot first
resolves the backend inside the context. Restoring it turned interactive mode off,
and the notebook then showed only the first figure.)

One outcome, one look
---------------------
:func:`outcome_styles` gives every outcome key (``"strict/formal/return"``, ``"none"``,
``"cycle"``, ``"bistable: a | b"``, ...) one colour, hatch, line style and marker,
fixed by the game (the order of its pure profiles), so the same outcome looks the same
in the phase portrait (trajectories coloured by where they end), the basin bars, the
region map and the basin-share curves. A ``bistable`` region is filled with the colour
of one outcome and hatched in the colour of the other. A region-map cell given as the
shares of its starts is named by :func:`govgame.numerics.outcomes.region_label`, the one
rule for it.

:func:`save` writes PDF, PNG, SVG or EPS (format from the suffix); PDFs embed TrueType
fonts, never Type 3.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import ParameterError
from .model.game import Game, default_latex

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from .analysis.stability import Stability

__all__ = [
    "OKABE_ITO",
    "GREYS",
    "TOL_MUTED",
    "RC",
    "STYLES",
    "FigureStyle",
    "OutcomeStyle",
    "style",
    "current_style",
    "cjk_font",
    "save",
    "close",
    "state_label",
    "outcome_styles",
    "phase_portrait_3d",
    "phase_plane",
    "time_series",
    "time_series_family",
    "sensitivity",
    "region_map",
    "basin_shares",
    "stochastic_paths",
    "noise_comparison",
    "basin_curves",
    "dashboard",
    "default_coords",
    "shared_legend",
]

#: The Okabe-Ito colour-blind-safe palette, in the order govgame uses it
#: (blue, vermillion, bluish green, orange, sky blue, reddish purple, yellow, black).
OKABE_ITO: tuple[str, ...] = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#E69F00",
    "#56B4E9",
    "#CC79A7",
    "#F0E442",
    "#000000",
)

#: Paul Tol's colour-blind-safe "muted" palette: the outcomes after the eighth take these colours,
#: so a game with 16 profiles still gives every outcome a colour of its own.
TOL_MUTED: tuple[str, ...] = (
    "#CC6677", "#DDCC77", "#44AA99", "#332288", "#88CCEE", "#117733", "#999933", "#882255", "#AA4499",
)  # fmt: skip

#: Shades of grey used by the ``grey`` style, darkest first (distinct also in print).
GREYS: tuple[str, ...] = ("#000000", "#6E6E6E", "#A8A8A8", "#3C3C3C", "#8C8C8C", "#C4C4C4", "#555555", "#242424")

#: Line styles cycled together with the colours (so greyscale keeps lines apart).
_DASHES: tuple[Any, ...] = ("-", "--", ":", "-.", (0, (5, 1, 1, 1, 1, 1)), (0, (1, 2.5)))
#: Markers cycled together with the colours.
_MARKERS: tuple[str, ...] = ("o", "s", "^", "D", "v", "P", "X", "*")
#: Hatches of region fills, in order (all but the first outcome are hatched, so greyscale keeps them apart).
_HATCHES: tuple[str, ...] = ("", "////", "....", "\\\\\\\\", "----", "||||", "OO", "**")
#: Hatches of the second round of colours (games with more than eight profiles).
_HATCHES2: tuple[str, ...] = ("xx", "//..", "\\\\..", "--..", "||..", "x..", "//--", "\\\\||")
#: Order in which outcomes take the palette's colours (reddish purple before sky blue, so that
#: the third and fifth outcome never look like two blues; yellow, weak as a line on white, last).
_OUTCOME_ORDER: tuple[int, ...] = (0, 1, 2, 3, 5, 4, 7, 6)

#: Colour of trajectories in phase portraits when no outcome is given.
_TRAJECTORY = OKABE_ITO[0]
#: Grey used for streamlines and "none" outcomes.
_GREY = "#BBBBBB"

#: Matplotlib rc settings of the ``paper`` style (the others scale or recolour them).
RC: dict[str, Any] = {
    "font.family": "serif",
    "font.serif": ["STIXGeneral", "STIX Two Text", "Times New Roman", "DejaVu Serif"],
    "mathtext.fontset": "stix",
    "font.size": 8.0,
    "axes.titlesize": 8.0,
    "axes.labelsize": 8.0,
    "xtick.labelsize": 7.0,
    "ytick.labelsize": 7.0,
    "legend.fontsize": 7.0,
    "legend.title_fontsize": 7.0,
    "legend.frameon": False,
    "legend.handlelength": 2.6,
    "legend.borderaxespad": 0.3,
    "axes.linewidth": 0.6,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlepad": 4.0,
    "axes.labelpad": 2.5,
    "lines.linewidth": 1.0,
    "lines.markersize": 4.0,
    "patch.linewidth": 0.5,
    "hatch.linewidth": 0.6,
    "xtick.major.width": 0.6,
    "ytick.major.width": 0.6,
    "xtick.minor.width": 0.4,
    "ytick.minor.width": 0.4,
    "xtick.major.size": 2.5,
    "ytick.major.size": 2.5,
    "xtick.major.pad": 2.0,
    "ytick.major.pad": 2.0,
    "xtick.direction": "out",
    "ytick.direction": "out",
    "grid.linewidth": 0.4,
    "grid.color": "#DDDDDD",
    "figure.figsize": (3.4, 2.6),
    "figure.dpi": 150,
    "figure.constrained_layout.use": False,
    "savefig.dpi": 300,
    "savefig.bbox": "tight",
    "savefig.pad_inches": 0.02,
    "pdf.fonttype": 42,  # embed TrueType: journals reject Type 3 fonts
    "ps.fonttype": 42,
    "svg.fonttype": "none",
}

#: rc keys multiplied by the ``slides`` scale.
_SCALED_KEYS = (
    "font.size", "axes.titlesize", "axes.labelsize", "xtick.labelsize", "ytick.labelsize", "legend.fontsize",
    "legend.title_fontsize", "axes.linewidth", "lines.linewidth", "lines.markersize", "patch.linewidth",
    "xtick.major.width", "ytick.major.width", "xtick.major.size", "ytick.major.size", "xtick.major.pad",
    "ytick.major.pad", "grid.linewidth", "axes.titlepad", "axes.labelpad",
)  # fmt: skip

#: The styles :func:`style` knows.
STYLES: tuple[str, ...] = ("paper", "slides", "grey")
#: Languages of the fixed labels.
LANGS: tuple[str, ...] = ("en", "zh")

#: Single-column and double-column widths in inches.
_COLUMN = 3.4
_DOUBLE = 7.0

#: Fixed labels in Chinese (``style(lang="zh")``).
_ZH: dict[str, str] = {
    "Time $t$": "时间 $t$",
    "Share of population": "群体中的比例",
    "Share of starting points": "初始点所占比例",
    "Outcome": "演化结果",
    "ESS (stable)": "ESS（稳定）",
    "unstable (saddle/source)": "不稳定（鞍点/源）",
    "non-hyperbolic": "非双曲",
    "undecided": "未定",
    "bistable": "双稳态",
    "multistable": "多稳态",
    "none": "未稳定",
    "unsettled": "未稳定",
    "cycle": "周期轨道",
    "heteroclinic": "异宿环",
    "share playing": "选择",
    "Start": "初始点",
    "reaches": "到达",
    "projection": "投影",
}


def _tr(text: str) -> str:
    """``text`` in the language of the current style."""
    if current_style().lang == "zh":
        return _ZH.get(text, text)
    return text


@functools.cache
def cjk_font() -> str | None:
    """Name of an installed font that has Chinese characters, or None.

    Asks matplotlib's font manager for every font it knows and checks each one's
    character map for the characters of the Chinese labels (no guessing from names).

    Examples
    --------
    >>> name = cjk_font()
    >>> name is None or isinstance(name, str)
    True
    """
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    needed = {ord(c) for c in "时间比例初始点演化结果稳定"}
    preferred = ("Noto Serif CJK", "Source Han Serif", "Noto Sans CJK", "Source Han Sans", "WenQuanYi", "SimSun")
    entries = sorted(
        font_manager.fontManager.ttflist,
        key=lambda f: next((i for i, p in enumerate(preferred) if p in f.name), len(preferred)),
    )
    for entry in entries:
        try:
            charmap = FT2Font(entry.fname).get_charmap()
        except (OSError, RuntimeError, ValueError):
            continue
        if needed <= set(charmap):
            return entry.name
    return None


@functools.cache
def _installed_fonts() -> frozenset[str]:
    from matplotlib import font_manager

    return frozenset(f.name for f in font_manager.fontManager.ttflist)


@dataclass(frozen=True)
class FigureStyle:
    """The look of a figure: ``name`` (``paper``, ``slides``, ``grey``), text ``font`` and label ``lang``.

    Examples
    --------
    >>> FigureStyle("slides").scale, FigureStyle("grey").palette[0]
    (1.75, '#000000')
    """

    name: str = "paper"
    font: str | None = None
    lang: str = "en"

    def __post_init__(self) -> None:
        if self.name not in STYLES:
            raise ParameterError(f"unknown figure style {self.name!r}: choose one of {', '.join(STYLES)}")
        if self.lang not in LANGS:
            raise ParameterError(f"unknown label language {self.lang!r}: choose one of {', '.join(LANGS)}")

    @property
    def scale(self) -> float:
        """Factor on text sizes and line widths (``slides``: 1.75)."""
        return 1.75 if self.name == "slides" else 1.0

    @property
    def palette(self) -> tuple[str, ...]:
        """Categorical colours: Okabe-Ito, or greys for the ``grey`` style."""
        return GREYS if self.name == "grey" else OKABE_ITO

    def rc(self) -> dict[str, Any]:
        """The matplotlib rc settings of this style."""
        from cycler import cycler

        rc = dict(RC)
        if self.scale != 1.0:
            for key in _SCALED_KEYS:
                rc[key] = RC[key] * self.scale
            rc["figure.figsize"] = (6.4, 4.4)
        families: list[str] = []
        if self.font:
            if self.font not in _installed_fonts() and self.font not in ("serif", "sans-serif", "monospace"):
                raise ParameterError(
                    f"font {self.font!r} is not installed (matplotlib knows {len(_installed_fonts())} fonts, "
                    f"e.g. {', '.join(sorted(_installed_fonts())[:4])}); run `fc-list : family` to see them"
                )
            families.append(self.font)
        if self.lang == "zh":
            cjk = cjk_font()
            if cjk is None:
                raise ParameterError(
                    "Chinese labels need a font with Chinese characters, and matplotlib finds none: install one "
                    "(e.g. Debian/Ubuntu: apt-get install fonts-noto-cjk) or choose it with --font"
                )
            # first (unless a font is named): the text parts of labels with maths take the first family only
            families.append(cjk)
        if families:
            # the named fonts first, then govgame's serif list as fallback for missing glyphs
            rc["font.family"] = [*families, *(f for f in RC["font.serif"] if f in _installed_fonts())]
        rc["axes.prop_cycle"] = cycler(color=list(self.palette[:6]), linestyle=list(_DASHES[:6]))
        return rc


_CURRENT: contextvars.ContextVar[FigureStyle | None] = contextvars.ContextVar("govgame_figure_style", default=None)
_DEFAULT = FigureStyle()


def current_style() -> FigureStyle:
    """The :class:`FigureStyle` of the innermost :func:`style` context (``paper`` outside any).

    Examples
    --------
    >>> current_style().name
    'paper'
    """
    return _CURRENT.get() or _DEFAULT


def _as_style(spec: str | FigureStyle | None) -> FigureStyle:
    if spec is None:
        return current_style()
    if isinstance(spec, FigureStyle):
        return spec
    return FigureStyle(str(spec), current_style().font, current_style().lang)


@contextlib.contextmanager
def style(
    name: str | FigureStyle = "paper", *, font: str | None = None, lang: str | None = None
) -> Iterator[FigureStyle]:
    """Context manager applying one of govgame's figure styles.

    Every plotting function draws inside it (with the style of the enclosing context);
    use it yourself to draw several figures in one style, or to give your own additions
    the same fonts. Only the rc keys the style sets are changed and restored; the
    backend and interactive mode are never touched (see the module docstring).

    Parameters
    ----------
    name : {"paper", "slides", "grey"} or FigureStyle
    font : str, optional
        Font family of the text (maths stays STIX).
    lang : {"en", "zh"}, optional
        Language of the fixed labels; ``"zh"`` needs a CJK font (:func:`cjk_font`).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from govgame.plot import style
    >>> with style():
    ...     print(plt.rcParams["font.size"], plt.rcParams["axes.spines.top"])
    8.0 False
    >>> with style("slides") as s:
    ...     print(s.name, plt.rcParams["font.size"])
    slides 14.0
    """
    import matplotlib as mpl

    if isinstance(name, FigureStyle):
        fs = FigureStyle(name.name, font if font is not None else name.font, lang if lang is not None else name.lang)
    else:
        outer = current_style()
        fs = FigureStyle(name, font if font is not None else outer.font, lang if lang is not None else outer.lang)
    rc = fs.rc()
    # Resolve a lazily chosen backend (e.g. Jupyter's inline backend) *before* saving anything,
    # so whatever the backend sets while it starts is never undone on exit.
    mpl.get_backend()
    saved = {key: mpl.rcParams[key] for key in rc}
    token = _CURRENT.set(fs)
    try:
        mpl.rcParams.update(rc)
        yield fs
    finally:
        _CURRENT.reset(token)
        mpl.rcParams.update(saved)


def save(fig_or_ax: Any, path: str | Path, *, dpi: int = 300) -> Path:
    """Save a figure as PDF, PNG, SVG or EPS (format from the suffix), tightly cropped.

    Parameters
    ----------
    fig_or_ax : Figure, Axes or sequence of Axes
        What to save; for Axes, their figure is saved.
    path : str or Path
        Target file; the suffix (``.pdf``, ``.png``, ``.svg`` or ``.eps``) picks the format.
    dpi : int, default 300
        Resolution of raster output.

    Returns
    -------
    Path
        The path written.

    Examples
    --------
    >>> import matplotlib, tempfile, pathlib
    >>> matplotlib.use("Agg")
    >>> from govgame.plot import basin_shares, save
    >>> ax = basin_shares({"strict/formal": 0.75, "none": 0.25})
    >>> out = save(ax, pathlib.Path(tempfile.mkdtemp()) / "basins.png")
    >>> out.stat().st_size > 0
    True
    """
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in {"pdf", "png", "svg", "eps"}:
        raise ParameterError(f"cannot tell the format of {str(path)!r}: use a .pdf, .png, .svg or .eps suffix")
    fig = _figure_of(fig_or_ax)
    with style(current_style()):
        fig.savefig(path, format=fmt, dpi=dpi, bbox_inches="tight")
    return path


def close(fig_or_ax: Any) -> None:
    """Release a figure (pyplot keeps every figure it made until it is closed).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> ax = basin_shares({"a": 1.0})
    >>> close(ax); plt.fignum_exists(ax.figure.number)
    False
    """
    import matplotlib.pyplot as plt

    plt.close(_figure_of(fig_or_ax))


# ---------------------------------------------------------------------- labels
def _coordinates(game: Game) -> list[tuple[Any, int]]:
    """(population, strategy index) of each state coordinate, in state order."""
    return [(p, i) for p in game.populations for i in range(len(p.shares))]


def _share_latex(name: str) -> str:
    m = re.fullmatch(r"([A-Za-z]+)(\d+)", name)
    if m and len(m.group(1)) == 1:
        return f"{m.group(1)}_{{{m.group(2)}}}"
    return default_latex(name)


def _words(name: str) -> str:
    return name.replace("_", " ")


def _param_latex(game: Game, name: str) -> str:
    return "$" + game.parameter(name).latex + "$"


def state_label(game: Game, index: int, *, form: str = "long") -> str:
    """Axis or legend label of state coordinate ``index``, built from the model.

    Parameters
    ----------
    game : Game
    index : int
        Position in :attr:`Game.state_names`.
    form : {"long", "short", "legend", "compact"}
        ``long``: ``"Government: share playing strict ($x$)"``;
        ``short``: ``"Government, strict ($x$)"``;
        ``legend``: ``"Government: strict ($x$)"``;
        ``compact``: ``"$x$ (strict)"``.

    Examples
    --------
    >>> from govgame.model import Game, Population
    >>> pops = (Population("government", ("strict", "lax"), ("x",)),
    ...         Population("enterprise", ("formal", "informal"), ("y",)))
    >>> game = Game("toy", pops, (), {p: (0, 0) for p in
    ...     [("strict", "formal"), ("strict", "informal"), ("lax", "formal"), ("lax", "informal")]})
    >>> state_label(game, 0)
    'Government: share playing strict ($x$)'
    >>> state_label(game, 1, form="compact")
    '$y$ (formal)'
    """
    coords = _coordinates(game)
    if not 0 <= index < len(coords):
        raise IndexError(f"state index {index} out of range: the game has {len(coords)} state coordinates")
    pop, i = coords[index]
    sym = "$" + _share_latex(pop.shares[i]) + "$"
    strat = _words(pop.strategies[i])
    zh = current_style().lang == "zh"
    if form == "long":
        return (
            f"{pop.label}：{_tr('share playing')} {strat} ({sym})"
            if zh
            else f"{pop.label}: share playing {strat} ({sym})"
        )
    if form == "short":
        return f"{pop.label}, {strat} ({sym})"
    if form == "legend":
        return f"{pop.label}: {strat} ({sym})"
    if form == "compact":
        return f"{sym} ({strat})"
    raise ValueError(f"form must be 'long', 'short', 'legend' or 'compact', found {form!r}")


def _wrap_label(text: str, width: int) -> str:
    """Break a label into lines of about ``width`` characters at spaces (never inside ``$...$`` or a word)."""
    words, lines, line, in_math = text.split(" "), [], "", False
    for w in words:
        if line and not in_math and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}" if line else w
        in_math ^= w.count("$") % 2 == 1
    lines.append(line)
    return "\n".join(lines)


# ---------------------------------------------------------------------- outcomes
@dataclass(frozen=True)
class OutcomeStyle:
    """How one outcome is drawn, in every figure.

    Attributes
    ----------
    color : str
        Fill and line colour.
    hatch : str
        Hatch of region fills and bars (``""`` for none).
    linestyle : str or tuple
    marker : str
    hatch_color : str or None
        Colour of the hatch lines (a ``bistable`` region: the second outcome's colour).
    """

    color: str
    hatch: str
    linestyle: Any
    marker: str
    hatch_color: str | None = None


#: Outcome keys that are not an attractor reached (drawn in greys, never in the palette).
_UNSETTLED = ("none", "unsettled")


def _vertex_order(game: Game) -> list[str]:
    """Profile keys in the order that fixes their colours: all-first, all-last, then the rest."""
    keys = ["/".join(p) for p in game.profiles]
    if len(keys) >= 2:
        keys = [keys[0], keys[-1], *keys[1:-1]]
    return keys


def _split_multi(key: str) -> list[str] | None:
    """The outcomes of a ``"bistable: a | b"`` / ``"multistable: a | b | c"`` label, else None."""
    for word in ("bistable", "multistable"):
        if key.startswith(word + ":"):
            return [p.strip() for p in key.split(":", 1)[1].split("|")]
    return None


def outcome_styles(keys: Sequence[str], *, game: Game | None = None) -> dict[str, OutcomeStyle]:
    """One :class:`OutcomeStyle` per outcome key, the same in every figure of ``game``.

    A vertex outcome takes the colour of its profile's place in the game (all first
    strategies, all last strategies, then the other profiles in order), so it keeps its
    colour whichever other outcomes a figure shows. Without ``game`` the keys take the
    colours in the order given. ``"none"`` (runs that did not settle) is light grey;
    cycles, heteroclinic passages and non-vertex rest points (``"E9"``) are darker greys
    with their own hatches; ``"bistable: a | b"`` is filled like ``a`` and hatched in
    the colour of ``b``.

    Parameters
    ----------
    keys : sequence of str
        Outcome keys (:func:`govgame.numerics.outcomes.outcome_key`, or
        :func:`govgame.numerics.outcomes.region_label`).
    game : Game, optional

    Returns
    -------
    dict of str to OutcomeStyle

    Examples
    --------
    >>> s = outcome_styles(["b/b", "none", "bistable: a/a | b/b"])
    >>> s["b/b"].color == OKABE_ITO[0], s["none"].color
    (True, '#DDDDDD')
    >>> s["bistable: a/a | b/b"].hatch_color == s["b/b"].color
    True
    >>> s = outcome_styles(["a/a", "bistable: a/a | cycle around E9"])
    >>> s["bistable: a/a | cycle around E9"].hatch_color == outcome_styles(["cycle around E9"])["cycle around E9"].color
    True
    """
    fs = current_style()
    palette = fs.palette if fs.name == "grey" else tuple(OKABE_ITO[j] for j in _OUTCOME_ORDER) + TOL_MUTED
    order: list[str] = _vertex_order(game) if game is not None else []
    for k in keys:
        for part in _split_multi(str(k)) or [str(k)]:
            if part not in order and part not in _UNSETTLED and not _is_special(part):
                order.append(part)
    base: dict[str, OutcomeStyle] = {}
    for i, k in enumerate(order):
        cycle = i // len(palette)
        base[k] = OutcomeStyle(
            palette[i % len(palette)],
            (_HATCHES if cycle % 2 == 0 else _HATCHES2)[i % len(_HATCHES)],
            _DASHES[i % len(_DASHES)],
            _MARKERS[i % len(_MARKERS)],
        )

    def single(k: str) -> OutcomeStyle:
        return base[k] if k in base else _special_style(k)

    out: dict[str, OutcomeStyle] = {}
    for k in map(str, keys):
        parts = _split_multi(k)
        if parts:  # either part may be a cycle, a passage or a non-vertex rest point
            first, second = single(parts[0]), single(parts[1] if len(parts) > 1 else parts[0])
            out[k] = OutcomeStyle(first.color, "xxx" if len(parts) == 2 else "xxx...", "-", "h", second.color)
        else:
            out[k] = single(k)
    return out


def _is_special(key: str) -> bool:
    return key in _UNSETTLED or key.startswith(("cycle", "heteroclinic")) or re.fullmatch(r"E\d+", key) is not None


def _special_style(key: str) -> OutcomeStyle:
    if key in _UNSETTLED:
        return OutcomeStyle("#DDDDDD", "", (0, (1, 1.3)), ".")
    if key.startswith("cycle"):
        return OutcomeStyle("#9A9A9A", "oo", (0, (3, 1, 1, 1)), "o")
    if key.startswith("heteroclinic"):
        return OutcomeStyle("#7A7A7A", "++", (0, (4, 2)), "+")
    return OutcomeStyle("#B5B5B5", "++..", (0, (2, 2)), "d")  # a rest point that is not a vertex


def _outcome_text(key: str) -> str:
    """An outcome key for a legend (translated words, ``|`` kept)."""
    parts = _split_multi(key)
    if parts:
        word = "bistable" if key.startswith("bistable") else "multistable"
        return f"{_tr(word)}: " + " | ".join(parts)
    if key in _UNSETTLED:
        return _tr(key)
    if key.startswith("cycle"):
        return _tr("cycle") + key[len("cycle") :]
    return key


# ---------------------------------------------------------------------- helpers
def _figure_of(obj: Any) -> Figure:
    from matplotlib.figure import Figure

    if isinstance(obj, Figure):
        return obj
    if hasattr(obj, "figure") and obj.figure is not None:
        return obj.figure
    try:
        first = np.ravel(np.asarray(obj, dtype=object))[0]
    except (TypeError, IndexError) as exc:
        raise TypeError(f"expected a Figure or Axes, found {type(obj).__name__}") from exc
    return _figure_of(first)


def _new_axes(*, projection: str | None = None, size: tuple[float, float] = (_COLUMN, 2.6)) -> Axes:
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=_scaled(size))
    if projection is None:
        return fig.add_subplot()
    return fig.add_subplot(projection=projection)


def _scaled(size: tuple[float, float]) -> tuple[float, float]:
    s = current_style().scale
    return (size[0] * s, size[1] * s)


def _pt(value: float) -> float:
    """A font size or line width in the current style."""
    return value * current_style().scale


def _finish_2d(ax: Axes) -> None:
    """Apply the style to an Axes possibly created outside :func:`style`."""
    import matplotlib as mpl

    rc = mpl.rcParams
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_linewidth(rc["axes.linewidth"])
    ax.tick_params(
        which="major",
        direction="out",
        length=rc["xtick.major.size"],
        width=rc["xtick.major.width"],
        labelsize=rc["xtick.labelsize"],
        pad=rc["xtick.major.pad"],
    )
    # Ticks are created lazily; create them now so they take this style's fonts.
    ax.xaxis.get_major_ticks()
    ax.yaxis.get_major_ticks()


def _check_state_dim(game: Game, n: int, what: str) -> None:
    if len(game.state_names) != n:
        raise ValueError(
            f"{what} needs a game with {n} state coordinates; {game.name!r} has "
            f"{len(game.state_names)} ({', '.join(game.state_names)})"
        )


def _as_paths(paths: Any, n: int, what: str) -> np.ndarray:
    arr = np.asarray(paths, dtype=float)
    if arr.ndim == 2:
        arr = arr[None]
    if arr.ndim != 3 or arr.shape[-1] != n:
        raise ValueError(f"{what} must have shape (runs, times, {n}), found {arr.shape}")
    return arr


#: Marker style per class of numeric verdict.
_EQ_STYLE: dict[str, dict[str, Any]] = {
    "ess": {"marker": "o", "facecolor": "black", "edgecolor": "black", "label": "ESS (stable)"},
    "unstable": {"marker": "o", "facecolor": "white", "edgecolor": "black", "label": "unstable (saddle/source)"},
    "non-hyperbolic": {"marker": "D", "facecolor": "#999999", "edgecolor": "black", "label": "non-hyperbolic"},
    "conditional": {"marker": "s", "facecolor": "white", "edgecolor": "#555555", "label": "undecided"},
}


def _verdict_class(verdict: Any) -> str:
    v = str(getattr(verdict, "value", verdict))
    if v == "ess":
        return "ess"
    if v in ("saddle", "source", "not-ess"):
        return "unstable"
    if v == "non-hyperbolic":
        return "non-hyperbolic"
    return "conditional"


def _equilibrium_items(equilibria: Sequence[Stability] | None, n: int) -> list[tuple[str, tuple, str]]:
    """(name, point with None for free coordinates, verdict class) for each drawable equilibrium."""
    items = []
    for st in equilibria or ():
        eq = st.equilibrium
        num = st.numeric
        if num is not None:
            point, verdict = tuple(num.point), num.verdict
        else:
            point, verdict = eq.numeric_point, st.verdict
            if point is None:
                try:
                    point = tuple(None if i in eq.free else float(c) for i, c in enumerate(eq.point))
                except TypeError:  # symbolic coordinates and no values: nothing to draw
                    continue
        if len(point) != n:
            raise ValueError(f"equilibrium {eq.name} has {len(point)} coordinates, expected {n}")
        items.append((eq.name, tuple(None if c is None else float(c) for c in point), _verdict_class(verdict)))
    return items


def _continuum_segment(point: tuple) -> np.ndarray | None:
    """End points of a one-dimensional continuum (one free coordinate), else None."""
    free = [i for i, c in enumerate(point) if c is None]
    if len(free) != 1:
        return None
    lo = [0.0 if c is None else c for c in point]
    hi = [1.0 if c is None else c for c in point]
    return np.array([lo, hi])


def _equilibrium_legend_handles(classes: Sequence[str]) -> list:
    from matplotlib.lines import Line2D

    handles = []
    for c in ("ess", "unstable", "non-hyperbolic", "conditional"):
        if c in classes:
            s = _EQ_STYLE[c]
            handles.append(
                Line2D(
                    [],
                    [],
                    linestyle="none",
                    marker=s["marker"],
                    markersize=_pt(4.5 if s["marker"] != "D" else 4.0),
                    markerfacecolor=s["facecolor"],
                    markeredgecolor=s["edgecolor"],
                    markeredgewidth=0.7,
                    label=_tr(s["label"]),
                )
            )
    return handles


def _outcome_handles(styles: Mapping[str, OutcomeStyle], keys: Sequence[str], *, kind: str) -> list:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles = []
    for k in keys:
        s = styles[k]
        if kind == "patch":
            handles.append(
                Patch(
                    facecolor=s.color,
                    edgecolor=s.hatch_color or _hatch_ink(s.color),
                    linewidth=0.0,
                    hatch=s.hatch,
                    label=_outcome_text(k),
                )
            )
        else:
            handles.append(
                Line2D([], [], color=s.color, linestyle=s.linestyle, marker=s.marker if kind == "marker" else None,
                       markersize=_pt(3.5), linewidth=_pt(1.0), label=_outcome_text(k))
            )  # fmt: skip
    return handles


def _legend_below(ax: Axes, *, handles: list | None = None, gap_pt: float | None = None, **kw: Any):
    """A legend centred under the x-axis label of a 2-D Axes, outside the data, whatever the Axes' size."""
    import matplotlib as mpl
    from matplotlib.transforms import ScaledTranslation

    rc = mpl.rcParams
    if gap_pt is None:  # ticks, tick labels, axis label and the label's pads, then a little air
        lines = max(1, ax.get_xlabel().count("\n") + 1) if ax.get_xlabel() else 0
        gap_pt = rc["xtick.major.size"] + rc["xtick.major.pad"] + 1.25 * rc["xtick.labelsize"]
        gap_pt += lines * (1.25 * rc["axes.labelsize"]) + rc["axes.labelpad"] + 2.5 * current_style().scale
    shift = ScaledTranslation(0.0, -gap_pt / 72.0, ax.figure.dpi_scale_trans)
    kw.setdefault("borderaxespad", 0.0)
    if handles is not None:
        kw["handles"] = handles
    return ax.legend(loc="upper center", bbox_to_anchor=(0.5, 0.0), bbox_transform=ax.transAxes + shift, **kw)


def _legend_above(ax: Axes, *, handles: list, gap_pt: float = 3.0, **kw: Any):
    """A legend centred over an Axes (above its title, if any)."""
    from matplotlib.transforms import ScaledTranslation

    if ax.get_title():
        gap_pt += 1.4 * ax.title.get_fontsize()
    shift = ScaledTranslation(0.0, gap_pt * current_style().scale / 72.0, ax.figure.dpi_scale_trans)
    kw.setdefault("borderaxespad", 0.0)
    return ax.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 1.0),
                     bbox_transform=ax.transAxes + shift, **kw)  # fmt: skip


def _hatch_ink(color: str) -> str:
    """Hatch colour readable on ``color``: black on light fills, white on dark ones."""
    from matplotlib.colors import to_rgb

    r, g, b = to_rgb(color)
    return "#000000" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.45 else "#FFFFFF"


def _arrow_index(path: np.ndarray, fraction: float = 0.35) -> int | None:
    """Index along a path where it has covered ``fraction`` of its length (None if it barely moves)."""
    steps = np.linalg.norm(np.diff(path, axis=0), axis=1)
    total = steps.sum()
    if not np.isfinite(total) or total < 0.05:
        return None
    cum = np.cumsum(steps)
    return int(min(np.searchsorted(cum, fraction * total) + 1, len(path) - 1))


def _path_colours(n_paths: int, outcomes: Sequence[str] | None, game: Game | None, color: str | None):
    """(colour and line style per path, outcome styles or None, outcome keys in legend order)."""
    if outcomes is None:
        return [(color or current_style().palette[0], "-")] * n_paths, None, []
    keys = [str(k) for k in outcomes]
    if len(keys) != n_paths:
        raise ValueError(f"outcomes must give one key per path ({n_paths}), found {len(keys)}")
    styles = outcome_styles(sorted(set(keys)), game=game)
    order = sorted(set(keys), key=lambda k: (k in _UNSETTLED, -keys.count(k), k))
    looks = [(styles[k].color if color is None else color, styles[k].linestyle) for k in keys]
    return looks, styles, order


# ---------------------------------------------------------------------- 3-D portrait
def phase_portrait_3d(
    game: Game,
    paths: Any,
    *,
    equilibria: Sequence[Stability] | None = None,
    ax: Axes | None = None,
    annotate: bool = True,
    color: str | None = None,
    legend: bool = True,
    outcomes: Sequence[str] | None = None,
    coords: Sequence[int] | None = None,
    style: str | FigureStyle | None = None,
) -> Axes:
    """Phase portrait in the unit cube (three state coordinates, or a projection of more).

    Parameters
    ----------
    game : Game
        Supplies the axis labels. With more than three state coordinates the portrait
        is the projection on ``coords``.
    paths : array_like, shape (runs, times, n)
        Trajectories, e.g. ``Trajectories.paths`` (sample them densely, e.g. 400 times:
        an orbit drawn through a few dozen samples is a polygon). One line per run, a
        small dot at its start and an arrowhead showing the direction of motion.
    equilibria : sequence of Stability, optional
        Rest points to mark, e.g. ``analyze(game, params=...).equilibria``. The
        numeric verdict decides the marker: ESS filled black circle, saddle or
        source hollow circle, non-hyperbolic grey diamond (symbolic-only verdicts
        a hollow square). A continuum with one free coordinate is drawn as a
        thick segment; a continuum face is not drawn.
    ax : Axes3D, optional
        A 3-D Axes (``projection="3d"``); a new single-column figure otherwise.
    annotate : bool, default True
        Write each equilibrium's name beside its marker, outside the cube, in the
        direction away from its centre (names of points that project to the same
        place are joined: ``"E1, E5"``).
    color : str, optional
        One colour for every trajectory (overrides ``outcomes``).
    legend : bool, default True
        Legends of the equilibrium markers (above the cube) and of the outcomes (below).
    outcomes : sequence of str, optional
        The outcome each run reached (:func:`govgame.numerics.outcomes.outcome_key`): each
        trajectory takes that outcome's colour (:func:`outcome_styles`).
    coords : three ints, optional
        The state coordinates on the x, y and z axes (default :func:`default_coords`).
    style : str or FigureStyle, optional
        Figure style (default: the enclosing :func:`style`, else ``paper``).

    Returns
    -------
    Axes3D

    Examples
    --------
    >>> import itertools, matplotlib, numpy as np
    >>> matplotlib.use("Agg")
    >>> from govgame.model import Game, Population
    >>> pops = tuple(Population(n, ("a", "b"), (s,)) for n, s in [("gov", "x"), ("ent", "y"), ("con", "z")])
    >>> game = Game("toy", pops, (), {p: (0, 0, 0) for p in itertools.product("ab", repeat=3)})
    >>> t = np.linspace(0, 1, 50)[:, None]
    >>> paths = np.stack([0.2 + 0.7 * t * np.ones(3), 0.8 - 0.7 * t * np.ones(3)])
    >>> ax = phase_portrait_3d(game, paths, outcomes=["a/a/a", "b/b/b"])
    >>> len(ax.lines), [float(v) for v in ax.get_zlim()]
    (2, [0.0, 1.0])
    """
    n = len(game.state_names)
    if coords is None:
        if n < 3:
            _check_state_dim(game, 3, "phase_portrait_3d")
        coords = default_coords(game)
    coords = tuple(int(c) for c in coords)
    if len(coords) != 3 or len(set(coords)) != 3 or not all(0 <= c < n for c in coords):
        raise ValueError(f"coords must be three different state indices in 0..{n - 1}, found {coords}")
    full = _as_paths(paths, n, "paths")
    arr = full[:, :, list(coords)]
    with _use(style):
        if ax is None:
            ax = _new_axes(projection="3d", size=(_COLUMN, 3.3))
        elif getattr(ax, "name", "") != "3d":
            raise ValueError('phase_portrait_3d needs a 3-D Axes: create it with projection="3d"')
        looks, styles, order = _path_colours(len(arr), outcomes, game, color)
        colours = [c for c, _ in looks]
        lw = _pt(0.75)
        for path, (c, ls) in zip(arr, looks):
            ax.plot(path[:, 0], path[:, 1], path[:, 2], color=c, linestyle=ls, linewidth=lw, alpha=0.9)
        if len(arr):
            ax.scatter(arr[:, 0, 0], arr[:, 0, 1], arr[:, 0, 2], s=_pt(5), c=colours, depthshade=False,
                       linewidths=0, gid="starts")  # fmt: skip
        for path, c in zip(arr, colours):
            k = _arrow_index(path)
            if k is None:
                continue
            d = path[k] - path[k - 1]
            if not np.any(d):
                continue
            ax.quiver(*path[k - 1], *d, length=0.055, normalize=True, arrow_length_ratio=0.9, color=c,
                      linewidth=lw, pivot="tip", gid="arrow")  # fmt: skip
        items = [(nm, tuple(p[i] if p[i] is not None else None for i in coords), cls)
                 for nm, p, cls in _equilibrium_items(equilibria, n)]  # fmt: skip
        ax.set_xlim(0.0, 1.0)
        ax.set_ylim(0.0, 1.0)
        ax.set_zlim(0.0, 1.0)
        ticks, names = [0.0, 0.5, 1.0], ["0", "0.5", "1"]
        ax.set_xticks(ticks, names)
        ax.set_yticks(ticks, names)
        ax.set_zticks(ticks, names)
        # a narrow panel (one of a row) leaves room beside the cube for the horizontal axis labels
        width_in = ax.figure.get_figwidth() * ax.get_position().width / current_style().scale
        ax.set_box_aspect((1, 1, 1), zoom=0.8 if width_in >= 2.6 else 0.68)
        ax.view_init(elev=22, azim=-58)
        classes, marks = _draw_equilibria_3d(ax, items)
        fs = _pt(7.0)
        for axis_name, i in zip(("x", "y", "z"), coords):
            axis = getattr(ax, f"{axis_name}axis")
            axis.set_rotate_label(False)  # horizontal text, whatever the view
            getattr(ax, f"set_{axis_name}label")(_axis_label_3d(game, i), fontsize=fs,
                                                labelpad=_pt(5.5 if axis_name != "z" else 7.0), rotation=0,
                                                ha="center" if axis_name != "z" else "left", va="center",
                                                linespacing=1.1)  # fmt: skip
        ax.tick_params(axis="both", which="major", labelsize=_pt(6.5), pad=_pt(-1.0))
        ax.tick_params(axis="z", pad=_pt(1.0))
        for axis in (ax.xaxis, ax.yaxis, ax.zaxis):
            axis.set_pane_color((1.0, 1.0, 1.0, 0.0))
            axis.line.set_linewidth(0.6)
            axis._axinfo["grid"].update(color="#E4E4E4", linewidth=0.4)
            axis._axinfo["tick"].update(inward_factor=0.0, outward_factor=0.15)
            axis.get_major_ticks()
        if n > 3:
            sym = ", ".join(f"${_share_latex(game.state_names[i])}$" for i in coords)
            ax.set_title(f"{_tr('projection')} ({sym})", fontsize=fs, pad=_pt(14 if legend and classes else 2))
        if legend and classes:
            ax.legend(handles=_equilibrium_legend_handles(classes), loc="lower center", bbox_to_anchor=(0.5, 0.95),
                      ncol=len(classes), columnspacing=0.9, handletextpad=0.2, borderaxespad=0.0)  # fmt: skip
        if legend and styles is not None:
            _outcome_legend_3d(ax, styles, order)
        if annotate and marks:
            _place_labels_3d(ax, marks)
    return ax


def _outcome_legend_3d(ax: Axes, styles: Mapping[str, OutcomeStyle], order: Sequence[str]) -> None:
    """The outcome legend under the cube's axis labels (measured, since they move with the view)."""
    fig = ax.figure
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    boxes = [b for axis in (ax.xaxis, ax.yaxis, ax.zaxis) for b in _axis3d_boxes(axis, renderer)]
    bottom = min([b.y0 for b in boxes], default=ax.bbox.y0) - _pt(3.0) * fig.dpi / 72
    y = ax.transAxes.inverted().transform((0.0, bottom))[1]
    first = ax.get_legend()
    leg = ax.legend(handles=_outcome_handles(styles, order, kind="line"), loc="upper center",
                    bbox_to_anchor=(0.5, y), ncol=1 if max(map(len, order)) > 24 else 2, title=_tr("reaches"),
                    handlelength=2.6, borderaxespad=0.0)  # fmt: skip
    leg.set_gid("outcome-legend")
    if first is not None:
        ax.add_artist(first)


def default_coords(game: Game) -> tuple[int, int, int]:
    """The three state coordinates a 3-D portrait shows by default.

    The first share of each of the first three populations when there are three or more
    populations (so a three-strategy population does not fill the cube with its simplex),
    else the first three coordinates.

    Examples
    --------
    >>> from govgame.model.loader import load_model
    >>> game = load_model("battery_echelon")
    >>> game.state_names, default_coords(game)
    (('x', 'y1', 'y2', 'z'), (0, 1, 3))
    """
    firsts = [int(i) for i in np.cumsum([0] + [len(p.shares) for p in game.populations])[:-1]]
    if len(firsts) >= 3:
        return (firsts[0], firsts[1], firsts[2])
    return (0, 1, 2)


def _short_population(label: str, limit: int = 16) -> str:
    """A population label without its parenthetical remarks when it is long (for tight spots)."""
    if len(label) <= limit:
        return label
    return re.sub(r"\s*\([^)]*\)", "", label).strip() or label


def _axis_label_3d(game: Game, index: int) -> str:
    """Two short horizontal lines: the population, then the strategy and symbol."""
    pop, i = _coordinates(game)[index]
    return f"{_short_population(pop.label)}\n{_words(pop.strategies[i])} (${_share_latex(pop.shares[i])}$)"


def _draw_equilibria_3d(ax: Axes, items: list) -> tuple[list[str], list[tuple[str, np.ndarray]]]:
    """Draw the rest points; return the verdict classes drawn and (name, point) for the labels."""
    from mpl_toolkits.mplot3d.art3d import Line3DCollection

    classes = []
    marks: list[tuple[str, np.ndarray]] = []
    for name, point, cls in items:
        s = _EQ_STYLE[cls]
        if any(c is None for c in point):
            seg = _continuum_segment(point)
            if seg is None:
                continue
            ax.add_collection3d(
                Line3DCollection(
                    [seg],
                    colors=s["edgecolor"] if s["facecolor"] == "white" else s["facecolor"],
                    linewidths=_pt(2.2),
                    linestyles="-",
                    gid=f"equilibrium:{name}",
                )
            )
            where = seg.mean(axis=0)
        else:
            ax.scatter([point[0]], [point[1]], [point[2]], s=_pt(22 if s["marker"] != "D" else 18),
                       marker=s["marker"], facecolors=s["facecolor"], edgecolors=s["edgecolor"], linewidths=0.7,
                       depthshade=False, zorder=5, gid=f"equilibrium:{name}")  # fmt: skip
            where = np.array(point, dtype=float)
        if cls not in classes:
            classes.append(cls)
        marks.append((name, where))
    return classes, marks


def _axis3d_boxes(axis: Any, renderer: Any) -> list:
    """Screen boxes of a 3-D axis' tick labels and label, where the next draw will put them.

    (After a draw, mplot3d leaves the labels' positions in data coordinates, so their
    ``get_window_extent`` is wrong; this follows ``Axis.get_tightbbox`` of mplot3d.)
    """
    boxes = []
    try:
        for updated in axis._update_all_positions():
            if updated.ticks is not None:
                for pair in axis._get_ticklabel_bboxes(updated.ticks, renderer):
                    boxes.extend(pair)
            if updated.label is not None and updated.label.get_text():
                boxes.append(updated.label.get_window_extent(renderer))
    except (AttributeError, TypeError):  # another matplotlib: fall back to the tight box of the whole axis
        box = axis.get_tightbbox(renderer)
        if box is not None:
            boxes.append(box)
    return [b for b in boxes if b.width > 0]


def _place_labels_3d(ax: Axes, marks: Sequence[tuple[str, np.ndarray]]) -> None:
    """Name the rest points of a 3-D portrait without covering tick labels, axis labels or each other.

    Points are projected to the screen; names of points that land on the same spot are
    joined (``"E1, E5"``). Each name goes first in the direction away from the projected
    centre of the cube, else in the nearest free direction among eight.
    """
    from mpl_toolkits.mplot3d import proj3d

    fig = ax.figure
    fig.draw_without_rendering()  # lays out the tick labels, so their boxes are known
    renderer = fig.canvas.get_renderer()
    proj = ax.get_proj()

    def screen(p: np.ndarray) -> np.ndarray:
        x, y, _ = proj3d.proj_transform(p[0], p[1], p[2], proj)
        return np.array([x, y])

    groups: list[tuple[list[str], np.ndarray]] = []
    for name, where in marks:
        xy = screen(where)
        for names, at in groups:
            if np.hypot(*(ax.transData.transform(at) - ax.transData.transform(xy))) < _pt(4.0) * fig.dpi / 72:
                names.append(name)
                break
        else:
            groups.append(([name], xy))
    obstacles = []
    for axis in (ax.xaxis, ax.yaxis, ax.zaxis):
        obstacles += _axis3d_boxes(axis, renderer)
    for leg in [ax.get_legend(), *(a for a in ax.artists if a.__class__.__name__ == "Legend")]:
        if leg is not None:
            obstacles.append(leg.get_window_extent(renderer))
    from matplotlib.transforms import Bbox

    r = _pt(3.0) * fig.dpi / 72  # markers are obstacles too
    for _, xy in groups:
        px, py = ax.transData.transform(xy)
        obstacles.append(Bbox([[px - r, py - r], [px + r, py + r]]))
    centre = screen(np.array([0.5, 0.5, 0.5]))
    for names, xy in groups:
        d = ax.transData.transform(xy) - ax.transData.transform(centre)
        base = float(np.arctan2(d[1], d[0])) if np.hypot(*d) > 1e-9 else np.pi / 2
        chosen = None
        for k in (0, 1, -1, 2, -2, 3, -3, 4):
            angle = base + k * np.pi / 4
            u = np.array([np.cos(angle), np.sin(angle)])
            ann = ax.annotate(
                ", ".join(names),
                xy=tuple(xy),
                xycoords="data",
                xytext=tuple(_pt(4.5) * u),
                textcoords="offset points",
                ha="left" if u[0] > 0.38 else "right" if u[0] < -0.38 else "center",
                va="bottom" if u[1] > 0.38 else "top" if u[1] < -0.38 else "center",
                fontsize=_pt(6.5),
                zorder=1000,
                annotation_clip=False,
                bbox={"boxstyle": "round,pad=0.05", "facecolor": "white", "edgecolor": "none", "alpha": 0.8},
                gid="equilibrium-label",
            )
            box = ann.get_window_extent(renderer)
            if not any(box.overlaps(o) for o in obstacles):
                chosen = box
                break
            if k != 4:
                ann.remove()
        obstacles.append(chosen if chosen is not None else box)


# ---------------------------------------------------------------------- phase plane
def phase_plane(
    game: Game,
    field: Callable[[np.ndarray], np.ndarray],
    *,
    paths: Any = None,
    equilibria: Sequence[Stability] | None = None,
    ax: Axes | None = None,
    grid: int = 31,
    density: float = 1.0,
    annotate: bool = True,
    legend: bool = True,
    outcomes: Sequence[str] | None = None,
    style: str | FigureStyle | None = None,
) -> Axes:
    """Phase plane with streamlines for a game with two state coordinates.

    Parameters
    ----------
    game : Game
        Two state coordinates (two binary populations); supplies the axis labels.
    field : callable
        ``field(X) -> dX`` on arrays of shape ``(..., 2)``, e.g. ``NumericDynamics.f``.
        It is evaluated on a ``grid`` x ``grid`` lattice of the unit square to draw
        the streamlines (grey).
    paths : array_like, shape (runs, times, 2), optional
        Trajectories drawn on top, one line each, with a start dot and an arrowhead
        (sample them densely: a closed orbit drawn through a few dozen samples is a
        polygon, and many turns of it a thick rope).
    equilibria : sequence of Stability, optional
        Rest points, marked as in :func:`phase_portrait_3d`.
    ax : Axes, optional
    grid : int, default 31
        Lattice size for evaluating ``field``.
    density : float, default 1.0
        Streamline density (``matplotlib.axes.Axes.streamplot``).
    annotate : bool, default True
        Write each equilibrium's name next to its marker.
    legend : bool, default True
        Legends of the equilibrium markers (above) and of the outcomes (below).
    outcomes : sequence of str, optional
        The outcome of each path: its colour (:func:`outcome_styles`).
    style : str or FigureStyle, optional

    Returns
    -------
    Axes

    Examples
    --------
    >>> import matplotlib, numpy as np
    >>> matplotlib.use("Agg")
    >>> from govgame.model import Game, Population
    >>> pops = (Population("row", ("a", "b"), ("x",)), Population("col", ("a", "b"), ("y",)))
    >>> game = Game("toy", pops, (), {(r, c): (0, 0) for r in "ab" for c in "ab"})
    >>> field = lambda X: X * (1 - X) * (X[..., ::-1] - 0.5)
    >>> ax = phase_plane(game, field, paths=np.array([[[0.2, 0.3], [0.3, 0.2]]]))
    >>> len(ax.lines), [float(v) for v in ax.get_xlim()]
    (1, [0.0, 1.0])
    """
    _check_state_dim(game, 2, "phase_plane")
    g = np.linspace(0.0, 1.0, int(grid))
    X, Y = np.meshgrid(g, g)
    dX = np.asarray(field(np.stack([X, Y], axis=-1)), dtype=float)
    if dX.shape != (*X.shape, 2):
        raise ValueError(f"field must return an array of shape (..., 2) like its input; got {dX.shape}")
    with _use(style):
        if ax is None:
            ax = _new_axes(size=(_COLUMN, 3.1))
        speed = np.hypot(dX[..., 0], dX[..., 1])
        if np.any(speed > 0):
            ax.streamplot(g, g, dX[..., 0], dX[..., 1], density=density, color="#B8B8B8", linewidth=_pt(0.5),
                          arrowsize=_pt(0.6), zorder=1)  # fmt: skip
        styles, order = None, []
        if paths is not None:
            arr = _as_paths(paths, 2, "paths")
            looks, styles, order = _path_colours(len(arr), outcomes, game, None)
            colours = [c for c, _ in looks]
            for path, (c, ls) in zip(arr, looks):
                ax.plot(path[:, 0], path[:, 1], color=c, linewidth=_pt(0.9), linestyle=ls, zorder=3)
                k = _arrow_index(path, 0.45)
                if k is not None:
                    ax.annotate("", xy=tuple(path[k]), xytext=tuple(path[k - 1]), zorder=3,
                                arrowprops={"arrowstyle": "-|>,head_length=0.35,head_width=0.18", "color": c,
                                            "linewidth": _pt(0.9), "shrinkA": 0, "shrinkB": 0})  # fmt: skip
            if len(arr):
                ax.scatter(arr[:, 0, 0], arr[:, 0, 1], s=_pt(6), c=colours, linewidths=0, zorder=4, gid="starts")
        classes = _draw_equilibria_2d(ax, _equilibrium_items(equilibria, 2), annotate=annotate)
        ax.set_xlim(0.0, 1.0)
        ax.set_ylim(0.0, 1.0)
        ax.set_aspect("equal")
        ax.set_xticks([0, 0.25, 0.5, 0.75, 1])
        ax.set_yticks([0, 0.25, 0.5, 0.75, 1])
        for side in ("left", "bottom"):
            ax.spines[side].set_position(("outward", 3))
        ax.set_xlabel(state_label(game, 0))
        ax.set_ylabel(_wrap_label(state_label(game, 1), 34))
        _finish_2d(ax)
        if legend and classes:
            ax.legend(handles=_equilibrium_legend_handles(classes), loc="lower center", bbox_to_anchor=(0.5, 1.02),
                      ncol=len(classes), columnspacing=0.9, handletextpad=0.2, borderaxespad=0.0)  # fmt: skip
        if legend and styles is not None:
            first = ax.get_legend()
            leg = _legend_below(ax, handles=_outcome_handles(styles, order, kind="line"), ncol=2, title=_tr("reaches"))
            leg.set_gid("outcome-legend")
            if first is not None:
                ax.add_artist(first)
    return ax


def _draw_equilibria_2d(ax: Axes, items: list, *, annotate: bool) -> list[str]:
    classes = []
    for name, point, cls in items:
        s = _EQ_STYLE[cls]
        if any(c is None for c in point):
            seg = _continuum_segment(point)
            if seg is None:
                continue
            from matplotlib.collections import LineCollection

            ax.add_collection(
                LineCollection(
                    [seg],
                    colors=s["edgecolor"] if s["facecolor"] == "white" else s["facecolor"],
                    linewidths=_pt(2.2),
                    zorder=4,
                    gid=f"equilibrium:{name}",
                    clip_on=False,
                )
            )
            where = seg.mean(axis=0)
        else:
            ax.scatter([point[0]], [point[1]], s=_pt(26 if s["marker"] != "D" else 20), marker=s["marker"],
                       facecolors=s["facecolor"], edgecolors=s["edgecolor"], linewidths=0.7, zorder=5,
                       clip_on=False, gid=f"equilibrium:{name}")  # fmt: skip
            where = np.array(point)
        if cls not in classes:
            classes.append(cls)
        if annotate:
            dx = -5 if where[0] > 0.5 else 5
            dy = -5 if where[1] > 0.5 else 5
            ax.annotate(name, xy=tuple(where), xytext=(dx, dy), textcoords="offset points",
                        ha="right" if dx < 0 else "left", va="top" if dy < 0 else "bottom", fontsize=_pt(6.5),
                        zorder=6, annotation_clip=False, gid="equilibrium-label")  # fmt: skip
    return classes


# ---------------------------------------------------------------------- time series
def time_series(
    game: Game,
    t: Any,
    path: Any,
    *,
    ax: Axes | None = None,
    legend: bool = True,
    labels: str = "legend",
    size: tuple[float, float] | None = None,
    style: str | FigureStyle | None = None,
) -> Axes:
    """Shares over time from one start: one line per state coordinate, labelled by population and strategy.

    Lines differ in colour (one per population) *and* line style (one per coordinate), so
    a greyscale print keeps them apart; the legend sits below the axes, outside the data.

    Parameters
    ----------
    game : Game
    t : array_like, shape (times,)
    path : array_like, shape (times, n)
        One trajectory in state order (``Trajectories.paths[i]``).
    ax : Axes, optional
    legend : bool, default True
    labels : {"legend", "compact"}
        Legend text: ``"Row: a ($x$)"``, or the short ``"$x$ (a)"`` for small panels.
    size : (width, height) in inches, optional
        Size of a new figure (default: a journal column).
    style : str or FigureStyle, optional

    Returns
    -------
    Axes

    Examples
    --------
    >>> import matplotlib, numpy as np
    >>> matplotlib.use("Agg")
    >>> from govgame.model import Game, Population
    >>> pops = (Population("row", ("a", "b"), ("x",)), Population("col", ("a", "b"), ("y",)))
    >>> game = Game("toy", pops, (), {(r, c): (0, 0) for r in "ab" for c in "ab"})
    >>> t = np.linspace(0, 10, 20)
    >>> ax = time_series(game, t, np.stack([t / 10, 1 - t / 10], axis=1))
    >>> len(ax.lines), ax.get_legend_handles_labels()[1][0]
    (2, 'Row: a ($x$)')
    """
    n = len(game.state_names)
    t = np.asarray(t, dtype=float)
    arr = np.asarray(path, dtype=float)
    if arr.ndim != 2 or arr.shape != (len(t), n):
        raise ValueError(f"path must have shape (len(t), {n}) = ({len(t)}, {n}), found {arr.shape}")
    with _use(style):
        palette = current_style().palette
        if ax is None:
            ax = _new_axes(size=size or (_COLUMN, 2.3))
        col = 0
        for pi, pop in enumerate(game.populations):
            for _ in range(len(pop.shares)):
                ax.plot(t, arr[:, col], color=palette[pi % len(palette)], linestyle=_DASHES[col % len(_DASHES)],
                        linewidth=_pt(1.1), label=state_label(game, col, form=labels))  # fmt: skip
                col += 1
        ax.set_xlim(t[0], t[-1])
        ax.set_ylim(-0.02, 1.02)
        ax.set_xlabel(_tr("Time $t$"))
        ax.set_ylabel(_tr("Share of population"))
        _finish_2d(ax)
        if legend:
            long = max(len(state_label(game, i, form=labels)) for i in range(n)) > 30
            short = max(len(state_label(game, i, form=labels)) for i in range(n)) <= 14
            _legend_below(ax, ncol=1 if long else (min(n, 4) if labels == "compact" and short else 2))
    return ax


def time_series_family(
    game: Game,
    t: Any,
    paths: Any,
    labels: Sequence[str],
    *,
    axes: Sequence[Axes] | None = None,
    coords: Sequence[int] | None = None,
    legend_title: str | None = None,
    cmap: str | None = None,
    size: tuple[float, float] | None = None,
    style: str | FigureStyle | None = None,
) -> np.ndarray:
    """A family of runs over time: one panel per state coordinate, one line per member.

    The common figure of these papers: the same start under several values of one
    parameter, or several starts under the same values. Members differ in colour and
    line style (from the style's palette); the legend sits to the right of the panels.

    Parameters
    ----------
    game : Game
    t : array_like, shape (times,)
    paths : array_like, shape (members, times, n)
    labels : sequence of str
        Legend text of each member (e.g. ``"$C_{g} = 2$"`` or ``"start (0.2, 0.2, 0.2)"``).
    axes : sequence of Axes, optional
        One per panel; a new row of panels otherwise.
    coords : sequence of int, optional
        The state coordinates to draw, one panel each (default: all).
    legend_title : str, optional
    cmap : str, optional
        A sequential matplotlib colour map instead of the palette (e.g. ``"cividis"``);
        line styles still differ.
    size : (width, height) in inches, optional
        Size of a new figure (default: a journal column).
    style : str or FigureStyle, optional

    Returns
    -------
    numpy.ndarray of Axes
        One panel per state coordinate.

    Examples
    --------
    >>> import matplotlib, numpy as np
    >>> matplotlib.use("Agg")
    >>> from govgame.model import Game, Population
    >>> pops = (Population("row", ("a", "b"), ("x",)), Population("col", ("a", "b"), ("y",)))
    >>> game = Game("toy", pops, (), {(r, c): (0, 0) for r in "ab" for c in "ab"})
    >>> t = np.linspace(0, 1, 10)
    >>> axes = time_series_family(game, t, np.stack([np.stack([t, t], 1), np.stack([t, 1 - t], 1)]), ["A", "B"])
    >>> len(axes), [line.get_label() for line in axes[0].lines]
    (2, ['A', 'B'])
    """
    import matplotlib as mpl

    t = np.asarray(t, dtype=float)
    n = len(game.state_names)
    arr = np.asarray(paths, dtype=float)
    if arr.ndim != 3 or arr.shape[1:] != (len(t), n):
        raise ValueError(f"paths must have shape (members, len(t), {n}) = (m, {len(t)}, {n}), found {arr.shape}")
    if len(labels) != len(arr):
        raise ValueError(f"labels must name every member ({len(arr)}), found {len(labels)}")
    where = _coordinates(game)
    coords = list(range(n)) if coords is None else [int(c) for c in coords]
    if not all(0 <= c < n for c in coords):
        raise ValueError(f"coords must be state indices in 0..{n - 1}, found {coords}")
    panels = len(coords)
    with _use(style):
        palette = current_style().palette
        if cmap is not None:
            cm = mpl.colormaps[cmap]
            colours = [cm(c) for c in (np.linspace(0.0, 0.85, len(arr)) if len(arr) > 1 else [0.0])]
        else:
            colours = [palette[i % len(palette)] for i in range(len(arr))]
        if axes is None:
            import matplotlib.pyplot as plt

            per_row = min(panels, 4)
            rows = -(-panels // per_row)
            width = min(_DOUBLE, 2.0 * per_row + 1.1)
            fig, axs = plt.subplots(rows, per_row, figsize=_scaled(size or (width, 1.95 * rows)), sharey=True,
                                    squeeze=False)  # fmt: skip
            axes_arr = axs.ravel()
            for extra in axes_arr[panels:]:
                extra.remove()
            axes_arr = axes_arr[:panels]
        else:
            axes_arr = np.asarray(axes, dtype=object).ravel()
            if len(axes_arr) != panels:
                raise ValueError(f"axes must hold one Axes per panel ({panels}), found {len(axes_arr)}")
            fig = None
        for ax, i in zip(axes_arr, coords):
            pop, si = where[i]
            for m, (path, c, lab) in enumerate(zip(arr, colours, labels)):
                ax.plot(t, path[:, i], color=c, linestyle=_DASHES[m % len(_DASHES)], linewidth=_pt(1.1), label=lab)
            ax.set_title(_short_population(pop.label, 24), fontsize=_pt(7.5))
            ax.set_xlim(t[0], t[-1])
            ax.set_ylim(-0.02, 1.02)
            ax.set_xlabel(_tr("Time $t$"))
            ax.set_ylabel(_wrap_label(f"{_words(pop.strategies[si])} (${_share_latex(pop.shares[si])}$)", 22))
            ax.yaxis.set_tick_params(labelleft=True)
            _finish_2d(ax)
        if fig is not None:
            fig.tight_layout(w_pad=0.6, h_pad=0.8)
        last = axes_arr[min(len(axes_arr), 4) - 1] if len(axes_arr) else None
        if last is not None:
            last.legend(loc="upper left", bbox_to_anchor=(1.03, 1.0), borderaxespad=0.0, title=legend_title,
                        handlelength=2.6)  # fmt: skip
    return np.asarray(axes_arr, dtype=object)


def sensitivity(
    game: Game,
    name: str,
    values: Sequence[float],
    t: Any,
    paths: Any,
    *,
    axes: Sequence[Axes] | None = None,
    cmap: str | None = None,
    size: tuple[float, float] | None = None,
    style: str | FigureStyle | None = None,
) -> np.ndarray:
    """Parameter sensitivity over time: each population's first-strategy share, one line per value.

    A :func:`time_series_family` with one panel per population (its first strategy)
    and legend entries ``$C_{g} = 2$``.

    Parameters
    ----------
    game : Game
    name : str
        The parameter varied; its LaTeX symbol labels the legend.
    values : sequence of float
        The values, in the order of ``paths``.
    t : array_like, shape (times,)
    paths : array_like, shape (len(values), times, n)
        One trajectory per value, from the same start.
    axes : sequence of Axes, optional
        One per population; a new row of panels otherwise.
    cmap : str, optional
        A sequential colour map instead of the palette.
    size : (width, height) in inches, optional
    style : str or FigureStyle, optional

    Returns
    -------
    numpy.ndarray of Axes
        One panel per population.

    Examples
    --------
    >>> import matplotlib, numpy as np
    >>> matplotlib.use("Agg")
    >>> from govgame.model import Game, Parameter, Population
    >>> pops = (Population("row", ("a", "b"), ("x",)), Population("col", ("a", "b"), ("y",)))
    >>> game = Game("toy", pops, (Parameter("C_g", value=1.0),), {(r, c): (0, 0) for r in "ab" for c in "ab"})
    >>> t = np.linspace(0, 1, 10)
    >>> paths = np.stack([np.stack([t * v, t], axis=1) for v in (0.5, 1.0, 1.5)]) / 1.5
    >>> axes = sensitivity(game, "C_g", [0.5, 1.0, 1.5], t, paths)
    >>> len(axes), len(axes[0].lines), axes[-1].get_legend_handles_labels()[1][0]
    (2, 3, '$C_{g} = 0.5$')
    """
    par = game.parameter(name)
    vals = np.asarray(values, dtype=float).ravel()
    t = np.asarray(t, dtype=float)
    n = len(game.state_names)
    arr = np.asarray(paths, dtype=float)
    if arr.shape != (len(vals), len(t), n):
        raise ValueError(
            f"paths must have shape (len(values), len(t), {n}) = {(len(vals), len(t), n)}, found {arr.shape}"
        )
    pops = game.populations
    first = [int(i) for i in np.cumsum([0] + [len(p.shares) for p in pops])[:-1]]
    if axes is not None and len(np.asarray(axes, dtype=object).ravel()) != len(pops):
        raise ValueError(f"axes must hold one Axes per population ({len(pops)}), found {len(np.ravel(axes))}")
    labels = [f"${par.latex} = {v:g}$" for v in vals]
    return time_series_family(game, t, arr, labels, coords=first, axes=axes, cmap=cmap, size=size, style=style)


def _state_panels(game: Game, axes, *, height: float = 2.0):
    """One panel per state coordinate (created in a row, or checked when given)."""
    n = len(game.state_names)
    if axes is None:
        import matplotlib.pyplot as plt

        width = min(_DOUBLE, 2.2 * n + 0.6)
        fig, axs = plt.subplots(1, n, figsize=(width, height), sharey=True, squeeze=False)
        return axs[0], True
    arr = np.asarray(axes, dtype=object).ravel()
    if len(arr) != n:
        raise ValueError(f"axes must hold one Axes per state coordinate ({n}), found {len(arr)}")
    return arr, False


def _share_axes(game: Game, ax: Axes, col: int, t: np.ndarray) -> None:
    pop, i = _coordinates(game)[col]
    ax.set_title(pop.label)
    ax.set_xlim(t[0], t[-1])
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("Time $t$")
    ax.set_ylabel(f"Share playing {_words(pop.strategies[i])} (${_share_latex(pop.shares[i])}$)")
    ax.yaxis.set_tick_params(labelleft=True)
    _finish_2d(ax)


def stochastic_paths(
    game: Game,
    t: Any,
    samples: Any,
    mean: Any,
    lo: Any,
    hi: Any,
    *,
    max_paths: int = 20,
    band: str = "5–95 %",
    axes: Sequence[Axes] | None = None,
) -> np.ndarray:
    """Realisations of a stochastic simulation: each share over time, with the mean and a quantile band.

    Parameters
    ----------
    game : Game
    t : array_like, shape (times,)
    samples : array_like, shape (paths, times, n)
        Sampled paths from one start (``Ensemble.samples[start]``).
    mean, lo, hi : array_like, shape (times, n)
        Mean and band edges over the paths (``Ensemble.band(start)``).
    max_paths : int, default 20
        Realisations drawn (thin grey lines); the band and the mean use every path.
    band : str
        Legend text of the band.
    axes : sequence of Axes, optional
        One per state coordinate; a new row of panels otherwise.

    Returns
    -------
    numpy.ndarray of Axes

    Examples
    --------
    >>> import matplotlib, numpy as np
    >>> matplotlib.use("Agg")
    >>> from govgame.model import Game, Population
    >>> pops = (Population("row", ("a", "b"), ("x",)), Population("col", ("a", "b"), ("y",)))
    >>> game = Game("toy", pops, (), {(r, c): (0, 0) for r in "ab" for c in "ab"})
    >>> t = np.linspace(0, 1, 11)
    >>> X = np.random.default_rng(0).uniform(size=(5, 11, 2))
    >>> axes = stochastic_paths(game, t, X, X.mean(0), X.min(0), X.max(0))
    >>> len(axes), len(axes[0].lines), axes[-1].get_legend_handles_labels()[1]
    (2, 8, ['realisations', 'mean', '5–95 %'])
    """
    t = np.asarray(t, dtype=float)
    n = len(game.state_names)
    X = np.asarray(samples, dtype=float)
    if X.ndim != 3 or X.shape[1:] != (len(t), n):
        raise ValueError(f"samples must have shape (paths, len(t), {n}), found {X.shape}")
    curves = [np.asarray(a, dtype=float) for a in (mean, lo, hi)]
    for a in curves:
        if a.shape != (len(t), n):
            raise ValueError(f"mean, lo and hi must have shape (len(t), {n}), found {a.shape}")
    mean, lo, hi = curves
    with style():
        axes_arr, created = _state_panels(game, axes)
        for col, ax in enumerate(axes_arr):
            owner = _coordinates(game)[col][0]
            colour = OKABE_ITO[next(i for i, p in enumerate(game.populations) if p is owner) % len(OKABE_ITO)]
            for k, path in enumerate(X[:max_paths]):
                ax.plot(
                    t,
                    path[:, col],
                    color=_GREY,
                    linewidth=0.4,
                    linestyle="-",
                    alpha=0.8,
                    label="realisations" if k == 0 else None,
                )
            ax.plot(t, mean[:, col], color=colour, linewidth=1.4, linestyle="-", label="mean")
            ax.fill_between(t, lo[:, col], hi[:, col], color=colour, alpha=0.2, linewidth=0, label=band)
            for edge in (lo, hi):
                ax.plot(t, edge[:, col], color=colour, linewidth=0.7, linestyle="--")
            _share_axes(game, ax, col, t)
        handles, labels = axes_arr[-1].get_legend_handles_labels()
        axes_arr[-1].legend(handles, labels, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0)
        if created:
            axes_arr[0].figure.tight_layout(w_pad=0.8)
    return np.asarray(axes_arr, dtype=object)


def noise_comparison(
    game: Game,
    t: Any,
    curves: Mapping[str, Any],
    *,
    bands: Mapping[str, tuple[Any, Any]] | None = None,
    axes: Sequence[Axes] | None = None,
) -> np.ndarray:
    r"""Shares over time for several noise intensities (the figure stochastic-game papers print).

    Parameters
    ----------
    game : Game
    t : array_like, shape (times,)
    curves : mapping of str to array_like (times, n)
        A label (e.g. ``"$\\sigma = 0.5$"``) and a curve per intensity: the mean over paths, or one
        realisation.
    bands : mapping of str to (lo, hi), optional
        Quantile bands drawn lightly behind the curves with the same labels.
    axes : sequence of Axes, optional
        One per state coordinate.

    Returns
    -------
    numpy.ndarray of Axes

    Examples
    --------
    >>> import matplotlib, numpy as np
    >>> matplotlib.use("Agg")
    >>> from govgame.model import Game, Population
    >>> pops = (Population("row", ("a", "b"), ("x",)), Population("col", ("a", "b"), ("y",)))
    >>> game = Game("toy", pops, (), {(r, c): (0, 0) for r in "ab" for c in "ab"})
    >>> t = np.linspace(0, 1, 11)
    >>> axes = noise_comparison(game, t, {"$\\sigma = 0$": np.full((11, 2), 0.5), "$\\sigma = 1$": np.full((11, 2), 0.6)})
    >>> [ln.get_linestyle() for ln in axes[0].lines]
    ['-', '--']
    """
    t = np.asarray(t, dtype=float)
    n = len(game.state_names)
    styles = ["-", "--", ":", "-."]
    with style():
        axes_arr, created = _state_panels(game, axes)
        for k, (label, curve) in enumerate(curves.items()):
            c = np.asarray(curve, dtype=float)
            if c.shape != (len(t), n):
                raise ValueError(f"curve {label!r} must have shape (len(t), {n}), found {c.shape}")
            colour = OKABE_ITO[k % len(OKABE_ITO)]
            for col, ax in enumerate(axes_arr):
                if bands is not None and label in bands:
                    lo, hi = (np.asarray(b, dtype=float) for b in bands[label])
                    ax.fill_between(t, lo[:, col], hi[:, col], color=colour, alpha=0.12, linewidth=0)
                ax.plot(t, c[:, col], color=colour, linestyle=styles[k % len(styles)], label=label)
        for col, ax in enumerate(axes_arr):
            _share_axes(game, ax, col, t)
        axes_arr[-1].legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0, handlelength=2.2)
        if created:
            axes_arr[0].figure.tight_layout(w_pad=0.8)
    return np.asarray(axes_arr, dtype=object)


def _ordered_outcomes(labels: np.ndarray) -> list[str]:
    found = sorted({str(s) for s in labels.ravel()})

    def key(s: str) -> tuple[int, str]:
        if s == "none":
            return (3, s)
        if s.startswith("bistable") or "|" in s:
            return (1, s)
        return (0, s)

    return sorted(found, key=key)


# ---------------------------------------------------------------------- region map
def _edges(v: np.ndarray) -> np.ndarray:
    if len(v) == 1:
        return np.array([v[0] - 0.5, v[0] + 0.5])
    mid = (v[1:] + v[:-1]) / 2
    return np.concatenate([[v[0] - (mid[0] - v[0])], mid, [v[-1] + (v[-1] - mid[-1])]])


def _ordered_outcomes(labels: Sequence[str]) -> list[str]:
    found = sorted({str(s) for s in labels})

    def key(s: str) -> tuple[int, str]:
        if s in _UNSETTLED:
            return (3, s)
        if _split_multi(s):
            return (1, s)
        if _is_special(s):
            return (2, s)
        return (0, s)

    return sorted(found, key=key)


def region_map(
    game: Game,
    xname: str,
    xvalues: Sequence[float],
    yname: str,
    yvalues: Sequence[float],
    labels: Any,
    *,
    ax: Axes | None = None,
    colors: Mapping[str, str] | None = None,
    legend: bool = True,
    size: tuple[float, float] | None = None,
    style: str | FigureStyle | None = None,
) -> Axes:
    """Two-parameter region map of outcomes (one colour and hatch per outcome; a legend below).

    Parameters
    ----------
    game : Game
        Supplies the LaTeX symbols of the two parameters and the colours of the outcomes
        (:func:`outcome_styles`).
    xname, yname : str
        Parameters on the horizontal and vertical axes.
    xvalues, yvalues : sequence of float
        Grid values (cell centres), increasing.
    labels : array_like, shape (len(yvalues), len(xvalues))
        Per cell either the outcome as a string (``"lax/informal/sell_informal"``,
        ``"bistable: a | b"``, ``"none"``) or a mapping outcome -> share of starts
        (a sweep cell's ``reached``), which :func:`govgame.numerics.outcomes.region_label`
        turns into one.
    ax : Axes, optional
    colors : mapping of str to colour, optional
        Colours for some outcomes, overriding :func:`outcome_styles`.
    legend : bool, default True
        Legend below the map.
    size : (width, height) in inches, optional
        Size of a new figure (default: a journal column).
    style : str or FigureStyle, optional

    Returns
    -------
    Axes

    Examples
    --------
    >>> import matplotlib, numpy as np
    >>> matplotlib.use("Agg")
    >>> from govgame.model import Game, Parameter, Population
    >>> pops = (Population("row", ("a", "b"), ("x",)), Population("col", ("a", "b"), ("y",)))
    >>> game = Game("toy", pops, (Parameter("C_g", value=1.0), Parameter("F", value=1.0)),
    ...             {(r, c): (0, 0) for r in "ab" for c in "ab"})
    >>> cells = [[{"a/a": 1.0}, {"b/b": 1.0}], [{"a/a": 0.5, "b/b": 0.5}, {"none": 1.0}]]
    >>> ax = region_map(game, "C_g", [0, 1], "F", [0, 1], cells)
    >>> [t.get_text() for t in ax.get_legend().get_texts()], ax.get_xlabel()
    (['a/a', 'b/b', 'bistable: a/a | b/b', 'none'], '$C_{g}$')
    """
    xv = np.asarray(xvalues, dtype=float).ravel()
    yv = np.asarray(yvalues, dtype=float).ravel()
    raw = np.empty((len(yv), len(xv)), dtype=object)
    try:
        src = np.asarray(labels, dtype=object)
        if src.shape[:2] != (len(yv), len(xv)):
            raise ValueError
        for i in range(len(yv)):
            for j in range(len(xv)):
                raw[i, j] = src[i, j]
    except (ValueError, IndexError, TypeError):
        shape = np.shape(np.asarray(labels, dtype=object))
        raise ValueError(
            f"labels must have shape (len(yvalues), len(xvalues)) = ({len(yv)}, {len(xv)}), found {shape}"
        ) from None
    from .numerics.outcomes import region_label  # the one rule that names a cell

    lab = np.vectorize(lambda c: region_label(c) if isinstance(c, Mapping) else str(c), otypes=[object])(raw)
    outcomes = _ordered_outcomes(list(lab.ravel()))
    with _use(style):
        styles = outcome_styles(outcomes, game=game)
        for k, c in (colors or {}).items():
            if k in styles:
                s = styles[k]
                styles[k] = OutcomeStyle(c, s.hatch, s.linestyle, s.marker, s.hatch_color)
        if ax is None:
            ax = _new_axes(size=size or (_COLUMN, 2.8))
        from matplotlib.colors import ListedColormap

        xe, ye = _edges(xv), _edges(yv)
        index = {o: i for i, o in enumerate(outcomes)}
        codes = np.vectorize(lambda s: index[s], otypes=[int])(lab) if lab.size else np.zeros(lab.shape, int)
        for o in outcomes:
            st = styles[o]
            mask = np.ma.masked_where(codes != index[o], np.ones_like(codes, dtype=float))
            # pcolor (a collection of polygons) rather than pcolormesh: only polygons take hatches
            coll = ax.pcolor(xe, ye, mask, cmap=ListedColormap([st.color]), vmin=0, vmax=1, linewidth=0.0,
                             edgecolors=st.hatch_color or _hatch_ink(st.color), antialiased=False)  # fmt: skip
            coll.set_gid(f"region:{o}")
            if st.hatch:
                coll.set_hatch(st.hatch)
            else:
                coll.set_edgecolor("face")
        ax.set_xlabel(_param_latex(game, xname))
        ax.set_ylabel(_param_latex(game, yname), rotation=0, labelpad=_pt(8))
        ax.set_xlim(xe[0], xe[-1])
        ax.set_ylim(ye[0], ye[-1])
        _finish_2d(ax)
        if legend:
            _legend_below(ax, handles=_outcome_handles(styles, outcomes, kind="patch"), handlelength=1.6,
                          ncol=1 if max((len(o) for o in outcomes), default=0) > 22 else 2, handleheight=1.1,
                          title=_tr("Outcome"))  # fmt: skip
    return ax


# ---------------------------------------------------------------------- basins
def basin_shares(
    shares: Mapping[str, float],
    *,
    ax: Axes | None = None,
    sort: bool = True,
    xlabel: str | None = None,
    game: Game | None = None,
    inline_labels: bool = False,
    size: tuple[float, float] | None = None,
    style: str | FigureStyle | None = None,
) -> Axes:
    """Horizontal bar chart of the share of starting points reaching each outcome.

    Each bar takes its outcome's colour and hatch (:func:`outcome_styles`; pass ``game``
    so they match the other figures of the same model).

    Parameters
    ----------
    shares : mapping of str to float
        Outcome -> share in [0, 1] (e.g. :func:`govgame.numerics.outcomes.basins`, or a
        ``reached`` entry of ``govgame sweep``).
    ax : Axes, optional
    sort : bool, default True
        Largest share on top (otherwise the mapping's order, top to bottom).
    xlabel : str, optional
        Default "Share of starting points".
    game : Game, optional
    inline_labels : bool, default False
        Write each outcome just above its bar instead of beside the axis (for narrow panels).
    size : (width, height) in inches, optional
        Size of a new figure (default: a journal column).
    style : str or FigureStyle, optional

    Returns
    -------
    Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = basin_shares({"strict/formal/return": 0.6, "lax/informal/sell_informal": 0.4})
    >>> len(ax.patches), ax.get_yticklabels()[-1].get_text()
    (2, 'strict/formal/return')
    """
    items = [(str(k), float(v)) for k, v in shares.items()]
    if sort:
        items.sort(key=lambda kv: (kv[0] in _UNSETTLED, -kv[1]))
    with _use(style):
        styles = outcome_styles([k for k, _ in items], game=game)
        if ax is None:
            ax = _new_axes(size=size or (_COLUMN, 0.55 + 0.26 * max(len(items), 1)))
        # Bottom to top, so the first item is drawn on top.
        items = items[::-1]
        y = np.arange(len(items))
        for yi, (k, v) in zip(y, items):
            s = styles[k]
            ax.barh([yi], [v], height=0.45 if inline_labels else 0.62, color=s.color, hatch=s.hatch or None,
                    edgecolor=s.hatch_color or _hatch_ink(s.color), linewidth=0.0, gid=f"bar:{k}")  # fmt: skip
            ax.text(v + 0.015, yi, f"{100 * v:.0f}%", va="center", ha="left", fontsize=_pt(6.5))
        if inline_labels:
            for yi, (k, _) in zip(y, items):
                ax.text(0.0, yi + 0.34, _outcome_text(k), va="bottom", ha="left", fontsize=_pt(6.5))
            ax.set_yticks([])
        else:
            ax.set_yticks(y, [_outcome_text(k) for k, _ in items])
        top = max([1.0] + [v for _, v in items])
        ax.set_xlim(0.0, top)
        ax.set_ylim(-0.6, len(items) - 0.4 + (0.35 if inline_labels else 0.0))
        ax.set_xlabel(_tr("Share of starting points") if xlabel is None else xlabel)
        ax.xaxis.set_major_formatter(_percent_formatter())
        _finish_2d(ax)
        ax.tick_params(axis="y", length=0)
        ax.spines["left"].set_visible(False)
    return ax


def basin_curves(
    game: Game,
    name: str,
    values: Sequence[float],
    shares: Sequence[Mapping[str, float]],
    *,
    ax: Axes | None = None,
    legend: bool = True,
    size: tuple[float, float] | None = None,
    style: str | FigureStyle | None = None,
) -> Axes:
    """Share of starts reaching each outcome as one parameter varies (basin sensitivity).

    One line per outcome, in its colour, line style and marker (:func:`outcome_styles`);
    the legend sits below the axes.

    Parameters
    ----------
    game : Game
    name : str
        The parameter on the horizontal axis.
    values : sequence of float
    shares : sequence of mappings
        For each value, outcome -> share of starts (e.g. the ``reached`` of each sweep cell).
    ax : Axes, optional
    legend : bool, default True
    size : (width, height) in inches, optional
        Size of a new figure (default: a journal column).
    style : str or FigureStyle, optional

    Returns
    -------
    Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from govgame.model import Game, Parameter, Population
    >>> pops = (Population("row", ("a", "b"), ("x",)), Population("col", ("a", "b"), ("y",)))
    >>> game = Game("toy", pops, (Parameter("F", value=1.0),), {(r, c): (0, 0) for r in "ab" for c in "ab"})
    >>> ax = basin_curves(game, "F", [0, 1, 2], [{"a/a": 1.0}, {"a/a": 0.5, "b/b": 0.5}, {"b/b": 1.0}])
    >>> [line.get_label() for line in ax.lines], [float(v) for v in ax.lines[0].get_ydata()]
    (['a/a', 'b/b'], [1.0, 0.5, 0.0])
    """
    vals = np.asarray(values, dtype=float).ravel()
    if len(shares) != len(vals):
        raise ValueError(f"shares must give one mapping per value ({len(vals)}), found {len(shares)}")
    keys = sorted({str(k) for s in shares for k in s}, key=lambda k: (k in _UNSETTLED, k))
    with _use(style):
        styles = outcome_styles(keys, game=game)
        if ax is None:
            ax = _new_axes(size=size or (_COLUMN, 2.3))
        for k in keys:
            s = styles[k]
            y = [float(sh.get(k, 0.0)) for sh in shares]
            ax.plot(vals, y, color=s.color, linestyle=s.linestyle, marker=s.marker, markersize=_pt(3.2),
                    linewidth=_pt(1.1), label=_outcome_text(k), clip_on=False)  # fmt: skip
        ax.set_xlim(vals[0], vals[-1])
        ax.set_ylim(-0.02, 1.02)
        ax.yaxis.set_major_formatter(_percent_formatter())
        ax.set_xlabel(_param_latex(game, name))
        ax.set_ylabel(_tr("Share of starting points"))
        _finish_2d(ax)
        if legend:
            _legend_below(ax, ncol=1 if max(map(len, keys)) > 24 else 2)
    return ax


def _percent_formatter():
    from matplotlib.ticker import PercentFormatter

    return PercentFormatter(xmax=1.0, decimals=0)


# ---------------------------------------------------------------------- legends for panels
def shared_legend(
    fig: Figure,
    *,
    game: Game | None = None,
    verdicts: Sequence[str] = ("ess", "unstable"),
    outcomes: Sequence[str] = (),
    kind: str = "line",
    ncol: int | None = None,
    style: str | FigureStyle | None = None,
) -> Any:
    """One legend under a figure of several panels: the rest-point markers and the outcomes.

    Use it with ``legend=False`` on each panel, so a row of phase portraits carries one
    legend instead of one per panel.

    Parameters
    ----------
    fig : Figure
    game : Game, optional
        Fixes the outcomes' colours (:func:`outcome_styles`).
    verdicts : sequence of str
        Marker classes to explain: ``"ess"``, ``"unstable"``, ``"non-hyperbolic"``, ``"conditional"``.
    outcomes : sequence of str
        Outcome keys to explain (lines, or patches with ``kind="patch"``).
    kind : {"line", "patch"}
    ncol : int, optional
    style : str or FigureStyle, optional

    Returns
    -------
    matplotlib.legend.Legend

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> leg = shared_legend(plt.figure(), outcomes=["a/a", "b/b"])
    >>> [t.get_text() for t in leg.get_texts()]
    ['ESS (stable)', 'unstable (saddle/source)', 'a/a', 'b/b']
    """
    with _use(style):
        handles = _equilibrium_legend_handles(list(verdicts))
        if outcomes:
            handles += _outcome_handles(outcome_styles(list(outcomes), game=game), list(outcomes), kind=kind)
        return fig.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0),
                          ncol=ncol or min(len(handles), 4), frameon=False, handlelength=2.4,
                          columnspacing=1.2)  # fmt: skip


# ---------------------------------------------------------------------- dashboard (notebooks)
def dashboard(
    game: Game,
    t: Any,
    paths: Any,
    *,
    equilibria: Sequence[Stability] | None = None,
    outcomes: Sequence[str] | None = None,
    shares: Mapping[str, float] | None = None,
    field: Callable[[np.ndarray], np.ndarray] | None = None,
    focus: int = 0,
    style: str | FigureStyle | None = None,
) -> Figure:
    """The explorer's figure: the phase portrait beside a time series and the basin-share bars.

    Left, the 3-D portrait (three coordinates, or a projection of more) or the phase
    plane (two, with ``field``); right, the shares over time from run ``focus`` and the
    share of the runs reaching each outcome, in the same outcome colours as the
    trajectories.

    Parameters
    ----------
    game : Game
    t : array_like, shape (times,)
    paths : array_like, shape (runs, times, n)
    equilibria : sequence of Stability, optional
    outcomes : sequence of str, optional
        The outcome each run reached.
    shares : mapping, optional
        Outcome -> share of runs (drawn as bars when given).
    field : callable, optional
        The vector field, for the phase plane of a two-coordinate game.
    focus : int, default 0
        The run whose shares are drawn over time.
    style : str or FigureStyle, optional

    Returns
    -------
    Figure

    Examples
    --------
    >>> import matplotlib, numpy as np
    >>> matplotlib.use("Agg")
    >>> from govgame.model import Game, Population
    >>> pops = (Population("row", ("a", "b"), ("x",)), Population("col", ("a", "b"), ("y",)))
    >>> game = Game("toy", pops, (), {(r, c): (0, 0) for r in "ab" for c in "ab"})
    >>> t = np.linspace(0, 1, 5)
    >>> paths = np.stack([np.stack([t, t], 1), np.stack([1 - t, 1 - t], 1)])
    >>> fig = dashboard(game, t, paths, field=lambda X: 0 * X, outcomes=["a/a", "b/b"],
    ...                 shares={"a/a": 0.5, "b/b": 0.5})
    >>> len(fig.axes)
    3
    """
    import matplotlib.pyplot as plt

    arr = np.asarray(paths, dtype=float)
    n = len(game.state_names)
    with _use(style):
        fig = plt.figure(figsize=_scaled((_DOUBLE, 3.7)))
        gs = fig.add_gridspec(2, 2, width_ratios=[1.0, 0.95], height_ratios=[1.25, 1.0], wspace=0.3, hspace=1.05)
        if n >= 3:
            ax0 = fig.add_subplot(gs[:, 0], projection="3d")
            phase_portrait_3d(game, arr, equilibria=equilibria, ax=ax0, outcomes=outcomes, legend=True)
        elif n == 2 and field is not None:
            ax0 = fig.add_subplot(gs[:, 0])
            phase_plane(game, field, paths=arr, equilibria=equilibria, ax=ax0, outcomes=outcomes)
        else:
            ax0 = fig.add_subplot(gs[:, 0])
            time_series(game, t, arr[0], ax=ax0)
        ax1 = fig.add_subplot(gs[0, 1])
        focus = int(np.clip(focus, 0, len(arr) - 1))
        time_series(game, t, arr[focus], ax=ax1, legend=True, labels="compact")
        start = ", ".join(f"{v:.2g}" for v in arr[focus, 0])
        ax1.set_title(f"{_tr('Start')} ({start})", fontsize=_pt(7.5))
        ax2 = fig.add_subplot(gs[1, 1])
        if shares:
            basin_shares(shares, ax=ax2, game=game, inline_labels=True)
        else:
            ax2.set_axis_off()
    return fig


# ---------------------------------------------------------------------- internals
@contextlib.contextmanager
def _use(spec: str | FigureStyle | None) -> Iterator[FigureStyle]:
    """Draw in ``spec`` (a style name or object), or in the enclosing style when None."""
    with style(_as_style(spec)) as fs:
        yield fs
