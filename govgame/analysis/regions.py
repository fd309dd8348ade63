"""Conditions on parameters: admissible region, feasibility, witnesses, simplification.

The *admissible* parameter values of a game are those that respect every
parameter's ``sign`` and every relation in ``[assumptions]``. Ranges are
plausible intervals, not constraints: a symbolic verdict holds for all admissible
values, and a witness is sought inside the ranges first and outside them only
when the ranges admit none.

A system of conditions ``g > 0`` / ``g >= 0`` is decided

* exactly by linear programming (:func:`govgame.analysis.lp.linprog`, a simplex method in
  rational arithmetic) when every
  condition and assumption is linear in the parameters: maximise a slack ``t``
  with ``g >= t`` for the strict conditions (and ``p >= t`` for a positive parameter, ``-p >= t`` for
  a negative one; ``t <= 1``); the system is feasible when the optimum exceeds ``FEAS_TOL``.
  Parameters are bounded by ``|p| <= BOUND``;
* by the signs sympy can prove from the parameters' sign assumptions, when that
  settles it;
* otherwise by sampling (``SAMPLES`` random admissible points, inside the ranges
  first), which can show feasibility by example but proves infeasibility only
  up to sampling. The ``method`` string says which one decided.

Every witness is checked in exact arithmetic before it is returned.

**What "infeasible" means.** The linear programs here and in branch and bound (polynomial
conditions, linear relaxations over boxes of the parameters that enter nonlinearly) decide with the
slack: a system counts as infeasible, also when the result says ``proven``, when no admissible point
satisfies the strict conditions and strict signs with a margin ``t`` above ``FEAS_TOL`` (1e-9). A set
of solutions thinner than that counts as empty. A witness found by sampling is checked exactly and
needs only a positive margin, so near that limit two routes can differ.

>>> from govgame.model.loader import load_model
>>> game = load_model("battery_recycling")
>>> region = Region(game)
>>> p = game.parameter(game.parameter_names[0]).symbol
>>> region.feasible(strict=[-p]).feasible
False
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import sympy

from ..model.game import Game
from . import lp

__all__ = ["Feasibility", "Region", "as_condition", "certify", "together", "BOUND", "FEAS_TOL", "SAMPLES"]

#: Bound on |parameter| in the linear programs.
BOUND = 1e6
#: A strict system counts as feasible when its optimal slack exceeds this (a slack of exactly FEAS_TOL does not).
FEAS_TOL = 1e-9
#: Random points tried when the conditions are not linear.
SAMPLES = 20000
#: Most sign cases tried when conditions have denominators of undecided sign.
MAX_SIGN_CASES = 64


@dataclass(frozen=True)
class Feasibility:
    """Whether a system of conditions can hold, one witness, and how it was decided.

    ``in_ranges`` says whether the witness lies inside every parameter's range; ``proven`` is False
    when "infeasible" is not proven (it rests on sampling, or the search was inconclusive); a proven
    "infeasible" holds up to the margin ``FEAS_TOL`` (see the module's docstring).
    """

    feasible: bool
    witness: dict[str, float] | None
    method: str
    in_ranges: bool = True
    proven: bool = True


def as_condition(rel: sympy.Basic) -> tuple[sympy.Expr, bool]:
    """``(g, strict)`` such that ``rel`` means ``g > 0`` (strict) or ``g >= 0``.

    >>> a, b = sympy.symbols("a b")
    >>> as_condition(a < b)
    (-a + b, True)
    >>> as_condition(a >= b)
    (a - b, False)
    """
    if isinstance(rel, sympy.StrictLessThan):
        return sympy.expand(rel.rhs - rel.lhs), True
    if isinstance(rel, sympy.StrictGreaterThan):
        return sympy.expand(rel.lhs - rel.rhs), True
    if isinstance(rel, sympy.LessThan):
        return sympy.expand(rel.rhs - rel.lhs), False
    if isinstance(rel, sympy.GreaterThan):
        return sympy.expand(rel.lhs - rel.rhs), False
    raise TypeError(f"not an inequality: {rel}")


class Region:
    """The admissible parameter region of a game (signs and assumptions).

    Parameters
    ----------
    game : Game
    reference : mapping, optional
        Parameter values witnesses should stay close to (default: the parameters'
        ``value``, else the middle of their range, else -1 for a negative parameter and 1 otherwise).
    """

    def __init__(self, game: Game, reference: Mapping[str, float] | None = None):
        self.game = game
        self.symbols = list(game.parameter_symbols)
        self.names = list(game.parameter_names)
        self.index = {s: i for i, s in enumerate(self.symbols)}
        ref = dict(reference or {})
        self.reference = np.array([self._ref(p, ref) for p in game.parameters])
        self.assumptions = [as_condition(r) for r in game.assumptions]
        self._cache: dict = {}
        self._linear_cache: dict = {}
        self._sample_cache: dict = {}
        self._terms_cache: dict = {}
        self._together_cache: dict = {}

    @staticmethod
    def _ref(p, ref) -> float:
        if p.name in ref:
            return float(ref[p.name])
        if p.value is not None:
            return float(p.value)
        if p.range is not None:
            return 0.5 * (p.range[0] + p.range[1])
        return -1.0 if p.sign == "negative" else 1.0

    # ------------------------------------------------------------------ public
    def feasible(
        self, strict: Iterable[sympy.Expr] = (), nonstrict: Iterable[sympy.Expr] = (), *, witness: bool = True
    ) -> Feasibility:
        """Can ``g > 0`` for every ``g`` in ``strict`` and ``g >= 0`` for every ``g`` in ``nonstrict`` hold?

        With ``witness=False`` only feasibility is decided (faster): ``witness`` is then None where the
        decision needs no point (a linear program over every parameter), and otherwise the first exactly
        checked point found (the linear program with the nonlinear parameters at their reference values,
        sampling), not necessarily the closest one to the reference values. After a call with a witness
        for the same system, that call's result is returned.
        """
        strict = tuple(sympy.expand(g) for g in strict)
        nonstrict = tuple(sympy.expand(g) for g in nonstrict)
        key = (strict, nonstrict)
        if key in self._cache:
            return self._cache[key]
        if not witness:
            if (key, False) not in self._cache:
                self._cache[(key, False)] = self._decide(strict, nonstrict, witness=False)
            return self._cache[(key, False)]
        self._cache[key] = self._decide(strict, nonstrict)
        return self._cache[key]

    def always(self, g: sympy.Expr, *, strict: bool = True) -> bool:
        """Whether ``g > 0`` (or ``g >= 0``) holds for every admissible parameter value."""
        g = sympy.expand(g)
        key = ("always", g, strict)
        if key not in self._cache:  # the same eigenvalues and shares recur at several rest points
            self._cache[key] = self._always(g, strict)
        return self._cache[key]

    def _always(self, g: sympy.Expr, strict: bool) -> bool:
        at_ref = self._at_reference(g)
        if at_ref is not None and (at_ref <= 0 if strict else at_ref < 0) and self._reference_admissible():
            return False  # the reference values are a counterexample
        lin = self._linear(g)
        if lin is not None:
            if self._affine_always(lin, strict):
                return True  # true over the signs alone, so under any assumptions too
            if not self.assumptions:
                return False
        # "always" only with a proof: an infeasible counterexample system decided by sampling is certified
        counter = {"nonstrict": [-g]} if strict else {"strict": [-g]}
        res = self.feasible(**counter, witness=False)
        if not res.feasible and not res.proven:
            res = certify(self, **counter)
        return not res.feasible and res.proven

    def _affine_always(self, lin, strict: bool) -> bool:
        """Exact sign of an affine function over the sign constraints alone (no assumptions).

        ``g = c0 + sum c_i p_i`` is >= 0 everywhere iff ``c0 >= 0`` and every term is >= 0 for all
        admissible p_i; it is > 0 everywhere iff, in addition, ``c0 > 0`` or some term is strictly
        positive (a nonzero coefficient on a positive or negative parameter).
        """
        const, coef = lin
        if const < 0:
            return False
        strict_term = False
        for c, p in zip(coef, self.game.parameters):
            if c == 0:
                continue
            if p.sign == "any":
                return False
            if (p.sign in ("positive", "nonnegative")) != (c > 0):
                return False
            strict_term = strict_term or p.sign in ("positive", "negative")
        return (const > 0 or strict_term) if strict else True

    def simplify_condition(self, g: sympy.Expr) -> sympy.Expr:
        """An expression with the same sign as ``g`` wherever ``g`` is defined, simpler when possible.

        A positive denominator is dropped, a negative one flips the sign.
        """
        num, den = self._fraction(g)
        if den.is_number:
            return sympy.expand(num) if den > 0 else sympy.expand(-num)
        if den.is_positive or den.is_nonnegative or self.always(den, strict=False):
            return sympy.expand(num)
        if den.is_negative or den.is_nonpositive or self.always(-den, strict=False):
            return sympy.expand(-num)
        return g

    # ------------------------------------------------------------------ decide
    def _reference_admissible(self) -> bool:
        if "ref_ok" not in self._sample_cache:
            ok = all(p.sign_ok(float(v)) for p, v in zip(self.game.parameters, self.reference))
            for g, strict in self.assumptions:
                v = self._at_reference(g)
                ok = ok and v is not None and (v > 0 if strict else v >= 0)
            self._sample_cache["ref_ok"] = ok
        return self._sample_cache["ref_ok"]

    def _at_reference(self, g: sympy.Expr) -> float | None:
        """Exact value of ``g`` at the reference values (None where undefined)."""
        key = ("ref", g)
        if key not in self._sample_cache:
            subs = {s: sympy.Rational(repr(float(v))) for s, v in zip(self.symbols, self.reference)}
            v = g.xreplace(subs)
            self._sample_cache[key] = None if _undefined(v) or not v.is_real else v
        return self._sample_cache[key]

    def _decide(self, strict, nonstrict, *, witness: bool = True) -> Feasibility:
        """Decide a system whose conditions may be rational: split on the signs of the denominators.

        ``N/D > 0`` holds exactly where ``N > 0, D > 0`` or ``-N > 0, -D > 0`` (and ``N/D >= 0`` where
        ``N >= 0, D > 0`` or ``-N >= 0, -D > 0``): each case is a system of polynomial conditions, in
        which no parameter value can make a condition undefined. A denominator whose sign the
        admissible region fixes is multiplied through without a split.
        """
        cases = self._sign_cases(strict, nonstrict)
        if cases is None:  # too many undecided denominators: decide the rational system as it is
            return self._decide_polynomial(strict, nonstrict, witness=witness)
        if len(cases) == 1:
            s, n = cases[0]
            if (s, n) == (list(strict), list(nonstrict)):
                return self._decide_polynomial(s, n, witness=witness)
        results = []
        for s, n in cases:
            res = self._decide_polynomial(s, n, witness=witness)
            if res.feasible:
                if res.witness is not None and not self._check([res.witness[k] for k in self.names], strict, nonstrict):
                    continue  # a witness of a case must satisfy the original (rational) conditions
                return res if len(cases) == 1 else dataclasses.replace(res, method=f"{res.method} (by sign cases)")
            results.append(res)
        if not cases:
            return Feasibility(False, None, "sign cases of the denominators")
        methods = sorted({r.method for r in results})
        proven = all(r.proven for r in results)
        label = methods[0] if len(methods) == 1 else "; ".join(methods)
        if len(cases) > 1:
            label = f"{label} ({len(cases)} sign cases of the denominators)"
        return Feasibility(False, None, label, proven=proven)

    def _sign_cases(self, strict, nonstrict):
        """Polynomial systems whose union is the given (rational) system; None when there are too many."""
        cases: list[tuple[list, list]] = [([], [])]
        for g, is_strict in [(g, True) for g in strict] + [(g, False) for g in nonstrict]:
            split = self._split(g)
            if split is None:
                for s, n in cases:
                    (s if is_strict else n).append(g)
                continue
            num, den, sign = split
            if sign is not None:
                for s, n in cases:
                    (s if is_strict else n).append(sign * num)
                continue
            new = []
            for s, n in cases:
                for flip in (1, -1):
                    s2, n2 = [*s, flip * den], list(n)
                    (s2 if is_strict else n2).append(flip * num)
                    new.append((s2, n2))
            cases = new
            if len(cases) > MAX_SIGN_CASES:
                return None
        return cases

    def together(self, g: sympy.Expr) -> sympy.Expr:
        """``sympy.together(g)``; the sums it puts over a common denominator are remembered on the region
        (the face solutions recur in the existence conditions, their signs and the eigenvalues).

        >>> from govgame.model.loader import load_model
        >>> region = Region(load_model("battery_recycling"))
        >>> a, b = sympy.symbols("a b", positive=True)
        >>> region.together(1 / a + 1 / b)
        (a + b)/(a*b)
        """
        return together(g, self._together_cache)

    def _fraction(self, g: sympy.Expr) -> tuple[sympy.Expr, sympy.Expr]:
        """``sympy.fraction(sympy.together(g))``, cached per expression."""
        key = ("fraction", g)
        if key not in self._terms_cache:
            self._terms_cache[key] = sympy.fraction(self.together(g))
        return self._terms_cache[key]

    def _split(self, g: sympy.Expr):
        """None for a condition without a denominator; else its expanded numerator and denominator and the
        denominator's sign when the admissible region fixes it (cached per expression).
        """
        key = ("split", g)
        if key not in self._terms_cache:
            if not _has_denominator(g):
                self._terms_cache[key] = None
            else:
                num, den = self._fraction(g)
                num, den = sympy.expand(num), sympy.expand(den)
                self._terms_cache[key] = (num, den, self._fixed_sign(den))
        return self._terms_cache[key]

    def _fixed_sign(self, den: sympy.Expr) -> int | None:
        """+1 or -1 when the admissible region fixes the sign of a denominator, else None."""
        if den.is_number:
            return None if den == 0 or _undefined(den) else (1 if den > 0 else -1)
        if den.is_positive:
            return 1
        if den.is_negative:
            return -1
        lin = self._linear(den)
        if lin is not None and not self.assumptions:
            if self._affine_always(lin, True):
                return 1
            if self._affine_always((-lin[0], -lin[1]), True):
                return -1
        return None

    def _decide_polynomial(self, strict, nonstrict, *, witness: bool = True) -> Feasibility:
        for g in strict:
            if g.is_number:
                if _undefined(g) or not g > 0:
                    return Feasibility(False, None, "exact")
            elif g.is_nonpositive:
                return Feasibility(False, None, "sign assumptions")
        for g in nonstrict:
            if g.is_number:
                if _undefined(g) or not g >= 0:
                    return Feasibility(False, None, "exact")
            elif g.is_negative:
                return Feasibility(False, None, "sign assumptions")
        strict = [g for g in strict if not g.is_number]
        nonstrict = [g for g in nonstrict if not g.is_number]
        if self._reference_admissible():
            vals_s = [self._at_reference(g) for g in strict]
            vals_n = [self._at_reference(g) for g in nonstrict]
            if all(v is not None and v > 0 for v in vals_s) and all(v is not None and v >= 0 for v in vals_n):
                ref = {n: float(v) + 0.0 for n, v in zip(self.names, self.reference)}
                return Feasibility(True, ref, "holds at the reference values", True)
        all_strict = strict + [g for g, s in self.assumptions if s]
        all_nonstrict = nonstrict + [g for g, s in self.assumptions if not s]
        linear = [self._linear(g) for g in all_strict + all_nonstrict]
        if all(c is not None for c in linear):
            ls, ln = linear[: len(all_strict)], linear[len(all_strict) :]
            return self._lp(ls, ln, all_strict, all_nonstrict, witness=witness)
        # parameters entering nonlinearly (p * F, ...) fixed at their reference values: a linear
        # program in the others finds a witness close to the reference when there is one there
        nonlinear = self._nonlinear_symbols(all_strict + all_nonstrict)
        fix = {s: sympy.Rational(repr(float(self.reference[self.index[s]]))) for s in nonlinear}
        fixed_s = [self._fixed(g, fix) for g in all_strict]
        fixed_n = [self._fixed(g, fix) for g in all_nonstrict]
        lin = [self._linear(g) for g in fixed_s + fixed_n]
        undefined = any(_undefined(g) for g in fixed_s + fixed_n)
        if (
            not undefined
            and all(c is not None for c in lin)
            and all(not g.is_number or g > 0 for g in fixed_s)
            and all(not g.is_number or g >= 0 for g in fixed_n)
        ):
            fixed_idx = {self.index[s]: float(v) for s, v in fix.items()}
            res = self._lp(
                lin[: len(fixed_s)],
                lin[len(fixed_s) :],
                all_strict,
                all_nonstrict,
                fixed=fixed_idx,
                decide_only=not witness,
            )
            if res.feasible and res.witness is not None:
                names = ", ".join(sorted(str(s) for s in nonlinear))
                return Feasibility(
                    True, res.witness, f"linear programming with {names} at reference values", res.in_ranges
                )
        return self._sample(all_strict, all_nonstrict)

    def _fixed(self, g: sympy.Expr, fix: Mapping) -> sympy.Expr:
        """``expand(g.xreplace(fix))`` for parameters fixed at their reference values, cached per expression."""
        key = ("fixed", g, frozenset(fix))
        if key not in self._terms_cache:
            self._terms_cache[key] = sympy.expand(g.xreplace(fix))
        return self._terms_cache[key]

    def _nonlinear_symbols(self, exprs) -> set:
        out = set()
        for g in exprs:
            out |= self._nonlinear_of(g, polynomial_only=False)
        return out

    def _nonlinear_of(self, g: sympy.Expr, *, polynomial_only: bool = True) -> frozenset:
        """The parameters of ``g``'s terms that are not affine (products, powers; with
        ``polynomial_only=False`` also non-polynomial terms such as ``1/p``), cached per expression.
        """
        key = ("nonlinear", g, polynomial_only)
        if key in self._terms_cache:
            return self._terms_cache[key]
        terms = self.terms(g)
        if terms is not None:
            out: set = set()
            for mono in terms:
                if sum(mono) > 1:
                    out.update(self.symbols[i] for i, e in enumerate(mono) if e)
            out = frozenset(out)
        elif polynomial_only:
            out = frozenset(_nonlinear_of_terms(g))
        else:
            out = set()
            for term in sympy.Add.make_args(sympy.expand(g)):
                syms = term.free_symbols
                if (
                    len(syms) > 1
                    or (syms and not term.is_polynomial(*syms))
                    or (syms and sympy.Poly(term, *syms).total_degree() > 1)
                ):
                    out |= syms
            out = frozenset(out)
        self._terms_cache[key] = out
        return out

    def terms(self, g: sympy.Expr) -> dict[tuple[int, ...], sympy.Expr] | None:
        """``{exponents: coefficient}`` of ``g`` as a polynomial in the parameters, in the order of
        ``sympy.Poly(g, *parameters).terms()``; None unless ``g`` is an expanded polynomial in them.

        Read off the expression tree (no ``Poly`` construction) and cached per expression: the same
        conditions recur across vertices, faces and pairs.

        >>> from govgame.model.loader import load_model
        >>> game = load_model("battery_recycling")
        >>> region = Region(game)
        >>> p, F = game.parameter("p_d").symbol, game.parameter("F_e").symbol
        >>> g = sympy.expand(3 * p * F - 2 * p**2 + 1)
        >>> list(region.terms(g).items()) == sympy.Poly(g, *region.symbols).terms()
        True
        >>> region.terms(p / F) is None
        True
        """
        key = ("terms", g)
        if key in self._terms_cache:
            return self._terms_cache[key]
        out = _expanded_terms(g, self.index)
        self._terms_cache[key] = out
        return out

    def _linear(self, g: sympy.Expr):
        """(constant, coefficient vector) when ``g`` is affine in the parameters, else None.

        Read off :meth:`terms` (every caller passes an expanded expression). What it cannot read is not
        affine: an undefined or complex constant, and a non-finite or non-real coefficient such as
        ``oo * p`` or ``I * p``.
        """
        if g in self._linear_cache:
            return self._linear_cache[g]
        out = None
        terms = self.terms(g)
        if terms is not None and all(sum(m) <= 1 for m in terms):
            coef = np.zeros(len(self.symbols))
            const = 0.0
            for monom, c in terms.items():
                if sum(monom) == 0:
                    const = float(c)
                else:
                    coef[monom.index(1)] = float(c)
            out = (const, coef)
        self._linear_cache[g] = out
        return out

    def _bounds(self, within_ranges: bool, fixed=None) -> tuple[list[tuple[float, float]], list[int], list[int]]:
        bounds, pos, neg = [], [], []
        fixed = fixed or {}
        for i, p in enumerate(self.game.parameters):
            if i in fixed:
                bounds.append((fixed[i], fixed[i]))
                continue
            lo, hi = {
                "positive": (0.0, BOUND),
                "nonnegative": (0.0, BOUND),
                "negative": (-BOUND, 0.0),
                "any": (-BOUND, BOUND),
            }[p.sign]
            if within_ranges and p.range is not None:
                lo, hi = max(lo, p.range[0]), min(hi, p.range[1])
            bounds.append((lo, hi))
            if p.sign == "positive":
                pos.append(i)
            elif p.sign == "negative":
                neg.append(i)
        return bounds, pos, neg

    def _lp(
        self, ls, ln, strict_exprs, nonstrict_exprs, *, fixed=None, witness: bool = True, decide_only: bool = False
    ) -> Feasibility:
        """Linear programs for an affine system: feasibility, and a witness close to the reference values.

        ``witness=False``: feasibility only (the LP decides). ``decide_only``: a point checked exactly is
        needed (the system was linearised by fixing parameters), but any such point will do.
        """
        n = len(self.symbols)

        def system(within_ranges: bool):
            bounds, pos, neg = self._bounds(within_ranges, fixed)
            rows, rhs = [], []
            # strict: const + coef.p >= t   ->  -coef.p + t <= const
            for const, coef in ls:
                rows.append(np.append(-coef, 1.0))
                rhs.append(const)
            for i in pos:  # p_i > 0
                r = np.zeros(n + 1)
                r[i], r[n] = -1.0, 1.0
                rows.append(r)
                rhs.append(0.0)
            for i in neg:  # p_i < 0
                r = np.zeros(n + 1)
                r[i], r[n] = 1.0, 1.0
                rows.append(r)
                rhs.append(0.0)
            for const, coef in ln:
                rows.append(np.append(-coef, 0.0))
                rhs.append(const)
            A = np.array(rows) if rows else None
            b = np.array(rhs) if rows else None
            return A, b, bounds + [(-1.0, 1.0)]

        solved: dict = {}

        def best_slack(within_ranges: bool):
            # each of the two systems is solved at most once (the simplex method is deterministic)
            if within_ranges in solved:
                return solved[within_ranges]
            A, b, bounds = system(within_ranges)
            c = np.zeros(n + 1)
            c[n] = -1.0
            res = _linprog(c, A, b, bounds)
            out = (None, A, b, bounds, None) if res.status != 0 else (-res.fun, A, b, bounds, res.x[:n])
            solved[within_ranges] = out
            return out

        _, pos, neg = self._bounds(False, fixed)
        needs_slack = bool(ls) or bool(pos) or bool(neg)
        t_all, _, _, _, x_all = best_slack(False)
        ok = t_all is not None and (t_all > FEAS_TOL or not needs_slack)
        if not ok:
            return Feasibility(False, None, "linear programming")
        if not witness:
            return Feasibility(True, None, "linear programming")
        if decide_only:
            # feasibility shown by any exactly checked point: try the optimum just found before the closest point
            w = self._verified(x_all, strict_exprs, nonstrict_exprs)
            if w is not None:
                return Feasibility(True, w, "linear programming", self._in_ranges(w))
        for within in (True, False):
            t, A, b, bounds, _ = best_slack(within)
            if t is None or (needs_slack and t <= FEAS_TOL):
                continue
            w = self._closest(A, b, bounds, t / 2 if needs_slack else -1.0)
            if w is not None:
                witness = self._verified(w, strict_exprs, nonstrict_exprs)
                if witness is not None:
                    return Feasibility(True, witness, "linear programming", self._in_ranges(witness))
        # feasible but no verified witness (numerical trouble): report feasibility without one
        return Feasibility(True, None, "linear programming")

    def _in_ranges(self, w: Mapping[str, float]) -> bool:
        return all(self.game.parameter(k).in_range(v) for k, v in w.items())

    def _closest(self, A, b, bounds, t_min):
        """Admissible point with slack >= t_min closest (L1) to the reference values."""
        n = len(self.symbols)
        ref = np.clip(self.reference, [lo for lo, _ in bounds[:n]], [hi for _, hi in bounds[:n]])
        scale = np.maximum(np.abs(ref), 1.0)
        # variables: p (n), t (1), d (n) with d >= |p - ref| / scale
        nv = 2 * n + 1
        rows, rhs = [], []
        if A is not None:
            for r, v in zip(A, b):
                rows.append(np.concatenate([r, np.zeros(n)]))
                rhs.append(v)
        for i in range(n):
            r = np.zeros(nv)
            r[i], r[n + 1 + i] = 1.0 / scale[i], -1.0
            rows.append(r)
            rhs.append(ref[i] / scale[i])
            r = np.zeros(nv)
            r[i], r[n + 1 + i] = -1.0 / scale[i], -1.0
            rows.append(r)
            rhs.append(-ref[i] / scale[i])
        c = np.concatenate([np.zeros(n + 1), np.ones(n)])
        tb = (t_min, 1.0) if t_min > 0 else (-1.0, 1.0)
        # start at the reference values (the simplex method then moves only the parameters it must)
        start = [*ref, tb[0], *([0.0] * n)]
        res = _linprog(c, np.array(rows), np.array(rhs), list(bounds[:n]) + [tb] + [(0, None)] * n, start=start)
        if res.status != 0:
            return None
        return res.x[:n]

    def _verified(self, w: np.ndarray, strict_exprs, nonstrict_exprs) -> dict[str, float] | None:
        """The witness rounded to few digits if that still satisfies everything exactly, else as is, else None."""
        for digits in (3, 6, 12, None):
            cand = w if digits is None else np.array([_round_sig(v, digits) for v in w])
            if self._check(cand, strict_exprs, nonstrict_exprs):
                return {n: float(v) + 0.0 for n, v in zip(self.names, cand)}
        return None

    def _check(self, w, strict_exprs, nonstrict_exprs) -> bool:
        for p, v in zip(self.game.parameters, w):
            if not p.sign_ok(float(v)):
                return False
        subs = {s: sympy.Rational(repr(float(v))) for s, v in zip(self.symbols, w)}
        for g in strict_exprs:
            val = g.xreplace(subs)
            if val.has(sympy.zoo, sympy.nan) or not bool(val > 0):
                return False
        for g in nonstrict_exprs:
            val = g.xreplace(subs)
            if val.has(sympy.zoo, sympy.nan) or not bool(val >= 0):
                return False
        return True

    # ------------------------------------------------------------------ sampling
    def _sample(self, strict, nonstrict) -> Feasibility:
        for within in (True, False):
            pts = self._points(within)
            ok = np.ones(len(pts), dtype=bool)
            for g in strict:
                ok &= self._values(g, within) > 0
            for g in nonstrict:
                ok &= self._values(g, within) >= 0
            if ok.any():
                cand = pts[ok]
                scale = np.maximum(np.abs(self.reference), 1.0)
                order = np.argsort(np.abs((cand - self.reference) / scale).sum(axis=1))
                for best in cand[order[:5]]:
                    witness = self._verified(best, strict, nonstrict)
                    if witness is not None:
                        return Feasibility(True, witness, f"sampling ({SAMPLES} points)", self._in_ranges(witness))
        return Feasibility(False, None, f"sampling ({SAMPLES} points found none; not a proof)", proven=False)

    def _values(self, g: sympy.Expr, within: bool) -> np.ndarray:
        """Values of ``g`` at the sample points (NaN where undefined), cached."""
        key = (g, within)
        if key not in self._sample_cache:
            pts = self._points(within)
            with np.errstate(all="ignore"):
                v = np.broadcast_to(np.asarray(self._evaluate(g, pts), dtype=float), (len(pts),))
            self._sample_cache[key] = np.where(np.isfinite(v), v, np.nan)
        return self._sample_cache[key]

    def _evaluate(self, g: sympy.Expr, pts: np.ndarray) -> np.ndarray:
        """``g`` at many parameter points, by walking its expression tree with numpy (no code generation)."""
        key = ("columns", id(pts))
        if key not in self._sample_cache:  # contiguous columns: elementwise operations on them are 2-3x faster
            self._sample_cache[key] = (pts, {s: np.ascontiguousarray(pts[:, i]) for i, s in enumerate(self.symbols)})
        return evaluate_tree(g, self._sample_cache[key][1], len(pts))

    def _points(self, within_ranges: bool) -> np.ndarray:
        """Random admissible-sign parameter points (seeded, so results are reproducible), cached."""
        key = ("points", within_ranges)
        if key in self._sample_cache:
            return self._sample_cache[key]
        rng = np.random.default_rng(20261122 + int(within_ranges))
        pts = np.empty((SAMPLES, len(self.symbols)))
        for i, p in enumerate(self.game.parameters):
            ref = abs(self.reference[i]) or 1.0
            if within_ranges and p.range is not None:
                lo, hi = p.range
            else:
                span = (2.0 if within_ranges else 10.0) * max(ref, 1.0)
                lo, hi = {
                    "positive": (0.0, span),
                    "nonnegative": (0.0, span),
                    "negative": (-span, 0.0),
                    "any": (-span, span),
                }[p.sign]
            col = rng.uniform(lo, hi, SAMPLES)
            if p.sign == "positive":
                col[col <= 0] = max(hi, 1.0) * 1e-3
            elif p.sign == "negative":
                col[col >= 0] = min(lo, -1.0) * 1e-3
            pts[:, i] = col
        pts[0] = self.reference
        self._sample_cache[key] = pts
        return pts


_FUNCS = {
    sympy.exp: np.exp,
    sympy.log: np.log,
    sympy.Abs: np.abs,
}


def evaluate_tree(expr: sympy.Expr, env: Mapping, n: int, memo: dict | None = None) -> np.ndarray:
    """Evaluate ``expr`` on arrays: ``env`` maps symbols to arrays of length ``n``.

    Walks the expression tree once (shared subexpressions are evaluated once), which is far
    cheaper than printing code for large rational expressions. Undefined values become NaN.
    ``memo`` (optional) keeps each subexpression's values, before that last step.

    >>> a, b = sympy.symbols("a b")
    >>> evaluate_tree(a / (a + b) + sympy.Max(a, 2), {a: np.array([1.0, 3.0]), b: np.array([1.0, 1.0])}, 2).tolist()
    [2.5, 3.75]
    """
    memo = {} if memo is None else memo
    with np.errstate(all="ignore"):
        return _finite_or_nan(_evaluate_raw(expr, env, n, memo))


def _finite_or_nan(v: np.ndarray) -> np.ndarray:
    return np.where(np.isfinite(v), v, np.nan)


def _evaluate_raw(expr: sympy.Expr, env: Mapping, n: int, memo: dict) -> np.ndarray:
    """:func:`evaluate_tree` without turning infinities into NaN at every node.

    Where this value is not finite (an infinity or NaN), ``evaluate_tree``'s is NaN, and elsewhere
    the two agree: sums and products of arrays keep a non-finite argument non-finite (``inf + x``,
    ``inf * x``, ``inf - inf``, ``inf * 0``), so only the arguments of powers, ``Min``/``Max`` and
    functions, which can make an infinity finite (``1 / inf``, ``exp(-inf)``), are cleaned first.
    """
    out = memo.get(expr)
    if out is not None:
        return out
    if expr.is_Symbol:
        out = np.asarray(env[expr], dtype=float)
    elif expr.is_number:
        out = np.full(n, float(expr)) if expr.is_real is not False else np.full(n, np.nan)
    elif expr.is_Add:
        out = sum(_evaluate_raw(a, env, n, memo) for a in expr.args)
    elif expr.is_Mul:
        out = np.ones(n)
        for a in expr.args:
            out = out * _evaluate_raw(a, env, n, memo)
    else:

        def clean(a):
            return _finite_or_nan(_evaluate_raw(a, env, n, memo))

        if expr.is_Pow:
            base = clean(expr.base)
            out = np.power(base, float(expr.exp)) if expr.exp.is_number else np.power(base, clean(expr.exp))
        elif isinstance(expr, (sympy.Min, sympy.Max)):
            vals = [clean(a) for a in expr.args]
            out = np.minimum.reduce(vals) if isinstance(expr, sympy.Min) else np.maximum.reduce(vals)
        elif expr.func in _FUNCS:
            out = _FUNCS[expr.func](clean(expr.args[0]))
        else:  # anything else the parser cannot produce: fall back to lambdify
            syms = list(env)
            out = np.asarray(sympy.lambdify(syms, expr, modules="numpy")(*(env[s] for s in syms)), dtype=float)
    memo[expr] = out
    return out


@dataclass(frozen=True)
class _LPOutcome:
    status: int
    fun: float | None
    x: np.ndarray | None


def _linprog(c, A, b, bounds, *, start=None) -> _LPOutcome:
    """Minimise ``c . x`` over ``A x <= b`` and the bounds, exactly (:func:`govgame.analysis.lp.linprog`).

    The exact optimum is handed on in floating point, as the callers use it (each witness is
    checked exactly again); the status decides exactly.
    """
    res = lp.linprog(c, A_ub=A, b_ub=b, bounds=bounds, start=start)
    if res.status is not lp.LPStatus.OPTIMAL:
        return _LPOutcome(int(res.status), None, None)
    return _LPOutcome(0, float(res.fun), np.array([float(v) for v in res.x]))


def together(expr: sympy.Expr, cache: dict | None = None) -> sympy.Expr:
    """``sympy.together(expr)`` (``deep=False``), with the common denominator of each sum looked up in ``cache``.

    The same steps as sympy's ``together``: atoms and functions stay as they are, a power is put together
    in its base, any other product or function of arguments in its arguments, and a sum's terms, each put
    together first, are put over their common denominator by ``sympy.gcd_terms``. That last step is a
    function of the terms alone (sympy expressions are immutable and compare structurally, a float never
    equal to a rational), so a sum met again (``cache`` keyed by its put-together terms) gets the result
    computed before, the same expression.

    >>> a, b = sympy.symbols("a b")
    >>> cache = {}
    >>> together(1 / a + 1 / (a + b), cache), len(cache)
    ((2*a + b)/(a*(a + b)), 2)
    >>> together(1 / (1 / a + 1 / (a + b)), cache), len(cache)  # both sums met before
    (a*(a + b)/(2*a + b), 2)
    """
    cache = {} if cache is None else cache

    def put_together(e):
        if not isinstance(e, sympy.Basic):  # pragma: no cover - containers inside an expression: sympy's own
            return sympy.together(e)
        if e.is_Atom or e.is_Function:
            return e
        if e.is_Add:
            terms = tuple(put_together(t) for t in sympy.Add.make_args(e))
            out = cache.get(terms)
            if out is None:
                out = cache[terms] = sympy.gcd_terms(list(terms), fraction=True)
            return out
        if e.is_Pow:
            return e.func(put_together(e.base), e.exp)
        return e.func(*[put_together(a) for a in e.args])

    return put_together(sympy.sympify(expr))


def _has_denominator(g: sympy.Expr) -> bool:
    """Whether ``g`` has a power with a negative exponent (a denominator that may vanish)."""
    return any(a.exp.is_negative for a in g.atoms(sympy.Pow) if not a.base.is_number)


def _undefined(g: sympy.Expr) -> bool:
    """True for expressions that evaluated to infinity or NaN (a zero denominator)."""
    return g.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo)


def _round_sig(v: float, digits: int) -> float:
    if v == 0 or not np.isfinite(v):
        return float(v)
    return float(f"{v:.{digits}g}")


# --------------------------------------------------------------------------- certificates for nonlinear systems
#: Boxes a branch-and-bound proof may visit, and the seconds of CPU time it may take, per system.
BNB_BOXES = 400
BNB_SECONDS = 3.0
#: Starts of the local search for a counterexample (the best sample points).
SEARCH_STARTS = 12


def certify(region: Region, strict: Iterable[sympy.Expr] = (), nonstrict: Iterable[sympy.Expr] = ()) -> Feasibility:
    """Decide a system like :meth:`Region.feasible`, and never call it infeasible without saying whether that is proven.

    When the first decision is "infeasible" but not proven (nonlinear conditions: the search so far
    is 20,000 random admissible points and a linear program with the nonlinear parameters at their
    reference values), branch and bound over the parameters that enter nonlinearly either proves it
    — each box excluded by a linear relaxation (every product ``pi(m) * q`` of such parameters ``m``
    and one other parameter ``q >= 0`` bounded by ``pi_lo * q <= w <= pi_hi * q``) that linear
    programming shows infeasible — or finds a counterexample (the optimum of every relaxation is
    checked against the exact conditions). When it is inconclusive, local optimisation (SLSQP) of the
    smallest slack from the closest sample points searches further; a point it finds is checked
    exactly and returned as the witness. The result is ``proven=False`` when nothing succeeds.

    >>> from govgame.model import Game, Parameter, Population
    >>> import itertools
    >>> ps = (Parameter("p", value=0.5, range=(0.0, 1.0)), Parameter("F", value=2.0))
    >>> p, F = (q.symbol for q in ps)
    >>> g = Game("c", (Population("a", ("s", "t"), ("x",)), Population("b", ("u", "v"), ("y",))), ps,
    ...          {pr: (p * F, sympy.Integer(0)) for pr in itertools.product("st", "uv")})
    >>> r = certify(Region(g), strict=[p * F - 1, 1 - p * F])   # 1 < pF < 1: never
    >>> r.feasible, r.proven
    (False, True)
    >>> r = certify(Region(g), strict=[p * F - 1, 3 - p * F, 1 - p])
    >>> r.feasible, r.proven
    (True, True)
    """
    strict = [sympy.expand(g) for g in strict]
    nonstrict = [sympy.expand(g) for g in nonstrict]
    first = region.feasible(strict=strict, nonstrict=nonstrict)
    if first.feasible or first.proven:
        return first
    all_s = strict + [g for g, s in region.assumptions if s]
    all_n = nonstrict + [g for g, s in region.assumptions if not s]
    cases = region._sign_cases(all_s, all_n)
    inconclusive = cases is None
    for s_case, n_case in cases or []:
        res = _branch_and_bound(region, s_case, n_case)
        if res is None:
            inconclusive = True
            break
        if res.feasible:
            return _with_ranges(region, res)
    if inconclusive:
        found = _local_search(region, all_s, all_n, starts=SEARCH_STARTS, settings=(True, False))
        if found is not None:
            return _with_ranges(region, found)
        return dataclasses.replace(
            first,
            method=f"{first.method}; local optimisation from {SEARCH_STARTS} starts found none; branch and bound "
            "inconclusive (not proven)",
            proven=False,
        )
    names = ", ".join(sorted({str(s) for g in all_s + all_n for s in region._nonlinear_of(g)})) or "none"
    return Feasibility(
        False,
        None,
        f"branch and bound over {names} with linear relaxations (proven); no counterexample among 20000 samples "
        "and the relaxations' optima",
    )


def _with_ranges(region: Region, res: Feasibility) -> Feasibility:
    """Mark whether a witness lies inside every parameter's declared range."""
    if res.witness is None:
        return res
    inside = all(region.game.parameter(k).in_range(v) for k, v in res.witness.items())
    return dataclasses.replace(res, in_ranges=inside)


def _expanded_terms(g: sympy.Expr, index: Mapping) -> dict | None:
    """``sympy.Poly(g, *index).terms()`` as an ordered dict, read off an expanded polynomial's tree.

    None when ``g`` is not an expanded polynomial in the symbols of ``index`` with finite real
    coefficients (the callers then treat it as not affine, not polynomial).
    """
    n = len(index)
    acc: dict[tuple[int, ...], sympy.Expr] = {}
    for term in sympy.Add.make_args(g):
        coeff = []
        exps = [0] * n
        for f in sympy.Mul.make_args(term):
            if f.is_Number or (not f.is_Symbol and f.is_number):
                coeff.append(f)
                continue
            base, e = f.as_base_exp()
            i = index.get(base)
            if i is None or not e.is_Integer or e < 1:
                return None
            exps[i] += int(e)
        c = sympy.Mul(*coeff) if len(coeff) != 1 else coeff[0]
        if c.is_finite is not True or c.is_real is not True:
            return None
        mono = tuple(exps)
        acc[mono] = acc[mono] + c if mono in acc else c
    return {m: acc[m] for m in sorted(acc, reverse=True) if acc[m] != 0}


def _nonlinear_of_terms(g) -> set:
    """The symbols of ``g``'s terms that are not affine: products, powers, and terms that are not polynomial."""
    out = set()
    for term in sympy.Add.make_args(sympy.expand(g)):
        syms = term.free_symbols
        if len(syms) > 1 or (syms and (not term.is_polynomial(*syms) or sympy.Poly(term, *syms).total_degree() > 1)):
            out |= syms
    return out


def _slack_functions(region: Region, strict, nonstrict):
    syms = region.symbols
    exprs = list(strict) + list(nonstrict)
    f = sympy.lambdify(syms, exprs, modules="numpy")
    grad = sympy.lambdify(syms, [[sympy.diff(e, s) for s in syms] for e in exprs], modules="numpy")
    return f, grad


def _local_search(region: Region, strict, nonstrict, *, starts: int, settings=(True, False)) -> Feasibility | None:
    """Maximise the smallest slack from the best sample points; an exactly checked point is a witness."""
    if not strict and not nonstrict:
        return None
    if any(region.terms(g) is None for g in list(strict) + list(nonstrict)):
        return None
    from scipy.optimize import minimize

    f, grad = _slack_functions(region, strict, nonstrict)
    ns, n = len(strict), len(region.symbols)
    for within in settings:
        pts = region._points(within)
        with np.errstate(all="ignore"):
            vals = np.array([np.broadcast_to(np.asarray(v, dtype=float), (len(pts),)) for v in f(*pts.T)])
        score = np.nan_to_num(vals.min(axis=0), nan=-np.inf)
        x_starts = pts[np.argsort(-score)[:starts]]
        bounds, _, _ = region._bounds(within)
        bounds = [(lo, min(hi, 1e3 * max(1.0, abs(r)))) for (lo, hi), r in zip(bounds, region.reference)]
        pos = [i for i, p in enumerate(region.game.parameters) if p.sign in ("positive", "negative")]

        def cons_fun(z, pos=pos):
            p, t = z[:n], z[n]
            v = np.asarray(f(*p), dtype=float)
            extra = [abs(p[i]) - t for i in pos]
            return np.concatenate([v[:ns] - t, v[ns:], extra])

        def cons_jac(z, pos=pos):
            p = z[:n]
            G = np.asarray(grad(*p), dtype=float).reshape(ns + len(nonstrict), n)
            rows = np.hstack([G, np.concatenate([-np.ones((ns, 1)), np.zeros((len(nonstrict), 1))])])
            extra = []
            for i in pos:
                r = np.zeros(n + 1)
                r[i] = np.sign(p[i]) or 1.0
                r[n] = -1.0
                extra.append(r)
            return np.vstack([rows, *extra]) if extra else rows

        for x0 in x_starts:
            z0 = np.append(x0, min(0.0, float(np.nan_to_num(np.asarray(f(*x0), dtype=float)[:ns].min(initial=0.0)))))
            with np.errstate(all="ignore"):
                res = minimize(
                    lambda z: -z[n],
                    z0,
                    jac=lambda z: np.append(np.zeros(n), -1.0),
                    constraints=[{"type": "ineq", "fun": cons_fun, "jac": cons_jac}],
                    bounds=bounds + [(None, 1.0)],
                    method="SLSQP",
                    options={"maxiter": 200},
                )
            if res.x[n] > FEAS_TOL or (ns == 0 and np.all(cons_fun(res.x) >= 0)):
                w = region._verified(res.x[:n], strict, nonstrict)
                if w is not None:
                    return Feasibility(True, w, f"local optimisation of the smallest slack ({starts} starts)", within)
    return None


def _float_terms(region: Region, g: sympy.Expr) -> tuple[tuple[tuple[int, ...], float], ...]:
    """``[(monomial, float(c)) for monomial, c in sympy.Poly(g, *parameters).terms()]``, cached on the region."""
    key = ("float terms", g)
    if key not in region._terms_cache:
        region._terms_cache[key] = tuple((m, float(c)) for m, c in region.terms(g).items())
    return region._terms_cache[key]


def _branch_and_bound(region: Region, strict, nonstrict) -> Feasibility | None:
    """Feasibility of polynomial conditions by branch and bound with linear relaxations; None when inconclusive."""
    import time

    syms = region.symbols
    exprs = [sympy.expand(g) for g in list(strict) + list(nonstrict)]
    if any(region.terms(g) is None for g in exprs):
        return None
    # each polynomial as its (monomial, float coefficient) terms, in sympy.Poly's order, cached per condition
    polys = [_float_terms(region, g) for g in exprs]
    # branching parameters: those that, once fixed, leave every monomial of degree <= 1
    nonlin_monoms = {m for p in polys for m, _ in p if sum(m) > 1}
    branch: set[int] = set()
    for m in sorted(nonlin_monoms, key=lambda m: -sum(m)):
        rest = [i for i, e in enumerate(m) if e and i not in branch]
        while sum(m[i] for i in rest) > 1:
            # add the variable of this monomial that occurs in the most nonlinear monomials, preferring bounded ones
            def weight(i):
                p = region.game.parameters[i]
                bounded = p.range is not None
                return (sum(1 for mm in nonlin_monoms if mm[i]), bounded)

            pick = max(rest, key=weight)
            branch.add(pick)
            rest = [i for i in rest if i != pick]
    if not branch:
        return None
    bounds0, pos, neg = region._bounds(False)
    branch_l = sorted(branch)
    for i in branch_l:
        if region.game.parameters[i].sign == "any":
            return None
    # each nonlinear monomial m = pi(branch part) * q (q a single other parameter, or 1)
    terms = []
    for m in sorted(nonlin_monoms):
        others = [i for i, e in enumerate(m) if e and i not in branch]
        q = others[0] if others else None
        if q is not None and region.game.parameters[q].sign == "any":
            return None
        terms.append((m, q))
    n, nw = len(syms), len(terms)
    widx = {m: n + k for k, (m, _) in enumerate(terms)}
    tcol = n + nw

    def interval_of(m, box):
        lo, hi = 1.0, 1.0
        for i in branch_l:
            e = m[i]
            if not e:
                continue
            a, b = box[i]
            a_e, b_e = a**e, (b**e if np.isfinite(b) else np.inf)
            cands = [lo * a_e, lo * b_e, hi * a_e, hi * b_e]
            cands = [c for c in cands if not np.isnan(c)]
            lo, hi = min(cands), max(cands)
        return lo, hi

    def relaxation(box):
        A, b = [], []
        for k, poly in enumerate(polys):
            row = np.zeros(tcol + 1)
            const = 0.0
            for mono, c in poly:
                deg = sum(mono)
                if deg == 0:
                    const += c
                elif deg == 1:
                    row[mono.index(1)] += c
                else:
                    row[widx[mono]] += c
            # g >= t (strict) or g >= 0:  -row.z + t <= const
            r = -row
            if k < len(strict):
                r[tcol] = 1.0
            A.append(r)
            b.append(const)
        for m, q in terms:
            lo, hi = interval_of(m, box)
            j = widx[m]
            if q is None:
                continue
            sgn = 1.0 if region.game.parameters[q].sign in ("positive", "nonnegative") else -1.0
            # sgn*q >= 0: lo*q <= w <= hi*q for q >= 0 (reversed for q <= 0)
            a_lo, a_hi = (lo, hi) if sgn > 0 else (hi, lo)
            if np.isfinite(a_lo):
                r = np.zeros(tcol + 1)
                r[q], r[j] = a_lo, -1.0  # a_lo q - w <= 0
                A.append(r)
                b.append(0.0)
            if np.isfinite(a_hi):
                r = np.zeros(tcol + 1)
                r[q], r[j] = -a_hi, 1.0  # w - a_hi q <= 0
                A.append(r)
                b.append(0.0)
        for i in pos:
            r = np.zeros(tcol + 1)
            r[i], r[tcol] = -1.0, 1.0
            A.append(r)
            b.append(0.0)
        for i in neg:
            r = np.zeros(tcol + 1)
            r[i], r[tcol] = 1.0, 1.0
            A.append(r)
            b.append(0.0)
        bnds = []
        for i in range(n):
            lo, hi = box[i] if i in branch else bounds0[i]
            bnds.append((lo, None if not np.isfinite(hi) or hi >= BOUND else hi))
        for m, q in terms:
            lo, hi = interval_of(m, box)
            if q is None:
                bnds.append((lo, hi if np.isfinite(hi) else None))
            else:
                bnds.append((None, None))
        bnds.append((None, 1.0))
        c = np.zeros(tcol + 1)
        c[tcol] = -1.0
        return _linprog(c, np.array(A), np.array(b), bnds)

    start = {}
    for i in branch_l:
        lo, hi = bounds0[i]
        start[i] = (lo, np.inf if hi >= BOUND else hi)
    needs_slack = bool(strict) or bool(pos) or bool(neg)
    stack = [start]
    t0 = time.thread_time()  # CPU time: the answer must not depend on the load
    visited = 0
    while stack:
        if visited >= BNB_BOXES or time.thread_time() - t0 > BNB_SECONDS:
            return None
        box = stack.pop()
        visited += 1
        res = relaxation(box)
        if res.status == 2:  # infeasible relaxation
            continue
        if res.status != 0:
            return None
        t = -res.fun
        if needs_slack and t <= FEAS_TOL:
            continue
        p = res.x[:n]
        w = region._verified(p, strict, nonstrict)
        if w is not None:
            return Feasibility(True, w, "branch and bound (a relaxation's optimum satisfies the conditions)", False)

        # split the widest branching interval (an unbounded one first)
        def width(i, box=box):
            a, b = box[i]
            return (
                np.inf
                if not np.isfinite(b)
                else (b - a) / max(1.0, abs(start[i][1] - start[i][0]) if np.isfinite(start[i][1]) else 1.0)
            )

        i = max(branch_l, key=width)
        a, b = box[i]
        mid = max(2.0 * a, a + 1.0) if not np.isfinite(b) else 0.5 * (a + b)
        stack.append({**box, i: (a, mid)})
        stack.append({**box, i: (mid, b)})
    return Feasibility(False, None, "branch and bound")
