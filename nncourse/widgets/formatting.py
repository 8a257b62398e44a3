"""How the widgets write numbers: short, rounded, and the same everywhere.

A slider moved in the browser can come back as 0.30000000000000004; a learner should read 0.3.
`format_number` rounds to a few decimals, drops trailing zeros, writes very large or very small
numbers in scientific notation and uses a real minus sign (−), as the slider readouts do.
"""

from __future__ import annotations

import html
import math

MINUS = "\u2212"


def format_number(value, decimals: int = 4) -> str:
    """A number as a learner should read it: format_number(0.30000000000000004) == "0.3".

    - at most `decimals` decimals, trailing zeros removed: 0.8807970779 → "0.8808", 2.0 → "2";
    - |x| ≥ 100 000 or 0 < |x| < 10^(−decimals): scientific, three significant digits ("1.23e+06");
    - −0 is written 0; infinities as "∞" and "−∞"; not-a-number as "NaN".
    """
    x = float(value)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "∞" if x > 0 else MINUS + "∞"
    rounded = round(x, decimals)
    if abs(x) >= 1e5 or (x != 0 and rounded == 0):
        text = f"{x:.3g}"
    else:
        text = f"{rounded:.{decimals}f}".rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return MINUS + text[1:] if text.startswith("-") else text


def format_vector(values, decimals: int = 4) -> str:
    """[0.1, −0.25, 1] as "[0.1, −0.25, 1]"."""
    return "[" + ", ".join(format_number(v, decimals) for v in values) + "]"


def html_table(rows, header=None) -> str:
    """A small HTML table for a readout; every cell is escaped text (numbers already formatted)."""
    cell = "padding:1px 10px 1px 0;text-align:left"
    parts = ['<table style="border-collapse:collapse;font-family:monospace">']
    if header:
        parts.append("<tr>"
                     + "".join(f'<th style="{cell}">{html.escape(str(h))}</th>' for h in header)
                     + "</tr>")
    for row in rows:
        parts.append("<tr>" + "".join(f'<td style="{cell}">{html.escape(str(c))}</td>' for c in row)
                     + "</tr>")
    parts.append("</table>")
    return "".join(parts)
