r"""Text for a terminal: the one escape for everything govgame prints to standard output and error.

Model files and command-line arguments can carry control characters and escape sequences
(``\x1b[2J`` clears a screen, ``\x1b]8;;...`` makes a link, ``\r`` overwrites a line,
U+202E reverses it). :func:`terminal_safe` shows each as a visible escape instead, so the text
is printed, never executed by the terminal. :func:`ascii_fallback` replaces the few
non-ASCII symbols govgame uses (``λ``, ``→``, ``≤``, ``−`` ...) by ASCII spellings for a
terminal that cannot show them (``PYTHONIOENCODING=ascii``, an old ``LANG=C`` system); anything
else becomes a backslash escape.

>>> terminal_safe("red \x1b[31mtext\x1b[0m\tend\n")
'red \\x1b[31mtext\\x1b[0m\tend\n'
>>> ascii_fallback("λ → 0 ≤ x")
'lambda -> 0 <= x'
"""

from __future__ import annotations

import codecs
import re

__all__ = ["terminal_safe", "ascii_fallback", "encodable"]

# C0 controls except tab and newline, DEL, C1 controls, line/paragraph separators, bidi controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escape(m: re.Match[str]) -> str:
    c = m.group()
    return f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}"


def terminal_safe(text: str, *, newlines: bool = True) -> str:
    r"""``text`` with every control character shown as an escape (tab kept; newlines kept unless ``newlines=False``).

    >>> terminal_safe("a\rb\u202ec")
    'a\\x0db\\u202ec'
    >>> terminal_safe("one\ntwo", newlines=False)
    'one\\x0atwo'
    """
    out = _CONTROL.sub(_escape, text)
    if not newlines:
        out = out.replace("\n", "\\x0a")
    return out


_ASCII = {
    "λ": "lambda", "→": "->", "←": "<-", "≤": "<=", "≥": ">=", "≠": "!=", "−": "-", "–": "-", "—": "--",
    "×": "x", "·": "*", "…": "...", "“": '"', "”": '"', "‘": "'", "’": "'", "§": "section ", "±": "+/-",
    "∞": "inf", "≈": "~", "µ": "u", "°": " deg", "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta",
    "σ": "sigma", "θ": "theta", "μ": "mu", "π": "pi", "\u00a0": " ",
}  # fmt: skip


def ascii_fallback(text: str) -> str:
    r"""``text`` in ASCII: known symbols spelled out, other characters as backslash escapes.

    >>> ascii_fallback("ü ∑")
    '\\xfc \\u2211'
    """
    if text.isascii():
        return text
    out = []
    for c in text:
        if c.isascii():
            out.append(c)
        elif c in _ASCII:
            out.append(_ASCII[c])
        else:
            out.append(c.encode("ascii", "backslashreplace").decode("ascii"))
    return "".join(out)


def encodable(text: str, encoding: str | None) -> str:
    """``text`` as it can be written in ``encoding``: unchanged when it fits, else :func:`ascii_fallback`.

    >>> encodable("λ", "utf-8"), encodable("λ", "ascii"), encodable("λ", "latin-1")
    ('λ', 'lambda', 'lambda')
    """
    if text.isascii() or not encoding:
        return text
    try:
        codecs.encode(text, encoding)
    except (UnicodeEncodeError, LookupError):
        return ascii_fallback(text)
    return text
