"""Collection settings for the whole repository (the tests' fixtures are in tests/conftest.py).

* The deprecated aliases of the old module paths (``govgame/dynamics/`` ...) are not collected
  for doctests: importing them warns, and they hold no examples.
* The renderers' examples (``govgame/io/``) use ``demo``, a small hand-made analysis that lives
  with the tests (``tests/demo.py``), not in the library.
* Figures drawn with pyplot are closed after every test and example (pyplot keeps each figure
  until it is closed, so one worker collected more than 20 over the suite and matplotlib warned).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

SHIMS = ("conditions", "dynamics", "equilibria", "stability", "simulate", "sweep", "export", "report",
         "loader", "expr", "_kernel")  # fmt: skip
collect_ignore = [f"govgame/{name}" for name in SHIMS]


def _demo_module():
    spec = importlib.util.spec_from_file_location("govgame_tests_demo", Path(__file__).parent / "tests" / "demo.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session", autouse=True)
def _doctest_demo(doctest_namespace):
    """Give the io doctests their ``demo`` analysis (built once per session; it is immutable)."""
    doctest_namespace["demo"] = _demo_module().demo_analysis()


@pytest.fixture(autouse=True)
def _close_figures():
    """Close the pyplot figures a test or an example left open (without importing pyplot)."""
    yield
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is not None:
        plt.close("all")
