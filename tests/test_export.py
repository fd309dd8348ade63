"""Tests of govgame.export: JSON schema and round trip, text/markdown layout, LaTeX that compiles."""

from __future__ import annotations

import json
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest
import sympy
from demo import demo_analysis

from govgame.io import _format, latex, markdown
from govgame.io import json as gjson
from govgame.io import text as gtext

needs_pdflatex = pytest.mark.skipif(
    shutil.which("pdflatex") is None, reason="pdflatex not installed; .ci/run installs texlive"
)

MODELS_DIR = Path(__file__).resolve().parents[1] / "models"
SHIPPED = sorted(p.stem for p in MODELS_DIR.glob("*.toml"))


@cache
def real_analysis(name: str, complete: bool = True):
    from govgame.analysis.pipeline import analyze
    from govgame.model.loader import load_model

    game = load_model(name)
    if complete:
        return analyze(game)
    params = dict(game.values())
    params.pop(game.parameter_names[0], None)
    return analyze(game, params=params)


def analyses():
    """The demo analysis and every shipped model (with and without complete values)."""
    out = [pytest.param(("demo", True), id="demo")]
    for m in SHIPPED:
        out.append(pytest.param((m, True), id=m))
    out.append(pytest.param((SHIPPED[0] if SHIPPED else "demo", False), id="incomplete"))
    return out


def get(which):
    name, complete = which
    if name == "demo":
        return demo_analysis()
    return real_analysis(name, complete)


def test_there_are_shipped_models():
    assert len(SHIPPED) >= 2


# --------------------------------------------------------------------------- JSON
@pytest.mark.parametrize("which", analyses())
def test_json_round_trip_and_schema(which):
    a = get(which)
    d = gjson.analysis_to_dict(a)
    assert json.loads(json.dumps(d, allow_nan=False)) == d
    assert d["model"] == a.game.name
    assert d["state"] == list(a.game.state_names)
    assert set(d["replicator"]) == set(d["state"])
    assert isinstance(d["tol"], float)
    complete = a.game.complete(a.params)
    if complete:
        assert d["parameters"] == {k: float(a.params[k]) for k in a.game.parameter_names}
    else:
        assert d["parameters"] == {}
    names = [e["name"] for e in d["equilibria"]]
    assert len(names) == len(set(names))
    n_vertices = 1
    for p in a.game.populations:
        n_vertices *= p.k
    assert sum(e["kind"] == "pure" for e in d["equilibria"]) == n_vertices
    for e in d["equilibria"]:
        required = {"name", "kind", "point", "profile", "eigenvalues", "verdict", "stability_conditions",
                    "can_be_ess", "witness", "method"}  # fmt: skip
        assert required <= set(e)
        assert e["kind"] in {"pure", "boundary", "interior", "continuum"}
        assert e["verdict"] in {"ess", "source", "saddle", "non-hyperbolic", "conditional", "not-ess"}
        assert list(e["point"]) == d["state"]
        assert all(isinstance(v, str) for v in e["point"].values())
        assert all(isinstance(v, str) for v in e["eigenvalues"])
        assert all(isinstance(v, str) for v in e["stability_conditions"])
        assert isinstance(e["can_be_ess"], bool)
        if e["kind"] == "pure":
            assert isinstance(e["profile"], list) and len(e["profile"]) == len(a.game.populations)
            assert "exists_if" not in e
        else:
            assert e["profile"] is None
            assert isinstance(e["exists_if"], list)
            if a.game.state_dependent:  # SPEC 1.5: a mixed rest point may be an ESS; a witness says where
                assert (e["witness"] is not None) == e["can_be_ess"]
            else:
                assert e["can_be_ess"] is False and e["witness"] is None
        if e["witness"] is not None:
            assert all(isinstance(v, float) for v in e["witness"].values())
        if not complete:
            assert "numeric" not in e
        if "numeric" in e:
            num = e["numeric"]
            assert set(num) == {"point", "eigenvalues", "verdict"}
            assert len(num["point"]) == len(d["state"])
            assert all(v is None or isinstance(v, float) for v in num["point"])
            for lam in num["eigenvalues"]:
                assert isinstance(lam, float) or (set(lam) == {"re", "im"} and lam["im"] != 0)
            assert num["verdict"] in {"ess", "source", "saddle", "non-hyperbolic"}
    ms = d["multistability"]
    assert {"compatible", "exclusive"} <= set(ms)  # SPEC keys; extra keys (not_proven, pairs) are allowed
    for pair in ms["compatible"] + ms["exclusive"]:
        assert len(pair) == 2 and set(pair) <= set(names)


def test_numeric_present_exactly_when_complete():
    a = demo_analysis()
    d = gjson.analysis_to_dict(a)
    assert all("numeric" in e for e in d["equilibria"][:4])
    from dataclasses import replace

    partial = replace(a, params={"b": 3.0})
    d2 = gjson.analysis_to_dict(partial)
    assert d2["parameters"] == {}
    assert all("numeric" not in e for e in d2["equilibria"])


def test_eigenvalue_json_rule():
    assert _format._eig_json(complex(-1.5, 0.0)) == -1.5
    assert _format._eig_json(complex(2.0, 1e-14)) == 2.0
    assert _format._eig_json(complex(-0.5, 2.41)) == {"re": -0.5, "im": 2.41}
    assert _format._eig_json(complex(0.0, -1e-3)) == {"re": 0.0, "im": -1e-3}


def same(a, b) -> bool:
    return a == b or sympy.expand(a - b) == 0


def _symbol_table(game):
    table = {p.name: p.symbol for p in game.parameters}
    table.update({str(s): s for s in game.state_symbols})
    return table


@pytest.mark.parametrize("name", SHIPPED)
def test_expression_strings_parse_back(name):
    from govgame.model.expr import parse_expression, parse_relation

    a = real_analysis(name)
    d = gjson.analysis_to_dict(a)
    table = _symbol_table(a.game)
    for sym, rhs in zip(a.dynamics.state, a.dynamics.rhs):
        back = parse_expression(d["replicator"][str(sym)], table, where="test", max_length=10**8)
        assert same(back, rhs)
    for s, e in zip(a.equilibria, d["equilibria"]):
        for c, text in zip(s.equilibrium.point, e["point"].values()):
            assert same(parse_expression(text, table, where="test", max_length=10**8), c)
        for lam, text in zip(s.eigenvalues, e["eigenvalues"]):
            if lam.is_number and lam.is_real is False:
                # a complex number at the given values (a point known only there): the model grammar has no
                # imaginary unit, so it is written as sympy input, a + b*I
                assert complex(sympy.sympify(text)) == pytest.approx(complex(lam), rel=1e-12)
                continue
            assert same(parse_expression(text, table, where="test", max_length=10**8), lam)
        for rel, text in zip(s.stability_conditions, e["stability_conditions"]):
            back = parse_relation(text, table, where="test", max_length=10**8)
            assert back.rel_op == rel.rel_op
            assert same(back.lhs - back.rhs, rel.lhs - rel.rhs)
        for rel, text in zip(s.equilibrium.exists_if, e.get("exists_if", [])):
            back = parse_relation(text, table, where="test", max_length=10**8)
            assert same(back.lhs - back.rhs, rel.lhs - rel.rhs)


# --------------------------------------------------------------------------- text and markdown
@pytest.mark.parametrize("which", analyses())
def test_text_is_readable(which):
    a = get(which)
    text = gtext.analysis_text(a)
    assert a.game.name in text.splitlines()[0]
    assert "Legend" in text
    for s in a.equilibria:
        assert s.equilibrium.name in text
    assert max(len(line) for line in text.splitlines()) <= 130


@pytest.mark.parametrize("which", analyses())
def test_markdown_tables_have_consistent_columns(which):
    md = markdown.analysis_markdown(get(which))
    block: list[str] = []
    blocks = []
    for line in md.splitlines() + [""]:
        if line.startswith("|"):
            block.append(line)
        elif block:
            blocks.append(block)
            block = []
    assert len(blocks) >= 2
    for b in blocks:
        counts = {line.replace("\\|", "").count("|") for line in b}
        assert len(counts) == 1, b
        assert set(b[1].replace("|", "").split()) == {"---"}


def test_latex_escape():
    assert latex.latex_escape("a_b %c &d #e $f") == r"a\_b \%c \&d \#e \$f"
    assert latex.latex_escape("≥ 5") == r"$\geq$ 5"


# --------------------------------------------------------------------------- LaTeX
def compile_latex(body: str, tmp_path: Path, name: str = "doc") -> Path:
    tex = tmp_path / f"{name}.tex"
    tex.write_text(latex.latex_document(body), encoding="utf-8")
    proc = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", tex.name],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout[-3000:]
    return tmp_path / f"{name}.pdf"


def fragments(a):
    return {
        "parameters": latex.parameters_latex(a.game, params=a.params),
        "payoffs": latex.payoff_matrix_latex(a.game),
        "replicator": latex.replicator_latex(a.dynamics),
        "jacobian": latex.jacobian_latex(a.dynamics),
        "equilibria": latex.equilibria_latex(a),
        "numeric": latex.numeric_latex(a),
    }


@needs_pdflatex
@pytest.mark.parametrize("which", analyses())
def test_each_latex_fragment_compiles(which, tmp_path):
    a = get(which)
    for key, frag in fragments(a).items():
        if not frag:
            assert key == "numeric"
            continue
        assert compile_latex(frag, tmp_path, key).exists()


@needs_pdflatex
def test_analysis_latex_compiles(tmp_path):
    assert compile_latex(latex.analysis_latex(demo_analysis()), tmp_path).exists()


def test_latex_fragments_use_parameter_symbols():
    a = demo_analysis()
    tex = latex.analysis_latex(a)
    assert "c_{0}" in tex
    assert r"\toprule" in tex and r"\bottomrule" in tex
    assert r"\%" in tex and r"\_base\_" in tex


def test_mathjax_summary():
    m = latex.analysis_mathjax(demo_analysis())
    assert m.count("$$") == 4


def test_jupyter_reprs_delegate_to_export():
    a = demo_analysis()
    assert a._repr_markdown_() == markdown.analysis_markdown(a)
    assert a._repr_latex_() == latex.analysis_mathjax(a)
