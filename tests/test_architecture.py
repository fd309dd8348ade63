"""The layout (docs/architecture.md): rooms in flow order, no module importing a later room, a light top level.

The imports are read from the source with ``ast`` (every ``import`` statement, also those inside
functions and under ``TYPE_CHECKING``), so a lazy import that reaches back fails too. The only
exceptions are the display hooks listed in :data:`HOOKS` and the deprecated aliases of the old
module paths (govgame/dynamics/ ...), which re-export from later rooms by design.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "govgame"

#: Rooms in flow order; a module may import its own room or an earlier one.
ROOMS = ["errors", "model", "analysis", "numerics", "io", "plot", "widgets", "cli"]

#: The deprecated aliases (one release): exempt, they re-export from everywhere.
SHIMS = {"conditions", "dynamics", "equilibria", "stability", "simulate", "sweep", "export", "report", "loader",
         "expr", "_kernel"}  # fmt: skip

#: The sanctioned backward calls: display hooks of result objects that import a renderer lazily,
#: as (module, "Class.method", imported module). Nothing else may reach a later room.
HOOKS = {
    ("govgame.analysis.pipeline", "Analysis._repr_markdown_", "govgame.io.markdown"),
    ("govgame.analysis.pipeline", "Analysis._repr_latex_", "govgame.io.latex"),
    ("govgame.analysis.audit", "Audit._repr_markdown_", "govgame.io.audit"),
    # deprecated for one release (use govgame.io.json.sweep_to_dict); goes with the shims
    ("govgame.numerics.sweep", "SweepResult.to_dict", "govgame.io.json"),
}


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _room(module: str) -> str | None:
    """The room of a govgame module (None for the package facade and the deprecation helper)."""
    parts = module.split(".")
    if len(parts) == 1:
        return None  # govgame/__init__.py: the light facade, checked separately
    first = parts[1]
    if first in ("errors", "_deprecation"):
        return "errors"
    if first == "__main__":
        return "cli"
    return first if first in ROOMS else None


def _resolve(module: str, node: ast.ImportFrom, is_package: bool) -> list[str]:
    if node.level == 0:
        base = node.module or ""
    else:
        parts = module.split(".")
        if not is_package:
            parts = parts[:-1]
        parts = parts[: len(parts) - (node.level - 1)]
        base = ".".join(parts + ([node.module] if node.module else []))
    if node.module is None or node.level and not node.module:
        return [f"{base}.{a.name}" for a in node.names]
    return [base]


def _imports(path: Path):
    """(imported module, enclosing "Class.function" or "") for every import in a file."""
    module = _module_name(path)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []

    def visit(node, scope):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                visit(child, f"{scope}.{child.name}" if scope else child.name)
            elif isinstance(child, ast.Import):
                out.extend((a.name, scope) for a in child.names)
            elif isinstance(child, ast.ImportFrom):
                out.extend((m, scope) for m in _resolve(module, child, path.name == "__init__.py"))
            else:
                visit(child, scope)

    visit(tree, "")
    return module, out


def _library_files():
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        if rel.parts[0] in SHIMS:
            continue
        yield path


def _room_of_import(name: str) -> str | None:
    if name != "govgame" and not name.startswith("govgame."):
        return None
    return _room(name) if name != "govgame" else "facade"


def test_no_module_imports_a_later_room():
    bad = []
    used_hooks = set()
    for path in _library_files():
        module, imports = _imports(path)
        room = _room(module)
        if room is None:
            continue
        for name, scope in imports:
            target = _room_of_import(name)
            if target is None:
                continue
            if target == "facade":
                if name == "govgame" and module != "govgame.cli":  # only ``from .. import __version__``
                    bad.append((module, scope, name))
                continue
            if ROOMS.index(target) > ROOMS.index(room):
                hook = (module, scope, name)
                if hook in HOOKS:
                    used_hooks.add(hook)
                else:
                    bad.append(hook)
    assert not bad, "imports of a later room (docs/architecture.md): " + "; ".join(
        f"{m} ({s or 'top'}) -> {n}" for m, s, n in bad
    )
    assert used_hooks == HOOKS, f"listed hooks no longer used (remove them): {HOOKS - used_hooks}"


def test_the_rule_is_checked_on_every_room():
    """A guard against a test that cannot fail: every room has modules, and an injected back-import is caught."""
    rooms = {_room(_module_name(p)) for p in _library_files()}
    assert set(ROOMS) <= rooms
    fake = ast.parse("from ..numerics.kernel import pack")
    node = fake.body[0]
    assert _resolve("govgame.analysis.stability", node, False) == ["govgame.numerics.kernel"]
    assert ROOMS.index(_room("govgame.numerics.kernel")) > ROOMS.index(_room("govgame.analysis.stability"))


def test_no_library_module_imports_a_deprecated_alias():
    bad = []
    for path in _library_files():
        module, imports = _imports(path)
        for name, scope in imports:
            parts = name.split(".")
            if len(parts) >= 2 and parts[0] == "govgame" and parts[1] in SHIMS:
                bad.append((module, scope, name))
    assert not bad


def test_the_facade_imports_only_the_errors_eagerly():
    _, imports = _imports(PACKAGE / "__init__.py")
    eager = [n for n, scope in imports if scope == "" and n.startswith("govgame")]
    assert eager == ["govgame.errors"]


def test_only_plot_imports_matplotlib():
    for path in _library_files():
        module, imports = _imports(path)
        if module == "govgame.plot":
            continue
        mpl = [n for n, scope in imports if n.split(".")[0] in ("matplotlib", "mpl_toolkits")]
        if module == "govgame.widgets":  # the live explorer closes its pyplot figure after display
            assert all(n == "matplotlib.pyplot" for n in mpl)
            continue
        assert not mpl, module


HEAVY = ("matplotlib", "numba", "scipy.optimize", "scipy.integrate")


def _fresh(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-W", "error::DeprecationWarning", "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=PACKAGE.parent,
    )


def test_import_govgame_is_light():
    code = (
        "import sys, govgame\n"
        f"heavy = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "assert not heavy, heavy\n"
        "assert 'sympy' not in sys.modules\n"
        "assert callable(govgame.load_model) and callable(govgame.analyze)\n"
        f"heavy = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    proc = _fresh(code)
    assert proc.returncode == 0, proc.stderr


def test_the_models_command_imports_no_sympy():
    code = (
        "import sys, io, contextlib\n"
        "from govgame.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        "    assert main(['models']) == 0\n"
        "assert 'battery_recycling' in out.getvalue()\n"
        "assert 'sympy' not in sys.modules and 'numpy' not in sys.modules, sorted(sys.modules)\n"
    )
    proc = _fresh(code)
    assert proc.returncode == 0, proc.stderr


def test_analyzing_a_static_game_imports_no_scipy():
    """The feasibility linear programs are govgame's own (analysis/lp.py): no scipy.optimize, no numba."""
    code = (
        "import sys, io, contextlib\n"
        "from govgame.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        "    assert main(['analyze', 'battery_recycling', '--format', 'json']) == 0\n"
        "assert '\"witness\"' in out.getvalue()\n"
        f"heavy = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "assert not heavy, heavy\n"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'scipy'], sorted(sys.modules)\n"
    )
    proc = _fresh(code)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("name", ["load_model", "analyze", "simulate", "sweep", "Analysis", "Verdict", "Trajectories"])
def test_top_level_names_are_the_stage_objects(name):
    import importlib

    import govgame

    obj = getattr(govgame, name)
    home = importlib.import_module(govgame._LAZY[name])
    if name in ("simulate", "sweep") and isinstance(obj, type(sys)):
        obj = getattr(obj, name)  # a deprecated module imported earlier in this process: callable alias
    assert obj is getattr(home, name)
