r"""Reconstruct a model from a published stability table alone (``govgame audit --reconstruct``).

For binary populations the eigenvalues at the vertices determine the payoff differences. Write
:math:`D_p(v_{-p}) = u_p(\text{first}) - u_p(\text{second})` for the payoff difference of
population :math:`p` (its share is the share of its first strategy) when the others play
:math:`v_{-p}`. At a vertex :math:`v` the Jacobian is diagonal, and the eigenvalue of population
:math:`p` is

.. math:: \lambda_p(v) = (1 - 2 v_p)\, D_p(v_{-p}),

:math:`D_p` where :math:`p` plays its second strategy (:math:`v_p = 0`) and :math:`-D_p` where it
plays its first. Flipping one population's strategy therefore negates its eigenvalue and keeps
its magnitude: :math:`\lambda_p(v) = -\lambda_p(v')` for the vertex :math:`v'` that differs from
:math:`v` in :math:`p` only. Every game gives a table with this property, and every table with it
comes from a game: the one whose payoff is :math:`D_p(\sigma_{-p})` for the first strategy of
:math:`p` and 0 for the second.

A printed eigenvalue :math:`e` at :math:`v` whose negation is printed at none of the vertices
:math:`v'` (one for each population) is produced by no game together with the rest of the table:
it is reported as ``impossible-eigenvalue``. Two listed vertices that differ in one population
:math:`p` must share :math:`p`'s eigenvalue up to sign; when no entry of one is the negation of an
entry of the other, the pair is ``inconsistent-table``. Otherwise the entries are assigned to
populations by an exhaustive search; if no assignment is consistent the table is
``inconsistent-table`` too. Otherwise the model is written, and checked: loading it and computing its
vertex eigenvalues gives back the printed table exactly. Payoff differences that the table does
not determine (both vertices of a pair missing) become parameters of their own.

>>> from govgame.model.claims import claims_from_dict
>>> table = {"claim": [
...     {"point": [0, 0], "eigenvalues": ["a", "b"]}, {"point": [1, 0], "eigenvalues": ["-a", "c"]},
...     {"point": [0, 1], "eigenvalues": ["d", "-b"]}, {"point": [1, 1], "eigenvalues": ["-d", "-c"]},
... ]}
>>> r = reconstruct(claims_from_dict(table))
>>> r.consistent, len(r.game.profiles)
(True, 4)
>>> table["claim"][3]["eigenvalues"] = ["d", "-c"]
>>> [(f.claim, str(f.kind), f.evidence["printed"]) for f in reconstruct(claims_from_dict(table)).findings]
[(3, 'impossible-eigenvalue', 'd'), (4, 'impossible-eigenvalue', 'd')]
"""

from __future__ import annotations

import itertools
import json
import os
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import sympy

from ..model.claims import Claim, Claims, claims_from_dict, load_claims
from ..model.expr import format_expression
from ..model.game import Game, Parameter
from .audit import Finding, FindingKind, _canon

__all__ = ["Reconstruction", "reconstruct"]


@dataclass(frozen=True, eq=False)
class Reconstruction:
    """The result of :func:`reconstruct`.

    Attributes
    ----------
    claims : Claims
    findings : tuple of Finding
        Entries no game can produce (empty when the table is consistent).
    differences : dict
        ``(population index, other populations' coordinates) -> D_p``, the payoff differences
        the table determines (empty when it is inconsistent).
    text : str or None
        The model file (TOML) when the table is consistent.
    game : Game or None
        That model, loaded.
    notes : tuple of str
    """

    claims: Claims
    findings: tuple[Finding, ...]
    differences: Mapping[tuple[int, tuple[int, ...]], sympy.Expr] = field(default_factory=dict)
    text: str | None = None
    game: Game | None = None
    notes: tuple[str, ...] = ()

    @property
    def consistent(self) -> bool:
        """Whether some game produces the table (a model was written)."""
        return self.text is not None

    @property
    def checked(self) -> int:
        """Number of claims read."""
        return len(self.claims)

    @property
    def model(self) -> str | None:
        """Name of the reconstructed model (None when the table is inconsistent)."""
        return self.game.name if self.game is not None else None


def _bits(claim: Claim) -> tuple[int, ...]:
    return tuple(int(c) for c in claim.point)


def _flip(v: tuple[int, ...], p: int) -> tuple[int, ...]:
    return v[:p] + (1 - v[p],) + v[p + 1 :]


def _rest(v: tuple[int, ...], p: int) -> tuple[int, ...]:
    return v[:p] + v[p + 1 :]


def reconstruct(claims: Claims | Mapping[str, Any] | str | os.PathLike[str]) -> Reconstruction:
    """Payoff differences, and a model file, from the vertex eigenvalues of a table alone.

    Parameters
    ----------
    claims : Claims, mapping, or str / path-like
        A claims file (path), a mapping laid out like one, or claims read without a model
        (:func:`govgame.model.claims.load_claims` with no game).

    Returns
    -------
    Reconstruction

    Examples
    --------
    >>> r = reconstruct({"claim": [{"point": [0, 0], "eigenvalues": ["a", "b"]}]})
    >>> r.consistent, sorted(str(v) for v in r.differences.values())
    (True, ['a', 'b'])
    """
    if isinstance(claims, Mapping):
        claims = claims_from_dict(claims)
    elif not isinstance(claims, Claims):
        claims = load_claims(claims)
    if claims.game_name is not None:
        raise ValueError("reconstruct reads claims loaded without a model (load_claims(path) with no game)")
    pops = claims.populations
    n = len(pops)
    table: dict[tuple[int, ...], Claim] = {_bits(c): c for c in claims if c.is_vertex and c.eigenvalues is not None}
    notes = []
    skipped = [c.number for c in claims if not c.is_vertex]
    if skipped:
        notes.append(f"claims {', '.join(map(str, skipped))} are not vertices; reconstruction reads vertices only")
    if not table:
        from ..errors import ClaimsError

        raise ClaimsError(f"{claims.source}: no vertex lists its eigenvalues; reconstruction needs them")
    keys = {v: [_canon(e) for e in c.eigenvalues] for v, c in table.items()}

    def partners(v: tuple[int, ...], k: int) -> list[int]:
        neg = _canon(-keys[v][k])
        return [p for p in range(n) if _flip(v, p) not in table or neg in keys[_flip(v, p)]]

    findings = []
    for v, c in sorted(table.items(), key=lambda item: item[1].number):
        for k, e in enumerate(c.eigenvalues):
            if partners(v, k):
                continue
            neighbours = []
            for p in range(n):
                w = _flip(v, p)
                neighbours.append(
                    {
                        "population": pops[p].name,
                        "claim": table[w].number,
                        "point": table[w].point_text,
                        "printed": list(table[w].eigenvalue_texts),
                    }
                )
            text = c.eigenvalue_texts[k]
            ev = {"entry": k + 1, "printed": text, "negation": format_expression(-e), "neighbours": neighbours}
            detail = (
                f"eigenvalue {k + 1} of {c.point_text}, {text}, is produced by no game together with the rest of the "
                f"table: flipping any one population's strategy must negate its eigenvalue, and "
                f"{format_expression(-e)} is printed at none of the {n} neighbouring vertices"
            )
            findings.append(
                Finding(
                    c.number, FindingKind.IMPOSSIBLE_EIGENVALUE, detail, ev, "", "check this entry and its neighbours"
                )
            )
    if findings:
        return Reconstruction(claims, tuple(findings), notes=tuple(notes))
    # population p's eigenvalue at v is minus its eigenvalue at the flipped vertex w: some entry at v must
    # be the negation of some entry at w
    for v, c in sorted(table.items(), key=lambda item: item[1].number):
        for p in range(n):
            w = _flip(v, p)
            if w not in table or table[w].number < c.number:
                continue
            if any(_canon(-e) in keys[w] for e in keys[v]):
                continue
            d = table[w]
            detail = (
                f"{pops[p].name}'s eigenvalue at {c.point_text} must be minus its eigenvalue at {d.point_text} "
                f"({pops[p].name} flipped), but no eigenvalue printed at {c.point_text} is the negation of one "
                f"printed at {d.point_text}"
            )
            ev = {
                "population": pops[p].name,
                "points": [c.point_text, d.point_text],
                "claims": [c.number, d.number],
                "printed": [list(c.eigenvalue_texts), list(d.eigenvalue_texts)],
            }
            findings.append(Finding(c.number, FindingKind.INCONSISTENT_TABLE, detail, ev, "", "check both rows"))
    if findings:
        return Reconstruction(claims, tuple(findings), notes=tuple(notes))

    solutions, deepest = _assign(table, keys, n)
    if not solutions:
        c = table[deepest]
        detail = (
            "every printed eigenvalue has a partner, but no assignment of the eigenvalues to populations makes the "
            f"whole table consistent (exhaustive search; it fails at {c.point_text})"
        )
        f = Finding(c.number, FindingKind.INCONSISTENT_TABLE, detail, {"point": c.point_text}, "", "")
        return Reconstruction(claims, (f,), notes=tuple(notes))
    if len(solutions) > 1:
        notes.append("several assignments of the eigenvalues to populations reproduce the table; the first is written")
    differences = solutions[0]
    text, game = _write_model(claims, differences)
    return Reconstruction(claims, (), differences, text, game, tuple(notes))


def _assign(table, keys, n: int):
    """Consistent payoff differences by exhaustive search: up to two solutions, and the deepest vertex reached."""
    order = sorted(table)
    solutions: list[dict] = []
    deepest = [0]

    def search(i: int, d: dict) -> None:
        if len(solutions) >= 2:
            return
        deepest[0] = max(deepest[0], i)
        if i == len(order):
            solutions.append(dict(d))
            return
        v = order[i]
        left = list(range(n))
        free = []
        for p in range(n):
            known = d.get((p, _rest(v, p)))
            if known is None:
                free.append(p)
                continue
            need = known if v[p] == 0 else _canon(-known)
            j = next((j for j in left if keys[v][j] == need), None)
            if j is None:
                return
            left.remove(j)
        tried = set()
        for perm in itertools.permutations(left):
            values = tuple(keys[v][j] for j in perm)
            if values in tried:
                continue
            tried.add(values)
            for p, val in zip(free, values):
                d[(p, _rest(v, p))] = val if v[p] == 0 else _canon(-val)
            search(i + 1, d)
            for p in free:
                del d[(p, _rest(v, p))]
            if len(solutions) >= 2:
                return

    search(0, {})
    return solutions, order[min(deepest[0], len(order) - 1)]


def _toml(value: Any) -> str:
    """A TOML value: strings as basic strings (JSON escapes are valid TOML), lists, numbers, booleans."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, float):
        return repr(value)
    return json.dumps(value)


def _write_model(claims: Claims, differences: dict) -> tuple[str, Game]:
    from ..model.loader import loads_model

    pops = claims.populations
    n = len(pops)
    params = list(claims.parameters)
    taken = {p.name for p in params} | {s for p in pops for s in p.shares}
    full = dict(differences)
    undetermined = []
    for p in range(n):
        for rest in itertools.product((0, 1), repeat=n - 1):
            if (p, rest) in full:
                continue
            name = f"D{p + 1}_" + "".join(map(str, rest))
            while name in taken:
                name += "_"
            taken.add(name)
            par = Parameter(
                name,
                sign="any",
                description=f"payoff difference of {pops[p].name} not determined by the table",
                latex=f"D_{{{p + 1}}}^{{({''.join(map(str, rest))})}}",
            )
            params.append(par)
            full[(p, rest)] = par.symbol
            undetermined.append(name)
    name = claims.name or "reconstructed"
    title = claims.title or "Model reconstructed from a stability table"
    description = (
        "Written by govgame audit --reconstruct. For each population the payoff of its first strategy is its payoff "
        "difference D (first minus second) read from the vertex eigenvalues of the table, and the payoff of its "
        "second strategy is 0: every game with these payoff differences has the same vertex eigenvalues."
    )
    if undetermined:
        description += f" The table does not determine {', '.join(undetermined)}: they are parameters of their own."
    lines = [
        f"# Reconstructed by govgame audit --reconstruct from {claims.source}",
        "[game]",
        f"name = {_toml(name)}",
        f"title = {_toml(title)}",
        f"description = {_toml(description)}",
        f"references = {_toml([claims.source])}",
        "",
    ]
    for pop in pops:
        lines += [
            "[[population]]",
            f"name = {_toml(pop.name)}",
            f"label = {_toml(pop.label)}",
            f"strategies = {_toml(list(pop.strategies))}",
            f"share = {_toml(pop.shares[0])}",
            "",
        ]
    for par in params:
        lines.append(f"[parameters.{par.name}]")
        if par.description:
            lines.append(f"description = {_toml(par.description)}")
        if par.value is not None:
            lines.append(f"value = {_toml(par.value)}")
        if par.range is not None:
            lines.append(f"range = {_toml(list(par.range))}")
        if par.latex:
            lines.append(f"latex = {_toml(par.latex)}")
        lines += [f"sign = {_toml(par.sign)}", ""]
    if claims.assumption_texts:
        lines += ["[assumptions]", f"relations = {_toml(list(claims.assumption_texts))}", ""]
    for idx in itertools.product(range(2), repeat=n):
        bits = tuple(1 - j for j in idx)  # strategy 0 (first) has share 1
        lines.append("[[payoff]]")
        lines.append(f"profile = {_toml([pop.strategies[j] for pop, j in zip(pops, idx)])}")
        for p, pop in enumerate(pops):
            value = full[(p, _rest(bits, p))] if idx[p] == 0 else sympy.Integer(0)
            lines.append(f"{pop.name} = {_toml(format_expression(value))}")
        lines.append("")
    text = "\n".join(lines)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # parameters used only in conditions are unused in payoffs
        game = loads_model(text, source=f"model reconstructed from {claims.source}")
    _check(game, claims)
    return text, game


def _check(game: Game, claims: Claims) -> None:
    """The written model reproduces every printed vertex eigenvalue (as multisets), or an internal error."""
    from .dynamics import replicator
    from .equilibria import vertices
    from .stability import vertex_eigenvalues

    dyn = replicator(game)
    by_profile = {tuple(s[0] for s in eq.support): eq for eq in vertices(game)}
    for c in claims:
        if not c.is_vertex or c.eigenvalues is None:
            continue
        eq = by_profile[c.profile]
        ours = sorted(map(str, (_canon(e) for e in vertex_eigenvalues(dyn, eq))))
        printed = sorted(map(str, (_canon(e) for e in c.eigenvalues)))
        if ours != printed:
            raise RuntimeError(f"the reconstructed model does not reproduce {c.label}: {ours} != {printed}")
