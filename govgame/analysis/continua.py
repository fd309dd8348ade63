r"""Continua of rest points: eigenvalues along them, their attracting / repelling / mixed parts, distances.

A continuum is a segment, curve or face of rest points. Along it the Jacobian has a zero eigenvalue for
each free direction; the others — the *transversal* eigenvalues :math:`u_j - \bar u` of the unused
strategies, and the nonzero eigenvalues of the dynamics restricted to the continuum's face — are
functions of the free coordinates. Where they all have negative real parts the continuum attracts
nearby states (each point is stable, not asymptotically stable: runs end *somewhere* on that part);
where they all have positive real parts it repels; elsewhere it is of saddle type (``mixed``). A point
of the continuum is a Nash equilibrium exactly where no unused strategy earns more than the used ones:
every transversal eigenvalue is ``<= 0``.

With one free coordinate and parameter values, :func:`continuum_stability` splits the continuum into
intervals with exact ends: the real roots of the numerators and denominators of the transversal
eigenvalues and of the Hurwitz determinants of the restricted characteristic polynomial (the only
places where a real part can change sign), and of the shares that bound the continuum. One exact
rational point per interval decides its verdict. Otherwise the parts are given by their conditions.

:func:`distance_to` measures how far states are from a rest point or continuum (maximum norm), along
the actual curve or surface.

>>> import numpy as np, sympy
>>> from govgame.analysis.pipeline import analyze
>>> from govgame.model import Game, Population, Parameter
>>> A = [[-3, 3], [-3, 5]]; B = [[2, 7], [4, 2]]   # nashpy issue 222: a degenerate 2x2 game
>>> pops = (Population("row", ("r0", "r1"), ("x",)), Population("col", ("c0", "c1"), ("y",)))
>>> pay = {(f"r{i}", f"c{j}"): (sympy.Integer(A[i][j]), sympy.Integer(B[i][j])) for i in range(2) for j in range(2)}
>>> game = Game("nashpy222", pops, (), pay)
>>> a = analyze(game)
>>> line = next(s.equilibrium for s in a.equilibria if s.equilibrium.kind.value == "continuum")
>>> cs = continuum_stability(a.dynamics, line, {})
>>> cs.eigenvalues
(7*x - 2, 0)
>>> [(str(p.verdict), p.interval, p.nash) for p in cs.parts]
[('attracting', (0, 2/7), True), ('repelling', (2/7, 1), False)]
>>> distance_to(line, np.array([[0.5, 0.999], [0.5, 0.5]])).round(3).tolist()
[0.001, 0.5]
"""

from __future__ import annotations

import enum
import functools
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import sympy

from .rootfinding import real_roots

__all__ = [
    "PartVerdict",
    "ContinuumPart",
    "ContinuumStability",
    "continuum_stability",
    "distance_to",
    "rest_distances",
    "part_index",
]

_LAM = sympy.Symbol("lambda_")


class PartVerdict(str, enum.Enum):
    """What a part of a continuum does to nearby states."""

    ATTRACTING = "attracting"
    REPELLING = "repelling"
    MIXED = "mixed"
    NON_HYPERBOLIC = "non-hyperbolic"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class ContinuumPart:
    """A part of a continuum with one verdict.

    Attributes
    ----------
    verdict : PartVerdict
    conditions : tuple of sympy relationals
        Inequalities in the free coordinates (and parameters) that hold on the part.
    interval : (sympy.Expr, sympy.Expr) or None
        One free coordinate at given values: the exact ends of the open interval.
    nash : bool or None
        Whether every point of the part is a Nash equilibrium (None: not decided).
    example : tuple of sympy.Rational or None
        A point of the part (its free coordinates), when the part was found by example.
    """

    verdict: PartVerdict
    conditions: tuple[sympy.Basic, ...] = ()
    interval: tuple[sympy.Expr, sympy.Expr] | None = None
    nash: bool | None = None
    example: tuple[sympy.Expr, ...] | None = None


@dataclass(frozen=True)
class ContinuumStability:
    """Eigenvalues along a continuum (functions of its free coordinates), its parts and its Nash part.

    Attributes
    ----------
    free : tuple of sympy.Symbol
        The free coordinates.
    eigenvalues : tuple of sympy.Expr
        The transversal eigenvalues, then those of the restricted dynamics (zeros for the free directions).
    transversal : tuple of sympy.Expr
    parts : tuple of ContinuumPart
    nash_conditions : tuple of sympy relationals
        ``transversal <= 0``: where the continuum's points are Nash equilibria.
    method : str
    """

    free: tuple[sympy.Symbol, ...]
    eigenvalues: tuple[sympy.Expr, ...]
    transversal: tuple[sympy.Expr, ...]
    parts: tuple[ContinuumPart, ...]
    nash_conditions: tuple[sympy.Basic, ...]
    method: str


# --------------------------------------------------------------------------- eigenvalues
def _restricted_polynomial(block: sympy.Matrix, free_count: int) -> sympy.Poly | None:
    """Characteristic polynomial of the face block without its identically zero roots (one per free direction)."""
    n = block.shape[0]
    if n == 0:
        return None
    cp = sympy.Poly(block.charpoly(_LAM).as_expr(), _LAM)
    coeffs = [sympy.cancel(c) for c in reversed(cp.all_coeffs())]  # a_0 (constant), a_1, ...
    k = 0
    while k < len(coeffs) - 1 and coeffs[k] == 0:
        k += 1
    rest = coeffs[k:]
    if len(rest) <= 1:
        return None
    return sympy.Poly(sum(c * _LAM**i for i, c in enumerate(rest)), _LAM)


def _hurwitz(poly: sympy.Poly) -> list[sympy.Expr]:
    """Hurwitz determinants of a monic-normalised polynomial: all positive iff every root has Re < 0."""
    a = [sympy.cancel(c / poly.LC()) for c in poly.all_coeffs()]  # a[0] = 1, a[1], ..., a[n]
    n = len(a) - 1
    out = []
    for k in range(1, n + 1):
        M = sympy.zeros(k, k)
        for i in range(k):
            for j in range(k):
                idx = 2 * (j + 1) - (i + 1)
                M[i, j] = a[idx] if 0 <= idx <= n else 0
        out.append(sympy.cancel(M.det()))
    return out


def _eigen_parts(dynamics, eq, subs):
    from .stability import _block_eigenvalues, _face_eigen

    transversal, block = _face_eigen(dynamics, eq, subs)
    transversal = [sympy.cancel(t) for t in transversal]
    inner = _block_eigenvalues(block) if block.shape[0] <= 2 else None
    poly = _restricted_polynomial(block, len(eq.free))
    if inner is None:
        inner = []
        if poly is not None:
            inner = [sympy.cancel(r) for r in sympy.roots(poly, _LAM, multiple=True)] if poly.degree() <= 2 else []
        inner += [sympy.Integer(0)] * (block.shape[0] - len(inner))
    inner = [sympy.simplify(v) if not v.is_number else v for v in inner]
    return transversal, inner, poly


# --------------------------------------------------------------------------- classification
def _sign(v: sympy.Expr) -> int | None:
    v = sympy.nsimplify(v) if v.has(sympy.Float) and False else v
    if v.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        return None
    if v.is_number:
        c = complex(sympy.N(v, 40))
        if abs(c.imag) > 1e-30:
            return None
        if v.has(sympy.Float):
            return 0 if abs(c.real) < 1e-15 else (1 if c.real > 0 else -1)
        if v == 0:
            return 0
        return 1 if c.real > 0 else -1
    return None


def _classify(transversal, poly, at: Mapping) -> tuple[PartVerdict, bool | None]:
    ts = [_sign(t.xreplace(at)) for t in transversal]
    if any(s is None for s in ts):
        return PartVerdict.NON_HYPERBOLIC, None
    nash = all(s <= 0 for s in ts)
    neg = all(s < 0 for s in ts)
    pos = all(s > 0 for s in ts)
    zero = any(s == 0 for s in ts)
    some_pos = any(s > 0 for s in ts)
    some_neg = any(s < 0 for s in ts)
    if poly is not None:
        p = sympy.Poly(poly.as_expr().xreplace(at), _LAM)
        stable = all(_sign(h) == 1 for h in _hurwitz(p))
        q = sympy.Poly(p.as_expr().xreplace({_LAM: -_LAM}), _LAM)
        unstable = all(_sign(h) == 1 for h in _hurwitz(q))
        const = _sign(p.all_coeffs()[-1])
        neg, pos = neg and stable, pos and unstable
        if stable:
            some_neg = True
        elif unstable:
            some_pos = True
        else:
            roots = np.roots([complex(sympy.N(c)) for c in p.all_coeffs()])
            some_pos = some_pos or bool(np.any(roots.real > 1e-12))
            some_neg = some_neg or bool(np.any(roots.real < -1e-12))
            zero = zero or const == 0 or bool(np.any(np.abs(roots.real) <= 1e-12))
    if neg:
        return PartVerdict.ATTRACTING, nash
    if pos:
        return PartVerdict.REPELLING, nash
    if some_pos and (some_neg or zero):
        return PartVerdict.MIXED, nash
    return PartVerdict.NON_HYPERBOLIC, nash


def _critical_values(exprs, t) -> list[tuple[float, sympy.Expr]]:
    out = []
    for e in exprs:
        num, den = sympy.fraction(sympy.cancel(sympy.together(e)))
        for q in (num, den):
            if q.is_number or t not in q.free_symbols:
                continue
            poly = sympy.Poly(sympy.expand(q), t)
            if poly.free_symbols - {t}:
                continue
            floaty = any(c.has(sympy.Float) for c in poly.all_coeffs())
            for r in real_roots(poly):  # exact, also for decimal coefficients and multiple roots
                out.append((float(r.evalf(30)), sympy.Float(r.evalf(30), 15) if floaty else r))
    out.sort(key=lambda fr: fr[0])
    uniq: list[tuple[float, sympy.Expr]] = []
    for f, r in out:
        if not uniq or f - uniq[-1][0] > 1e-14:
            uniq.append((f, r))
    return uniq


def continuum_stability(dynamics, eq, params: Mapping[str, float] | None = None) -> ContinuumStability:
    """Eigenvalues of a continuum as functions of its free coordinates, its parts, and where it is Nash.

    Parameters
    ----------
    dynamics : Dynamics
    eq : Equilibrium
        A continuum (``kind`` continuum, with ``free`` coordinates).
    params : mapping, optional
        Parameter values; with all of them (and one free coordinate) the parts are exact intervals.

    Returns
    -------
    ContinuumStability

    Examples
    --------
    See the module docstring.
    """
    game = dynamics.game
    values = dict(params or {})
    subs = game.subs_map({k: values[k] for k in game.parameter_names}) if game.complete(values) else None
    free = tuple(dynamics.state[i] for i in eq.free)
    if eq.implicit:
        return ContinuumStability(free, (), (), (), (), "implicit continuum: eigenvalues only at its sample points")
    exact_subs = None if eq.general else subs
    transversal, inner, poly = _eigen_parts(dynamics, eq, exact_subs if exact_subs else None)
    eigenvalues = tuple(transversal) + tuple(inner)
    nash_conditions = tuple(sympy.LessThan(t, 0, evaluate=False) for t in transversal if t != 0)
    if subs is not None:
        transversal_v = [sympy.cancel(t.xreplace(subs)) for t in transversal]
        poly_v = None if poly is None else sympy.Poly(poly.as_expr().xreplace(subs), _LAM)
        eigenvalues_v = tuple(sympy.cancel(v.xreplace(subs)) for v in eigenvalues)
    else:
        transversal_v, poly_v, eigenvalues_v = transversal, poly, eigenvalues
    hurwitz = [] if poly_v is None else _hurwitz(poly_v)
    hurwitz_neg = [] if poly_v is None else _hurwitz(sympy.Poly(poly_v.as_expr().xreplace({_LAM: -_LAM}), _LAM))
    attracting = tuple(sympy.StrictLessThan(t, 0, evaluate=False) for t in transversal_v if t != 0) + tuple(
        sympy.StrictGreaterThan(h, 0, evaluate=False) for h in hurwitz if not h.is_number
    )
    repelling = tuple(sympy.StrictGreaterThan(t, 0, evaluate=False) for t in transversal_v if t != 0) + tuple(
        sympy.StrictGreaterThan(h, 0, evaluate=False) for h in hurwitz_neg if not h.is_number
    )
    domain = list(eq.domain) if eq.domain else _default_domain(dynamics, eq, free)
    if subs is not None and len(free) == 1:
        t = free[0]
        crit = _critical_values([*transversal_v, *hurwitz, *hurwitz_neg, *domain], t)
        ends = [(-np.inf, None)] + crit + [(np.inf, None)]
        raw = []
        for (fa, a), (fb, b) in zip(ends, ends[1:]):
            if not fb > fa:
                continue
            mid = _between(fa, fb)
            at = {t: mid}
            if not all(_sign(sympy.cancel(d.xreplace(at))) == 1 for d in domain):
                continue
            verdict, nash = _classify(transversal_v, poly_v, at)
            raw.append([verdict, nash, a, b, mid])
        parts = []
        for verdict, nash, a, b, mid in raw:
            if parts and parts[-1][0] is verdict and parts[-1][1] == nash and parts[-1][3] == a:
                parts[-1][3] = b
                continue
            parts.append([verdict, nash, a, b, mid])
        out = []
        for verdict, nash, a, b, mid in parts:
            cond = {PartVerdict.ATTRACTING: attracting, PartVerdict.REPELLING: repelling}.get(verdict, ())
            out.append(ContinuumPart(verdict, cond, (a, b), nash, (mid,)))
        return ContinuumStability(
            free,
            eigenvalues_v,
            tuple(transversal_v),
            tuple(out),
            nash_conditions,
            "exact (real roots of the critical expressions)",
        )
    if subs is not None:
        found = _sampled_parts(transversal_v, poly_v, free, domain)
        out = []
        for verdict, example in found.items():
            cond = {PartVerdict.ATTRACTING: attracting, PartVerdict.REPELLING: repelling}.get(verdict, ())
            out.append(ContinuumPart(verdict, cond, None, None, example))
        return ContinuumStability(
            free,
            eigenvalues_v,
            tuple(transversal_v),
            tuple(out),
            nash_conditions,
            "parts found by exact evaluation at random points of the continuum (a part not found may still exist)",
        )
    parts = (
        ContinuumPart(PartVerdict.ATTRACTING, attracting),
        ContinuumPart(PartVerdict.REPELLING, repelling),
    )
    return ContinuumStability(
        free, eigenvalues, tuple(transversal), parts, nash_conditions, "conditions (no parameter values)"
    )


def _between(fa: float, fb: float) -> sympy.Rational:
    if np.isinf(fa) and np.isinf(fb):
        return sympy.Rational(1, 2)
    if np.isinf(fa):
        return sympy.Rational(repr(float(np.floor(fb) - 1)))
    if np.isinf(fb):
        return sympy.Rational(repr(float(np.ceil(fa) + 1)))
    mid = fa + (fb - fa) / 2
    for d in range(2, 10_000):  # the simplest fraction well inside the interval
        cand = round(mid * d) / d
        if fa + (fb - fa) / 8 < cand < fb - (fb - fa) / 8:
            return sympy.Rational(round(mid * d), d)
    return sympy.Rational(repr(float(mid)))


def _default_domain(dynamics, eq, free) -> list[sympy.Expr]:
    from govgame.analysis.equilibria import Face, face_system

    system = face_system(dynamics, Face(eq.support))
    full = dict(zip(dynamics.state, eq.point))
    return [sympy.cancel(p.xreplace({u: full[u] for u in system.unknowns})) for p in system.positivity]


def _sampled_parts(transversal, poly, free, domain, n: int = 400) -> dict:
    rng = np.random.default_rng(20261203)
    found: dict = {}
    for row in rng.uniform(0, 1, size=(n, len(free))):
        at = {s: sympy.Rational(repr(round(float(v), 6))) for s, v in zip(free, row)}
        if not all(_sign(sympy.cancel(d.xreplace(at))) == 1 for d in domain):
            continue
        verdict, _ = _classify(transversal, poly, at)
        found.setdefault(verdict, tuple(at[s] for s in free))
    return found


# --------------------------------------------------------------------------- distances
def distance_to(equilibrium, states, *, return_free: bool = False):
    """Maximum-norm distance from each state to a rest point or to a whole continuum.

    For a continuum with a parametrisation (``numeric_form``), the distance to the actual curve or
    surface inside its face: the free coordinates are searched on a grid over the continuum and
    refined around the best point (accurate to about 1e-6); an implicit continuum is reached by
    Gauss-Newton projection of each state onto its equations.

    Parameters
    ----------
    equilibrium : Equilibrium (or Stability)
        With numeric results (found at parameter values).
    states : array_like, shape (runs, n)
    return_free : bool
        Also return the free coordinates of the nearest point of a continuum (``(runs, f)``).

    Returns
    -------
    numpy.ndarray of shape (runs,)  (and the free coordinates when ``return_free``)
    """
    eq = getattr(equilibrium, "equilibrium", equilibrium)
    S = np.atleast_2d(np.asarray(states, dtype=float))
    if eq.numeric_point is None:
        raise ValueError("distance_to needs an equilibrium found at parameter values (numeric_point)")
    if not eq.free:
        d = np.abs(S - np.array(eq.numeric_point, dtype=float)[None, :]).max(axis=1)
        return (d, np.zeros((len(S), 0))) if return_free else d
    if eq.implicit:
        d, t = _distance_implicit(eq, S)
    else:
        d, t = _distance_parametrised(eq, S)
    return (d, t) if return_free else d


def rest_distances(equilibria, states) -> np.ndarray:
    """Maximum-norm distance from every state to every rest point: a ``(runs, len(equilibria))`` array.

    Points and vertices by their coordinates; a continuum by :func:`distance_to` (the distance to
    the actual curve or surface, never treating a coordinate that depends on a free one as free).
    Entries without numeric results (no ``numeric_point``) are infinite. This is the one distance
    the simulation's outcome rules use.

    >>> import sympy
    >>> from govgame.analysis.equilibria import Equilibrium, Kind
    >>> v = Equilibrium("E1", Kind.PURE, (sympy.S(0), sympy.S(1)), ("b", "a"), numeric_point=(0.0, 1.0))
    >>> rest_distances([v], [[0.0, 0.9], [0.5, 0.5]]).round(6).tolist()
    [[0.1], [0.5]]
    """
    S = np.atleast_2d(np.asarray(states, dtype=float))
    out = np.full((len(S), len(equilibria)), np.inf)
    for k, e in enumerate(equilibria):
        eq = getattr(e, "equilibrium", e)
        if eq.numeric_point is None or not len(S):
            continue
        if eq.free or any(v is None for v in eq.numeric_point):
            out[:, k] = distance_to(eq, S)
        else:
            out[:, k] = np.abs(S - np.array(eq.numeric_point, dtype=float)[None, :]).max(axis=1)
    return out


def _form(eq):
    syms = sorted({s for c in (eq.numeric_form or eq.point) for s in c.free_symbols}, key=str)
    free_syms = [c for c in syms]
    form = eq.numeric_form if eq.numeric_form is not None else eq.point
    return free_syms, form


@functools.lru_cache(maxsize=256)
def _compiled(free_syms: tuple, form: tuple, domain: tuple):
    fn = sympy.lambdify(list(free_syms), list(form), modules="numpy")
    dom = sympy.lambdify(list(free_syms), list(domain) or [sympy.Integer(1)], modules="numpy")
    return fn, dom


def _flat_distance(eq, S, free_syms, form):
    """A continuum whose coordinates are its free coordinates or constants (an edge, a face): exact projection."""
    if not all(c.is_number or c in free_syms for c in form):
        return None
    fixed = [i for i, c in enumerate(form) if c.is_number]
    cols = [next(i for i, c in enumerate(form) if c == s) for s in free_syms]
    T = S[:, cols]
    at_ok = np.ones(len(S), dtype=bool)
    if eq.domain:
        _, dom = _compiled(tuple(free_syms), tuple(form), tuple(eq.domain))
        with np.errstate(all="ignore"):
            vals = [np.broadcast_to(np.asarray(v, dtype=float), (len(S),)) for v in dom(*T.T)]
        at_ok = np.all(np.stack(vals, -1) > -1e-12, axis=-1)
    if not at_ok.all():
        return None
    c = np.array([float(form[i]) for i in fixed])
    d = np.abs(S[:, fixed] - c[None, :]).max(axis=1) if fixed else np.zeros(len(S))
    return d, T


def _distance_parametrised(eq, S):
    free_syms, form = _form(eq)
    flat = _flat_distance(eq, S, free_syms, form)
    if flat is not None:
        return flat
    free_idx = list(eq.free)
    f = len(free_idx)
    fn, dom = _compiled(tuple(free_syms), tuple(form), tuple(eq.domain))

    def evaluate(T):  # T: (..., f) -> coordinates (..., n), valid mask
        args = [T[..., i] for i in range(f)]
        with np.errstate(all="ignore"):
            coords = np.stack([np.broadcast_to(np.asarray(c, dtype=float), T.shape[:-1]) for c in fn(*args)], axis=-1)
            ok = np.all(
                np.stack([np.broadcast_to(np.asarray(c, dtype=float), T.shape[:-1]) for c in dom(*args)], -1) > -1e-12,
                axis=-1,
            )
        return coords, ok & np.all(np.isfinite(coords), axis=-1)

    # free symbols are the state coordinates with indices eq.free, in sorted-name order: map them
    names = [str(s) for s in free_syms]
    state_names = [str(s) for s in _state_symbols(eq)]
    col = [state_names.index(n) if n in state_names else i for i, n in enumerate(names)]
    k = 201 if f == 1 else (41 if f == 2 else 9)
    grid = np.stack(np.meshgrid(*[np.linspace(0, 1, k)] * f, indexing="ij"), -1).reshape(-1, f)
    best_d = np.full(len(S), np.inf)
    best_t = np.zeros((len(S), f))
    for chunk in range(0, len(S), 256):
        Sc = S[chunk : chunk + 256]
        own = np.clip(Sc[:, col], 0, 1)[:, None, :]
        cand = np.concatenate([np.broadcast_to(grid, (len(Sc), *grid.shape)), own], axis=1)
        coords, ok = evaluate(cand)
        d = np.where(ok, np.abs(coords - Sc[:, None, :]).max(-1), np.inf)
        i = d.argmin(1)
        t = cand[np.arange(len(Sc)), i]
        dd = d[np.arange(len(Sc)), i]
        step = 1.0 / (k - 1)
        for _ in range(30):
            offs = np.stack(np.meshgrid(*[np.array([-1.0, 0.0, 1.0])] * f, indexing="ij"), -1).reshape(-1, f) * step
            cand = np.clip(t[:, None, :] + offs[None], 0, 1)
            coords, ok = evaluate(cand)
            d = np.where(ok, np.abs(coords - Sc[:, None, :]).max(-1), np.inf)
            j = d.argmin(1)
            better = d[np.arange(len(Sc)), j] <= dd
            t = np.where(better[:, None], cand[np.arange(len(Sc)), j], t)
            dd = np.where(better, d[np.arange(len(Sc)), j], dd)
            step /= 2
        best_d[chunk : chunk + 256] = dd
        best_t[chunk : chunk + 256] = t
    return best_d, best_t


def _state_symbols(eq):
    # the free coordinates' symbols are the state symbols at the indices in ``free``
    syms = {s for c in eq.point for s in c.free_symbols}
    return sorted(syms, key=str)


def _distance_implicit(eq, S):
    eqs = list(eq.implicit)
    unknowns = sorted({s for e in eqs for s in e.free_symbols} | {s for c in eq.point for s in c.free_symbols}, key=str)
    F = sympy.lambdify(unknowns, eqs, modules="numpy")
    J = sympy.lambdify(unknowns, sympy.Matrix(eqs).jacobian(sympy.Matrix(unknowns)).tolist(), modules="numpy")
    names = [str(u) for u in unknowns]
    point_syms = [c for c in eq.point]
    idx = [next(i for i, c in enumerate(point_syms) if str(c) == n) for n in names]
    out = np.empty(len(S))
    T = np.empty((len(S), len(unknowns)))
    for r, s in enumerate(S):
        x = s[idx].astype(float)
        for _ in range(30):
            f = np.asarray(F(*x), dtype=float)
            if np.abs(f).max() < 1e-14:
                break
            jac = np.asarray(J(*x), dtype=float).reshape(len(f), len(x))
            x = x - np.linalg.lstsq(jac, f, rcond=None)[0]
        full = s.copy()
        full[idx] = x
        fixed = [i for i in range(len(s)) if i not in idx]
        for i in fixed:
            full[i] = float(eq.numeric_point[i])
        ok = np.abs(np.asarray(F(*x), dtype=float)).max() < 1e-9
        out[r] = np.abs(full - s).max() if ok else np.inf
        T[r] = x
    return out, T


def part_index(stability: ContinuumStability, free_values) -> list[int | None]:
    """Index of the part (in ``stability.parts``) that contains each point given by its free coordinate.

    Only for continua with one free coordinate and exact intervals; None where no part contains it.

    >>> import sympy
    >>> cs = ContinuumStability((sympy.Symbol("x"),), (), (), (ContinuumPart(PartVerdict.ATTRACTING, interval=(0, sympy.Rational(2, 7))),
    ...      ContinuumPart(PartVerdict.REPELLING, interval=(sympy.Rational(2, 7), 1))), (), "")
    >>> part_index(cs, [0.1, 0.5, 2.0])
    [0, 1, None]
    """
    out: list[int | None] = []
    ends = [(float(p.interval[0]), float(p.interval[1])) if p.interval else None for p in stability.parts]
    for v in np.atleast_1d(np.asarray(free_values, dtype=float)).reshape(-1):
        hit = None
        for i, e in enumerate(ends):
            if e is not None and e[0] <= v <= e[1]:
                hit = i
                break
        out.append(hit)
    return out


del itertools, Sequence
