"""Tests of govgame.report: every shipped model gets tables, figures and a compilable report.tex."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from demo import demo_analysis

from govgame.cli.report import key_parameters, write_report

needs_pdflatex = pytest.mark.skipif(
    shutil.which("pdflatex") is None, reason="pdflatex not installed; .ci/run installs texlive"
)

MODELS_DIR = Path(__file__).resolve().parents[1] / "models"
SHIPPED = sorted(p.stem for p in MODELS_DIR.glob("*.toml"))


def _pdflatex(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "report.tex"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=180,
    )


def _check(files: list[Path], out: Path, *, figures: bool = True) -> None:
    assert files[-1] == out / "report.tex"
    assert all(f.exists() and f.stat().st_size > 0 for f in files)
    tables = [f for f in files if f.suffix == ".tex" and f.name != "report.tex"]
    pdfs = [f for f in files if f.suffix == ".pdf"]
    pngs = [f for f in files if f.suffix == ".png"]
    assert len(tables) >= 3
    if figures:
        assert len(pdfs) >= 3 and len(pngs) == len(pdfs)
    assert (out / "analysis.md").exists() and (out / "analysis.json").exists()
    tex = (out / "report.tex").read_text()
    for t in tables:
        assert r"\input{" + t.stem + "}" in tex
    for p in pdfs:
        assert p.name in tex


@pytest.mark.parametrize("model", SHIPPED)
def test_write_report_on_shipped_model(model, tmp_path):
    from govgame.model.loader import load_model

    game = load_model(model)
    files = write_report(game, out_dir=tmp_path, region_grid=6)
    # payoffs that depend on the state cannot be simulated until the general kernel exists: the report then
    # says why it has no figures
    simulated = any(f.suffix == ".pdf" for f in files)
    _check(files, tmp_path, figures=simulated or not game.state_dependent)
    if not simulated:
        assert "No figures: the payoffs of model" in (tmp_path / "report.tex").read_text()
    if shutil.which("pdflatex") is not None:
        proc = _pdflatex(tmp_path)
        assert proc.returncode == 0, proc.stdout[-3000:]
        assert (tmp_path / "report.pdf").exists()


@needs_pdflatex
def test_demo_report_compiles(tmp_path):
    a = demo_analysis()
    files = write_report(a.game, out_dir=tmp_path)
    _check(files, tmp_path)
    proc = _pdflatex(tmp_path)
    assert proc.returncode == 0, proc.stdout[-3000:]


def test_report_without_values_has_tables_only(tmp_path):
    from dataclasses import replace

    game = demo_analysis().game
    bare = replace(game, parameters=tuple(replace(p, value=None) for p in game.parameters))
    files = write_report(bare, out_dir=tmp_path)
    assert not [f for f in files if f.suffix == ".pdf"]
    assert "No figures" in (tmp_path / "report.tex").read_text()


def test_scenario_and_overrides_reach_the_tables(tmp_path):
    game = demo_analysis().game
    write_report(game, out_dir=tmp_path, params={"b": 7.5})
    assert "7.5" in (tmp_path / "parameters.tex").read_text()


def test_key_parameters_prefers_condition_parameters():
    a = demo_analysis()
    assert key_parameters(a.game, a) == ["b"]
