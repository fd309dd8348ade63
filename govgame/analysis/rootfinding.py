"""Numeric rest points of face systems, used when exact algebra exceeds its time budget.

The face systems are polynomial equations in the shares of the mixing strategies. When a Gröbner
basis does not finish within the budget, :func:`face_roots_numeric` isolates every real root in
the face with the Krawczyk interval test of the interval toolkit and states its guarantee: each
root is certified unique in a small box, and any region it could not resolve is reported.

:func:`sample_implicit` finds points on a set of rest points known only by its equations.

>>> import sympy
>>> x, y = sympy.symbols("x y")
>>> roots, how = face_roots_numeric([x * y - sympy.Rational(1, 4), x - y], [x, y], [x, 1 - x, y, 1 - y])
>>> [(round(float(r[x]), 6), round(float(r[y]), 6)) for r in roots], how.split(":")[1].split(",")[0]
([(0.5, 0.5)], ' all 1 roots in it certified')
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import sympy

__all__ = ["face_roots_numeric", "real_roots", "sample_implicit"]


def real_roots(poly: sympy.Poly) -> list[sympy.Expr]:
    """The real roots of a univariate polynomial with number coefficients, found exactly, in increasing order.

    A ``Float`` coefficient is read as the rational number it equals, so that the roots are isolated by
    sympy's exact method (as for rational coefficients) rather than by ``nroots``, whose iteration fails to
    converge on a multiple root. A root of multiplicity m is listed m times.

    >>> t = sympy.Symbol("t")
    >>> real_roots(sympy.Poly(t**2 - sympy.Float("0.5") * t + sympy.Float("0.0625"), t))  # (t - 1/4)**2
    [1/4, 1/4]
    """
    coeffs = poly.all_coeffs()
    if any(c.has(sympy.Float) for c in coeffs):
        poly = sympy.Poly([c if c.is_Rational else sympy.Rational(c if c.is_Float else sympy.N(c, 40)) for c in coeffs],
                          *poly.gens)  # fmt: skip
    return list(poly.real_roots())


def _lambdified(equations, unknowns):
    F = sympy.lambdify(list(unknowns), list(equations), modules="numpy")
    J = sympy.lambdify(list(unknowns), sympy.Matrix(equations).jacobian(sympy.Matrix(list(unknowns))).tolist(), "numpy")
    return F, J


def _starts(unknowns, positivity, n, seed):
    rng = np.random.default_rng(seed)
    P = sympy.lambdify(list(unknowns), list(positivity), modules="numpy")
    pts = rng.uniform(0.0, 1.0, size=(20 * n, len(unknowns)))
    with np.errstate(all="ignore"):
        vals = np.array([np.broadcast_to(np.asarray(v, dtype=float), (len(pts),)) for v in P(*pts.T)])
    ok = np.all(vals > 0, axis=0) if len(positivity) else np.ones(len(pts), dtype=bool)
    return pts[ok][:n], P


def _newton(F, J, x, *, iters=60):
    for _ in range(iters):
        f = np.asarray(F(*x), dtype=float)
        if not np.all(np.isfinite(f)):
            return None, np.inf
        if np.abs(f).max() < 1e-15:
            break
        jac = np.asarray(J(*x), dtype=float).reshape(len(f), len(x))
        step = np.linalg.lstsq(jac, -f, rcond=None)[0]
        x = x + step
        if not np.all(np.isfinite(x)) or np.abs(x).max() > 1e6:
            return None, np.inf
    return x, float(np.abs(np.asarray(F(*x), dtype=float)).max())


def _isolate_roots():
    from .interval import isolate_roots  # the interval toolkit (imported when needed)

    return isolate_roots


def face_roots_numeric(
    equations: Sequence[sympy.Expr],
    unknowns: Sequence[sympy.Symbol],
    positivity: Sequence[sympy.Expr],
    *,
    max_boxes: int = 20_000,
) -> tuple[list[dict], str]:
    """Real roots of a square polynomial system inside the open face where every ``positivity`` expression is > 0.

    Every root in the closed unit box is isolated by the Krawczyk test (interval arithmetic with
    outward rounding): each returned root is certified to be the only root in a small box, and the
    guarantee says whether any part of the face stayed unresolved (a double root, a root on the face's
    boundary, a curve of roots, or the box budget running out). Certified roots are polished to 30
    digits. Returns ``(roots, guarantee)``; each root maps the unknowns to 15-digit ``sympy.Float`` values.
    """
    eqs = [sympy.expand(e) for e in equations if e != 0]
    if len(eqs) != len(unknowns):
        return [], "not a square system: not solved numerically"
    res = _isolate_roots()(eqs, list(unknowns), [(0.0, 1.0)] * len(unknowns), max_boxes=max_boxes)
    P = sympy.lambdify(list(unknowns), list(positivity), modules="numpy") if positivity else None
    roots = []
    for r in res.roots:
        x = np.array(r.point, dtype=float)
        if P is not None:
            with np.errstate(all="ignore"):
                pos = np.array([float(np.asarray(v)) for v in P(*x)])
            if pos.min() <= 0.0:
                continue
        try:
            sol = sympy.nsolve(eqs, list(unknowns), list(map(float, x)), prec=30, verify=False)
            vals = [sympy.Float(v, 30) for v in sol]
            if any(not (a <= float(v) <= b) for v, (a, b) in zip(vals, r.unique_in)):
                vals = [sympy.Float(v, 30) for v in x]
        except (ZeroDivisionError, ValueError, TypeError):
            vals = [sympy.Float(v, 30) for v in x]
        roots.append({u: sympy.Float(v, 15) for u, v in zip(unknowns, vals)})
    if res.complete:
        how = (
            f"Krawczyk interval test over the face: all {len(res.roots)} roots in it certified, each unique in its box "
            f"({res.boxes} boxes)"
        )
    else:
        how = (
            f"Krawczyk interval test over the face: {len(res.roots)} roots certified; {len(res.unresolved)} small "
            "regions unresolved (a multiple root, a root on the boundary, a curve of roots, or the box budget), "
            "where rest points may be missing"
        )
    return roots, how


def sample_implicit(
    equations: Sequence[sympy.Expr],
    unknowns: Sequence[sympy.Symbol],
    positivity: Sequence[sympy.Expr],
    *,
    count: int = 5,
    seed: int = 20261202,
) -> list[tuple[float, ...]]:
    """Up to ``count`` well-separated points of the set ``equations = 0`` inside the open face.

    Each random start inside the face is projected onto the set by Gauss-Newton steps of least
    norm; points with residual below 1e-12 and every share positive are kept.
    """
    eqs = [sympy.expand(e) for e in equations if e != 0]
    starts, P = _starts(unknowns, positivity, 200, seed)
    F, J = _lambdified(eqs, unknowns)
    out: list[np.ndarray] = []
    for x0 in starts:
        x, res = _newton(F, J, np.array(x0, dtype=float), iters=40)
        if x is None or res > 1e-12:
            continue
        with np.errstate(all="ignore"):
            pos = np.array([float(np.asarray(v)) for v in P(*x)]) if len(positivity) else np.ones(1)
        if pos.min() <= 1e-9:
            continue
        if any(np.abs(x - y).max() < 0.05 for y in out):
            continue
        out.append(x)
        if len(out) >= count:
            break
    return [tuple(float(v) for v in x) for x in out]
