"""Numeric rest points of face systems, used when exact algebra exceeds its time budget.

The face systems are polynomial equations in the shares of the mixing strategies. When a Gröbner
basis does not finish within the budget, :func:`face_roots_numeric` finds real roots inside the
open face by Newton's method from many starts and polishes each at 30 significant digits. Its
guarantee is stated with the result: every point it returns is a root to the stated residual and
lies inside the face; roots between the starts may be missed. (This module is the one place to
swap in an interval method with a completeness guarantee, such as a Krawczyk test with
branch-and-bound over the face.)

:func:`sample_implicit` finds points on a set of rest points known only by its equations.

>>> import sympy
>>> x, y = sympy.symbols("x y")
>>> roots, how = face_roots_numeric([x * y - sympy.Rational(1, 4), x - y], [x, y], [x, 1 - x, y, 1 - y])
>>> [(round(float(r[x]), 6), round(float(r[y]), 6)) for r in roots]
[(0.5, 0.5)]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import sympy

__all__ = ["face_roots_numeric", "sample_implicit", "STARTS"]

#: Starting points per unknown for Newton's method.
STARTS = 48


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


def face_roots_numeric(
    equations: Sequence[sympy.Expr],
    unknowns: Sequence[sympy.Symbol],
    positivity: Sequence[sympy.Expr],
    *,
    seed: int = 20261201,
) -> tuple[list[dict], str]:
    """Real roots of a square polynomial system inside the open face where every ``positivity`` expression is > 0.

    Returns ``(roots, guarantee)``: each root a dict of unknowns to 15-digit ``sympy.Float`` values.
    """
    eqs = [sympy.expand(e) for e in equations if e != 0]
    n = STARTS * max(1, len(unknowns))
    starts, P = _starts(unknowns, positivity, n, seed)
    F, J = _lambdified(eqs, unknowns)
    found: list[np.ndarray] = []
    for x0 in starts:
        x, res = _newton(F, J, np.array(x0, dtype=float))
        if x is None or res > 1e-10:
            continue
        with np.errstate(all="ignore"):
            pos = np.array([float(np.asarray(v)) for v in P(*x)]) if len(positivity) else np.ones(1)
        if pos.min() <= 1e-12:
            continue
        if any(np.abs(x - y).max() < 1e-8 for y in found):
            continue
        found.append(x)
    roots = []
    for x in found:
        try:
            sol = sympy.nsolve(eqs, list(unknowns), list(map(float, x)), prec=30, verify=False)
            vals = [sympy.Float(v, 30) for v in sol]
        except (ZeroDivisionError, ValueError, TypeError):
            vals = [sympy.Float(v, 30) for v in x]
        resid = max(abs(complex(e.xreplace(dict(zip(unknowns, vals))))) for e in eqs)
        if resid < 1e-20:
            roots.append({u: sympy.Float(v, 15) for u, v in zip(unknowns, vals)})
    how = (
        f"Newton's method from {len(starts)} starts inside the face, each root polished to a residual below 1e-20 "
        "at 30 digits; a root between the starts may be missed"
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
