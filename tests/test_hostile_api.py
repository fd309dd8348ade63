"""The Python API under hostile values: every call returns or raises a GovgameError, in bounded time.

Each call runs in a helper thread with a generous deadline, so a regression that makes the
compiled loop spin forever fails the test instead of hanging the suite.
"""

from __future__ import annotations

import math
import threading
import warnings

import numpy as np
import pytest

import govgame
from conftest import PRISONERS_DILEMMA, TRIPARTITE
from govgame.errors import GovgameError, ParameterError, SimulationError
from govgame.model.loader import game_from_dict, loads_model


def finishes(fn, timeout: float = 120.0):
    box: dict = {}

    def run():
        try:
            box["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            box["error"] = exc

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(timeout)
    assert not t.is_alive(), "the call did not return"
    if "error" in box:
        raise box["error"]
    return box.get("value")


def load(text: str):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return loads_model(text)


@pytest.fixture(scope="module")
def tri():
    return load(TRIPARTITE)


BAD_VALUES = [
    ("C_g", float("nan"), "finite number"),
    ("C_g", float("inf"), "finite number"),
    ("C_g", -float("inf"), "finite number"),
    ("C_g", -1.0, "violates its sign"),
    ("E", 0.0, "violates its sign"),  # positive
    ("F", 1e13, "at most 1e"),
    ("F", "4", "must be a number"),
    ("F", None, "must be a number"),
]


@pytest.mark.parametrize(("name", "value", "match"), BAD_VALUES)
@pytest.mark.parametrize("call", ["simulate", "sweep", "analyze", "numeric_payoffs"])
def test_bad_values_raise_parameter_error_in_every_entry_point(tri, call, name, value, match):
    from govgame.analysis.dynamics import numeric_payoffs

    values = {**tri.values(), name: value}
    calls = {
        "simulate": lambda: govgame.simulate(tri, [0.5, 0.5, 0.5], params=values, t_end=1.0),
        "sweep": lambda: govgame.sweep(tri, {"B": [0.0, 1.0]}, params=values, grid=1, t_end=1.0, progress=False),
        "analyze": lambda: govgame.analyze(tri, params={name: value}),
        "numeric_payoffs": lambda: numeric_payoffs(tri, values),
    }
    with pytest.raises(ParameterError, match=match):
        finishes(calls[call])


@pytest.mark.parametrize(
    ("option", "value"),
    [("rtol", 0.0), ("atol", 0.0), ("rtol", float("nan")), ("atol", float("nan")), ("rtol", -1e-6),
     ("rtol", float("inf")), ("t_end", float("nan")), ("t_end", float("inf")), ("t_end", -1.0)],
)  # fmt: skip
def test_tolerances_and_horizons_that_would_never_end_are_refused(tri, option, value):
    with pytest.raises(SimulationError):
        finishes(lambda: govgame.simulate(tri, [0.5, 0.5, 0.5], params=tri.values(), **{option: value}))


@pytest.mark.parametrize("x0", [[np.nan, 0.5, 0.5], [0.5, np.inf, 0.5], [-0.1, 0.5, 0.5], [0.5, 0.5], "0.5"])
def test_bad_starts_are_refused(tri, x0):
    with pytest.raises(SimulationError):
        finishes(lambda: govgame.simulate(tri, x0, params=tri.values(), t_end=1.0))


def test_payoffs_undefined_at_the_values_raise_before_the_kernel(tri):
    game = load(TRIPARTITE.replace('government = "benefit - C_g"', 'government = "log(B - 1)"', 1))
    with pytest.raises(ParameterError, match=r'"government" at profile \["strict", "formal", "return"\].*B = 1'):
        finishes(lambda: govgame.simulate(game, [0.5, 0.5, 0.5], params=game.values(), t_end=1.0))
    with pytest.raises(ParameterError, match=r"log\(0\)"):
        finishes(lambda: govgame.sweep(game, {"B": [2.0, 1.0]}, params=game.values(), grid=1, progress=False))


# Names that mean something to Python, numpy or sympy are plain parameters (SPEC §1); the numeric
# path must bind them by identity, never look them up by name.
NAMES = ["e", "E", "pi", "I", "S", "N", "sqrt", "log", "exp", "Abs", "Min", "Max", "reduce", "minimum", "__debug__",
         "lambda", "numpy", "math", "inf", "nan", "True"]  # fmt: skip


@pytest.mark.parametrize("name", NAMES)
def test_a_parameter_is_that_parameter_whatever_its_name(name):
    """Strategy p earns the parameter, q earns 0: x(t) is the logistic curve with rate equal to its value."""
    doc = {
        "game": {"name": "named"},
        "population": [
            {"name": "a", "strategies": ["p", "q"], "share": "x"},
            {"name": "b", "strategies": ["s", "t"], "share": "y"},
        ],  # fmt: skip
        "parameters": {name: {"value": 0.5}},
        "payoff": [{"profile": [s, t], "a": name if s == "p" else 0, "b": 0} for s in "pq" for t in "st"],
    }
    if name == "True":  # not an identifier-only keyword problem: it is a Python constant, still a plain name
        doc["payoff"] = [{"profile": [s, t], "a": "True" if s == "p" else 0, "b": 0} for s in "pq" for t in "st"]
    game = game_from_dict(doc)
    traj = finishes(lambda: govgame.simulate(game, [0.5, 0.5], params={name: 0.5}, t_end=1.0, t_eval=[1.0]))
    assert math.isclose(float(traj.paths[0, -1, 0]), 1 / (1 + math.exp(-0.5)), rel_tol=1e-5)
    ess = [s.equilibrium.profile for s in govgame.analyze(game).ess()]  # exact path agrees: p is strictly better
    assert all(profile[0] == "p" for profile in ess)


def test_numpy_numbers_are_accepted_where_numbers_are(tri):
    values = {k: np.float32(v) for k, v in tri.values().items()}
    traj = finishes(
        lambda: govgame.simulate(tri, np.array([0.5, 0.5, 0.5], dtype=np.float32), params=values, t_end=1.0)
    )
    assert len(traj) == 1
    pd = load(PRISONERS_DILEMMA)
    res = govgame.sweep(pd, {"b": np.array([1.0, 4.0], dtype=np.float32)}, params={}, grid=1, progress=False)
    assert [c.params["b"] for c in res.cells] == [1.0, 4.0]


def test_every_failure_is_a_govgame_error_or_a_clean_result(tri):
    """A small random sample of hostile parameter mixes: never a bare exception, never a hang."""
    rng = np.random.default_rng(0)
    specials = [np.nan, np.inf, -np.inf, -1.0, 0.0, 1e12, 1e13, 1e-300, 5e-324]
    for _ in range(12):
        values = dict(tri.values())
        for name in rng.choice(list(values), size=2, replace=False):
            values[str(name)] = float(rng.choice(specials))
        try:
            finishes(lambda values=values: govgame.simulate(tri, [0.4, 0.6, 0.5], params=values, t_end=5.0))
        except GovgameError:
            pass
