"""Tests of govgame.report: tables, figures and a report.tex that compiles cleanly, checked on the PDF.

What a reader sees is checked on the compiled PDF and its log: no overfull box over 1 pt, only
Type 1 fonts from LaTeX (and TrueType inside the figures; never Type 3), no "¿" where a ">" was
meant, and the compile command the report names is the one that works. Compiling every shipped
model takes minutes, so the unit suite compiles a representative subset (the core model and the
four-party model, whose equations are the longest); the rest are checked by hand before a release.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from demo import demo_analysis

from govgame.cli.report import COMPILE, PASSES, key_parameters, write_report
from govgame.io.latex import latex_prose

has_latex = all(shutil.which(t) for t in ("pdflatex", "latexmk", "pdffonts", "pdftotext"))
needs_latex = pytest.mark.skipif(
    not has_latex, reason="pdflatex, latexmk or poppler-utils not installed; .ci/run installs them"
)

MODELS_DIR = Path(__file__).resolve().parents[1] / "models"
SHIPPED = sorted(p.stem for p in MODELS_DIR.glob("*.toml"))
COMPILED = ["battery_recycling", "battery_four_party"]  # the core model and the longest equations


def _latexmk(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*COMPILE.split()[:2], "-interaction=nonstopmode", "-halt-on-error", *COMPILE.split()[2:]],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _overfull(log: str) -> list[float]:
    return [float(v) for v in re.findall(r"Overfull \\[hv]box \(([\d.]+)pt too", log)]


def _check(files: list[Path], out: Path, *, png: bool = True) -> None:
    assert files[-1] == out / "report.tex"
    assert all(f.exists() and f.stat().st_size > 0 for f in files)
    tables = [f for f in files if f.suffix == ".tex" and f.name != "report.tex"]
    pdfs = [f for f in files if f.suffix == ".pdf"]
    pngs = [f for f in files if f.suffix == ".png"]
    assert len(tables) >= 3
    assert len(pdfs) >= 3 and len(pngs) == (len(pdfs) if png else 0)
    assert (out / "analysis.md").exists() and (out / "analysis.json").exists()
    tex = (out / "report.tex").read_text()
    for t in tables:
        assert r"\input{" + t.stem + "}" in tex
    for p in pdfs:
        assert p.name in tex


def _check_pdf(folder: Path) -> None:
    log = (folder / "report.log").read_text(errors="replace")
    assert not [v for v in _overfull(log) if v > 1.0], "overfull boxes: " + ", ".join(
        re.findall(r"Overfull \\hbox \([\d.]+pt too wide\)[^\n]*", log)
    )
    assert "undefined" not in log.split("Output written")[-1].lower()
    fonts = subprocess.run(["pdffonts", "report.pdf"], cwd=folder, capture_output=True, text=True).stdout
    assert "Type 3" not in fonts
    rows = fonts.splitlines()[2:]
    assert rows and all(" yes " in row for row in rows)  # every font embedded
    text = subprocess.run(["pdftotext", "report.pdf", "-"], cwd=folder, capture_output=True, text=True).stdout
    assert "¿" not in text and "¡" not in text


@pytest.mark.parametrize("model", SHIPPED)
def test_write_report_on_shipped_model(model, tmp_path):
    from govgame.model.loader import load_model

    game = load_model(model)
    png = ("pdf", "png") if model == SHIPPED[0] else ("pdf",)  # PNGs are slow to write: check them once
    files = write_report(game, out_dir=tmp_path, region_grid=2, grid=1, t_end=20, formats=png)
    _check(files, tmp_path, png=len(png) == 2)


@needs_latex
@pytest.mark.parametrize("model", COMPILED)
def test_report_compiles_cleanly(model, tmp_path):
    from govgame.model.loader import load_model

    write_report(load_model(model), out_dir=tmp_path, region_grid=3, grid=2, t_end=30)
    proc = _latexmk(tmp_path)
    assert proc.returncode == 0, proc.stdout[-3000:]
    _check_pdf(tmp_path)


@needs_latex
def test_the_stated_number_of_pdflatex_passes_suffices(tmp_path):
    write_report(demo_analysis().game, out_dir=tmp_path)
    for _ in range(PASSES):
        proc = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "report.tex"], cwd=tmp_path,
                              capture_output=True, text=True, timeout=180)  # fmt: skip
        assert proc.returncode == 0, proc.stdout[-3000:]
    log = (tmp_path / "report.log").read_text(errors="replace")
    assert "Rerun" not in log and "undefined" not in log.lower()


@needs_latex
def test_description_with_comparisons_and_lists(tmp_path):
    """The prose of a description: '>' stays '>', symbols become maths, '- ' lines a list."""
    from dataclasses import replace

    game = demo_analysis().game
    desc = "Cooperation pays when b > c (and 10% & #1 stay text).\n\nMechanisms:\n- the benefit b\n- the cost c"
    write_report(replace(game, description=desc), out_dir=tmp_path, region_grid=2, grid=1, t_end=10)
    tex = (tmp_path / "report.tex").read_text()
    assert r"\begin{itemize}" in tex and tex.count(r"\item ") == 2
    assert _latexmk(tmp_path).returncode == 0
    text = subprocess.run(["pdftotext", "report.pdf", "-"], cwd=tmp_path, capture_output=True, text=True).stdout
    assert "10% & #1" in text and "¿" not in text and ">" in text


def test_latex_prose_sets_declared_names_as_maths():
    from govgame.model.loader import load_model

    game = load_model("battery_recycling")
    tex = latex_prose("workshops outbid formal recyclers: P_i > P_f, and R_i > R_e - C_e; p_d * (F_e + L_e)", game)
    assert "$P_{i} > P_{f}$" in tex and "$R_{i} > R_{e} - C_{e}$" in tex
    assert r"$p_{d} \cdot (F_{e} + L_{e})$" in tex
    assert "sell\\_informal" in latex_prose("sell_informal", game)  # a strategy name is text, escaped
    assert "$" not in latex_prose("a cost (3.2.1), see I(4)", game)


def test_report_options_reach_the_figures(tmp_path):
    from govgame.model.loader import load_model

    game = load_model("battery_recycling")
    files = write_report(game, out_dir=tmp_path, vary={"S_e": [0, 2, 4], "F_e": [0, 5]}, starts=[[0.3, 0.3, 0.3]],
                         t_end=20, grid=1)  # fmt: skip
    names = {f.name for f in files}
    assert {"family_S_e.pdf", "sensitivity_S_e.pdf", "region_map.pdf"} <= names
    tex = (tmp_path / "report.tex").read_text()
    assert "3$\\times$2 cells" in tex and "(0.3, 0.3, 0.3)" in tex and "t \\le 20" in tex


def test_report_without_values_has_tables_only(tmp_path):
    from dataclasses import replace

    game = demo_analysis().game
    bare = replace(game, parameters=tuple(replace(p, value=None) for p in game.parameters))
    files = write_report(bare, out_dir=tmp_path)
    assert not [f for f in files if f.suffix == ".pdf"]
    assert "No figures" in (tmp_path / "report.tex").read_text()


def test_scenario_and_overrides_reach_the_tables(tmp_path):
    game = demo_analysis().game
    write_report(game, out_dir=tmp_path, params={"b": 7.5}, grid=1, region_grid=2)
    assert "7.5" in (tmp_path / "parameters.tex").read_text()


def test_key_parameters_prefers_condition_parameters():
    a = demo_analysis()
    assert key_parameters(a.game, a) == ["b"]
