"""govgame audit: published stability tables checked against their own payoff matrix.

The tables are generated from random games by an oracle written here from the payoff table alone
(the eigenvalue of population p at a vertex is the payoff of switching p to another strategy minus
the payoff there; the sign of an affine form in nonnegative or positive parameters is read off its
coefficients), never from govgame's stability module. A clean table must give no finding; a table
corrupted in a known way must give the finding of the right kind with the right correction; and
every finding, whatever it is, is re-checked here from its evidence with the oracle.
"""

from __future__ import annotations

import itertools
import json
import shutil
import warnings
from fractions import Fraction
from pathlib import Path

import pytest
import sympy
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from govgame.analysis.audit import Finding, FindingKind, audit
from govgame.analysis.farkas import Row, infeasibility_certificate
from govgame.analysis.reconstruct import reconstruct
from govgame.analysis.regions import as_condition
from govgame.errors import ClaimsError, ModelError
from govgame.model.claims import claims_from_dict, loads_claims
from govgame.model.expr import parse_expression, parse_relation
from govgame.model.game import Game, Parameter, Population
from govgame.model.loader import load_model, loads_model

DOCS = Path(__file__).resolve().parents[1] / "docs"
SETTINGS = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --------------------------------------------------------------------------- random games
@st.composite
def games(draw, binary: bool = False, max_pops: int = 3):
    """Small games with payoffs affine in 1-3 parameters of one sign (integer coefficients)."""
    n = draw(st.integers(2, max_pops))
    shape = [2] * n
    if not binary and n == 2 and draw(st.booleans()):
        shape[draw(st.integers(0, n - 1))] = 3
    sign = draw(st.sampled_from(["positive", "nonnegative"]))
    n_params = draw(st.integers(1, 3))
    params = tuple(Parameter(f"a{i}", sign=sign, range=(0.0, 10.0)) for i in range(n_params))
    syms = [p.symbol for p in params]
    pops = tuple(
        Population(f"p{i}", tuple(f"s{i}_{j}" for j in range(k)), (f"x{i}",) if k == 2 else (f"x{i}a", f"x{i}b"))
        for i, k in enumerate(shape)
    )
    payoffs = {}
    for idx in itertools.product(*(range(k) for k in shape)):
        profile = tuple(p.strategies[j] for p, j in zip(pops, idx))
        vals = []
        for _ in pops:
            const = draw(st.integers(-3, 3))
            coef = draw(st.lists(st.integers(-2, 2), min_size=n_params, max_size=n_params))
            vals.append(sympy.Integer(const) + sum(c * s for c, s in zip(coef, syms)))
        payoffs[profile] = tuple(vals)
    return Game("random", pops, params, payoffs)


# --------------------------------------------------------------------------- the oracle
def vertices(game: Game):
    return list(itertools.product(*(range(p.k) for p in game.populations)))


def point_of(game: Game, idx) -> list[int]:
    """Reduced coordinates of a vertex: the share of each of the first k-1 strategies."""
    out = []
    for pop, s in zip(game.populations, idx):
        out.extend(1 if j == s else 0 for j in range(pop.k - 1))
    return out


def oracle_eigenvalues(game: Game, idx) -> list[sympy.Expr]:
    """Payoff of switching population p to strategy i, minus the payoff at the vertex (population order)."""
    out = []
    for p, s in enumerate(idx):
        here = game.payoffs[tuple(q.strategies[j] for q, j in zip(game.populations, idx))][p]
        for i in range(game.populations[p].k):
            if i != s:
                other = list(idx)
                other[p] = i
                there = game.payoffs[tuple(q.strategies[j] for q, j in zip(game.populations, other))][p]
                out.append(sympy.expand(there - here))
    return out


def affine_sign(e: sympy.Expr, game: Game, *, weak: bool = False) -> str:
    """ "+" / "-" when every admissible parameter value gives that strict sign (``weak``: that sign or 0), else "x"."""
    e = sympy.expand(e)
    syms = list(game.parameter_symbols)
    poly = sympy.Poly(e, *syms)
    const = poly.coeff_monomial(1)
    coef = [poly.coeff_monomial(s) for s in syms]
    positive = game.parameters[0].sign == "positive"
    for sign, cmp in (("+", 1), ("-", -1)):
        c0, cs = cmp * const, [cmp * c for c in coef]
        if any(c < 0 for c in cs) or c0 < 0:
            continue
        if weak or c0 > 0 or (positive and any(c > 0 for c in cs)):
            return sign
    return "x"


GRID = [sympy.Rational(v) for v in ("1/4", "1/2", "1", "2", "4", "8")]


def stable_somewhere(game: Game, eigenvalues) -> bool:
    """Whether a grid point makes every eigenvalue negative (a witness found by brute force)."""
    syms = game.parameter_symbols
    grid = GRID + ([sympy.Integer(0)] if game.parameters[0].sign == "nonnegative" else [])
    for values in itertools.product(grid, repeat=len(syms)):
        at = dict(zip(syms, values))
        if all(e.xreplace(at) < 0 for e in eigenvalues):
            return True
    return False


def rewrite(e: sympy.Expr) -> str:
    """The expression as an author might print it: terms reversed, each in parentheses."""
    terms = sympy.Add.make_args(sympy.expand(e))
    if len(terms) == 1:
        return sympy.sstr(e)
    return " + ".join(f"({sympy.sstr(t)})" for t in reversed(terms))


def clean_table(game: Game, draw_order=None) -> dict:
    """A correct table: every vertex, its eigenvalues (reordered, rewritten), signs, stability and conditions."""
    claims = []
    for n, idx in enumerate(vertices(game)):
        ev = oracle_eigenvalues(game, idx)
        order = list(range(len(ev)))
        if draw_order is not None:
            order = draw_order(order)
        ev = [ev[i] for i in order]
        signs = [affine_sign(e, game) for e in ev]
        claim = {"name": f"E{n + 1}", "point": point_of(game, idx), "eigenvalues": [rewrite(e) for e in ev]}
        claim["signs"] = signs
        if "+" in signs:
            claim["stable"] = False
        elif stable_somewhere(game, ev):
            claim["stable"] = True
            claim["conditions"] = [f"{sympy.sstr(e)} < 0" for e, s in zip(ev, signs) if s == "x"]
        claims.append(claim)
    return {"claim": claims}


def symbols_of(game: Game) -> dict[str, sympy.Symbol]:
    return {p.name: p.symbol for p in game.parameters}


def at_point(game: Game, values: dict) -> dict:
    return {game.parameter(k).symbol: sympy.Rational(repr(float(v))) for k, v in values.items()}


def printed_or_true(game: Game, table: dict, number: int, entry: int) -> sympy.Expr:
    claim = table["claim"][number - 1]
    if "eigenvalues" in claim:
        return parse_expression(claim["eigenvalues"][entry - 1], symbols_of(game), where="test")
    idx = profile_of(game, claim["point"])
    return oracle_eigenvalues(game, idx)[entry - 1]


def profile_of(game: Game, point) -> tuple[int, ...]:
    out, i = [], 0
    for pop in game.populations:
        own = list(point[i : i + pop.k - 1])
        i += pop.k - 1
        out.append(own.index(1) if 1 in own else pop.k - 1)
    return tuple(out)


def admissible(game: Game, at: dict) -> bool:
    for p in game.parameters:
        if p.symbol in at and not p.sign_ok(float(at[p.symbol])):
            return False
    return True


def same(a: sympy.Expr, b: sympy.Expr) -> bool:
    return sympy.expand(a - b) == 0


def verify(finding: Finding, game: Game, table: dict) -> None:
    """Re-check one finding from its evidence with the oracle (never with the code under test)."""
    ev = finding.evidence
    claim = table["claim"][finding.claim - 1]
    syms = symbols_of(game)
    kind = finding.kind
    if kind is FindingKind.WRONG_EIGENVALUE:
        truth = oracle_eigenvalues(game, profile_of(game, claim["point"]))
        printed = parse_expression(claim["eigenvalues"][ev["entry"] - 1], syms, where="test")
        assert printed == parse_expression(ev["printed"], syms, where="test") or same(
            printed, parse_expression(ev["printed"], syms, where="test")
        )
        true = parse_expression(ev["true"], syms, where="test")
        assert any(same(true, t) for t in truth)
        at = at_point(game, ev["at"])
        assert admissible(game, at)
        if ev.get("repeated"):
            values = [parse_expression(e, syms, where="test").xreplace(at) for e in claim["eigenvalues"]]
            assert true.xreplace(at) not in values
        else:
            assert all(printed.xreplace(at) != t.xreplace(at) for t in truth)
    elif kind is FindingKind.UNIMPLIED_SIGN:
        e = printed_or_true(game, table, finding.claim, ev["entry"])
        assert claim["signs"][ev["entry"] - 1] == ev["sign"]
        at = at_point(game, ev["at"])
        assert admissible(game, at)
        value = e.xreplace(at)
        assert (value <= 0) if ev["sign"] == "+" else (value >= 0)
    elif kind is FindingKind.CONTRADICTORY_SIGNS:
        total = 0
        for entry in ev["entries"]:
            e = printed_or_true(game, table, entry["claim"], entry["entry"])
            mark = table["claim"][entry["claim"] - 1]["signs"][entry["entry"] - 1]
            assert mark == entry["sign"] and mark in "+-"
            total += e if mark == "+" else -e
        total = sympy.expand(total)
        assert total.is_number and total <= 0
    elif kind is FindingKind.INSUFFICIENT_CONDITIONS:
        assert claim.get("stable") is True
        at = at_point(game, ev["at"])
        assert admissible(game, at)
        for text in claim.get("conditions", []):
            g, strict = as_condition(parse_relation(text, syms, where="test"))
            v = g.xreplace(at)
            assert v > 0 if strict else v >= 0
        truth = oracle_eigenvalues(game, profile_of(game, claim["point"]))
        lam = parse_expression(ev["eigenvalue"], syms, where="test")
        assert any(same(lam, t) for t in truth)
        assert lam.xreplace(at) >= 0
    elif kind in (FindingKind.INFEASIBLE_CONDITIONS, FindingKind.EXCLUDED_CONDITIONS):
        assert claim.get("stable") is True
        allowed = []  # every row the certificate may use: stated conditions, parameter signs, table signs
        for text in claim.get("conditions", []):
            allowed.append(as_condition(parse_relation(text, syms, where="test")))
        # a product of the (same-signed) parameters has their sign: positive, or nonnegative
        positive = game.parameters[0].sign == "positive"
        for r in range(1, 4):
            for factors in itertools.combinations_with_replacement(game.parameter_symbols, r):
                allowed.append((sympy.Mul(*factors), positive))
        if kind is FindingKind.EXCLUDED_CONDITIONS:
            for n, c in enumerate(table["claim"], 1):
                for k, mark in enumerate(c.get("signs", []), 1):
                    if mark in "+-":
                        e = printed_or_true(game, table, n, k)
                        allowed.append((e if mark == "+" else -e, True))
        total, strict_used = 0, False
        for r in ev["certificate"]["rows"]:
            g, strict = as_condition(parse_relation(r["row"], syms, where="test"))
            assert any(same(g, a) and (strict <= s) for a, s in allowed), r
            m = Fraction(r["multiplier"])
            assert m > 0
            total += sympy.Rational(m.numerator, m.denominator) * g
            strict_used = strict_used or strict
        total = sympy.expand(total)
        assert total.is_number and (total < 0 or (total == 0 and strict_used))
        assert str(total) == ev["certificate"]["sum"]
    elif kind is FindingKind.DENIED_STABILITY:
        assert claim.get("stable") is False
        at = at_point(game, ev["at"])
        assert admissible(game, at)
        truth = oracle_eigenvalues(game, profile_of(game, claim["point"]))
        assert all(t.xreplace(at) < 0 for t in truth)
    elif kind is FindingKind.MIXED_STABLE:
        mixing = []
        i = 0
        for pop in game.populations:
            own = [str(v) for v in claim["point"][i : i + pop.k - 1]]
            i += pop.k - 1
            if any(v not in ("0", "1") for v in own):
                mixing.append(pop.name)
        assert claim.get("stable") is True and mixing and ev["mixing"] == mixing
    else:  # pragma: no cover - the random tables make no other kind of claim
        raise AssertionError(f"unexpected finding {finding}")


def run(game: Game, table: dict) -> list[Finding]:
    result = audit(game, json.loads(json.dumps(table)))
    assert result.checked == len(table["claim"])
    for f in result.findings:
        verify(f, game, table)
    return list(result.findings)


def permuter(data):
    return lambda order: data.draw(st.permutations(order))


# --------------------------------------------------------------------------- clean tables
@SETTINGS
@given(games(), st.data())
def test_a_clean_table_gives_no_finding(game, data):
    table = clean_table(game, permuter(data))
    assert run(game, table) == []


# --------------------------------------------------------------------------- corrupted tables
def entry_choices(game: Game, table: dict):
    return [
        (n, k)
        for n, c in enumerate(table["claim"])
        for k in range(len(c["eigenvalues"]))
    ]  # fmt: skip


def truth_of(game: Game, table: dict, n: int) -> list[sympy.Expr]:
    return oracle_eigenvalues(game, profile_of(game, table["claim"][n]["point"]))


def all_truth(game: Game) -> list[sympy.Expr]:
    return [e for idx in vertices(game) for e in oracle_eigenvalues(game, idx)]


def printed(game: Game, table: dict, n: int, k: int) -> sympy.Expr:
    return parse_expression(table["claim"][n]["eigenvalues"][k], symbols_of(game), where="test")


@SETTINGS
@given(games(), st.data())
def test_a_sign_flip_is_found_and_named(game, data):
    table = clean_table(game, permuter(data))
    n, k = data.draw(st.sampled_from(entry_choices(game, table)))
    e = printed(game, table, n, k)
    assume(e != 0 and not any(same(-e, t) for t in truth_of(game, table, n)))
    table["claim"][n]["eigenvalues"][k] = rewrite(-e)
    findings = [f for f in run(game, table) if f.kind is FindingKind.WRONG_EIGENVALUE]
    assert [(f.claim, f.evidence["entry"], f.correction) for f in findings] == [(n + 1, k + 1, "sign-flip")]
    assert same(parse_expression(findings[0].evidence["true"], symbols_of(game), where="test"), e)


@SETTINGS
@given(games(), st.data())
def test_a_pair_swapped_between_vertices_is_found_and_named(game, data):
    table = clean_table(game, permuter(data))
    (n, k), (m, j) = data.draw(st.lists(st.sampled_from(entry_choices(game, table)), min_size=2, max_size=2))
    assume(n != m)
    a, b = printed(game, table, n, k), printed(game, table, m, j)
    assume(not same(a, b) and not same(a, -b))
    assume(not any(same(b, t) for t in truth_of(game, table, n)))
    assume(not any(same(a, t) for t in truth_of(game, table, m)))
    rows = table["claim"]
    rows[n]["eigenvalues"][k], rows[m]["eigenvalues"][j] = rows[m]["eigenvalues"][j], rows[n]["eigenvalues"][k]
    findings = [f for f in run(game, table) if f.kind is FindingKind.WRONG_EIGENVALUE]
    got = sorted((f.claim, f.evidence["entry"], f.correction, f.evidence["partner"]["claim"]) for f in findings)
    assert got == sorted([(n + 1, k + 1, "swapped", m + 1), (m + 1, j + 1, "swapped", n + 1)])


@SETTINGS
@given(games(), st.data())
def test_a_dropped_term_is_found_and_named(game, data):
    table = clean_table(game, permuter(data))
    choices = [
        (n, k) for n, k in entry_choices(game, table) if len(sympy.Add.make_args(printed(game, table, n, k))) > 1
    ]
    assume(choices)
    n, k = data.draw(st.sampled_from(choices))
    e = printed(game, table, n, k)
    term = data.draw(st.sampled_from(sympy.Add.make_args(e)))
    p = e - term
    assume(not any(same(p, t) or same(p, -t) for t in all_truth(game)))
    table["claim"][n]["eigenvalues"][k] = rewrite(p)
    findings = [f for f in run(game, table) if f.kind is FindingKind.WRONG_EIGENVALUE]
    assert [(f.claim, f.evidence["entry"], f.correction) for f in findings] == [(n + 1, k + 1, "missing-term")]
    assert same(parse_expression(findings[0].evidence["term"], symbols_of(game), where="test"), term)


@SETTINGS
@given(games(), st.data())
def test_a_reversed_condition_is_found_and_named(game, data):
    table = clean_table(game, permuter(data))
    choices = [(n, i) for n, c in enumerate(table["claim"]) for i in range(len(c.get("conditions", [])))]
    assume(choices)
    n, i = data.draw(st.sampled_from(choices))
    cond = table["claim"][n]["conditions"][i]
    table["claim"][n]["conditions"][i] = cond.replace(" < 0", " > 0")
    findings = [
        f
        for f in run(game, table)
        if f.kind in (FindingKind.INSUFFICIENT_CONDITIONS, FindingKind.INFEASIBLE_CONDITIONS)
    ]
    assert [(f.claim, f.correction) for f in findings] == [(n + 1, "reversed")]
    assert [r["condition"] for r in findings[0].evidence["reversed"]] == [i + 1]


@SETTINGS
@given(games(binary=True), st.data())
def test_contradictory_sign_columns_are_found(game, data):
    """A form undetermined in sign marked "-" at one vertex and its negation marked "-" at the flipped vertex."""
    table = clean_table(game, permuter(data))
    pairs = []
    for n, c in enumerate(table["claim"]):
        for k, mark in enumerate(c["signs"]):
            e = printed(game, table, n, k)
            if mark != "x" or e.is_number:
                continue
            for m, d in enumerate(table["claim"]):
                if m > n:
                    pairs += [(n, k, m, j) for j in range(len(d["signs"])) if same(printed(game, table, m, j), -e)]
    assume(pairs)
    n, k, m, j = data.draw(st.sampled_from(pairs))
    table["claim"][n]["signs"][k] = table["claim"][m]["signs"][j] = "-"
    findings = run(game, table)
    contradictions = [
        sorted((e["claim"], e["entry"]) for e in f.evidence["entries"])
        for f in findings
        if f.kind is FindingKind.CONTRADICTORY_SIGNS
    ]
    assert sorted([(n + 1, k + 1), (m + 1, j + 1)]) in contradictions
    unimplied = {(f.claim, f.evidence["entry"]) for f in findings if f.kind is FindingKind.UNIMPLIED_SIGN}
    # a form that is <= 0 for every admissible value fails "-" only where it vanishes: a note, not a finding
    expected = {
        (a + 1, b + 1) for a, b in ((n, k), (m, j)) if affine_sign(printed(game, table, a, b), game, weak=True) != "-"
    }
    assert expected <= unimplied


@SETTINGS
@given(games(), st.data())
def test_signs_without_printed_eigenvalues_refer_to_the_true_ones(game, data):
    table = clean_table(game, permuter(data))
    for c in table["claim"]:
        del c["eigenvalues"]
        idx = profile_of(game, c["point"])
        c["signs"] = [affine_sign(e, game) for e in oracle_eigenvalues(game, idx)]
    assert run(game, table) == []
    choices = [(n, k) for n, c in enumerate(table["claim"]) for k, s in enumerate(c["signs"]) if s != "x"]
    assume(choices)
    n, k = data.draw(st.sampled_from(choices))
    table["claim"][n]["signs"][k] = {"+": "-", "-": "+"}[table["claim"][n]["signs"][k]]
    findings = [f for f in run(game, table) if f.kind is FindingKind.UNIMPLIED_SIGN]
    assert [(f.claim, f.evidence["entry"], f.correction) for f in findings] == [(n + 1, k + 1, "opposite-sign")]


# --------------------------------------------------------------------------- fixed examples on a shipped model
@pytest.fixture(scope="module")
def battery():
    return load_model("battery_recycling")


def one(battery, claim: dict) -> list[Finding]:
    table = {"claim": [claim]}
    return run(battery, table)


# (1, 1, 1) = strict/formal/return; its eigenvalues, read off the payoff table of models/battery_recycling.toml:
GOV_111 = "C_g - R_g + S_c + S_e"  # E_g - (R_g - C_g - S_e - S_c + E_g)
ENT_111 = "R_i - p_d*F_e - p_d*L_e - R_e + C_e + K_e - B_e - S_e"
CON_111 = "P_i - p_d*F_c - P_f + C_c - W_c - S_c"


@pytest.mark.parametrize(
    ("printed", "correction", "evidence"),
    [
        ("C_e - R_g + S_c + S_e", "typo", {"printed_symbol": "C_e", "true_symbol": "C_g"}),
        ("C_g - R_g + S_c + S_e + W_c", "extra-term", {"term": "W_c"}),
        ("C_g - R_g + S_c", "missing-term", {"term": "S_e"}),
        ("C_g - R_g + S_c - S_e", "term-sign", {"term": "S_e"}),
        ("R_g - C_g - S_c", "sign-flip+missing-term", {"term": "S_e"}),
        # the government's eigenvalue at (0, 0, 0): strict - lax against informal/sell_informal
        ("R_g - C_g + p_d*(F_e + F_c + D_g) + L_g", "from-other-vertex", {"vertex": {"point": "(0, 0, 0)"}}),
        ("7*C_g", "unexplained", {}),
    ],
)
def test_corrections_of_one_printed_eigenvalue(battery, printed, correction, evidence):
    findings = one(battery, {"point": [1, 1, 1], "eigenvalues": [printed, ENT_111, CON_111]})
    assert [(f.kind, f.evidence["entry"], f.correction) for f in findings] == [
        (FindingKind.WRONG_EIGENVALUE, 1, correction)
    ]
    syms = symbols_of(battery)
    assert same(
        parse_expression(findings[0].evidence["true"], syms, where="test"), parse_expression(GOV_111, syms, where="t")
    )
    for key, value in evidence.items():
        got = findings[0].evidence[key]
        if isinstance(value, dict):
            assert value.items() <= got.items()
        elif key == "term":
            assert same(parse_expression(got, syms, where="test"), parse_expression(value, syms, where="test"))
        else:
            assert got == value


def test_the_true_table_of_a_shipped_model_is_clean_in_any_order(battery):
    assert one(battery, {"point": [1, 1, 1], "eigenvalues": [CON_111, GOV_111, ENT_111], "signs": ["x"] * 3}) == []


def test_a_repeated_eigenvalue_is_a_finding_about_the_missing_one(battery):
    findings = one(battery, {"point": [1, 1, 1], "eigenvalues": [GOV_111, GOV_111, CON_111]})
    assert [f.evidence.get("repeated") for f in findings] == [True]
    assert same(
        parse_expression(findings[0].evidence["true"], symbols_of(battery), where="test"),
        parse_expression(ENT_111, symbols_of(battery), where="test"),
    )


def test_conditions_that_cannot_hold_get_a_farkas_certificate(battery):
    # C_g + S_e < 0 is impossible for nonnegative C_g and S_e: 1*(-C_g - S_e) + 1*C_g + 1*S_e = 0 with a strict row
    findings = one(battery, {"point": [1, 1, 1], "stable": True, "conditions": ["C_g + S_e < 0", "R_g > 1"]})
    kinds = [f.kind for f in findings]
    assert kinds == [FindingKind.INFEASIBLE_CONDITIONS]
    rows = {r["row"] for r in findings[0].evidence["certificate"]["rows"]}
    assert rows == {"-C_g - S_e > 0", "C_g >= 0", "S_e >= 0"}


def test_conditions_excluded_by_a_sign_elsewhere_in_the_table(battery):
    """The Sci. Rep. pattern: one vertex's unconditional sign contradicts another vertex's ESS condition."""
    table = {
        "claim": [
            {"point": [1, 1, 1], "stable": True,
             "conditions": ["R_g > C_g + S_e + S_c", f"{ENT_111} < 0", f"{CON_111} < 0"]},
            # at (0, 1, 1) the government's eigenvalue is -(C_g - R_g + S_c + S_e), marked "-"
            {"point": [0, 1, 1], "signs": ["-", "x", "x"]},
            # signs that are wrong on their own exclude nothing: a 0 marked "-", and a form and its negation
            # both marked "-" (the enterprise's B_e - K_e at (0, 0, 0) and K_e - B_e at (0, 1, 0))
            {"point": [1, 1, 0], "eigenvalues": ["C_g - D_g*p_d - F_c*p_d - L_g - R_g", "K_e - B_e - p_d*F_e - p_d*L_e", "0"],
             "signs": ["x", "x", "-"]},
            {"point": [0, 0, 0], "signs": ["x", "-", "x"]},
            {"point": [0, 1, 0], "signs": ["x", "-", "x"]},
        ]
    }  # fmt: skip
    findings = run(battery, table)
    excluded = [f for f in findings if f.kind is FindingKind.EXCLUDED_CONDITIONS]
    assert [(f.claim, f.evidence["excluded_by"]) for f in excluded] == [(1, [{"claim": 2, "entry": 1}])]
    assert [(f.claim, f.evidence["entry"]) for f in findings if f.kind is FindingKind.UNIMPLIED_SIGN] == [
        (2, 1), (3, 3), (4, 2), (5, 2)
    ]  # fmt: skip
    assert [f.kind for f in findings if f.claim == 3] == [FindingKind.WRONG_EIGENVALUE, FindingKind.UNIMPLIED_SIGN]


def test_a_mixed_point_called_stable(battery):
    findings = one(battery, {"point": [1, 0.5, "(P_i - P_f)/(P_i + C_n)"], "stable": True})
    assert [(f.kind, f.evidence["mixing"]) for f in findings] == [
        (FindingKind.MIXED_STABLE, ["enterprise", "consumer"])
    ]
    assert one(battery, {"point": [1, 0.5, 0], "stable": False}) == []


def test_a_vertex_called_unstable_that_is_stable_somewhere(battery):
    findings = one(battery, {"point": [1, 1, 1], "stable": False})
    assert [f.kind for f in findings] == [FindingKind.DENIED_STABILITY]
    # under conditions that make it unstable the claim is right
    assert one(battery, {"point": [1, 1, 1], "stable": False, "conditions": [f"{CON_111} > 0"]}) == []


def test_stable_without_conditions_means_for_every_admissible_value(battery):
    findings = one(battery, {"point": [1, 1, 1], "stable": True})
    assert [f.kind for f in findings] == [FindingKind.INSUFFICIENT_CONDITIONS]
    assert findings[0].correction == "add-conditions"


def test_a_sign_that_fails_only_where_it_vanishes_is_a_note(battery):
    """-R_g < 0 fails only at R_g = 0, which the model admits (nonnegative): a note, not a finding; 0 marked "-" is one."""
    table = {
        "claim": [
            {"point": [1, 1, 1], "eigenvalues": [GOV_111, ENT_111, CON_111], "signs": ["x", "x", "x"]},
            {"point": [0, 0, 0], "eigenvalues": ["-R_g", "1", "0"], "signs": ["-", "+", "-"]},
        ]
    }
    result = audit(battery, table)
    signs = [
        (f.claim, f.evidence["entry"], f.evidence["strict"])
        for f in result.findings
        if f.kind is FindingKind.UNIMPLIED_SIGN
    ]
    assert signs == [(2, 3, False)]
    assert [n for n in result.notes if "sign 1" in n and "R_g = 0" in n]
    for f in result.findings:
        verify(f, battery, table)


def test_the_worked_example_in_the_docs():
    """docs/examples/battery_recycling_claims.toml has two deliberate mistakes (docs/audit.md), and only those."""
    path = DOCS / "examples" / "battery_recycling_claims.toml"
    result = audit("battery_recycling", path)
    assert result.checked == 8
    assert [(f.claim, f.kind, f.correction) for f in result.findings] == [
        (6, FindingKind.WRONG_EIGENVALUE, "missing-term"),
        (8, FindingKind.INSUFFICIENT_CONDITIONS, "reversed"),
    ]
    assert result.findings[0].evidence["term"] == "S_e"
    assert [r["condition"] for r in result.findings[1].evidence["reversed"]] == [3]


# --------------------------------------------------------------------------- claims files: bad input
GOOD = {"point": [1, 1, 1], "eigenvalues": [GOV_111, ENT_111, CON_111], "signs": ["x", "x", "x"]}


@pytest.mark.parametrize(
    ("claim", "message"),
    [
        ({**GOOD, "eigenvalue": ["a"]}, '[[claim]] number 1: unknown key "eigenvalue"; did you mean "eigenvalues"?'),
        ({"eigenvalues": GOOD["eigenvalues"]}, "[[claim]] number 1 has no point"),
        ({**GOOD, "point": [1, 1]}, "expected 3 coordinates (x, y, z), found 2"),
        ({**GOOD, "point": [1, 2, 0]}, "point[2] = 2 lies outside [0, 1]"),
        ({**GOOD, "point": [1, True, 0]}, "point[2] must be a number or an expression"),
        ({**GOOD, "point": "111"}, "point must be a list"),
        (
            {**GOOD, "eigenvalues": GOOD["eigenvalues"][:2]},
            "eigenvalues lists 2 expressions; a vertex of this model has 3",
        ),
        ({**GOOD, "eigenvalues": ["C_g", "__import__('os').system('x')", "1"]}, "eigenvalues[2]: attribute access"),
        ({**GOOD, "eigenvalues": ["C_g", "C_gg", "1"]}, 'eigenvalues[2]: "C_gg" is not declared'),
        ({**GOOD, "eigenvalues": ["C_g", "open('f')", "1"]}, 'eigenvalues[2]: calling "open" is not allowed'),
        ({**GOOD, "signs": ["+", "?", "x"]}, 'signs[2] = "?" is not one of "+", "-", "x"'),
        ({**GOOD, "signs": ["+", "-"]}, "signs has 2 entries; eigenvalues lists 3 eigenvalues"),
        ({**GOOD, "stable": "yes"}, "stable must be true or false"),
        ({**GOOD, "conditions": ["C_g < 1"]}, "conditions need stable = true"),
        ({**GOOD, "stable": True, "conditions": ["C_g - 1"]}, "conditions[1]: only one of < <= > >="),
        ({**GOOD, "stable": True, "conditions": ["0 < C_g < 1"]}, "conditions[1]: chained comparison"),
        ({"point": [1, 0.5, 0], "signs": ["x"]}, "signs of a point that is not a vertex need its eigenvalues"),
    ],
)
def test_a_bad_claim_is_one_line_naming_the_claim_and_the_entry(battery, claim, message):
    with pytest.raises(ClaimsError) as info:
        claims_from_dict({"claim": [claim]}, battery, source="t.toml")
    text = str(info.value)
    assert text.startswith("t.toml: ") and "\n" not in text
    assert message in text
    assert isinstance(info.value, ModelError)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no [[claim]] tables"),
        ("[[claim]\npoint = [1, 1, 1]", "not valid TOML"),
        ("claims = 1", "unknown top-level key claims; did you mean claim?"),
        ("claim = 3", "claim must be a list of tables"),
        ("[[claim]]\npoint = [1, 1, 1]\n[[claim]]\npoint = [1, 1, 1]\n", "claim 2: point (1, 1, 1) is also claim 1"),
        (
            "[[claim]]\npoint = [1, 1, 1]\nstable = true\nconditions = ['C_g << 1']",
            "conditions[1]: only one of < <= > >=",
        ),
        ("a = '\x00'", "binary data"),
    ],
)
def test_a_bad_claims_file_is_one_line(battery, text, message):
    with pytest.raises(ClaimsError) as info:
        loads_claims(text, battery, source="t.toml")
    assert message in str(info.value) and "\n" not in str(info.value)


def test_claims_files_on_disk(battery, tmp_path):
    from govgame.model.claims import load_claims

    with pytest.raises(ClaimsError, match="no such file"):
        load_claims(tmp_path / "missing.toml", battery)
    with pytest.raises(ClaimsError, match="is a directory"):
        load_claims(tmp_path, battery)
    bad = tmp_path / "bad.toml"
    bad.write_bytes(bytes(range(256)))
    with pytest.raises(ClaimsError, match="not UTF-8"):
        load_claims(bad, battery)
    good = tmp_path / "good.toml"
    good.write_text("\ufeff[[claim]]\npoint = [1, 1, 1]\nstable = true\n", encoding="utf-8")
    assert load_claims(good, battery)[1].stable is True


def test_reconstruction_keys_with_a_model_are_ignored_with_a_warning(battery):
    with pytest.warns(UserWarning, match="read only by --reconstruct"):
        claims_from_dict({"claim": [GOOD], "parameters": {"C_g": {"sign": "positive"}}}, battery)


def test_points_of_a_population_with_three_strategies(k3_text):
    game = loads_model(k3_text)  # regulator (x), recycler (y1, y2)
    assert claims_from_dict({"claim": [{"point": [1, 0, 0]}]}, game)[1].profile == (0, 2)
    assert claims_from_dict({"claim": [{"point": [0, 0, 1]}]}, game)[1].profile == (1, 1)
    with pytest.raises(ClaimsError, match="add up to more than 1"):
        claims_from_dict({"claim": [{"point": [1, 1, 1]}]}, game)


# --------------------------------------------------------------------------- Farkas certificates
@settings(max_examples=60, deadline=None)
@given(st.data())
def test_certificates_exist_exactly_for_infeasible_systems(data):
    from govgame.model.game import linear_feasible

    syms = sympy.symbols("t0:3")
    n_vars = data.draw(st.integers(1, 3))
    rows, fm = [], []
    for i in range(data.draw(st.integers(1, 5))):
        coef = data.draw(st.lists(st.integers(-3, 3), min_size=n_vars, max_size=n_vars))
        const = data.draw(st.integers(-3, 3))
        strict = data.draw(st.booleans())
        rows.append(Row(f"r{i}", sum(c * s for c, s in zip(coef, syms)) + const, strict))
        fm.append(({s: Fraction(c) for c, s in zip(coef, syms)}, Fraction(const), strict))
    cert = infeasibility_certificate(rows)
    # the oracle: exact Fourier-Motzkin elimination (the model loader's check of [assumptions])
    assert (cert is not None) == (linear_feasible(fm) is False)
    if cert is not None:
        total = sympy.expand(sum(m * r.expr for m, r in zip(cert.multipliers, cert.rows)))
        assert total.is_number and total == cert.constant and all(m > 0 for m in cert.multipliers)
        assert total < 0 or any(r.strict for r in cert.rows)


# --------------------------------------------------------------------------- reconstruction
def printed_only(game: Game, table: dict) -> dict:
    sign = game.parameters[0].sign
    return {
        "parameters": {p.name: {"sign": sign} for p in game.parameters},
        "claim": [{"point": c["point"], "eigenvalues": c["eigenvalues"]} for c in table["claim"]],
    }


@SETTINGS
@given(games(binary=True), st.data())
def test_reconstruction_reproduces_a_consistent_table(game, data):
    table = printed_only(game, clean_table(game, permuter(data)))
    keep = data.draw(st.lists(st.booleans(), min_size=len(table["claim"]), max_size=len(table["claim"])))
    table["claim"] = [c for c, k in zip(table["claim"], keep) if k] or table["claim"][:1]
    result = reconstruct(claims_from_dict(table))
    assert result.consistent and result.findings == ()
    with warnings.catch_warnings():  # a declared parameter may appear in no payoff of a small random game
        warnings.simplefilter("ignore", UserWarning)
        model = loads_model(result.text)  # what --out writes is a valid model file
    syms = symbols_of(model)
    for c in table["claim"]:
        ours = oracle_eigenvalues(model, profile_of(model, c["point"]))
        theirs = [parse_expression(e, syms, where="test") for e in c["eigenvalues"]]
        assert sorted(map(sympy.srepr, map(sympy.expand, ours))) == sorted(map(sympy.srepr, map(sympy.expand, theirs)))
    for p in game.parameters:
        assert model.parameter(p.name).sign == p.sign


@SETTINGS
@given(games(binary=True), st.data())
def test_reconstruction_lists_entries_no_game_can_produce(game, data):
    table = printed_only(game, clean_table(game, permuter(data)))
    rows = table["claim"]
    n, k = data.draw(st.sampled_from([(n, k) for n, c in enumerate(rows) for k in range(len(c["eigenvalues"]))]))
    syms = {p.name: p.symbol for p in game.parameters}
    e = parse_expression(rows[n]["eigenvalues"][k], syms, where="test")
    assume(not e.is_number)
    bits = rows[n]["point"]
    neighbours = [m for m, c in enumerate(rows) if sum(a != b for a, b in zip(c["point"], bits)) == 1]
    # after the flip, -e needs e at a neighbour: make sure no neighbour prints e
    assume(not any(same(parse_expression(t, syms, where="t"), e) for m in neighbours for t in rows[m]["eigenvalues"]))
    rows[n]["eigenvalues"][k] = rewrite(-e)
    result = reconstruct(claims_from_dict(table))
    assert not result.consistent and result.text is None
    found = {(f.claim, f.evidence["entry"]) for f in result.findings}
    assert (n + 1, k + 1) in found
    for f in result.findings:  # each: its negation is printed at none of its neighbours
        assert f.kind is FindingKind.IMPOSSIBLE_EIGENVALUE
        c = rows[f.claim - 1]
        neg = -parse_expression(c["eigenvalues"][f.evidence["entry"] - 1], syms, where="t")
        for d in rows:
            if sum(a != b for a, b in zip(d["point"], c["point"])) == 1:
                assert not any(same(parse_expression(t, syms, where="t"), neg) for t in d["eigenvalues"])


def test_reconstruction_of_a_four_party_table_with_three_impossible_entries():
    """Complexity-2022 style: 16 vertices; three entries replaced, each by a form printed nowhere else."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    from strategies import symbolic_game

    game = symbolic_game((2, 2, 2, 2), seed=7)
    table = printed_only(game, clean_table(game))
    rows = table["claim"]
    fresh = ["a0 + 11", "2*a1 - 13", "3*a2 + 17"]
    targets = [(0, 0), (5, 2), (12, 3)]
    for (n, k), text in zip(targets, fresh):
        rows[n]["eigenvalues"][k] = text
    result = reconstruct(claims_from_dict(table))
    flagged = {(f.claim, f.evidence["entry"]) for f in result.findings}
    assert {(n + 1, k + 1) for n, k in targets} <= flagged
    assert not result.consistent


def test_reconstruction_names_and_signs_from_the_claims_file(tmp_path):
    text = """
title = "A two-party table"
name = "two_party"
[parameters.c]
sign = "positive"
description = "cost"
[[population]]
name = "firm"
strategies = ["comply", "evade"]
share = "x"
[[population]]
name = "agency"
strategies = ["inspect", "trust"]
share = "y"
[[claim]]
point = [0, 0]
eigenvalues = ["f - c", "b"]
[[claim]]
point = [1, 0]
eigenvalues = ["c - f", "-c"]
"""
    result = reconstruct(loads_claims(text, source="t.toml"))
    model = loads_model(result.text)
    assert model.name == "two_party" and [p.name for p in model.populations] == ["firm", "agency"]
    assert model.parameter("c").sign == "positive" and model.parameter("f").sign == "any"
    # (0, 1) and (1, 1) are not in the table: the firm's difference against "inspect" is undetermined
    assert sum(p.description.endswith("not determined by the table") for p in model.parameters) == 1
    for c, expect in [((0, 0), ["f - c", "b"]), ((1, 0), ["c - f", "-c"])]:
        syms = symbols_of(model)
        ours = oracle_eigenvalues(model, profile_of(model, list(c)))
        assert sorted(map(str, ours)) == sorted(str(parse_expression(e, syms, where="t")) for e in expect)


def test_reconstruction_rejects_non_binary_populations():
    with pytest.raises(ClaimsError, match="reconstruction reads binary populations only"):
        loads_claims(
            '[[population]]\nname = "a"\nstrategies = ["p", "q", "r"]\nshare = "x"\n'
            '[[population]]\nname = "b"\nstrategies = ["p", "q"]\nshare = "y"\n'
            "[[claim]]\npoint = [0, 0]\neigenvalues = ['1', '2']\n"
        )
    with pytest.raises(ClaimsError, match="different lengths"):
        loads_claims("[[claim]]\npoint = [0, 0]\n[[claim]]\npoint = [0, 0, 1]\n")
    with pytest.raises(ClaimsError, match="two or more binary populations.*govgame audit MODEL CLAIMS"):
        loads_claims("[[claim]]\npoint = [0]\neigenvalues = ['V/2']\n[[claim]]\npoint = [1]\neigenvalues = ['-V']\n")


# --------------------------------------------------------------------------- reports
@pytest.fixture(scope="module")
def example():
    return audit("battery_recycling", DOCS / "examples" / "battery_recycling_claims.toml")


def test_json_report_shape(example):
    from govgame.io.audit import audit_to_dict

    data = json.loads(json.dumps(audit_to_dict(example), allow_nan=False))
    assert data["model"] == "battery_recycling" and data["checked"] == 8
    assert [set(f) >= {"claim", "kind", "detail", "evidence"} for f in data["findings"]] == [True, True]
    assert all(isinstance(f["claim"], int) and isinstance(f["evidence"], dict) for f in data["findings"])
    assert {f["kind"] for f in data["findings"]} <= {k.value for k in FindingKind}
    assert data["claims"][7]["profile"] == ["strict", "formal", "return"]


def test_markdown_report_has_one_section_per_finding(example):
    from govgame.io.audit import audit_markdown

    md = audit_markdown(example)
    assert len([line for line in md.splitlines() if line.startswith("## ")]) == len(example.findings)
    assert "**Suggested correction.**" in md and "**Evidence.**" in md


def test_every_kind_has_a_documented_meaning():
    reference = (DOCS / "reference.md").read_text(encoding="utf-8")
    for kind in FindingKind:
        assert f"`{kind.value}`" in reference, kind


needs_pdflatex = pytest.mark.skipif(
    shutil.which("pdflatex") is None, reason="pdflatex not installed; .ci/run installs texlive"
)


@needs_pdflatex
def test_latex_report_compiles(example, battery, tmp_path):
    import subprocess

    from govgame.io.audit import audit_latex

    mixed = audit(battery, {"title": "Table 1 & 2 of 100% made-up #1", "claim": [
        {"point": [1, 0.5, 0], "stable": True},
        {"point": [1, 1, 1], "stable": True, "conditions": ["C_g + S_e < 0"]},
        {"point": [0, 1, 1], "signs": ["-", "x", "x"]},
        {"point": [1, 1, 0], "eigenvalues": ["-R_g", "B_e - K_e", "0"], "signs": ["-", "-", "-"]},
    ]})  # fmt: skip
    for name, result in (("example", example), ("mixed", mixed)):
        tex = audit_latex(result)
        (tmp_path / f"{name}.tex").write_text(tex, encoding="utf-8")
        proc = subprocess.run(
            ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", f"{name}.tex"],
            cwd=tmp_path, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stdout[-3000:]
    assert r"100\% made-up \#1" in audit_latex(mixed)


@SETTINGS
@given(games(), st.data())
def test_several_corruptions_at_once_are_each_found_and_named(game, data):
    """A sign flip, a dropped term and a reversed condition in one table, at different claims."""
    table = clean_table(game, permuter(data))
    rows = table["claim"]
    claims = data.draw(st.permutations(range(len(rows))))
    flip_at, drop_at = claims[0], claims[1]
    truth = all_truth(game)
    expected = set()
    k = data.draw(st.integers(0, len(rows[flip_at]["eigenvalues"]) - 1))
    e = printed(game, table, flip_at, k)
    assume(e != 0 and not any(same(-e, t) for t in truth_of(game, table, flip_at)))
    rows[flip_at]["eigenvalues"][k] = rewrite(-e)
    expected.add((flip_at + 1, k + 1, "sign-flip"))
    j = data.draw(st.integers(0, len(rows[drop_at]["eigenvalues"]) - 1))
    d = printed(game, table, drop_at, j)
    terms = sympy.Add.make_args(d)
    assume(len(terms) > 1)
    p = d - data.draw(st.sampled_from(terms))
    assume(not any(same(p, t) or same(p, -t) for t in truth) and not same(p, e) and not same(p, -e))
    rows[drop_at]["eigenvalues"][j] = rewrite(p)
    expected.add((drop_at + 1, j + 1, "missing-term"))
    findings = run(game, table)
    got = {(f.claim, f.evidence["entry"], f.correction) for f in findings if f.kind is FindingKind.WRONG_EIGENVALUE}
    assert got == expected
    stable = [n for n in claims[2:] if rows[n].get("conditions")]
    if stable:
        n = stable[0]
        rows[n]["conditions"][0] = rows[n]["conditions"][0].replace(" < 0", " > 0")
        findings = run(game, table)
        reversed_ = [
            (f.claim, [r["condition"] for r in f.evidence["reversed"]]) for f in findings if f.correction == "reversed"
        ]
        assert reversed_ == [(n + 1, [1])]


def test_certificates_for_polynomial_conditions_treat_monomials_as_variables():
    """alpha*W2 - alpha*H2 < 0 and the sign "+" of the same form elsewhere exclude each other."""
    a, w, h = (sympy.Symbol(n, positive=True) for n in ("alpha", "W2", "H2"))
    rows = [Row("condition", a * h - a * w, True), Row("sign", a * w - a * h, True)]
    cert = infeasibility_certificate(rows)
    assert cert is not None and cert.check() and cert.multipliers == (1, 1)
    # alpha*W2 > 0 is implied by the signs: alpha*W2 < 0 cannot hold together with the monomial's sign row
    assert infeasibility_certificate([Row("c", -a * w, True)]) is None  # no sign row given: the relaxation is feasible
    assert infeasibility_certificate([Row("c", -a * w, True), Row("sign", a * w, True)]) is not None


def test_conditions_with_products_of_parameters(battery):
    # p_d*F_e is nonnegative for nonnegative p_d and F_e: p_d*F_e + C_g < 0 cannot hold
    findings = one(battery, {"point": [1, 1, 1], "stable": True, "conditions": ["p_d*F_e + C_g < 0"]})
    assert [f.kind for f in findings] == [FindingKind.INFEASIBLE_CONDITIONS]
    rows = {r["row"] for r in findings[0].evidence["certificate"]["rows"]}
    assert rows == {"-C_g - F_e*p_d > 0", "C_g >= 0", "F_e*p_d >= 0"}


# --------------------------------------------------------------------------- the command
EXAMPLE = DOCS / "examples" / "battery_recycling_claims.toml"


def cli(capsys, *argv):
    from govgame.cli import main

    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_cli_exit_status_is_1_with_findings_and_0_without(capsys, tmp_path):
    status, out, err = cli(capsys, "audit", "battery_recycling", str(EXAMPLE))
    assert status == 1 and out.startswith("battery_recycling: 8 claims checked, 2 findings") and err == ""
    clean = tmp_path / "clean.toml"
    clean.write_text(f"[[claim]]\npoint = [1, 1, 1]\neigenvalues = {json.dumps([CON_111, GOV_111, ENT_111])}\n")
    status, out, err = cli(capsys, "audit", "battery_recycling", str(clean))
    assert (status, err) == (0, "") and "no findings" in out


def test_cli_json(capsys):
    status, out, _ = cli(capsys, "audit", "battery_recycling", str(EXAMPLE), "--format", "json")
    data = json.loads(out)
    assert status == 1 and data["model"] == "battery_recycling" and data["checked"] == 8
    assert [(f["claim"], f["kind"]) for f in data["findings"]] == [
        (6, "wrong-eigenvalue"),
        (8, "insufficient-conditions"),
    ]


@pytest.mark.parametrize("fmt", ["markdown", "latex"])
def test_cli_reports(capsys, fmt):
    status, out, _ = cli(capsys, "audit", "battery_recycling", str(EXAMPLE), "--format", fmt)
    assert status == 1
    assert out.startswith("# Audit") if fmt == "markdown" else out.startswith(r"\documentclass")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["audit", "battery_recycling"], "audit needs a MODEL and a CLAIMS file"),
        (["audit"], "audit needs a MODEL and a CLAIMS file"),
        (["audit", "battery_recycling", "--reconstruct", "t.toml"], "--reconstruct reads the table alone"),
        (["audit", "battery_recycling", "EXAMPLE", "--out", "m.toml"], "--out writes a reconstructed model"),
        (["audit", "no_such_model", "EXAMPLE"], 'no shipped model named "no_such_model"'),
        (["audit", "battery_recycling", "/no/such/claims.toml"], "/no/such/claims.toml: no such file"),
        (["audit", "battery_recycling", "EXAMPLE", "--format", "pdf"], "invalid choice: 'pdf'"),
        (["audit", "--reconstruct", "/no/such/claims.toml"], "no such file"),
    ],
)
def test_cli_bad_arguments_are_one_error_line(capsys, argv, message):
    argv = [str(EXAMPLE) if a == "EXAMPLE" else a for a in argv]
    status, out, err = cli(capsys, *argv)
    assert status == 2 and out == ""
    errors = [line for line in err.splitlines() if line.startswith("govgame: error:")]
    assert len(errors) == 1 and message in errors[0] and "Traceback" not in err


def test_cli_bad_claims_file_names_the_claim_and_the_entry(capsys, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[[claim]]\npoint = [1, 1, 1]\n[[claim]]\npoint = [0, 0, 0]\nsigns = ["-", "+", "?"]\n')
    status, out, err = cli(capsys, "audit", "battery_recycling", str(bad))
    assert status == 2 and out == ""
    assert err.strip() == f'govgame: error: {bad}: [[claim]] number 2, signs[3] = "?" is not one of "+", "-", "x"'


def test_cli_hostile_claims_file_runs_no_code(tmp_path):
    """The real command, in a subprocess: an expression that would run code is one error line, and runs nothing."""
    import subprocess
    import sys

    marker = tmp_path / "MARKER"
    bad = tmp_path / "hostile.toml"
    bad.write_text(
        "[[claim]]\npoint = [1, 1, 1]\nstable = true\n"
        f"conditions = [\"__import__('os').system('touch {marker}') > 0\"]\n"
    )
    proc = subprocess.run(
        [sys.executable, "-m", "govgame", "audit", "battery_recycling", str(bad)],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
        env={**__import__("os").environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
    )  # fmt: skip
    assert proc.returncode == 2 and proc.stdout == "" and not marker.exists()
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("govgame: error: ")
    assert "conditions[1]: attribute access is not allowed" in proc.stderr


def test_cli_reconstruct_writes_a_model_that_reproduces_the_table(capsys, tmp_path):
    table = tmp_path / "table.toml"
    table.write_text(
        '[[claim]]\npoint = [0, 0]\neigenvalues = ["a - c", "b"]\n'
        '[[claim]]\npoint = [1, 0]\neigenvalues = ["c - a", "d"]\n'
    )
    out_file = tmp_path / "model.toml"
    status, out, err = cli(capsys, "audit", "--reconstruct", str(table), "--out", str(out_file))
    assert status == 0 and "consistent" in out
    # the written model reproduces the table: auditing the table against it finds nothing
    status, out, err = cli(capsys, "audit", str(out_file), str(table))
    assert status == 0 and "no findings" in out
    status, out, _ = cli(capsys, "audit", "--reconstruct", str(table))
    assert status == 0 and loads_model(out).name == "reconstructed"  # without --out: the model on stdout
    table.write_text(
        '[[claim]]\npoint = [0, 0]\neigenvalues = ["a - c", "b"]\n'
        '[[claim]]\npoint = [1, 0]\neigenvalues = ["a - c", "d"]\n'
    )
    status, out, _ = cli(capsys, "audit", "--reconstruct", str(table), "--format", "json")
    data = json.loads(out)
    assert status == 1 and data["reconstructed"] is False and data["model_file"] is None
    # the first population's eigenvalue at (0, 0) must be minus the one at (1, 0): neither c - a nor -b is there
    assert [(f["claim"], f["kind"], f["evidence"]["population"]) for f in data["findings"]] == [
        (1, "inconsistent-table", "population_1")
    ]
    table.write_text(
        '[[claim]]\npoint = [0, 0]\neigenvalues = ["a - c", "b"]\n'
        '[[claim]]\npoint = [1, 0]\neigenvalues = ["c - a", "d"]\n'
        '[[claim]]\npoint = [0, 1]\neigenvalues = ["e", "b"]\n'
    )
    status, out, _ = cli(capsys, "audit", "--reconstruct", str(table), "--format", "json")
    # b at (0, 0) needs -b at (1, 0) or at (0, 1): neither prints it (b at (0, 1) may pair with the unlisted (1, 1))
    assert status == 1
    assert [(f["claim"], f["kind"], f["evidence"]["entry"]) for f in json.loads(out)["findings"]] == [
        (1, "impossible-eigenvalue", 2)
    ]


def test_top_level_audit_is_lazy():
    import govgame

    assert govgame.audit is audit and govgame.ClaimsError is ClaimsError
