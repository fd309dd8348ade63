"""A small hand-made analysis for the renderers' tests and examples (``demo`` in the io doctests).

Hand-built on purpose: its verdicts and witnesses are fixed here, not computed by the code the
renderers' tests check, and it holds every kind of entry (vertices, a continuum).
"""

from __future__ import annotations

import sympy

from govgame.analysis.dynamics import replicator
from govgame.analysis.equilibria import Equilibrium, Kind
from govgame.analysis.pipeline import Analysis
from govgame.analysis.stability import NumericStability, Stability
from govgame.analysis.verdicts import Verdict
from govgame.model import Game, Parameter, Population


def demo_analysis() -> Analysis:
    """A hand-built two-population analysis (not a real model): what the renderers' examples print."""
    pb = Parameter("b", description="Benefit of cooperation, in % of _base_", value=3.0, range=(0.0, 10.0))
    pc = Parameter("c", description="Cost & effort #1", value=1.0, latex="c_{0}", sign="positive")
    b, c = pb.symbol, pc.symbol
    game = Game(
        name="demo",
        title="A demo game",
        populations=(Population("row", ("strict", "lax"), ("x",)), Population("col", ("comply", "defect"), ("y",))),
        parameters=(pb, pc),
        payoffs={
            ("strict", "comply"): (b - c, -c),
            ("strict", "defect"): (b - c, 0),
            ("lax", "comply"): (0, -c),
            ("lax", "defect"): (0, 0),
        },
    )
    dyn = replicator(game)
    x, y = game.state_symbols
    eqs = []
    for i, (pt, prof) in enumerate(
        [
            ((0, 0), ("lax", "defect")),
            ((0, 1), ("lax", "comply")),
            ((1, 0), ("strict", "defect")),
            ((1, 1), ("strict", "comply")),
        ]
    ):
        e = Equilibrium(
            f"E{i + 1}", Kind.PURE, tuple(sympy.Integer(v) for v in pt), prof, numeric_point=tuple(map(float, pt))
        )
        sx = 1 - 2 * pt[0]
        sy = 1 - 2 * pt[1]
        eig = (sx * (b - c), -sy * c)
        conds = tuple(r for r in (sympy.Lt(ev, 0) for ev in eig) if r not in (sympy.true, sympy.false))
        can = pt == (1, 0)
        verdict = Verdict.CONDITIONAL if conds and len(conds) == 1 and pt[1] == 0 else Verdict.NOT_ESS
        if pt == (0, 0):
            verdict, can = Verdict.CONDITIONAL, True
        vals = {b: 3, c: 1}
        nev = tuple(complex(float(ev.subs(vals))) for ev in eig)
        nver = (
            Verdict.ESS
            if all(v.real < 0 for v in nev)
            else Verdict.SADDLE
            if any(v.real < 0 for v in nev)
            else Verdict.SOURCE
        )
        eqs.append(
            Stability(e, eig, verdict, conds, can, {"b": 0.0, "c": 1.0} if can else None, "demo",
                      NumericStability(tuple(map(float, pt)), nev, nver))
        )  # fmt: skip
    cont = Equilibrium("E5", Kind.CONTINUUM, (x, sympy.Integer(0)), None, (), (None, 0.0), (0,))
    eqs.append(Stability(cont, (sympy.Integer(0), -c), Verdict.NOT_ESS, method="mixed"))
    return Analysis(game, dyn, {"b": 3.0, "c": 1.0}, tuple(eqs), compatible=(("E1", "E3"),), eig_tol=1e-9)
