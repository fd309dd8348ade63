r"""Model expressions as a flat straight-line program: data a compiled interpreter runs.

:func:`compile_program` turns a list of sympy expressions in the parameters and the
shares into a register program (plain integer and float arrays). Symbols are bound
**by identity** to input slots: a parameter called ``e``, ``sqrt`` or ``__debug__`` is that
parameter and nothing else (no namespace lookup by name, unlike ``sympy.lambdify``).

Registers: ``[parameters | full shares | constants | results]``. The full share vector
holds all ``k`` shares of every population (the reduced share symbols of a model name
its first ``k - 1``). Each instruction is a row ``(opcode, destination, a, b)``; equal
subexpressions are computed once (hash-consing), constants are folded, and instructions
that depend on parameters only come first (:attr:`Program.n_static`), so a simulation
computes them once per parameter set and re-runs only the state-dependent rest.

Operations: ``+ - * /``, integer and real powers, ``exp``, ``log``, ``sqrt``, ``Abs``,
``Min``, ``Max``; out-of-domain values give ``nan`` (``log`` of a negative number), never
an exception.

>>> import sympy
>>> a, e = sympy.Symbol("a"), sympy.Symbol("e")
>>> x = sympy.Symbol("x", real=True)
>>> prog = compile_program([a * e, e * (1 - x) + sympy.exp(a)], params=[a, e], shares=[x, None])
>>> evaluate(prog, [2.0, 3.0], [0.25, 0.75]).round(6).tolist()
[6.0, 9.639056]
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import sympy

from ..errors import ModelError

__all__ = [
    "Program",
    "compile_program",
    "evaluate",
    "state_function",
    "static_registers",
    "payoff_program",
    "full_share_symbols",
    "OPS",
]

#: Opcodes, in the order the compiled interpreter numbers them.
OPS = ("add", "sub", "mul", "div", "powi", "pow", "neg", "exp", "log", "sqrt", "abs", "min", "max")
ADD, SUB, MUL, DIV, POWI, POW, NEG, EXP, LOG, SQRT, ABS, MIN, MAX = range(len(OPS))
_COMMUTATIVE = {ADD, MUL, MIN, MAX}


@dataclass(frozen=True, eq=False)
class Program:
    """A compiled list of expressions.

    Attributes
    ----------
    n_params, n_shares : int
        Input slots: registers ``0 .. n_params - 1`` hold the parameters,
        ``n_params .. n_params + n_shares - 1`` the full share vector.
    consts : numpy.ndarray
        float64 constants, registers ``n_params + n_shares ...``.
    code : numpy.ndarray
        int64 ``(n, 4)``: opcode, destination register, operands ``a`` and ``b``
        (for ``powi``, ``b`` is the integer exponent itself).
    n_static : int
        The first ``n_static`` instructions depend on parameters and constants only.
    outputs : numpy.ndarray
        int64 register of each expression's value.
    n_registers : int
    """

    n_params: int
    n_shares: int
    consts: np.ndarray
    code: np.ndarray
    n_static: int
    outputs: np.ndarray
    n_registers: int

    @property
    def dynamic_outputs(self) -> np.ndarray:
        """Indices of the outputs that depend on the shares.

        >>> x = sympy.Symbol("x", real=True)
        >>> compile_program([sympy.Integer(2), x + 1], params=[], shares=[x, None]).dynamic_outputs.tolist()
        [1]
        """
        first_dyn = self.n_params + self.n_shares + len(self.consts) + self.n_static
        share = (self.outputs >= self.n_params) & (self.outputs < self.n_params + self.n_shares)
        return np.nonzero((self.outputs >= first_dyn) | share)[0]

    @property
    def state_dependent(self) -> bool:
        """Whether any output depends on the shares."""
        return bool(len(self.dynamic_outputs))


class _Builder:
    def __init__(self, params, shares):
        self.slot: dict[sympy.Symbol, int] = {}
        for i, s in enumerate(params):
            self.slot.setdefault(s, i)
        base = len(params)
        for i, s in enumerate(shares):
            if s is not None:
                self.slot.setdefault(s, base + i)
        self.n_in = len(params) + len(shares)
        self.share_lo, self.share_hi = len(params), len(params) + len(shares)
        self.consts: list[float] = []
        self.const_id: dict[float, int] = {}
        self.nodes: list[tuple[int, int, int]] = []  # (op, a, b) with a, b node refs
        self.node_id: dict[tuple[int, int, int], int] = {}
        self.dyn: list[bool] = []
        self.memo: dict[sympy.Basic, int] = {}

    # operand references are tagged: ("in", slot), ("c", constant), ("n", node), ("i", integer exponent)
    def const(self, v: float) -> tuple[str, int]:
        key = float(v)
        if key != key:  # nan
            key = math.nan
            if "nan" not in self.const_id:
                self.const_id["nan"] = len(self.consts)  # type: ignore[index]
                self.consts.append(math.nan)
            return ("c", self.const_id["nan"])  # type: ignore[index]
        if key not in self.const_id:
            self.const_id[key] = len(self.consts)
            self.consts.append(key)
        return ("c", self.const_id[key])

    def is_dyn(self, ref) -> bool:
        kind, i = ref
        if kind == "in":
            return self.share_lo <= i < self.share_hi
        if kind == "n":
            return self.dyn[i]
        return False

    def value(self, ref):
        return self.consts[ref[1]] if ref[0] == "c" and ref[1] >= 0 else None

    def op(self, code: int, a, b=("c", -1)):
        va, vb = self.value(a), (self.value(b) if code not in (POWI,) else None)
        unary = code in (NEG, EXP, LOG, SQRT, ABS)
        if va is not None and (unary or code == POWI or vb is not None):  # fold constants
            with np.errstate(all="ignore"):
                return self.const(float(_apply_numpy(code, np.float64(va), np.float64(vb if vb is not None else b[1]))))
        if code in _COMMUTATIVE and b < a:
            a, b = b, a
        key = (code, a, b)
        if key not in self.node_id:
            self.node_id[key] = len(self.nodes)
            self.nodes.append(key)
            self.dyn.append(self.is_dyn(a) or (code != POWI and self.is_dyn(b)))
        return ("n", self.node_id[key])

    def build(self, expr: sympy.Basic):
        if expr in self.memo:
            return self.memo[expr]
        out = self._build(expr)
        self.memo[expr] = out
        return out

    def _build(self, e):
        if isinstance(e, sympy.Symbol):
            if e not in self.slot:
                raise ModelError(f'expression uses "{e}", which is neither a parameter nor a share of the model')
            return ("in", self.slot[e])
        if e.is_Number or isinstance(e, sympy.NumberSymbol):
            if e is sympy.zoo or e is sympy.nan or e in (sympy.oo, -sympy.oo):
                return self.const(math.nan)
            return self.const(float(e))
        if isinstance(e, sympy.Add):
            pos, neg = [], []
            for t in e.args:
                c, rest = t.as_coeff_Mul()
                (neg if c.is_Number and c < 0 else pos).append(t)
            # parameter-only terms first, so that their sum is computed once per parameter set
            items = [(self.build(t), False) for t in pos] + [(self.build(-t), True) for t in neg]
            items.sort(key=lambda it: self.is_dyn(it[0]))
            acc = None
            for v, negative in items:
                if acc is None:
                    acc = self.op(NEG, v) if negative else v
                else:
                    acc = self.op(SUB if negative else ADD, acc, v)
            return acc
        if isinstance(e, sympy.Mul):
            coeff, rest = e.as_coeff_Mul()
            num, den = [], []
            for f in sympy.Mul.make_args(rest):
                if isinstance(f, sympy.Pow) and f.exp.is_Number and f.exp < 0:
                    den.append(sympy.Pow(f.base, -f.exp))
                else:
                    num.append(f)
            neg = coeff.is_Number and coeff < 0
            c = -coeff if neg else coeff
            acc = None
            if c != 1:
                acc = self.build(c)
            for v in sorted((self.build(f) for f in num), key=self.is_dyn):  # parameter-only factors first
                acc = v if acc is None else self.op(MUL, acc, v)
            if acc is None:
                acc = self.const(1.0)
            if den:
                d = self.build(den[0])
                for f in den[1:]:
                    d = self.op(MUL, d, self.build(f))
                acc = self.op(DIV, acc, d)
            return self.op(NEG, acc) if neg else acc
        if isinstance(e, sympy.Pow):
            base, ex = e.base, e.exp
            if base is sympy.E:
                return self.op(EXP, self.build(ex))
            if ex.is_Integer:
                n = int(ex)
                if n < 0:
                    return self.op(DIV, self.const(1.0), self.build(sympy.Pow(base, -n, evaluate=False)))
                if n == 0:
                    return self.const(1.0)
                if n == 1:
                    return self.build(base)
                return self.op(POWI, self.build(base), ("i", n))
            if ex == sympy.Rational(1, 2):
                return self.op(SQRT, self.build(base))
            if ex == sympy.Rational(-1, 2):
                return self.op(DIV, self.const(1.0), self.op(SQRT, self.build(base)))
            return self.op(POW, self.build(base), self.build(ex))
        if isinstance(e, sympy.exp):
            return self.op(EXP, self.build(e.args[0]))
        if isinstance(e, sympy.log):
            if len(e.args) != 1:  # pragma: no cover - sympy rewrites log(x, b) as log(x)/log(b)
                return self.op(DIV, self.op(LOG, self.build(e.args[0])), self.op(LOG, self.build(e.args[1])))
            return self.op(LOG, self.build(e.args[0]))
        if isinstance(e, sympy.Abs):
            return self.op(ABS, self.build(e.args[0]))
        if isinstance(e, (sympy.Min, sympy.Max)):
            code = MIN if isinstance(e, sympy.Min) else MAX
            args = [self.build(a) for a in e.args]
            acc = args[0]
            for a in args[1:]:
                acc = self.op(code, acc, a)
            return acc
        raise ModelError(
            f"cannot evaluate {type(e).__name__} in {e}: expressions may use + - * / ** exp log sqrt Min Max Abs"
        )


def compile_program(
    exprs: Sequence[sympy.Basic | float],
    *,
    params: Sequence[sympy.Symbol],
    shares: Sequence[sympy.Symbol | None] = (),
) -> Program:
    """Compile expressions into a :class:`Program`.

    Parameters
    ----------
    exprs : sequence of sympy expressions (or numbers)
    params : sequence of sympy.Symbol
        Parameter symbols; input ``i`` of :func:`evaluate`'s ``params``.
    shares : sequence of sympy.Symbol or None
        One entry per full share (all ``k`` shares of every population, population order):
        its symbol, or ``None`` for a share no expression names (each population's last).

    Returns
    -------
    Program

    Examples
    --------
    Equal subexpressions are computed once, and parameter-only work comes first:

    >>> F, x = sympy.Symbol("F"), sympy.Symbol("x", real=True)
    >>> p = compile_program([F * (1 - x), 2 + F * (1 - x), F**2], params=[F], shares=[x, None])
    >>> len(p.code), p.n_static
    (4, 1)
    >>> evaluate(p, [3.0], [0.5, 0.5]).tolist()
    [1.5, 3.5, 9.0]
    """
    b = _Builder(list(params), list(shares))
    refs = [b.build(sympy.sympify(e)) for e in exprs]
    order = [i for i in range(len(b.nodes)) if not b.dyn[i]] + [i for i in range(len(b.nodes)) if b.dyn[i]]
    n_in, nc = b.n_in, len(b.consts)
    reg_of = {old: n_in + nc + new for new, old in enumerate(order)}

    def reg(ref) -> int:
        kind, i = ref
        return i if kind == "in" else (n_in + i if kind == "c" else reg_of[i])

    code = np.zeros((len(order), 4), dtype=np.int64)
    for new, old in enumerate(order):
        op, a, bb = b.nodes[old]
        code[new] = (op, n_in + nc + new, reg(a), bb[1] if op == POWI else (reg(bb) if bb[1] >= 0 else 0))
    return Program(
        n_params=len(params),
        n_shares=len(shares),
        consts=np.array(b.consts, dtype=np.float64),
        code=code,
        n_static=sum(1 for i in order if not b.dyn[i]),
        outputs=np.array([reg(r) for r in refs], dtype=np.int64),
        n_registers=n_in + nc + len(order),
    )


def _apply_numpy(op: int, a, b):
    if op == ADD:
        return a + b
    if op == SUB:
        return a - b
    if op == MUL:
        return a * b
    if op == DIV:
        return a / b
    if op == POWI:
        return np.power(a, int(b)) if not isinstance(b, np.ndarray) else np.power(a, b)
    if op == POW:
        return np.power(a, b)
    if op == NEG:
        return -a
    if op == EXP:
        return np.exp(a)
    if op == LOG:
        return np.log(a)
    if op == SQRT:
        return np.sqrt(a)
    if op == ABS:
        return np.abs(a)
    if op == MIN:
        return np.minimum(a, b)
    return np.maximum(a, b)


def static_registers(prog: Program, params) -> np.ndarray:
    """Register files after the parameter-only instructions, one row per parameter set.

    Share slots and state-dependent registers hold ``nan`` until a state is given.

    >>> F, x = sympy.Symbol("F"), sympy.Symbol("x", real=True)
    >>> p = compile_program([F * (1 - x)], params=[F], shares=[x, None])
    >>> static_registers(p, [[2.0], [3.0]])[:, :3].tolist()   # F, x, the last share
    [[2.0, nan, nan], [3.0, nan, nan]]
    """
    P = np.atleast_2d(np.asarray(params, dtype=np.float64))
    T = P.shape[0]
    regs = np.full((T, prog.n_registers), np.nan)
    regs[:, : prog.n_params] = P.reshape(T, prog.n_params)
    c0 = prog.n_params + prog.n_shares
    regs[:, c0 : c0 + len(prog.consts)] = prog.consts
    with np.errstate(all="ignore"):
        for op, dst, a, b in prog.code[: prog.n_static]:
            regs[:, dst] = _apply_numpy(int(op), regs[:, a], b if op == POWI else regs[:, b])
    return regs


def _apply_float(op: int, a: float, b) -> float:
    """One instruction on Python floats, with numpy's results where Python would raise (nan, inf)."""
    if op == ADD:
        return a + b
    if op == SUB:
        return a - b
    if op == MUL:
        return a * b
    if op == DIV:
        if b == 0.0:
            if a != a or a == 0.0:
                return math.nan
            return math.copysign(math.inf, a) * math.copysign(1.0, b)
        return a / b
    if op == NEG:
        return -a
    if op == ABS:
        return abs(a)
    if op in (MIN, MAX):
        if a != a or b != b:
            return math.nan
        return (a if a <= b else b) if op == MIN else (a if a >= b else b)
    try:
        if op == POWI:
            return float(a ** int(b))
        if op == POW:
            return math.pow(a, b)
        if op == EXP:
            return math.exp(a)
        if op == LOG:
            return math.log(a)
        return math.sqrt(a)  # SQRT
    except (ValueError, OverflowError, ZeroDivisionError):
        with np.errstate(all="ignore"):  # nan or inf, as evaluate() gives them, without numpy's warnings
            return float(_apply_numpy(op, np.float64(a), np.float64(b) if op != POWI else int(b)))


def state_function(prog: Program, params):
    """``shares -> outputs`` at fixed parameter values, for one state at a time (fast in plain Python).

    The parameter-only instructions run once (:func:`static_registers`); each call runs the rest on
    Python floats, with the results of :func:`evaluate` (``nan`` and ``inf`` where numpy gives them).

    >>> F, x = sympy.Symbol("F"), sympy.Symbol("x", real=True)
    >>> f = state_function(compile_program([F * (1 - x), sympy.log(x)], params=[F], shares=[x, None]), [3.0])
    >>> f([0.5, 0.5]).tolist(), f([-1.0, 2.0]).tolist()
    ([1.5, -0.6931471805599453], [6.0, nan])
    """
    base = static_registers(prog, [np.asarray(params, dtype=np.float64).reshape(-1)])[0].tolist()
    s0 = prog.n_params
    dynamic = [(int(op), int(dst), int(a), int(b)) for op, dst, a, b in prog.code[prog.n_static :]]
    outputs = prog.outputs.tolist()

    def f(shares) -> np.ndarray:
        regs = list(base)
        regs[s0 : s0 + prog.n_shares] = [float(v) for v in shares]
        for op, dst, a, b in dynamic:
            regs[dst] = _apply_float(op, regs[a], b if op == POWI else regs[b])
        return np.array([regs[o] for o in outputs], dtype=np.float64)

    return f


def evaluate(prog: Program, params, shares=None) -> np.ndarray:
    """Values of the expressions, vectorised over leading axes.

    Parameters
    ----------
    prog : Program
    params : array_like
        ``(..., n_params)`` parameter values.
    shares : array_like, optional
        ``(..., n_shares)`` full share vectors (needed when an expression uses a share).

    Returns
    -------
    numpy.ndarray
        ``(..., len(outputs))``, broadcast over the leading axes of both inputs.

    Examples
    --------
    >>> a, x = sympy.Symbol("a"), sympy.Symbol("x", real=True)
    >>> p = compile_program([a * x, sympy.log(x), sympy.Max(a, x)], params=[a], shares=[x, None])
    >>> evaluate(p, [2.0], [[0.5, 0.5], [4.0, -3.0]]).tolist()
    [[1.0, -0.6931471805599453, 2.0], [8.0, 1.3862943611198906, 4.0]]
    """
    pv = np.asarray(params, dtype=np.float64)
    if pv.shape[-1:] != (prog.n_params,) and prog.n_params:
        raise ValueError(f"expected {prog.n_params} parameter values, found shape {pv.shape}")
    if shares is None:
        sv = np.full((*pv.shape[:-1], prog.n_shares), np.nan) if pv.ndim else np.full(prog.n_shares, np.nan)
    else:
        sv = np.asarray(shares, dtype=np.float64)
    lead = np.broadcast_shapes(pv.shape[:-1] if pv.ndim else (), sv.shape[:-1])
    regs: list = [None] * prog.n_registers
    for i in range(prog.n_params):
        regs[i] = _spread(pv[..., i], lead)
    for i in range(prog.n_shares):
        regs[prog.n_params + i] = _spread(sv[..., i], lead)
    c0 = prog.n_params + prog.n_shares
    for i, c in enumerate(prog.consts):
        regs[c0 + i] = _spread(np.float64(c), lead)
    with np.errstate(all="ignore"):
        for op, dst, a, b in prog.code:
            regs[dst] = _apply_numpy(int(op), regs[a], int(b) if op == POWI else regs[b])
    if not len(prog.outputs):
        return np.zeros((*lead, 0))
    return np.stack([_spread(regs[o], lead) for o in prog.outputs], axis=-1).astype(np.float64)


def _spread(value, lead: tuple[int, ...]):
    """``value`` broadcast to the shape ``lead``; a value of that shape already is returned as it is (the
    values the program reads are the same, and a single parameter set skips the broadcasting's cost).
    """
    return value if np.shape(value) == lead else np.broadcast_to(value, lead)


def full_share_symbols(game) -> tuple[sympy.Symbol | None, ...]:
    """The share symbol of each full coordinate of ``game`` (``None`` for each population's last share).

    >>> from govgame.model.loader import load_model
    >>> full_share_symbols(load_model("battery_recycling"))
    (x, None, y, None, z, None)
    """
    out: list[sympy.Symbol | None] = []
    for p in game.populations:
        out += [*p.share_symbols, None]
    return tuple(out)


def payoff_program(game, *, differences: bool = False) -> Program:
    r"""The payoff table of ``game`` as a :class:`Program` (cached on the game).

    Outputs, profile-major: ``pay[j * P + p]`` is population ``p``'s payoff at profile ``j``
    (``game.profiles`` order). With ``differences=True`` (binary games only), the outputs are
    :math:`\pi_p(0, \sigma_{-p}) - \pi_p(1, \sigma_{-p})`, population-major, over the other
    populations' profiles in row-major order: what the binary kernel contracts.

    >>> from govgame.model.loader import load_model
    >>> g = load_model("battery_recycling")
    >>> p = payoff_program(g)
    >>> len(p.outputs), p.state_dependent
    (24, False)
    """
    cache = game.__dict__.setdefault("_govgame_cache", {})
    key = "program_diff" if differences else "program"
    if key not in cache:
        if differences:
            if not all(p.k == 2 for p in game.populations):
                raise ValueError("payoff differences are defined for binary games only")
            P = len(game.populations)
            exprs = []
            for p in range(P):
                for rest in itertools.product((0, 1), repeat=P - 1):
                    prof0 = tuple(game.populations[q].strategies[v] for q, v in zip(_others(P, p), rest))
                    hi = _insert(prof0, p, game.populations[p].strategies[0])
                    lo = _insert(prof0, p, game.populations[p].strategies[1])
                    exprs.append(game.payoffs[hi][p] - game.payoffs[lo][p])
        else:
            exprs = [v for pr in game.profiles for v in game.payoffs[pr]]
        cache[key] = compile_program(exprs, params=game.parameter_symbols, shares=full_share_symbols(game))
    return cache[key]


def _others(P: int, p: int) -> list[int]:
    return [q for q in range(P) if q != p]


def _insert(prof: tuple, p: int, s) -> tuple:
    return (*prof[:p], s, *prof[p:])
