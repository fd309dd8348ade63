"""Loading model files (SPEC §1): every rule, every rejection."""

from __future__ import annotations

import time
import warnings

import pytest
import sympy
import tomli_w
import tomllib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import THREE_STRATEGIES, TRIPARTITE
from govgame.errors import ModelError
from govgame.model import Game, shipped
from govgame.model.loader import game_from_dict, load_model, loads_model
from govgame.model.shipped import model_path, shipped_models


def load(text: str, source: str = "m.toml") -> Game:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return loads_model(text, source=source)


def edit(old: str, new: str, text: str = TRIPARTITE) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def payoff_block(profile: str) -> str:
    """The [[payoff]] table of a profile in TRIPARTITE (up to the next table)."""
    start = TRIPARTITE.index(f"profile = {profile}")
    start = TRIPARTITE.rindex("[[payoff]]", 0, start)
    end = TRIPARTITE.find("[[payoff]]", start + 1)
    return TRIPARTITE[start : end if end != -1 else len(TRIPARTITE)]


# ------------------------------------------------------------------------- valid models
def test_tripartite_fixture_loads():
    game = load(TRIPARTITE)  # a scenario that violates an assumption warns when used, not at load
    assert game.name == "toy_tripartite"
    assert game.state_names == ("x", "y", "z")
    assert game.parameter_names == ("C_g", "lambda", "E", "F", "p_d", "B")
    lam, e = game.parameter("lambda").symbol, game.parameter("E").symbol
    assert lam.name == "lambda" and e.name == "E" and e != sympy.E and e.is_positive
    c_g, f, p_d = (game.parameter(n).symbol for n in ("C_g", "F", "p_d"))
    # definitions are substituted, recursively
    assert game.payoff(("strict", "formal", "return"))[0] == lam * e + p_d * f - c_g
    assert game.payoff(("strict", "informal", "sell"))[2] == sympy.Rational(1, 2)
    assert [d.name for d in game.definitions] == ["expected_fine", "benefit"]
    assert game.definitions[1].expr == lam * e + p_d * f
    assert [str(a) for a in game.assumptions] == ["E > C_g/2", "p_d <= 1"]
    with pytest.warns(UserWarning, match=r'scenario "weak" violate the assumption "E > C_g/2"'):  # 2 > 2.5
        weak = game.values("weak")
    assert weak == {"C_g": 5.0, "lambda": 0.6, "E": 2.0, "F": 4.0, "p_d": 0.1, "B": 1.0}
    assert game.scenario("weak").expect == ("lax", "informal", "sell")
    assert game.parameter("B").sign == "any" and game.parameter("C_g").range == (0.0, 10.0)
    assert game.source == "m.toml" and game.warnings == ()


def test_three_strategy_population():
    game = load(THREE_STRATEGIES)
    assert game.state_names == ("x", "y1", "y2")
    assert game.shape == (2, 3)
    assert game.population("recycler").shares == ("y1", "y2")


def test_game_from_dict_matches_the_file():
    data = tomllib.loads(TRIPARTITE)
    a, b = game_from_dict(data, source="m.toml"), load(TRIPARTITE)
    assert a.payoffs == b.payoffs
    assert a.parameters == b.parameters and a.scenarios == b.scenarios and a.assumptions == b.assumptions


def test_load_model_from_path_and_bom(model_file):
    path = model_file("\ufeff" + TRIPARTITE)
    assert load_model(path).name == "toy_tripartite"
    assert load_model(str(path)).name == "toy_tripartite"


def test_shipped_models_and_model_path(tmp_path, monkeypatch):
    d = tmp_path / "models"
    d.mkdir()
    (d / "toy_tripartite.toml").write_text(TRIPARTITE)
    (d / "broken.toml").write_text("[game")
    monkeypatch.setattr(shipped, "_model_dirs", lambda: [d])
    names = [(n, t) for n, t, _ in shipped_models()]
    assert names[1] == ("toy_tripartite", "Toy government, enterprise and consumer game")
    assert names[0][0] == "broken" and names[0][1].startswith("(cannot be read")
    assert model_path("toy_tripartite") == d / "toy_tripartite.toml"
    assert load_model("toy_tripartite").name == "toy_tripartite"
    with pytest.raises(ModelError, match=r'no shipped model named "toy_tripartit".*did you mean "toy_tripartite"'):
        load_model("toy_tripartit")


def test_unused_parameter_is_a_warning():
    text = edit("[definitions]", '[parameters.K]\ndescription = "unused"\nvalue = 1.0\n\n[definitions]')
    with pytest.warns(UserWarning, match=r'm.toml: parameter "K" is declared but appears in no payoff'):
        game = loads_model(text, source="m.toml")
    assert len(game.warnings) == 1 and '"K"' in game.warnings[0]


def test_parameter_used_only_in_an_unused_definition_is_a_warning():
    text = edit('benefit = "lambda * E + expected_fine"', 'benefit = "lambda * E + expected_fine"\nspare = "B * 2"')
    text = text.replace('consumer = "B"', "consumer = 1").replace('consumer = "B / 2"', "consumer = 1")
    with pytest.warns(UserWarning, match='parameter "B"'):
        loads_model(text)


def test_four_population_model_loads_quickly():
    pops = ["g", "e", "c", "a"]
    head = '[game]\nname = "four"\n' + "".join(
        f'[[population]]\nname = "{p}"\nstrategies = ["s{p}", "t{p}"]\nshare = "x_{p}"\n' for p in pops
    )
    params = "".join(f"[parameters.P{i}]\nvalue = {i}.5\nrange = [0.0, 100.0]\n" for i in range(16))
    blocks = []
    for i in range(16):
        prof = [("s" if (i >> k) & 1 == 0 else "t") + p for k, p in enumerate(pops)]
        vals = "".join(
            f'{p} = "P{i} - P{(i + j) % 16} * (P{(i + 2 * j) % 16} + 1/2) + exp(-P{j})"\n' for j, p in enumerate(pops)
        )
        blocks.append(f"[[payoff]]\nprofile = {prof!r}\n".replace("'", '"') + vals)
    text = head + params + "".join(blocks)
    load(text)
    start = time.perf_counter()
    game = load(text)
    assert time.perf_counter() - start < 0.3
    assert len(game.profiles) == 16


# ------------------------------------------------------------------------- rejections
P1 = '["strict", "formal", "return"]'
REJECTIONS = [
    # (text, regex)
    (edit("[game]", "[gmae]\n[game]"), r"unknown top-level table \[gmae\]; did you mean \[game\]"),
    (edit('title = "Toy', 'titel = "Toy'), r'\[game\]: unknown key "titel"; did you mean "title"'),
    (edit('label = "Government"', 'lable = "Government"'), r'\[\[population\]\] "government": unknown key "lable"'),
    (
        edit('description = "Cost of strict regulation"', 'descripton = "x"'),
        r'\[parameters.C_g\]: unknown key "descripton"',
    ),
    (edit("relations = [", "relation = ["), r'\[assumptions\]: unknown key "relation"'),
    (
        edit('government = "benefit - C_g"', 'goverment = "benefit - C_g"'),
        r'unknown key "goverment"; did you mean "government"',
    ),
    (
        edit('government = "benefit - C_g"\n', ""),
        r'profile \["strict", "formal", "return"\] has no payoff for population "government"',
    ),
    (
        edit('consumer = "B"\n', 'consumer = "B"\ngoverment = 1\n'),
        r'unknown key "goverment"; did you mean "government"',
    ),
    (
        TRIPARTITE.replace(payoff_block(P1), ""),
        r'profile \["strict", "formal", "return"\] has no \[\[payoff\]\] table \(1 of 8',
    ),
    (TRIPARTITE + payoff_block(P1), r'm.toml: \[\[payoff\]\] profile \["strict", "formal", "return"\] appears twice'),
    (
        edit(f"profile = {P1}", '["strict", "formal", "retrun"]'.join(["profile = ", ""])),
        r'"retrun" is not a strategy of population "consumer" \(return, sell\); did you mean "return"',
    ),
    (edit(f"profile = {P1}", 'profile = ["strict", "formal"]'), r"must name one strategy per population \(3"),
    (
        edit('government = "benefit - C_g"', 'government = "benefit - C_gg"'),
        r'm.toml: \[\[payoff\]\] profile \["strict", "formal", "return"\], population "government": "C_gg" is not declared.*did you mean "C_g"',
    ),
    (
        edit('expected_fine = "p_d * F"', 'expected_fine = "p_d * Fine"'),
        r'm.toml: \[definitions\] expected_fine: "Fine" is not declared',
    ),
    (edit('government = "benefit - C_g"', 'government = "x * C_g"'), r'share symbol "x" may not appear here'),
    (
        edit('expected_fine = "p_d * F"', 'expected_fine = "p_d * benefit"'),
        r"\[definitions\] form a cycle: (expected_fine -> benefit -> expected_fine|benefit -> expected_fine -> benefit)",
    ),
    (
        edit('expected_fine = "p_d * F"', 'expected_fine = "expected_fine"'),
        r"form a cycle: expected_fine -> expected_fine",
    ),
    (
        edit('expected_fine = "p_d * F"', 'expected_fine = "p_d * F"\nF = "1"'),
        r'"F" is declared both as a parameter and as a definition',
    ),
    (edit('expected_fine = "p_d * F"', 'expected_fine = "p_d * F"\nz = "1"'), r'"z" collides with a share symbol'),
    (edit("[parameters.F]", "[parameters.C_g]\nvalue = 1.0\n\n[parameters.F]"), r"not valid TOML: .*line \d+"),
    (edit('share = "z"', 'share = "F"'), r'the parameter "F" collides with the share symbol "F"'),
    (edit('share = "z"', 'share = "y"'), r'share symbol "y" is declared twice'),
    (edit('name = "consumer"', 'name = "enterprise"'), r'population "enterprise" is declared twice'),
    (edit("value = 3.0", 'value = "three"'), r"\[parameters.C_g\] value must be a number, found \'three\'"),
    (edit("value = 3.0", "value = true"), r"\[parameters.C_g\] value must be a number, found True"),
    (edit("value = 3.0", "value = nan"), r"\[parameters.C_g\] value must be a finite number"),
    (
        edit("value = 3.0", "value = -3.0"),
        r"\[parameters.C_g\]: parameter \"C_g\": value = -3 violates the sign of C_g \(nonnegative\)",
    ),
    (edit("value = 3.0", "value = 30.0"), r"\[parameters.C_g\]: .*30 lies outside the range \[0, 10\] of C_g"),
    (edit("range = [0.0, 10.0]", "range = [10.0, 0.0]"), r"\[parameters.C_g\]: .*must have low < high"),
    (edit("range = [0.0, 10.0]", "range = [0.0]"), r"range must be \[low, high\] with two numbers"),
    (edit('sign = "positive"', 'sign = "postive"'), r'sign = "postive" is not one of .*did you mean "positive"'),
    (edit("C_g = 5.0", "C_g = -5.0"), r"\[scenario.weak\] C_g = -5 violates the sign of C_g"),
    (edit("C_g = 5.0", "C_g = 50.0"), r"\[scenario.weak\] C_g = 50 lies outside the range \[0, 10\]"),
    (edit("C_g = 5.0", 'C_g = "5"'), r"\[scenario.weak\] C_g must be a number"),
    (
        edit("C_g = 5.0", "Cg = 5.0"),
        r'\[scenario.weak\] sets "Cg", which is not a declared parameter; did you mean "C_g"',
    ),
    (
        edit('expect = ["lax", "informal", "sell"]', 'expect = ["lax", "informal"]'),
        r"expect must name one strategy per population \(3\)",
    ),
    (
        edit('expect = ["lax", "informal", "sell"]', 'expect = ["lax", "informal", "sel"]'),
        r'expect names "sel".*did you mean "sell"',
    ),
    (edit('share = "z"', 'shares = ["z"]'), r'"consumer" has 2 strategies: name its state symbol with share = "x"'),
    (edit('share = "z"', 'share = "z"\nshares = ["z"]'), r"gives both share and shares"),
    (edit('share = "z"', ""), r'"consumer" has no share symbol; add share = "x"'),
    (
        edit('shares = ["y1", "y2"]', 'share = "y1"', THREE_STRATEGIES),
        r"has 3 strategies: name the shares of the first 2 with shares",
    ),
    (edit('shares = ["y1", "y2"]', 'shares = ["y1"]', THREE_STRATEGIES), r"needs 2 share symbol\(s\), found 1"),
    (edit('strategies = ["return", "sell"]', 'strategies = ["return"]'), r"needs at least 2 strategies"),
    (edit('strategies = ["return", "sell"]', 'strategies = ["return", "return"]'), r"lists a strategy twice"),
    (edit('strategies = ["return", "sell"]', 'strategies = "return"'), r"strategies must be a list of strings"),
    (edit('name = "toy_tripartite"', 'name = "Toy Tripartite"'), r"game name 'Toy Tripartite' must match"),
    (edit('name = "toy_tripartite"', ""), r"\[game\] has no name"),
    (edit("[game]", "[gam]", THREE_STRATEGIES).replace('name = "toy_k3"', ""), r"unknown top-level table \[gam\]"),
    ("[[population]]\nname='a'\n", r"missing \[game\] table"),
    (edit("[parameters.lambda]", '[parameters."my param"]'), r"parameter 'my param' is not a valid name"),
    (
        edit('consumer = "B"', "consumer = true"),
        r'population "consumer": expected an expression \(a string\) or a number, found True',
    ),
    (edit('consumer = "B"', "consumer = [1]"), r"expected an expression \(a string\) or a number"),
    (
        edit('consumer = "B"', "consumer = \"__import__('os').system('touch /tmp/pwned')\""),
        r'population "consumer": attribute access is not allowed',
    ),
    (edit('consumer = "B"', 'consumer = "B.__class__"'), r"attribute access"),
    (edit('consumer = "B"', 'consumer = "2**10**10"'), r"absolute value above 100"),
    (edit('"p_d <= 1"', '"p_d == 1"'), r"\[assumptions\] relations\[1\]: only one of < <= > >="),
    (edit('"p_d <= 1"', '"E < 0"'), r'"E < 0" can never hold for the declared signs'),
    (edit('"p_d <= 1"', '"x < 1"'), r'share symbol "x" may not appear'),
    (edit('relations = ["E > C_g / 2", "p_d <= 1"]', 'relations = "E > 0"'), r"relations must be a list of strings"),
    ("[game\nname = 1", r"m.toml: not valid TOML: .*line 1"),
    ("", r"m.toml: the file is empty"),
    ("  \n\n# only a comment\n", r"not valid TOML|the file is empty|missing \[game\]"),
    ("\x00\x01\x02binary", r"not a TOML model file \(it contains binary data\)"),
    ("just some words", r"not valid TOML"),
    ("population = 3\n[game]\nname='a'\n[[payoff]]\nprofile=[]", r"\[\[population\]\] must be a list of tables"),
    ("a = [" * 5000, r"not valid TOML|nested too deeply"),
]


@pytest.mark.parametrize(("text", "match"), REJECTIONS, ids=[m[:40] for _, m in REJECTIONS])
def test_rejections(text, match):
    with pytest.raises(ModelError, match=match) as info:
        load(text)
    msg = str(info.value)
    assert "\n" not in msg
    assert msg.startswith("m.toml: ")


def test_missing_file(tmp_path):
    with pytest.raises(ModelError, match=r"nope.toml: no such file"):
        load_model(tmp_path / "nope.toml")


def test_directory(tmp_path):
    with pytest.raises(ModelError, match=r"is a directory"):
        load_model(tmp_path)


def test_not_utf8(model_file):
    with pytest.raises(ModelError, match=r"not a TOML model file \(not UTF-8 text"):
        load_model(model_file(b"\xff\xfe\x00garbage\x89PNG"))


def test_file_too_large(model_file):
    path = model_file("# padding\n" * 250_000)
    start = time.perf_counter()
    with pytest.raises(ModelError, match=r"file is 2,500,000 bytes; model files are limited to 2,000,000 bytes"):
        load_model(path)
    assert time.perf_counter() - start < 0.5


def test_text_too_large():
    with pytest.raises(ModelError, match="the limit is 2,000,000"):
        loads_model("#" * 2_000_001)


@pytest.mark.parametrize("value", [None, 3, b"[game]"])
def test_non_string_text(value):
    with pytest.raises(ModelError, match="expected the model text as a string"):
        loads_model(value)


def test_game_from_dict_rejects_non_mappings():
    with pytest.raises(ModelError, match="the model must be a table"):
        game_from_dict([1, 2])  # type: ignore[arg-type]


# ------------------------------------------------------------------------- fuzzing
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_random_text_loads_or_fails_cleanly(text):
    try:
        load(text)
    except ModelError as exc:
        assert "\n" not in str(exc)


NAMES = st.sampled_from(["game", "population", "parameters", "payoff", "name", "strategies", "share", "shares",
                         "profile", "value", "range", "sign", "a", "b", "x", "y", "lambda", "E", "scenario",
                         "definitions", "assumptions", "relations", "expect", "description"])  # fmt: skip
SCALARS = st.one_of(
    st.integers(-5, 5),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.sampled_from(["a", "b", "x", "y", "lambda", "a + b", "E * 2", "a.b", "1/0", "a**b", "toy", "positive"]),
    st.text(max_size=10),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(NAMES, inner, max_size=4)),
    max_leaves=20,
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(NAMES, VALUES, max_size=6), st.booleans())
def test_random_toml_documents_load_or_fail_cleanly(doc, near_valid):
    if near_valid:  # start from the valid fixture and overwrite some tables
        base = tomllib.loads(TRIPARTITE)
        base.update(doc)
        doc = base
    text = tomli_w.dumps(doc)
    try:
        game = load(text)
    except ModelError as exc:
        assert "\n" not in str(exc)
    else:
        assert isinstance(game, Game)
