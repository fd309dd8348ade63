r"""Stochastic stability of the vertices under the linearisation (SPEC §6).

The stochastic replicator dynamics (Itô) are :math:`dy = f(y)\,dt + \sigma_p G_p(y)\,dW`
(:mod:`govgame.numerics.sde`). Near a vertex where population :math:`p` plays strategy :math:`s`, every
other share :math:`y_i` of :math:`p` is small, and to first order

.. math:: dy_i = \lambda_i\, y_i\, dt + \sigma_p\, y_i\, dB_i, \qquad \lambda_i = u_i - u_s,

with :math:`B_i` a standard Brownian motion: under tangent noise, :math:`g = x(1-x) \approx x` near
:math:`x = 0` (and :math:`1 - x` near :math:`x = 1`); for :math:`k > 2` strategies
:math:`(dW_i - dW_s)/\sqrt 2` is a standard Brownian motion. The eigenvalues :math:`\lambda_i` are
those of the replicator Jacobian at the vertex (payoff differences; the Jacobian there is
diagonal in the small shares). So each small share of the linearised system is a geometric
Brownian motion, :math:`y_i(t) = y_i(0)\exp((\lambda_i - \sigma_p^2/2)t + \sigma_p B_i(t))`, and

- it tends to 0 almost surely, exponentially, iff :math:`\lambda_i - \sigma_p^2/2 < 0`
  (almost-sure exponential stability; the Lyapunov exponent);
- its second moment :math:`E y_i^2 = y_i(0)^2 e^{(2\lambda_i + \sigma_p^2)t}` tends to 0 iff
  :math:`\lambda_i + \sigma_p^2/2 < 0` (mean-square exponential stability).

(Mao 2007, ch. 4; Khasminskii 2012, on stability in the first approximation.) Note the sign of the
Itô correction: noise of this form makes almost-sure stability *easier* than the deterministic
:math:`\lambda_i < 0`, and mean-square stability harder.

Which vertices are rest points of the SDE
    With tangent noise every vertex is one (the noise vanishes on every face). With linear noise
    :math:`\sigma x\,dW` on the reduced shares, a vertex where some reduced share is 1 is **not**
    a rest point when that population's :math:`\sigma > 0`: the noise does not vanish there and
    the paths leave the vertex (and the state space) at once. Only the vertices where every noisy
    population plays its last strategy (all its reduced shares 0) are rest points; the others get
    no conditions, and the output says why.

Conditions are symbolic in the parameters (the intensities enter as exact rationals); whether they
can hold and a witness come from :class:`govgame.analysis.regions.Region` (linear programming where the
conditions are linear).

>>> from govgame.model import load_model
>>> from govgame.analysis.pipeline import analyze
>>> sa = stochastic_stability(analyze(load_model("battery_recycling")), 0.5)
>>> v = sa.vertices[0]
>>> v.rest_point, len(v.almost_sure), str(v.almost_sure[0]).endswith("< 0")
(True, 3, True)
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import sympy

from ..errors import SimulationError
from ..model.game import Game
from .regions import Feasibility, Region
from .stability import vertex_eigenvalue_pairs

__all__ = [
    "NOISES",
    "NOISE_FORMS",
    "sigma_values",
    "StochasticStability",
    "StochasticAnalysis",
    "stochastic_stability",
]

#: The noise forms, in the order of the kernel's codes (:mod:`govgame.numerics.sde`).
NOISES = ("tangent", "linear")

#: How each noise form is written (for the output).
NOISE_FORMS = {
    "tangent": "sigma*x*(1 - x)*dW for a binary population; sigma/sqrt(2)*y_i*(dW_i - sum_j y_j*dW_j) for k > 2",
    "linear": "sigma*x*dW on every reduced share x (the last share of a population is one minus the others)",
}


@dataclass(frozen=True)
class StochasticStability:
    """Stochastic stability of one vertex under the linearisation.

    Attributes
    ----------
    name : str
        The vertex's name in the analysis (``E1``, ...).
    profile : tuple of str
    rest_point : bool
        Whether the vertex is a rest point of the SDE (drift and noise both vanish there).
    eigenvalues : tuple of sympy.Expr
        Eigenvalues of the replicator Jacobian at the vertex, in the analysis's order.
    populations : tuple of str
        The population each eigenvalue belongs to (its noise intensity applies).
    almost_sure, mean_square : tuple of sympy relationals
        ``lambda_i - sigma_i**2/2 < 0`` and ``lambda_i + sigma_i**2/2 < 0``, one per eigenvalue
        (empty when the vertex is not a rest point).
    almost_sure_feasibility, mean_square_feasibility : Feasibility or None
        Whether all conditions can hold together for admissible parameters, a witness, and how
        it was decided.
    almost_sure_exponents, mean_square_exponents : tuple of float
        ``lambda_i -+ sigma_i**2/2`` at the parameter values (empty without values).
    numeric_almost_sure, numeric_mean_square : bool or None
        Whether the conditions hold at the parameter values; None without values, or when an
        exponent is exactly 0 (the linearisation decides nothing).
    note : str
    """

    name: str
    profile: tuple[str, ...]
    rest_point: bool
    eigenvalues: tuple[sympy.Expr, ...]
    populations: tuple[str, ...]
    almost_sure: tuple[sympy.Basic, ...] = ()
    mean_square: tuple[sympy.Basic, ...] = ()
    almost_sure_feasibility: Feasibility | None = None
    mean_square_feasibility: Feasibility | None = None
    almost_sure_exponents: tuple[float, ...] = ()
    mean_square_exponents: tuple[float, ...] = ()
    numeric_almost_sure: bool | None = None
    numeric_mean_square: bool | None = None
    note: str = ""


@dataclass(frozen=True)
class StochasticAnalysis:
    """The stochastic conditions of every vertex of an :class:`~govgame.analysis.pipeline.Analysis`."""

    sigma: dict[str, float]
    noise: str
    vertices: tuple[StochasticStability, ...]
    notes: tuple[str, ...] = ()

    def __getitem__(self, name: str) -> StochasticStability:
        for v in self.vertices:
            if v.name == name:
                return v
        raise KeyError(name)


def sigma_values(game: Game, sigma) -> dict[str, float]:
    """Noise intensity of every population from a number (all) or a mapping ``{population: sigma}``.

    Populations missing from a mapping get 0. Intensities must be finite and >= 0.

    >>> from govgame.model import Game, Population
    >>> g = Game(name="g", populations=(Population("a", ("p", "q"), ("x",)), Population("b", ("s", "t"), ("y",))),
    ...          parameters=(), payoffs={pr: (0, 0) for pr in [("p", "s"), ("p", "t"), ("q", "s"), ("q", "t")]})
    >>> sigma_values(g, 0.5), sigma_values(g, {"b": 1})
    ({'a': 0.5, 'b': 0.5}, {'a': 0.0, 'b': 1.0})
    >>> sigma_values(g, {"c": 1})
    Traceback (most recent call last):
    ...
    govgame.errors.SimulationError: sigma: no population "c" in model "g"; populations are: a, b
    """
    names = [p.name for p in game.populations]
    if isinstance(sigma, Mapping):
        out = dict.fromkeys(names, 0.0)
        for k, v in sigma.items():
            if k not in out:
                raise SimulationError(
                    f'sigma: no population "{k}" in model "{game.name}"; populations are: {", ".join(names)}'
                )
            out[k] = _intensity(v, f"sigma {k}")
        return out
    v = _intensity(sigma, "sigma")
    return dict.fromkeys(names, v)


def _intensity(v, what: str) -> float:
    try:
        x = float(v)
    except (TypeError, ValueError):
        raise SimulationError(f"{what} must be a number >= 0, found {v!r}") from None
    if isinstance(v, bool) or not math.isfinite(x) or x < 0:
        raise SimulationError(f"{what} must be a finite number >= 0 (a noise intensity), found {v!r}")
    return x


def _exact(v: float) -> sympy.Rational:
    return sympy.Rational(repr(float(v)))


def _sign_at(expr: sympy.Expr, subs) -> int | None:
    """Sign of ``expr`` at exact parameter values (50 significant digits decide; |value| < 1e-40 is 0)."""
    val = expr.xreplace(subs)
    if not val.is_number:
        return None
    v = sympy.N(val, 50)
    if not v.is_real:
        return None
    return 0 if abs(v) < 1e-40 else (1 if v > 0 else -1)


def stochastic_stability(analysis, sigma, *, noise: str = "tangent") -> StochasticAnalysis:
    """Almost-sure and mean-square exponential stability conditions of every vertex (SPEC §6).

    Parameters
    ----------
    analysis : govgame.analysis.pipeline.Analysis
    sigma : float or mapping
        Noise intensity of every population, or ``{population name: intensity}`` (others 0).
    noise : {"tangent", "linear"}

    Returns
    -------
    StochasticAnalysis

    Examples
    --------
    A coordination game: both conventions are stable; with tangent noise of intensity 2 the
    miscoordinated vertices (eigenvalues +1, +1) become almost surely stable (1 - 2 < 0), and
    no vertex is mean-square stable.

    >>> from govgame.model import Game, Population
    >>> from govgame.analysis.pipeline import analyze
    >>> g = Game(name="c", populations=(Population("a", ("l", "r"), ("x",)), Population("b", ("l", "r"), ("y",))),
    ...          parameters=(), payoffs={("l", "l"): (1, 1), ("l", "r"): (0, 0), ("r", "l"): (0, 0), ("r", "r"): (1, 1)})
    >>> sa = stochastic_stability(analyze(g), 2.0)
    >>> [(v.profile, v.numeric_almost_sure, v.numeric_mean_square) for v in sa.vertices]
    [(('r', 'r'), True, False), (('r', 'l'), True, False), (('l', 'r'), True, False), (('l', 'l'), True, False)]
    >>> [str(c) for c in sa.vertices[1].almost_sure]
    ['-1 < 0', '-1 < 0']
    """
    if noise not in NOISE_FORMS:
        raise SimulationError(f"noise must be one of {', '.join(NOISE_FORMS)}, found {noise!r}")
    game = analysis.game
    dyn = analysis.dynamics
    sig = sigma_values(game, sigma)
    pops = game.populations
    region = Region(game, analysis.params)
    numeric = game.complete(analysis.params)
    subs = game.subs_map({k: analysis.params[k] for k in game.parameter_names}) if numeric else None
    out = []
    for st in analysis.equilibria:
        eq = st.equilibrium
        if str(eq.kind) != "pure":
            continue
        pairs = vertex_eigenvalue_pairs(dyn, eq)
        lams = tuple(lam for lam, _, _ in pairs)
        owners = tuple(pops[p].name for _, p, _ in pairs)
        playing = [supp[0] for supp in eq.support]
        noisy_off = [
            p for p, pop in enumerate(pops) if noise == "linear" and sig[pop.name] > 0 and playing[p] != pop.k - 1
        ]
        if noisy_off:
            names = ", ".join(pops[p].shares[playing[p]] for p in noisy_off)
            out.append(
                StochasticStability(
                    eq.name,
                    tuple(eq.profile),
                    False,
                    lams,
                    owners,
                    note=(
                        f"not a rest point of the SDE: with linear noise sigma*x*dW the noise of {names} does not "
                        f"vanish where {names} = 1, so paths leave this vertex (and the state space) at once; "
                        "no stability conditions"
                    ),
                )
            )
            continue
        half = [_exact(sig[pops[p].name]) ** 2 / 2 for _, p, _ in pairs]
        a_s = [sympy.expand(lam - h) for lam, h in zip(lams, half)]
        m_s = [sympy.expand(lam + h) for lam, h in zip(lams, half)]
        rel = lambda g: sympy.StrictLessThan(g, 0, evaluate=False)  # noqa: E731
        feas_a = region.feasible(strict=[-g for g in a_s])
        feas_m = region.feasible(strict=[-g for g in m_s])
        ex_a: tuple[float, ...] = ()
        ex_m: tuple[float, ...] = ()
        num_a = num_m = None
        if subs is not None:
            signs_a = [_sign_at(g, subs) for g in a_s]
            signs_m = [_sign_at(g, subs) for g in m_s]
            ex_a = tuple(float(sympy.N(g.xreplace(subs), 17)) for g in a_s)
            ex_m = tuple(float(sympy.N(g.xreplace(subs), 17)) for g in m_s)
            num_a = _decide(signs_a)
            num_m = _decide(signs_m)
        out.append(
            StochasticStability(
                eq.name,
                tuple(eq.profile),
                True,
                lams,
                owners,
                tuple(rel(g) for g in a_s),
                tuple(rel(g) for g in m_s),
                feas_a,
                feas_m,
                ex_a,
                ex_m,
                num_a,
                num_m,
            )
        )
    notes = []
    if noise == "linear" and any(v > 0 for v in sig.values()):
        notes.append(
            "linear noise sigma*x*dW does not keep the state space: vertices where a noisy population's reduced "
            "share is 1 are not rest points of the SDE"
        )
    return StochasticAnalysis(sig, noise, tuple(out), tuple(notes))


def _decide(signs: list[int | None]) -> bool | None:
    if any(s is None for s in signs):
        return None
    if any(s > 0 for s in signs):
        return False
    if any(s == 0 for s in signs):
        return None  # an exponent exactly 0: the linearisation decides nothing
    return True
