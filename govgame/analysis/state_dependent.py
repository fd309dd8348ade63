r"""Rest points and stability when payoffs depend on the state (SPEC §1.5).

What changes when the payoffs :math:`\pi_p(\sigma; y)` depend on the shares:

* The face equations (all strategies in use earn the same) may be of any degree, or not polynomial at all
  (probability weights :math:`w(y) = y^\gamma / (y^\gamma + (1-y)^\gamma)^{1/\gamma}`, fractional powers).
  Polynomial systems are solved exactly as in static games; the others, at given parameter values, by
  :func:`solve_face`: interval subdivision with the Krawczyk test (:func:`govgame.analysis.interval.isolate_roots`) on
  the face. Guarantee: every rest point in the open face is either reported, with an enclosure of radius below
  ``1e-9`` in which it is the only rest point, or lies in one of the boxes that the notes of the analysis list.
* The Selten / Ritzberger-Weibull rule (a mixed rest point is never asymptotically stable) holds only when the
  payoffs do not depend on the state. Here a mixed rest point gets its verdict from its eigenvalues: the
  transversal ones :math:`u_j - \bar u` of the unused strategies (the faces are still invariant, so the Jacobian
  is block triangular) and those of the Jacobian of the dynamics on the face, which now contains the payoff
  derivatives. For a point in closed form, :func:`routh_hurwitz` turns a 1x1, 2x2 or 3x3 face Jacobian into the
  conditions papers write (``tr J < 0``, ``det J > 0``; ``a1 > 0``, ``a3 > 0``, ``a1 a2 > a3``).
* Where a payoff derivative is infinite at the rest point (a weight with :math:`\gamma < 1` at a share 0 or 1),
  the field is not differentiable there: the linearisation does not exist and Lyapunov's indirect method does
  not apply. :func:`mixed_stability` says so and gives the verdict ``non-hyperbolic`` (the linearisation decides
  nothing), listing the eigenvalues of the finite blocks for information.

Vertices need nothing new: the faces are invariant, so at a vertex the Jacobian in the coordinates of the unused
strategies is diagonal and its eigenvalues are the payoff differences :math:`u_i - u_s` at the vertex, even when
payoff derivatives are infinite there (the terms that carry them are multiplied by a share that is 0).

This module is the state-dependent branch of :mod:`govgame.analysis.equilibria` and
:mod:`govgame.analysis.stability`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import sympy

from .budget import BudgetExceeded, time_budget
from .factoring import factor
from .interval import interval_program, isolate_roots

__all__ = [
    "METHODS",
    "analysis_notes",
    "mixed_stability",
    "FaceSolution",
    "face_is_polynomial",
    "solve_face",
    "routh_hurwitz",
    "infinite_derivatives",
    "KRAWCZYK_RADIUS",
]

#: How a rest point was found (``Equilibrium.method``; JSON ``point_method``), with its guarantee.
METHODS = {
    "vertex": "every vertex is a rest point",
    "closed form": "exact solution of the face equations in the parameters",
    "exact": "exact solution at the given values (rational linear algebra, or a Groebner basis whose "
    "polynomials' real roots are computed to 40 digits)",
    "krawczyk": "interval subdivision with the Krawczyk test: the rest point is the only one in a box of "
    "radius below 1e-9 around the printed point; every rest point of the face is either listed or lies in "
    "a box the notes name",
}

#: Enclosures of certified rest points are contracted to at most this radius (relative to the face box).
KRAWCZYK_RADIUS = 1e-9
#: Boxes examined per face before the remaining ones are reported unresolved.
MAX_BOXES = 20_000


def face_is_polynomial(equations: Sequence[sympy.Expr], unknowns: Sequence[sympy.Symbol]) -> bool:
    """Whether every face equation is a polynomial in the face's shares (coefficients may be anything).

    >>> y = sympy.Symbol("y", real=True)
    >>> face_is_polynomial([y**2 - y], [y]), face_is_polynomial([y ** sympy.Rational(61, 100) - y], [y])
    (True, False)
    """
    return all(sympy.sympify(e).is_polynomial(*unknowns) for e in equations)


@dataclass(frozen=True)
class FaceSolution:
    """Rest points of one open face found by :func:`solve_face`.

    Attributes
    ----------
    points : tuple of dict
        One ``{unknown: sympy.Float}`` per certified rest point inside the open face (an empty dict: every point
        of the face is a rest point).
    unresolved : tuple of boxes
        Boxes (``((lo, hi), ...)`` in the face's unknowns) that may hold rest points of the open face that could
        not be certified: a multiple root, a point on or within ``1e-9`` of the face's boundary, a curve of rest
        points, or the box budget running out.
    degenerate : bool
        True when some but not all equations vanish identically (a curve of rest points that is not
        parametrised); ``unresolved`` then covers the whole face.
    enclosures : tuple of boxes
        For each point, a box that holds it and no other rest point (empty boxes for a face of rest points).
    """

    points: tuple[dict, ...]
    unresolved: tuple[tuple[tuple[float, float], ...], ...] = ()
    degenerate: bool = False
    enclosures: tuple[tuple[tuple[float, float], ...], ...] = ()


def solve_face(
    equations: Sequence[sympy.Expr],
    unknowns: Sequence[sympy.Symbol],
    positivity: Sequence[sympy.Expr],
    *,
    max_boxes: int = MAX_BOXES,
) -> FaceSolution:
    """Every rest point of an open face whose (numeric) equations are not polynomial, by interval subdivision.

    Parameters
    ----------
    equations : sequence of sympy.Expr
        The face equations (payoff differences of the strategies in use), parameters already substituted.
    unknowns : sequence of sympy.Symbol
        The face's free shares; the search box is ``[0, 1]`` for each.
    positivity : sequence of sympy.Expr
        Expressions in the unknowns that are positive exactly on the open face (the shares in use, including
        the last share of each mixing population, ``1 - sum``).

    Returns
    -------
    FaceSolution

    Examples
    --------
    >>> y = sympy.Symbol("y", real=True)
    >>> w = y ** sympy.Rational(61, 100) / (y ** sympy.Rational(61, 100) + (1 - y) ** sympy.Rational(61, 100)) ** (
    ...     sympy.Rational(100, 61)
    ... )
    >>> sol = solve_face([w - sympy.Rational(1, 2)], [y], [y, 1 - y])  # where the weight is 1/2
    >>> [round(float(p[y]), 9) for p in sol.points], sol.unresolved
    ([0.645519288], ())
    """
    unknowns = tuple(unknowns)
    eqs = [sympy.sympify(e) for e in equations]
    m = len(unknowns)
    live = [e for e in eqs if e != 0]
    if not live:
        return FaceSolution(({},), enclosures=((),))
    if len(live) < len(eqs) or m == 0:
        box = tuple((0.0, 1.0) for _ in unknowns)
        return FaceSolution((), (box,) if m else (), degenerate=True)
    box = [(0.0, 1.0)] * m
    res = isolate_roots(eqs, unknowns, box, min_width=KRAWCZYK_RADIUS, max_boxes=max_boxes)
    pos = interval_program(list(positivity), unknowns) if positivity else None

    def where(b) -> str:
        """'inside', 'outside' or 'straddles' the open face."""
        if pos is None:
            return "inside"
        lo = np.array([[a for a, _ in b]])
        hi = np.array([[c for _, c in b]])
        plo, phi, _ = pos.evaluate(lo, hi)
        if np.any(phi[0] <= 0):
            return "outside"
        return "inside" if np.all(plo[0] > 0) else "straddles"

    points, unresolved, enclosures = [], [], []
    for root in res.roots:
        side = where(root.enclosure)
        if side == "inside":
            points.append({u: sympy.Float(v, 17) for u, v in zip(unknowns, root.point)})
            enclosures.append(root.enclosure)
        elif side == "straddles":
            unresolved.append(root.enclosure)
    for b in res.unresolved:
        if where(b) != "outside":
            unresolved.append(b)
    return FaceSolution(tuple(points), _clusters(unresolved, CLUSTER_GAP), enclosures=tuple(enclosures))


#: Unresolved boxes closer than this (in every coordinate) are reported as one.
CLUSTER_GAP = 1e-6


def _clusters(boxes, gap: float) -> tuple:
    """Merge boxes whose distance is below ``gap`` in every coordinate into their hulls, repeatedly."""
    out = [list(map(list, b)) for b in boxes]
    merged = True
    while merged:
        merged = False
        for i in range(len(out)):
            for j in range(i + 1, len(out)):
                a, b = out[i], out[j]
                if all(lo1 <= hi2 + gap and lo2 <= hi1 + gap for (lo1, hi1), (lo2, hi2) in zip(a, b)):
                    out[i] = [[min(p[0], q[0]), max(p[1], q[1])] for p, q in zip(a, b)]
                    del out[j]
                    merged = True
                    break
            if merged:
                break
    return tuple(sorted(tuple((lo, hi) for lo, hi in b) for b in out))


def describe_box(unknowns: Sequence[sympy.Symbol], box: Sequence[tuple[float, float]]) -> str:
    """``x in [0.2999, 0.3001], y in [...]`` for a note.

    >>> describe_box([sympy.Symbol("x")], [(0.25, 0.5)])
    'x in [0.25, 0.5]'
    """
    return ", ".join(f"{u} in [{a:.10g}, {b:.10g}]" for u, (a, b) in zip(unknowns, box))


# ------------------------------------------------------------------------------ stability
def _compact(expr: sympy.Expr) -> sympy.Expr:
    if expr.is_number:
        return expr
    return factor(sympy.cancel(sympy.together(expr)))


def routh_hurwitz(J: sympy.Matrix) -> list[sympy.Basic]:
    r"""Conditions under which every eigenvalue of a square matrix has a negative real part (Routh-Hurwitz).

    With the characteristic polynomial :math:`\lambda^n + a_1 \lambda^{n-1} + \dots + a_n`:
    n = 1: :math:`J_{11} < 0`; n = 2: :math:`\operatorname{tr} J < 0` and :math:`\det J > 0`; n = 3:
    :math:`a_1 = -\operatorname{tr} J > 0`, :math:`a_3 = -\det J > 0` and :math:`a_1 a_2 - a_3 > 0`, with
    :math:`a_2` the sum of the principal 2x2 minors; n >= 4: :math:`a_n > 0` and the leading principal minors of
    the Hurwitz matrix positive (Hurwitz 1895; Gantmacher 1959, vol. II, ch. XV).

    Examples
    --------
    >>> a, b, c, d = sympy.symbols("a b c d", real=True)
    >>> routh_hurwitz(sympy.Matrix([[a, b], [c, d]]))
    [a + d < 0, a*d - b*c > 0]
    """
    n = J.shape[0]
    if n == 0:
        return []
    if n == 1:
        return [sympy.StrictLessThan(_compact(J[0, 0]), 0, evaluate=False)]
    if n == 2:
        tr = _compact(J.trace())
        det = _compact(J.det(method="berkowitz"))
        return [sympy.StrictLessThan(tr, 0, evaluate=False), sympy.StrictGreaterThan(det, 0, evaluate=False)]
    coeffs = J.charpoly().all_coeffs()  # 1, a1, ..., an
    a = [sympy.Integer(1)] + [_compact(c) for c in coeffs[1:]]
    if n == 3:
        return [
            sympy.StrictGreaterThan(a[1], 0, evaluate=False),
            sympy.StrictGreaterThan(a[3], 0, evaluate=False),
            sympy.StrictGreaterThan(_compact(a[1] * a[2] - a[3]), 0, evaluate=False),
        ]
    H = sympy.zeros(n, n)
    for i in range(n):
        for j in range(n):
            k = 2 * (j + 1) - (i + 1)
            H[i, j] = a[k] if 0 <= k <= n else 0
    minors = [_compact(H[:k, :k].det(method="berkowitz")) for k in range(1, n)]
    return [sympy.StrictGreaterThan(m, 0, evaluate=False) for m in [*minors, a[n]]]


def infinite_derivatives(
    rows: Sequence[sympy.Expr], names: Sequence[str], state: Sequence[sympy.Symbol], at: Mapping
) -> list[str]:
    """Partial derivatives of the given right-hand sides that are infinite (or undefined) at the point ``at``.

    Each derivative is evaluated with the other coordinates substituted first, so that a slope multiplied by a
    share that is 0 there counts as 0 (the product vanishes along the whole line). Pass only the rows of
    coordinates strictly inside (0, 1): a row of a share at 0 (or a binary share at 1) is that share times a
    bounded factor, and its derivatives exist even where a payoff's slope is infinite.

    Examples
    --------
    >>> x, z = sympy.symbols("x z", real=True)
    >>> rhs = z * (1 - z) * (x ** sympy.Rational(61, 100) - sympy.Rational(1, 2))
    >>> infinite_derivatives([rhs], ["z"], [x, z], {x: 0, z: sympy.Rational(1, 2)})
    ['d(dz/dt)/dx']
    """
    out = []
    at = dict(at)
    for f, name in zip(rows, names):
        for s in state:
            d = sympy.diff(f, s).xreplace({k: v for k, v in at.items() if k != s})
            v = d.xreplace({s: at[s]}) if s in at else d
            bad = v.has(sympy.zoo, sympy.oo, -sympy.oo, sympy.nan)
            if not bad and v.is_number:
                bad = not np.isfinite(complex(sympy.N(v, 30)))
            if bad:
                out.append(f"d(d{name}/dt)/d{s}")
    return out


def kinks(exprs: Sequence[sympy.Expr], at: Mapping, tol: float = 1e-12) -> list[str]:
    """``Abs``, ``Min`` and ``Max`` in the expressions that switch branch at the point (a kink of the field).

    >>> d = sympy.Symbol("d", real=True)
    >>> kinks([sympy.Max(d, 0) ** sympy.Rational(22, 25)], {d: 0})
    ['Max(0, d)']
    """
    out = []
    for e in exprs:
        for f in e.atoms(sympy.Abs, sympy.Min, sympy.Max):
            vals = []
            for a in f.args:
                v = complex(sympy.N(a.xreplace(dict(at)), 30))
                vals.append(v.real)
            if isinstance(f, sympy.Abs):
                hit = abs(vals[0]) <= tol
            else:
                vals.sort(reverse=isinstance(f, sympy.Max))
                hit = len(vals) > 1 and abs(vals[0] - vals[1]) <= tol * max(1.0, abs(vals[0]))
            if hit and str(f) not in out:
                out.append(str(f))
    return out


# ------------------------------------------------------------------------ mixed stability
def linearisation(dynamics, eq, subs: Mapping | None):
    """Transversal eigenvalues and the face Jacobian at a non-vertex rest point of a state-dependent game.

    The Jacobian of the face dynamics is the full derivative of the face's right-hand sides (payoff derivatives
    included: ``stability._face_eigen`` takes no shortcut for such games). Returns
    ``(transversal, J)`` as exact expressions in factored form; ``subs`` (parameter values) applied when given.
    """
    from .stability import _face_eigen

    transversal, J = _face_eigen(dynamics, eq, subs)
    transversal = [t if t.has(sympy.Float) else _compact(t) for t in transversal]
    if J.shape[0] and not any(x.has(sympy.Float) for x in J):
        J = J.applyfunc(_compact)
    return transversal, J


def _interior_coordinates(dynamics, point) -> list[int]:
    """Indices of the state coordinates strictly between 0 and 1 at a point."""
    out = []
    for i, c in enumerate(point):
        try:
            v = float(sympy.N(c, 30))
        except (TypeError, ValueError):
            out.append(i)  # a symbolic coordinate (a closed form in the parameters)
            continue
        if 0.0 < v < 1.0:
            out.append(i)
    return out


def mixed_stability(dynamics, eq, subs: Mapping | None, region, tol: float):
    """Stability of a rest point that is not a vertex, in a game whose payoffs depend on the state.

    Every verdict comes from the eigenvalues: the transversal ones and those of the face Jacobian. For a point in
    closed form, ``stability_conditions`` are the transversal eigenvalues ``< 0`` and the Routh-Hurwitz
    conditions of the face Jacobian (those the assumptions do not imply), ``can_be_ess`` and ``witness`` say
    whether and where they hold together with the point's existence conditions, and the symbolic verdict is
    ``ess`` (always stable where it exists), ``conditional`` or ``not-ess``. A point found only at the given
    values gets the numeric verdict as its verdict, and so does a closed form whose conditions sympy cannot
    derive within :data:`SYMBOLIC_BUDGET` seconds (the method says so).
    """
    import dataclasses

    from .equilibria import Kind
    from .stability import NumericStability, Stability, _as_number
    from .verdicts import Verdict, numeric_verdict

    at_eq = eq
    if eq.kind is Kind.CONTINUUM:
        from .stability import _continuum_midpoint

        at_eq = dataclasses.replace(eq, point=_continuum_midpoint(dynamics, eq), free=())
    remarks: list[str] = []
    numeric = None
    vals: list[complex] = []
    n_transversal = 0
    if subs is not None:
        t_num, J_num = linearisation(dynamics, at_eq, subs)
        n_transversal = len(t_num)
        vals = [complex(sympy.N(v, 30)) for v in t_num]
        if J_num.shape[0]:
            B = np.array(J_num.evalf(30).tolist(), dtype=complex)
            vals.extend(complex(v) for v in np.linalg.eigvals(B))
        point_at = {s: c.xreplace(subs) for s, c in zip(dynamics.state, at_eq.point)}
        inner = _interior_coordinates(dynamics, list(point_at.values()))
        rows = [dynamics.rhs[i].xreplace(subs) for i in inner]
        names = [str(dynamics.state[i]) for i in inner]
        inf = infinite_derivatives(rows, names, dynamics.state, point_at)
        kinked = kinks(rows, point_at)
        verdict_num = numeric_verdict(vals, eig_tol=tol)
        if kinked:
            verdict_num = Verdict.NON_HYPERBOLIC
            remarks.append(
                f"the payoffs have a kink at this point ({', '.join(kinked)} switches branch): the field is not "
                "differentiable there, so the linearisation decides nothing"
            )
        elif inf:
            remarks.append(
                f"infinite derivatives at this point ({', '.join(inf)}): a payoff has an infinite slope where a "
                "share is 0 or 1; they couple the pinned shares into the face and do not change the eigenvalues, "
                "which decide (the face is invariant and the pinned shares decay or grow exponentially)"
            )
        point = eq.numeric_point if eq.numeric_point is not None else ()
        numeric = NumericStability(tuple(point), tuple(vals), verdict_num)
    numbers = [_as_number(v) for v in vals]

    symbolic = None
    method = "eigenvalues at the given values (the rest point is known only there)"
    if eq.general:
        try:
            with time_budget(SYMBOLIC_BUDGET):
                symbolic = _symbolic_stability(dynamics, eq, at_eq, region)
        except BudgetExceeded:
            method = (
                f"eigenvalues at the given values (the Routh-Hurwitz conditions of this closed form did not finish "
                f"within {SYMBOLIC_BUDGET:g} s)"
            )
    remark = "; ".join(remarks)
    if symbolic is None:
        eigen = numbers
        if subs is not None and not eq.general:  # exact values at the given values where they are cheap
            from .stability import _block_eigenvalues

            inner_exact = _block_eigenvalues(J_num) if J_num.shape[0] <= 2 else None
            eigen = [*t_num, *(inner_exact if inner_exact is not None else numbers[n_transversal:])]
        if numeric is not None:
            v = numeric.verdict
        else:  # no values and no conditions: nothing decided
            v, method = Verdict.CONDITIONAL, method.replace("eigenvalues at the given values", "not decided")
        ess = v is Verdict.ESS
        game = dynamics.game
        witness = {p.name: float(subs[p.symbol]) for p in game.parameters} if ess and subs else None
        return Stability(eq, tuple(eigen), v, (), ess, witness, method + (f"; {remark}" if remark else ""), numeric)

    transversal, inner_ev, needed, feas, verdict = symbolic
    if inner_ev is not None:
        eigen_exact = [*transversal, *inner_ev]
    else:
        eigen_exact = [*transversal, *numbers[len(transversal) :]]
    method = f"eigenvalues (payoffs depend on the state): Routh-Hurwitz conditions, {feas.method}"
    return Stability(
        eq,
        tuple(eigen_exact),
        verdict,
        tuple(needed),
        bool(feas.feasible),
        feas.witness if feas.feasible else None,
        method + (f"; {remark}" if remark else ""),
        numeric,
    )


#: Seconds the symbolic stability of one closed-form rest point (its exact eigenvalues, Routh-Hurwitz
#: conditions and their feasibility) may take; past it the verdict is the one at the given values.
SYMBOLIC_BUDGET = 2.0


def _symbolic_stability(dynamics, eq, at_eq, region):
    """Exact eigenvalues, the conditions not implied by the assumptions, their feasibility, and the verdict."""
    from .regions import as_condition
    from .stability import _block_eigenvalues
    from .verdicts import Verdict

    transversal, J = linearisation(dynamics, at_eq, None)
    inner_ev = _block_eigenvalues(J) if J.shape[0] <= 2 else None
    conditions = [sympy.StrictLessThan(t, 0, evaluate=False) for t in transversal] + routh_hurwitz(J)
    needed = []
    gs = []
    for c in conditions:
        g, _ = as_condition(c)
        if g.is_number:
            if g > 0:
                continue
            needed.append(c)
            gs.append(g)
            continue
        g = _signed_part(region.simplify_condition(g), region)
        if not region.always(g):
            needed.append(c)
            gs.append(g)
    exist = [as_condition(r) for r in eq.exists_if]
    feas = region.feasible(
        strict=[*gs, *(g for g, strict in exist if strict)], nonstrict=[g for g, strict in exist if not strict]
    )
    if not needed:
        verdict = Verdict.ESS
    elif feas.feasible:
        verdict = Verdict.CONDITIONAL
    else:
        verdict = Verdict.NOT_ESS
    return transversal, inner_ev, needed, feas, verdict


def _signed_part(g: sympy.Expr, region) -> sympy.Expr:
    """An expression with the sign of ``g``: its factors that are positive (or negative) for every admissible
    parameter value are dropped (or flip the sign), so that ``V*(C - V) > 0`` under ``C > V`` is decided as
    ``C - V > 0``, a linear condition.

    >>> from govgame.model import Game, Parameter, Population
    >>> from govgame.analysis.regions import Region
    >>> g = Game("g", (Population("a", ("p", "q"), ("x",)), Population("b", ("r", "s"), ("y",))),
    ...          (Parameter("V", sign="positive"), Parameter("C", sign="positive")),
    ...          {pr: (0, 0) for pr in [("p", "r"), ("p", "s"), ("q", "r"), ("q", "s")]})
    >>> V, C = g.parameter("V").symbol, g.parameter("C").symbol
    >>> _signed_part(-V * (V - C) / 2, Region(g, {}))
    C - V
    """
    if g.is_number:
        return g
    factored = factor(g)
    args = sympy.Mul.make_args(factored)
    if len([a for a in args if not a.is_number]) < 2:
        return g
    sign, kept = 1, []
    for f in args:
        if f.is_number:
            if f.is_negative:
                sign = -sign
            elif not f.is_positive:
                kept.append(f)
            continue
        base, exp = f.as_base_exp()
        if not (exp.is_Integer and exp > 0):
            kept.append(f)
        elif base.is_positive or region.always(base):
            continue
        elif base.is_negative or region.always(-base):
            sign = sign if exp % 2 == 0 else -sign
        else:
            kept.append(f)
    return sympy.expand(sign * sympy.Mul(*kept)) if kept else sympy.Integer(sign)


def analysis_notes(game, stabilities) -> list[str]:
    """What a reader of the analysis of a state-dependent game must know: the rules that changed, how each rest
    point was found, and where the linearisation decides nothing (kinks, infinite slopes). What the face solvers
    could not settle is in the notes of :func:`~govgame.analysis.equilibria.search_equilibria`.
    """
    notes = [
        f"the payoffs depend on the state (shares {', '.join(game.state_names)}): the Jacobian includes the payoff "
        "derivatives, and Selten's rule (a mixed rest point is never an ESS) does not apply; every verdict comes "
        "from the eigenvalues, with Routh-Hurwitz conditions for rest points in closed form"
    ]
    used = sorted({s.equilibrium.method for s in stabilities if s.equilibrium.method} - {"vertex"})
    for m in used:
        notes.append(f'rest points found by "{m}": {METHODS[m]}' if m in METHODS else f"rest points found by {m}")
    for s in stabilities:
        for key in ("infinite derivatives at this point", "the payoffs have a kink at this point"):
            if key in s.method:
                notes.append(f"{s.name}: {s.method[s.method.index(key) :]}")
    return notes
