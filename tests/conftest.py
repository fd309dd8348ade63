"""Shared fixtures: small inline model files (the shipped models are tested elsewhere)."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

# In CI (CI=true) property tests draw the same examples every run, so the suite's run time is
# predictable; locally they explore new random games each run.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


def pytest_configure(config):
    """With pytest-xdist, compile the integrators once in the controlling process, before the workers start.

    From a clean checkout (CI) every worker would otherwise compile the same kernels at the same
    time and write numba's on-disk cache concurrently; compiled here first, the workers load it.
    """
    if hasattr(config, "workerinput") or not getattr(config.option, "numprocesses", None):
        return
    from govgame.numerics import kernel, sde

    kernel.warm()
    sde.warm()


#: A tripartite toy game. The parameters ``lambda`` and ``E`` prove that Python keywords and
#: sympy constants are plain names in model files.
TRIPARTITE = """
[game]
name = "toy_tripartite"
title = "Toy government, enterprise and consumer game"
description = "A small game used by the tests."
references = ["tests"]

[[population]]
name = "government"
label = "Government"
strategies = ["strict", "lax"]
share = "x"

[[population]]
name = "enterprise"
strategies = ["formal", "informal"]
share = "y"

[[population]]
name = "consumer"
strategies = ["return", "sell"]
share = "z"

[parameters.C_g]
description = "Cost of strict regulation"
value = 3.0
range = [0.0, 10.0]

[parameters.lambda]
description = "Reputation gain of the government"
value = 0.6
range = [0.0, 1.0]

[parameters.E]
description = "Environmental benefit"
value = 2.0
sign = "positive"

[parameters.F]
description = "Fine on informal disposal"
value = 4.0

[parameters.p_d]
description = "Detection probability"
value = 0.5
range = [0.0, 1.0]

[parameters.B]
description = "Consumer bonus"
value = 1.0
sign = "any"

[definitions]
expected_fine = "p_d * F"
benefit = "lambda * E + expected_fine"

[assumptions]
relations = ["E > C_g / 2", "p_d <= 1"]

[scenario.weak]
description = "Weak supervision"
C_g = 5.0
p_d = 0.1
expect = ["lax", "informal", "sell"]

[[payoff]]
profile = ["strict", "formal", "return"]
government = "benefit - C_g"
enterprise = "E - 1"
consumer = "B"

[[payoff]]
profile = ["strict", "formal", "sell"]
government = "lambda * E - C_g"
enterprise = "E - 1"
consumer = 0

[[payoff]]
profile = ["strict", "informal", "return"]
government = "expected_fine - C_g"
enterprise = "-expected_fine"
consumer = "B"

[[payoff]]
profile = ["strict", "informal", "sell"]
government = "expected_fine - C_g"
enterprise = "1 - expected_fine"
consumer = 0.5

[[payoff]]
profile = ["lax", "formal", "return"]
government = "lambda * E"
enterprise = "E - 1"
consumer = "B"

[[payoff]]
profile = ["lax", "formal", "sell"]
government = 0
enterprise = "E - 1"
consumer = 0

[[payoff]]
profile = ["lax", "informal", "return"]
government = "-E"
enterprise = 0
consumer = "B / 2"

[[payoff]]
profile = ["lax", "informal", "sell"]
government = "-E"
enterprise = 1
consumer = 0.5
"""

#: A two-population game whose second population has three strategies (k = 3).
PRISONERS_DILEMMA = """
# A two-population prisoner's dilemma with one parameter (used by the simulate and sweep command tests).
[game]
name = "pd"
title = "Prisoner's dilemma between two populations"

[[population]]
name = "row"
strategies = ["c", "d"]
share = "x"

[[population]]
name = "col"
strategies = ["c", "d"]
share = "y"

[parameters.b]
description = "reward for mutual cooperation"
value = 2.0

[[payoff]]
profile = ["c", "c"]
row = "b"
col = "b"

[[payoff]]
profile = ["c", "d"]
row = 0
col = 3

[[payoff]]
profile = ["d", "c"]
row = 3
col = 0

[[payoff]]
profile = ["d", "d"]
row = 1
col = 1
"""

THREE_STRATEGIES = """
[game]
name = "toy_k3"
title = "Regulator and a recycler with three options"

[[population]]
name = "regulator"
strategies = ["inspect", "trust"]
share = "x"

[[population]]
name = "recycler"
strategies = ["echelon", "direct", "informal"]
shares = ["y1", "y2"]

[parameters.c]
value = 1.0

[parameters.f]
value = 3.0

[parameters.r]
value = 2.0

[[payoff]]
profile = ["inspect", "echelon"]
regulator = "-c"
recycler = "2*r"

[[payoff]]
profile = ["inspect", "direct"]
regulator = "-c"
recycler = "r"

[[payoff]]
profile = ["inspect", "informal"]
regulator = "f - c"
recycler = "r - f"

[[payoff]]
profile = ["trust", "echelon"]
regulator = 0
recycler = "2*r - c"

[[payoff]]
profile = ["trust", "direct"]
regulator = 0
recycler = "r"

[[payoff]]
profile = ["trust", "informal"]
regulator = "-f"
recycler = "r + 1"
"""


@pytest.fixture
def tripartite_text() -> str:
    return TRIPARTITE


@pytest.fixture
def k3_text() -> str:
    return THREE_STRATEGIES


@pytest.fixture
def model_file(tmp_path):
    """Write model text to a file and return its path."""

    def write(text: str | bytes, name: str = "model.toml"):
        path = tmp_path / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    return write
