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
from ..model.game import Game
from .dynamics import Dynamics
from .regions import Region

__all__ = ["Kind", "Equilibrium", "Face", "find_equilibria", "vertices", "vertex_point", "faces"]


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
    method : str
        How the rest point was found, in games whose payoffs depend on the state (one of
        :data:`govgame.analysis.state_dependent.METHODS`: ``vertex``, ``closed form``, ``exact``, ``krawczyk``);
        empty for other games.
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
    method: str = ""

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
    report: list[str] | None = None,
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
    report : list of str, optional
        When given, remarks a reader must know are appended to it (faces whose rest
        points could only be found at given values, boxes that may hold rest points the
        interval method could not certify).

    Returns
    -------
    tuple of Equilibrium

    Examples
    --------
    >>> from govgame.model.loader import load_model
    >>> from govgame.analysis.dynamics import replicator
    >>> game = load_model("battery_recycling")
    >>> eqs = find_equilibria(replicator(game), params=game.values())
    >>> eqs[0].profile, eqs[0].numeric_point
    (('lax', 'informal', 'sell_informal'), (0.0, 0.0, 0.0))
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
    for face in faces(game.shape):
        if face.dimension == 0:
            continue
        found.extend(
            (face, e) for e in _solve_face(dynamics, face, subs if numeric else None, symbolic, region, report)
        )

    # a face made entirely of rest points contains every rest point of its sub-faces: list it once
    whole = [f for f, e in found if e.kind is Kind.CONTINUUM and len(e.free) == f.dimension]
    kept = [(f, e) for f, e in found if not any(w != f and w.contains(f) for w in whole)]
    kept.sort(key=lambda fe: (fe[0].dimension, _face_key(fe[0]), _point_key(fe[1])))
    out = verts + [e for _, e in kept]
    if game.state_dependent:
        out = [_with_method(e) for e in out]
    return tuple(_renamed(e, f"E{i + 1}") for i, e in enumerate(out))


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
        poly = sympy.Poly(eq, *unknowns)
        if poly.total_degree() > 1:
            return False
    return True


def _solve_face(
    dynamics: Dynamics, face: Face, subs: dict | None, symbolic: bool, region: Region, report: list | None = None
) -> list[Equilibrium]:
    system = face_system(dynamics, face)
    if dynamics.game.state_dependent and not (_polynomial_face(system) and _rational_at(system, subs)):
        return _solve_state_face(dynamics, face, system, subs, symbolic, region, report)
    out: list[Equilibrium] = []
    sym_solutions: list[dict] = []
    if symbolic and _is_linear(system.equations, system.unknowns):
        sym_solutions = _linsolve(system.equations, system.unknowns)
    if subs is None:
        for sol in sym_solutions:
            e = _make(dynamics, face, system, sol, None, region=region)
            if e is not None:
                out.append(e)
        return out
    exact_eqs = [sympy.expand(eq.xreplace(subs)) for eq in system.equations]
    num_solutions = _solve_exact(exact_eqs, system.unknowns)
    for sol in num_solutions:
        # prefer the closed form when it names the same point
        match = None
        for ssol in sym_solutions:
            if _same_solution(ssol, sol, subs, system.unknowns):
                match = ssol
                break
        e = _make(dynamics, face, system, match if match is not None else sol, subs, exact=sol, region=region)
        if e is not None:
            out.append(e)
    return out


def _linsolve(equations, unknowns) -> list[dict]:
    eqs = [e for e in equations if e != 0]
    if not eqs:
        return [{}]
    result = sympy.linsolve(eqs, list(unknowns))
    sols = []
    for tup in result:
        sol = {}
        for u, v in zip(unknowns, tup):
            if v != u:
                sol[u] = sympy.cancel(v)
        sols.append(sol)
    return sols


def _solve_exact(equations, unknowns) -> list[dict]:
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


def _positive_dimensional(eqs, unknowns) -> list[dict]:
    """Solutions of a face system with a curve or surface of rest points (degenerate payoffs).

    Each equation is split into its irreducible factors and every choice of one vanishing
    factor per equation is solved; linear branches are parametrised exactly. Points lying on
    a continuum of the same face are dropped.
    """
    factor_lists = [[f for f, _ in sympy.factor_list(e)[1]] for e in eqs]
    branches = list(itertools.islice(itertools.product(*factor_lists), MAX_BRANCHES + 1))
    if len(branches) > MAX_BRANCHES:
        warnings.warn(
            f"face system with unknowns {unknowns} has too many branches; some rest points may be missing", stacklevel=2
        )
        branches = branches[:MAX_BRANCHES]
    found: list[dict] = []
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
            elif len(unknowns) <= 3:
                sols = [{k: v for k, v in s.items() if v != k} for s in sympy.solve(system, unknowns, dict=True)]
            else:
                warnings.warn(
                    f"a curve of rest points in unknowns {unknowns} could not be parametrised; it is not listed",
                    stacklevel=2,
                )
                continue
        for sol in sols:
            if sol not in found:
                found.append(sol)
    continua = [s for s in found if len(s) < len(unknowns) or any(v.free_symbols for v in s.values())]
    points = [s for s in found if s not in continua]
    return continua + [p for p in points if not any(_on(p, c, unknowns) for c in continua)]


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
    if q.degree() <= 0:
        return []
    if all(c.is_Rational for c in q.all_coeffs()):
        return [sympy.Float(r.evalf(ROOT_DIGITS), ROOT_DIGITS) for r in q.real_roots()]
    out = []
    for r in q.nroots(n=ROOT_DIGITS, maxsteps=200):
        c = complex(r)
        if abs(c.imag) < 1e-25 * max(1.0, abs(c)):
            out.append(sympy.Float(sympy.re(r), ROOT_DIGITS))
    return out


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
    positivity = [p.xreplace(full) for p in system.positivity]

    if free_syms:
        kind = Kind.CONTINUUM
    elif system.interior:
        kind = Kind.INTERIOR
    else:
        kind = Kind.BOUNDARY
    free_idx = tuple(i for i, s in enumerate(game.state_symbols) if s in free_syms)

    # existence: symbolic conditions in the parameters (for points with no free unknowns)
    conditions: list[sympy.Basic] = []
    if not free_syms and (subs is None or sol is not exact):
        simplified = []
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
        if simplified and not region.feasible(strict=simplified, witness=False).feasible:
            return None  # can never lie inside its face
    if subs is None:
        numeric_point = None
    else:
        ex = exact if exact is not None else sol
        ex_full = {u: ex.get(u, u) for u in system.unknowns}
        if free_syms:
            if not _continuum_exists(positivity, ex_full, subs, free_syms):
                return None
            free_set = set(free_syms)
            numeric_point = tuple(
                None if expr.free_symbols & free_set else float(sympy.N(expr))
                for expr in (system.substitution[s].xreplace(ex_full) for s in game.state_symbols)
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
    return Equilibrium("", kind, point, None, tuple(conditions), numeric_point, free_idx, face.support, general)


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


def _continuum_exists(positivity, full, subs, free_syms) -> bool:
    """Whether some values of the free shares put the continuum inside its open face."""
    exprs = [p.xreplace(full).xreplace(subs) for p in positivity]
    grid = [sympy.Rational(i, 17) for i in range(1, 17)]
    for values in itertools.product(grid, repeat=len(free_syms)):
        assign = dict(zip(free_syms, values))
        ok = True
        for e in exprs:
            v = e.xreplace(assign)
            if v.has(sympy.zoo, sympy.nan) or not _positive(v):
                ok = False
                break
        if ok:
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


def face_text(game: Game, face: Face) -> str:
    """The face in words: what each population plays (``government mixes, enterprise plays formal``)."""
    parts = []
    for pop, supp in zip(game.populations, face.support):
        if len(supp) == 1:
            parts.append(f"{pop.name} plays {pop.strategies[supp[0]]}")
        elif len(supp) == pop.k:
            parts.append(f"{pop.name} mixes")
        else:
            parts.append(f"{pop.name} mixes {'/'.join(pop.strategies[j] for j in supp)}")
    return ", ".join(parts)


def _solve_state_face(
    dynamics, face: Face, system: _FaceSystem, subs, symbolic: bool, region: Region, report
) -> list[Equilibrium]:
    """Rest points of a face whose equations are not polynomial with rational coefficients at the values
    (state-dependent payoffs): interval subdivision with the Krawczyk test; a closed form where one exists.
    """
    from .state_dependent import describe_box, solve_face

    game = dynamics.game
    where = face_text(game, face)
    closed: list[dict] = []
    if symbolic and _polynomial_face(system) and _is_linear(system.equations, system.unknowns):
        closed = _linsolve(system.equations, system.unknowns)
    if subs is None:
        if closed:
            return [e for e in (_make(dynamics, face, system, sol, None, region=region) for sol in closed) if e]
        if report is not None:
            report.append(
                f"face ({where}): the rest-point equations are not polynomial in the shares, so its rest points "
                "are found only at given parameter values"
            )
        return []
    eqs = [sympy.expand_mul(e.xreplace(subs)) for e in system.equations]
    positivity = [p.xreplace(subs) for p in system.positivity]
    sol = solve_face(eqs, system.unknowns, positivity)
    if report is not None:
        if sol.degenerate:
            report.append(
                f"face ({where}): some rest-point equations vanish identically (a curve of rest points?); its rest "
                "points are not listed"
            )
        for box in sol.unresolved:
            report.append(
                f"face ({where}): a rest point may lie in {describe_box(system.unknowns, box)} (the interval method "
                "could neither exclude nor certify one there: a multiple root, or one on the face's boundary)"
            )
    out = []
    for point, box in zip(sol.points, sol.enclosures):
        match = next((c for c in closed if _closed_form_in(c, box, system.unknowns, subs)), None)
        e = _make(dynamics, face, system, match if match is not None else point, subs, exact=point, region=region)
        if e is not None:
            method = "closed form" if match is not None else ("krawczyk" if point else "exact")
            out.append(dataclasses.replace(e, method=method))
    return out


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
