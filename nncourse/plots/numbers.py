"""How the course writes a number in a figure, a label or a widget's readout: one function.

A slider moved in the browser can come back as 0.30000000000000004; a learner should read 0.3.
`format_number` rounds to a few decimals, writes very large or very small numbers in scientific
notation and uses a real minus sign (−). Three forms:

- trimmed (the default), for a number inside a sentence or a formula: 0.5, 2, −1.25;
- fixed (`trim=False`), for a column of numbers that must line up: 0.6590 above 0.2424;
- significant digits (`significant=4`), for gradients that are often tiny: 0.0002177, −0.1312.
"""

from __future__ import annotations

import math

MINUS = "\u2212"


def format_number(value, decimals: int = 4, *, trim: bool = True,
                  significant: int | None = None) -> str:
    """A number as a learner should read it: format_number(0.30000000000000004) == "0.3".

    - at most `decimals` decimals; trailing zeros removed (0.8807970779 → "0.8808", 2.0 → "2")
      unless `trim=False` (2.0 → "2.0000", so that a column lines up);
    - |x| ≥ 100 000 or 0 < |x| < 10^(−decimals): scientific, three significant digits ("1.23e+06");
    - `significant=k` instead: k significant digits whatever the size (0.0002177 with k = 4);
    - −0 is written 0; infinities as "∞" and "−∞"; not-a-number as "NaN".
    """
    x = float(value)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "∞" if x > 0 else MINUS + "∞"
    rounded = round(x, decimals)
    if significant is not None:
        text = f"{x:.{significant}g}"
    elif abs(x) >= 1e5 or (x != 0 and rounded == 0):
        text = f"{x:.3g}"
    else:
        text = f"{rounded:.{decimals}f}"
        if trim and "." in text:
            text = text.rstrip("0").rstrip(".")
    if text.lstrip("-").strip("0.") == "":  # −0, −0.000
        text = text.lstrip("-") or "0"
    return MINUS + text[1:] if text.startswith("-") else text


def format_vector(values, decimals: int = 4, *, trim: bool = True) -> str:
    """[0.1, −0.25, 1] as "[0.1, −0.25, 1]"."""
    return "[" + ", ".join(format_number(v, decimals, trim=trim) for v in values) + "]"
