"""Rest points of the replicator dynamics: vertices, face points, interior points, continua.

A rest point lies in the relative interior of exactly one *face* of the state
space: for every population, the set of strategies it uses (its support). On that
face the rest-point conditions are that, in every population, all strategies of
the support earn the same expected payoff. Since a population's expected payoffs
depend only on the *other* populations' shares and are multilinear in them, the
conditions on a face are polynomial equations of low degree:

* every vertex (a pure profile) is a rest point;
* on a face where one population mixes, its payoff difference is a constant: the
  face is an edge of rest points (a *continuum*) when that constant vanishes,
  otherwise it holds no rest point;
* on faces where the equations are linear in the mixed shares (two binary
  populations mixing, for instance) they are solved symbolically in closed form,
  with the conditions ``0 < share < 1`` under which the point exists;
* with parameter values, every face is solved exactly over the rationals (decimal
  values are read as the fractions they name), so degenerate cases (continua at
  particular values, several interior points) are found exactly, not guessed.

Examples
--------
>>> from govgame.model.loader import load_model
>>> from govgame.analysis.dynamics import replicator
>>> game = load_model("battery_recycling")
>>> eqs = find_equilibria(replicator(game))
>>> [e.name for e in eqs if e.kind is Kind.PURE]
['E1', 'E2', 'E3', 'E4', 'E5', 'E6', 'E7', 'E8']
"""

from __future__ import annotations

import dataclasses
import enum
import itertools
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import sympy

from .._deprecation import renamed_options
from ..model.expr import format_expression as format_expr
from ..model.game import Game
from .budget import FACE_BUDGET, BudgetExceeded, time_budget
from .dynamics import Dynamics
from .factoring import factor_list
from .regions import Region
from .rootfinding import face_roots_numeric, real_roots

__all__ = [
    "Kind",
    "Equilibrium",
    "EquilibriumSearch",
    "Face",
    "find_equilibria",
    "search_equilibria",
    "vertices",
    "vertex_point",
    "faces",
    "face_label",
]


class Kind(str, enum.Enum):
    """Where a rest point lies (SPEC §3)."""

    PURE = "pure"
    BOUNDARY = "boundary"
    INTERIOR = "interior"
    CONTINUUM = "continuum"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Equilibrium:
    """A rest point (or a segment/face of rest points) of the replicator dynamics.

    Attributes
    ----------
    name : str
        ``E1``, ``E2``, ...: vertices first (sorted by their coordinates), then the
        other rest points by face dimension and face.
    kind : Kind
    point : tuple of sympy.Expr
        Coordinates in state order; a free coordinate of a continuum is its own state symbol.
    profile : tuple of str or None
        The strategy profile for a vertex, else None.
    exists_if : tuple of sympy relationals
        Conditions on the parameters for the point to lie inside its face (empty for
        vertices and for points found only at given parameter values).
    numeric_point : tuple of (float or None) or None
        The point at the given parameter values (None for a free coordinate); None without values.
    free : tuple of int
        Indices of the free coordinates (continua only).
    support : tuple of tuple of int
        For each population, the indices of the strategies in use on this rest point's face.
    general : bool
        True when ``point`` is a rest point for general parameter values (a closed form);
        False when it was found only at the given values.
    numeric_form : tuple of sympy.Expr or None
        A continuum at the given values: its coordinates as exact expressions in its free
        coordinates (a coordinate of a curved continuum depends on the free ones); None otherwise.
    domain : tuple of sympy.Expr
        A continuum at the given values: expressions in the free coordinates that are positive
        exactly on the continuum (the shares of its face).
    implicit : tuple of sympy.Expr
        A continuum that could not be parametrised: the equations (``= 0``) that define it on its
        face at the given values; its ``point`` keeps every face coordinate as a symbol.
    samples : tuple of tuple of float
        Points of an implicit continuum, found numerically inside its face.
    method : str
        How the point was found when not by exact algebra (e.g. the numeric fallback and its guarantee).
        In a game whose payoffs depend on the state every rest point says how it was found: one of
        :data:`govgame.analysis.state_dependent.METHODS` (``vertex``, ``closed form``, ``exact``,
        ``krawczyk``) or the numeric fallback's guarantee.
    notes : tuple of str
        Caveats about this entry (e.g. existence not proven).
    """

    name: str
    kind: Kind
    point: tuple[sympy.Expr, ...]
    profile: tuple[str, ...] | None = None
    exists_if: tuple[sympy.Basic, ...] = ()
    numeric_point: tuple[float | None, ...] | None = None
    free: tuple[int, ...] = ()
    support: tuple[tuple[int, ...], ...] = ()
    general: bool = True
    numeric_form: tuple[sympy.Expr, ...] | None = None
    domain: tuple[sympy.Expr, ...] = ()
    implicit: tuple[sympy.Expr, ...] = ()
    samples: tuple[tuple[float, ...], ...] = ()
    method: str = ""
    notes: tuple[str, ...] = ()

    @property
    def is_vertex(self) -> bool:
        """True for a pure profile."""
        return self.kind is Kind.PURE


@dataclass(frozen=True)
class Face:
    """A face of the state space: the strategies each population uses."""

    support: tuple[tuple[int, ...], ...]

    @property
    def dimension(self) -> int:
        """Number of free shares on the face."""
        return sum(len(s) - 1 for s in self.support)

    def contains(self, other: Face) -> bool:
        """Whether ``other`` is this face or one of its sub-faces."""
        return all(set(a) <= set(b) for a, b in zip(other.support, self.support))


def faces(shape: Sequence[int]) -> list[Face]:
    """Every face of the product of simplices with the given numbers of strategies.

    >>> len(faces((2, 2, 2)))  # 3**3: each binary population at 0, at 1, or mixed
    27
    >>> len(faces((2, 3)))  # 3 * 7
    21
    """
    per_pop = []
    for k in shape:
        subsets = [c for r in range(1, k + 1) for c in itertools.combinations(range(k), r)]
        per_pop.append(subsets)
    return [Face(tuple(s)) for s in itertools.product(*per_pop)]


def vertex_point(game: Game, profile_index: Sequence[int]) -> tuple[sympy.Integer, ...]:
    """Reduced coordinates of the vertex where population ``p`` plays strategy ``profile_index[p]``.

    >>> from govgame.model.loader import load_model
    >>> vertex_point(load_model("battery_recycling"), (0, 1, 1))
    (1, 0, 0)
    """
    out: list[sympy.Integer] = []
    for pop, s in zip(game.populations, profile_index):
        out.extend(sympy.Integer(1 if j == s else 0) for j in range(pop.k - 1))
    return tuple(out)


def vertices(game: Game, *, numeric: bool = False) -> tuple[Equilibrium, ...]:
    """The vertices of the state space, named ``E1, E2, ...``: the one naming rule of vertices.

    Vertices are named in increasing lexicographic order of their points (state order);
    :func:`find_equilibria` lists them first under these names, and every other part of
    govgame that names a vertex (outcomes of runs, the notebook explorer) calls this.

    Parameters
    ----------
    game : Game
    numeric : bool
        Also set each vertex's ``numeric_point`` (the same numbers as floats).

    Examples
    --------
    >>> from govgame.model import Game, Population
    >>> g = Game(name="g", populations=(Population("a", ("p", "q"), ("x",)), Population("b", ("s", "t"), ("y",))),
    ...          parameters=(), payoffs={pr: (0, 0) for pr in itertools.product("pq", "st")})
    >>> [(e.name, e.profile, e.point) for e in vertices(g)]
    [('E1', ('q', 't'), (0, 0)), ('E2', ('q', 's'), (0, 1)), ('E3', ('p', 't'), (1, 0)), ('E4', ('p', 's'), (1, 1))]
    """
    out = []
    for idx in itertools.product(*(range(p.k) for p in game.populations)):
        point = vertex_point(game, idx)
        profile = tuple(p.strategies[j] for p, j in zip(game.populations, idx))
        support = tuple((j,) for j in idx)
        num = tuple(float(c) for c in point) if numeric else None
        out.append(Equilibrium("", Kind.PURE, point, profile, (), num, (), support))
    out.sort(key=lambda e: tuple(int(c) for c in e.point))
    return tuple(_renamed(e, f"E{i + 1}") for i, e in enumerate(out))


@renamed_options(positional=("params",))
def find_equilibria(
    dynamics: Dynamics,
    *,
    params: Mapping[str, float] | None = None,
    symbolic: bool = True,
    region: Region | None = None,
    budget: float | None = FACE_BUDGET,
) -> tuple[Equilibrium, ...]:
    """Every rest point of the replicator dynamics.

    Parameters
    ----------
    dynamics : Dynamics
        From :func:`govgame.analysis.dynamics.replicator`.
    params : mapping, optional
        Parameter values. When every parameter has one, each face is also solved
        exactly at these values: the result lists the rest points that exist there
        (every vertex, and the other rest points inside the state space), each with
        its ``numeric_point``. Without complete values, the result is symbolic: the
        vertices and the closed-form rest points of the faces whose equations are
        linear, each with its existence conditions.
    symbolic : bool, default True
        Whether to solve the faces symbolically. ``symbolic=False`` with complete
        values is the fast numeric path used by sweeps.
    region : Region, optional
        Admissible parameter region used to decide existence conditions (built from
        the game, with ``params`` as reference values, when absent).
    budget : float or None, default FACE_BUDGET
        Seconds an exact solution of one face may take (a closed form without values, an exact
        rational solution with values); past it the face is left to numeric solving (with values)
        and a note says so. None: no limit.

    Returns
    -------
    tuple of Equilibrium
        (:func:`search_equilibria` also returns the notes.)

    Examples
    --------
    >>> from govgame.model.loader import load_model
    >>> from govgame.analysis.dynamics import replicator
    >>> game = load_model("battery_recycling")
    >>> eqs = find_equilibria(replicator(game), params=game.values())
    >>> eqs[0].profile, eqs[0].numeric_point
    (('lax', 'informal', 'sell_informal'), (0.0, 0.0, 0.0))
    """
    return search_equilibria(dynamics, params=params, symbolic=symbolic, region=region, budget=budget).equilibria


@dataclass(frozen=True)
class EquilibriumSearch:
    """The rest points of :func:`search_equilibria` and the notes a reader should see with them."""

    equilibria: tuple[Equilibrium, ...]
    notes: tuple[str, ...] = ()


def search_equilibria(
    dynamics: Dynamics,
    *,
    params: Mapping[str, float] | None = None,
    symbolic: bool = True,
    region: Region | None = None,
    budget: float | None = FACE_BUDGET,
) -> EquilibriumSearch:
    """:func:`find_equilibria` with its notes: faces left to numeric solving, continua not proven, ...

    :func:`govgame.analysis.pipeline.analyze` puts them in the analysis's ``notes`` (and the JSON).

    >>> from govgame.model.loader import load_model
    >>> from govgame.analysis.dynamics import replicator
    >>> res = search_equilibria(replicator(load_model("battery_recycling")))
    >>> len(res.equilibria) >= 8, any("numeric" in n for n in res.notes)
    (True, True)
    """
    game = dynamics.game
    values = dict(params or {})
    numeric = game.complete(values)
    if not numeric and not symbolic:
        raise ValueError("symbolic=False needs a value for every parameter")
    subs = game.subs_map({k: v for k, v in values.items() if k in game.parameter_names}) if numeric else {}
    region = region or Region(game, values)

    verts = list(vertices(game, numeric=numeric))
    found: list[tuple[Face, Equilibrium]] = []
    notes: list[str] = []
    for face in faces(game.shape):
        if face.dimension == 0:
            continue
        eqs, face_notes = _solve_face(dynamics, face, subs if numeric else None, symbolic, region, budget)
        found.extend((face, e) for e in eqs)
        notes.extend(face_notes)

    # a face made entirely of rest points contains every rest point of its sub-faces: list it once (an implicit
    # continuum keeps every face coordinate free but is a curve or surface on its face, not the whole face)
    whole = [f for f, e in found if e.kind is Kind.CONTINUUM and len(e.free) == f.dimension and not e.implicit]
    kept = [(f, e) for f, e in found if not any(w != f and w.contains(f) for w in whole)]
    kept.sort(key=lambda fe: (fe[0].dimension, _face_key(fe[0]), _point_key(fe[1])))
    out = verts + [e for _, e in kept]
    if game.state_dependent:
        out = [_with_method(e) for e in out]
    named = tuple(_renamed(e, f"E{i + 1}") for i, e in enumerate(out))
    for e in named:
        notes.extend(f"{e.name}: {n}" for n in e.notes)
    return EquilibriumSearch(named, tuple(dict.fromkeys(notes)))


def _renamed(e: Equilibrium, name: str) -> Equilibrium:
    return dataclasses.replace(e, name=name)


def _face_key(face: Face) -> tuple:
    return tuple((len(s), s) for s in face.support)


def _point_key(e: Equilibrium) -> tuple:
    if e.numeric_point is not None:
        return tuple(-1.0 if v is None else v for v in e.numeric_point)
    return tuple(str(c) for c in e.point)


# --------------------------------------------------------------------------- faces
@dataclass(frozen=True)
class _FaceSystem:
    unknowns: tuple[sympy.Symbol, ...]
    substitution: dict[sympy.Symbol, sympy.Expr]  # every state symbol -> expression in unknowns
    equations: tuple[sympy.Expr, ...]
    positivity: tuple[sympy.Expr, ...]  # shares that must be > 0 on the open face
    interior: bool


def face_system(dynamics: Dynamics, face: Face) -> _FaceSystem:
    """Unknowns, parametrisation and rest-point equations of the open face ``face``."""
    game = dynamics.game
    unknowns: list[sympy.Symbol] = []
    substitution: dict[sympy.Symbol, sympy.Expr] = {}
    positivity: list[sympy.Expr] = []
    for pop, supp in zip(game.populations, face.support):
        ys = pop.share_symbols
        free = [ys[j] for j in supp[:-1]]  # supp[:-1] never contains the last strategy
        unknowns.extend(free)
        rest = sympy.Integer(1) - sympy.Add(*free)
        for j, y in enumerate(ys):
            if j in supp[:-1]:
                substitution[y] = y
            elif j == supp[-1]:
                substitution[y] = rest
            else:
                substitution[y] = sympy.Integer(0)
        if len(supp) > 1:
            positivity.extend(free)
            positivity.append(rest)
    equations: list[sympy.Expr] = []
    for p, supp in enumerate(face.support):
        u = dynamics.expected[p]
        for i in supp[:-1]:
            equations.append(sympy.expand((u[i] - u[supp[-1]]).xreplace(substitution)))
    interior = all(len(s) == p.k for s, p in zip(face.support, game.populations))
    return _FaceSystem(tuple(unknowns), substitution, tuple(equations), tuple(positivity), interior)


def _is_linear(equations: Sequence[sympy.Expr], unknowns: Sequence[sympy.Symbol]) -> bool:
    for eq in equations:
        if eq == 0:
            continue
        degree = _term_degree(eq, unknowns)
        if degree is None:  # not an expanded polynomial in the unknowns: ask sympy
            degree = sympy.Poly(eq, *unknowns).total_degree()
        if degree > 1:
            return False
    return True


def _term_degree(eq: sympy.Expr, unknowns: Sequence[sympy.Symbol]) -> int | None:
    """Total degree of an expanded polynomial in ``unknowns`` read off its terms (None when not of that form).

    Equals ``sympy.Poly(eq, *unknowns).total_degree()`` wherever it is not None, without building the Poly.
    """
    wanted = set(unknowns)
    degree = 0
    for term in sympy.Add.make_args(eq):
        d = 0
        for f in sympy.Mul.make_args(term):
            base, e = f.as_base_exp()
            if base in wanted:
                if not (e.is_Integer and e > 0):
                    return None
                d += int(e)
            elif not f.free_symbols.isdisjoint(wanted):
                return None
        degree = max(degree, d)
    return degree


def face_label(game: Game, face: Face) -> str:
    """Words for a face: which populations mix and what the others play.

    >>> from govgame.model.loader import load_model
    >>> face_label(load_model("battery_recycling"), Face(((0, 1), (0, 1), (1,))))
    'the face where government, enterprise mix (consumer plays sell_informal)'
    """
    mixing = [p.name for p, s in zip(game.populations, face.support) if len(s) > 1]
    fixed = [f"{p.name} plays {p.strategies[s[0]]}" for p, s in zip(game.populations, face.support) if len(s) == 1]
    text = f"the face where {', '.join(mixing)} mix"
    return f"{text} ({', '.join(fixed)})" if fixed else text


@dataclass(frozen=True)
class _Implicit:
    """A branch of rest points that sympy could not parametrise: its defining equations."""

    equations: tuple[sympy.Expr, ...]


def _closed_forms(system: _FaceSystem) -> list[dict]:
    """Closed-form rest points of a nonlinear face for general parameter values (``sympy.solve``).

    Only isolated points are kept (every unknown solved, no unknown on the right-hand side).
    """
    eqs = [e for e in system.equations if e != 0]
    if not eqs:
        return []
    sols = sympy.solve(eqs, list(system.unknowns), dict=True)
    out = []
    for sol in sols:
        if set(sol) != set(system.unknowns):
            continue
        if any(v.free_symbols & set(system.unknowns) for v in sol.values()):
            continue
        out.append({u: v for u, v in sol.items()})
    return out


def _solve_face(
    dynamics: Dynamics, face: Face, subs: dict | None, symbolic: bool, region: Region, budget: float | None
) -> tuple[list[Equilibrium], list[str]]:
    game = dynamics.game
    system = face_system(dynamics, face)
    if game.state_dependent and not (_polynomial_face(system) and _rational_at(system, subs)):
        return _solve_state_face(dynamics, face, system, subs, symbolic, region)
    out: list[Equilibrium] = []
    notes: list[str] = []
    sym_solutions: list[dict] = []
    linear = _is_linear(system.equations, system.unknowns)
    if symbolic and linear:
        sym_solutions = _linsolve(system.equations, system.unknowns)
    elif symbolic and subs is None:
        # no values: a closed form of a nonlinear face, when sympy finds one within the budget
        try:
            with time_budget(budget):
                sym_solutions = _closed_forms(system)
        except BudgetExceeded:
            notes.append(
                f"{face_label(game, face)}: no closed form within {budget:g} s; its rest points are found only "
                "at given parameter values (numerically)"
            )
        except (NotImplementedError, ValueError, TypeError, ZeroDivisionError):
            notes.append(
                f"{face_label(game, face)}: sympy finds no closed form; its rest points are found only at given "
                "parameter values (numerically)"
            )
    if subs is None:
        for sol in sym_solutions:
            e = _make(dynamics, face, system, sol, None, region=region)
            if e is not None:
                out.append(e)
        return out, notes
    exact_eqs = [sympy.expand(eq.xreplace(subs)) for eq in system.equations]
    method = ""
    try:
        with time_budget(budget):
            num_solutions = _solve_exact(exact_eqs, system.unknowns)
    except BudgetExceeded:
        positivity = [p.xreplace(subs) for p in system.positivity]
        num_solutions, method = face_roots_numeric(exact_eqs, system.unknowns, positivity)
        notes.append(f"{face_label(game, face)}: exact solution exceeded {budget:g} s; solved numerically ({method})")
    for sol in num_solutions:
        if isinstance(sol, _Implicit):
            e = _make_implicit(dynamics, face, system, sol, subs)
            if e is None:
                positivity = [p.xreplace(subs) for p in system.positivity]
                misses = _interval_positive(positivity, list(system.unknowns), sol.equations) is False
                notes.append(
                    f"{face_label(game, face)}: a set of rest points defined by "
                    f"{', '.join(f'{format_expr(q)} = 0' for q in sol.equations)} could not be parametrised, and "
                    + (
                        "interval branch and bound proves that it has no point inside the face"
                        if misses
                        else "numeric projection found no point of it inside the face (not a proof that it misses "
                        "the face)"
                    )
                )
            else:
                out.append(e)
            continue
        # prefer the closed form when it names the same point
        match = None
        for ssol in sym_solutions:
            if _same_solution(ssol, sol, subs, system.unknowns):
                match = ssol
                break
        e = _make(dynamics, face, system, match if match is not None else sol, subs, exact=sol, region=region)
        if e is not None:
            if method:
                e = dataclasses.replace(e, method=method)
            out.append(e)
    return out, notes


def _linsolve(equations, unknowns) -> list[dict]:
    eqs = [e for e in equations if e != 0]
    if not eqs:
        return [{}]
    wanted = set(unknowns)
    if any(e.free_symbols.isdisjoint(wanted) for e in eqs):
        return []  # a nonzero equation without unknowns: no solution (what linsolve returns, EmptySet)
    diagonal = _diagonal_solution(eqs, unknowns)
    if diagonal is not None:
        return [diagonal]
    result = sympy.linsolve(eqs, list(unknowns))
    sols = []
    for tup in result:
        sol = {}
        for u, v in zip(unknowns, tup):
            if v != u:
                sol[u] = sympy.cancel(v)
        sols.append(sol)
    return sols


def _diagonal_solution(eqs, unknowns) -> dict | None:
    """The solution of ``a_i u_i + b_i = 0`` (each equation in its own unknown), as ``sympy.linsolve`` gives it
    after ``cancel``; None for any other system. Faces of binary populations give such systems: a
    population's payoff difference does not depend on its own share.
    """
    wanted = set(unknowns)
    sol: dict = {}
    for eq in eqs:
        present = eq.free_symbols & wanted
        if len(present) != 1:
            return None
        (u,) = present
        if u in sol:
            return None
        a, b = eq.coeff(u, 1), eq.coeff(u, 0)
        if a == 0 or a.has(u) or b.has(u) or sympy.expand(a * u + b - eq) != 0:
            return None
        sol[u] = _cancel_quotient(-b, a)
    return sol


def _cancel_quotient(p: sympy.Expr, q: sympy.Expr) -> sympy.Expr:
    """``sympy.cancel(p / q)``, without its normalisations of the expression when ``p`` and ``q`` are
    polynomials with integer coefficients.

    Then ``cancel`` returns the unique reduced form ``P / Q`` of the rational function: ``P`` and ``Q``
    coprime in ``ZZ[symbols]`` (contents included) and the leading coefficient of ``Q`` positive. Its
    ``signsimp``, ``factor_terms`` and ``as_numer_denom`` only rewrite the same rational function
    before it is reduced, so reducing the pair ``(p, q)`` directly gives the same ``P`` and ``Q``
    (the unused generators a common factor may bring in change neither the reduced pair nor which
    term leads). Anything else (rational or float coefficients, radicals, a non-polynomial part,
    no symbols) goes through ``sympy.cancel`` itself.

    >>> a, b = sympy.symbols("a b", positive=True)
    >>> _cancel_quotient(2 * a * b - 2 * a, -4 * a), sympy.cancel((2 * a * b - 2 * a) / (-4 * a))
    (1/2 - b/2, 1/2 - b/2)
    """
    from sympy.polys.polyerrors import PolynomialError
    from sympy.polys.rings import sring

    try:
        ring, (P, Q) = sring((p, q))
    except PolynomialError:
        ring = None
    if ring is None or not ring.ngens or ring.domain != sympy.ZZ or not all(g.is_Symbol for g in ring.symbols):
        return sympy.cancel(p / q)
    P, Q = P.cancel(Q)
    return P.as_expr() / Q.as_expr()


def _solve_exact(equations, unknowns) -> list:
    """Solve a polynomial system with rational coefficients exactly; unknowns absent from a solution are free."""
    eqs = [e for e in equations if e != 0]
    if not eqs:
        return [{}]
    if any(e.is_number for e in eqs):
        return []  # a nonzero constant equation: no solution
    if _is_linear(eqs, unknowns):
        return _linsolve(eqs, unknowns)
    basis = sympy.groebner(eqs, *unknowns, order="grevlex")
    if list(basis.exprs) == [1]:
        return []
    if basis.is_zero_dimensional:
        return _triangular_roots(list(basis.fglm("lex").exprs), list(unknowns))
    return _positive_dimensional(eqs, list(unknowns))


#: Most branches tried when splitting a degenerate (positive-dimensional) face system into factors.
MAX_BRANCHES = 256


def _positive_dimensional(eqs, unknowns) -> list:
    """Solutions of a face system with a curve or surface of rest points (degenerate payoffs).

    Each equation is split into its irreducible factors and every choice of one vanishing
    factor per equation is solved; linear branches are parametrised exactly, others by
    ``sympy.solve``. A branch that cannot be parametrised is returned as an :class:`_Implicit`
    (its equations), never dropped. Points lying on a continuum of the same face are dropped.
    """
    factor_lists = [[f for f, _ in factor_list(e)[1]] for e in eqs]
    branches = list(itertools.islice(itertools.product(*factor_lists), MAX_BRANCHES + 1))
    if len(branches) > MAX_BRANCHES:
        warnings.warn(
            f"face system with unknowns {unknowns} has too many branches; some rest points may be missing", stacklevel=2
        )
        branches = branches[:MAX_BRANCHES]
    found: list[dict] = []
    implicit: list[_Implicit] = []
    for branch in branches:
        system = list(dict.fromkeys(branch))
        if _is_linear(system, unknowns):
            sols = _linsolve(system, unknowns)
        else:
            basis = sympy.groebner(system, *unknowns, order="grevlex")
            if list(basis.exprs) == [1]:
                continue
            if basis.is_zero_dimensional:
                sols = _triangular_roots(list(basis.fglm("lex").exprs), unknowns)
            else:
                try:
                    sols = [{k: v for k, v in s.items() if v != k} for s in sympy.solve(system, unknowns, dict=True)]
                except (NotImplementedError, ValueError, TypeError, ZeroDivisionError):
                    sols = None
                if not sols:
                    imp = _Implicit(tuple(basis.exprs))
                    if imp not in implicit:
                        implicit.append(imp)
                    continue
        for sol in sols:
            if sol not in found:
                found.append(sol)
    continua = [s for s in found if len(s) < len(unknowns) or any(v.free_symbols for v in s.values())]
    points = [s for s in found if s not in continua]
    return continua + implicit + [p for p in points if not any(_on(p, c, unknowns) for c in continua)]


def _on(point: dict, continuum: dict, unknowns) -> bool:
    """Whether a point solution lies on a parametrised continuum solution."""
    free = {u: point[u] for u in unknowns if u not in continuum}
    for u, v in continuum.items():
        d = v.xreplace(free) - point[u]
        if d.free_symbols or abs(complex(sympy.N(d))) > 1e-12:
            return False
    return True


#: Working precision (decimal digits) of the roots of nonlinear face systems.
ROOT_DIGITS = 40


def _triangular_roots(basis: list[sympy.Expr], unknowns: list[sympy.Symbol]) -> list[dict]:
    """Real solutions of a zero-dimensional system from its lex Groebner basis, to ROOT_DIGITS digits.

    The basis is triangular: solve for the last unknown, substitute, and go up. Complex
    branches are dropped; real parts are kept when the imaginary part is below 1e-25.
    """
    solutions: list[dict] = [{}]
    for j in range(len(unknowns) - 1, -1, -1):
        var = unknowns[j]
        later = set(unknowns[j + 1 :])
        level = [g for g in basis if var in g.free_symbols and g.free_symbols <= later | {var}]
        new_solutions = []
        for sol in solutions:
            polys = []
            for g in level:
                q = sympy.Poly(g.xreplace(sol), var)
                if any(abs(complex(c)) > 1e-25 for c in q.all_coeffs()):
                    polys.append(q)
            if not polys:
                continue
            polys.sort(key=lambda q: q.degree())
            roots = _real_roots(polys[0])
            for r in roots:
                if all(_vanishes(q, r) for q in polys[1:]):
                    new_solutions.append({**sol, var: r})
        solutions = new_solutions
    return [{u: sympy.Float(v, 15) for u, v in sol.items()} for sol in solutions]


def _real_roots(q: sympy.Poly) -> list[sympy.Float]:
    """The distinct real roots of ``q`` to ROOT_DIGITS digits (a multiple root once: it is one rest point)."""
    if q.degree() <= 0:
        return []
    return [sympy.Float(r.evalf(ROOT_DIGITS), ROOT_DIGITS) for r in dict.fromkeys(real_roots(q))]


def _vanishes(q: sympy.Poly, r) -> bool:
    scale = max(abs(complex(c)) for c in q.all_coeffs())
    return abs(complex(q.eval(r))) <= 1e-20 * max(scale, 1.0)


def _same_solution(sym: dict, num: dict, subs: dict, unknowns) -> bool:
    if set(sym) != set(num):
        return False
    for u in sym:
        try:
            a = sym[u].xreplace(subs)
        except (ZeroDivisionError, TypeError):
            return False
        if a.has(sympy.zoo, sympy.nan):
            return False
        d = sympy.expand(a - num[u])
        if d != 0 and sympy.simplify(d) != 0:
            return False
    return True


def _make(
    dynamics,
    face: Face,
    system: _FaceSystem,
    sol: dict,
    subs: dict | None,
    exact: dict | None = None,
    *,
    region: Region,
):
    """Build an Equilibrium from a face solution; None when it lies outside the open face."""
    game = dynamics.game
    free_syms = [u for u in system.unknowns if u not in sol]
    full = {u: sol.get(u, u) for u in system.unknowns}
    # solutions come from linsolve (already cancelled) or are numbers: no further simplification needed
    point = tuple(system.substitution[s].xreplace(full) for s in game.state_symbols)

    if free_syms:
        kind = Kind.CONTINUUM
    elif system.interior:
        kind = Kind.INTERIOR
    else:
        kind = Kind.BOUNDARY
    free_idx = tuple(i for i, s in enumerate(game.state_symbols) if s in free_syms)

    # existence: symbolic conditions in the parameters (for points with no free unknowns)
    conditions: list[sympy.Basic] = []
    simplified: list[sympy.Expr] = []
    if not free_syms and (subs is None or sol is not exact):
        for rel in _existence_conditions(game, face, point):
            g = region.simplify_condition(rel.rhs - rel.lhs)
            if g.is_number:
                if g > 0:
                    continue
                return None
            if region.always(g):
                continue
            conditions.append(rel)
            simplified.append(g)
    notes: list[str] = []
    if not free_syms and (subs is None or sol is not exact) and simplified:
        feas = region.feasible(strict=simplified, witness=False)
        if not feas.feasible:
            if feas.proven:
                return None  # can never lie inside its face
            notes.append(f"no admissible parameter values put it inside its face were found ({feas.method})")
    numeric_form = None
    domain: tuple[sympy.Expr, ...] = ()
    if subs is None:
        numeric_point = None
    else:
        ex = exact if exact is not None else sol
        ex_full = {u: ex.get(u, u) for u in system.unknowns}
        if free_syms:
            domain = tuple(sympy.cancel(p.xreplace(ex_full).xreplace(subs)) for p in system.positivity)
            exists, how = continuum_domain(domain, free_syms)
            if exists is False:
                return None
            if exists is None:
                notes.append(f"whether this continuum enters its open face is not proven ({how})")
            free_set = set(free_syms)
            numeric_form = tuple(system.substitution[s].xreplace(ex_full).xreplace(subs) for s in game.state_symbols)
            numeric_point = tuple(
                None if expr.free_symbols & free_set else float(sympy.N(expr)) for expr in numeric_form
            )
        else:
            vals = []
            for p in system.positivity:
                v = p.xreplace(ex_full)
                if not _positive(v):
                    return None
            for s in game.state_symbols:
                v = system.substitution[s].xreplace(ex_full)
                vals.append(_real_float(v))
                if vals[-1] is None:
                    return None
            numeric_point = tuple(vals)
    general = subs is None or sol is not exact
    return Equilibrium(
        "",
        kind,
        point,
        None,
        tuple(conditions),
        numeric_point,
        free_idx,
        face.support,
        general,
        numeric_form=numeric_form,
        domain=domain,
        notes=tuple(notes),
    )


def _make_implicit(dynamics, face: Face, system: _FaceSystem, imp: _Implicit, subs: dict) -> Equilibrium | None:
    """An unparametrised continuum: its equations, and points of it found numerically inside the face."""
    from .rootfinding import sample_implicit

    game = dynamics.game
    positivity = [p.xreplace(subs) for p in system.positivity]
    samples = sample_implicit(imp.equations, system.unknowns, positivity)
    if not samples:
        return None
    index = {u: i for i, u in enumerate(system.unknowns)}
    point = tuple(system.substitution[s] for s in game.state_symbols)
    full_samples = tuple(
        tuple(float(sympy.N(c.xreplace({u: smp[index[u]] for u in system.unknowns}))) for c in point) for smp in samples
    )
    free_idx = tuple(i for i, s in enumerate(game.state_symbols) if s in system.unknowns)
    numeric_point = tuple(None if i in free_idx else float(point[i]) for i in range(len(point)))
    equations = ", ".join(f"{format_expr(q)} = 0" for q in imp.equations)
    note = (
        f"a set of rest points given implicitly by {equations} (sympy found no parametrisation); "
        f"listed with {len(samples)} points found on it numerically"
    )
    return Equilibrium(
        "",
        Kind.CONTINUUM,
        point,
        None,
        (),
        numeric_point,
        free_idx,
        face.support,
        False,
        domain=tuple(positivity),
        implicit=imp.equations,
        samples=full_samples,
        method="implicit: equations, with points found by numeric projection onto them",
        notes=(note,),
    )


def _existence_conditions(game, face: Face, point) -> list[sympy.Basic]:
    """``0 < share`` for each used strategy of a mixing population, and ``sum < 1`` for its last one."""
    out = []
    i = 0
    for pop, supp in zip(game.populations, face.support):
        coords = point[i : i + pop.k - 1]
        i += pop.k - 1
        if len(supp) < 2:
            continue
        used = [coords[j] for j in supp[:-1]]
        out.extend(sympy.StrictLessThan(0, v, evaluate=False) for v in used)
        out.append(sympy.StrictLessThan(sympy.Add(*used), 1, evaluate=False))
    return out


#: A share computed in floating point (nonlinear faces) must exceed this to count as positive.
FLOAT_POSITIVE = 1e-12


def _positive(v: sympy.Expr) -> bool:
    if v.has(sympy.Float):
        c = complex(sympy.N(v, 30))
        return abs(c.imag) < 1e-20 and c.real > FLOAT_POSITIVE
    if v.is_real is False:
        return False
    if v.is_positive is not None:
        return bool(v.is_positive)
    c = complex(sympy.N(v, 30))
    return abs(c.imag) < 1e-25 and c.real > 0


def _real_float(v: sympy.Expr) -> float | None:
    c = complex(sympy.N(v, 30))
    if abs(c.imag) > 1e-20 * max(1.0, abs(c.real)):
        return None
    return float(c.real)


def continuum_domain(exprs: Sequence[sympy.Expr], free_syms: Sequence[sympy.Symbol]) -> tuple[bool | None, str]:
    """Whether some values of the free coordinates make every expression positive, and how that was decided.

    Returns ``(True | False | None, method)``: None when undecided. Expressions are grouped by the
    free coordinates they share; each group is decided on its own:

    * one coordinate: exactly, by the real roots of the numerators and denominators (the sign of every
      expression is constant between consecutive roots, so one rational point per interval decides);
    * several coordinates, all expressions affine in them: by linear programming, the witness checked exactly;
    * otherwise by random points checked exactly (a point found proves existence); when none is found, by
      interval branch and bound (a verified point, or every sub-box excluded), else undecided.

    >>> z = sympy.Symbol("z")
    >>> continuum_domain([z, 1 - z, sympy.Rational(97, 100) / z, 1 - sympy.Rational(97, 100) / z], [z])
    (True, 'exact (real roots)')
    >>> continuum_domain([z, 1 - z, z - 2], [z])
    (False, 'exact (real roots)')
    """
    exprs = [sympy.cancel(sympy.together(e)) for e in exprs]
    for e in exprs:
        if e.is_number:
            if not _positive(e):
                return False, "exact"
    exprs = [e for e in exprs if not e.is_number]
    groups: list[tuple[set, list]] = []
    for e in exprs:
        syms = e.free_symbols & set(free_syms)
        merged = [g for g in groups if g[0] & syms]
        for g in merged:
            groups.remove(g)
        groups.append((set().union(syms, *(g[0] for g in merged)), [e] + [x for g in merged for x in g[1]]))
    methods = []
    undecided = False
    for syms, group in groups:
        if len(syms) == 1:
            ok = _univariate_positive(group, next(iter(syms)))
            methods.append("exact (real roots)")
        elif all(_affine_in(e, syms) for e in group):
            ok = _affine_positive(group, sorted(syms, key=str))
            methods.append("linear programming")
        else:
            ok = _sampled_positive(group, sorted(syms, key=str))
            methods.append("sampling")
            if not ok:
                proof = _interval_positive(group, sorted(syms, key=str))
                if proof is None:
                    undecided = True
                    continue
                ok = proof
                methods[-1] = "interval branch and bound"
        if not ok:
            return False, methods[-1]
    if undecided:
        return None, "random points found none; not a proof"
    return True, ", ".join(dict.fromkeys(methods)) or "exact"


def _univariate_positive(exprs, t) -> bool:
    """Exact: is there a real ``t`` with every (rational) expression positive?"""
    crit = []
    for e in exprs:
        num, den = sympy.fraction(sympy.together(e))
        for q in (num, den):
            if q.is_number:
                continue
            poly = sympy.Poly(sympy.expand(q), t)
            crit.extend(float(r.evalf(30)) for r in real_roots(poly))
    crit = sorted(set(crit))
    cands = [crit[0] - 1, crit[-1] + 1] if crit else [0.5]
    cands += [(a + b) / 2 for a, b in zip(crit, crit[1:]) if b > a]
    for c in cands:
        r = sympy.Rational(repr(float(c)))
        if all(_positive(e.xreplace({t: r})) for e in exprs):
            return True
    return False


def _affine_in(e, syms) -> bool:
    try:
        return sympy.Poly(sympy.expand(e), *sorted(syms, key=str)).total_degree() <= 1
    except sympy.PolynomialError:
        return False


def _affine_positive(exprs, syms) -> bool:
    """Linear programming: maximise t with every expression >= t; positive t (checked exactly) decides."""
    from .lp import LPStatus, linprog

    rows, rhs = [], []
    for e in exprs:
        poly = sympy.Poly(sympy.expand(e), *syms)
        coef = [float(poly.coeff_monomial(s)) for s in syms]
        const = float(poly.coeff_monomial(1))
        rows.append([-c for c in coef] + [1.0])  # -coef.z + t <= const
        rhs.append(const)
    c = [0.0] * len(syms) + [-1.0]
    res = linprog(c, A_ub=rows, b_ub=rhs, bounds=[(-10.0, 10.0)] * len(syms) + [(None, 1.0)])
    if res.status is not LPStatus.OPTIMAL or -res.fun <= 1e-12:
        return False
    # the optimum is exact, so it satisfies every expression >= t > 0 exactly: checked all the same
    assign = {s: sympy.Rational(v.numerator, v.denominator) for s, v in zip(syms, res.x[:-1])}
    return all(_positive(e.xreplace(assign)) for e in exprs) or -res.fun > 1e-9


#: Boxes that interval branch and bound may examine to decide a nonlinear question about one face.
FACE_BOXES = 4096


def _interval_positive(exprs, syms, equations=()) -> bool | None:
    """Interval branch and bound over the unit box of the shares ``syms``: can every expression be positive
    (and every equation hold) at one point? True (a verified point), False (every sub-box excluded), or None
    (undecided within :data:`FACE_BOXES` boxes, or symbols other than ``syms`` present).
    """
    from .interval import Decision, decide_positive

    eqs = [sympy.expand(e) for e in equations]
    if any(not (sympy.sympify(e).free_symbols <= set(syms)) for e in (*exprs, *eqs)):
        return None
    check = decide_positive(
        list(exprs), list(syms), [(0.0, 1.0)] * len(syms), nonstrict=[*eqs, *(-e for e in eqs)], max_boxes=FACE_BOXES
    )
    if check.decision is Decision.UNDECIDED:
        return None
    return check.decision is Decision.FEASIBLE


def _sampled_positive(exprs, syms, n: int = 4000) -> bool:
    import numpy as np

    from .regions import evaluate_tree

    rng = np.random.default_rng(20261201)
    pts = rng.uniform(0.0, 1.0, size=(n, len(syms)))
    env = {s: pts[:, i] for i, s in enumerate(syms)}
    ok = np.ones(n, dtype=bool)
    memo: dict = {}
    for e in exprs:
        ok &= np.nan_to_num(evaluate_tree(e, env, n, memo), nan=-1.0) > 0
    for row in pts[ok][:5]:
        assign = {s: sympy.Rational(repr(float(v))) for s, v in zip(syms, row)}
        if all(_positive(e.xreplace(assign)) for e in exprs):
            return True
    return False


# --------------------------------------------------------------------------- state-dependent payoffs
def _polynomial_face(system: _FaceSystem) -> bool:
    from .state_dependent import face_is_polynomial

    return face_is_polynomial(system.equations, system.unknowns)


def _rational_at(system: _FaceSystem, subs: dict | None) -> bool:
    """Whether the face equations have rational coefficients at the values (exact solving stays fast).

    A power of a number with a fractional exponent (a probability weight at a pinned share, ``0.4**0.69``) would
    make sympy compute in an algebraic number field of high degree; such faces go to the interval method.
    """
    if subs is None:
        return True
    for eq in system.equations:
        e = eq.xreplace(subs)
        if e.has(sympy.exp, sympy.log, sympy.Float) or any(isinstance(a, sympy.NumberSymbol) for a in e.atoms()):
            return False
        if any(p.base.is_number and not p.exp.is_Integer for p in e.atoms(sympy.Pow)):
            return False
    return True


def _with_method(e: Equilibrium) -> Equilibrium:
    """How a rest point of a state-dependent game was found (see govgame.analysis.state_dependent.METHODS)."""
    if e.method:
        return e
    method = "vertex" if e.kind is Kind.PURE else ("closed form" if e.general else "exact")
    return dataclasses.replace(e, method=method)


def _solve_state_face(
    dynamics, face: Face, system: _FaceSystem, subs, symbolic: bool, region: Region
) -> tuple[list[Equilibrium], list[str]]:
    """Rest points of a face whose equations are not polynomial with rational coefficients at the values
    (state-dependent payoffs): interval subdivision with the Krawczyk test; a closed form where one exists.

    Returns the rest points and the notes a reader must see (a face solved only at given values, boxes the
    interval method could neither exclude nor certify).
    """
    from .state_dependent import describe_box, solve_face

    game = dynamics.game
    where = face_label(game, face)
    notes: list[str] = []
    closed: list[dict] = []
    if symbolic and _polynomial_face(system) and _is_linear(system.equations, system.unknowns):
        closed = _linsolve(system.equations, system.unknowns)
    if subs is None:
        if closed:
            return [e for e in (_make(dynamics, face, system, sol, None, region=region) for sol in closed) if e], notes
        notes.append(
            f"{where}: the rest-point equations are not polynomial in the shares, so its rest points are found "
            "only at given parameter values"
        )
        return [], notes
    eqs = [sympy.expand_mul(e.xreplace(subs)) for e in system.equations]
    positivity = [p.xreplace(subs) for p in system.positivity]
    sol = solve_face(eqs, system.unknowns, positivity)
    if sol.degenerate:
        notes.append(
            f"{where}: some rest-point equations vanish identically (a curve of rest points?); its rest points are "
            "not listed"
        )
    for box in sol.unresolved:
        notes.append(
            f"{where}: a rest point may lie in {describe_box(system.unknowns, box)} (the interval method could "
            "neither exclude nor certify one there: a multiple root, or one on the face's boundary)"
        )
    out = []
    for point, box in zip(sol.points, sol.enclosures):
        match = next((c for c in closed if _closed_form_in(c, box, system.unknowns, subs)), None)
        e = _make(dynamics, face, system, match if match is not None else point, subs, exact=point, region=region)
        if e is not None:
            method = "closed form" if match is not None else ("krawczyk" if point else "exact")
            out.append(dataclasses.replace(e, method=method))
    return out, notes


def _closed_form_in(sol: dict, box, unknowns, subs) -> bool:
    """Whether a closed-form solution, at the values, lies in a certified enclosure (then it is that root)."""
    if set(sol) != set(unknowns) or not box:
        return False
    for u, (lo, hi) in zip(unknowns, box):
        try:
            v = complex(sympy.N(sol[u].xreplace(subs), 30))
        except (TypeError, ValueError, ZeroDivisionError):
            return False
        pad = 1e-12 * max(1.0, abs(v))
        if abs(v.imag) > pad or not lo - pad <= v.real <= hi + pad:
            return False
    return True
