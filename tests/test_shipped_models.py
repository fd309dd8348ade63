"""Checks on every shipped model in the top-level ``models/`` folder.

Each model must load with :func:`govgame.loader.load_model`, be named after its file, document every parameter
(description and default value), and every scenario that states an ``expect`` profile must make that profile a
strict Nash equilibrium at the scenario's values (each population's strategy earns strictly more than each of its
alternatives, the others fixed) - the condition for a pure profile to be asymptotically stable under the
replicator dynamics. The payoffs are evaluated exactly (sympy rationals), straight from ``game.payoffs``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import sympy

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

from govgame.model.loader import load_model

MODELS_DIR = Path(__file__).resolve().parent.parent / "models"
MODEL_FILES = sorted(MODELS_DIR.glob("*.toml"))


def _ids(paths):
    return [p.stem for p in paths]


def _scenario_cases():
    cases = []
    for path in MODEL_FILES:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
        for name, table in data.get("scenario", {}).items():
            if "expect" in table:
                cases.append(pytest.param(path, name, id=f"{path.stem}:{name}"))
    return cases


def _payoff_at(game, profile, index, subs):
    value = sympy.simplify(sympy.sympify(game.payoffs[tuple(profile)][index]).subs(subs))
    assert value.is_number, f"payoff of profile {profile} is not numeric after substitution: {value}"
    return value


def vertex_state(game, profile):
    """The shares at the vertex where each population plays its strategy in ``profile``.

    In a model whose payoffs depend on the state (format 2), a vertex's eigenvalues are its payoff differences
    evaluated at the vertex itself, so that is where the strict-Nash margins are taken.
    """
    out = {}
    for pop, s in zip(game.populations, profile):
        for sym, strategy in zip(pop.share_symbols, pop.strategies):
            out[sym] = sympy.Integer(1 if strategy == s else 0)
    return out


def strict_nash_margins(game, profile, values):
    """For each population and each alternative strategy: payoff(profile) - payoff(deviation), at the vertex."""
    subs = {**game.subs_map(values), **vertex_state(game, profile)}
    margins = []
    for i, pop in enumerate(game.populations):
        here = _payoff_at(game, profile, i, subs)
        for s in pop.strategies:
            if s == profile[i]:
                continue
            deviation = list(profile)
            deviation[i] = s
            margins.append((pop.name, s, here - _payoff_at(game, deviation, i, subs)))
    return margins


def test_models_folder_is_not_empty():
    assert MODEL_FILES, f"no model files in {MODELS_DIR}"


@pytest.mark.parametrize("path", MODEL_FILES, ids=_ids(MODEL_FILES))
def test_model_loads_and_is_named_after_its_file(path):
    game = load_model(path)
    assert game.name == path.stem
    assert game.title
    assert game.description.strip()
    assert game.references


@pytest.mark.parametrize("path", MODEL_FILES, ids=_ids(MODEL_FILES))
def test_every_parameter_has_description_and_value(path):
    game = load_model(path)
    for p in game.parameters:
        assert p.description.strip(), f"{path.name}: parameter {p.name} has no description"
        assert p.value is not None, f"{path.name}: parameter {p.name} has no value"


@pytest.mark.parametrize("path", MODEL_FILES, ids=_ids(MODEL_FILES))
def test_every_profile_has_numeric_payoffs_at_defaults(path):
    game = load_model(path)
    values = game.values()
    assert game.complete(values)
    for profile in game.profiles:
        subs = {**game.subs_map(values), **vertex_state(game, profile)}
        for i in range(len(game.populations)):
            assert _payoff_at(game, profile, i, subs).is_number


@pytest.mark.parametrize("path", MODEL_FILES, ids=_ids(MODEL_FILES))
def test_scenarios_have_descriptions(path):
    game = load_model(path)
    assert game.scenarios, f"{path.name} has no scenarios"
    for sc in game.scenarios:
        assert sc.description.strip(), f"{path.name}: scenario {sc.name} has no description"


@pytest.mark.parametrize(("path", "scenario"), _scenario_cases())
def test_expected_profile_is_strict_nash(path, scenario):
    game = load_model(path)
    sc = game.scenario(scenario)
    values = game.values(scenario=scenario)
    assert game.complete(values)
    bad = [(pop, alt, m) for pop, alt, m in strict_nash_margins(game, sc.expect, values) if not m > 0]
    assert not bad, (
        f"{path.name}: scenario {scenario}: expect {list(sc.expect)} is not a strict Nash equilibrium; "
        f"deviations that do not lose: {bad}"
    )


@pytest.mark.parametrize("path", MODEL_FILES, ids=_ids(MODEL_FILES))
def test_model_loads_by_name_when_shipped(path):
    """A shipped model is also reachable by its bare name (SPEC 1: `govgame analyze battery_recycling`)."""
    game = load_model(path.stem)
    assert game.name == path.stem
