"""One rule in one place (issue 9.6): the vertex-ESS rule, vertex names and the region label, each once.

Every user of a rule is checked against an oracle written here from its definition, on random
games, so the test fails when any of them drifts: the analysis' numeric verdicts, the rule over
payoff tensors that the integrator and the sweep use, and the explorer's report.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import integer_tensors, numeric_game

from govgame.analysis import verdicts
from govgame.analysis.dynamics import replicator
from govgame.analysis.equilibria import find_equilibria, vertices
from govgame.analysis.stability import stability
from govgame.analysis.verdicts import TOL, Verdict, vertex_ess, vertex_ess_mask
from govgame.numerics import kernel
from govgame.numerics.outcomes import region_label, vertex_equilibria

ROOT = Path(__file__).resolve().parent.parent


def strict_nash(tensors, idx) -> bool:
    """Hand-derived: every population strictly loses by every unilateral switch (integer payoffs: by >= 1)."""
    for p, t in enumerate(tensors):
        for a in range(t.shape[p]):
            if a == idx[p]:
                continue
            alt = list(idx)
            alt[p] = a
            if not t[tuple(alt)] - t[idx] <= -1:
                return False
    return True


def test_the_kernel_uses_the_rule_itself_with_the_same_tolerance():
    assert kernel.stable_vertices is vertex_ess_mask
    assert verdicts.TOL == 1e-9
    import inspect

    assert inspect.signature(vertex_ess_mask).parameters["eig_tol"].default is TOL
    assert inspect.signature(vertex_ess).parameters["eig_tol"].default is TOL


@settings(max_examples=20, deadline=None)
@given(
    st.sampled_from([(2, 2), (2, 3), (3, 2), (2, 2, 2), (3, 3), (2, 2, 2, 2)]).flatmap(
        lambda s: integer_tensors(shape=s)
    )
)
def test_every_user_of_the_vertex_rule_agrees_with_strict_nash(tensors):
    game = numeric_game(tensors)
    values = {"c": 1.0}
    profiles = list(itertools.product(*(range(k) for k in game.shape)))
    expected = {game.profiles[j]: strict_nash(tensors, idx) for j, idx in enumerate(profiles)}

    pay, _ = kernel.pack(game.shape, tensors)
    mask = vertex_ess_mask(pay, game.shape)[0]
    assert {game.profiles[j]: bool(mask[j]) for j in range(len(profiles))} == expected

    report = vertex_ess(game, params=values)
    assert {v.profile: v.is_ess for v in report.vertices} == expected

    dyn = replicator(game)
    verts = [e for e in find_equilibria(dyn, params=values, symbolic=False) if e.is_vertex]
    st_ = stability(dyn, verts, params=values)
    assert {s.equilibrium.profile: s.numeric.verdict is Verdict.ESS for s in st_} == expected


@settings(max_examples=15, deadline=None)
@given(st.sampled_from([(2, 2), (3, 2), (2, 2, 2), (2, 3, 2)]).flatmap(lambda s: integer_tensors(shape=s)))
def test_vertex_names_are_the_same_everywhere(tensors):
    game = numeric_game(tensors)
    # the definition: E1, E2, ... in increasing lexicographic order of the vertices' points
    points = []
    for idx in itertools.product(*(range(k) for k in game.shape)):
        pt = tuple(1 if j == s else 0 for p, s in zip(game.populations, idx) for j in range(p.k - 1))
        points.append((pt, tuple(p.strategies[s] for p, s in zip(game.populations, idx))))
    expected = {f"E{i + 1}": prof for i, (_, prof) in enumerate(sorted(points))}

    assert {e.name: e.profile for e in vertices(game)} == expected
    assert {e.name: e.profile for e in vertex_equilibria(game)} == expected
    found = find_equilibria(replicator(game), params={"c": 1.0}, symbolic=False)
    assert {e.name: e.profile for e in found if e.is_vertex} == expected
    assert {v.name: v.profile for v in vertex_ess(game, params={"c": 1.0}).vertices} == expected


def _label_oracle(counts: dict[str, int]) -> str:
    reached = [k for k, n in counts.items() if k != "none" and n > 0]
    if not reached:
        return "none"
    if len(reached) == 1:
        return reached[0]
    best = sorted(reached, key=lambda k: (-counts[k], k))[:2]
    return f"bistable: {min(best)} | {max(best)}"


@given(st.dictionaries(st.sampled_from(["none", "a/a", "a/b", "b/a", "b/b"]), st.integers(0, 6), min_size=1))
def test_region_label_is_the_documented_rule(counts):
    total = sum(counts.values()) or 1
    assert region_label({k: n / total for k, n in counts.items()}) == _label_oracle(counts)


def test_the_region_label_is_written_in_one_place():
    """The report and the paper label region maps with region_label; no copy of the rule is left."""
    writers = [p for p in [*ROOT.joinpath("govgame").rglob("*.py"), ROOT / "paper" / "generate.py"]
               if '"bistable: "' in p.read_text(encoding="utf-8")]  # fmt: skip
    assert writers == [ROOT / "govgame" / "numerics" / "outcomes.py"]
    for path in (ROOT / "govgame" / "cli" / "figures.py", ROOT / "paper" / "generate.py"):  # report draws via figures
        text = path.read_text(encoding="utf-8")
        assert "sweep(" in text and "labels()" in text, path


def test_sweep_labels_and_ess_use_the_same_rules():
    from govgame.model import Game, Parameter, Population
    from govgame.numerics.sweep import sweep

    b = Parameter("b", value=1.0)
    game = Game(
        name="coord",
        populations=(Population("row", ("a", "z"), ("x",)), Population("col", ("a", "z"), ("y",))),
        parameters=(b,),
        payoffs={("a", "a"): (b.symbol, b.symbol), ("a", "z"): (0, 0), ("z", "a"): (0, 0), ("z", "z"): (1, 1)},
    )
    res = sweep(game, {"b": [0.0, 2.0]}, params={}, grid=3, progress=False)
    for cell, label in zip(res.cells, res.labels()):
        assert label == region_label(cell.reached)
        assert list(cell.ess) == vertex_ess(game, params=cell.params).names
    assert res.labels().tolist() == ["z/z", "bistable: a/a | z/z"]
    np.testing.assert_array_equal(res.shape, (2,))
