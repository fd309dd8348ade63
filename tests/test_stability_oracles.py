"""Stability verdicts against the definitions and independent eigenvalues, fast and deterministic.

The oracles: the SPEC §3 verdict rules applied by hand to eigenvalue lists whose signs are evident,
the eigenvalues of a finite-difference Jacobian of the textbook replicator field
(``strategies.fd_jacobian``), and the strict-Nash test by brute force over unilateral deviations.
"""

import itertools

import numpy as np
import pytest
import sympy
from strategies import fd_jacobian, numeric_game, replicator_rhs

from govgame.analysis.dynamics import replicator
from govgame.analysis.equilibria import Kind, find_equilibria
from govgame.analysis.pipeline import analyze
from govgame.analysis.regions import Region
from govgame.analysis.stability import stability, symbolic_verdict
from govgame.analysis.verdicts import TOL, Deviation, Verdict, is_ess, numeric_verdict, vertex_ess, vertex_ess_mask
from govgame.model import Game, Parameter, Population

V = Verdict


def _assert_same_eigenvalues(got, expected, atol):
    """Equal as multisets (complex conjugate pairs come in either order)."""
    got, left = list(np.asarray(got, dtype=complex)), list(np.asarray(expected, dtype=complex))
    assert len(got) == len(left), (got, left)
    for g in got:
        i = int(np.argmin([abs(g - e) for e in left]))
        assert abs(g - left[i]) <= atol, (got, expected)
        left.pop(i)


@pytest.mark.parametrize(
    "ev, verdict",
    [([-1.0, -2.0], V.ESS), ([1.0, 2.0], V.SOURCE), ([1.0, -1.0], V.SADDLE), ([1.0, 0.0], V.SADDLE),
     ([0.0, -1.0], V.NON_HYPERBOLIC), ([0.0, 0.0], V.NON_HYPERBOLIC), ([], V.NON_HYPERBOLIC),
     ([1j, -1j], V.NON_HYPERBOLIC), ([1 + 1j, 1 - 1j], V.SOURCE), ([-1 + 5j, -1 - 5j], V.ESS),
     ([-1 + 1j, -1 - 1j, 0.5], V.SADDLE), ([-1e-6, -3e-6], V.ESS), ([1e-6, 3e-6], V.SOURCE),
     ([-1.0, -0.5e-9], V.NON_HYPERBOLIC), ([-1.0, -2e-9], V.ESS), ([1.0, 0.5e-9], V.SADDLE),
     ([1.0, 2e-9], V.SOURCE), ([-1.0, 2e-9], V.SADDLE), ([-1.0, 0.5e-9], V.NON_HYPERBOLIC)],
)  # fmt: skip
def test_numeric_verdict_follows_the_rules_with_a_tolerance_relative_to_the_largest_eigenvalue(ev, verdict):
    """SPEC §3: ESS when every real part < -tol*scale, source when all > tol*scale, saddle when some are."""
    assert numeric_verdict(ev) is verdict
    assert numeric_verdict(ev, eig_tol=TOL) is verdict
    assert TOL == 1e-9


def test_the_tolerance_option_is_used():
    assert numeric_verdict([-1.0, -1e-3]) is V.ESS
    assert numeric_verdict([-1.0, -1e-3], eig_tol=1e-2) is V.NON_HYPERBOLIC
    assert numeric_verdict([1.0, 1e-3], eig_tol=1e-2) is V.SADDLE
    assert numeric_verdict([-1.0, 1e-3], eig_tol=1e-2) is V.NON_HYPERBOLIC
    assert is_ess(-1.0, 1.0, eig_tol=0.5) and not is_ess(-1.0, 1.0, eig_tol=1.0)  # strict at the boundary
    np.testing.assert_array_equal(
        is_ess(np.array([-1.0, -1e-12, 0.0]), np.array([1.0, 1.0, 0.0])), [True, False, False]
    )


def _strict_nash(tensors, idx):
    """Brute force: every unilateral deviation from the pure profile idx loses strictly."""
    for p, k in enumerate(tensors[0].shape):
        for j in range(k):
            if j != idx[p]:
                dev = list(idx)
                dev[p] = j
                if not tensors[p][tuple(dev)] < tensors[p][idx]:
                    return False
    return True


@pytest.mark.parametrize("shape", [(2, 2), (3, 2), (2, 3, 2), (3, 3)])
def test_vertex_rule_is_the_strict_nash_test_and_the_eigenvalues_are_those_of_the_jacobian(shape):
    rng = np.random.default_rng(len(shape) * 10 + shape[0])
    for _ in range(3):
        tensors = [rng.integers(-2, 3, size=shape).astype(float) for _ in shape]  # many ties
        profiles = list(itertools.product(*(range(k) for k in shape)))
        pay = np.stack([np.stack([t[idx] for idx in profiles]) for t in tensors])[None]
        mask = vertex_ess_mask(pay, shape)[0]
        assert mask.tolist() == [_strict_nash(tensors, idx) for idx in profiles]
        game = numeric_game(tensors)
        dyn = replicator(game)
        verts = [e for e in find_equilibria(dyn) if e.kind is Kind.PURE]
        ref = replicator_rhs(tensors)
        for st in stability(dyn, verts, params=game.values()):
            x = np.array([float(c) for c in st.equilibrium.point])
            ev = np.linalg.eigvals(fd_jacobian(ref, x))
            _assert_same_eigenvalues([complex(e) for e in st.eigenvalues], ev, 1e-6)
            _assert_same_eigenvalues(st.numeric.eigenvalues, ev, 1e-6)
            assert st.numeric.point == tuple(x)
            strict = _strict_nash(tensors, tuple(s[0] for s in st.equilibrium.support))
            assert (st.verdict is V.ESS) == strict == (st.numeric.verdict is V.ESS) == st.can_be_ess
            assert (st.witness is not None) == strict
            fast = stability(dyn, [st.equilibrium], params=game.values(), symbolic=False)[0]
            assert fast.verdict is numeric_verdict([complex(e) for e in st.eigenvalues])
            assert fast.can_be_ess == strict and (fast.witness == game.values()) == strict
            assert fast.numeric.verdict is st.numeric.verdict


def _game(n_params=2):
    params = tuple(Parameter(n, value=1.0, range=(0.0, 10.0)) for n in "ab"[:n_params])
    pops = (Population("p", ("s", "t"), ("x",)), Population("q", ("u", "v"), ("y",)))
    table = {pr: (sympy.Integer(0), sympy.Integer(0)) for pr in itertools.product(("s", "t"), ("u", "v"))}
    return Game("g", pops, params, table), [p.symbol for p in params]


def test_symbolic_verdicts_are_the_strongest_that_hold_for_every_admissible_value():
    game, (a, b) = _game()
    region = Region(game)
    t = a - b
    one = sympy.Integer(1)
    cases = [
        ([-a - 1, -b - 1], V.ESS),
        ([a + 1, b + 1], V.SOURCE),
        ([a + 1, -b - 1], V.SADDLE),
        ([a + 1, sympy.Integer(0)], V.SADDLE),
        ([a + 1, t], V.NOT_ESS),  # a source where a > b, a saddle elsewhere: only 'never an ESS' holds always
        ([sympy.Integer(0), -a - 1], V.NON_HYPERBOLIC),
        ([-a, -one], V.CONDITIONAL),  # an ESS exactly when a > 0 (a = 0 is admissible)
        ([t, -one], V.CONDITIONAL),
        ([t, -t], V.NOT_ESS),  # never both negative, both zero at a = b
        ([t + 1, -t, -t - 1], V.SADDLE),  # never all <= 0 and never all > 0, though no sign is fixed
        ([t + 1, -t], V.NOT_ESS),  # all > 0 for -1 < a - b < 0
    ]
    for ev, verdict in cases:
        got, conditions, feas = symbolic_verdict(ev, region)
        assert got is verdict, (ev, got)
        ess_possible = verdict in (V.ESS, V.CONDITIONAL)
        assert feas.feasible == ess_possible, ev
        if ess_possible:
            w = {a: feas.witness["a"], b: feas.witness["b"]}
            assert all(float(e.xreplace(w)) < 0 for e in ev)
            assert w[a] >= 0 and w[b] >= 0
    _, conditions, _ = symbolic_verdict([t, -one, -a - 1], region)
    assert conditions == [sympy.StrictLessThan(t, 0, evaluate=False)]


def test_the_fast_path_decides_decimal_payoffs_exactly():
    """Payoff coefficients written as decimals: 0.5 a at the vertex against b; a = 2, b = 1 is an exact tie."""
    params = (Parameter("a", value=2.0), Parameter("b", value=1.0))
    a, b = (p.symbol for p in params)
    pops = (Population("p", ("s", "t"), ("x",)), Population("q", ("u", "v"), ("y",)))
    z = sympy.Integer(0)
    table = {("s", "u"): (b, z), ("t", "u"): (sympy.Float(0.5) * a, z), ("s", "v"): (z, -b), ("t", "v"): (z, z)}
    dyn = replicator(Game("dec", pops, params, table))
    vertex = next(e for e in find_equilibria(dyn) if e.kind is Kind.PURE and e.profile == ("s", "u"))
    for vals, verdict in [((2.0, 1.0), V.NON_HYPERBOLIC), ((1.0, 1.0), V.ESS), ((4.0, 1.0), V.SADDLE)]:
        st = stability(dyn, [vertex], params=dict(zip("ab", vals)), symbolic=False)[0]
        assert st.verdict is verdict, vals
        assert sorted(v.real for v in st.numeric.eigenvalues) == sorted([0.5 * vals[0] - vals[1], -vals[1]])


def test_exact_signs_at_values_give_the_verdict_of_the_fast_path():
    """symbolic=False decides a vertex by the signs of its exact eigenvalues at the values."""
    params = tuple(Parameter(n, value=1.0) for n in "abcd")
    a, b, c, d = (p.symbol for p in params)
    pops = (Population("p", ("s", "t"), ("x",)), Population("q", ("u", "v"), ("y",)))
    # at (s, u): p's switch earns a - b, q's switch earns c - d
    z = sympy.Integer(0)
    table = {("s", "u"): (z, z), ("t", "u"): (a - b, z), ("s", "v"): (z, c - d), ("t", "v"): (z, z)}
    game = Game("g", pops, params, table)
    dyn = replicator(game)
    vertex = next(e for e in find_equilibria(dyn) if e.kind is Kind.PURE and e.profile == ("s", "u"))
    for vals, verdict in [((1, 2, 1, 2), V.ESS), ((2, 1, 2, 1), V.SOURCE), ((2, 1, 1, 2), V.SADDLE),
                          ((1, 1, 1, 2), V.NON_HYPERBOLIC), ((2, 1, 1, 1), V.SADDLE), ((1, 1, 1, 1), V.NON_HYPERBOLIC),
                          ((1, 2, 1, 1), V.NON_HYPERBOLIC)]:  # fmt: skip
        values = dict(zip("abcd", map(float, vals)))
        st = stability(dyn, [vertex], params=values, symbolic=False)[0]
        assert st.verdict is verdict, vals
        assert st.numeric.verdict is verdict
        assert sorted(v.real for v in st.numeric.eigenvalues) == sorted([vals[0] - vals[1], vals[2] - vals[3]])
        assert st.can_be_ess == (verdict is V.ESS)
        assert st.witness == (values if verdict is V.ESS else None)
        assert st.stability_conditions == (sympy.StrictLessThan(a - b, 0, evaluate=False),
                                           sympy.StrictLessThan(c - d, 0, evaluate=False))  # fmt: skip
        assert st.equilibrium == vertex and set(st.eigenvalues) == {a - b, c - d}
        assert st.numeric.point == tuple(float(v) for v in vertex.point)
        assert "symbolic=False" in st.method
    # the tolerance reaches the numeric verdict: differences -1 and -1e-3 are not both below -0.01 * 1
    st = stability(dyn, [vertex], params=dict(zip("abcd", (1.0, 2.0, 1.0, 1.001))), symbolic=False, eig_tol=1e-2)[0]
    assert st.verdict is V.ESS and st.numeric.verdict is V.NON_HYPERBOLIC
    st = stability(dyn, [vertex], params=dict(zip("abcd", (1.0, 2.0, 1.0, 1.001))), eig_tol=1e-2)[0]
    assert st.verdict is V.CONDITIONAL and st.numeric.verdict is V.NON_HYPERBOLIC
    assert st.can_be_ess and st.method  # how it was decided is said


FACE_GAMES = {
    "matching pennies": [np.array([[1.0, -1.0], [-1.0, 1.0]]), np.array([[-1.0, 1.0], [1.0, -1.0]])],
    "coordination": [np.array([[2.0, 0.0], [0.0, 1.0]]), np.array([[1.0, 0.0], [0.0, 3.0]])],
}


def _jordan():
    """Jordan's three-player matching pennies: 0 matches 1, 1 matches 2, 2 mismatches 0; interior (1/2, 1/2, 1/2)."""
    t = [np.zeros((2, 2, 2)) for _ in range(3)]
    for i, j, k in itertools.product(range(2), repeat=3):
        t[0][i, j, k] = 1.0 if i == j else -1.0
        t[1][i, j, k] = 1.0 if j == k else -1.0
        t[2][i, j, k] = 1.0 if k != i else -1.0
    return t


def _face_tensors():
    rng = np.random.default_rng(5)
    out = dict(FACE_GAMES, jordan=_jordan())
    for shape in [(3, 2), (2, 2, 2), (3, 3), (2, 3)]:
        for i in range(2):
            out[f"{shape} {i}"] = [rng.integers(-4, 5, size=shape).astype(float) for _ in shape]
    return out


@pytest.mark.parametrize("name", list(_face_tensors()))
def test_eigenvalues_of_every_rest_point_are_those_of_a_finite_difference_jacobian(name):
    tensors = _face_tensors()[name]
    game = numeric_game(tensors)
    a = analyze(game)
    ref = replicator_rhs(tensors)
    checked = 0
    for st in a.equilibria:
        e = st.equilibrium
        if e.kind is Kind.CONTINUUM or e.numeric_point is None or None in e.numeric_point:
            continue
        x = np.array(e.numeric_point, dtype=float)
        ev = np.linalg.eigvals(fd_jacobian(ref, x))
        _assert_same_eigenvalues(st.numeric.eigenvalues, ev, 1e-5)
        _assert_same_eigenvalues([complex(sympy.N(v, 20)) for v in st.eigenvalues], ev, 1e-5)
        if e.kind is not Kind.PURE:
            assert st.verdict is V.NOT_ESS and st.can_be_ess is False and st.witness is None
            assert st.stability_conditions == () and "never an ESS" in st.method
            assert st.numeric.point == tuple(e.numeric_point)
            assert st.numeric.verdict is numeric_verdict(ev)
            checked += 1
    if name in FACE_GAMES:
        assert checked == 1  # the interior point
    if name == "jordan":
        assert checked >= 1  # at least the interior point, whose 3x3 block has no closed form here


def test_a_continuum_gets_the_eigenvalues_at_the_middle_of_its_free_coordinates():
    """nashpy issue 222: the edge y = 1 is a line of rest points with transversal eigenvalue 7x - 2.

    At its middle x = 1/2: 3/2, and 0 along the line.
    """
    A = np.array([[-3.0, 3.0], [-3.0, 5.0]])
    B = np.array([[2.0, 7.0], [4.0, 2.0]])
    a = analyze(numeric_game([A, B]))
    (line,) = [s for s in a.equilibria if s.equilibrium.kind is Kind.CONTINUUM]
    assert sorted(v.real for v in line.numeric.eigenvalues) == pytest.approx([0.0, 1.5], abs=1e-9)
    assert line.verdict is V.NOT_ESS
    # the exact eigenvalues are functions of the free coordinate: 7x - 2 across the line, 0 along it
    x = sympy.Symbol("x", real=True)
    (free,) = {s for e in line.eigenvalues for s in e.free_symbols}
    assert sorted(sympy.expand(e.xreplace({free: x})) for e in line.eigenvalues if e != 0) == [7 * x - 2]
    assert line.continuum is not None and len(line.continuum.parts) == 2


def test_a_symbolic_interior_point_keeps_symbolic_eigenvalues_when_values_are_given():
    """p earns a at (s, u) and 1 at (t, v); q earns 1 at (s, u) and 2 at (t, v): interior (2/3, 1/(a + 1)).

    On the face every eigenvalue is +-sqrt(J01 J10), a function of a; at the values, the numbers agree.
    """
    param = Parameter("a")  # no value in the model: analyse with and without one
    a = param.symbol
    pops = (Population("p", ("s", "t"), ("x",)), Population("q", ("u", "v"), ("y",)))
    z, one, two = sympy.Integer(0), sympy.Integer(1), sympy.Integer(2)
    table = {("s", "u"): (a, one), ("t", "v"): (one, two), ("s", "v"): (z, z), ("t", "u"): (z, z)}
    game = Game("sym", pops, (param,), table)
    res = analyze(game, params={"a": 3.0})
    (inner,) = [s for s in res.equilibria if s.equilibrium.kind is Kind.INTERIOR]
    assert inner.equilibrium.numeric_point == pytest.approx((2 / 3, 1 / 4))
    assert all(a in e.free_symbols for e in inner.eigenvalues)
    at = [complex(e.xreplace({a: 3})) for e in inner.eigenvalues]
    _assert_same_eigenvalues(at, inner.numeric.eigenvalues, 1e-12)
    ref = replicator_rhs([np.array([[3.0, 0.0], [0.0, 1.0]]), np.array([[1.0, 0.0], [0.0, 2.0]])])
    fd = np.linalg.eigvals(fd_jacobian(ref, np.array([2 / 3, 1 / 4])))
    _assert_same_eigenvalues(at, fd, 1e-6)
    # without values: the same two exact eigenvalues, now the only description of the point
    (free,) = [s for s in analyze(game, params={}).equilibria if s.equilibrium.kind is Kind.INTERIOR]
    assert free.numeric is None and len(free.eigenvalues) == 2
    _assert_same_eigenvalues([complex(e.xreplace({a: 3})) for e in free.eigenvalues], fd, 1e-6)


def test_exact_eigenvalues_of_face_points_without_values():
    """Games analysed without values (a dummy parameter has none): exact eigenvalues equal the Jacobian's."""
    rng = np.random.default_rng(21)
    checked = 0
    for shape in [(3, 2), (2, 2, 2), (2, 3)]:
        tensors = [rng.integers(-4, 5, size=shape).astype(float) for _ in shape]
        table = numeric_game(tensors)
        game = Game("novalue", table.populations, (Parameter("c"),), table.payoffs)  # c has no value
        ref = replicator_rhs(tensors)
        for st in analyze(game, params={}).equilibria:
            assert st.numeric is None
            e = st.equilibrium
            if e.kind in (Kind.PURE, Kind.CONTINUUM) or None in e.point or any(c.free_symbols for c in e.point):
                continue
            x = np.array([float(c) for c in e.point])
            _assert_same_eigenvalues([complex(sympy.N(v, 20)) for v in st.eigenvalues],
                                     np.linalg.eigvals(fd_jacobian(ref, x)), 1e-5)  # fmt: skip
            checked += 1
    assert checked >= 3


def test_the_ess_report_explains_each_vertex_by_its_payoff_differences():
    """Deviations are the payoff differences of unilateral switches, by brute force over the table."""
    rng = np.random.default_rng(11)
    tensors = [rng.integers(-3, 4, size=(2, 3)).astype(float) for _ in range(2)]
    tensors[0][1, :] = tensors[0][0, :] - 1.0  # population 0's second strategy always loses 1: an ESS exists
    tensors[1][0, 0] = tensors[1][0].max() + 1  # strict best reply of population 1 against strategy 0
    game = numeric_game(tensors)
    dyn = replicator(game)
    for system in (game, dyn):
        rep = vertex_ess(system, params=game.values())
        assert len(rep.vertices) == 6
        for v in rep.vertices:
            idx = tuple(game.populations[p].strategies.index(s) for p, s in enumerate(v.profile))
            assert v.is_ess == _strict_nash(tensors, idx)
            assert v.key == "/".join(v.profile)
            assert len(v.deviations) == 1 + 2
            for d in v.deviations:
                p = [pop.name for pop in game.populations].index(d.population)
                alt = list(idx)
                alt[p] = game.populations[p].strategies.index(d.to)
                assert d.strategy == v.profile[p] and d.to != d.strategy
                assert d.difference == tensors[p][tuple(alt)] - tensors[p][idx]
                assert float(d.expression) == d.difference
                assert d.text() == f"{d.population} {d.strategy}\u2192{d.to}: {d.difference:+.3g}"
            assert v.blocking == tuple(d for d in v.deviations if d.difference >= 0)
            assert v.is_ess == (not v.blocking)
        assert rep.names == sorted(v.key for v in rep.vertices if v.is_ess) and rep.names
        assert rep.ess == tuple(v for v in rep.vertices if v.is_ess)
        lines = rep.text().splitlines()
        assert len(lines) == len(rep.ess) and repr(rep) == rep.text()
        for line, v in zip(lines, rep.ess):
            assert line == f"ESS {v.name} {v.key}: every switch loses ({'; '.join(d.text() for d in v.deviations)})"
        md = rep.markdown().splitlines()
        assert len(md) == len(rep.ess) and rep._repr_markdown_() == rep.markdown()
        for line, v in zip(md, rep.ess):
            assert line.startswith(f"- **ESS {v.name} `{v.key}`**") and all(
                f"{d.difference:+.3g}" in line for d in v.deviations
            )
    two = vertex_ess(numeric_game(FACE_GAMES["coordination"]), params={"c": 1.0})
    assert two.names == ["s0_0/s1_0", "s0_1/s1_1"]
    assert two.text() == "\n".join(
        f"ESS {v.name} {v.key}: every switch loses ({'; '.join(d.text() for d in v.deviations)})" for v in two.ess
    )
    for line, v in zip(two.markdown().split("\n"), two.ess):
        why = ", ".join(f"{d.population} `{d.strategy}\u2192{d.to}` {d.difference:+.3g}" for d in v.deviations)
        assert line == f"- **ESS {v.name} `{v.key}`** \u2014 every switch loses: {why}"
    d = Deviation("p", "s", "t", -1.23456, sympy.Integer(0))
    assert d.text() == "p s\u2192t: -1.23" and d.text(5) == "p s\u2192t: -1.2346"
    pennies = vertex_ess(numeric_game(FACE_GAMES["matching pennies"]), params={"c": 1.0})
    assert pennies.ess == () and pennies.names == []
    assert pennies.text().startswith("No ESS at these values") and pennies.markdown().startswith("**No ESS**")
    assert "cycle" in pennies.text()  # it says where such runs go
