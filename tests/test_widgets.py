import itertools

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from govgame.analysis.pipeline import analyze  # noqa: E402
from govgame.analysis.verdicts import vertex_ess  # noqa: E402
from govgame.model import Game, Parameter, Population  # noqa: E402
from govgame.model.loader import load_model  # noqa: E402
from govgame.widgets import explore, slider_specs, widgets_available  # noqa: E402


def toy_game(fine_value=0.5):
    """Enterprise formal/informal vs consumer return/sell; a fine F on informal recycling of returned batteries."""
    F = Parameter("F", description="fine on informal recycling", value=fine_value, range=(0.0, 4.0))
    C = Parameter("C", description="cost of formal recycling", value=1.0, range=(0.0, 2.0))
    return Game(
        name="toy",
        populations=(
            Population("enterprise", ("formal", "informal"), ("y",)),
            Population("consumer", ("return", "sell"), ("z",)),
        ),
        parameters=(F, C),
        payoffs={
            ("formal", "return"): (3 - C.symbol, 1),
            ("formal", "sell"): (1 - C.symbol, 0),
            ("informal", "return"): (3 - F.symbol, 0),
            ("informal", "sell"): (1 - F.symbol / 4, 1),
        },
    )


def strict_nash_vertices(game, values):
    """Independent oracle: pure profiles where every unilateral switch strictly lowers the switcher's payoff."""
    import sympy

    subs = game.subs_map(values)
    out = []
    for prof in itertools.product(*(p.strategies for p in game.populations)):
        ok = True
        for i, pop in enumerate(game.populations):
            here = float(sympy.sympify(game.payoffs[prof][i]).subs(subs))
            for s in pop.strategies:
                if s == prof[i]:
                    continue
                alt = list(prof)
                alt[i] = s
                if not float(sympy.sympify(game.payoffs[tuple(alt)][i]).subs(subs)) < here:
                    ok = False
        if ok:
            out.append("/".join(prof))
    return sorted(out)


@pytest.mark.parametrize("F", [0.0, 0.5, 1.5, 2.5, 4.0])
@pytest.mark.parametrize("C", [0.0, 1.0, 2.0])
def test_static_path_matches_strict_nash(F, C):
    game = toy_game()
    values = {"F": F, "C": C}
    ex = explore(game, params=values, static=True, t_end=5)
    assert ex.ess == strict_nash_vertices(game, values)
    assert ex.report.names == ex.ess
    matplotlib.pyplot.close("all")


@pytest.mark.parametrize("name", ["battery_recycling", "battery_deposit", "battery_echelon"])
def test_vertex_ess_agrees_with_analyze(name):
    game = load_model(name)
    for scenario in [None, *(s.name for s in game.scenarios)]:
        values = game.values(scenario)
        got = vertex_ess(game, params=values).names
        assert got == strict_nash_vertices(game, values)
        if scenario is None:
            a = analyze(game, params=values, symbolic=False)
            assert got == sorted("/".join(s.equilibrium.profile) for s in a.ess() if s.equilibrium.profile)


def test_vertex_names_match_analyze():
    game = load_model("battery_recycling")
    a = analyze(game, symbolic=False)
    names = {s.name: s.equilibrium.profile for s in a.equilibria if s.equilibrium.profile}
    assert {v.name: v.profile for v in vertex_ess(game, params=game.values()).vertices} == names


def test_reason_lists_negative_differences():
    game = toy_game()
    rep = vertex_ess(game, params={"F": 0.5, "C": 1.0})
    (v,) = rep.ess
    assert v.key == "informal/sell"
    assert all(d.difference < 0 for d in v.deviations)
    assert "every switch loses" in rep.text()
    blocked = next(u for u in rep.vertices if u.key == "formal/return")
    assert [d.to for d in blocked.blocking] == ["informal"]  # 3 - 0.5 > 3 - 1


def test_slider_specs_use_parameter_ranges():
    game = load_model("battery_recycling")
    values = game.values("early_market")
    specs = {s.name: s for s in slider_specs(game, params=values)}
    for p in game.parameters:
        if p.range is None:
            assert p.name not in specs
            continue
        s = specs[p.name]
        assert (s.min, s.max) == p.range
        assert s.value == values[p.name]
        assert s.tooltip == p.description
        assert 0 < s.step <= (p.range[1] - p.range[0]) / 50


def test_static_env_var(monkeypatch):
    monkeypatch.setenv("GOVGAME_STATIC", "1")
    assert not widgets_available()
    monkeypatch.delenv("GOVGAME_STATIC")
    assert not widgets_available()  # no kernel in pytest
    ex = explore(toy_game(), t_end=5)
    assert ex.ess == ["informal/sell"]
    matplotlib.pyplot.close("all")


def test_missing_value_is_parameter_error():
    from govgame.errors import ParameterError

    game = Game(
        name="nov",
        populations=(Population("a", ("p", "q"), ("x",)), Population("b", ("s", "t"), ("y",))),
        parameters=(Parameter("k", range=(0.0, 1.0)),),
        payoffs={pr: (Parameter("k").symbol, 0) for pr in itertools.product("pq", "st")},
    )
    with pytest.raises(ParameterError, match="k has no value"):
        explore(game, static=True)


def test_widget_box_headless_and_slider_changes_ess():
    pytest.importorskip("ipywidgets")
    from govgame.widgets import Explorer

    ex = Explorer(toy_game(), t_end=5)
    assert set(ex.sliders) == {"F", "C"}
    sl = ex.sliders["F"]
    assert (sl.min, sl.max, sl.value) == (0.0, 4.0, 0.5)
    assert sl.tooltip == "fine on informal recycling"
    assert ex.specs["F"].label == "fine on informal recycling (F)"
    assert not sl.continuous_update  # updates on release, as the explorer says
    assert ex.report.names == ["informal/sell"]
    assert "informal/sell" in ex.status.value
    sl.value = 2.0  # the fine now makes formal the best reply to return
    assert ex.report.names == ["formal/return", "informal/sell"]
    sl.value = 4.0  # informal/sell loses its strictness (tie at the fine 4): only formal/return is left
    assert ex.report.names == ["formal/return"]
    assert ex.params["F"] == 4.0
    matplotlib.pyplot.close("all")


def test_scenario_dropdown_sets_sliders():
    pytest.importorskip("ipywidgets")
    from govgame.widgets import Explorer

    game = load_model("battery_recycling")
    ex = Explorer(game, draw=False)
    ex.scenario.value = "early_market"
    expected = game.values("early_market")
    assert all(np.isclose(s.value, expected[k]) for k, s in ex.sliders.items())
    assert ex.report.names == vertex_ess(game, params=expected).names
    assert "lax/informal/sell_informal" in ex.report.names
    ex.scenario.value = ""  # "defaults"
    assert ex.sliders["C_g"].value == game.parameter("C_g").value
    assert dict(ex.scenario.options)["defaults"] == ""  # the menu shows "defaults", not an empty box


def test_sliders_grouped_by_lever_and_population():
    game = load_model("battery_recycling")
    specs = {s.name: s for s in slider_specs(game, params=game.values())}
    # a parameter in several populations' payoffs is a lever or transfer; the others belong to one population
    assert specs["S_e"].group == specs["F_e"].group == specs["p_d"].group == "Policy levers and transfers"
    assert specs["E_g"].group == "Government" and specs["C_c"].group == "Consumer"
    groups = [s.group for s in slider_specs(game, params=game.values())]
    assert groups == sorted(groups, key=lambda g: g != "Policy levers and transfers")  # levers first


def test_key_sliders_are_the_ones_that_change_the_ess():
    game = load_model("battery_recycling")
    values = game.values()
    base = strict_nash_vertices(game, values)
    specs = slider_specs(game, params=values)
    for s in specs:  # independent oracle: strict Nash equilibria at the ends and the middle of the range
        changes = any(strict_nash_vertices(game, {**values, s.name: v}) != base
                      for v in (s.min, (s.min + s.max) / 2, s.max))  # fmt: skip
        assert s.key == changes, s.name
    assert 0 < sum(s.key for s in specs) < len(specs)


def test_explorer_keeps_a_static_picture_for_saved_notebooks():
    pytest.importorskip("ipywidgets")
    from govgame.widgets import Explorer

    ex = Explorer(toy_game(), t_end=5)
    bundle = ex.first_figure
    assert bundle is not None and set(bundle) >= {"image/png", "text/html", "text/plain"}
    import base64

    assert base64.b64decode(bundle["image/png"]).startswith(b"\x89PNG")
    assert '<img src="data:image/png;base64,' in bundle["text/html"]
    assert ".govgame-fallback" in bundle["text/html"] and "govgame-live" in ex.widget._dom_classes
    matplotlib.pyplot.close("all")
