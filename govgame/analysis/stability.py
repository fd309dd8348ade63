r"""Stability of rest points: exact eigenvalues, verdicts, ESS conditions, witnesses.

Eigenvalues
    At a vertex the Jacobian of the replicator dynamics is block diagonal, one block
    per population, and the eigenvalues are the payoff differences
    :math:`u_i - u_s` between each other strategy :math:`i` and the strategy
    :math:`s` played there. At any other rest point the eigenvalues are the
    *transversal* ones, :math:`u_j - \bar u` for each unused strategy :math:`j`, and
    those of the Jacobian of the dynamics restricted to the rest point's face.

Symbolic verdicts (signs under the model's sign assumptions and ``[assumptions]``)
    ``ess`` / ``source`` / ``saddle`` / ``non-hyperbolic`` when that verdict holds for
    every admissible parameter value; ``conditional`` when the point is an ESS for
    some admissible values and not for others; ``not-ess`` when it is an ESS for none
    — in particular every rest point where some population mixes (Selten 1980;
    Ritzberger and Weibull 1995).

Numeric verdicts (at given values)
    :func:`govgame.analysis.verdicts.numeric_verdict` of the eigenvalues at the values, with the
    relative tolerance ``eig_tol`` (:data:`~govgame.analysis.verdicts.TOL`).

>>> from govgame.model.loader import load_model
>>> from govgame.analysis.dynamics import replicator
>>> from govgame.analysis.equilibria import find_equilibria
>>> game = load_model("battery_recycling")
>>> dyn = replicator(game)
>>> st = stability(dyn, find_equilibria(dyn, params=game.values()), params=game.values())
>>> [s.name for s in st if s.numeric.verdict is Verdict.ESS]  # two asymptotically stable vertices
['E5', 'E8']
>>> st[8].equilibrium.kind.value, str(st[8].verdict)  # a face point: never an ESS
('boundary', 'not-ess')
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import sympy

from .._deprecation import renamed_options
from .continua import ContinuumStability, continuum_stability
from .dynamics import Dynamics
from .equilibria import Equilibrium, Face, Kind, face_system
from .factoring import factor
from .regions import Feasibility, Region
from .verdicts import TOL, Verdict, numeric_verdict

__all__ = ["NumericStability", "Stability", "stability", "vertex_eigenvalues", "symbolic_verdict"]


@dataclass(frozen=True)
class NumericStability:
    """Linearisation at given parameter values."""

    point: tuple[float | None, ...]
    eigenvalues: tuple[complex, ...]
    verdict: Verdict


@dataclass(frozen=True)
class Stability:
    """Stability of one equilibrium.

    Attributes
    ----------
    equilibrium : Equilibrium
    eigenvalues : tuple of sympy.Expr
        Exact eigenvalues of the Jacobian (with multiplicity).
    verdict : Verdict
        Symbolic verdict.
    stability_conditions : tuple of sympy relationals
        For a vertex: the inequalities (``eigenvalue < 0``) not already implied by the
        assumptions, under which it is an ESS. Empty for other rest points.
    can_be_ess : bool
    witness : dict or None
        Parameter values at which the vertex is an ESS (None when there are none).
    method : str
        How ``can_be_ess`` was decided ("linear programming", "sign assumptions", "sampling ...").
    numeric : NumericStability or None
        Present when every parameter has a value.
    """

    equilibrium: Equilibrium
    eigenvalues: tuple[sympy.Expr, ...]
    verdict: Verdict
    stability_conditions: tuple[sympy.Basic, ...] = ()
    can_be_ess: bool = False
    witness: dict[str, float] | None = None
    method: str = ""
    numeric: NumericStability | None = None
    continuum: ContinuumStability | None = None

    @property
    def name(self) -> str:
        """The equilibrium's name."""
        return self.equilibrium.name


# --------------------------------------------------------------------------- eigenvalues
def vertex_eigenvalue_pairs(dynamics: Dynamics, eq: Equilibrium) -> list[tuple[sympy.Expr, int, int]]:
    """``(u_i - u_s, population index, strategy i)`` at a vertex, in population and strategy order."""
    at = dict(zip(dynamics.state, eq.point))
    out = []
    for p, supp in enumerate(eq.support):
        s = supp[0]
        u = dynamics.expected[p]
        us = u[s].xreplace(at)
        for i in range(len(u)):
            if i != s:
                out.append((sympy.expand(u[i].xreplace(at) - us), p, i))
    return out


def vertex_eigenvalues(dynamics: Dynamics, eq: Equilibrium) -> tuple[sympy.Expr, ...]:
    """Closed-form eigenvalues at a vertex: for each population, ``u_i - u_s`` for each strategy ``i != s``."""
    return tuple(ev for ev, _, _ in vertex_eigenvalue_pairs(dynamics, eq))


def _face_eigen(dynamics: Dynamics, eq: Equilibrium, subs: Mapping | None, *, region: Region | None = None):
    """Transversal eigenvalues and the face-restricted Jacobian at a non-vertex rest point.

    Returns ``(transversal, block)``: exact transversal eigenvalues (u_j - ubar for unused
    strategies j) and the Jacobian of the dynamics on the face, in the face's unknowns,
    at the point. ``subs`` (parameter values) is applied when given. ``region``: whose
    :meth:`Region.together` puts fractions together (the same sums recur).
    """
    put_together = region.together if region is not None else sympy.together
    game = dynamics.game
    face = Face(eq.support)
    system = face_system(dynamics, face)
    at = dict(zip(dynamics.state, eq.point))
    if subs:
        at = {k: v.xreplace(subs) for k, v in at.items()}
    transversal = []
    for p, (pop, supp) in enumerate(zip(game.populations, eq.support)):
        u = dynamics.expected[p]
        full = pop.full_shares
        ubar = sum(full[j] * u[j] for j in range(pop.k))
        for j in range(pop.k):
            if j not in supp:
                val = (u[j] - ubar).xreplace(at)
                if subs:
                    val = val.xreplace(subs)
                transversal.append(_compact(val, put_together))
    # dynamics on the face: reduced replicator of the unknowns, with the face parametrisation
    unknowns = system.unknowns
    mixing = [p for p, supp in enumerate(eq.support) if len(supp) > 1]
    if unknowns and all(game.populations[p].k == 2 for p in mixing) and not game.state_dependent:
        # (with state-dependent payoffs a population's payoff difference depends on its own share too)
        return transversal, _binary_block(dynamics, mixing, at, subs, put_together)
    rhs_on_face = []
    index = {s: i for i, s in enumerate(dynamics.state)}
    for u in unknowns:
        rhs_on_face.append(dynamics.rhs[index[u]].xreplace(system.substitution))
    if unknowns:
        J = sympy.Matrix(rhs_on_face).jacobian(sympy.Matrix(unknowns))
        point_unknowns = {u: at[u] for u in unknowns}
        J = J.xreplace(point_unknowns)
        if subs:
            J = J.xreplace(subs)
        if all(x.is_number for x in J) and any(x.has(sympy.Float) for x in J):
            J = J.evalf(30)
        else:
            J = J.applyfunc(sympy.cancel)
    else:
        J = sympy.zeros(0, 0)
    return transversal, J


def _compact(expr: sympy.Expr, put_together=sympy.together) -> sympy.Expr:
    """A compact exact form: one fraction, products kept unexpanded (numbers: evaluated)."""
    if expr.is_number:
        return expr
    return put_together(expr)


def _binary_block(dynamics: Dynamics, mixing: list[int], at: dict, subs, put_together=sympy.together) -> sympy.Matrix:
    """Jacobian on the face when every mixing population is binary.

    With ``D_p`` the payoff difference of population ``p`` (independent of its own
    share) and ``D_p = 0`` at the rest point, the entries are exactly
    ``J_pp = 0`` and ``J_pq = y_p (1 - y_p) dD_p/dy_q``.
    """
    offsets = dynamics.offsets
    m = len(mixing)
    J = sympy.zeros(m, m)
    for a, p in enumerate(mixing):
        y = dynamics.state[offsets[p]]
        yp = at[y]
        weight = factor(yp) * factor(1 - yp)
        for b, q in enumerate(mixing):
            if a == b:
                continue
            dq = sympy.diff(dynamics.differences[p][0], dynamics.state[offsets[q]]).xreplace(at)
            if subs:
                dq = dq.xreplace(subs)
            J[a, b] = weight * factor(put_together(dq))
    if all(x.is_number for x in J) and any(x.has(sympy.Float) for x in J):
        J = J.evalf(30)
    return J


def _block_eigenvalues(J: sympy.Matrix) -> list[sympy.Expr] | None:
    """Exact eigenvalues of a small block, or None when not worth computing in closed form."""
    n = J.shape[0]
    if n == 0:
        return []
    if n == 1:
        return [sympy.cancel(J[0, 0])]
    if n == 2:
        if J[0, 0] == 0 and J[1, 1] == 0:  # binary mixing populations: +- sqrt(J01 J10)
            root = sympy.sqrt(J[0, 1] * J[1, 0])
            return [root, -root]
        tr = sympy.cancel(J[0, 0] + J[1, 1])
        det = sympy.cancel(J[0, 0] * J[1, 1] - J[0, 1] * J[1, 0])
        disc = sympy.cancel(tr**2 / 4 - det)
        root = sympy.sqrt(disc)
        return [tr / 2 + root, tr / 2 - root]
    return None  # 3 or more mixing coordinates: eigenvalues are given as numbers at the parameter values


# --------------------------------------------------------------------------- analysis
@renamed_options({"tol": "eig_tol"}, positional=("params",))
def stability(
    dynamics: Dynamics,
    equilibria: Sequence[Equilibrium],
    *,
    params: Mapping[str, float] | None = None,
    region: Region | None = None,
    eig_tol: float = TOL,
    symbolic: bool = True,
) -> tuple[Stability, ...]:
    """Eigenvalues, verdicts, ESS conditions and witnesses for each equilibrium.

    Parameters
    ----------
    dynamics : Dynamics
    equilibria : sequence of Equilibrium
        From :func:`govgame.analysis.equilibria.find_equilibria`.
    params : mapping, optional
        Parameter values; numeric results are added when every parameter has one.
    region : Region, optional
        Admissible region (built from the game when absent).
    eig_tol : float
        Relative tolerance of the numeric verdicts (``tol=`` is the deprecated name).
    symbolic : bool, default True
        False (with every value given): a vertex's verdict, ``can_be_ess`` and witness are decided
        exactly at the given values only (the fast path of sweeps and simulations), not for all
        admissible parameters.

    Returns
    -------
    tuple of Stability

    Examples
    --------
    >>> from govgame.model.loader import load_model
    >>> from govgame.analysis.dynamics import replicator
    >>> from govgame.analysis.equilibria import find_equilibria
    >>> game = load_model("battery_recycling")
    >>> dyn = replicator(game)
    >>> st = stability(dyn, find_equilibria(dyn)[:1])
    >>> len(st[0].eigenvalues)
    3
    """
    game = dynamics.game
    values = dict(params or {})
    numeric = game.complete(values)
    subs = game.subs_map({k: values[k] for k in game.parameter_names}) if numeric else None
    region = region or Region(game, values)
    out = []
    for eq in equilibria:
        if eq.kind is Kind.PURE:
            if symbolic or subs is None:
                out.append(_vertex_stability(dynamics, eq, subs, region, eig_tol))
            else:
                out.append(_vertex_stability_at_values(dynamics, eq, subs, values, eig_tol))
        elif game.state_dependent:  # Selten's rule does not hold: verdicts from eigenvalues (SPEC 1.5)
            from .state_dependent import mixed_stability

            st = mixed_stability(dynamics, eq, subs, region, eig_tol)
            if eq.kind is Kind.CONTINUUM:
                st = dataclasses.replace(st, continuum=continuum_stability(dynamics, eq, values))
            out.append(st)
        else:
            out.append(_mixed_stability(dynamics, eq, subs, eig_tol, values, region=region))
    return tuple(out)


def _vertex_stability(dynamics, eq, subs, region: Region, eig_tol) -> Stability:
    ev = vertex_eigenvalues(dynamics, eq)
    verdict, conditions, feas = symbolic_verdict(ev, region)
    numeric = None
    if subs is not None:
        vals = [complex(sympy.N(e.xreplace(subs), 30)) for e in ev]
        numeric = NumericStability(
            tuple(float(c) for c in eq.point), tuple(vals), numeric_verdict(vals, eig_tol=eig_tol)
        )
    return Stability(
        eq,
        ev,
        verdict,
        tuple(conditions),
        feas.feasible,
        feas.witness if feas.feasible else None,
        feas.method,
        numeric,
    )


def symbolic_verdict(
    eigenvalues: Sequence[sympy.Expr], region: Region
) -> tuple[Verdict, list[sympy.Basic], Feasibility]:
    """Symbolic verdict of a vertex from its (real) eigenvalues, the ESS conditions, and their feasibility.

    The strongest verdict that holds for every admissible parameter value: ``saddle`` when some
    eigenvalue is always positive and some other never positive (whatever the remaining signs), or
    when no admissible value makes them all <= 0 and none makes them all > 0 (both proven);
    ``non-hyperbolic`` when none can be positive and they can never all be negative.
    """
    neg_always = [e.is_negative is True or region.always(-e) for e in eigenvalues]
    pos_always = [e.is_positive is True or region.always(e) for e in eigenvalues]
    nonpos_always = [
        n or e == 0 or e.is_nonpositive is True or region.always(-e, strict=False)
        for e, n in zip(eigenvalues, neg_always)
    ]
    conditions = [sympy.StrictLessThan(e, 0, evaluate=False) for e, n in zip(eigenvalues, neg_always) if not n]
    feas = region.feasible(strict=[-e for e, n in zip(eigenvalues, neg_always) if not n])
    never_ess = not feas.feasible and feas.proven
    if all(neg_always):
        verdict = Verdict.ESS
    elif all(pos_always):
        verdict = Verdict.SOURCE
    elif any(pos_always) and any(nonpos_always):
        verdict = Verdict.SADDLE  # one always unstable direction, and never every direction unstable
    elif never_ess and _always_saddle(eigenvalues, region):
        verdict = Verdict.SADDLE
    elif all(nonpos_always) and never_ess:
        verdict = Verdict.NON_HYPERBOLIC  # none can become positive, and they are never all negative
    elif feas.feasible:
        verdict = Verdict.CONDITIONAL
    else:
        verdict = Verdict.NOT_ESS
    return verdict, conditions, feas


def _always_saddle(eigenvalues, region: Region) -> bool:
    """Proven: no admissible value makes every eigenvalue <= 0, and none makes every eigenvalue > 0."""
    some_positive = region.feasible(nonstrict=[-e for e in eigenvalues], witness=False)
    if some_positive.feasible or not some_positive.proven:
        return False
    all_positive = region.feasible(strict=list(eigenvalues), witness=False)
    return not all_positive.feasible and all_positive.proven


def _vertex_stability_at_values(dynamics, eq, subs, values, eig_tol) -> Stability:
    """A vertex decided exactly at the given values only: the signs of its exact eigenvalues there."""
    ev = vertex_eigenvalues(dynamics, eq)
    exact = [sympy.nsimplify(e.xreplace(subs)) if e.has(sympy.Float) else e.xreplace(subs) for e in ev]
    signs = [int(bool(v > 0)) - int(bool(v < 0)) for v in exact]
    if all(s < 0 for s in signs):
        verdict = Verdict.ESS
    elif all(s > 0 for s in signs):
        verdict = Verdict.SOURCE
    elif any(s > 0 for s in signs):
        verdict = Verdict.SADDLE
    else:
        verdict = Verdict.NON_HYPERBOLIC
    conditions = tuple(sympy.StrictLessThan(e, 0, evaluate=False) for e in ev if not e.is_number)
    vals = [complex(sympy.N(v, 30)) for v in exact]
    numeric = NumericStability(tuple(float(c) for c in eq.point), tuple(vals), numeric_verdict(vals, eig_tol=eig_tol))
    ess = verdict is Verdict.ESS
    witness = {k: float(values[k]) for k in dynamics.game.parameter_names} if ess else None
    return Stability(
        eq, ev, verdict, conditions, ess, witness, "exact signs at the given values only (symbolic=False)", numeric
    )


def _mixed_stability(
    dynamics, eq: Equilibrium, subs, eig_tol, values=None, *, region: Region | None = None
) -> Stability:
    at = eq
    cont = None
    if eq.kind is Kind.CONTINUUM:
        cont = continuum_stability(dynamics, eq, values)
        # eigenvalues at the middle of the continuum (one of them is zero along it)
        at = dataclasses.replace(eq, point=_continuum_midpoint(dynamics, eq), free=())
    # a point found only at the given values has exact eigenvalues only at those values
    exact_subs = None if eq.general else subs
    transversal, block = _face_eigen(dynamics, at, exact_subs, region=region)
    inner = _block_eigenvalues(block)
    numeric = None
    vals: list[complex] = []
    if subs is not None:
        t_num, b_num = _face_eigen(dynamics, at, subs, region=region)
        vals = [complex(sympy.N(v, 30)) for v in t_num]
        if b_num.shape[0]:
            B = np.array(b_num.evalf(30).tolist(), dtype=complex)
            vals.extend(complex(v) for v in np.linalg.eigvals(B))
        point = eq.numeric_point if eq.numeric_point is not None else ()
        numeric = NumericStability(tuple(point), tuple(vals), numeric_verdict(vals, eig_tol=eig_tol))
    if cont is not None and cont.eigenvalues:
        eigen_exact = list(cont.eigenvalues)  # functions of the free coordinates
    elif inner is not None:
        eigen_exact = [*transversal, *inner]
    elif subs is not None:
        eigen_exact = [*transversal, *(_as_number(v) for v in vals[len(transversal) :])]
    else:
        eigen_exact = list(transversal)
    return Stability(
        eq, tuple(eigen_exact), Verdict.NOT_ESS, (), False, None, "mixed rest point: never an ESS", numeric, cont
    )


def _as_number(v: complex) -> sympy.Expr:
    re = sympy.Float(float(f"{v.real:.12g}"))
    if abs(v.imag) <= 1e-12 * max(1.0, abs(v)):
        return re
    return re + sympy.Float(float(f"{v.imag:.12g}")) * sympy.I


def _continuum_midpoint(dynamics, eq: Equilibrium) -> tuple[sympy.Expr, ...]:
    """The point of a continuum with every free share at the centre of its range on the face."""
    free_syms = [dynamics.state[i] for i in eq.free]
    game = dynamics.game
    assign = {}
    i = 0
    for pop, supp in zip(game.populations, eq.support):
        coords = list(range(i, i + pop.k - 1))
        i += pop.k - 1
        n_used = len(supp)
        for c in coords:
            if dynamics.state[c] in free_syms:
                assign[dynamics.state[c]] = sympy.Rational(1, n_used)
    return tuple(sympy.cancel(c.xreplace(assign)) for c in eq.point)
