"""Execute every notebook as Jupyter does (inline backend, live widgets) and check what a reader sees.

Nothing forces the Agg backend or the static explorer: the kernel picks matplotlib's inline
backend, as in JupyterLab. A counter installed before the first cell records how many
figures each cell makes; every figure-making cell must show at least that many pictures
among its outputs (the inline backend's PNGs, or the explorer's static fallback picture),
so a figure that is drawn but never shown fails the test.
"""

import json
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))

_SETUP = """\
import matplotlib.figure as _gg_mf
_gg_made = []
_gg_init = _gg_mf.Figure.__init__
def _gg_counting_init(self, *args, **kwargs):
    _gg_init(self, *args, **kwargs)
    _gg_made.append(1)
_gg_mf.Figure.__init__ = _gg_counting_init
"""
_COUNT = 'print("__gg_figures__", len(_gg_made)); _gg_made.clear()'
_MARK = "__gg_figures__"


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 4


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        assert cell.get("outputs") == [], f"{path.name}: cell {i} has outputs; clear them before committing"
        assert cell.get("execution_count") is None, f"{path.name}: cell {i} has an execution count"


def _pictures(cell) -> int:
    return sum(1 for out in cell.get("outputs", []) if "image/png" in out.get("data", {}))


def _execute(path: Path, monkeypatch):
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernel chooses the inline backend itself
    monkeypatch.delenv("GOVGAME_STATIC", raising=False)
    original = nbformat.read(path, as_version=4)
    nb = nbformat.v4.new_notebook(metadata=original.metadata)
    nb.cells.append(nbformat.v4.new_code_cell(_SETUP))
    index = []  # (position in the executed notebook, original cell number)
    for i, cell in enumerate(original.cells):
        nb.cells.append(cell)
        if cell.cell_type == "code":
            index.append((len(nb.cells) - 1, i))
            nb.cells.append(nbformat.v4.new_code_cell(_COUNT))
    client = nbclient.NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute()  # raises CellExecutionError on the first failing cell
    return nb, index


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_figure_shows_under_the_inline_backend(path, monkeypatch):
    nb, index = _execute(path, monkeypatch)
    made_somewhere = 0
    for pos, i in index:
        cell, counter = nb.cells[pos], nb.cells[pos + 1]
        errors = [out for out in cell.get("outputs", []) if out.get("output_type") == "error"]
        if "raises-exception" in cell.metadata.get("tags", []):  # a mistake shown on purpose: a short message
            assert len(errors) == 1, f"{path.name}: cell {i} should show its error"
            lines = "\n".join(errors[0]["traceback"]).splitlines()
            assert len(lines) <= 2 and errors[0]["evalue"] in lines[0], f"{path.name}: cell {i}: {lines[:5]}"
        else:
            assert not errors, f"{path.name}: cell {i} raised {errors[0].get('ename') if errors else ''}"
        text = "".join(o.get("text", "") for o in counter.outputs if o.get("output_type") == "stream")
        made = int(text.split(_MARK)[1].split()[0])
        made_somewhere += made
        if made:
            assert _pictures(cell) >= 1, f"{path.name}: cell {i} made {made} figure(s) and shows none"
            widget = any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in cell.outputs)
            if not widget:  # a plain figure cell shows each figure it makes
                assert _pictures(cell) >= made, f"{path.name}: cell {i} made {made} figures, shows {_pictures(cell)}"
    assert made_somewhere >= 1, f"{path.name} draws no figure at all"


def test_widgets_have_a_static_picture_for_a_saved_notebook(monkeypatch):
    """A saved notebook reopened without a kernel cannot show live widgets: each explorer leaves a picture."""
    path = next(p for p in NOTEBOOKS if "explorer" in p.name)
    nb, index = _execute(path, monkeypatch)
    cells = [nb.cells[pos] for pos, _ in index]
    widget_cells = [c for c in cells if any("application/vnd.jupyter.widget-view+json" in o.get("data", {})
                                            for o in c.outputs)]  # fmt: skip
    assert widget_cells, "the explorer notebook shows no live widget"
    for cell in widget_cells:
        fallback = [o for o in cell.outputs if "image/png" in o.get("data", {})]
        assert fallback, "an explorer without a static picture"
        html = fallback[0]["data"].get("text/html", "")
        assert "<img" in html  # the same picture for front ends that prefer HTML
    json.dumps(nb)  # the executed notebook is still valid JSON
