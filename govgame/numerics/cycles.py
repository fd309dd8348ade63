r"""What each run did by ``t_end``: reached a rest point, settled on a cycle, approached a heteroclinic ring, or none.

The kernel (:mod:`govgame.numerics.kernel`) records, for every log-ratio coordinate
:math:`z_i = \log(y_i / y_{ref})`, the times and values of its maxima and minima — the returns
to the Poincaré sections :math:`\{\dot z_i = 0\}` — and applies a return-map test at ``t_end``
(:class:`govgame.numerics.kernel.Cycle`). :func:`run_outcomes` combines that with the rest points of the
analysis (SPEC §4, version 2):

``equilibrium``
    the run settled (kernel status ``converged``, ``stalled`` or ``t_end``) within ``tol``
    (maximum norm) of a rest point **and has no unstable direction left**: no share that is 0 at
    the rest point but positive in the run grows there (its growth rate, the transversal
    eigenvalue, is not positive), and the rest point is not unstable within its own face (no
    eigenvalue of the face's Jacobian with a positive real part; continua excepted). A run that
    sits 1e-24 from a saddle at ``t_end`` is passing it: ``reached`` is ``None`` and ``near``
    names the saddle.
``cycle``
    the return-map test found equal returns (period 1 or 2) and the orbit's range is wider than
    ``tol`` in the shares; ``period`` is the return time and ``around`` the rest point inside
    the range of every oscillating coordinate that agrees with the run's non-oscillating shares
    (nearest to the middle of the range when several do), else ``None``.
``heteroclinic``
    amplitudes and return times that keep growing while the extremes reach the boundary: the
    run passes ever closer to a ring of saddles (``near`` names the one it is passing at ``t_end``).
``unsettled``
    none of these. When the run approaches a stable rest point too slowly to reach it by
    ``t_end``, ``near`` names it and ``t_needed`` estimates the horizon that would reach it:
    :math:`t_{end} + \log(d / tol) / \mu` with ``d`` the distance left (at most 0.1, where the
    linearisation applies) and :math:`\mu` the slowest decay rate there (the smallest
    :math:`|\mathrm{Re}\,\lambda|`).

Eigenvalues come from a central-difference Jacobian of the replicator field restricted to the
rest point's face, and the transversal ones are the growth rates :math:`u_i - \bar u` at the
point; a real part counts as positive above ``1e-9`` times the largest modulus (and ``1e-12``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum

import numpy as np

from ..analysis.continua import rest_distances

__all__ = ["Outcome", "RunOutcome", "Field", "run_outcomes", "summary_key"]

_EIG_REL = 1e-9
_EIG_ABS = 1e-12
_Z_EDGE = math.log(1e3)  # |log-ratio| beyond this: a share below 1e-3
_LINEAR_REGION = 0.1  # distance within which the slowest eigenvalue estimates the time still needed


class Outcome(str, Enum):
    """The outcome of a run (SPEC §4, version 2)."""

    EQUILIBRIUM = "equilibrium"
    CYCLE = "cycle"
    HETEROCLINIC = "heteroclinic"
    UNSETTLED = "unsettled"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class RunOutcome:
    """What one run did (see the module docstring).

    Attributes
    ----------
    outcome : Outcome
    reached : str or None
        The rest point reached (``outcome`` ``equilibrium`` only).
    near : str or None
        A rest point the run is near but has not reached (a saddle it is passing, or a stable
        point it approaches too slowly).
    period : float or None
        Return time of a cycle.
    around : str or None
        The rest point a cycle encloses.
    t_needed : float or None
        Estimated horizon that would let a slowly converging run reach ``near``.
    on : dict or None
        For a run that reached a continuum: the free coordinates of the point of the continuum it
        ended on (state name -> value).
    part : str or None
        For a run that reached a continuum: the kind of part it ended on, from the transversal growth
        rates there (``attracting``; ``repelling`` only for a run confined to an invariant face;
        ``non-hyperbolic`` when a rate is within tolerance of zero).
    """

    outcome: Outcome
    reached: str | None = None
    near: str | None = None
    period: float | None = None
    around: str | None = None
    t_needed: float | None = None
    on: dict | None = None
    part: str | None = None


def summary_key(o: RunOutcome, equilibria_by_name: Mapping[str, object]) -> str:
    """How a run is counted in ``summary`` and sweep cells (SPEC §4).

    Vertices by profile, other rest points by name, ``"cycle"`` / ``"cycle around E9"``,
    ``"heteroclinic"``, and ``"none"`` for unsettled runs.

    >>> summary_key(RunOutcome(Outcome.CYCLE, period=6.3, around="E5"), {})
    'cycle around E5'
    >>> summary_key(RunOutcome(Outcome.UNSETTLED, near="E8"), {})
    'none'
    """
    if o.outcome is Outcome.EQUILIBRIUM and o.reached is not None:
        e = equilibria_by_name.get(o.reached)
        prof = getattr(e, "profile", None)
        if e is not None and str(getattr(e, "kind", "")) == "pure" and prof is not None:
            return "/".join(prof)
        return o.reached
    if o.outcome is Outcome.CYCLE:
        return f"cycle around {o.around}" if o.around else "cycle"
    if o.outcome is Outcome.HETEROCLINIC:
        return "heteroclinic"
    return "none"


class Field:
    """The replicator field of a game at fixed parameter values, for rest-point checks.

    Static games contract the payoff tensors; state-dependent ones evaluate the payoff program
    at each state. States are full share vectors ``(..., m)``.

    >>> from govgame.model.loader import load_model
    >>> g = load_model("battery_recycling")
    >>> fld = Field(g, g.values())
    >>> fld.growth(np.array([1.0, 0.0, 1.0, 0.0, 1.0, 0.0])).shape
    (6,)
    """

    def __init__(self, game, params: Mapping[str, float]):
        from ..analysis.dynamics import parameter_vector
        from ..model.program import evaluate, payoff_program

        self.game = game
        self.shape = tuple(game.shape)
        self.offs = np.concatenate([[0], np.cumsum(self.shape)]).astype(int)
        self._prog = payoff_program(game)
        self._pv = parameter_vector(game, params)
        self._evaluate = evaluate
        P, J = len(self.shape), int(np.prod(self.shape))
        if not self._prog.state_dependent:
            flat = evaluate(self._prog, self._pv).reshape(J, P)
            self._static = [flat[:, p].reshape(self.shape) for p in range(P)]
        else:
            self._static = None

    def _tables(self, Y):
        P, J = len(self.shape), int(np.prod(self.shape))
        if self._static is not None:
            return [np.broadcast_to(t, (*Y.shape[:-1], *self.shape)) for t in self._static]
        flat = self._evaluate(self._prog, self._pv, Y).reshape(*Y.shape[:-1], J, P)
        return [flat[..., p].reshape(*Y.shape[:-1], *self.shape) for p in range(P)]

    def expected(self, Y: np.ndarray) -> list[np.ndarray]:
        """Expected payoffs of each population's strategies at full states ``Y``."""
        Y = np.asarray(Y, dtype=float)
        P = len(self.shape)
        shares = [Y[..., self.offs[p] : self.offs[p + 1]] for p in range(P)]
        letters = "abcdefghijklmnop"[:P]
        out = []
        for p, tab in enumerate(self._tables(Y)):
            ops, subs = [tab], ["..." + letters]
            for q in range(P):
                if q != p:
                    ops.append(shares[q])
                    subs.append("..." + letters[q])
            out.append(np.einsum(",".join(subs) + "->..." + letters[p], *ops))
        return out

    def growth(self, Y: np.ndarray) -> np.ndarray:
        """Growth rates ``u_i - ubar_p`` of every share (full coordinates)."""
        Y = np.asarray(Y, dtype=float)
        parts = []
        for p, u in enumerate(self.expected(Y)):
            s = Y[..., self.offs[p] : self.offs[p + 1]]
            parts.append(u - (s * u).sum(axis=-1, keepdims=True))
        return np.concatenate(parts, axis=-1)

    def face_eigenvalues(self, y: np.ndarray) -> np.ndarray:
        """Eigenvalues of the replicator field restricted to the face of ``y`` (the shares > 0), at ``y``.

        Coordinates: every positive share but the largest of each population; central differences.
        """
        y = np.asarray(y, dtype=float)
        coords, refs = [], []
        for p in range(len(self.shape)):
            idx = [i for i in range(self.offs[p], self.offs[p + 1]) if y[i] > 0]
            r = max(idx, key=lambda i: y[i])
            refs.append(r)
            coords += [(i, r) for i in idx if i != r]
        n = len(coords)
        if n == 0:
            return np.zeros(0)

        def f(v):
            Y = y.copy()
            for (i, r), val in zip(coords, v):
                Y[r] -= val - Y[i]
                Y[i] = val
            g = self.growth(Y)
            return np.array([Y[i] * g[i] for i, _ in coords])

        v0 = np.array([y[i] for i, _ in coords])
        h = 1e-6 * np.minimum(1.0, np.maximum(v0, 1e-3))
        h = np.minimum(h, 0.5 * v0)
        J = np.empty((n, n))
        for k in range(n):
            e = np.zeros(n)
            e[k] = h[k]
            J[:, k] = (f(v0 + e) - f(v0 - e)) / (2 * h[k])
        return np.linalg.eigvals(J)


def _point(e, game) -> np.ndarray | None:
    """Full share vector of an equilibrium (``None`` when a coordinate is free: a continuum)."""
    pt = getattr(getattr(e, "equilibrium", e), "numeric_point", None)
    if pt is None or any(v is None for v in pt):
        return None
    out, i = [], 0
    for p in game.populations:
        ys = [float(v) for v in pt[i : i + p.k - 1]]
        out += [*ys, 1.0 - sum(ys)]
        i += p.k - 1
    return np.clip(np.array(out), 0.0, 1.0)


class _RestInfo:
    """Per-equilibrium facts, computed only when some run needs them."""

    def __init__(self, field: Field, game, eqs):
        self.field, self.game, self.eqs = field, game, eqs
        self.full = [_point(e, game) for e in eqs]
        self._eig: dict[int, np.ndarray] = {}
        self._g: dict[int, np.ndarray] = {}

    def eig(self, k: int) -> np.ndarray:
        if k not in self._eig:
            self._eig[k] = self.field.face_eigenvalues(self.full[k])
        return self._eig[k]

    def growth(self, k: int) -> np.ndarray:
        if k not in self._g:
            self._g[k] = self.field.growth(self.full[k])
        return self._g[k]

    def scale(self, k: int) -> float:
        g = self.growth(k)
        ev = self.eig(k)
        return max([1.0, *np.abs(g).tolist(), *np.abs(ev).tolist()])

    def unstable_for(self, k: int, y: np.ndarray) -> bool:
        """Whether the run at ``y`` near rest point ``k`` still has an unstable direction there."""
        if self.full[k] is None:
            return False
        E = self.full[k]
        thr = max(_EIG_ABS, _EIG_REL * self.scale(k))
        g = self.growth(k)
        alive = (E <= 0.0) & (y > 0.0)
        if np.any(g[alive] > thr):
            return True
        return bool(np.any(self.eig(k).real > thr))

    def _outside(self, k: int, m: int) -> np.ndarray:
        """Mask of the full coordinates whose strategies lie outside rest point ``k``'s support."""
        offs = self.field.offs
        outside = np.zeros(m, dtype=bool)
        for p, supp in enumerate(getattr(self.eqs[k], "support", ())):
            for j in range(offs[p + 1] - offs[p]):
                outside[offs[p] + j] = j not in supp
        return outside

    def _transversal(self, k: int, y: np.ndarray) -> tuple[np.ndarray, float]:
        g = self.field.growth(y)
        scale = max([1.0, *np.abs(g).tolist()])
        return g, max(_EIG_ABS, _EIG_REL * scale)

    def on_continuum(self, k: int, y: np.ndarray, x: np.ndarray) -> dict:
        """``on`` and ``part`` of a run that reached the continuum ``k`` (see :class:`RunOutcome`)."""
        from ..analysis.continua import distance_to

        eq = self.eqs[k]
        _, free = distance_to(eq, x[None, :], return_free=True)
        names = [str(s) for s in sorted({s for c in (eq.numeric_form or eq.point) for s in c.free_symbols}, key=str)]
        on = {n: float(v) for n, v in zip(names, free[0])}
        outside = self._outside(k, len(y))
        if not outside.any():
            return {"on": on, "part": None}
        g, thr = self._transversal(k, y)
        rates = g[outside]
        part = "attracting" if np.all(rates < -thr) else ("repelling" if np.all(rates > thr) else "non-hyperbolic")
        return {"on": on, "part": part}

    def transversal_unstable(self, k: int, y: np.ndarray) -> bool:
        """Whether a run at ``y`` near the continuum ``k`` sits where the continuum repels it.

        A strategy outside the continuum's support that the run still uses (share > 0) and whose
        growth rate at ``y`` is clearly positive makes ``y`` a point of a repelling or mixed part:
        the run passes there, it has not reached the continuum.
        """
        outside = self._outside(k, len(y))
        g, thr = self._transversal(k, y)
        return bool(np.any(g[outside & (y > 0.0)] > thr))

    def slowest_decay(self, k: int, y: np.ndarray) -> float | None:
        """The slowest decay rate at a stable rest point (None when it is not stable for this run)."""
        if self.full[k] is None:
            return None
        E = self.full[k]
        thr = max(_EIG_ABS, _EIG_REL * self.scale(k))
        g = self.growth(k)
        alive = (E <= 0.0) & (y > 0.0)
        rates = [*g[alive].tolist(), *self.eig(k).real.tolist()]
        if not rates or max(rates) >= -thr:
            return None
        return -max(rates)


def _logistic(v):
    return 1.0 / (1.0 + np.exp(-v))


def run_outcomes(
    game,
    params: Mapping[str, float],
    final: np.ndarray,
    status: Sequence,
    kernel,
    equilibria: Sequence,
    *,
    t_end: float,
    tol: float = 1e-3,
) -> list[RunOutcome]:
    r"""The outcome of every run (see the module docstring).

    Parameters
    ----------
    game : Game
    params : mapping
        Parameter values.
    final : numpy.ndarray
        ``(R, m)`` end states in full coordinates.
    status : sequence of govgame.numerics.kernel.Status
    kernel : object
        Anything with the :class:`govgame.numerics.kernel.KernelResult` cycle fields (``cycle``,
        ``period``, ``rate``, ``box_lo``, ``box_hi``, ``refs``), indexed like ``final``.
    equilibria : sequence of Equilibrium (or objects with ``.equilibrium``)
        Rest points, named; vertices have ``kind`` ``pure``.
    t_end : float
    tol : float
        Classification distance (maximum norm, SPEC §4).

    Returns
    -------
    list of RunOutcome

    Examples
    --------
    Matching pennies between two populations: every run circles the centre (1/2, 1/2) with
    the period :math:`2\pi / \omega` of the linearised centre, :math:`\omega = 1` here.

    >>> import sympy
    >>> from govgame.numerics import kernel as K
    >>> from govgame.model import Game, Population
    >>> from govgame.analysis.equilibria import Equilibrium, Kind
    >>> g = Game(name="pennies", populations=(Population("a", ("h", "t"), ("x",)), Population("b", ("h", "t"), ("y",))),
    ...          parameters=(), payoffs={("h", "h"): (1, -1), ("h", "t"): (-1, 1), ("t", "h"): (-1, 1), ("t", "t"): (1, -1)})
    >>> from govgame.analysis.dynamics import numeric_payoffs
    >>> pay, offs = K.pack(g.shape, numeric_payoffs(g, {}))
    >>> res = K.integrate_runs(pay, offs, K.stable_vertices(pay, g.shape), np.array([[0.49, 0.51, 0.5, 0.5]]))
    >>> centre = Equilibrium("E5", Kind.INTERIOR, (sympy.Rational(1, 2),) * 2, numeric_point=(0.5, 0.5))
    >>> o = run_outcomes(g, {}, res.final, res.status, res, [centre], t_end=100.0)[0]
    >>> o.outcome.value, round(o.period, 2), round(2 * np.pi, 2), o.around
    ('cycle', 6.28, 6.28, 'E5')
    """
    from .kernel import _CYCLES as CYCLES
    from .kernel import Cycle, Status

    F = np.atleast_2d(np.asarray(final, dtype=float))
    eqs = [getattr(e, "equilibrium", e) for e in equilibria]
    field = Field(game, params)
    info = _RestInfo(field, game, eqs)
    offs = field.offs
    P = len(game.populations)
    names = [e.name for e in eqs]
    is_vertex = [str(e.kind) == "pure" and e.profile is not None for e in eqs]
    pts = info.full
    # distances (maximum norm, reduced coordinates): to points, and to a continuum's curve or surface itself
    X = _reduced(game, F)
    D = rest_distances(eqs, X)
    out: list[RunOutcome] = []
    for r in range(len(F)):
        st = Status(status[r])
        y = F[r]
        # nearest rest point within tol (vertices first), as SPEC §4
        best, best_rank = None, math.inf
        dists = D[r].tolist()
        for k, d in enumerate(dists):
            rank = d + (0.0 if is_vertex[k] else 2.0)
            if d <= tol and rank < best_rank:
                best, best_rank = k, rank
        kind = CYCLES[int(kernel.cycle[r])]
        if st.failed:
            out.append(RunOutcome(Outcome.UNSETTLED))
            continue
        amp = 0.0
        lo, hi = kernel.box_lo[r], kernel.box_hi[r]
        osc = np.isfinite(lo) & np.isfinite(hi)
        if osc.any():
            amp = float(np.max(_logistic(hi[osc]) - _logistic(lo[osc])))
        if kind is Cycle.CYCLE and amp > tol:
            out.append(
                RunOutcome(
                    Outcome.CYCLE,
                    period=float(kernel.period[r]),
                    around=_around(info, names, is_vertex, y, lo, hi, osc, kernel.refs[r], offs, P, tol),
                )
            )
            continue
        if best is not None:
            passing = info.unstable_for(best, y) if pts[best] is not None else info.transversal_unstable(best, y)
            if not passing and st.settled:
                if pts[best] is None:  # a continuum: where on it, and on which kind of part
                    out.append(RunOutcome(Outcome.EQUILIBRIUM, reached=names[best], **info.on_continuum(best, y, X[r])))
                else:
                    out.append(RunOutcome(Outcome.EQUILIBRIUM, reached=names[best]))
                continue
            if passing:
                o = Outcome.HETEROCLINIC if kind is Cycle.HETEROCLINIC else Outcome.UNSETTLED
                out.append(RunOutcome(o, near=names[best]))
                continue
        if kind is Cycle.HETEROCLINIC:
            out.append(RunOutcome(Outcome.HETEROCLINIC))
            continue
        # slow convergence to a stable rest point
        order = np.argsort(dists)
        t_needed, near = None, None
        for k in order[:3]:
            if not math.isfinite(dists[k]) or dists[k] > _LINEAR_REGION or pts[k] is None:
                break
            mu = info.slowest_decay(int(k), y)
            if mu is not None and mu > 0:
                near = names[k]
                t_needed = float(t_end + max(0.0, math.log(max(dists[k], tol) / tol)) / mu)
                break
        out.append(RunOutcome(Outcome.UNSETTLED, near=near, t_needed=t_needed))
    return out


def _reduced(game, F):
    keep, i = [], 0
    for p in game.populations:
        keep += list(range(i, i + p.k - 1))
        i += p.k
    return F[:, keep]


def _around(info, names, is_vertex, y, lo, hi, osc, refs, offs, P, tol):
    """The non-vertex rest point inside the orbit's range (see the module docstring)."""
    best, best_d = None, math.inf
    for k, E in enumerate(info.full):
        if E is None or is_vertex[k]:
            continue
        ok = True
        d = 0.0
        for p in range(P):
            r = int(refs[p])
            for i in range(offs[p], offs[p + 1]):
                if i == r:
                    continue
                if E[i] <= 0.0 or E[r] <= 0.0:  # the rest point is on a face: the run must be at that face too
                    edge = -_Z_EDGE if E[i] <= 0.0 else _Z_EDGE
                    if osc[i]:
                        ok = hi[i] < edge if edge < 0 else lo[i] > edge
                    else:
                        ok = (y[i] if E[i] <= 0.0 else y[r]) <= 10 * tol
                    if not ok:
                        break
                elif osc[i]:
                    zE = math.log(E[i] / E[r])
                    if not (lo[i] < zE < hi[i]):
                        ok = False
                        break
                    d = max(d, abs(zE - 0.5 * (lo[i] + hi[i])) / max(hi[i] - lo[i], 1e-300))
                elif abs(E[i] - y[i]) > 10 * tol or abs(E[r] - y[r]) > 10 * tol:
                    ok = False
                    break
            if not ok:
                break
        if ok and d < best_d:
            best, best_d = k, d
    return None if best is None else names[best]
