"""Colours and line styles of the widgets: colour-blind safe, and never colour alone.

The Okabe-Ito palette stays distinguishable for the common kinds of colour blindness. Every
distinction drawn in colour is also carried by a line style, a marker or a label.
"""

BLUE = "#0072B2"
ORANGE = "#E69F00"
VERMILLION = "#D55E00"
GREEN = "#009E73"
SKY = "#56B4E9"
PURPLE = "#CC79A7"
YELLOW = "#F0E442"
GREY = "#7f7f7f"

SERIES = [BLUE, VERMILLION, GREEN, ORANGE, PURPLE, SKY, GREY]
LINESTYLES = ["-", "--", "-.", ":", (0, (5, 1, 1, 1)), (0, (3, 1, 1, 1, 1, 1)), (0, (1, 2))]
MARKERS = ["o", "s", "^", "D", "v", "P", "X"]

# Weight signs: blue solid for positive, vermillion dashed for negative.
POSITIVE, NEGATIVE = BLUE, VERMILLION
POSITIVE_STYLE, NEGATIVE_STYLE = "-", "--"


def sign_colour(value) -> str:
    return POSITIVE if value >= 0 else NEGATIVE
