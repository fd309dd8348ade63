r"""Audit a published stability table against its own payoff matrix (SPEC §7).

A claims file (:mod:`govgame.model.claims`) lists, for points of the state space, the eigenvalues a
paper prints, its sign column, whether it calls the point stable, and the conditions it states.
:func:`audit` compares every entry with the exact mathematics of the model and returns a
:class:`Finding` for every entry that is provably wrong. A finding is never a guess: each one
carries evidence that was checked in exact rational arithmetic, and where a check cannot be
completed (a nonlinear system that only sampling could explore) there is no finding, only a note.

Kinds of finding (the ``kind`` of the JSON):

``wrong-eigenvalue``
    A printed eigenvalue equals no true eigenvalue of the vertex (``u_i - u_s`` for each
    population and each strategy ``i`` other than the one played, ``s``). Printed and true
    eigenvalues are matched up to order; the unmatched ones are explained, in this order: a pair
    swapped between two claimed vertices (``swapped``), a sign flip (``sign-flip``), a missing or
    an extra term (``missing-term``, ``extra-term``), one symbol written for another (``typo``),
    one term with the wrong sign or coefficient (``term-sign``, ``wrong-term``), the eigenvalue of
    another vertex (``from-other-vertex``); combinations with a sign flip are prefixed
    ``sign-flip+``; otherwise ``unexplained``. Evidence: an admissible parameter point at which
    the printed value differs from every true eigenvalue there.
``unimplied-sign``
    A sign marked ``+`` or ``-`` that the parameter signs and ``[assumptions]`` do not imply.
    Evidence: an admissible parameter point where the expression has the other sign (or the
    expression is identically 0). A sign that fails only where the expression vanishes (a
    nonnegative parameter at 0) is a note, not a finding.
``contradictory-signs``
    Two sign entries that cannot both hold, whatever the model: ``s1*e1 + s2*e2`` is identically a
    constant ``<= 0`` (typically a linear form marked ``-`` at one vertex and its exact negative
    marked ``-`` at another). Evidence: the identity.
``insufficient-conditions``
    A point called stable whose stated conditions do not imply that every eigenvalue is
    negative. Evidence: an admissible point satisfying every stated condition at which an
    eigenvalue is ``> 0`` (or an eigenvalue that is identically 0; one that vanishes only on the
    boundary is a note); the correction ``reversed`` says a condition is the reverse of an
    eigenvalue's ``< 0``.
``infeasible-conditions``
    A point called stable under conditions that cannot hold for any admissible parameters.
    Evidence: a Farkas certificate (:mod:`govgame.analysis.farkas`): integer multipliers whose weighted sum
    of the conditions, assumptions and parameter signs is a constant of the impossible sign.
``excluded-conditions``
    Stated conditions that can hold only where a sign the table claims unconditionally (at this
    or another point) fails. Evidence: a Farkas certificate using that sign.
``mixed-stable``
    A point where some population mixes, called stable, in a game whose payoffs do not depend on
    the state: such a point is never asymptotically stable (Selten 1980; Ritzberger and Weibull 1995).
``denied-stability``
    A vertex called not stable (under the stated conditions, if any) that is asymptotically stable
    at some admissible parameter point satisfying them. Evidence: that point, with every eigenvalue
    negative there.

Examples
--------
>>> from govgame.model.loader import load_model
>>> game = load_model("battery_recycling")
>>> result = audit(game, {"claim": [
...     {"point": [1, 1, 1], "eigenvalues": ["C_g + S_c + S_e - R_g", "B_e - K_e"], "stable": True},
... ]})
Traceback (most recent call last):
...
govgame.errors.ClaimsError: <dict>: [[claim]] number 1, eigenvalues lists 2 expressions; a vertex of this model has 3 ...
>>> result = audit(game, {"claim": [{"point": [0, 1, 1], "signs": ["-", "x", "x"]}]})
>>> [(f.claim, str(f.kind)) for f in result.findings]
[(1, 'unimplied-sign')]
"""

from __future__ import annotations

import enum
import itertools
import os
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sympy

from ..model.claims import Claim, Claims, claims_from_dict, load_claims
from ..model.expr import format_expression
from ..model.game import Game
from .dynamics import replicator
from .equilibria import vertex_point, vertices
from .farkas import Certificate, Row, infeasibility_certificate, monomial_coefficients, monomial_sign
from .regions import Region, as_condition
from .stability import vertex_eigenvalues

__all__ = ["FindingKind", "Finding", "Audit", "audit"]


class FindingKind(str, enum.Enum):
    """What is wrong with an entry of the table (the ``kind`` strings of the JSON)."""

    WRONG_EIGENVALUE = "wrong-eigenvalue"
    UNIMPLIED_SIGN = "unimplied-sign"
    CONTRADICTORY_SIGNS = "contradictory-signs"
    INSUFFICIENT_CONDITIONS = "insufficient-conditions"
    INFEASIBLE_CONDITIONS = "infeasible-conditions"
    EXCLUDED_CONDITIONS = "excluded-conditions"
    MIXED_STABLE = "mixed-stable"
    DENIED_STABILITY = "denied-stability"
    IMPOSSIBLE_EIGENVALUE = "impossible-eigenvalue"
    INCONSISTENT_TABLE = "inconsistent-table"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Finding:
    """One provably wrong entry of a table.

    Attributes
    ----------
    claim : int
        Number of the claim (counting from 1, as in the file).
    kind : FindingKind
    detail : str
        One sentence saying what is wrong.
    evidence : dict
        What proves it (JSON-ready: strings, numbers, lists, dicts).
    correction : str
        A short code for the correction (``sign-flip``, ``swapped``, ``reversed``, ...), or ``""``.
    suggestion : str
        The corrected entry, in words.
    """

    claim: int
    kind: FindingKind
    detail: str
    evidence: Mapping[str, Any]
    correction: str = ""
    suggestion: str = ""


@dataclass(frozen=True, eq=False)
class Audit:
    """The result of :func:`audit`: the findings, and what was checked.

    Attributes
    ----------
    game : Game
    claims : Claims
    findings : tuple of Finding
        Sorted by claim, then by kind.
    true_eigenvalues : dict
        For each vertex claim (by number), the exact eigenvalues of the model there.
    notes : tuple of str
        Checks that could not be completed (no finding was made from them).
    """

    game: Game
    claims: Claims
    findings: tuple[Finding, ...]
    true_eigenvalues: Mapping[int, tuple[sympy.Expr, ...]] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def checked(self) -> int:
        """Number of claims checked."""
        return len(self.claims)

    @property
    def model(self) -> str:
        """Name of the model."""
        return self.game.name

    def _repr_markdown_(self) -> str:
        """Jupyter: the Markdown report."""
        from ..io.audit import audit_markdown

        return audit_markdown(self)


def audit(game: Game | str | os.PathLike[str], claims: Claims | Mapping[str, Any] | str | os.PathLike[str]) -> Audit:
    """Check a published stability table against the model it was derived from (SPEC §7).

    Parameters
    ----------
    game : Game, or str / path-like
        The model (or a path to a model file, or the name of a shipped model).
    claims : Claims, mapping, or str / path-like
        The table: a path to a claims file, a mapping laid out like one, or :class:`Claims`.

    Returns
    -------
    Audit

    Examples
    --------
    >>> result = audit("battery_recycling", {"claim": [{"point": [1, 1, 1], "eigenvalues": [
    ...     "C_g - R_g + S_c + S_e",
    ...     "B_e - C_e - K_e + R_e + S_e - R_i + p_d*F_e + p_d*L_e",
    ...     "C_c - F_c*p_d - P_f + P_i - S_c - W_c"]}]})
    >>> f = result.findings[0]
    >>> str(f.kind), f.correction, f.evidence["true"]
    ('wrong-eigenvalue', 'sign-flip', '-B_e + C_e - F_e*p_d + K_e - L_e*p_d - R_e + R_i - S_e')
    """
    if not isinstance(game, Game):
        from ..model.loader import load_model

        game = load_model(game)
    if isinstance(claims, Claims):
        if claims.game_name is not None and claims.game_name != game.name:
            raise ValueError(f'these claims were read for the model "{claims.game_name}", not "{game.name}"')
    elif isinstance(claims, Mapping):
        claims = claims_from_dict(claims, game)
    else:
        claims = load_claims(claims, game)
    return _Auditor(game, claims).run()


# --------------------------------------------------------------------------- exact helpers
def _canon(e: sympy.Expr) -> sympy.Expr:
    """A canonical form: expanded, and one cancelled fraction when there is a denominator."""
    e = sympy.expand(e)
    if any(p.exp.is_negative for p in e.atoms(sympy.Pow)):
        e = sympy.cancel(sympy.together(e))
    return e


def _text(e: sympy.Basic) -> str:
    return format_expression(e)


def _number_text(v: sympy.Expr) -> str:
    return sympy.sstr(v)


def _is_nonzero(v: sympy.Expr) -> bool:
    """True only when ``v`` is a number proved nonzero (exactly for rationals)."""
    if v.is_Rational:
        return v != 0
    return v.is_number and v.is_zero is False and not v.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo)


def _sign_ok(value: sympy.Expr, strict: bool) -> bool | None:
    """Whether ``value > 0`` (strict) or ``>= 0`` holds; None when undefined."""
    if not value.is_number or value.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo) or value.is_real is False:
        return None
    return bool(value > 0) if strict else bool(value >= 0)


class _Auditor:
    """One audit: the model's exact eigenvalues, the admissible region, and the checks."""

    def __init__(self, game: Game, claims: Claims) -> None:
        self.game = game
        self.claims = claims
        self.region = Region(game, game.values())
        self.dynamics = replicator(game)
        self.notes: list[str] = []
        self._keys: dict[sympy.Expr, sympy.Expr] = {}
        self._points: list[dict[sympy.Symbol, sympy.Rational]] | None = None
        self._other: dict = {}
        self.assumptions = [as_condition(r) for r in game.assumptions]
        self.vertex_truth: dict[tuple[int, ...], tuple[sympy.Expr, ...]] = {}
        for eq in vertices(game):
            self.vertex_truth[tuple(s[0] for s in eq.support)] = vertex_eigenvalues(self.dynamics, eq)
        self.by_profile = {c.profile: c for c in claims if c.profile is not None}

    # ------------------------------------------------------------------ plumbing
    def key(self, e: sympy.Expr) -> sympy.Expr:
        if e not in self._keys:
            self._keys[e] = _canon(e)
        return self._keys[e]

    def same(self, a: sympy.Expr, b: sympy.Expr) -> bool:
        return self.key(a) == self.key(b) or _canon(a - b) == 0

    def truth(self, claim: Claim) -> tuple[sympy.Expr, ...]:
        assert claim.profile is not None
        return self.vertex_truth[claim.profile]

    def profile_text(self, profile: tuple[int, ...]) -> str:
        return "/".join(p.strategies[j] for p, j in zip(self.game.populations, profile))

    def vertex_text(self, profile: tuple[int, ...]) -> str:
        return "(" + ", ".join(str(c) for c in vertex_point(self.game, profile)) + ")"

    def run(self) -> Audit:
        findings: list[Finding] = []
        findings += self.eigenvalue_findings()
        sign_findings, flagged = self.sign_findings()
        findings += sign_findings
        findings += self.contradiction_findings(flagged)
        findings += self.stability_findings()
        order = {k: i for i, k in enumerate(FindingKind)}
        findings.sort(key=lambda f: (f.claim, order[f.kind], f.evidence.get("entry", 0)))
        truth = {c.number: self.truth(c) for c in self.claims if c.is_vertex}
        return Audit(self.game, self.claims, tuple(findings), truth, tuple(self.notes))

    # ------------------------------------------------------------------ admissible points
    def admissible(self, point: Mapping[sympy.Symbol, sympy.Rational], *, interior: bool = False) -> bool:
        """Exact check of the parameter signs and assumptions (strictly inside with ``interior``)."""
        for p in self.game.parameters:
            v = point.get(p.symbol)
            if v is None or p.sign == "any":
                continue
            if p.sign == "negative":
                ok = v < 0
            else:
                ok = v > 0 if p.sign == "positive" or interior else v >= 0
            if not ok:
                return False
        for g, strict in self.assumptions:
            if not _sign_ok(g.xreplace(dict(point)), strict or interior):
                return False
        return True

    def sample_points(self) -> list[dict[sympy.Symbol, sympy.Rational]]:
        """Admissible parameter points with short decimal values (deterministic), for identity proofs."""
        if self._points is not None:
            return self._points
        rng = random.Random(20240614)
        params = self.game.parameters
        out: list[dict[sympy.Symbol, sympy.Rational]] = []

        def value(par, centre: float | None = None) -> sympy.Rational:
            sign = par.sign
            if centre is not None:  # near an admissible point found by linear programming
                v = sympy.Rational(repr(float(centre))) + sympy.Rational(rng.randint(-25, 25), 100)
                if sign in ("positive", "nonnegative"):
                    v = abs(v)
                elif sign == "negative":
                    v = -abs(v)
                return v if v != 0 or sign in ("nonnegative", "any") else sympy.Rational(1, 100)
            if par.range is not None:  # inside the plausible range: evidence a reader finds natural
                lo, hi = (sympy.Rational(repr(float(b))) for b in par.range)
                return lo + (hi - lo) * sympy.Rational(rng.randint(1, 19), 20)
            v = sympy.Rational(rng.randint(1, 40), rng.choice((1, 2, 4, 5)))
            return -v if sign == "negative" or (sign == "any" and rng.random() < 0.5) else v

        for _ in range(400):
            pt = {p.symbol: value(p) for p in params}
            if self.admissible(pt, interior=True):
                out.append(pt)
                if len(out) >= 24:
                    break
        if len(out) < 24:
            base = self.region.feasible()
            if base.feasible and base.witness is not None:
                centre = base.witness
                for _ in range(400):
                    pt = {p.symbol: value(p, centre[p.name]) for p in params}
                    if self.admissible(pt):
                        out.append(pt)
                        if len(out) >= 24:
                            break
                exact = {p.symbol: sympy.Rational(repr(float(centre[p.name]))) for p in params}
                if self.admissible(exact):
                    out.append(exact)
        self._points = out
        return out

    def witness_point(self, witness: Mapping[str, float]) -> dict[sympy.Symbol, sympy.Rational]:
        return {p.symbol: sympy.Rational(repr(float(witness[p.name]))) for p in self.game.parameters}

    def shown(self, point: Mapping[sympy.Symbol, sympy.Rational], exprs: Iterable[sympy.Basic]) -> dict[str, float]:
        """The values of the parameters that the expressions (and the assumptions) use, for the evidence."""
        used: set[sympy.Symbol] = set()
        for e in exprs:
            used |= e.free_symbols
        for g, _ in self.assumptions:
            used |= g.free_symbols
        return {p.name: float(point[p.symbol]) + 0.0 for p in self.game.parameters if p.symbol in used}

    def counterexample(
        self,
        strict: Sequence[sympy.Expr],
        nonstrict: Sequence[sympy.Expr],
        *,
        what: str = "",
    ) -> dict[sympy.Symbol, sympy.Rational] | None:
        """An admissible point where every ``g > 0`` (strict) and ``g >= 0`` (nonstrict) holds, checked exactly.

        When only sampling could look for one and found none, ``what`` (if given) goes into the notes:
        no finding is made, but the entry is not proved either.
        """
        feas = self.region.feasible(strict=list(strict), nonstrict=list(nonstrict))
        if not feas.feasible or feas.witness is None:
            if what and not feas.proven:
                self.notes.append(f"{what}: not proved; the expressions are nonlinear and {feas.method}")
            return None
        pt = self.witness_point(feas.witness)
        if not self.admissible(pt):
            return None
        for g in strict:
            if not _sign_ok(g.xreplace(pt), True):
                return None
        for g in nonstrict:
            if not _sign_ok(g.xreplace(pt), False):
                return None
        return pt

    def base_rows(self, exprs: Iterable[sympy.Basic]) -> list[Row]:
        """The model's assumptions, and the sign of every monomial that ``exprs`` or they use, as rows.

        A parameter's sign is the sign of a monomial of degree one; for products (``p_d*F_e``) the sign
        follows from the factors' (:func:`govgame.analysis.farkas.monomial_sign`).
        """
        rows = []
        for i, (rel, (g, strict)) in enumerate(zip(self.game.assumptions, self.assumptions)):
            rows.append(Row(f"assumption {i + 1}: {_text(rel)}", g, strict))
        monomials: set[sympy.Expr] = set()
        for e in [*exprs, *(r.expr for r in rows)]:
            coef = monomial_coefficients(e)
            if coef is not None:
                monomials |= set(coef[1])
        signs = {p.symbol: p.sign for p in self.game.parameters}
        for m in sorted(monomials, key=sympy.default_sort_key):
            found = monomial_sign(m, signs)
            if found is None:
                continue
            sign, strict = found
            op = (">" if strict else ">=") if sign > 0 else ("<" if strict else "<=")
            what = f"sign of {m}" if m.is_Symbol else f"sign of the product {_text(m)}"
            rows.append(Row(f"{what}: {_text(m)} {op} 0", sign * m, strict))
        return rows

    # ------------------------------------------------------------------ eigenvalues
    def eigenvalue_findings(self) -> list[Finding]:
        claims = [c for c in self.claims if c.is_vertex and c.eigenvalues is not None]
        open_printed: dict[int, list[int]] = {}
        open_true: dict[int, list[int]] = {}
        for c in claims:
            truth = self.truth(c)
            free = list(range(len(truth)))
            left = []
            for k, p in enumerate(c.eigenvalues or ()):
                j = next((j for j in free if self.same(p, truth[j])), None)
                if j is None:
                    left.append(k)
                else:
                    free.remove(j)
            open_printed[c.number], open_true[c.number] = left, free
        out: list[Finding] = []
        # a pair swapped between two claimed vertices: each printed one is the other's true one
        for c, d in itertools.combinations(claims, 2):
            for k in list(open_printed[c.number]):
                p = c.eigenvalues[k]
                j = next((j for j in open_true[d.number] if self.same(p, self.truth(d)[j])), None)
                if j is None:
                    continue
                for m in open_printed[d.number]:
                    q = d.eigenvalues[m]
                    i = next((i for i in open_true[c.number] if self.same(q, self.truth(c)[i])), None)
                    if i is None:
                        continue
                    flips = self.same(p, -self.truth(c)[i]) and self.same(q, -self.truth(d)[j])
                    code = "sign-flip" if flips else "swapped"
                    out.append(self.wrong_eigenvalue(c, k, i, code, {"partner": (d, m)}))
                    out.append(self.wrong_eigenvalue(d, m, j, code, {"partner": (c, k)}))
                    open_printed[c.number].remove(k)
                    open_true[c.number].remove(i)
                    open_printed[d.number].remove(m)
                    open_true[d.number].remove(j)
                    break
        for c in claims:
            left, free = open_printed[c.number], open_true[c.number]
            if not left:
                continue
            truth = self.truth(c)
            table = [[self.explain(c, c.eigenvalues[k], truth[j]) for j in free] for k in left]
            for a, b in _assignment([[cell[0] for cell in row] for row in table]):
                cost, code, info = table[a][b]
                out.append(self.wrong_eigenvalue(c, left[a], free[b], code, info))
        return [f for f in out if f is not None]

    def explain(self, claim: Claim, p: sympy.Expr, t: sympy.Expr) -> tuple[float, str, dict]:
        """How the printed ``p`` most likely came from the true ``t``: (cost, correction code, details)."""
        if self.same(p, -t):
            return 1.0, "sign-flip", {}
        found = self.structural(p, t)
        if found is not None:
            return found
        found = self.structural(-p, t)
        if found is not None:
            return found[0] + 2, "sign-flip+" + found[1], found[2]
        other = self.other_vertex(claim.profile, p)
        if other is not None:
            return 2.5, "from-other-vertex", {"vertex": other}
        return 10.0, "unexplained", {}

    def other_vertex(self, profile: tuple[int, ...] | None, p: sympy.Expr) -> tuple[int, ...] | None:
        """The first other vertex (in profile order) that has ``p`` as an eigenvalue, exactly."""
        cache_key = (profile, self.key(p))
        if cache_key not in self._other:
            self._other[cache_key] = next(
                (w for w, values in self.vertex_truth.items() if w != profile and any(self.same(p, v) for v in values)),
                None,
            )
        return self._other[cache_key]

    def structural(self, p: sympy.Expr, t: sympy.Expr) -> tuple[float, str, dict] | None:
        tp = set(sympy.Add.make_args(self.key(p)))
        tt = set(sympy.Add.make_args(self.key(t)))
        missing, extra = tt - tp, tp - tt
        if not extra and len(missing) == 1:
            return 2.0, "missing-term", {"term": next(iter(missing))}
        if not missing and len(extra) == 1:
            return 2.0, "extra-term", {"term": next(iter(extra))}
        typo = self.typo(p, t)
        if typo is not None:
            return 2.0, "typo", {"symbols": typo}
        if len(missing) == 1 and len(extra) == 1:
            m, e = next(iter(missing)), next(iter(extra))
            if self.same(m, -e):
                return 2.0, "term-sign", {"term": m}
            return 3.0, "wrong-term", {"term": m, "printed_term": e}
        return None

    def typo(self, p: sympy.Expr, t: sympy.Expr) -> tuple[sympy.Symbol, sympy.Symbol] | None:
        fp, ft = p.free_symbols, t.free_symbols
        for s in sorted((fp - ft) or fp, key=str):
            for r in sorted((ft - fp) or ft, key=str):
                if r != s and self.same(p.xreplace({s: r}), t):
                    return s, r
        return None

    def wrong_eigenvalue(self, claim: Claim, k: int, j: int, code: str, info: dict) -> Finding | None:
        """The finding for printed entry ``k`` of ``claim``, most likely the true eigenvalue ``j``."""
        p = claim.eigenvalues[k]
        truth = self.truth(claim)
        t = truth[j]
        printed = claim.eigenvalue_texts[k]
        ev: dict[str, Any] = {
            "entry": k + 1,
            "printed": printed,
            "true": _text(t),
            "true_eigenvalues": [_text(v) for v in truth],
        }
        why = {
            "sign-flip": "its sign is flipped",
            "swapped": "it was swapped with an entry of another point",
            "missing-term": "a term is missing",
            "extra-term": "it has an extra term",
            "typo": "one symbol is written for another",
            "term-sign": "one term has the wrong sign",
            "wrong-term": "one term is wrong",
            "from-other-vertex": "it is an eigenvalue of another vertex",
            "unexplained": "no simple correction explains it",
        }
        reason = why.get(code, why["sign-flip"] + " and " + why.get(code.removeprefix("sign-flip+"), "it differs"))
        suggestion = f"replace eigenvalue {k + 1} by {_text(t)}"
        if "partner" in info:
            other, m = info["partner"]
            ev["partner"] = {"claim": other.number, "entry": m + 1, "printed": other.eigenvalue_texts[m]}
            if code == "swapped":
                suggestion = (
                    f"swap eigenvalue {k + 1} with eigenvalue {m + 1} of {other.label}, {other.point_text}: "
                    f"{printed} belongs there and the true eigenvalue here is {_text(t)}"
                )
            else:
                suggestion += f" (equivalently: swap it with eigenvalue {m + 1} of {other.label})"
        if "term" in info:
            ev["term"] = _text(info["term"])
        if "printed_term" in info:
            ev["printed_term"] = _text(info["printed_term"])
        if "symbols" in info:
            s, r = info["symbols"]
            ev["printed_symbol"], ev["true_symbol"] = str(s), str(r)
            reason = f"{s} is written for {r}"
        if "vertex" in info:
            other_profile = info["vertex"]
            ev["vertex"] = {"point": self.vertex_text(other_profile), "profile": self.profile_text(other_profile)}
            other_claim = self.by_profile.get(other_profile)
            if other_claim is not None:
                ev["vertex"]["claim"] = other_claim.number
        if code == "missing-term":
            suggestion += f" (add the term {ev['term']})"
        elif code == "extra-term":
            suggestion += f" (drop the term {ev['term']})"
        point = self.distinguishing_point(p, truth)
        if point is not None:
            ev["at"] = self.shown(point, [p, *truth])
            ev["printed_value"] = _number_text(p.xreplace(point))
            ev["true_values"] = [_number_text(v.xreplace(point)) for v in truth]
            detail = (
                f"printed eigenvalue {k + 1}, {printed}, is not an eigenvalue of {claim.point_text}; "
                f"most likely it is {_text(t)}: {reason}"
            )
        elif any(self.same(p, v) for v in truth):
            # p is a true eigenvalue listed once too often: the proof is that t is missing from the printed list
            point = self.distinguishing_point(t, claim.eigenvalues)
            if point is None:
                self.notes.append(f"{claim.label}: could not decide whether eigenvalue {k + 1} ({printed}) is wrong")
                return None
            ev["repeated"] = True
            ev["at"] = self.shown(point, [t, *claim.eigenvalues])
            ev["missing_value"] = _number_text(t.xreplace(point))
            ev["printed_values"] = [_number_text(v.xreplace(point)) for v in claim.eigenvalues]
            detail = (
                f"printed eigenvalue {k + 1}, {printed}, is listed more often than {claim.point_text} has it, "
                f"and the true eigenvalue {_text(t)} is missing"
            )
        else:
            self.notes.append(f"{claim.label}: could not decide whether eigenvalue {k + 1} ({printed}) is wrong")
            return None
        return Finding(claim.number, FindingKind.WRONG_EIGENVALUE, detail, ev, code, suggestion)

    def distinguishing_point(self, p: sympy.Expr, others: Sequence[sympy.Expr]) -> dict | None:
        """An admissible point where ``p`` differs from every one of ``others``, exactly."""
        for pt in self.sample_points():
            vp = p.xreplace(pt)
            if _sign_ok(vp, False) is None:
                continue
            if all(_is_nonzero(vp - t.xreplace(pt)) for t in others):
                return pt
        return None

    # ------------------------------------------------------------------ signs
    def sign_entries(self) -> list[tuple[Claim, int, str, sympy.Expr, str]]:
        """Every sign entry with the expression it refers to: (claim, index, mark, expression, text)."""
        out = []
        for c in self.claims:
            if c.signs is None:
                continue
            for k, mark in enumerate(c.signs):
                if c.eigenvalues is not None:
                    e, text = c.eigenvalues[k], c.eigenvalue_texts[k]
                else:
                    e = self.truth(c)[k]
                    text = _text(e)
                out.append((c, k, mark, e, text))
        return out

    def sign_findings(self) -> tuple[list[Finding], set[tuple[int, int]]]:
        out = []
        flagged: set[tuple[int, int]] = set()
        for c, k, mark, e, text in self.sign_entries():
            if mark == "x":
                continue
            g = e if mark == "+" else -e  # the claim: g > 0 for every admissible parameter value
            pt = self.counterexample([-g], [])
            strict = pt is not None
            if pt is None:
                pt = self.counterexample([], [-g], what=f"{c.label}, sign {k + 1} ({mark} for {text})")
                if pt is not None and not self.key(e) == 0:
                    # it fails only where it vanishes: on the boundary of the admissible region (a parameter
                    # declared nonnegative at 0), which a paper assuming positive parameters excludes
                    self.notes.append(
                        f'{c.label}, sign {k + 1}: {text} is "{mark}" except where it vanishes, e.g. at '
                        f"{_point_text(self.shown(pt, [e]))}; declare the parameters positive to exclude that"
                    )
                    continue
            if pt is None:
                continue
            value = e.xreplace(pt)
            other = "-" if mark == "+" else "+"
            # a certificate that g >= 0 never holds proves the other sign
            cert = infeasibility_certificate([Row("claim", g, False), *self.base_rows([g])])
            if cert is not None:
                suggestion = f'mark it "{other}": {text} {">" if other == "+" else "<"} 0 for every admissible value'
                correction = "opposite-sign"
            elif strict and self.counterexample([g], []) is not None:
                suggestion = f'mark it "x": the sign of {text} depends on the parameters'
                correction = "undetermined"
            else:
                suggestion = f'mark it "x", or assume what makes {text} {"positive" if mark == "+" else "negative"}'
                correction = "undetermined"
            ev = {
                "entry": k + 1,
                "expression": text,
                "sign": mark,
                "at": self.shown(pt, [e]),
                "value": _number_text(value),
                "strict": strict,
            }
            where = f"is {'positive' if other == '+' else 'negative'} at an admissible parameter point"
            detail = (
                f'sign {k + 1} of {c.point_text} is marked "{mark}", but the assumptions do not imply it: '
                f"{text} {where if strict else 'is identically 0'}"
            )
            out.append(Finding(c.number, FindingKind.UNIMPLIED_SIGN, detail, ev, correction, suggestion))
            flagged.add((c.number, k))
        return out, flagged

    def contradiction_findings(self, flagged: set[tuple[int, int]]) -> list[Finding]:
        """Pairs of sign entries ``s1*e1 > 0``, ``s2*e2 > 0`` with ``s1*e1 + s2*e2`` a constant ``<= 0``."""
        entries = [(c, k, mark, e, text) for c, k, mark, e, text in self.sign_entries() if mark != "x"]
        split = []
        index: dict[sympy.Expr, list[int]] = {}
        for n, (_, _, mark, e, _) in enumerate(entries):
            h = self.key(e if mark == "+" else -e)
            const = sum((a for a in sympy.Add.make_args(h) if a.is_number), sympy.Integer(0))
            rest = _canon(h - const)
            split.append((const, rest))
            if rest != 0:
                index.setdefault(rest, []).append(n)
        out = []
        for n, (const, rest) in enumerate(split):
            if rest == 0:
                continue
            for m in index.get(_canon(-rest), []):
                if m <= n or not (const + split[m][0] <= 0):
                    continue
                c1, k1, s1, e1, t1 = entries[n]
                c2, k2, s2, e2, t2 = entries[m]
                total = _canon((e1 if s1 == "+" else -e1) + (e2 if s2 == "+" else -e2))
                if not (total.is_number and total <= 0):  # the identity, checked once more as a whole
                    continue
                lhs = f"{'' if s1 == '+' else '-'}({t1}) {s2} ({t2})"
                wrong = [(c.number, k + 1) for c, k in ((c1, k1), (c2, k2)) if (c.number, k) in flagged]
                if len(wrong) == 1:
                    correction = "fix-sign"
                    suggestion = (
                        f"sign {wrong[0][1]} of claim {wrong[0][0]} is the wrong one (see its unimplied-sign finding)"
                    )
                else:
                    correction = "neither-implied" if wrong else ""
                    suggestion = "at most one of the two signs can hold" + (
                        "; neither is implied by the assumptions" if len(wrong) == 2 else ""
                    )
                ev = {
                    "entry": k1 + 1,
                    "entries": [
                        {"claim": c1.number, "entry": k1 + 1, "expression": t1, "sign": s1},
                        {"claim": c2.number, "entry": k2 + 1, "expression": t2, "sign": s2},
                    ],
                    "identity": f"{lhs} = {_number_text(total)}",
                }
                detail = (
                    f'{c1.label} marks {t1} "{s1}" and {c2.label} marks {t2} "{s2}": both cannot hold, since '
                    f"{lhs} = {_number_text(total)} identically"
                )
                out.append(Finding(c1.number, FindingKind.CONTRADICTORY_SIGNS, detail, ev, correction, suggestion))
        return out

    # ------------------------------------------------------------------ stability
    def stability_findings(self) -> list[Finding]:
        out: list[Finding] = []
        static = not any(
            v.free_symbols & set(self.game.state_symbols) for vals in self.game.payoffs.values() for v in vals
        )
        sign_rows = self.consistent_sign_rows()
        for c in self.claims:
            if c.stable is None:
                continue
            if not c.is_vertex:
                if c.stable and static:
                    out.append(self.mixed_stable(c))
                continue
            conds = [as_condition(r) for r in c.conditions]
            cond_rows = [
                Row(f"condition {i + 1}: {t}", g, strict)
                for i, (t, (g, strict)) in enumerate(zip(c.condition_texts, conds))
            ]
            truth = self.truth(c)
            if c.stable:
                out += self.stable_claim(c, conds, cond_rows, truth, sign_rows)
            else:
                found = self.denied(c, conds, truth)
                if found is not None:
                    out.append(found)
        return out

    def consistent_sign_rows(self) -> list[tuple[int, int, Row]]:
        """The table's unconditional signs as rows ``(claim, entry, s*e > 0)``, without those that contradict
        the assumptions or each other (they have findings of their own): what a stated condition can be
        excluded by. Constant rows are left out too (true ones say nothing, false ones are findings).
        """
        rows = []
        for c, k, mark, e, text in self.sign_entries():
            if mark == "x" or e.is_number:
                continue
            rel = ">" if mark == "+" else "<"
            rows.append(
                (c.number, k, Row(f"sign {k + 1} of {c.label}: {text} {rel} 0", e if mark == "+" else -e, True))
            )
        while rows:
            cert = infeasibility_certificate([*(r for _, _, r in rows), *self.base_rows(r.expr for _, _, r in rows)])
            if cert is None:
                break
            used = {r.label for r in cert.rows}
            kept = [t for t in rows if t[2].label not in used]
            if len(kept) == len(rows):  # only assumptions and parameter signs used: nothing to drop
                break
            rows = kept
        return rows

    def stable_claim(self, c: Claim, conds, cond_rows: list[Row], truth, sign_rows) -> list[Finding]:
        exprs = [g for g, _ in conds]
        cert = infeasibility_certificate([*cond_rows, *self.base_rows(exprs)])
        if cert is not None:
            ev = {"certificate": _certificate_evidence(cert)}
            reversed_ = self.reversed_conditions(c, conds, truth)
            correction, suggestion = "", "state conditions that can hold together"
            if reversed_:
                ev["reversed"] = reversed_
                correction = "reversed"
                suggestion = "; ".join(f"replace condition {r['condition']} by {r['should_be']}" for r in reversed_)
            detail = (
                f"{c.point_text} is called stable under conditions that cannot hold together for any admissible "
                f"parameters: {_certificate_sentence(cert)}"
            )
            return [Finding(c.number, FindingKind.INFEASIBLE_CONDITIONS, detail, ev, correction, suggestion)]
        out = []
        strict = [g for g, s in conds if s]
        nonstrict = [g for g, s in conds if not s]
        failing = []
        for j, lam in enumerate(truth):
            pt = self.counterexample([*strict, lam], nonstrict)
            positive = pt is not None
            if pt is None:
                what = f"{c.label}: that its conditions make {_text(lam)} negative"
                pt = self.counterexample(strict, [*nonstrict, lam], what=what)
                if pt is not None and not self.key(lam) == 0:
                    self.notes.append(
                        f"{c.label}: under its conditions the eigenvalue {_text(lam)} is negative except where it "
                        f"vanishes, e.g. at {_point_text(self.shown(pt, [lam, *exprs]))}; declare the parameters "
                        "positive to exclude that"
                    )
                    continue
            if pt is not None:
                failing.append((j, lam, pt, positive))
        if failing:
            j, lam, pt, positive = next((f for f in failing if f[3]), failing[0])
            shown_exprs = [*exprs, lam]
            ev = {
                "entry": j + 1,
                "eigenvalue": _text(lam),
                "at": self.shown(pt, shown_exprs),
                "value": _number_text(lam.xreplace(pt)),
                "strict": positive,
                "not_implied": [_text(f[1]) for f in failing],
                "true_eigenvalues": [_text(v) for v in truth],
            }
            reversed_ = self.reversed_conditions(c, conds, truth)
            if reversed_:
                ev["reversed"] = reversed_
                correction = "reversed"
                suggestion = "; ".join(f"replace condition {r['condition']} by {r['should_be']}" for r in reversed_)
            else:
                correction = "add-conditions"
                suggestion = "add " + ", ".join(f"{_text(f[1])} < 0" for f in failing)
            if not c.conditions:
                what = "without conditions"
            else:
                what = "under conditions that do not make every eigenvalue negative"
            detail = (
                f"{c.point_text} is called stable {what}: where they hold, the eigenvalue {_text(lam)} can be "
                f"{'positive' if positive else 'zero'}"
            )
            out.append(Finding(c.number, FindingKind.INSUFFICIENT_CONDITIONS, detail, ev, correction, suggestion))
        if c.conditions and sign_rows:
            rows = [*cond_rows, *(r for _, _, r in sign_rows)]
            cert = infeasibility_certificate([*rows, *self.base_rows([*exprs, *(r.expr for _, _, r in sign_rows)])])
            used = {r.label for r in cert.rows} if cert is not None else set()
            by = [(n, k) for n, k, r in sign_rows if r.label in used]
            if cert is not None and by and any(r.label in used for r in cond_rows):
                ev = {
                    "certificate": _certificate_evidence(cert),
                    "excluded_by": [{"claim": n, "entry": k + 1} for n, k in by],
                }
                names = ", ".join(f"sign {k + 1} of claim {n}" for n, k in by)
                detail = (
                    f"{c.point_text} is called stable under conditions that can hold only where {names} fails: "
                    f"{_certificate_sentence(cert)}"
                )
                suggestion = f"correct {names}, or the conditions of {c.label}"
                out.append(Finding(c.number, FindingKind.EXCLUDED_CONDITIONS, detail, ev, "", suggestion))
        return out

    def reversed_conditions(self, c: Claim, conds, truth) -> list[dict[str, Any]]:
        """Conditions that state ``lambda > 0`` (or ``>= 0``) for a true eigenvalue: the reverse of ``lambda < 0``."""
        out = []
        for i, (g, _) in enumerate(conds):
            for lam in truth:
                if lam.is_number:
                    continue
                ratio = sympy.cancel(g / lam)
                if ratio.is_number and ratio > 0:
                    out.append({"condition": i + 1, "stated": c.condition_texts[i], "should_be": f"{_text(lam)} < 0"})
                    break
        return out

    def denied(self, c: Claim, conds, truth) -> Finding | None:
        strict = [g for g, s in conds if s]
        nonstrict = [g for g, s in conds if not s]
        pt = self.counterexample([*strict, *(-lam for lam in truth)], nonstrict)
        if pt is None:
            return None
        ev = {
            "at": self.shown(pt, [*truth, *(g for g, _ in conds)]),
            "eigenvalues": [_text(v) for v in truth],
            "values": [_number_text(v.xreplace(pt)) for v in truth],
        }
        under = " under the stated conditions" if c.conditions else ""
        detail = (
            f"{c.point_text} is called not stable{under}, but at an admissible parameter point"
            f"{' satisfying them' if c.conditions else ''} every eigenvalue is negative: it is asymptotically stable there"
        )
        return Finding(
            c.number,
            FindingKind.DENIED_STABILITY,
            detail,
            ev,
            "stable-somewhere",
            "say under which conditions it is stable",
        )

    def mixed_stable(self, c: Claim) -> Finding:
        mixing = []
        i = 0
        for pop in self.game.populations:
            own = c.point[i : i + pop.k - 1]
            i += pop.k - 1
            if not all(v in (0, 1) for v in own):
                mixing.append(pop.name)
        ev = {
            "point": [sympy.sstr(v) for v in c.point],
            "mixing": mixing,
            "reason": "in a game whose payoffs do not depend on the state, only strict Nash equilibria (pure profiles) "
            "can be asymptotically stable under the multi-population replicator dynamics (Selten 1980; "
            "Ritzberger and Weibull 1995)",
        }
        detail = (
            f"{c.point_text} is called stable, but {' and '.join(mixing)} "
            f"{'mixes' if len(mixing) == 1 else 'mix'} there: a mixed rest point of this game is never asymptotically stable"
        )
        return Finding(c.number, FindingKind.MIXED_STABLE, detail, ev, "not-stable", "call it unstable (not an ESS)")


def _point_text(point: Mapping[str, float]) -> str:
    return ", ".join(f"{k} = {v:g}" for k, v in point.items()) or "any admissible point"


def _certificate_evidence(cert: Certificate) -> dict[str, Any]:
    return {
        "rows": [
            {"multiplier": m, "row": f"{_text(r.expr)} {'>' if r.strict else '>='} 0", "source": r.label}
            for m, r in zip(cert.multipliers, cert.rows)
        ],
        "sum": _number_text(cert.constant),
    }


def _certificate_sentence(cert: Certificate) -> str:
    parts = " + ".join(
        f"{m}*({_text(r.expr)})" if m != 1 else f"({_text(r.expr)})" for m, r in zip(cert.multipliers, cert.rows)
    )
    need = "> 0" if any(r.strict for r in cert.rows) else ">= 0"
    return f"{parts} = {_number_text(cert.constant)} identically, but it would be {need} wherever they all held"


def _assignment(costs: list[list[float]]) -> list[tuple[int, int]]:
    """Rows matched to columns with the least total cost (square, small)."""
    n = len(costs)
    if n <= 7:
        best = min(itertools.permutations(range(n)), key=lambda perm: sum(costs[i][perm[i]] for i in range(n)))
        return list(enumerate(best))
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    rows, cols = linear_sum_assignment(np.array(costs))
    return list(zip(rows.tolist(), cols.tolist()))
