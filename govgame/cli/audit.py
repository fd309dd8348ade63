"""``govgame audit``: check a published stability table against its model, or reconstruct one (SPEC §7).

``govgame audit MODEL CLAIMS`` prints the report and exits 0 when the table has no finding, 1 when
it has findings, 2 on bad input. ``govgame audit --reconstruct CLAIMS [--out MODEL.toml]`` reads
the table alone: when it is consistent it writes the model (to ``--out``, else to standard output
with ``--format text``) and exits 0; otherwise it lists the entries no game can produce and exits 1.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..errors import GovgameError

__all__ = ["run"]


class AuditUsageError(GovgameError, ValueError):
    """The audit command was called with arguments that do not go together."""


def _render(result, fmt: str) -> str:
    from ..io import audit as report

    if fmt == "json":
        return json.dumps(report.audit_to_dict(result), indent=2, allow_nan=False)
    if fmt == "markdown":
        return report.audit_markdown(result).rstrip("\n")
    if fmt == "latex":
        return report.audit_latex(result).rstrip("\n")
    return report.audit_text(result).rstrip("\n")


def run(args: argparse.Namespace) -> int:
    """Run ``govgame audit``; the exit status is 0 without findings, 1 with findings."""
    from ..analysis.audit import audit
    from ..model.claims import load_claims
    from ..model.loader import load_model

    if args.reconstruct is not None:
        if args.model is not None:
            raise AuditUsageError(
                f'--reconstruct reads the table alone; drop "{args.model}" (or drop --reconstruct to audit '
                "against a model)"
            )
        return _reconstruct(args)
    if args.model is None or args.claims is None:
        raise AuditUsageError("audit needs a MODEL and a CLAIMS file (or --reconstruct CLAIMS without a model)")
    if args.out is not None:
        raise AuditUsageError("--out writes a reconstructed model; it goes with --reconstruct CLAIMS")
    game = load_model(args.model)
    result = audit(game, load_claims(args.claims, game))
    print(_render(result, args.format))
    return 1 if result.findings else 0


def _reconstruct(args: argparse.Namespace) -> int:
    from ..analysis.reconstruct import reconstruct
    from ..model.claims import load_claims

    result = reconstruct(load_claims(args.reconstruct))
    if result.consistent and args.out is not None:
        out = Path(args.out)
        try:
            out.write_text(result.text, encoding="utf-8")
        except OSError as exc:
            raise AuditUsageError(f"--out {args.out}: cannot write the model ({exc.strerror or exc})") from None
    if result.consistent and args.out is None and args.format == "text":
        print(result.text.rstrip("\n"))  # the model itself: `govgame audit --reconstruct t.toml > model.toml`
    else:
        print(_render(result, args.format))
    return 0 if result.consistent else 1
