"""LaTeX that a journal accepts, checked on what pdflatex makes of it.

Prose is escaped (every ASCII special character prints as itself), long expressions break over
lines that fit the page (checked with the widths TeX reports in its log), negative numbers get a
true minus sign, every table has a caption and a label. The models here are made up for the test
(unseen by the renderers' authors): long payoffs in many parameters, a negative parameter value,
a description with comparisons and a list.
"""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess

import pytest
import sympy
from hypothesis import example, given, settings
from hypothesis import strategies as st

from govgame.analysis.pipeline import analyze
from govgame.io import latex
from govgame.model.loader import loads_model

needs_latex = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("pdflatex", "pdftotext")), reason="pdflatex or pdftotext not installed"
)


def _long_model() -> str:
    """Three populations; every payoff a sum of many parameters (so every equation is long)."""
    names = [f"c_{i}" for i in range(1, 19)]
    params = "\n".join(
        f'[parameters.{n}]\ndescription = "Cost {i} (compare: c_1 > c_2, 5% & more)"\nvalue = {0.5 + 0.1 * i}\n'
        f"range = [0.0, 5.0]\n"
        for i, n in enumerate(names)
    )
    params += '[parameters.d_n]\ndescription = "A loss"\nvalue = -1.25\nsign = "any"\nrange = [-5.0, 0.0]\n'
    pays = []
    for k, prof in enumerate(itertools.product(["a1", "a2"], ["b1", "b2"], ["c1", "c2"])):
        terms = [f"{'+' if (k + j) % 3 else '-'} {names[(k + j) % len(names)]}" for j in range(9)]
        expr = " ".join(terms).lstrip("+ ") + " + d_n"
        pays.append(f'[[payoff]]\nprofile = {list(prof)!r}\nA = "{expr}"\nB = "{expr} - c_3"\nC = "c_{k + 1} - d_n"\n')
    desc = "Costs compare as c_1 > c_2 and c_3 < c_4.\n\nMechanisms:\n- the first cost c_1\n- a loss d_n"
    return (
        f'[game]\nname = "long_test"\ntitle = "A long <test> game: 50% & #1"\ndescription = """{desc}"""\n\n'
        '[[population]]\nname = "A"\nstrategies = ["a1", "a2"]\nshare = "x"\n\n'
        '[[population]]\nname = "B"\nstrategies = ["b1", "b2"]\nshare = "y"\n\n'
        '[[population]]\nname = "C"\nstrategies = ["c1", "c2"]\nshare = "z"\n\n' + params + "\n" + "\n".join(pays)
    ).replace("'", '"')


@pytest.fixture(scope="module")
def long_analysis():
    with pytest.warns(UserWarning, match=r'parameter "c_1[78]" is declared but appears in no payoff'):
        return analyze(loads_model(_long_model()))


def _compile(tmp_path, body: str) -> tuple[str, str]:
    (tmp_path / "doc.tex").write_text(latex.latex_document(body, title="A long <test> game: 50% & #1"))
    for _ in range(2):
        proc = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"], cwd=tmp_path,
                              capture_output=True, text=True, timeout=180)  # fmt: skip
        assert proc.returncode == 0, proc.stdout[-3000:]
    log = (tmp_path / "doc.log").read_text(errors="replace")
    text = subprocess.run(["pdftotext", "doc.pdf", "-"], cwd=tmp_path, capture_output=True, text=True).stdout
    return log, text


@needs_latex
def test_long_model_fits_the_page(tmp_path, long_analysis):
    log, text = _compile(tmp_path, latex.analysis_latex(long_analysis))
    overfull = [float(v) for v in re.findall(r"Overfull \\[hv]box \(([\d.]+)pt too", log)]
    assert not [v for v in overfull if v > 1.0], re.findall(r"Overfull \\hbox[^\n]*", log)
    assert "long; see" not in text  # every expression in full
    assert "¿" not in text and "A long <test> game: 50% & #1" in text.replace("\n", " ")
    assert ">" in text and "<test>" in text  # comparisons print as themselves
    assert "\u22121.25" in text  # the negative value with a true minus sign (not a hyphen)


def test_every_table_has_a_caption_and_a_label(long_analysis):
    game = long_analysis.game
    for tex in [
        latex.parameters_latex(game, params=long_analysis.params),
        latex.payoff_matrix_latex(game),
        latex.payoff_matrix_latex(game, layout="list"),
        latex.equilibria_latex(long_analysis),
        latex.numeric_latex(long_analysis),
    ]:
        assert tex.count(r"\caption{") == 1 and tex.count(r"\label{tab:") == 1
        assert r"\toprule" in tex and r"\bottomrule" in tex and r"\hline" not in tex


def test_payoff_matrix_is_the_conventional_layout(long_analysis):
    game = long_analysis.game
    tex = latex.payoff_matrix_latex(game)
    head = next(line for line in tex.splitlines() if "& C: " in line)
    assert r"C: \textit{c1} ($z$)" in head and r"C: \textit{c2} ($1 - z$)" in head
    rows = [line for line in tex.splitlines() if line.startswith(r"\textit{a")]
    assert len(rows) == 4  # (a, b) combinations; the columns are C's strategies


def test_prose_escapes_every_special_character():
    text = r"a\b & 50% $5 #1 _x_ {y} ~z^2 <p> 'q' “r” – —"
    tex = latex.latex_escape(text)
    for raw in ["&", "%", "$", "#", "_", "{", "}"]:
        assert "\\" + raw in tex
    assert r"\textless{}" in tex and r"\textgreater{}" in tex and r"\textbackslash{}" in tex


@needs_latex
def test_prose_round_trips_through_pdflatex(tmp_path):
    text = "a & 50% $5 #1 _x_ {y} <p> > q"
    log, out = _compile(tmp_path, latex.latex_escape(text))
    assert text in out.replace("\n", " ")


_SYMS = sympy.symbols("c_1:13")


def _outside_parentheses(line: str) -> str:
    """The line without its leading sign and without every ``\\left( ... \\right)`` group (innermost first)."""
    line, before = line.strip().lstrip("+- "), None
    while before != line:
        before, line = line, re.sub(r"\\left\((?:(?!\\left\().)*?\\right\)", "", line)
    return line


def test_signs_inside_parentheses_are_not_break_points():
    assert _outside_parentheses(r"2 c_{1} x \left(c_{3} + 1\right) \left(1 - x\right)") == "2 c_{1} x  "
    assert _outside_parentheses(r"- a \left(b \left(c + 1\right) - d\right) + e") == "a  + e"


@settings(max_examples=25, deadline=None)
@example(terms=[[2, 0, 1], [2, 0, 1]], width=19)  # one product 2 c1 c2 c3 x (c3 + 1) (1 - x), wider than 19
@given(st.lists(st.lists(st.sampled_from(range(12)), min_size=1, max_size=4), min_size=2, max_size=14),
       st.integers(18, 60))  # fmt: skip
def test_math_lines_fit_their_width_and_keep_every_term(terms, width):
    from govgame.model.game import Game, Parameter, Population

    pops = (Population("p", ("s", "t"), ("x",)), Population("q", ("s", "t"), ("y",)))
    game = Game("g", pops, tuple(Parameter(str(s)) for s in _SYMS), {(u, v): (0, 0) for u in "st" for v in "st"})
    x = sympy.Symbol("x")
    expr = x * (1 - x) * sum(sympy.Mul(*(_SYMS[i] for i in t)) * (1 + _SYMS[t[0]]) for t in terms)
    lines = latex.math_lines(expr, game, width)
    for line in lines:
        # a line is too wide only when it is one piece that cannot break: a single product, whose factors may be
        # parenthesised sums (no sign outside parentheses)
        assert latex._visible_width(line) <= width or not re.search(r" [+-] ", _outside_parentheses(line))
    joined = " ".join(lines)
    for s in expr.free_symbols:
        assert sympy.latex(s) in joined
