"""Readout tables of the widgets (numbers come from `nncourse.plots.numbers.format_number`)."""

from __future__ import annotations

import html


def html_table(rows, header=None) -> str:
    """A small HTML table for a readout; every cell is escaped text (numbers already formatted).

    Number columns are right-aligned and drawn in tabular figures, so fixed-decimal numbers line up.
    """
    cell = "padding:1px 12px 1px 0;text-align:right;font-variant-numeric:tabular-nums"
    first = "padding:1px 12px 1px 0;text-align:left"
    parts = ['<table style="border-collapse:collapse;font-family:monospace">']
    if header:
        parts.append("<tr>" + "".join(
            f'<th style="{first if i == 0 else cell}">{html.escape(str(h))}</th>'
            for i, h in enumerate(header)) + "</tr>")
    for row in rows:
        parts.append("<tr>" + "".join(
            f'<td style="{first if i == 0 else cell}">{html.escape(str(c))}</td>'
            for i, c in enumerate(row)) + "</tr>")
    parts.append("</table>")
    return "".join(parts)
