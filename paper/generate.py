r"""Generate every table, figure and number of the paper into paper/generated/.

Run by ``make -C paper`` before latexmk. Everything the manuscript reports comes
from govgame itself: the tables are rendered by :mod:`govgame.io.latex` from
:func:`govgame.analysis.pipeline.analyze` results (the same objects ``govgame analyze``
prints), the figures are drawn by :mod:`govgame.plot` from :func:`govgame.numerics.integrate.simulate`
runs, and the numbers quoted in the prose are written to ``generated/numbers.tex`` as

    \ggdef{model}{scenario}{key}{value}

and read in the text with ``\ggnum{model}{scenario}{key}`` (``scenario`` is
``default`` for the parameter values of the model file).
"""

from __future__ import annotations

import json
import sys
import time
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import sympy  # noqa: E402

from govgame import plot  # noqa: E402
from govgame.analysis.pipeline import analyze  # noqa: E402
from govgame.cli import figures  # noqa: E402
from govgame.io import latex as export  # noqa: E402
from govgame.io.json import analysis_to_dict  # noqa: E402
from govgame.model.loader import load_model  # noqa: E402
from govgame.numerics.integrate import simulate  # noqa: E402
from govgame.numerics.outcomes import basins, outcome_key, run_keys  # noqa: E402
from govgame.numerics.starts import grid_starts  # noqa: E402
from govgame.numerics.sweep import sensitivity, sweep  # noqa: E402

HERE = Path(__file__).resolve().parent
OUT = HERE / "generated"
MODELS = ["battery_recycling", "battery_deposit", "battery_traceability", "battery_four_party", "battery_echelon"]
T_END = 80.0
BASIN_GRID = 4  # grid_starts(game, 4): 64 starts for three binary populations

numbers: list[str] = []


def num(model: str, scenario: str, key: str, value) -> None:
    """Record a number for the prose."""
    if isinstance(value, float):
        value = f"{value:.3g}"
    numbers.append(f"\\ggdef{{{model}}}{{{scenario}}}{{{key}}}{{{value}}}")


def pct(share: float) -> str:
    return f"{100 * share:.0f}\\%"


def is_formal(key: str) -> bool:
    """A profile key means formal recycling when no population plays an informal strategy."""
    return "/" in key and "informal" not in key


def close(ax) -> None:
    import matplotlib.pyplot as plt

    plt.close(plot._figure_of(ax))


def save(ax, stem: str) -> None:
    plot.save(ax, OUT / f"{stem}.pdf")
    plot.save(ax, OUT / f"{stem}.png", dpi=120)
    close(ax)


def profile_tex(key: str) -> str:
    """A profile in italic words (``sell_informal`` -> *sell informal*): lines break between words, never inside one."""
    parts = [export.latex_escape(p.replace("_", " ")) for p in key.split("/")]
    text = r"/\allowbreak{}".join(parts)
    return r"\textit{" + text + "}" if "/" in key else text


def words(name: str) -> str:
    """A scenario name as words (``strengthened_supervision`` -> *strengthened supervision*)."""
    return r"\emph{" + export.latex_escape(name.replace("_", " ")) + "}"


def tt(name: str) -> str:
    """A name in typewriter type, never broken."""
    return r"\mbox{\texttt{" + export.latex_escape(name) + "}}"


def signed(v: float, fmt: str = ".2f") -> str:
    """A number with a true minus sign."""
    return f"${v:{fmt}}$"


def gov_payoff(game, key: str, values) -> float | None:
    if "/" not in key:
        return None
    profile = tuple(key.split("/"))
    expr = game.payoffs[profile][0]
    return float(sympy.sympify(expr).subs(game.subs_map(values)))


def changed(game, values) -> str:
    """The parameters a scenario sets away from the model's defaults, in LaTeX."""
    out = []
    for p in game.parameters:
        v = values.get(p.name)
        if v is not None and p.value is not None and abs(v - p.value) > 1e-12:
            out.append(f"${p.latex}={v:g}$")  # maths: a negative value gets a minus sign
    return ", ".join(out) if out else "defaults"


def scenario_rows(model: str, game) -> list[dict]:
    rows = []
    starts = grid_starts(game, BASIN_GRID if len(game.state_names) <= 3 else 3)
    for sc in [None, *game.scenarios]:
        name = sc.name if sc is not None else "default"
        values = game.values(sc.name if sc is not None else None)
        a = analyze(game, params=values, symbolic=sc is None)
        ess = [
            outcome_key(s.equilibrium)
            for s in a.equilibria
            if s.numeric is not None and str(s.numeric.verdict) == "ess"
        ]
        traj = simulate(game, starts, params=values, t_end=T_END)
        shares = basins(traj, a.equilibria)
        top = max(shares, key=shares.get)
        formal = sum(v for k, v in shares.items() if is_formal(k))
        gp = gov_payoff(game, top, values)
        expect = "/".join(sc.expect) if sc is not None and sc.expect else None
        row = {
            "name": name,
            "values": values,
            "ess": ess,
            "shares": shares,
            "top": top,
            "formal": formal,
            "gov": gp,
            "expect": expect,
            "analysis": a,
            "nstarts": len(starts),
        }
        rows.append(row)
        num(model, name, "formal", pct(formal))
        num(model, name, "top", profile_tex(top))
        num(model, name, "topshare", pct(shares[top]))
        num(model, name, "ess", ", ".join(profile_tex(k) for k in ess) or "none")
        num(model, name, "ness", str(len(ess)))
        num(model, name, "gov", signed(gp) if gp is not None else "--")
        num(model, name, "starts", str(len(starts)))
        if expect is not None:
            num(model, name, "expect", profile_tex(expect))
            num(model, name, "match", "as expected" if top == expect else "unlike the expected " + profile_tex(expect))
    return rows


def scenario_table(model: str, game, rows: list[dict]) -> str:
    lines = [
        r"\begin{table}[htbp]",
        r"\centering\footnotesize",
        r"\caption{Scenarios of \texttt{" + export.latex_escape(model) + "}: parameters changed from the defaults, "
        r"vertices that are ESS, the outcome most of the "
        + str(rows[0]["nstarts"])
        + r" grid starts reach, the share of starts that end in formal recycling and the government's payoff "
        r"at the majority outcome.}\label{tab:" + model + "-scenarios}",
        r"\begin{tabular}{@{}>{\raggedright}p{0.125\linewidth}>{\raggedright}p{0.25\linewidth}"
        r">{\raggedright}p{0.2\linewidth}>{\raggedright\arraybackslash}p{0.18\linewidth}rr@{}}",
        r"\toprule",
        r"Scenario & Changed parameters & ESS vertices & Majority outcome & Formal & $\pi_G$ \\",
        r"\midrule",
    ]
    for r in rows:
        ess = ", ".join(profile_tex(k) for k in r["ess"]) or "none"
        top = profile_tex(r["top"]) + f" ({pct(r['shares'][r['top']])})"
        gov = signed(r["gov"]) if r["gov"] is not None else "--"
        lines.append(
            words(r["name"])
            + " & "
            + changed(game, r["values"])
            + f" & {ess} & {top} & {pct(r['formal'])} & {gov} \\\\"
        )
    lines += [r"\bottomrule", r"\end{tabular}", r"\end{table}"]
    return "\n".join(lines) + "\n"


def ess_table(model: str, game, a) -> str:
    """Compact table: the vertices that can be ESS and their conditions."""
    lines = [
        r"{\small",
        r"\begin{longtable}{@{}>{\raggedright}p{0.3\linewidth}>{\raggedright\arraybackslash}p{0.66\linewidth}@{}}",
        r"\caption{Vertices of \texttt{" + export.latex_escape(model) + r"} that can be ESS for some admissible "
        r"parameters, with the conditions (Jacobian eigenvalues negative) under which they are.}"
        r"\label{tab:" + model + r"-ess} \\",
        r"\toprule",
        r"Vertex & ESS conditions \\",
        r"\midrule\endfirsthead",
        r"\toprule Vertex & ESS conditions \\ \midrule\endhead",
        r"\bottomrule\endfoot",
    ]
    count = 0
    for s in a.equilibria:
        eq = s.equilibrium
        if str(eq.kind) != "pure" or not s.can_be_ess:
            continue
        count += 1
        conds = r"\newline ".join("$" + export.latex_expr(c, game) + "$" for c in s.stability_conditions) or "always"
        lines.append(f"$E_{{{eq.name[1:]}}}$ " + profile_tex("/".join(eq.profile)) + f" & {conds} \\\\")
    lines += [r"\end{longtable}", "}"]
    num(model, "default", "ncanbeess", str(count))
    num(model, "default", "nvertices", str(sum(str(s.equilibrium.kind) == "pure" for s in a.equilibria)))
    num(model, "default", "nrest", str(len(a.equilibria)))
    return "\n".join(lines) + "\n"


def threshold(model: str, game, name: str, base: dict, key: str) -> None:
    """Smallest value of one parameter (others at ``base``) from which every grid start ends formal."""
    p = game.parameter(name)
    if p.range is None:
        return
    starts = grid_starts(game, 3)
    found = None
    num(model, "default", "thrstarts", str(len(starts)))
    num(model, "default", "thrvalues", "41")
    # one sweep over the 41 values (rest points found at each value, not only at the base values)
    result = sweep(
        game, {name: np.linspace(p.range[0], p.range[1], 41)}, params=base, grid=3, t_end=T_END, progress=False
    )
    for cell in result.cells:
        if all(is_formal(k) for k in cell.reached):
            found = float(cell.params[name])
            break
    num(model, "default", key, f"{found:.3g}" if found is not None else "--")
    what = LEVERS.get(name, f"${p.latex}$")
    if found is not None:
        phrase = f"once ${p.latex}$ reaches {found:.3g}"
        sentence = f"Raising {what} ${p.latex}$ alone sends every start to formal recycling once it reaches {found:.3g}"
    else:
        phrase = f"for no value of ${p.latex}$ in its range [{p.range[0]:g}, {p.range[1]:g}]"
        sentence = (
            f"Raising {what} ${p.latex}$ alone does not send every start to formal recycling anywhere in its "
            f"range [{p.range[0]:g}, {p.range[1]:g}]"
        )
    num(model, "default", key + "phrase", phrase)
    num(model, "default", key + "sentence", sentence)


LEVERS = {
    "F_e": "the fine on the enterprise",
    "S_e": "the subsidy to the enterprise",
    "p_d": "the detection probability",
    "delta": "the deposit",
}


def region(model: str, game, xname: str, yname: str, base: dict, n: int = 12) -> None:
    """The region map of Figure 4: a sweep, each cell named by govgame's one rule (numerics.outcomes.region_label)."""
    xs = np.linspace(*game.parameter(xname).range, n)
    ys = np.linspace(*game.parameter(yname).range, n)
    res = sweep(game, {xname: xs, yname: ys}, params=base, grid=2, t_end=T_END, progress=False)
    labels = res.labels().T  # each cell named by numerics.outcomes.region_label; rows: the vertical parameter
    formal_cells = sum(all(is_formal(key) for key, share in c.reached.items() if share > 0) for c in res.cells)
    ax = plot.region_map(game, xname, xs, yname, ys, labels, size=(4.2, 3.0))
    save(ax, f"{model}-region")
    num(model, "default", "regionformal", pct(formal_cells / (n * n)))
    num(model, "default", "regioncells", str(n * n))
    num(model, "default", "regionstarts", str(len(grid_starts(game, 2))))


def portraits(model: str, game, rows: list[dict], names: list[str], stem: str, t) -> None:
    """A row of 3-D portraits (one per scenario) drawn at print width, with one legend under them."""
    import matplotlib.pyplot as plt

    with plot.style():
        fig = plt.figure(figsize=(6.3, 2.75))
        verdicts, keys_seen = set(), []
        for k, name in enumerate(names):
            r = next(r for r in rows if r["name"] == name)
            traj = simulate(game, grid_starts(game, 2), params=r["values"], t_end=T_END, t_eval=t)
            eqs = r["analysis"].equilibria
            keys = run_keys(traj, eqs)
            ax = fig.add_subplot(1, len(names), k + 1, projection="3d")
            plot.phase_portrait_3d(game, traj.paths, equilibria=eqs, ax=ax, outcomes=keys, legend=False)
            ax.set_title(f"({chr(97 + k)}) {name.replace('_', ' ')}", fontsize=8, pad=0)
            verdicts |= {"ess" if s.numeric is not None and str(s.numeric.verdict) == "ess" else "unstable"
                         for s in eqs}  # fmt: skip
            for key in keys:
                if key not in keys_seen:
                    keys_seen.append(key)
        fig.subplots_adjust(left=0.0, right=0.97, bottom=0.1, top=0.95, wspace=0.18)
        plot.shared_legend(fig, game=game, verdicts=[v for v in ("ess", "unstable") if v in verdicts],
                           outcomes=keys_seen, ncol=3)  # fmt: skip
        save(fig, stem)


def models_table(games: dict) -> str:
    """Overview of the models: populations and strategies, parameters, scenarios."""
    lines = [
        r"\begin{table}[htbp]",
        r"\centering\small",
        r"\caption{The shipped battery-recycling models analysed here (population: strategies).}\label{tab:models}",
        r"\begin{tabular}{@{}>{\raggedright}p{0.25\linewidth}>{\raggedright}p{0.37\linewidth}r"
        r">{\raggedright\arraybackslash}p{0.2\linewidth}@{}}",
        r"\toprule",
        r"Model & Populations and strategies & Param. & Scenarios \\",
        r"\midrule",
    ]
    for model, game in games.items():
        pops = "; ".join(
            export.latex_escape(p.name)
            + ": "
            + ", ".join(r"\textit{\mbox{" + export.latex_escape(s) + "}}" for s in p.strategies)
            for p in game.populations
        )
        scen = ", ".join(words(s.name) for s in game.scenarios) or "--"
        lines.append(tt(model) + " & " + pops + f" & {len(game.parameters)} & {scen} \\\\")
    lines += [r"\bottomrule", r"\end{tabular}", r"\end{table}"]
    return "\n".join(lines) + "\n"


def has(game, *names: str) -> bool:
    return all(n in game.parameter_names for n in names)


def main() -> int:
    t0 = time.perf_counter()
    OUT.mkdir(parents=True, exist_ok=True)
    warnings.simplefilter("ignore")
    summary = {}
    games = {}
    for model in MODELS:
        folder = OUT / model
        folder.mkdir(exist_ok=True)
        try:
            game = load_model(model)
        except Exception as exc:  # a model not shipped in this build
            print(f"generate: skipping {model}: {exc}", file=sys.stderr)
            for f in ["parameters", "payoffs", "replicator", "equilibria", "numeric", "ess", "scenarios"]:
                (folder / f"{f}.tex").write_text(f"\\emph{{Model \\texttt{{{export.latex_escape(model)}}} "
                                                 "is not available in this build.}\n")  # fmt: skip
            num(model, "default", "available", "no")
            continue
        num(model, "default", "available", "yes")
        num(model, "default", "tend", f"{T_END:g}")
        games[model] = game
        num(model, "default", "npop", str(len(game.populations)))
        num(model, "default", "nparam", str(len(game.parameters)))
        values = game.values()
        rows = scenario_rows(model, game)
        a = rows[0]["analysis"]
        (folder / "parameters.tex").write_text(export.parameters_latex(game, params=values))
        (folder / "payoffs.tex").write_text(export.payoff_matrix_latex(game))
        (folder / "replicator.tex").write_text(export.replicator_latex(a.dynamics))
        (folder / "equilibria.tex").write_text(export.equilibria_latex(a))
        (folder / "numeric.tex").write_text(export.numeric_latex(a) or "")
        (folder / "ess.tex").write_text(ess_table(model, game, a))
        (folder / "scenarios.tex").write_text(scenario_table(model, game, rows))
        (folder / "analysis.json").write_text(json.dumps(analysis_to_dict(a), indent=1))

        # figures, drawn at the size they are printed (text at 7-8 pt, never scaled)
        n = len(game.state_names)
        t = np.linspace(0, T_END, 401)
        for r in rows:
            stem = f"{model}-{r['name']}"
            if n == 3:
                traj = simulate(game, grid_starts(game, 2), params=r["values"], t_end=T_END, t_eval=t)
                eqs = r["analysis"].equilibria
                keys = run_keys(traj, eqs)
                with plot.style():
                    ax = plot._new_axes(projection="3d", size=(3.1, 3.2))
                    plot.phase_portrait_3d(game, traj.paths, equilibria=eqs, ax=ax, outcomes=keys)
            else:
                traj = simulate(game, figures.center_start(game), params=r["values"], t_end=T_END, t_eval=t)
                ax = plot.time_series(game, t, traj.paths[0], size=(3.1, 2.2))
            save(ax, stem)
        if model == "battery_recycling":
            names = [sc.name for sc in game.scenarios][:3]
            portraits(model, game, rows, names, f"{model}-portraits", t)
            ax = plot.basin_shares(rows[0]["shares"], game=game, size=(3.1, 1.2))
            save(ax, f"{model}-basins")
            if has(game, "F_e"):
                vals = np.linspace(*game.parameter("F_e").range, 5)
                s = sensitivity(game, "F_e", vals, params=values, x0=figures.center_start(game)[0], t_end=T_END,
                                t_eval=t)  # fmt: skip
                axes = plot.sensitivity(game, "F_e", s.levels, t, s.paths, size=(5.6, 1.9))
                save(axes, f"{model}-sensitivity")
            if has(game, "S_e", "F_e"):
                region(model, game, "S_e", "F_e", values)
        for pname, key in [("F_e", "thrFe"), ("S_e", "thrSe"), ("p_d", "thrpd"), ("delta", "thrdelta")]:
            if has(game, pname):
                threshold(model, game, pname, values, key)
        summary[model] = {r["name"]: r["top"] for r in rows}
        print(f"generate: {model} done ({time.perf_counter() - t0:.0f} s)", file=sys.stderr)

    (OUT / "models.tex").write_text(models_table(games))
    (OUT / "numbers.tex").write_text("% written by paper/generate.py -- do not edit\n" + "\n".join(numbers) + "\n")
    (OUT / "summary.json").write_text(json.dumps(summary, indent=1))
    print(f"generate: wrote {OUT} in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
