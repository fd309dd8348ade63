r"""Renderers of audit results: a JSON-ready dict, plain text, Markdown and LaTeX (a referee's report).

Nothing here computes: every function formats what :func:`govgame.analysis.audit.audit` or
:func:`govgame.analysis.reconstruct.reconstruct` found. The report has a summary line, a table of the
findings, and one section per finding with the claim, the printed and the true entries, the
evidence and the suggested correction. The LaTeX report is a complete document (booktabs tables,
prose escaped with :func:`~govgame.io.latex.latex_escape`, mathematics typeset with
:func:`~govgame.io.latex.latex_expr`).

>>> from govgame.analysis.audit import audit
>>> result = audit("battery_recycling", {"claim": [{"point": [0, 1, 1], "signs": ["-", "x", "x"]}]})
>>> print(audit_text(result).splitlines()[0])
battery_recycling: 1 claim checked, 1 finding (1 unimplied-sign).
"""

from __future__ import annotations

import types
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..errors import GovgameError
from ..model.expr import parse_expression, parse_relation

if TYPE_CHECKING:  # pragma: no cover
    from ..analysis.audit import Audit, Finding
    from ..analysis.reconstruct import Reconstruction

__all__ = ["audit_to_dict", "audit_text", "audit_markdown", "audit_latex"]

_TITLES = {
    "wrong-eigenvalue": "Wrong eigenvalue",
    "unimplied-sign": "Sign not implied by the assumptions",
    "contradictory-signs": "Contradictory signs",
    "insufficient-conditions": "Stability conditions do not imply stability",
    "infeasible-conditions": "Stability conditions cannot hold",
    "excluded-conditions": "Stability conditions excluded by another entry",
    "mixed-stable": "Mixed rest point called stable",
    "denied-stability": "Point called unstable is stable for some parameters",
    "impossible-eigenvalue": "Eigenvalue no game can produce",
    "inconsistent-table": "No game produces this table",
}


# --------------------------------------------------------------------------- JSON
def _finding_dict(f: Finding) -> dict[str, Any]:
    return {
        "claim": f.claim,
        "kind": str(f.kind),
        "detail": f.detail,
        "evidence": dict(f.evidence),
        "correction": f.correction,
        "suggestion": f.suggestion,
    }


def audit_to_dict(result: Audit | Reconstruction) -> dict[str, Any]:
    """The JSON of ``govgame audit --format json`` (SPEC §7, plus documented extra keys).

    Examples
    --------
    >>> from govgame.analysis.audit import audit
    >>> d = audit_to_dict(audit("battery_recycling", {"claim": [{"point": [1, 1, 1], "stable": True}]}))
    >>> d["model"], d["checked"], [f["kind"] for f in d["findings"]]
    ('battery_recycling', 1, ['insufficient-conditions'])
    """
    from ..analysis.reconstruct import Reconstruction

    out: dict[str, Any] = {
        "model": result.model,
        "findings": [_finding_dict(f) for f in result.findings],
        "checked": result.checked,
        "claims_file": result.claims.source,
        "title": result.claims.title,
        "notes": list(result.notes),
    }
    if isinstance(result, Reconstruction):
        out["reconstructed"] = result.consistent
        out["differences"] = [
            {
                "population": result.claims.populations[p].name,
                "others": list(rest),
                "difference": _fmt(value),
            }
            for (p, rest), value in sorted(result.differences.items(), key=lambda kv: (kv[0][0], kv[0][1]))
        ]
        out["model_file"] = result.text
    else:
        out["claims"] = [
            {
                "claim": c.number,
                "name": c.name,
                "point": [str(v) for v in c.point],
                "profile": _profile(result, c.profile) if c.profile is not None else None,
                "eigenvalues": [_fmt(e) for e in result.true_eigenvalues.get(c.number, ())] if c.is_vertex else None,
            }
            for c in result.claims
        ]
    return out


def _fmt(e: Any) -> str:
    from ..model.expr import format_expression

    return format_expression(e)


def _profile(result: Audit, profile: Sequence[int]) -> list[str]:
    return [p.strategies[j] for p, j in zip(result.game.populations, profile)]


# --------------------------------------------------------------------------- shared content
def _summary(result: Audit | Reconstruction) -> str:
    from ..analysis.reconstruct import Reconstruction

    n = len(result.findings)
    counts = Counter(str(f.kind) for f in result.findings)
    kinds = ", ".join(f"{v} {k}" for k, v in counts.items())
    claims = f"{result.checked} claim{'s' if result.checked != 1 else ''} checked"
    if isinstance(result, Reconstruction):
        head = f"reconstruction from {result.claims.source}: {claims}"
        if result.consistent:
            return f"{head}; the table is consistent: model {result.model} reproduces every printed eigenvalue."
        return f"{head}; {n} finding{'s' if n != 1 else ''} ({kinds}): no game produces this table."
    what = f"{result.model}: {claims}"
    if not n:
        return f"{what}, no findings."
    return f"{what}, {n} finding{'s' if n != 1 else ''} ({kinds})."


def _claim_heading(result: Audit | Reconstruction, number: int) -> str:
    c = result.claims[number]
    text = f"{c.label}, point {c.point_text}"
    game = getattr(result, "game", None)
    if game is not None and c.profile is not None:
        text += " = " + "/".join(p.strategies[j] for p, j in zip(game.populations, c.profile))
    return text


def _rows(f: Finding) -> list[tuple[str, list[tuple[str, str]]]]:
    """The entries a finding is about, as (label, pieces); a piece is ("math"|"rel"|"text", content)."""
    ev = f.evidence
    kind = str(f.kind)
    out: list[tuple[str, list[tuple[str, str]]]] = []
    if kind == "wrong-eigenvalue":
        out.append((f"printed eigenvalue {ev['entry']}", [("math", ev["printed"])]))
        out.append(("true eigenvalue (most likely)", [("math", ev["true"])]))
        out.append(("true eigenvalues of the vertex", _join_math(ev["true_eigenvalues"])))
        if "partner" in ev:
            p = ev["partner"]
            out.append((f"claim {p['claim']}, eigenvalue {p['entry']}", [("math", p["printed"])]))
    elif kind == "unimplied-sign":
        out.append((f'eigenvalue {ev["entry"]}, marked "{ev["sign"]}"', [("math", ev["expression"])]))
    elif kind == "contradictory-signs":
        for e in ev["entries"]:
            out.append(
                (f'claim {e["claim"]}, eigenvalue {e["entry"]}, marked "{e["sign"]}"', [("math", e["expression"])])
            )
    elif kind == "insufficient-conditions":
        out.append(("eigenvalue not implied negative", [("math", ev["eigenvalue"])]))
        for r in ev.get("reversed", []):
            out.append((f"condition {r['condition']} (stated)", [("rel", r["stated"])]))
            out.append((f"condition {r['condition']} (needed)", [("rel", r["should_be"])]))
    elif kind in ("infeasible-conditions", "excluded-conditions"):
        for r in ev.get("reversed", []):
            out.append((f"condition {r['condition']} (stated)", [("rel", r["stated"])]))
            out.append((f"condition {r['condition']} (needed)", [("rel", r["should_be"])]))
    elif kind == "mixed-stable":
        out.append(("point", [("text", "(" + ", ".join(ev["point"]) + ")")]))
        out.append(("mixing populations", [("text", ", ".join(ev["mixing"]))]))
    elif kind == "denied-stability":
        out.append(("true eigenvalues", _join_math(ev["eigenvalues"])))
    elif kind == "impossible-eigenvalue":
        out.append((f"printed eigenvalue {ev['entry']}", [("math", ev["printed"])]))
        out.append(("its negation, needed at a neighbour", [("math", ev["negation"])]))
        for nb in ev["neighbours"]:
            out.append((f"claim {nb['claim']}, {nb['point']} ({nb['population']} flipped)", _join_math(nb["printed"])))
    return out


def _join_math(items: Sequence[str]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for i, t in enumerate(items):
        if i:
            out.append(("text", ", "))
        out.append(("math", t))
    return out


def _at(point: dict[str, float]) -> str:
    return ", ".join(f"{k} = {v:g}" for k, v in point.items())


def _evidence(f: Finding) -> list[tuple[str, str]]:
    """The evidence as pieces of a sentence."""
    ev = f.evidence
    kind = str(f.kind)
    if kind == "wrong-eigenvalue":
        if ev.get("repeated"):
            return [
                ("text", f"At the admissible parameter point {_at(ev['at'])}, the true eigenvalue "),
                ("math", ev["true"]),
                ("text", " equals "),
                ("math", ev["missing_value"]),
                ("text", ", but the printed eigenvalues are "),
                *_join_math(ev["printed_values"]),
                ("text", " (exact values)."),
            ]
        return [
            ("text", f"At the admissible parameter point {_at(ev['at'])}, the printed eigenvalue is "),
            ("math", ev["printed_value"]),
            ("text", ", while the true eigenvalues are "),
            *_join_math(ev["true_values"]),
            ("text", " (exact values)."),
        ]
    if kind == "unimplied-sign":
        return [
            ("text", f"At the admissible parameter point {_at(ev['at'])}, the expression equals "),
            ("math", ev["value"]),
            ("text", "." if ev["strict"] else " (it is identically 0)."),
        ]
    if kind == "contradictory-signs":
        return [("text", "Identically "), ("text", ev["identity"]), ("text", ", so the two signs cannot both hold.")]
    if kind == "insufficient-conditions":
        return [
            (
                "text",
                f"At the admissible parameter point {_at(ev['at'])} every stated condition holds, but the eigenvalue ",
            ),
            ("math", ev["eigenvalue"]),
            ("text", " equals "),
            ("math", ev["value"]),
            ("text", "."),
        ]
    if kind in ("infeasible-conditions", "excluded-conditions"):
        cert = ev["certificate"]
        strict = any(r["row"].endswith("> 0") for r in cert["rows"])
        return [
            ("text", "Farkas certificate (checked in exact arithmetic): adding the rows below with the multipliers "
             f"shown gives the constant {cert['sum']} identically, but wherever every row held the sum would be "
             f"{'> 0' if strict else '>= 0'}."),
        ]  # fmt: skip
    if kind == "mixed-stable":
        return [("text", ev["reason"][0].upper() + ev["reason"][1:] + ".")]
    if kind == "denied-stability":
        return [
            ("text", f"At the admissible parameter point {_at(ev['at'])} the eigenvalues are "),
            *_join_math(ev["values"]),
            ("text", ": all negative, so the point is asymptotically stable there."),
        ]
    if kind == "impossible-eigenvalue":
        return [("text", "Flipping one population's strategy negates its eigenvalue; the negation is printed at none of "
                         "the neighbouring vertices.")]  # fmt: skip
    return []


def _differences(result: Reconstruction) -> list[tuple[str, str, str]]:
    """(population, the others' strategies, payoff difference) for every difference the table determines."""
    pops = result.claims.populations
    out = []
    for (p, rest), value in sorted(result.differences.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        others = [q for i, q in enumerate(pops) if i != p]
        against = ", ".join(f"{q.name} {q.strategies[0 if bit else 1]}" for q, bit in zip(others, rest))
        out.append((f"{pops[p].name} ({pops[p].strategies[0]} - {pops[p].strategies[1]})", against, _fmt(value)))
    return out


# --------------------------------------------------------------------------- text
def _plain(pieces: list[tuple[str, str]]) -> str:
    return "".join(t for _, t in pieces)


def audit_text(result: Audit | Reconstruction) -> str:
    """The report as plain text: the summary line, then each finding with its evidence and correction."""
    lines = [_summary(result)]
    if result.claims.title:
        lines.append(f"Table: {result.claims.title} ({result.claims.source})")
    for i, f in enumerate(result.findings, 1):
        lines += ["", f"{i}. {_TITLES[str(f.kind)]} [{f.kind}] -- {_claim_heading(result, f.claim)}"]
        lines.append(f"   {f.detail}")
        for label, pieces in _rows(f):
            lines.append(f"   {label}: {_plain(pieces)}")
        ev = _plain(_evidence(f))
        if ev:
            lines.append(f"   evidence: {ev}")
        if "certificate" in f.evidence:
            for r in f.evidence["certificate"]["rows"]:
                lines.append(f"     {r['multiplier']} x ({r['row']})    [{r['source']}]")
        if f.suggestion:
            lines.append(f"   correction: {f.suggestion}")
    if getattr(result, "differences", None):
        lines += [
            "",
            "Payoff differences read from the table (first minus second strategy, against the others' strategies):",
        ]
        lines += [f"  {who} against {against}: {value}" for who, against, value in _differences(result)]
    for note in result.notes:
        lines += ["", f"note: {note}"]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- markdown
def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _md(pieces: list[tuple[str, str]]) -> str:
    return "".join(f"`{_md_cell(t)}`" if kind in ("math", "rel") else _md_cell(t) for kind, t in pieces)


def audit_markdown(result: Audit | Reconstruction) -> str:
    """The report as Markdown: summary, a table of findings, one section per finding.

    Examples
    --------
    >>> from govgame.analysis.audit import audit
    >>> md = audit_markdown(audit("battery_recycling", {"claim": [{"point": [0, 1, 1], "signs": ["-", "x", "x"]}]}))
    >>> md.splitlines()[0]
    '# Audit of a stability table against the model battery_recycling'
    """
    from ..analysis.reconstruct import Reconstruction

    if isinstance(result, Reconstruction):
        head = f"# Reconstruction of a model from {result.claims.title or result.claims.source}"
    else:
        head = f"# Audit of a stability table against the model {result.model}"
    out = [head, ""]
    if result.claims.title:
        out += [f"Table: {_md_cell(result.claims.title)} (`{_md_cell(result.claims.source)}`)", ""]
    out += [f"**{_md_cell(_summary(result))}**", ""]
    if result.findings:
        out += ["| # | claim | kind | correction |", "| --- | --- | --- | --- |"]
        for i, f in enumerate(result.findings, 1):
            out.append(f"| {i} | {_md_cell(_claim_heading(result, f.claim))} | `{f.kind}` | {_md_cell(f.suggestion)} |")
    for i, f in enumerate(result.findings, 1):
        out += ["", f"## {i}. {_TITLES[str(f.kind)]}: {_md_cell(_claim_heading(result, f.claim))}", ""]
        out += [_md_cell(f.detail) + ".", ""]
        rows = _rows(f)
        if rows:
            out += ["| entry | expression |", "| --- | --- |"]
            out += [f"| {_md_cell(label)} | {_md(pieces)} |" for label, pieces in rows]
            out.append("")
        ev = _evidence(f)
        if ev:
            out += [f"**Evidence.** {_md(ev)}", ""]
        if "certificate" in f.evidence:
            out += ["| multiplier | row | from |", "| --- | --- | --- |"]
            out += [
                f"| {r['multiplier']} | `{_md_cell(r['row'])}` | {_md_cell(r['source'])} |"
                for r in f.evidence["certificate"]["rows"]
            ]
            out.append("")
        if f.suggestion:
            out += [f"**Suggested correction.** {_md_cell(f.suggestion)}.", ""]
    if getattr(result, "differences", None):
        out += ["", "## Payoff differences read from the table", ""]
        out += ["| population (first - second) | against | difference |", "| --- | --- | --- |"]
        out += [f"| {_md_cell(w)} | {_md_cell(a)} | `{_md_cell(v)}` |" for w, a, v in _differences(result)]
    if result.notes:
        out += ["", "### Notes", ""] + [f"- {_md_cell(n)}" for n in result.notes]
    return "\n".join(out).rstrip() + "\n"


# --------------------------------------------------------------------------- LaTeX
class _TeX:
    """Typesets the model-syntax strings of the evidence: parsed with the whitelist parser, printed by latex_expr."""

    def __init__(self, result: Audit | Reconstruction) -> None:
        game = getattr(result, "game", None)
        if game is None:  # a reconstruction without a consistent model: the claims' own parameters
            game = types.SimpleNamespace(parameters=result.claims.parameters)
        self.game = game
        self.symbols = {p.name: p.symbol for p in game.parameters}
        self.symbols.update({d.name: d.expr for d in getattr(game, "definitions", ())})

    def math(self, text: str, relation: bool = False) -> str:
        from .latex import latex_escape, latex_expr

        try:
            parse = parse_relation if relation else parse_expression
            return "$" + latex_expr(parse(text, self.symbols, where="report"), self.game) + "$"
        except GovgameError:
            return r"\texttt{" + latex_escape(text) + "}"

    def pieces(self, pieces: list[tuple[str, str]]) -> str:
        from .latex import latex_escape

        return "".join(
            self.math(t, kind == "rel") if kind in ("math", "rel") else latex_escape(t) for kind, t in pieces
        )

    def at(self, point: dict[str, float]) -> str:
        return ", ".join(f"{self.math(k)}$\\,=\\,{v:g}$" for k, v in point.items())


def audit_latex(result: Audit | Reconstruction) -> str:
    r"""The report as a complete LaTeX document (``amsmath``, ``booktabs``), ready to attach to a review.

    Examples
    --------
    >>> from govgame.analysis.audit import audit
    >>> tex = audit_latex(audit("battery_recycling", {"claim": [{"point": [0, 1, 1], "signs": ["-", "x", "x"]}]}))
    >>> tex.splitlines()[0], r"\toprule" in tex, tex.rstrip().endswith(r"\end{document}")
    ('\\documentclass{article}', True, True)
    """
    from ..analysis.reconstruct import Reconstruction
    from .latex import latex_document, latex_escape

    tex = _TeX(result)
    if isinstance(result, Reconstruction):
        title = f"Reconstruction of a model from {result.claims.title or result.claims.source}"
    else:
        title = f"Audit of a stability table against the model {result.model}"
    body = []
    if result.claims.title:
        body.append(r"\noindent Table: " + latex_escape(result.claims.title) + r"\par\medskip")
    body.append(r"\noindent\textbf{" + latex_escape(_summary(result)) + r"}\par\medskip")
    if result.findings:
        body += [r"\begin{center}", r"\begin{tabular}{@{}rp{0.38\linewidth}p{0.45\linewidth}@{}}", r"\toprule"]
        body.append(r"\# & claim & finding \\")
        body.append(r"\midrule")
        for i, f in enumerate(result.findings, 1):
            body.append(
                f"{i} & {latex_escape(_claim_heading(result, f.claim))} & {latex_escape(_TITLES[str(f.kind)])} \\\\"
            )
        body += [r"\bottomrule", r"\end{tabular}", r"\end{center}"]
    for i, f in enumerate(result.findings, 1):
        body.append(
            r"\subsection*{"
            + f"{i}. {latex_escape(_TITLES[str(f.kind)])}: {latex_escape(_claim_heading(result, f.claim))}"
            + "}"
        )
        body.append(latex_escape(f.detail) + ".")
        rows = _rows(f)
        if rows:
            body += [r"\begin{center}", r"\begin{tabular}{@{}p{0.34\linewidth}p{0.6\linewidth}@{}}", r"\toprule"]
            body.append(r"entry & expression \\")
            body.append(r"\midrule")
            body += [f"{latex_escape(label)} & {tex.pieces(pieces)} \\\\" for label, pieces in rows]
            body += [r"\bottomrule", r"\end{tabular}", r"\end{center}"]
        ev = f.evidence
        if "at" in ev:
            body.append(r"\noindent\emph{Evidence.} At " + tex.at(ev["at"]) + ": " + tex.pieces(_evidence_tail(f)))
        elif _evidence(f):
            body.append(r"\noindent\emph{Evidence.} " + tex.pieces(_evidence(f)))
        if "certificate" in ev:
            body += [r"\begin{center}", r"\begin{tabular}{@{}rlp{0.45\linewidth}@{}}", r"\toprule"]
            body.append(r"multiplier & row & from \\")
            body.append(r"\midrule")
            for r in ev["certificate"]["rows"]:
                body.append(f"{r['multiplier']} & {tex.math(r['row'], True)} & {latex_escape(r['source'])} \\\\")
            body += [r"\midrule", f"& sum $= {ev['certificate']['sum']}$ & \\\\", r"\bottomrule", r"\end{tabular}"]
            body.append(r"\end{center}")
        if f.suggestion:
            body.append(r"\par\noindent\emph{Suggested correction.} " + latex_escape(f.suggestion) + ".")
    if getattr(result, "differences", None):
        body += [r"\subsection*{Payoff differences read from the table}", r"\begin{center}"]
        body += [
            r"\begin{tabular}{@{}llp{0.45\linewidth}@{}}",
            r"\toprule",
            r"population (first $-$ second) & against & difference \\",
        ]
        body.append(r"\midrule")
        body += [f"{latex_escape(w)} & {latex_escape(a)} & {tex.math(v)} \\\\" for w, a, v in _differences(result)]
        body += [r"\bottomrule", r"\end{tabular}", r"\end{center}"]
    if result.notes:
        body.append(r"\subsection*{Notes}")
        body += [r"\begin{itemize}"] + [r"\item " + latex_escape(n) for n in result.notes] + [r"\end{itemize}"]
    return latex_document("\n".join(body), title=title)


def _evidence_tail(f: Finding) -> list[tuple[str, str]]:
    """The evidence sentence after its parameter point (which the LaTeX report typesets itself)."""
    pieces = _evidence(f)
    first = pieces[0][1]
    marker = ", " if "point" in first else ""
    rest = first.split(_at(f.evidence["at"]), 1)[-1].removeprefix(marker).lstrip(",").lstrip()
    return [("text", rest), *pieces[1:]]
