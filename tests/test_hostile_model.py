"""Hostile model input, class by class, through the public API (the command line is tested in test_hostile_cli.py).

Each class of attack enters through one guard; the tests draw several members of each class
(and hypothesis where a class is a whole space) and check that every member is refused with
one line naming it, before anything of its size is built, and that the harmless neighbours
are still accepted.
"""

from __future__ import annotations

import os
import socket
import threading
import warnings
from fractions import Fraction

import numpy as np
import pytest
import sympy
import tomllib
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import TRIPARTITE
from govgame import limits
from govgame.errors import ExpressionError, GovgameError, ModelError, ParameterError
from govgame.model.expr import check_expression, complexity
from govgame.model.game import LATEX_COMMANDS, Game, Parameter, Population, check_latex
from govgame.model.loader import game_from_dict, load_model, loads_model, read_model_text

G1 = 'government = "benefit - C_g"'


def load(text: str) -> Game:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return loads_model(text, source="m.toml")


def edit(old: str, new: str, text: str = TRIPARTITE) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def rejected(text: str, match: str, cls: type[Exception] = ModelError) -> str:
    with pytest.raises(cls, match=match) as info:
        load(text)
    msg = str(info.value)
    assert "\n" not in msg and msg.isprintable(), msg  # one line, no raw control characters
    return msg


def data() -> dict:
    return tomllib.loads(TRIPARTITE)


# ------------------------------------------------------------------------------ numbers
HUGE = {
    "400 digits": "9" * 400,
    "5000 digits": "9" * 5000,
    "1e13": "1e13",
    "-1e13": "-1e13",
    "1e308": "1e308",
    "1.7e308": "1.7e308",
    "-2e12": "-2e12",
}
WHERE = {
    "value": ("value = 3.0", "value = {}"),
    "range": ("range = [0.0, 10.0]", "range = [0.0, {}]"),
    "scenario": ("C_g = 5.0", "C_g = {}"),
    "payoff number": ("consumer = 0\n", "consumer = {}\n"),
    "payoff constant": (G1, 'government = "{} * C_g"'),
}


@pytest.mark.parametrize("where", list(WHERE))
@pytest.mark.parametrize("number", list(HUGE))
def test_numbers_beyond_the_bound_are_refused_everywhere(where, number):
    old, new = WHERE[where]
    text = HUGE[number]
    if where in ("value", "scenario") and text.startswith("-"):
        text = text[1:]  # the sign check would come first; the magnitude is the point here
    msg = rejected(edit(old, new.format(text)), r"absolute value at most 1e\+12|4300 digits")
    assert msg.startswith("m.toml: ")
    assert len(msg) < 400  # a 400-digit number is described or shortened, never printed whole


@pytest.mark.parametrize("where", list(WHERE))
def test_numbers_at_the_bound_are_accepted(where):
    old, new = WHERE[where]
    text = new.format("1e12")
    if where in ("value", "scenario"):  # inside the range [0, 10] otherwise
        text = text.replace("1e12", "7")
    game = load(edit(old, text))
    assert isinstance(game, Game)


@settings(max_examples=60, deadline=None)
@given(st.integers())
def test_every_integer_is_accepted_exactly_when_within_the_bound(n):
    doc = data()
    doc["payoff"][1]["consumer"] = n
    doc["parameters"]["B"]["value"] = n
    if abs(n) <= limits.MAX_MAGNITUDE:
        game = game_from_dict(doc)
        assert game.payoff(("strict", "formal", "sell"))[2] == n and game.parameter("B").value == float(n)
    else:
        with pytest.raises(ModelError, match="at most 1e"):
            game_from_dict(doc)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf")])
def test_non_finite_floats_are_refused(value):
    doc = data()
    doc["parameters"]["C_g"]["value"] = value
    with pytest.raises(ModelError, match="finite number"):
        game_from_dict(doc)


@pytest.mark.parametrize(
    "value", [np.float32(0.5), np.float64(0.5), np.int64(3), np.int8(-2), Fraction(1, 4), np.float16(0.25)]
)
def test_numpy_and_other_real_numbers_are_numbers(value):
    doc = data()
    doc["payoff"][1]["consumer"] = value
    doc["parameters"]["B"]["value"] = value
    game = game_from_dict(doc)
    assert game.payoff(("strict", "formal", "sell"))[2] == sympy.Rational(repr(float(value)))
    assert game.parameter("B").value == float(value)


@pytest.mark.parametrize("value", [True, np.bool_(True), "3", None, [1], {"a": 1}, 1j, b"1"])
def test_non_numbers_are_a_model_error(value):
    doc = data()
    doc["parameters"]["B"]["value"] = value
    with pytest.raises(ModelError, match="must be a number"):
        game_from_dict(doc)


# ------------------------------------------------------------------------------ names
BAD_NAMES = ["strict\n", "a\nb", "1x y", "x\x1b[31m", "x y", "café", "", "x" * (limits.MAX_NAME_LENGTH + 1), "a-b"]
NAME_SITES = {
    "strategy": ('strategies = ["strict", "lax"]', 'strategies = [{}, "lax"]'),
    "population": ('name = "government"', "name = {}"),
    "share": ('share = "x"', "share = {}"),
    "parameter": ("[parameters.F]", "[parameters.{}]"),
    "definition": ('expected_fine = "p_d * F"', 'expected_fine = "p_d * F"\n{} = "F"'),
}


def toml_string(s: str) -> str:
    """A TOML basic string holding ``s`` (control characters as \\uXXXX escapes)."""
    out = []
    for c in s:
        if c in '"\\':
            out.append("\\" + c)
        elif not c.isprintable() or ord(c) > 126:
            out.append(f"\\u{ord(c):04x}")
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


@pytest.mark.parametrize("site", list(NAME_SITES))
@pytest.mark.parametrize("name", BAD_NAMES, ids=[repr(n)[:20] for n in BAD_NAMES])
def test_names_are_whole_identifiers_everywhere(site, name):
    old, new = NAME_SITES[site]
    rejected(edit(old, new.format(toml_string(name))), r"not a valid name|characters long|not valid TOML|is empty")


@pytest.mark.parametrize("name", ["toy\n", "Toy", "toy game", "toy\x00"])
def test_game_names(name):
    rejected(edit('name = "toy_tripartite"', f"name = {toml_string(name)}"), "game name|binary data")


@pytest.mark.parametrize("name", ["early\nmarket", "a\x1b[2J", "x" * 65])
def test_scenario_names_have_no_control_characters(name):
    rejected(edit("[scenario.weak]", f"[scenario.{toml_string(name)}]"), r"scenario")


def test_free_text_keeps_control_characters_for_the_renderers_to_escape():
    game = load(edit('title = "Toy', 'title = "\\u001b[31mRed\\u001b[0m Toy'))
    assert game.title.startswith("\x1b[31m")


# ------------------------------------------------------------------------------ latex
LATEX_ATTACKS = [
    r"\input{/etc/passwd}",
    r"C\openout1=x",
    r"\write18{rm -rf ~}",
    r"\immediate\write18{id}",
    r"\catcode`\^=7",
    r"^^5cinput{/etc/passwd}",
    r"C_g$\input x$",
    r"C % comment",
    r"a # b",
    r"a & b",
    r"a ~ b",
    r"a \\ b",
    r"C_{g",
    r"C_g}",
    "C\\",
    r"\csname input\endcsname",
    r"\def\x{y}",
    r"\usepackage{x}",
    "C\x1b",
    "C\n_g",
    r"\mathrm{x}" * 40,
    "{" * 11 + "}" * 11,
    r"\text{ok}\relax",
]
LATEX_OK = [r"C_{g}", r"\bar{C}_{g}^{\prime}", r"\alpha", r"\hat{\beta}_1'", r"\tilde{x}", r"\mathrm{cost}_{1,2}",
            r"\Delta p", r"C_{g}^{\max}".replace(r"\max", "m"), r"\mathit{F}\,e", r"\{a\}", r"p_{\mathrm{d}}"]  # fmt: skip


@pytest.mark.parametrize("text", LATEX_ATTACKS)
def test_latex_field_refuses_everything_outside_the_safe_subset(text):
    with pytest.raises(ModelError) as info:
        check_latex(text, where="[parameters.C_g] latex")
    assert "\n" not in str(info.value) and str(info.value).isprintable()
    rejected(edit('description = "Cost of strict regulation"', f"latex = {toml_string(text)}"), "latex")


@pytest.mark.parametrize("text", LATEX_OK)
def test_latex_field_accepts_ordinary_symbols(text):
    game = load(edit('description = "Cost of strict regulation"', f"latex = {toml_string(text)}"))
    assert game.parameter("C_g").latex == text


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from([*"\\{}^_$%#&~'ab1 @", "\\input", "\\alpha", "\\write", "\\mathrm", "catcode", "^^5c"]),
        max_size=20,
    ).map("".join)
)
def test_accepted_latex_can_never_run_a_primitive(text):
    try:
        check_latex(text)
    except ModelError:
        return
    # an independent reading of what was accepted: only listed control words, no TeX specials
    import re

    assert not set(text) & set("$%#&~@\n"), text
    assert "^^" not in text
    for word in re.findall(r"\\([A-Za-z]+)", text):
        assert word in LATEX_COMMANDS, text
    assert text.count("{") == text.count("}")


# ------------------------------------------------------------------------------ sign and range
SIGN_RANGES = [
    ("positive", [0.0, 10.0], True),
    ("negative", [-10.0, 0.0], True),
    ("nonnegative", [0.0, 10.0], True),
    ("positive", [1.0, 10.0], True),
    ("negative", [-10.0, -1.0], True),
    ("positive", [-1.0, 10.0], False),
    ("negative", [-10.0, 1.0], False),
    ("nonnegative", [-1.0, 1.0], False),
    ("any", [-10.0, 10.0], True),
]


@pytest.mark.parametrize(("sign", "rng", "ok"), SIGN_RANGES)
def test_sign_and_range_rules_are_symmetric(sign, rng, ok):
    doc = data()
    doc["parameters"]["B"] = {"sign": sign, "range": rng}
    if ok:
        assert game_from_dict(doc).parameter("B").range == tuple(rng)
    else:
        with pytest.raises(ModelError, match=f'contradicts sign "{sign}"'):
            game_from_dict(doc)


MIRROR = {"positive": "negative", "negative": "positive", "any": "any"}


@settings(max_examples=80, deadline=None)
@given(
    st.sampled_from(["positive", "negative", "any"]),
    st.floats(-20, 20, allow_nan=False),
    st.floats(-20, 20, allow_nan=False),
    st.one_of(st.none(), st.floats(-20, 20, allow_nan=False)),
)
def test_mirrored_parameters_are_accepted_alike(sign, lo, hi, value):
    """Negating the range and the value and swapping positive/negative never changes the verdict."""

    def verdict(sign, rng, value):
        try:
            Parameter("p", sign=sign, range=rng, value=value)
        except GovgameError:
            return False
        return True

    mirrored = None if value is None else -value
    assert verdict(sign, (lo, hi), value) == verdict(MIRROR[sign], (-hi, -lo), mirrored)


@pytest.mark.parametrize("sign", ["positive", "negative"])
def test_zero_has_neither_strict_sign(sign):
    with pytest.raises(ModelError, match="violates the sign"):
        Parameter("p", sign=sign, value=0.0)
    with pytest.raises(ModelError, match="violates the sign"):
        Parameter("p", sign=sign, value=0.0, range=(0.0, 1.0) if sign == "positive" else (-1.0, 0.0))


# ------------------------------------------------------------------------------ expressions
EXPRESSIONS = {
    "degree": ("C_g**21", "degree 21"),
    "degree of a product": ("C_g**11 * E**10", "degree 21"),
    "nested powers": ("((C_g + 1)**10 + E)**10", "degree 100"),
    "terms": ("(C_g + E + F + p_d + B + lambda + 1)**10 * (C_g - E)**2", "more than 10,000 terms"),
    "exp nesting": ("exp(exp(exp(p_d)))", "nests exp 3 deep"),
    "constant too big": ("1e15 * C_g", "absolute value at most 1e"),
    "folded constant": ("1e7 * 1e7 + C_g", "absolute value at most 1e"),
}


@pytest.mark.parametrize("case", list(EXPRESSIONS))
def test_expressions_beyond_the_work_limits_are_refused_at_parse_time(case):
    text, match = EXPRESSIONS[case]
    rejected(edit(G1, f'government = "{text}"'), match)


def chain(kind: str, n: int) -> str:
    """Definitions d0 ... d{n-1}, each built from the one before; the government payoff uses the last."""
    step = {
        "power": "({prev} + 1)**3",
        "exp": "exp({prev})",
        "square": "{prev} * {prev} + {prev}",
        "sum": "{prev} + {prev}*C_g",
    }[kind]
    lines = ['expected_fine = "p_d * F"']
    for i in range(n):
        prev = "p_d" if i == 0 else f"d{i - 1}"
        lines.append(f'd{i} = "{step.format(prev=prev)}"')
    text = edit('expected_fine = "p_d * F"', "\n".join(lines))
    return edit(G1, f'government = "d{n - 1} - C_g"', text)


@pytest.mark.parametrize(
    ("kind", "n", "match"),
    [("power", 40, "degree"), ("exp", 40, "nests exp"), ("square", 40, "degree"), ("sum", 200, "degree")],
)
def test_chains_of_definitions_stop_at_the_first_one_beyond_the_limits(kind, n, match):
    msg = rejected(chain(kind, n), match)
    assert "[definitions] d" in msg  # named at the definition where the limit is crossed
    index = int(msg.split("[definitions] d")[1].split(":")[0])
    assert index < n // 4  # long before the end of the chain


def test_definitions_within_the_limits_load():
    game = load(chain("power", 2))  # ((p_d + 1)**3 + 1)**3: degree 9
    d1 = next(d for d in game.definitions if d.name == "d1")
    assert complexity(d1.expr).degree == 9


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 30), st.integers(1, 6))
def test_power_of_a_sum_is_refused_exactly_beyond_the_degree_and_term_limits(n, k):
    syms = sympy.symbols(f"a0:{k}")
    expr = sympy.Add(*syms, 1) ** n
    terms = len(sympy.Poly(sympy.expand(expr), *syms).terms()) if n * k <= 40 else None
    c = complexity(expr)
    if terms is not None:
        assert c.terms >= terms  # an upper bound, never below the truth
    try:
        check_expression(expr, where="demo")
    except ExpressionError:
        assert n > limits.MAX_DEGREE or c.terms > limits.MAX_TERMS
    else:
        assert n <= limits.MAX_DEGREE and c.terms <= limits.MAX_TERMS


@pytest.mark.parametrize(
    "expr",
    [sympy.sin(sympy.Symbol("a")), sympy.zoo, sympy.nan, sympy.oo, sympy.I * sympy.Symbol("a"), sympy.Float("1e300")],
)
def test_python_built_payoffs_pass_the_same_guard(expr):
    a = Parameter("a", value=1.0)
    payoffs = {
        pr: (expr.subs(sympy.Symbol("a"), a.symbol), 0) for pr in [("p", "s"), ("p", "t"), ("q", "s"), ("q", "t")]
    }
    with pytest.raises(ModelError):
        Game(
            name="g",
            populations=(Population("r", ("p", "q"), ("x",)), Population("c", ("s", "t"), ("y",))),
            parameters=(a,),
            payoffs=payoffs,
        )


# ------------------------------------------------------------------------------ values
UNDEFINED = {
    "pole": ("1/(C_g - 3)", "division by zero"),
    "sqrt of a negative number": ("sqrt(B - 2)", "sqrt of the negative number -1"),
    "log of a negative number": ("log(B - 2)", "log of the negative number -1"),
    "log of zero": ("log(B - 1)", r"log\(0\)"),
    "fractional power of a negative number": ("(B - 2)**(1/3)", "fractional power of the negative number"),
    "exp overflow": ("exp(700 * C_g)", "overflows"),
    "payoff too large": ("exp(10 * C_g)", "payoffs must have absolute value at most 1e"),
    "zero to a negative power": ("(C_g - 3)**-2", "division by zero"),
}


@pytest.mark.parametrize("case", list(UNDEFINED))
def test_payoffs_undefined_at_the_values_are_named_before_numeric_work(case):
    from govgame.analysis.pipeline import analyze

    text, match = UNDEFINED[case]
    game = load(edit(G1, f'government = "{text}"'))
    values = game.values()
    with pytest.raises(ParameterError, match=match) as info:
        game.check_payoffs_at(values)
    msg = str(info.value)
    assert 'the payoff of "government" at profile ["strict", "formal", "return"]' in msg
    assert ("C_g = 3" in msg) or ("B = 1" in msg)  # the values it depends on
    with pytest.raises(ParameterError, match=match):
        analyze(game, params=values)


def test_payoffs_are_checked_at_the_values_actually_used():
    game = load(edit(G1, 'government = "1/(C_g - 3)"'))
    with pytest.warns(UserWarning, match=r'the values violate the assumption "E > C_g/2"'):
        values = game.values(overrides={"C_g": 4.0})
    game.check_payoffs_at(values)  # fine away from the pole
    with pytest.raises(ParameterError, match="C_g = 3"):
        game.check_payoffs_at(game.values())


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"C_g": float("inf")}, "finite number"),
        ({"C_g": float("nan")}, "finite number"),
        ({"C_g": -1.0}, "C_g = -1 violates its sign"),
        ({"E": 0.0}, "E = 0 violates its sign"),
        ({"C_g": 1e13}, "at most 1e"),
        ({"C_g": "3"}, "must be a number"),
        ({"nope": 1.0}, 'unknown parameter "nope"'),
    ],
)
def test_api_values_are_checked(params, match):
    from govgame.analysis.pipeline import analyze

    game = load(TRIPARTITE)
    values = {**game.values(), **params}
    with pytest.raises(ParameterError, match=match):
        game.check_params(values)
    with pytest.raises(ParameterError, match=match):
        analyze(game, params=values)


# ------------------------------------------------------------------------------ sizes
def binary_game(populations: int) -> dict:
    return {
        "game": {"name": "big"},
        "population": [{"name": f"p{i}", "strategies": ["a", "b"], "share": f"x{i}"} for i in range(populations)],
        "payoff": [],  # never looked at: the size is refused first
    }


@pytest.mark.parametrize(
    ("doc", "match"),
    [
        (binary_game(12), "12 populations; the limit is 8"),
        (binary_game(9), "9 populations; the limit is 8"),
        (
            {"game": {"name": "big"}, "payoff": [],
             "population": [{"name": "a", "strategies": [f"s{i}" for i in range(50)], "shares": []},
                            {"name": "b", "strategies": ["s", "t"], "share": "y"}]},
            "50 strategies; a population has at most 10",
        ),
        (
            {"game": {"name": "big"}, "payoff": [],
             "population": [{"name": f"p{j}", "strategies": [f"s{i}" for i in range(6)],
                             "shares": [f"y{j}_{i}" for i in range(5)]} for j in range(4)]},
            "1,296 pure-strategy profiles",
        ),
        ({**binary_game(2), "parameters": {f"a{i}": {"value": 1.0} for i in range(1200)}}, "1,200 parameters"),
        ({**binary_game(2), "definitions": {f"d{i}": "1" for i in range(501)}}, "501 definitions"),
        ({**binary_game(2), "payoff": [{}] * 1025}, "1,025 \\[\\[payoff\\]\\] tables"),
    ],
)  # fmt: skip
def test_sizes_are_refused_before_anything_of_that_size_is_built(doc, match):
    with pytest.raises(ModelError, match=match):
        game_from_dict(doc)


# ------------------------------------------------------------------------------ files
def finishes(fn, timeout=30.0):
    """Run ``fn`` in a thread; fail instead of hanging when it does not return."""
    box: dict = {}

    def run():
        try:
            box["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            box["error"] = exc

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(timeout)
    assert not t.is_alive(), "the call blocked"
    if "error" in box:
        raise box["error"]
    return box.get("value")


@pytest.fixture
def special_files(tmp_path):
    fifo = tmp_path / "model.fifo"
    os.mkfifo(fifo)
    link = tmp_path / "zero.toml"
    link.symlink_to("/dev/zero")
    sock_path = tmp_path / "model.sock"
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(sock_path))
    yield {
        "/dev/zero": ("/dev/zero", "character device"),
        "/dev/urandom": ("/dev/urandom", "character device"),
        "/dev/null": ("/dev/null", "character device"),
        "fifo without writer": (fifo, "pipe"),
        "link to /dev/zero": (link, "character device"),
        "socket": (sock_path, "not a regular file|socket"),
        "directory": (tmp_path, "directory"),
    }
    sock.close()


@pytest.mark.parametrize(
    "case",
    ["/dev/zero", "/dev/urandom", "/dev/null", "fifo without writer", "link to /dev/zero", "socket", "directory"],
)
def test_non_regular_files_are_refused_without_blocking(case, special_files):
    path, match = special_files[case]
    with pytest.raises(ModelError, match=match):
        finishes(lambda: load_model(path))


def test_a_fifo_with_a_writer_is_refused_too(tmp_path):
    fifo = tmp_path / "m.fifo"
    os.mkfifo(fifo)
    fd = os.open(fifo, os.O_RDWR | os.O_NONBLOCK)  # a writer that never closes: an endless pipe
    try:
        os.write(fd, b"[game]\n" * 100)
        with pytest.raises(ModelError, match="pipe"):
            finishes(lambda: read_model_text(fifo))
    finally:
        os.close(fd)


def test_reads_stop_at_the_cap(tmp_path, monkeypatch):
    path = tmp_path / "m.toml"
    path.write_text(TRIPARTITE)
    reads = []
    real_read = os.read

    def counting_read(fd, n):
        reads.append(n)
        return real_read(fd, n)

    monkeypatch.setattr(os, "read", counting_read)
    assert read_model_text(path) == TRIPARTITE
    assert sum(reads) <= limits.MAX_FILE_BYTES + 1 + (1 << 20)
    assert all(n <= limits.MAX_FILE_BYTES + 1 for n in reads)


# ------------------------------------------------------------------------------ any Python object
HOSTILE_OBJECTS = st.sampled_from(
    [None, True, 0, -1, 10**400, 1e308, float("nan"), float("inf"), 1j, b"x", "", " ", "\n", "\x00", "\x1b[2J",
     "C_g", "C_g.real", "1/0", [], [None], {}, {"x": None}, (1, 2), {1, 2}, object(), np.float32(2.5),
     np.int64(3), np.array([1.0, 2.0]), np.bool_(True), np.nan, Fraction(1, 3), sympy.Symbol("C_g"), sympy.oo]
)  # fmt: skip


def _paths(doc, prefix=()):
    """Every (path, container) position in a nested dict/list document."""
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield (*prefix, k)
            yield from _paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield (*prefix, i)
            yield from _paths(v, (*prefix, i))


PATHS = list(_paths(tomllib.loads(TRIPARTITE)))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(PATHS), HOSTILE_OBJECTS), min_size=1, max_size=3))
def test_any_python_object_anywhere_gives_a_game_or_a_model_error(edits):
    doc = tomllib.loads(TRIPARTITE)
    for path, value in edits:
        node = doc
        try:
            for key in path[:-1]:
                node = node[key]
            node[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            game = game_from_dict(doc)
    except ModelError as exc:
        assert "\n" not in str(exc) and str(exc).isprintable(), str(exc)
    else:
        assert isinstance(game, Game)
