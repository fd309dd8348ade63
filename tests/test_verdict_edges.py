"""Edge cases that mutations of the core used to survive: each asserts a mathematical fact, with its own oracle."""

import itertools
import warnings

import numpy as np
import sympy
from hypothesis import given, settings
from strategies import fd_jacobian, integer_tensors, numeric_game, replicator_rhs

from govgame.analysis.dynamics import replicator
from govgame.analysis.equilibria import Kind, find_equilibria
from govgame.analysis.pipeline import analyze
from govgame.analysis.stability import stability
from govgame.analysis.verdicts import Verdict, numeric_verdict
from govgame.model import Game, Parameter, Population


@settings(max_examples=15, deadline=None)
@given(integer_tensors())
def test_exact_eigenvalues_of_face_points_are_those_of_a_finite_difference_jacobian(tensors):
    """The exact eigenvalues (e.g. +-sqrt(J01 J10) on a face) equal, as a multiset, those of an independent Jacobian."""
    game = numeric_game(tensors)
    f = replicator_rhs(tensors)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = analyze(game)
    for s in a.equilibria:
        if s.equilibrium.kind in (Kind.PURE, Kind.CONTINUUM):
            continue
        x = np.array(s.equilibrium.numeric_point, dtype=float)
        ev = np.linalg.eigvals(fd_jacobian(f, x, h=1e-7))
        ours = np.array([complex(sympy.N(e, 20)) for e in s.eigenvalues])
        assert len(ours) == len(ev)
        for v in ev:
            assert np.min(np.abs(ours - v)) < 1e-5, (s.name, ours, ev)
        for v in ours:
            assert np.min(np.abs(ev - v)) < 1e-5, (s.name, ours, ev)


def test_a_zero_and_a_positive_eigenvalue_make_a_saddle():
    """SPEC: saddle = some real part > tol, not all; [1, 0] is a saddle (unstable), not non-hyperbolic."""
    assert numeric_verdict([1.0, 0.0]) is Verdict.SADDLE
    assert numeric_verdict([0.0, 1.0, -1.0]) is Verdict.SADDLE
    assert numeric_verdict([0.0, -1.0]) is Verdict.NON_HYPERBOLIC


def _two_by_two(pay, params=()):
    pops = (Population("a", ("s", "t"), ("x",)), Population("b", ("u", "v"), ("y",)))
    table = {pr: tuple(sympy.sympify(v) for v in pay[pr]) for pr in itertools.product(("s", "t"), ("u", "v"))}
    return Game("g", pops, tuple(params), table)


def test_symbolic_saddle_when_one_eigenvalue_is_always_positive_and_another_always_negative():
    """At (s, u, w): a gains C + 1 > 0 by switching, b loses D + 1, c's E - F has either sign: always a saddle."""
    params = tuple(Parameter(n) for n in "CDEF")
    C, D, E, F = (q.symbol for q in params)
    pops = (
        Population("a", ("s", "t"), ("x",)),
        Population("b", ("u", "v"), ("y",)),
        Population("c", ("w", "z"), ("q",)),
    )
    table = {}
    for pr in itertools.product(*(p.strategies for p in pops)):
        pa = C + 1 if pr[:2] == ("t", "u") else sympy.Integer(0)
        pb = D + 1 if pr[:2] == ("s", "u") else sympy.Integer(0)
        pc = F if pr[2] == "w" else E
        table[pr] = (pa, pb, pc)
    a = analyze(Game("g3", pops, params, table), params={})
    st = next(x for x in a.equilibria if x.equilibrium.profile == ("s", "u", "w"))
    assert {sympy.expand(e) for e in st.eigenvalues} == {C + 1, -D - 1, E - F}
    assert st.verdict is Verdict.SADDLE


def test_degenerate_vertex_with_a_zero_and_a_positive_eigenvalue_is_a_symbolic_saddle():
    """nashpy issue 222, vertex (0, 1) in govgame's coordinates x=1,y=1: eigenvalues 0 and 5."""
    A = np.array([[-3.0, 3.0], [-3.0, 5.0]])
    B = np.array([[2.0, 7.0], [4.0, 2.0]])
    a = analyze(numeric_game([A, B]))
    s = next(x for x in a.equilibria if x.equilibrium.numeric_point == (1.0, 1.0))
    assert sorted(float(e) for e in s.eigenvalues) == [0.0, 5.0]
    assert s.numeric.verdict is Verdict.SADDLE and s.verdict is Verdict.SADDLE


def test_a_face_point_exactly_on_the_boundary_is_not_reported():
    """D_x = y - a/2, D_y = x - 1/2: the point (1/2, a/2) lies on the edge y = 1 when a = 2, y = 0 when a = 0."""
    p = Parameter("a", value=1.0, sign="any")
    A = p.symbol
    game = _two_by_two(
        {
            ("s", "u"): (1 - A / 2, sympy.Rational(1, 2)),
            ("s", "v"): (-A / 2, 0),
            ("t", "u"): (0, 0),
            ("t", "v"): (0, sympy.Rational(1, 2)),
        },
        (p,),
    )
    dyn = replicator(game)
    (sym,) = [e for e in find_equilibria(dyn) if e.kind is Kind.INTERIOR]
    for av, inside in ((0.0, False), (2.0, False), (1.0, True), (1.999, True), (2.001, False)):
        holds = all(bool(r.xreplace({A: sympy.Rational(repr(av))})) for r in sym.exists_if)
        assert holds == inside, av
        listed = [e for e in find_equilibria(dyn, params={"a": av}) if e.kind is Kind.INTERIOR]
        assert bool(listed) == inside, av


def test_a_root_of_a_nonlinear_face_on_its_boundary_is_not_an_interior_point():
    """D_x = 2y - 1 + yz, D_y = 2x - 1 + xz, D_z = x + y - 1: the only root (1/2, 1/2, 0) has z = 0."""
    s = (2, 2, 2)
    A, B, C = np.zeros(s), np.zeros(s), np.zeros(s)
    for i, j, k in itertools.product(range(2), range(2), range(2)):
        x, y, z = 1 - i, 1 - j, 1 - k
        A[0, j, k] = 2 * y - 1 + y * z
        B[i, 0, k] = 2 * x - 1 + x * z
        C[i, j, 0] = x + y - 1
    game = numeric_game([A, B, C])
    eqs = find_equilibria(replicator(game), params=game.values())
    assert not [e for e in eqs if e.kind is Kind.INTERIOR]
    # it is the boundary rest point of the face z = 0 instead
    assert (0.5, 0.5, 0.0) in [e.numeric_point for e in eqs if e.kind is Kind.BOUNDARY]


@settings(max_examples=10, deadline=None)
@given(integer_tensors())
def test_stability_of_vertices_is_the_strict_nash_test(tensors):
    """stability() on its own: a vertex's verdict is ess exactly for strict Nash equilibria of the payoff table."""
    game = numeric_game(tensors)
    dyn = replicator(game)
    eqs = find_equilibria(dyn, params=game.values())
    shape = tensors[0].shape
    for st in stability(dyn, eqs, params=game.values()):
        if st.equilibrium.kind is not Kind.PURE:
            continue
        idx = tuple(p.strategies.index(x) for p, x in zip(game.populations, st.equilibrium.profile))
        strict = all(
            tensors[p][idx] > tensors[p][idx[:p] + (i,) + idx[p + 1 :]]
            for p in range(len(shape))
            for i in range(shape[p])
            if i != idx[p]
        )
        assert (st.verdict is Verdict.ESS) == strict
        assert (st.numeric.verdict is Verdict.ESS) == strict
