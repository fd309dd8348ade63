"""Whitelist parser for the expressions in model files (SPEC §1.4).

Model text never reaches :func:`eval`, :func:`sympy.sympify` or
:func:`sympy.parsing.sympy_parser.parse_expr`. It is parsed with
:func:`ast.parse` into a syntax tree, and only a small set of node types is
turned into sympy objects:

* numbers (``3``, ``0.6``, ``1e-3``): exact, so ``0.6`` becomes ``3/5``;
* names, looked up in the symbol table passed in. ``lambda``, ``beta``, ``E``,
  ``I``, ``S``, ``pi`` ... are plain names here (``lambda`` is a Python keyword:
  it is renamed before :func:`ast.parse` and mapped back);
* ``+ - * / **`` and unary ``+ -``, parentheses;
* calls ``exp(x)``, ``log(x)``, ``sqrt(x)``, ``Abs(x)``, ``Min(a, b, ...)``,
  ``Max(a, b, ...)`` by plain name with positional arguments;
* in relations only, one comparison ``< <= > >=``. A chained comparison such as
  ``0 < a < 1`` is rejected: write two relations.

Limits: at most :data:`MAX_LENGTH` characters; nesting depth at most
:data:`MAX_DEPTH` (parentheses, function calls and operands; a long sum or
product of terms counts as one level); every exponent a constant with absolute
value at most :data:`MAX_EXPONENT` (a rational number such as ``1/3``; also after sympy combines powers, so
``(x**50)**50`` is rejected); exact numbers of at most :data:`MAX_BITS` bits.
Results containing ``zoo``, ``oo``, ``nan`` (``1/0``, ``log(0)``) or the
imaginary unit (``sqrt(-1)``) are rejected. Every problem is an
:class:`~govgame.errors.ExpressionError` whose one-line message names where the
expression comes from and the offending text.

>>> import sympy
>>> a, b = sympy.symbols("a b", positive=True)
>>> lam = sympy.Symbol("lambda", positive=True)
>>> e = parse_expression("lambda * (a - 0.5) / b", {"a": a, "b": b, "lambda": lam}, where="demo")
>>> format_expression(e)
'lambda*(a - 1/2)/b'
>>> parse_expression(format_expression(e), {"a": a, "b": b, "lambda": lam}, where="demo") == e
True
"""

from __future__ import annotations

import ast
import difflib
import io
import json
import keyword
import math
import tokenize
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import sympy
from sympy.printing.str import StrPrinter

from ..errors import ExpressionError
from ..limits import (  # the limits live in one module; re-exported here
    MAX_BITS,
    MAX_DEGREE,
    MAX_DEPTH,
    MAX_EXP_ARGUMENT,
    MAX_EXP_NESTING,
    MAX_EXPONENT,
    MAX_LENGTH,
    MAX_MAGNITUDE,
    MAX_NODES,
    MAX_TERMS,
)

__all__ = [
    "MAX_LENGTH",
    "MAX_DEPTH",
    "MAX_EXPONENT",
    "MAX_BITS",
    "MAX_EXP_ARGUMENT",
    "MAX_DEGREE",
    "MAX_EXP_NESTING",
    "MAX_TERMS",
    "MAX_NODES",
    "FUNCTIONS",
    "Complexity",
    "complexity",
    "check_expression",
    "parse_expression",
    "parse_relation",
    "format_expression",
]


#: Functions a model may call, with their sympy counterparts and numbers of arguments (min, max).
FUNCTIONS: dict[str, tuple[Callable[..., sympy.Expr], int, int | None]] = {
    "exp": (sympy.exp, 1, 1),
    "log": (sympy.log, 1, 1),
    "sqrt": (sympy.sqrt, 1, 1),
    "Abs": (sympy.Abs, 1, 1),
    "Min": (sympy.Min, 1, None),
    "Max": (sympy.Max, 1, None),
}

_COMPARE = {ast.Lt: (sympy.StrictLessThan, "<"), ast.LtE: (sympy.LessThan, "<="),
            ast.Gt: (sympy.StrictGreaterThan, ">"), ast.GtE: (sympy.GreaterThan, ">=")}  # fmt: skip

_BINOPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}

_FORBIDDEN = {
    ast.Attribute: "attribute access is",
    ast.Subscript: "subscripts are",
    ast.Slice: "slices are",
    ast.Lambda: "lambda functions are",
    ast.ListComp: "comprehensions are",
    ast.SetComp: "comprehensions are",
    ast.DictComp: "comprehensions are",
    ast.GeneratorExp: "generator expressions are",
    ast.JoinedStr: "f-strings are",
    ast.FormattedValue: "f-strings are",
    ast.NamedExpr: "assignment expressions (:=) are",
    ast.BoolOp: "boolean operators (and, or) are",
    ast.IfExp: "conditional expressions (if/else) are",
    ast.Tuple: "tuples are",
    ast.List: "lists are",
    ast.Set: "sets are",
    ast.Dict: "dicts are",
    ast.Starred: "starred arguments are",
    ast.Await: "await is",
    ast.Yield: "yield is",
    ast.YieldFrom: "yield is",
}


def _show(text: str, limit: int = 80) -> str:
    """Quote ``text`` on one line, shortened to about ``limit`` characters."""
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return json.dumps(text)


class _Parser:
    """One parse: the renamed text, the placeholder map and the symbol table."""

    def __init__(
        self,
        text: object,
        symbols: Mapping[str, sympy.Expr],
        where: str,
        shares: Iterable[str],
        max_length: int,
        share_hint: str = "",
    ) -> None:
        self.where = where
        self.symbols = symbols
        self.shares = frozenset(shares)
        self.share_hint = share_hint
        if not isinstance(text, str):
            self.fail(f"expected an expression as a string, found {type(text).__name__} {_show(repr(text))}")
        self.original = text
        if len(text) > max_length:
            self.fail(f"expression is {len(text):,} characters long; the limit is {max_length:,}")
        if "\x00" in text:
            self.fail("expression contains a null byte")
        if not text.isascii():
            bad = next(c for c in text if not c.isascii())
            self.fail(f"expression contains the non-ASCII character {bad!r}; use ASCII only: {_show(text)}")
        # Newlines and tabs carry no meaning in an expression (TOML multi-line strings).
        text = " ".join(text.split())
        if not text:
            self.fail("expression is empty")
        self.text = text
        self._check_brackets()
        self.renamed, self.placeholders = self._rename_keywords()

    # ---------------------------------------------------------------- errors
    def fail(self, message: str) -> None:
        prefix = f"{self.where}: " if self.where else ""
        raise ExpressionError(prefix + message)

    def segment(self, node: ast.AST) -> str:
        seg = ast.get_source_segment(self.renamed, node) or ""
        for ph, name in self.placeholders.items():
            seg = seg.replace(ph, name)
        return seg

    def reject(self, node: ast.AST, what: str, hint: str = "") -> None:
        hint = f" ({hint})" if hint else ""
        self.fail(f"{what} not allowed in expressions{hint}: {_show(self.segment(node))} in {_show(self.text)}")

    # ----------------------------------------------------------- pre-checks
    def _check_brackets(self) -> None:
        depth = worst = 0
        for c in self.text:
            if c in "([{":
                depth += 1
                worst = max(worst, depth)
            elif c in ")]}":
                depth -= 1
        if worst > MAX_DEPTH:
            self.fail(f"expression is nested {worst} brackets deep; the limit is {MAX_DEPTH}: {_show(self.text)}")

    def _rename_keywords(self) -> tuple[str, dict[str, str]]:
        """Rename Python keywords that are names here (``lambda``, declared ones) to placeholders."""
        text = self.text
        if not any(keyword.iskeyword(w) for w in _words(text)):
            return text, {}
        prefix = "_kw"
        while prefix in text:
            prefix += "_"
        out: list[str] = []
        placeholders: dict[str, str] = {}
        last = 0
        try:
            tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
        except (tokenize.TokenError, SyntaxError) as exc:
            self.fail(f"invalid syntax ({exc.args[0] if exc.args else exc}) in {_show(text)}")
        for tok in tokens:
            if tok.type == tokenize.NAME and keyword.iskeyword(tok.string):
                if tok.string == "lambda" or tok.string in self.symbols:
                    ph = f"{prefix}_{tok.string}"
                    placeholders[ph] = tok.string
                    start, end = tok.start[1], tok.end[1]
                    out.append(text[last:start])
                    out.append(ph)
                    last = end
        out.append(text[last:])
        return "".join(out), placeholders

    # ---------------------------------------------------------------- parse
    def tree(self) -> ast.expr:
        try:
            tree = ast.parse(self.renamed, mode="eval")
        except SyntaxError as exc:
            if "lambda" in self.placeholders.values() and ":" in self.text:
                self.fail(f"lambda functions are not allowed in expressions: {_show(self.text)}")
            msg = exc.msg if hasattr(exc, "msg") else str(exc)
            if "Exceeds the limit" in msg:  # an integer literal of thousands of digits
                self.fail(
                    f"a number in {_show(self.text)} has thousands of digits; numbers have absolute value at most "
                    f"{MAX_MAGNITUDE:g}"
                )
            for ph, name in self.placeholders.items():
                msg = msg.replace(ph, name)
            detail = f" ({msg})" if msg and msg != "invalid syntax" else ""
            self.fail(f"invalid syntax{detail} in {_show(self.text)}")
        except (RecursionError, MemoryError, ValueError) as exc:
            self.fail(f"expression is too complex to parse ({type(exc).__name__}): {_show(self.text)}")
        self._check_depth(tree.body)
        return tree.body

    def _check_depth(self, root: ast.expr) -> None:
        """Nesting depth without recursion; a chain of + - (or * /) counts as one level."""
        stack: list[tuple[ast.AST, int]] = [(root, 1)]
        while stack:
            node, depth = stack.pop()
            if depth > MAX_DEPTH:
                self.fail(f"expression is nested more than {MAX_DEPTH} levels deep: {_show(self.text)}")
            for child in ast.iter_child_nodes(node):
                same_chain = (
                    isinstance(node, ast.BinOp)
                    and child is node.left
                    and isinstance(child, ast.BinOp)
                    and _chain(node.op) is not None
                    and _chain(node.op) == _chain(child.op)
                )
                stack.append((child, depth if same_chain else depth + 1))

    def expr(self, node: ast.AST) -> sympy.Expr:
        if isinstance(node, ast.Constant):
            return self.constant(node)
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.USub):
                return -self.expr(node.operand)
            if isinstance(node.op, ast.UAdd):
                return self.expr(node.operand)
            self.reject(node, {ast.Not: "'not'", ast.Invert: "'~'"}.get(type(node.op), "this operator") + " is")
        if isinstance(node, ast.BinOp):
            return self.binop(node)
        if isinstance(node, ast.Call):
            return self.call(node)
        if isinstance(node, ast.Compare):
            self.reject(node, "comparisons are only allowed in [assumptions] relations and are")
        self.reject(node, _FORBIDDEN.get(type(node), f"{type(node).__name__} nodes are"))
        raise AssertionError("unreachable")  # pragma: no cover

    def constant(self, node: ast.Constant) -> sympy.Expr:
        v = node.value
        if isinstance(v, bool) or v is None or v is Ellipsis:
            self.reject(node, f"{v!r} is")
        if isinstance(v, int):
            out = sympy.Integer(v)
        elif isinstance(v, float):
            if v != v or v in (float("inf"), float("-inf")):
                self.fail(f"number {_show(self.segment(node))} is not finite in {_show(self.text)}")
            out = sympy.Rational(repr(v))
        elif isinstance(v, complex):
            self.reject(node, "complex numbers are")
        elif isinstance(v, (str, bytes)):
            self.reject(node, "strings are")
        else:  # pragma: no cover - every constant type is handled above
            self.reject(node, f"{type(v).__name__} constants are")
        self.check_bits(out, node)
        if abs(out) > MAX_MAGNITUDE:
            self.fail(
                f"the number {_show(self.segment(node))} exceeds the limit: numbers have absolute value at most "
                f"{MAX_MAGNITUDE:g} in {_show(self.text)}"
            )
        return out

    def name(self, node: ast.Name) -> sympy.Expr:
        name = self.placeholders.get(node.id, node.id)
        if name in self.symbols:
            return self.symbols[name]
        if name in self.shares:
            hint = self.share_hint or (
                "payoffs and definitions use parameters only (the replicator equations bring in the shares)"
            )
            self.fail(f'share symbol "{name}" may not appear here: {hint} in {_show(self.text)}')
        if name in FUNCTIONS:
            self.fail(f'"{name}" is a function: call it as {name}(...) in {_show(self.text)}')
        hint = difflib.get_close_matches(name, list(self.symbols), n=1, cutoff=0.6)
        did = f'; did you mean "{hint[0]}"?' if hint else ""
        self.fail(
            f'"{name}" is not declared (declare it under [parameters] or [definitions], or fix the spelling) '
            f"in {_show(self.text)}{did}"
        )
        raise AssertionError("unreachable")  # pragma: no cover

    def binop(self, node: ast.BinOp) -> sympy.Expr:
        if type(node.op) not in _BINOPS:
            self.reject(node, f"the operator {_op_text(node.op)} is")
        chain = _chain(node.op)
        if chain == "add":
            terms: list[sympy.Expr] = []
            cur: ast.AST = node
            while isinstance(cur, ast.BinOp) and _chain(cur.op) == "add":
                right = self.expr(cur.right)
                terms.append(right if isinstance(cur.op, ast.Add) else -right)
                cur = cur.left
            terms.append(self.expr(cur))
            return self.finite(sympy.Add(*reversed(terms)), node)
        if chain == "mul":
            factors: list[sympy.Expr] = []
            cur = node
            while isinstance(cur, ast.BinOp) and _chain(cur.op) == "mul":
                right = self.expr(cur.right)
                factors.append(right if isinstance(cur.op, ast.Mult) else self.power(right, sympy.Integer(-1), cur))
                cur = cur.left
            factors.append(self.expr(cur))
            factors.reverse()
            bits = sum(_bits(f) for f in factors)
            if bits > MAX_BITS:
                self.fail(
                    f"a number in {_show(self.segment(node))} would have about {bits:,} bits; the limit is {MAX_BITS:,}"
                )
            return self.finite(sympy.Mul(*factors), node)
        base = self.expr(node.left)
        exponent = self.expr(node.right)
        if not exponent.is_Rational:
            self.fail(
                f"exponent {_show(self.segment(node.right))} must be a rational number, a constant such as 2, 0.88 "
                f"or 1/0.61 (at most {MAX_EXPONENT} in absolute value) in {_show(self.text)}"
            )
        return self.power(base, exponent, node)

    def power(self, base: sympy.Expr, exponent: sympy.Rational, node: ast.AST) -> sympy.Expr:
        if abs(exponent) > MAX_EXPONENT:
            self.fail(
                f"exponent {_show(self.segment(getattr(node, 'right', node)))} has absolute value above "
                f"{MAX_EXPONENT} in {_show(self.text)}"
            )
        if base.is_Rational:
            bits = _bits(base) * abs(exponent)
            if bits > MAX_BITS:
                self.fail(
                    f"the number {_show(self.segment(node))} is too large (about {int(bits):,} bits) "
                    f"in {_show(self.text)}"
                )
        return self.finite(base**exponent, node)

    def call(self, node: ast.Call) -> sympy.Expr:
        if isinstance(node.func, ast.Attribute):
            self.reject(node.func, "attribute access is")
        if not isinstance(node.func, ast.Name):
            self.reject(node, "this call is", "the functions are exp, log, sqrt, Abs, Min, Max, called by name")
        fname = self.placeholders.get(node.func.id, node.func.id)
        if fname not in FUNCTIONS:
            self.reject(node, f'calling "{fname}" is', "the functions are exp, log, sqrt, Abs, Min, Max")
        if node.keywords:
            self.reject(node, "keyword arguments are")
        func, lo, hi = FUNCTIONS[fname]
        for a in node.args:
            if isinstance(a, ast.Starred):
                self.reject(a, "starred arguments are")
        n = len(node.args)
        if n < lo or (hi is not None and n > hi):
            want = f"exactly {lo}" if hi == lo else f"at least {lo}"
            self.fail(
                f"{fname}() takes {want} argument(s), found {n}: {_show(self.segment(node))} in {_show(self.text)}"
            )
        args = [self.expr(a) for a in node.args]
        if fname == "exp" and _exp_too_big(args[0]):
            self.fail(
                f"{_show(self.segment(node))}: a constant argument of exp must lie in "
                f"[-{MAX_EXP_ARGUMENT}, {MAX_EXP_ARGUMENT}] in {_show(self.text)}"
            )
        return self.finite(func(*args), node)

    # ----------------------------------------------------------- post-checks
    def check_bits(self, value: sympy.Expr, node: ast.AST) -> None:
        if _bits(value) > MAX_BITS:
            self.fail(f"the number {_show(self.segment(node))} is too large in {_show(self.text)}")

    def finite(self, value: sympy.Expr, node: ast.AST) -> sympy.Expr:
        if value.has(sympy.zoo, sympy.oo, sympy.nan, -sympy.oo):
            self.fail(
                f"{_show(self.segment(node))} is not a finite number (division by zero or log(0)?) in {_show(self.text)}"
            )
        if value.has(sympy.I):
            self.fail(f"{_show(self.segment(node))} is not a real number in {_show(self.text)}")
        return value

    def check_result(self, value: sympy.Expr) -> sympy.Expr:
        try:
            return check_expression(value, where=self.where, text=self.text)
        except ExpressionError as exc:
            raise ExpressionError(str(exc)) from None


def _exp_too_big(arg: sympy.Expr) -> bool:
    """Whether ``arg`` is a constant too large for ``exp`` (its parts are already bounded)."""
    if not arg.is_number:
        return False
    try:
        return not abs(float(arg)) <= MAX_EXP_ARGUMENT
    except (TypeError, ValueError, OverflowError):
        return True


def _words(text: str) -> Iterable[str]:
    word = []
    for c in text:
        if c.isalnum() or c == "_":
            word.append(c)
        elif word:
            yield "".join(word)
            word = []
    if word:
        yield "".join(word)


def _chain(op: ast.operator) -> str | None:
    if isinstance(op, (ast.Add, ast.Sub)):
        return "add"
    if isinstance(op, (ast.Mult, ast.Div)):
        return "mul"
    return None


def _op_text(op: ast.AST) -> str:
    return {
        ast.FloorDiv: "//", ast.Mod: "%", ast.MatMult: "@", ast.BitAnd: "&", ast.BitOr: "|",
        ast.BitXor: "^", ast.LShift: "<<", ast.RShift: ">>",
    }.get(type(op), type(op).__name__)  # fmt: skip


def _bits(value: sympy.Expr) -> int:
    if isinstance(value, sympy.Rational):
        return int(value.p).bit_length() + int(value.q).bit_length()
    return 0


@dataclass(frozen=True)
class Complexity:
    """How much work an expression can cause, computed over its tree without expanding it.

    Attributes
    ----------
    depth : int
        Nesting depth of the sympy tree.
    nodes : int
        Nodes of the tree written out (a subexpression used twice counts twice).
    degree : int
        Polynomial degree in the parameters (a function call or a fractional power counts as
        a new variable of its argument's degree).
    terms : int
        An upper bound on the number of terms once multiplied out (``sympy.expand``), capped
        at ``MAX_TERMS + 1``.
    exp_nesting : int
        Most ``exp`` calls on one path from the root (``exp(1 + exp(a))`` has 2).
    """

    depth: int
    nodes: int
    degree: int
    terms: int
    exp_nesting: int = 0


_CAP = MAX_TERMS + 1


def _terms_of_power(terms: int, n: int, variables: int, degree: int) -> int:
    """Terms of ``(t terms) ** n`` multiplied out: at most C(t + n - 1, n), and at most the
    number of monomials of degree <= degree in ``variables`` variables.
    """
    if terms <= 1:
        return 1
    bound = min(math.comb(terms + n - 1, n), math.comb(variables + degree, degree) if variables else 1)
    return min(bound, _CAP)


def complexity(expr: sympy.Basic) -> Complexity:
    """The :class:`Complexity` of a sympy expression (linear in the size of its DAG).

    Examples
    --------
    >>> a, b = sympy.symbols("a b")
    >>> complexity((a + b) ** 3 * a)
    Complexity(depth=4, nodes=7, degree=4, terms=4, exp_nesting=0)
    >>> complexity(sympy.exp(a) + 1).degree
    1
    """
    memo: dict[sympy.Basic, tuple[int, int, int, int, frozenset, int]] = {}
    stack: list[tuple[sympy.Basic, bool]] = [(expr, False)]
    while stack:
        node, ready = stack.pop()
        if node in memo:
            continue
        args = node.args
        if not ready and args:
            stack.append((node, True))
            stack.extend((a, False) for a in args if a not in memo)
            continue
        if not args:
            is_sym = isinstance(node, sympy.Symbol)
            memo[node] = (1, 1, 1 if is_sym else 0, 1, frozenset((node,)) if is_sym else frozenset(), 0)
            continue
        parts = [memo[a] for a in args]
        depth = 1 + max(p[0] for p in parts)
        nodes = 1 + sum(p[1] for p in parts)
        syms = frozenset().union(*(p[4] for p in parts))
        if isinstance(node, sympy.Add):
            degree = max(p[2] for p in parts)
            terms = min(sum(p[3] for p in parts), _CAP)
        elif isinstance(node, sympy.Mul):
            degree = sum(p[2] for p in parts)
            terms = 1
            for p in parts:
                terms = min(terms * p[3], _CAP)
        elif isinstance(node, sympy.Pow) and node.exp.is_Integer:
            n = abs(int(node.exp))
            bdeg, bterms = parts[0][2], parts[0][3]
            degree = n * bdeg
            terms = _terms_of_power(bterms, n, len(parts[0][4]), degree)
        elif isinstance(node, sympy.Pow) and node.exp.is_Rational:
            degree = math.ceil(abs(node.exp) * parts[0][2])
            terms = 1
        else:  # a function call, or a power with a symbolic exponent: a new variable
            degree = 1 if syms else 0
            terms = 1
        nest = max(p[5] for p in parts) + (1 if isinstance(node, sympy.exp) else 0)
        memo[node] = (depth, min(nodes, 10 * MAX_NODES), degree, terms, syms, nest)
    d, n, g, t, _, e = memo[expr]
    return Complexity(depth=d, nodes=n, degree=g, terms=t, exp_nesting=e)


#: sympy node types a model expression may contain (the grammar of SPEC §1.4).
_ALLOWED_NODES = (
    sympy.Symbol,
    sympy.Number,
    sympy.Add,
    sympy.Mul,
    sympy.Pow,
    sympy.exp,
    sympy.log,
    sympy.Abs,
    sympy.Min,
    sympy.Max,
    sympy.core.numbers.Exp1,
    sympy.core.numbers.Pi,
)


def check_expression(expr: object, *, where: str, text: str | None = None) -> sympy.Expr:
    """Check an expression (parsed, built from definitions, or given in Python) against the limits.

    The one guard on expressions wherever they come from: a finite real expression
    (no ``zoo``, ``oo``, ``nan``, ``I``) made of the SPEC §1.4 grammar (numbers, symbols,
    ``+ - * / **``, ``exp log sqrt Abs Min Max``); every number of absolute value at most
    :data:`MAX_MAGNITUDE` and at most :data:`MAX_BITS` bits; every numeric exponent at most
    :data:`MAX_EXPONENT` and every constant ``exp`` argument at most :data:`MAX_EXP_ARGUMENT`
    in absolute value; and a :func:`complexity` within :data:`MAX_DEPTH`, :data:`MAX_NODES`,
    :data:`MAX_DEGREE` and :data:`MAX_TERMS`. A Python number becomes an exact sympy number.

    Raises
    ------
    ExpressionError
        Naming ``where``, the expression (``text`` when given) and the limit.

    Examples
    --------
    >>> a, b, c, d, e, f = sympy.symbols("a:f", positive=True)
    >>> check_expression(0.25, where="demo")
    1/4
    >>> check_expression((a + b + c + d + e + f + 1) ** 10 * (a - b) ** 2, where="demo")
    Traceback (most recent call last):
    ...
    govgame.errors.ExpressionError: demo: "(a - b)**2*(a + b + c + d + e + f + 1)**10" would have more than 10,000 terms once multiplied out (the limit; the expression has degree 12 in the parameters)
    >>> check_expression(a**21, where="demo")
    Traceback (most recent call last):
    ...
    govgame.errors.ExpressionError: demo: "a**21" has degree 21 in the parameters once multiplied out; the limit is 20
    """
    import numbers

    if isinstance(expr, numbers.Real) and not isinstance(expr, (bool, sympy.Basic)):
        if isinstance(expr, numbers.Integral):
            expr = sympy.Integer(int(expr)) if abs(int(expr)) <= MAX_MAGNITUDE else sympy.oo
        else:
            v = float(expr)
            expr = sympy.Rational(repr(v)) if math.isfinite(v) else sympy.nan
    prefix = f"{where}: " if where else ""
    if not isinstance(expr, sympy.Expr):
        raise ExpressionError(f"{prefix}expected an expression, found {type(expr).__name__}")

    def show() -> str:  # printing may be costly: only for a message
        return _show(text) if text is not None else _show(format_expression(expr))

    if expr.has(sympy.zoo, sympy.oo, -sympy.oo, sympy.nan):
        raise ExpressionError(f"{prefix}{show()} is not a finite number (a division by zero or log(0)?)")
    if expr.has(sympy.I):
        raise ExpressionError(f"{prefix}{show()} is not a real number")
    for node in _nodes(expr):
        if not isinstance(node, _ALLOWED_NODES):
            name = getattr(node.func, "__name__", type(node).__name__)
            raise ExpressionError(
                f"{prefix}{show()} uses {name}, which is not part of model expressions "
                "(numbers, parameters, + - * / **, exp, log, sqrt, Abs, Min, Max)"
            )
        if isinstance(node, sympy.Rational):
            if _bits(node) > MAX_BITS:
                raise ExpressionError(f"{prefix}a number in {show()} has more than {MAX_BITS:,} bits")
            if abs(node) > MAX_MAGNITUDE:
                raise ExpressionError(
                    f"{prefix}{_show_number(node)} in {show()} exceeds the limit: numbers have absolute "
                    f"value at most {MAX_MAGNITUDE:g}"
                )
        elif isinstance(node, sympy.Float) and not abs(float(node)) <= MAX_MAGNITUDE:
            raise ExpressionError(f"{prefix}the number {node} in {show()} exceeds the limit {MAX_MAGNITUDE:g}")
        elif isinstance(node, sympy.Pow) and node.exp.is_Number and abs(node.exp) > MAX_EXPONENT:
            raise ExpressionError(
                f"{prefix}{show()} amounts to the power {_show(format_expression(node))}, whose exponent exceeds "
                f"{MAX_EXPONENT} in absolute value"
            )
        elif isinstance(node, sympy.exp) and _exp_too_big(node.args[0]):
            raise ExpressionError(
                f"{prefix}{show()} amounts to {_show(format_expression(node))}; a constant argument of exp must lie "
                f"in [-{MAX_EXP_ARGUMENT}, {MAX_EXP_ARGUMENT}]"
            )
    c = complexity(expr)
    if c.nodes > MAX_NODES:
        raise ExpressionError(
            f"{prefix}{show()} is too large: with its definitions written out it has more than {MAX_NODES:,} "
            "parts (the limit)"
        )
    if c.depth > MAX_DEPTH:
        raise ExpressionError(
            f"{prefix}{show()} is nested {c.depth} levels deep once its definitions are substituted; the limit is "
            f"{MAX_DEPTH}"
        )
    if c.exp_nesting > MAX_EXP_NESTING:
        raise ExpressionError(
            f"{prefix}{show()} nests exp {c.exp_nesting} deep once its definitions are substituted; the limit is "
            f"{MAX_EXP_NESTING} (exp(exp(x)))"
        )
    if c.degree > MAX_DEGREE:
        raise ExpressionError(
            f"{prefix}{show()} has degree {c.degree} in the parameters once multiplied out; the limit is {MAX_DEGREE}"
        )
    if c.terms > MAX_TERMS:
        raise ExpressionError(
            f"{prefix}{show()} would have more than {MAX_TERMS:,} terms once multiplied out (the limit; the "
            f"expression has degree {c.degree} in the parameters)"
        )
    return expr


def _nodes(expr: sympy.Basic) -> Iterable[sympy.Basic]:
    """Every distinct node of an expression's DAG, once each."""
    seen: set[sympy.Basic] = set()
    stack = [expr]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        yield node
        stack.extend(node.args)


def _show_number(n: sympy.Rational) -> str:
    digits = len(str(abs(n.p)))
    return f"a number of {digits} digits" if digits > 20 else f"the number {_show(format_expression(n))}"


def parse_expression(
    text: str,
    symbols: Mapping[str, sympy.Expr],
    *,
    where: str,
    shares: Iterable[str] = (),
    max_length: int = MAX_LENGTH,
    share_hint: str = "",
) -> sympy.Expr:
    """Parse one model expression into a sympy expression, allowing only the SPEC §1.4 grammar.

    Parameters
    ----------
    text : str
        The expression, e.g. ``"R_g - C_g + p_d * F"``.
    symbols : mapping
        Name -> sympy symbol or expression. A name mapped to an expression (a
        definition) is replaced by it.
    where : str
        Where the text comes from (file and entry); starts every error message.
    shares : iterable of str, optional
        Share (state) symbols of the model that may not appear here: using one gives a
        specific error. (Where shares are allowed — payoffs and definitions of a
        format-2 model — they are in ``symbols`` instead.)
    max_length : int, optional
        Longest text accepted (default :data:`MAX_LENGTH`).
    share_hint : str, optional
        Why shares may not appear here and how to fix it (ends the error message).

    Returns
    -------
    sympy.Expr

    Raises
    ------
    ExpressionError
        For anything outside the grammar, an undeclared name, a non-constant or too
        large exponent, too deep nesting, too long text, or a non-finite result.

    Examples
    --------
    >>> import sympy
    >>> E, x = sympy.Symbol("E", positive=True), sympy.Symbol("c", positive=True)
    >>> parse_expression("E**2 - 0.6*c + Max(c, 1)", {"E": E, "c": x}, where="demo")
    E**2 - 3*c/5 + Max(1, c)
    >>> parse_expression("c.real", {"c": x}, where="demo")
    Traceback (most recent call last):
    ...
    govgame.errors.ExpressionError: demo: attribute access is not allowed in expressions: "c.real" in "c.real"
    """
    parser = _Parser(text, symbols, where, shares, max_length, share_hint)
    tree = parser.tree()
    return parser.check_result(parser.expr(tree))


def parse_relation(
    text: str,
    symbols: Mapping[str, sympy.Expr],
    *,
    where: str,
    shares: Iterable[str] = (),
    max_length: int = MAX_LENGTH,
    share_hint: str = "",
) -> sympy.core.relational.Relational:
    """Parse one relation ``lhs OP rhs`` with ``OP`` one of ``< <= > >=``.

    The relation is returned unevaluated (``x >= 0`` stays a relation even when
    ``x`` is declared nonnegative). Chained comparisons (``0 < a < 1``) are
    rejected: write them as two relations. Other arguments as in
    :func:`parse_expression`.

    Examples
    --------
    >>> import sympy
    >>> a, b = sympy.symbols("R_e C_e", positive=True)
    >>> parse_relation("R_e > C_e", {"R_e": a, "C_e": b}, where="demo")
    R_e > C_e
    >>> parse_relation("R_e == C_e", {"R_e": a, "C_e": b}, where="demo")
    Traceback (most recent call last):
    ...
    govgame.errors.ExpressionError: demo: only one of < <= > >= may compare two expressions, found "R_e == C_e"
    """
    parser = _Parser(text, symbols, where, shares, max_length, share_hint)
    tree = parser.tree()
    if not isinstance(tree, ast.Compare) or len(tree.ops) != 1 or type(tree.ops[0]) not in _COMPARE:
        if isinstance(tree, ast.Compare) and len(tree.ops) > 1:
            parser.fail(f"chained comparison {_show(parser.text)}: write one relation per comparison")
        parser.fail(f"only one of < <= > >= may compare two expressions, found {_show(parser.text)}")
    rel, _ = _COMPARE[type(tree.ops[0])]
    lhs = parser.check_result(parser.expr(tree.left))
    rhs = parser.check_result(parser.expr(tree.comparators[0]))
    return rel(lhs, rhs, evaluate=False)


class _ModelPrinter(StrPrinter):
    """sympy's string printer, with constants spelled in the model grammar."""

    def _print_Exp1(self, expr: sympy.Expr) -> str:
        return "exp(1)"

    def _print_Float(self, expr: sympy.Float) -> str:
        return repr(float(expr))


_PRINTER = _ModelPrinter({"order": None})


def format_expression(expr: sympy.Basic) -> str:
    """Print a sympy expression or relation in the model's own expression syntax.

    For an expression built from the grammar of :func:`parse_expression`,
    ``parse_expression(format_expression(e), table, where=...) == e`` (and the same
    for relations with :func:`parse_relation`). Rationals print as ``3/5``; Euler's
    number as ``exp(1)``, so a parameter named ``E`` is never confused with it.

    Examples
    --------
    >>> import sympy
    >>> x, lam = sympy.Symbol("x", real=True), sympy.Symbol("lambda", positive=True)
    >>> format_expression(sympy.Rational(3, 5) * lam / (1 + x) + sympy.sqrt(x))
    '3*lambda/(5*(x + 1)) + sqrt(x)'
    >>> format_expression(sympy.Lt(x, lam))
    'x < lambda'
    """
    return _PRINTER.doprint(expr)
